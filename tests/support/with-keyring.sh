#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with its own unlocked gnome-keyring, so tests
# of secrets use a real Secret Service and never touch the user's own keyring.
#   tests/support/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail

if [ "${PATCHBAY_IN_TEST_KEYRING:-}" = 1 ]; then
    exec "$@"
fi

for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || {
        echo "with-keyring: $tool is missing; run 'make test' (it installs gnome-keyring and dbus)" >&2
        exit 1
    }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/patchbay-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/data" "$scratch/runtime"
chmod 700 "$scratch/runtime"

# Rust tools live under the real home; keep finding them after HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime"
export PATCHBAY_IN_TEST_KEYRING=1

exec dbus-run-session -- bash -c '
    # The daemon prints the variables its clients need; the password unlocks (and creates)
    # the login keyring.
    eval "$(printf %s patchbay-test-password | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    exec "$@"
' with-keyring "$@"
