#!/usr/bin/env bash
# The README's release figures from the packaged release build (make package first):
#   tests/bench/release_figures.sh [--soak-minutes N] [--launches N]
exec "$(dirname "$0")/on_package.sh" tests/bench/release_figures.py "$@"
