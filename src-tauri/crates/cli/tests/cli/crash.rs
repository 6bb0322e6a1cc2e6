//! Crash safety: SIGKILL the CLI while it writes, 20 times. The database must stay intact and
//! keep every write the CLI acknowledged (exit 0) before.

use std::process::Stdio;
use std::time::{Duration, Instant};

use patchbay_core::Patchbay;
use patchbay_core::secrets::MemorySecretStore;
use patchbay_core::servers::ServerQuery;
use patchbay_core::store::Store;

use crate::support::{Cli, finish};

const KILLS: usize = 20;

/// A small xorshift generator: kill instants spread over a run without a dependency.
struct Spread(u64);

impl Spread {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

#[test]
fn sigkill_during_writes_keeps_every_acknowledged_write() {
    let cli = Cli::new();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut spread = Spread(0x9E37_79B9_7F4A_7C15);
    let mut kills = 0;
    let mut attempts = 0;
    // How long one write takes here, so kill instants fall inside a run, not after it.
    let started = Instant::now();
    cli.run(&[
        "server",
        "create",
        "--name",
        "warm-up",
        "--url",
        "https://w.example.com/mcp",
    ])
    .ok();
    acknowledged.push("warm-up".into());
    let run_time = started.elapsed().as_micros() as u64;

    while kills < KILLS {
        attempts += 1;
        assert!(
            attempts < 400,
            "only {kills} of {KILLS} kills landed during a write"
        );
        // A stream of writes: creates and updates, each acknowledged by its exit status.
        for _ in 0..2 {
            let name = format!("ack-{}", acknowledged.len());
            cli.run(&[
                "server",
                "create",
                "--name",
                &name,
                "--url",
                "https://a.example.com/mcp",
            ])
            .ok();
            cli.run(&["server", "update", &name, "--description", "updated"])
                .ok();
            acknowledged.push(name);
        }
        // Fault injection, not synchronisation: the delay only picks the instant of the kill.
        let mut child = cli
            .command(&[
                "server",
                "create",
                "--name",
                &format!("victim-{attempts}"),
                "--url",
                "https://v.example.com/mcp",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(spread.below(run_time)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on Unix
            kills += 1;
        }
        let run = finish(child);
        if run.code == 0 {
            acknowledged.push(format!("victim-{attempts}"));
        }
    }

    let core = Patchbay::new(
        Store::open(&cli.db_path()).unwrap(),
        std::sync::Arc::new(MemorySecretStore::default()),
    )
    .unwrap();
    let integrity: String = core
        .store()
        .read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(integrity, "ok");
    let ws = core.workspace(None).unwrap().id;
    let stored = core
        .list_servers(
            &ws,
            &ServerQuery {
                limit: Some(1000),
                ..Default::default()
            },
        )
        .unwrap();
    let names: std::collections::HashSet<_> =
        stored.servers.iter().map(|s| s.name.as_str()).collect();
    for name in &acknowledged {
        assert!(
            names.contains(name.as_str()),
            "acknowledged write {name} is missing"
        );
    }
    for server in stored.servers.iter().filter(|s| s.name.starts_with("ack-")) {
        assert_eq!(
            server.description, "updated",
            "{} lost its acknowledged update",
            server.name
        );
    }
}
