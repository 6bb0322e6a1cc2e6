//! Installed-entry benchmark, ratios measured side by side in one run (README, "Benchmarks"):
//!
//! What an AI client sees of Patchbay's default entry — `patchbay bridge <portal id>`, a stdio
//! command that reaches the portal through the user's gateway — against a URL entry straight
//! to the gateway, on a portal over npm server-everything:
//! - the first `tools/list`: the client starts the entry, initializes and lists, with no
//!   gateway running (cold: the entry starts it) and with one running (warm); the URL entry
//!   connects and lists;
//! - then `tools/list` and a tool call on the open session, interleaved: the time the stdio
//!   hop adds;
//! - resident memory of the entry process and of the idle gateway.
//!
//! Release build (`cargo bench`); `make bench` runs it under a private Secret Service.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};

mod support;
use support::{CLI, cli_json, median, proc_kib};

type Client = RunningService<RoleClient, ()>;

/// Resident memory three ways: all resident pages (RSS), pages shared with other processes
/// counted in proportion (PSS), and the process's own heap and stacks (anonymous).
fn memory(pid: u32) -> String {
    let mib = |k: u64| k as f64 / 1024.0;
    format!(
        "RSS {:.1} MiB, PSS {:.1} MiB, anonymous {:.1} MiB",
        mib(proc_kib(pid, "status", "VmRSS:")),
        mib(proc_kib(pid, "smaps_rollup", "Pss:")),
        mib(proc_kib(pid, "status", "RssAnon:"))
    )
}

/// The stdio entry as a client starts it.
fn stdio_entry(data: &Path, portal_id: &str) -> Command {
    let mut command = Command::new(CLI);
    command
        .args(["--data-dir"])
        .arg(data)
        .args(["bridge", portal_id])
        .env("PATCHBAY_KEYRING_SERVICE", "patchbay-bench")
        .env("PATCHBAY_GATEWAY_PORT", "0");
    command
}

async fn open_stdio(data: &Path, portal_id: &str) -> (Client, u32) {
    let child = TokioChildProcess::new(tokio::process::Command::from(stdio_entry(data, portal_id)))
        .expect("the entry starts");
    let pid = child.id().expect("a pid");
    let client = ().serve(child).await.expect("the entry initializes");
    (client, pid)
}

async fn open_url(url: &str, token: &str) -> Client {
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(token);
    ().serve(StreamableHttpClientTransport::from_config(config))
        .await
        .expect("the URL entry initializes")
}

async fn list(client: &Client) -> usize {
    client.list_all_tools().await.expect("tools/list").len()
}

async fn echo(client: &Client, n: usize) {
    let args = serde_json::json!({ "message": format!("call {n}") });
    let params = CallToolRequestParams::new("every__echo".to_string())
        .with_arguments(args.as_object().cloned().unwrap_or_default());
    let result = client.call_tool(params).await.expect("the call succeeds");
    assert_ne!(result.is_error, Some(true));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn gateway_running(data: &Path) -> bool {
    cli_json(data, &["gateway", "status"])["running"] == true
}

fn main() {
    let quick = support::quick();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let data_dir = tempfile::tempdir().expect("a temp dir");
    let data = data_dir.path();
    let Some(bench) = support::everything_portal(data, "entry", quick) else {
        return;
    };
    let (portal_id, token) = (bench.portal_id.clone(), bench.token.clone());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let samples = if quick { 3 } else { 15 };
    let calls = if quick { 50 } else { 1000 };
    runtime.block_on(async {
        let (mut cold, mut warm, mut url_first) = (Vec::new(), Vec::new(), Vec::new());
        let mut tools = 0;
        let mut address = String::new();
        for _ in 0..samples {
            // Cold: no gateway; the entry starts it.
            cli_json(data, &["gateway", "stop"]);
            assert!(!gateway_running(data));
            let started = Instant::now();
            let (client, _) = open_stdio(data, &portal_id).await;
            tools = list(&client).await;
            cold.push(ms(started.elapsed()));
            let _ = client.cancel().await;
            address = cli_json(data, &["gateway", "status"])["address"]
                .as_str()
                .expect("the gateway runs")
                .to_string();
            let url = format!("{address}/mcp/{portal_id}");
            // Warm, and the URL entry, on the gateway the cold start left running.
            let started = Instant::now();
            let (client, _) = open_stdio(data, &portal_id).await;
            list(&client).await;
            warm.push(ms(started.elapsed()));
            let _ = client.cancel().await;
            let started = Instant::now();
            let client = open_url(&url, &token).await;
            list(&client).await;
            url_first.push(ms(started.elapsed()));
            let _ = client.cancel().await;
        }
        let url = format!("{address}/mcp/{portal_id}");
        println!("entry: the first tools/list a client gets ({tools} tools), median of {samples}:");
        println!(
            "  stdio entry, no gateway running (cold)  {:>8.1} ms  {:>5.2}x the URL entry",
            median(cold.clone()),
            median(cold.clone()) / median(url_first.clone())
        );
        println!(
            "  stdio entry, gateway running (warm)     {:>8.1} ms  {:>5.2}x",
            median(warm.clone()),
            median(warm.clone()) / median(url_first.clone())
        );
        println!(
            "  URL entry                               {:>8.1} ms",
            median(url_first.clone())
        );

        // Steady state: both sessions open, requests interleaved.
        let (stdio, entry_pid) = open_stdio(data, &portal_id).await;
        let http = open_url(&url, &token).await;
        for n in 0..20 {
            list(&stdio).await;
            list(&http).await;
            echo(&stdio, n).await;
            echo(&http, n).await;
        }
        let (mut s_list, mut h_list, mut s_call, mut h_call) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for n in 0..calls {
            let t = Instant::now();
            list(&stdio).await;
            s_list.push(ms(t.elapsed()));
            let t = Instant::now();
            list(&http).await;
            h_list.push(ms(t.elapsed()));
            let t = Instant::now();
            echo(&stdio, n).await;
            s_call.push(ms(t.elapsed()));
            let t = Instant::now();
            echo(&http, n).await;
            h_call.push(ms(t.elapsed()));
        }
        let entry_memory = memory(entry_pid);
        let (sl, hl, sc, hc) = (
            median(s_list),
            median(h_list),
            median(s_call),
            median(h_call),
        );
        println!("  on an open session, {calls} of each, interleaved (p50):");
        println!(
            "    tools/list  stdio {sl:.3} ms, URL {hl:.3} ms: the stdio hop adds {:.3} ms",
            sl - hl
        );
        println!(
            "    tool call   stdio {sc:.3} ms, URL {hc:.3} ms: the stdio hop adds {:.3} ms",
            sc - hc
        );
        let _ = stdio.cancel().await;
        let _ = http.cancel().await;
        let gateway_pid = cli_json(data, &["gateway", "status"])["pid"]
            .as_u64()
            .expect("a pid") as u32;
        println!("  the stdio entry process: {entry_memory}");
        println!("  the gateway, idle: {}", memory(gateway_pid));
    });
    cli_json(data, &["gateway", "stop"]);
}
