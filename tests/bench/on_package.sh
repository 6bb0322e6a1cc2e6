#!/usr/bin/env bash
# Runs a bench script on the packaged release build (make package first), under Xvfb with a
# private keyring:  tests/bench/on_package.sh tests/bench/SCRIPT.py [args]
# PATCHBAY_BUNDLE_DIR may name a copy of the bundle, so that a `make package` run meanwhile
# (which empties target/release/bundle) cannot take the packages away mid-run.
set -euo pipefail
source "$(dirname "$0")/../support/test-env.sh"
cd "$root"
export PATCHBAY_BUNDLE_DIR="${PATCHBAY_BUNDLE_DIR:-$target_dir/release/bundle}"
ls "$PATCHBAY_BUNDLE_DIR"/deb/*.deb >/dev/null 2>&1 || { echo "bench: no .deb in $PATCHBAY_BUNDLE_DIR; run make package first" >&2; exit 1; }
export PYTHONPATH="$root/tests/support"
exec tests/support/with-keyring.sh xvfb-run --auto-servernum --server-args="-screen 0 1440x900x24" \
    "$venv/bin/python" "$@"
