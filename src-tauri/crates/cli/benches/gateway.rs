//! Gateway benchmark, ratios measured side by side in one run (README, "Benchmarks"):
//!
//! One tool call (`echo` of npm server-everything over Streamable HTTP), made by an rmcp client
//! straight to the server, through a Patchbay portal (`patchbay serve`, release build, secure
//! portal with its bearer token), and through a peer aggregator, the FastMCP proxy (PyPI
//! `fastmcp`, tests/bench/fastmcp_proxy.py) as it comes (a fresh upstream session per request)
//! and on one shared session. In the shapes real clients use: one session sending one call at
//! a time (latency p50/p99 and the time added to a direct call, calls per second), one
//! session with 16 calls in flight (each its own POST and connection: p50, calls per second),
//! and 16 sessions (calls per second). The three run interleaved in
//! rounds, so drift on the machine hits all alike. Then the resident memory of
//! `patchbay serve` idle and after 100,000 calls through it.
//!
//! `make bench` installs what it needs and runs it under a private Secret Service (the portal
//! token lives in the keyring); `--quick` is a short run without the 100,000 calls.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

mod support;
use support::{free_port, root, start};

type Client = RunningService<RoleClient, ()>;

struct Target {
    name: &'static str,
    url: String,
    token: Option<String>,
    tool: String,
}

async fn connect(target: &Target) -> Client {
    let mut config = StreamableHttpClientTransportConfig::with_uri(target.url.as_str());
    if let Some(token) = &target.token {
        config = config.auth_header(token.clone());
    }
    ().serve(StreamableHttpClientTransport::from_config(config))
        .await
        .unwrap_or_else(|e| panic!("{} connects: {e}", target.name))
}

async fn call(client: &Client, tool: &str, n: usize) -> Duration {
    let args = serde_json::json!({ "message": format!("call {n}") });
    let params = CallToolRequestParams::new(tool.to_string())
        .with_arguments(args.as_object().cloned().unwrap_or_default());
    let started = Instant::now();
    let result = client.call_tool(params).await.expect("the call succeeds");
    let elapsed = started.elapsed();
    assert_ne!(
        result.is_error,
        Some(true),
        "the call answered with an error"
    );
    elapsed
}

/// `calls` sequential calls on one session; their latencies.
async fn sequential(target: &Target, calls: usize) -> Vec<Duration> {
    let client = connect(target).await;
    let mut out = Vec::with_capacity(calls);
    for n in 0..calls {
        out.push(call(&client, &target.tool, n).await);
    }
    let _ = client.cancel().await;
    out
}

/// One session with `in_flight` calls at a time (a client sending parallel calls: each its own
/// POST, so its own connection), `calls` in all; calls per second and each call's latency.
async fn one_session_parallel(
    target: &Arc<Target>,
    in_flight: usize,
    calls: usize,
) -> (f64, Vec<Duration>) {
    let client = Arc::new(connect(target).await);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..in_flight {
        let (client, target) = (Arc::clone(&client), Arc::clone(target));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for n in (i..calls).step_by(in_flight) {
                latencies.push(call(&client, &target.tool, n).await);
            }
            latencies
        }));
    }
    let mut latencies = Vec::with_capacity(calls);
    for task in tasks {
        latencies.extend(task.await.expect("a call task"));
    }
    let rate = calls as f64 / started.elapsed().as_secs_f64();
    if let Ok(client) = Arc::try_unwrap(client) {
        let _ = client.cancel().await;
    }
    (rate, latencies)
}

