//! The MCP conformance suite's client under test (`npm @modelcontextprotocol/conformance
//! client --command …`), built on Patchbay's core: it runs what Patchbay does — test a
//! connection, authorize with OAuth when the server asks, sync, call tools — against the
//! suite's scenario server, whose URL is the last argument. The browser step is an HTTP
//! client following the authorization server's redirects (the suite's servers approve at
//! once). Secrets go to the OS keyring of the private session `tests/conformance/run.sh` makes.

use std::sync::Arc;
use std::time::Duration;

use patchbay_core::oauth::AuthorizeOptions;
use patchbay_core::servers::{AuthType, NewServer};
use patchbay_core::{Patchbay, Secret};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);

fn main() {
    let url = std::env::args()
        .next_back()
        .expect("the server URL is the last argument");
    let scenario = std::env::var("MCP_CONFORMANCE_SCENARIO").unwrap_or_default();
    let context: Value = std::env::var("MCP_CONFORMANCE_CONTEXT")
        .ok()
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or_default();
    let data = tempfile::tempdir().expect("a temp dir");
    let core = Arc::new(Patchbay::open(data.path()).expect("the core opens"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let code = runtime.block_on(run(&core, &url, &scenario, &context));
    std::process::exit(code);
}

/// Authorizes, with this program playing the browser: it follows the authorization server's
/// redirects until the loopback callback answers.
async fn authorize(
    core: &Arc<Patchbay>,
    ws: &str,
    server: &str,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    scopes: Vec<String>,
) -> patchbay_core::Result<()> {
    let options = AuthorizeOptions {
        client_id,
        client_secret,
        scopes,
        timeout: Some(TIMEOUT),
    };
    core.authorize(ws, server, options, |auth_url| {
        let auth_url = auth_url.to_string();
        tokio::spawn(async move {
            let browser = reqwest::Client::builder().build().expect("an HTTP client");
            if let Err(err) = browser.get(&auth_url).send().await {
                eprintln!("browser step failed: {err}");
            }
        });
    })
    .await
    .map(|_| ())
}

async fn run(core: &Arc<Patchbay>, url: &str, scenario: &str, context: &Value) -> i32 {
    let ws = core.workspace(None).expect("the default workspace").id;
    let auth = scenario.starts_with("auth/");
    let server = core
        .create_server(
            &ws,
            NewServer {
                name: "conformance".into(),
                url: Some(url.to_string()),
                auth_type: Some(if auth {
                    AuthType::Oauth
                } else {
                    AuthType::None
                }),
                ..Default::default()
            },
        )
        .expect("the server is created");
    if auth {
        let client_id = context["client_id"].as_str().map(str::to_owned);
        let secret = context["client_secret"].as_str().map(Secret::new);
        if let Err(err) = authorize(core, &ws, &server.id, client_id, secret, Vec::new()).await {
            eprintln!("authorize failed: {} ({})", err.message, err.code);
            return 1;
        }
    }
    let synced = core.sync_server(&ws, &server.id, TIMEOUT).await;
    let report = match synced {
        Ok(report) => report,
        Err(err) => {
            eprintln!("sync failed: {} ({})", err.message, err.code);
            return 1;
        }
    };
    println!("synced: {} tools", report.counts.tools);
    let tools = core.tools(&ws, &server.id).expect("the tools are stored");
    for tool in tools {
        let args = if tool.name == "add_numbers" {
            json!({"a": 2, "b": 3})
        } else {
            json!({})
        };
        let mut outcome = core
            .call_tool(&ws, &server.id, &tool.name, args.clone(), TIMEOUT)
            .await;
        // Step-up: a 403 insufficient_scope names the scope to authorize again with.
        if let Err(err) = &outcome
            && let Some(scope) = err.required_scope.clone()
        {
            let scopes = vec![scope];
            if let Err(err) = authorize(core, &ws, &server.id, None, None, scopes).await {
                eprintln!(
                    "step-up authorization failed: {} ({})",
                    err.message, err.code
                );
                return 1;
            }
            outcome = core
                .call_tool(&ws, &server.id, &tool.name, args, TIMEOUT)
                .await;
        }
        match outcome {
            Ok(result) => println!("called {}: error={}", tool.name, result.is_error),
            Err(err) => {
                eprintln!(
                    "calling {} failed: {} ({})",
                    tool.name, err.message, err.code
                );
                return 1;
            }
        }
    }
    0
}
