#!/usr/bin/env bash
# Real-server tests: the `patchbay` CLI against MCP servers we did not write (npm
# server-everything, the Python MCP SDK), all started by the tests on 127.0.0.1.
#   tests/live/run.sh [pytest args]
set -euo pipefail
source "$(dirname "$0")/../support/test-env.sh"
cd "$root"
[ -x "$PATCHBAY_CLI_BINARY" ] || { echo "live: $PATCHBAY_CLI_BINARY is missing; build it first (make test does)" >&2; exit 1; }
exec tests/support/with-keyring.sh "$venv/bin/pytest" -p no:cacheprovider -q tests/live "$@"
