# Sourced: pinned_venv DIR PINS makes a venv at DIR with the pins of PINS installed, anew only
# when the pins change.
pinned_venv() {
    if [ ! -x "$1/bin/python" ] || ! cmp -s "$2" "$1/requirements.txt"; then
        rm -rf "$1"
        python3 -m venv "$1"
        "$1/bin/pip" install --quiet --disable-pip-version-check -r "$2"
        cp "$2" "$1/requirements.txt"
    fi
}
