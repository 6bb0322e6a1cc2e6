#!/usr/bin/env bash
# Tests of the Linux packages `make package` built: the .deb's metadata, dependencies and files,
# and the app and CLI from the extracted package starting (the app under Xvfb, in a private
# keyring session).
#   tests/package/run.sh [pytest args]
set -euo pipefail
source "$(dirname "$0")/../support/test-env.sh"
cd "$root"
export PATCHBAY_BUNDLE_DIR="$target_dir/release/bundle"
ls "$PATCHBAY_BUNDLE_DIR"/deb/*.deb >/dev/null 2>&1 || { echo "package: no .deb in $PATCHBAY_BUNDLE_DIR; run make package first" >&2; exit 1; }
exec tests/support/with-keyring.sh xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" \
    "$venv/bin/pytest" -p no:cacheprovider -q tests/package "$@"
