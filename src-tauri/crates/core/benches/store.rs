//! Store at scale: a database of 10,000 servers; first list page, a later cursor page, get by
//! name and a name search, each timed as the median of repeated runs, side by side in one run.
//!
//!   cargo bench -p patchbay-core --bench store      full run (figures in the README)
//!   cargo test  -p patchbay-core --bench store      smoke run on a small store (CI)

use std::sync::Arc;
use std::time::{Duration, Instant};

use patchbay_core::Patchbay;
use patchbay_core::secrets::MemorySecretStore;
use patchbay_core::servers::{NewServer, ServerQuery};
use patchbay_core::store::Store;

const TARGET: Duration = Duration::from_millis(20);

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (servers, reps) = if full { (10_000, 201) } else { (300, 5) };

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("patchbay.db")).unwrap();
    // The keyring is not measured here: servers without secrets never touch it.
    let core = Patchbay::new(store, Arc::new(MemorySecretStore::default())).unwrap();
    let ws = core.workspace(None).unwrap().id;

    let fill = Instant::now();
    for i in 0..servers {
        let input = NewServer {
            name: format!("server-{i:05}"),
            url: Some(format!("https://mcp-{i}.example.com/mcp")),
            description: Some(format!("Benchmark server number {i}")),
            ..NewServer::default()
        };
        core.create_server(&ws, input).unwrap();
    }
    let fill = fill.elapsed();

    // A cursor deep into the list: walk to the page that starts at 80% of the servers.
    let page_size = 50;
    let mut cursor = None;
    for _ in 0..(servers * 4 / 5) / page_size {
        let q = ServerQuery {
            limit: Some(page_size as u32),
            cursor,
            ..Default::default()
        };
        cursor = core.list_servers(&ws, &q).unwrap().next_cursor;
    }
    let deep_cursor = cursor.expect("a later page exists");
    let late_name = format!("server-{:05}", servers - 7);

    let first_page = median(reps, || {
        let page = core
            .list_servers(
                &ws,
                &ServerQuery {
                    limit: Some(50),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(page.servers.len(), 50);
    });
    let later_page = median(reps, || {
        let q = ServerQuery {
            limit: Some(50),
            cursor: Some(deep_cursor.clone()),
            ..Default::default()
        };
        assert_eq!(core.list_servers(&ws, &q).unwrap().servers.len(), 50);
    });
    let by_name = median(reps, || {
        assert_eq!(core.get_server(&ws, &late_name).unwrap().name, late_name);
    });
    let search = median(reps, || {
        let q = ServerQuery {
            search: Some(late_name.clone()),
            ..Default::default()
        };
        assert_eq!(core.list_servers(&ws, &q).unwrap().servers.len(), 1);
    });

    println!(
        "store of {servers} servers (filled in {:.1} s), median of {reps} runs each:",
        fill.as_secs_f64()
    );
    println!(
        "{:<28} {:>10} {:>14}",
        "operation", "median", "vs 20 ms target"
    );
    for (label, d) in [
        ("first list page (50)", first_page),
        ("later cursor page (50)", later_page),
        ("get by name", by_name),
        ("name search", search),
    ] {
        println!(
            "{label:<28} {:>8.3}ms {:>13.3}x",
            d.as_secs_f64() * 1e3,
            d.as_secs_f64() / TARGET.as_secs_f64()
        );
    }
    println!(
        "later page / first page: {:.2}x",
        later_page.as_secs_f64() / first_page.as_secs_f64()
    );
    if full {
        let worst = [first_page, later_page, by_name, search]
            .into_iter()
            .max()
            .unwrap();
        assert!(
            worst < TARGET,
            "an operation took {worst:?}, over the {TARGET:?} target"
        );
    }
}

fn median(reps: usize, mut op: impl FnMut()) -> Duration {
    op(); // warm the statement cache and the page cache
    let mut times: Vec<Duration> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            op();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[reps / 2]
}
