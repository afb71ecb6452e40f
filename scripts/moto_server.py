"""moto's server, single-threaded.

`moto_server` serves requests on many threads and its DynamoDB backend is not atomic across
them: concurrent conditional writes can both succeed. One thread makes every request atomic, as
DynamoDB is, so the concurrency tests measure our code rather than the emulator.
"""

import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    port = int(sys.argv[1])
    app = DomainDispatcherApplication(create_backend_app)
    run_simple("127.0.0.1", port, app, threaded=False, use_reloader=False)


if __name__ == "__main__":
    main()
