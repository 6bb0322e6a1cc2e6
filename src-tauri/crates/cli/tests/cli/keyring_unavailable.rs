//! When no Secret Service can serve, secrets are refused with `keyring_unavailable` (exit 8)
//! and nothing is written anywhere else.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::support::Cli;

const KEY: &str = "sk-never-stored-8c7d6e5f4a3b2c1d";

fn assert_refused_and_nothing_stored(cli: &Cli, reason: &str) {
    let run = cli.run_with_stdin(
        &[
            "--json",
            "server",
            "create",
            "--name",
            "keyed",
            "--url",
            "https://k.example.com/mcp",
            "--api-key-stdin",
        ],
        KEY,
    );
    assert_eq!(run.code, 8, "{}", run.stderr);
    let error = run.error();
    assert_eq!(error["code"], "keyring_unavailable");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(reason),
        "the message says what failed and what to do: {message}"
    );
    assert!(!run.stderr.contains(KEY));

    // Nothing half-made: no server, and the key is in no file of the data dir.
    let list = cli.run(&["--json", "server", "list"]).ok().json();
    assert_eq!(list["servers"].as_array().unwrap().len(), 0);
    for entry in std::fs::read_dir(cli.data_dir()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()));
    }
    // Servers without secrets need no keyring.
    cli.run(&[
        "server",
        "create",
        "--name",
        "plain",
        "--url",
        "https://p.example.com/mcp",
    ])
    .ok();
}

#[test]
fn no_session_bus_is_keyring_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let bus = format!("unix:path={}", dir.path().join("no-bus-here").display());
    let cli = Cli::new().with_env("DBUS_SESSION_BUS_ADDRESS", &bus);
    assert_refused_and_nothing_stored(&cli, "no D-Bus session bus");
}

/// A private bus that activates nothing: no Secret Service provider answers on it.
struct BareBus {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl BareBus {
    fn start() -> BareBus {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}/bus</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>"#,
                dir.path().display()
            ),
        )
        .unwrap();
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon is installed (make test installs dbus)");
        let mut address = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        assert!(
            address.starts_with("unix:"),
            "dbus-daemon printed {address:?}"
        );
        BareBus {
            child,
            address: address.trim().to_string(),
            _dir: dir,
        }
    }
}

impl Drop for BareBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_bus_without_a_secret_service_is_keyring_unavailable() {
    let bus = BareBus::start();
    let cli = Cli::new().with_env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    assert_refused_and_nothing_stored(&cli, "no Secret Service provider is running");
}

/// Locking the keyring would disturb the tests running beside this one, so this test runs its
/// scenario in a private keyring session of its own.
#[test]
fn a_locked_keyring_is_keyring_unavailable() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tests/support/with-keyring.sh"
    );
    let cli = Cli::new();
    let scenario = format!(
        r#"set -u
        "$0" --data-dir "$1" server create --name before --url https://b.example.com/mcp --api-key-stdin <<< "{KEY}-before" >/dev/null || exit 90
        dbus-send --session --dest=org.freedesktop.secrets --type=method_call --print-reply=literal \
            /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock \
            array:objpath:/org/freedesktop/secrets/collection/login >/dev/null || exit 91
        "$0" --json --data-dir "$1" server create --name keyed --url https://k.example.com/mcp --api-key-stdin <<< "{KEY}"
        echo "exit=$?"
        "$0" --json --data-dir "$1" server get before >/dev/null || exit 92"#
    );
    let run = Command::new(script)
        .args(["bash", "-c", &scenario, crate::support::BIN])
        .arg(cli.data_dir())
        .env_remove("PATCHBAY_IN_TEST_KEYRING")
        .env("PATCHBAY_KEYRING_SERVICE", &cli.keyring_service)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "scenario failed ({:?}): {stdout}{stderr}",
        run.status.code()
    );
    assert!(stdout.contains("exit=8"), "{stdout}");
    let error_line = stderr
        .lines()
        .find(|l| l.starts_with("{\"error\""))
        .expect("a JSON error on stderr");
    let error: serde_json::Value = serde_json::from_str(error_line).unwrap();
    assert_eq!(error["error"]["code"], "keyring_unavailable");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unlock your login keyring"),
        "{error}"
    );
    // Reading records needs no keyring; the refused server was not stored.
    let list = cli.run(&["--json", "server", "list"]).ok().json();
    let names: Vec<&str> = list["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["before"]);
}
