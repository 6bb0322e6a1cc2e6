# Sourced by `make bench`: the test environment (tests/support/test-env.sh) plus a venv with
# the FastMCP proxy the gateway benchmark compares with, made once and remade when its pins
# change.
source "$(dirname "${BASH_SOURCE[0]}")/../support/test-env.sh"
bench_venv="$target_dir/bench-venv"
pinned_venv "$bench_venv" "$root/tests/bench/requirements.txt"
export PATCHBAY_BENCH_PYTHON="$bench_venv/bin/python"
