#!/usr/bin/env bash
# End-to-end tests of the real desktop app: the built binary under Xvfb, driven through
# WebDriver (tauri-driver + WebKitWebDriver), inside a private keyring session.
#   tests/e2e/run.sh [pytest args]
set -euo pipefail
source "$(dirname "$0")/../support/test-env.sh"
cd "$root"
export PATCHBAY_E2E_OUTPUT="$target_dir/e2e"
for bin in "$PATCHBAY_APP_BINARY" "$PATCHBAY_CLI_BINARY"; do
    [ -x "$bin" ] || { echo "e2e: $bin is missing; build it first (make test does)" >&2; exit 1; }
done
command -v WebKitWebDriver >/dev/null || { echo "e2e: WebKitWebDriver is missing (Debian package webkit2gtk-driver)" >&2; exit 1; }
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked

mkdir -p "$PATCHBAY_E2E_OUTPUT"
rm -f "$PATCHBAY_E2E_OUTPUT"/failed-*.png  # shots of an earlier failure would mislead

exec tests/support/with-keyring.sh xvfb-run --auto-servernum --server-args="-screen 0 1440x900x24" \
    "$venv/bin/pytest" -p no:cacheprovider -q tests/e2e "$@"
