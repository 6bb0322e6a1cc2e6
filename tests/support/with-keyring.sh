#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with its own unlocked gnome-keyring, so tests
# of secrets use a real Secret Service and never touch the user's own keyring.
#   tests/support/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail

if [ "${PATCHBAY_IN_TEST_KEYRING:-}" = 1 ]; then
    exec "$@"
fi

for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || {
        echo "with-keyring: $tool is missing; run 'make test' (it installs gnome-keyring and dbus)" >&2
        exit 1
    }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/patchbay-keyring.XXXXXX")
# The session is not exec'd below, so that this removes the scratch keyring when the command
# ends, whatever its status. The document portal an app under test starts may still hold its
# FUSE mount in the runtime dir then: detached lazily, it goes once that process is gone.
cleanup() {
    fusermount3 -uz "$scratch/runtime/doc" 2>/dev/null || fusermount -uz "$scratch/runtime/doc" 2>/dev/null || true
    rm -rf "$scratch" 2>/dev/null || true
}
trap cleanup EXIT
mkdir -p "$scratch/home" "$scratch/data" "$scratch/runtime"
chmod 700 "$scratch/runtime"

# Rust tools live under the real home; keep finding them after HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime"
export PATCHBAY_IN_TEST_KEYRING=1

# The session bus starts the daemon on demand from this service file, which a file under
# XDG_DATA_HOME overrides for this session: so a daemon that stops mid-run (gnome-keyring has
# aborted on bursts of new clients) comes back unlocked, on the same keyring files, instead of
# as the system's locked one asking for a prompt nobody can answer.
mkdir -p "$scratch/data/dbus-1/services"
cat > "$scratch/unlocked-keyring" <<'EOF_DAEMON'
#!/bin/sh
# The password unlocks (and on first start creates) the login keyring.
printf %s patchbay-test-password | exec gnome-keyring-daemon --foreground --unlock --components=secrets
EOF_DAEMON
chmod 700 "$scratch/unlocked-keyring"
printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec="%s"\n' "$scratch/unlocked-keyring" \
    > "$scratch/data/dbus-1/services/org.freedesktop.secrets.service"

dbus-run-session -- bash -c '
    # Returns once the daemon owns its name, so the first test never races its start.
    dbus-send --session --print-reply=literal --reply-timeout=60000 --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName \
        string:org.freedesktop.secrets uint32:0 >/dev/null || {
        echo "with-keyring: the private gnome-keyring did not start" >&2
        exit 1
    }
    exec "$@"
' with-keyring "$@"
