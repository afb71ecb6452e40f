# Sourced by scripts/test and scripts/bench: the Python tooling in .venv and a moto to talk to.

venv=.venv

# Installs pinned tooling into .venv once per requirements file: the test tooling (moto,
# cfn-lint, schemathesis) by default, or the file given (scripts/requirements-deploy.txt).
ensure_venv() {
    local requirements=${1:-scripts/requirements-test.txt}
    local stamp="$venv/.installed-$(basename "$requirements" .txt)-$(sha256sum "$requirements" | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        echo "==> installing $(basename "$requirements") into $venv"
        [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
        touch "$stamp"
    fi
}

# Starts a single-threaded moto on a free port, stopped when the calling script exits, and
# exports its URL as ASSETRONICS_DYNAMODB_ENDPOINT.
start_moto() {
    local port
    port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p target
    "$venv/bin/python" scripts/moto_server.py "$port" > target/moto.log 2>&1 &
    moto_pid=$!
    trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do
        if "$venv/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null; then
            break
        fi
        sleep 0.2
    done
    export ASSETRONICS_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
    echo "==> moto on $ASSETRONICS_DYNAMODB_ENDPOINT"
}
