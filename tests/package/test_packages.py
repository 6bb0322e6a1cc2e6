"""The packages as a user gets them: what dpkg and rpm say about them, the files the .deb
installs, and the app and CLI it carries starting from the extracted package, the app's window
on an X display."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from background_gateway import stop_gateway
from processes import anonymous, descendants
from waiting import wait_until

BUNDLES = Path(os.environ["PATCHBAY_BUNDLE_DIR"])
VERSION = re.search(r'^version = "([^"]+)"', (Path(__file__).parents[2] / "Cargo.toml").read_text(), re.M).group(1)


def only(pattern: str) -> Path:
    found = sorted(BUNDLES.glob(pattern))
    assert len(found) == 1, f"one {pattern} in {BUNDLES}, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def deb() -> Path:
    return only(f"deb/Patchbay_{VERSION}_*.deb")


@pytest.fixture(scope="module")
def root(deb):
    """The package's files, extracted as dpkg would install them."""
    where = Path(tempfile.mkdtemp(prefix="patchbay-deb-"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(where)], check=True)
    yield where
    shutil.rmtree(where, ignore_errors=True)


def field(info: str, name: str) -> str:
    match = re.search(rf"^ {name}: (.*)$", info, re.M)
    assert match, f"no {name} in:\n{info}"
    return match.group(1)


def test_its_metadata_names_the_runtime_it_needs(deb):
    info = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True, check=True).stdout
    assert field(info, "Package") == "patchbay"
    assert field(info, "Version") == VERSION
    assert (
        field(info, "Architecture")
        == subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    )
    depends = [d.strip() for d in field(info, "Depends").split(",")]
    assert "libwebkit2gtk-4.1-0" in depends and "libgtk-3-0" in depends, depends
    # The keyring is reached over the session bus (zbus, no C library): a bus is required,
    # a Secret Service provider recommended.
    assert "default-dbus-session-bus | dbus-session-bus" in depends, depends
    assert "gnome-keyring" in field(info, "Recommends")
    assert field(info, "Section") == "devel"


def test_it_installs_the_app_the_cli_a_desktop_entry_icons_and_the_license(root):
    assert os.access(root / "usr/bin/patchbay-app", os.X_OK)
    assert os.access(root / "usr/bin/patchbay", os.X_OK), "the CLI is on the PATH beside the app"
    sizes = {p.parent.parent.name for p in (root / "usr/share/icons/hicolor").glob("*/apps/patchbay-app.png")}
    assert {"16x16", "24x24", "32x32", "48x48", "64x64", "128x128", "256x256", "512x512"} <= sizes, sizes
    entry = (root / "usr/share/applications/Patchbay.desktop").read_text()
    assert re.search(r"^Exec=patchbay-app", entry, re.M), entry
    assert re.search(r"^Icon=patchbay-app$", entry, re.M), entry
    assert re.search(r"^Categories=.*Development", entry, re.M), entry
    licence = root / "usr/share/doc/patchbay/copyright"
    assert "MIT License" in licence.read_text()
    checked = subprocess.run(
        ["desktop-file-validate", str(root / "usr/share/applications/Patchbay.desktop")], capture_output=True, text=True
    )
    assert checked.returncode == 0 and "error" not in checked.stdout, checked.stdout + checked.stderr


def test_the_rpm_carries_the_same_app_and_cli_and_needs_webkit():
    rpm = only(f"rpm/Patchbay-{VERSION}-*.rpm")
    query = ["rpm", "--query", "--package", "--nosignature", str(rpm)]
    files = subprocess.run([*query, "--list"], capture_output=True, text=True, check=True).stdout.split()
    assert {"/usr/bin/patchbay-app", "/usr/bin/patchbay", "/usr/share/applications/Patchbay.desktop"} <= set(files), (
        files
    )
    requires = subprocess.run([*query, "--requires"], capture_output=True, text=True, check=True).stdout
    # rpm names libraries by soname, found in the binaries.
    assert "libwebkit2gtk-4.1.so.0()(64bit)" in requires and "libgtk-3.so.0()(64bit)" in requires, requires


@pytest.fixture
def user(root):
    """A user of the extracted package: empty data dir, home and keyring service of its own."""
    data = Path(tempfile.mkdtemp(prefix="patchbay-pkg-data-"))
    home = data / "home"
    home.mkdir()
    env = dict(
        os.environ,
        PATH=f"{root / 'usr/bin'}:{os.environ['PATH']}",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        PATCHBAY_DATA_DIR=str(data),
        PATCHBAY_KEYRING_SERVICE=f"patchbay-pkg-{uuid.uuid4().hex}",
        PATCHBAY_GATEWAY_PORT="0",
    )
    yield env
    stop_gateway(str(root / "usr/bin/patchbay"), data, env)
    shutil.rmtree(data, ignore_errors=True)


def test_the_cli_from_the_package_answers(root, user):
    cli = str(root / "usr/bin/patchbay")
    version = subprocess.run(
        [cli, "--version"], env=user, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert f"patchbay {VERSION} (release build)" in version, version
    assert user["PATCHBAY_DATA_DIR"] in version
    listed = subprocess.run(
        [cli, "server", "list", "--json"], env=user, capture_output=True, text=True, timeout=60, check=True
    )
    assert '"servers": []' in listed.stdout, listed.stdout


def window_titles() -> str:
    return subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, check=True).stdout


def test_the_app_from_the_package_opens_its_window_and_starts_its_gateway(root, user):
    log = open(Path(user["PATCHBAY_DATA_DIR"]) / "app.out", "w")
    app = subprocess.Popen(
        [str(root / "usr/bin/patchbay-app")], env=user, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_until(lambda: app.poll() is not None or '"Patchbay"' in window_titles(), "the app's window", timeout=120)
        assert app.poll() is None, f"the app exited with {app.returncode}"
        # The app starts the background gateway with the CLI installed beside it.
        cli = str(root / "usr/bin/patchbay")

        def gateway() -> dict | None:
            status = subprocess.run(
                [cli, "gateway", "status", "--json"], env=user, capture_output=True, text=True, timeout=60
            )
            found = json.loads(status.stdout) if status.returncode == 0 else {}
            return found if found.get("running") else None

        running = wait_until(gateway, "the gateway the app starts", timeout=120)
        assert running["address"].startswith("http://127.0.0.1:"), running
    finally:
        os.killpg(app.pid, 9)
        app.wait(timeout=30)


def painted(data: Path) -> bool:
    return any("first paint" in log.read_text(errors="replace") for log in (data / "logs").glob("patchbay.*.log"))


def test_the_packaged_window_draws_its_page_without_opengl(root, user):
    # With WebKitGTK's OpenGL compositing the web process holds ~90 MiB of its own once the
    # page is painted (llvmpipe under Xvfb) and more each time the page is drawn a new way;
    # drawn in software (src-tauri/src/rendering.rs) it holds about 40.
    app = subprocess.Popen(
        [str(root / "usr/bin/patchbay-app")],
        env=user,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until(lambda: app.poll() is not None or painted(Path(user["PATCHBAY_DATA_DIR"])), "the first paint", 120)
        assert app.poll() is None, f"the app exited with {app.returncode}"
        [web] = [p for p in descendants(app.pid) if Path(f"/proc/{p}/comm").read_text().startswith("WebKitWebProces")]
        own = anonymous(web) / (1024 * 1024)
        assert own < 64, f"the web process holds {own:.0f} MiB of its own: is it compositing with OpenGL?"
    finally:
        os.killpg(app.pid, 9)
        app.wait(timeout=30)
