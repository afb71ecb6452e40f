"""moto's server, single-threaded.

`moto_server` serves requests on many threads and its DynamoDB backend is not atomic across
them: concurrent conditional writes can both succeed. One thread makes every request atomic, as
DynamoDB is, so the concurrency tests measure our code rather than the emulator.

moto projects index items (INCLUDE projections) through boto3's Decimal context, which refuses
numbers DynamoDB stores: the smallest ones (down to 1E-130; its Emin is -128) and large ones
written out in full ("999" and 123 zeros has 38 significant digits, but 126 digits to a context
of precision 38). The index read of an item holding one fails with a 500 that DynamoDB never
gives, so the context is widened before moto starts.
"""

import decimal
import sys

import boto3.dynamodb.types

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    boto3.dynamodb.types.DYNAMODB_CONTEXT = boto3.dynamodb.types.DYNAMODB_CONTEXT.copy()
    boto3.dynamodb.types.DYNAMODB_CONTEXT.Emin = -130
    boto3.dynamodb.types.DYNAMODB_CONTEXT.prec = 200
    port = int(sys.argv[1])
    app = DomainDispatcherApplication(create_backend_app)
    run_simple("127.0.0.1", port, app, threaded=False, use_reloader=False)


if __name__ == "__main__":
    main()