/// `clients` sessions calling at once, `calls` in all; calls per second.
async fn concurrent(target: &Arc<Target>, clients: usize, calls: usize) -> f64 {
    let mut sessions = Vec::new();
    for _ in 0..clients {
        sessions.push(Arc::new(connect(target).await));
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, client) in sessions.iter().enumerate() {
        let (client, target) = (Arc::clone(client), Arc::clone(target));
        tasks.push(tokio::spawn(async move {
            for n in (i..calls).step_by(clients) {
                call(&client, &target.tool, n).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("a client task");
    }
    let rate = calls as f64 / started.elapsed().as_secs_f64();
    for client in sessions {
        if let Ok(client) = Arc::try_unwrap(client) {
            let _ = client.cancel().await;
        }
    }
    rate
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1e3
}

fn rss_kib(pid: u32) -> u64 {
    support::proc_kib(pid, "status", "VmRSS:")
}

/// The bench venv's Python, with the FastMCP proxy (tests/bench/env.sh makes it).
fn bench_python() -> Option<PathBuf> {
    std::env::var_os("PATCHBAY_BENCH_PYTHON")
        .map(PathBuf::from)
        .filter(|p| p.exists())
}

fn main() {
    let quick = support::quick();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data = tempfile::tempdir().expect("a temp dir");
    let data = data.path();
    let Some(bench) = support::everything_portal(data, "gateway", quick) else {
        return;
    };
    let (upstream, token) = (bench.upstream.clone(), bench.token.clone());

    let (serve, gateway) = support::serve(data);
    let serve_pid = serve.0.id();

    let mut targets = vec![
        Target {
            name: "direct to the server",
            url: upstream.clone(),
            token: None,
            tool: "echo".into(),
        },
        Target {
            name: "Patchbay portal",
            url: format!("{gateway}/mcp/bench"),
            token: Some(token),
            tool: "every__echo".into(),
        },
    ];
    let mut proxies = Vec::new();
    match bench_python() {
        Some(python) => {
            for (name, flags) in [
                ("FastMCP proxy (its default)", &[][..]),
                ("FastMCP proxy, shared session", &["--shared"][..]),
            ] {
                let port = free_port();
                let mut cmd = Command::new(&python);
                cmd.arg(root().join("tests/bench/fastmcp_proxy.py"))
                    .arg(port.to_string())
                    .arg(&upstream)
                    .args(flags);
                proxies.push(start(cmd, port, name));
                targets.push(Target {
                    name,
                    url: format!("http://127.0.0.1:{port}/mcp"),
                    token: None,
                    tool: "echo".into(),
                });
            }
        }
        None => println!("(FastMCP proxy left out: no bench venv; `make bench` installs it)"),
    }
    let targets: Vec<Arc<Target>> = targets.into_iter().map(Arc::new).collect();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (rounds, per_round, concurrent_calls) = if quick { (2, 50, 200) } else { (5, 200, 800) };

    runtime.block_on(async {
        for t in &targets {
            sequential(t, 50).await; // warm-up: sessions, caches, the portal's warm upstream
        }
        let idle_rss = rss_kib(serve_pid);

        let n = targets.len();
        let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); n];
        let mut single: Vec<f64> = vec![0.0; n];
        let mut parallel: Vec<Vec<f64>> = vec![Vec::new(); n];
        let mut parallel_latencies: Vec<Vec<Duration>> = vec![Vec::new(); n];
        let mut sixteen: Vec<Vec<f64>> = vec![Vec::new(); n];
        for _ in 0..rounds {
            for (i, t) in targets.iter().enumerate() {
                let started = Instant::now();
                latencies[i].extend(sequential(t, per_round).await);
                single[i] += started.elapsed().as_secs_f64();
                let (rate, each) = one_session_parallel(t, 16, concurrent_calls).await;
                parallel[i].push(rate);
                parallel_latencies[i].extend(each);
                sixteen[i].push(concurrent(t, 16, concurrent_calls).await);
            }
        }
        println!(
            "gateway: one tool call (server-everything echo); {} calls on one session one at a time, \
             {} rounds of {} on one session 16 at a time, and on 16 sessions:",
            rounds * per_round,
            rounds,
            concurrent_calls
        );
        println!(
            "  {:<30} {:>7} {:>7} {:>7} {:>7} | {:>13} | {:>7} {:>7} {:>13} | {:>13}",
            "",
            "p50 ms",
            "p99 ms",
            "+p50",
            "+p99",
            "calls/s",
            "p50 ms",
            "+p50",
            "calls/s",
            "calls/s"
        );
        println!(
            "  {:<30} {:>31} | {:>13} | {:>31} | {:>13}",
            "", "one session, 1 in flight", "", "one session, 16 in flight", "16 sessions"
        );
        let base = (
            percentile(&mut latencies[0].clone(), 0.5),
            percentile(&mut latencies[0].clone(), 0.99),
            (rounds * per_round) as f64 / single[0],
            support::median(parallel[0].clone()),
            percentile(&mut parallel_latencies[0].clone(), 0.5),
            support::median(sixteen[0].clone()),
        );
        for (i, t) in targets.iter().enumerate() {
            let (p50, p99) = (
                percentile(&mut latencies[i], 0.5),
                percentile(&mut latencies[i], 0.99),
            );
            let c1 = (rounds * per_round) as f64 / single[i];
            let par = support::median(parallel[i].clone());
            let par50 = percentile(&mut parallel_latencies[i], 0.5);
            let c16 = support::median(sixteen[i].clone());
            println!(
                "  {:<30} {:>7.3} {:>7.3} {:>7.3} {:>7.3} | {:>6.0} {:>5.2}x | {:>7.3} {:>7.3} {:>6.0} {:>5.2}x | {:>6.0} {:>5.2}x",
                t.name,
                p50,
                p99,
                p50 - base.0,
                p99 - base.1,
                c1,
                c1 / base.2,
                par50,
                par50 - base.4,
                par,
                par / base.3,
                c16,
                c16 / base.5
            );
        }

        if !quick {
            // Two halves: growth that stops after the first is caches filling, not a leak.
            let portal = Arc::clone(&targets[1]);
            concurrent(&portal, 16, 50_000).await;
            let half_rss = rss_kib(serve_pid);
            concurrent(&portal, 16, 50_000).await;
            let after_rss = rss_kib(serve_pid);
            let mib = |kib: u64| kib as f64 / 1024.0;
            println!(
                "  patchbay serve resident memory: idle {:.1} MiB, after 50,000 calls {:.1} MiB, after 100,000 {:.1} MiB ({:.2}x idle)",
                mib(idle_rss),
                mib(half_rss),
                mib(after_rss),
                after_rss as f64 / idle_rss as f64
            );
            assert!(
                after_rss < idle_rss + 64 * 1024,
                "patchbay serve grew by more than 64 MiB over 100,000 calls"
            );
        }
    });
}
