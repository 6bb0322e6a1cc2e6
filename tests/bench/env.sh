# Sourced by `make bench`: the test environment (tests/support/test-env.sh) plus a venv with
# the FastMCP proxy the gateway benchmark compares with, made once and remade when its pins
# change.
source "$(dirname "${BASH_SOURCE[0]}")/../support/test-env.sh"
bench_venv="$target_dir/bench-venv"
if [ ! -x "$bench_venv/bin/python" ] || ! cmp -s "$root/tests/bench/requirements.txt" "$bench_venv/requirements.txt"; then
    rm -rf "$bench_venv"
    python3 -m venv "$bench_venv"
    "$bench_venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/bench/requirements.txt"
    cp "$root/tests/bench/requirements.txt" "$bench_venv/requirements.txt"
fi
export PATCHBAY_BENCH_PYTHON="$bench_venv/bin/python"
