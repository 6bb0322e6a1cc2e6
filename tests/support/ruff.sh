#!/usr/bin/env bash
# ruff, pinned, from a venv of its own under the cargo target dir (made once, remade when the
# pin changes): `tests/support/ruff.sh format --check tests`, `tests/support/ruff.sh check tests`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target_dir=$(cd "$root" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
source "$root/tests/support/pinned-venv.sh"
venv="$target_dir/format-venv"
pinned_venv "$venv" "$root/tests/support/format-requirements.txt"
cd "$root"
exec "$venv/bin/ruff" "$@"
