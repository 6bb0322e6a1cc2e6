#!/usr/bin/env bash
# End-to-end tests of the real desktop app: the built binary under Xvfb, driven through
# WebDriver (tauri-driver + WebKitWebDriver), inside a private keyring session.
#   tests/e2e/run.sh [pytest args]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
export PATCHBAY_APP_BINARY="$target_dir/debug/patchbay-app"
export PATCHBAY_CLI_BINARY="$target_dir/debug/patchbay"
export PATCHBAY_E2E_OUTPUT="$target_dir/e2e"
for bin in "$PATCHBAY_APP_BINARY" "$PATCHBAY_CLI_BINARY"; do
    [ -x "$bin" ] || { echo "e2e: $bin is missing; build it first (make test does)" >&2; exit 1; }
done
command -v WebKitWebDriver >/dev/null || { echo "e2e: WebKitWebDriver is missing (Debian package webkit2gtk-driver)" >&2; exit 1; }
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked

venv="$target_dir/e2e-venv"
if [ ! -x "$venv/bin/pytest" ] || ! cmp -s tests/e2e/requirements.txt "$venv/requirements.txt"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/e2e/requirements.txt
    cp tests/e2e/requirements.txt "$venv/requirements.txt"
fi
mkdir -p "$PATCHBAY_E2E_OUTPUT"
rm -f "$PATCHBAY_E2E_OUTPUT"/failed-*.png  # shots of an earlier failure would mislead

exec tests/support/with-keyring.sh xvfb-run --auto-servernum --server-args="-screen 0 1440x900x24" \
    "$venv/bin/pytest" -p no:cacheprovider -q tests/e2e "$@"
