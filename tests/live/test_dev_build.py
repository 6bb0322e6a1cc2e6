"""A debug build (what `make run` and the tests build) keeps its own data dir and keyring
service, so that working on Patchbay never migrates or reads the released app's data."""

import os
import subprocess

from background_gateway import stop_gateway
from builds import CLI


def test_a_dev_build_keeps_its_own_data_dir_and_keyring_service(tmp_path):
    # Nothing says where: the defaults decide (HOME is a fresh one; the keyring is the test's
    # private Secret Service).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PATCHBAY_DATA_DIR", "PATCHBAY_KEYRING_SERVICE", "XDG_DATA_HOME")
    }
    env.update(HOME=str(tmp_path), PATCHBAY_GATEWAY_PORT="0")
    data = tmp_path / ".local/share"
    version = subprocess.run([CLI, "--version"], env=env, capture_output=True, text=True, check=True).stdout
    assert "(dev build)" in version.splitlines()[0], version
    assert f"data dir: {data / 'patchbay-dev'}" in version and "keyring service: patchbay-dev" in version, version
    assert "gateway: not running" in version, version
    try:
        done = subprocess.run(
            [
                CLI,
                "server",
                "create",
                "--name",
                "keyed",
                "--url",
                "https://api.example.com/mcp",
                "--auth",
                "api_key",
                "--api-key-stdin",
                "--json",
            ],
            input="dev-build-key-1234",
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert (data / "patchbay-dev" / "patchbay.db").exists()
        assert not (data / "patchbay").exists(), "the released app's data dir is untouched"

        # The key went to the keyring under the dev service, not the released app's.
        def stored_under(service: str) -> str:
            return subprocess.run(
                ["secret-tool", "search", "--all", "service", service], env=env, capture_output=True, text=True
            ).stdout

        assert "dev-build-key-1234" in stored_under("patchbay-dev")
        assert "dev-build-key-1234" not in stored_under("patchbay")
    finally:
        stop_gateway(CLI, data / "patchbay-dev", env)
