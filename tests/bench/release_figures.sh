#!/usr/bin/env bash
# The README's release figures from the packaged release build (make package first):
#   tests/bench/release_figures.sh [--soak-minutes N] [--launches N]
# PATCHBAY_BUNDLE_DIR may name a copy of the bundle, so that a `make package` run meanwhile
# (which empties target/release/bundle) cannot take the packages away mid-run.
set -euo pipefail
source "$(dirname "$0")/../support/test-env.sh"
cd "$root"
export PATCHBAY_BUNDLE_DIR="${PATCHBAY_BUNDLE_DIR:-$target_dir/release/bundle}"
ls "$PATCHBAY_BUNDLE_DIR"/deb/*.deb >/dev/null 2>&1 || { echo "figures: no .deb in $PATCHBAY_BUNDLE_DIR; run make package first" >&2; exit 1; }
export PYTHONPATH="$root/tests/support"
exec tests/support/with-keyring.sh xvfb-run --auto-servernum --server-args="-screen 0 1440x900x24" \
    "$venv/bin/python" tests/bench/release_figures.py "$@"
