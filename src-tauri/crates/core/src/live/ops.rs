//! Live operations as every front door calls them: test, sync, approve, call. Store and
//! keyring work runs on the blocking pool; network work is async and bounded in time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use rmcp::model::CallToolResponse;
use serde_json::{Map, Value};

use super::capabilities::{self, Snapshot};
use super::classify;
use super::connect::{self, Session};
use super::model::{ConnectionReport, PhaseTimings, SyncItem, SyncReport, ToolCallResult};
use super::records;
use super::reviewed::{self, Reviewed};
use super::target::Target;
use crate::error::{Error, Result};
use crate::servers::repo::{self, Scope};
use crate::servers::{ApprovalState, NewServer};
use crate::{Patchbay, clock, run_blocking};

/// How long one server may take for a whole test, sync or call, unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How many remote servers a sync of many talks to at once: waiting on the network costs
/// little, so a workspace of a hundred servers syncs in about the time of its slowest one.
pub const DEFAULT_SYNC_CONCURRENCY: usize = 128;
/// Local (stdio) servers are processes to start: fewer of them at once, whatever the bound.
const MAX_CONCURRENT_STDIO: usize = 4;

pub(crate) async fn saved_target(
    core: &Arc<Patchbay>,
    workspace_id: &str,
    ident: &str,
) -> Result<(String, String, Target)> {
    let (ws, ident) = (workspace_id.to_string(), ident.to_string());
    run_blocking(core, move |core| {
        let (row, oauth) = core.store().read(|c| {
            let row = repo::find(c, &ws, &ident, Scope::Live)?;
            let oauth = crate::oauth::record::load(c, &row.server.id)?;
            Ok((row, oauth))
        })?;
        let mut target = Target::from_row(&row, |key| core.secrets().get(key))?;
        if let Target::Http { oauth: access, .. } = &mut target
            && row.server.auth_type == crate::servers::AuthType::Oauth
        {
            let oauth = oauth.unwrap_or_default();
            let client_secret = match &oauth.client_secret_ref {
                Some(key) => core.secrets().get(key)?,
                None => None,
            };
            *access = Some(crate::oauth::OAuthAccess {
                server_id: row.server.id.clone(),
                secrets: core.secrets_arc(),
                client_secret,
                metadata: oauth.metadata,
            });
        }
        Ok((row.server.id.clone(), row.server.name.clone(), target))
    })
    .await
}

/// Connects and lists everything, all within `timeout`.
async fn snapshot_of(
    target: &Target,
    timeout: Duration,
) -> Result<(Session, Snapshot, PhaseTimings)> {
    let started = Instant::now();
    let session = connect::connect(target, timeout).await?;
    let mut timings = PhaseTimings {
        connect: session.connect_ms,
        ..Default::default()
    };
    let left = timeout.saturating_sub(started.elapsed());
    let listed = tokio::time::timeout(left, capabilities::fetch(&session, &mut timings)).await;
    let snapshot = match listed {
        Ok(Ok(snapshot)) => snapshot,
        Ok(Err(err)) => {
            session.close().await;
            return Err(err);
        }
        Err(_) => {
            let err = session.explain(classify::timed_out(&session.target, timeout));
            session.close().await;
            return Err(err);
        }
    };
    timings.total = started.elapsed().as_millis() as u32;
    Ok((session, snapshot, timings))
}

async fn report(target: Target, timeout: Duration) -> Result<ConnectionReport> {
    let (session, snapshot, timings) = snapshot_of(&target, timeout).await?;
    let report = ConnectionReport {
        transport: session.transport,
        protocol_version: session.protocol_version(),
        server_info: session.server_info(),
        counts: snapshot.counts(),
        tools: snapshot
            .tools
            .iter()
            .map(|t| super::model::ToolPreview {
                name: t["name"].as_str().unwrap_or_default().to_string(),
                description: t["description"].as_str().unwrap_or_default().to_string(),
            })
            .collect(),
        timings_ms: timings,
    };
    session.close().await;
    Ok(report)
}

impl Patchbay {
    /// Tests settings that are not saved (the add dialog's "Test connection"); nothing is
    /// written, not even to the keyring.
    pub async fn test_unsaved(
        &self,
        input: NewServer,
        timeout: Duration,
    ) -> Result<ConnectionReport> {
        let mut input = input;
        if input.name.trim().is_empty() {
            input.name = "unsaved server".into();
        }
        let (row, pending) = crate::servers::edit::new_row("unsaved", input, &clock::now())?;
        let target = Target::from_row(&row, |key| {
            Ok(pending
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone()))
        })?;
        report(target, timeout).await
    }

    /// Tests a saved server without changing what is stored.
    pub async fn test_server(
        self: &Arc<Self>,
        workspace_id: &str,
        ident: &str,
        timeout: Duration,
    ) -> Result<ConnectionReport> {
        let core = self;
        let (_, _, target) = saved_target(core, workspace_id, ident).await?;
        report(target, timeout).await
    }
}

impl Patchbay {
    /// Syncs one server: on success its snapshot, tools and status are stored; on failure only
    /// its status and error.
    pub async fn sync_server(
        self: &Arc<Self>,
        workspace_id: &str,
        ident: &str,
        timeout: Duration,
    ) -> Result<SyncReport> {
        let core = self;
        let started = Instant::now();
        let (server_id, _, target) = saved_target(core, workspace_id, ident).await?;
        let fetched = snapshot_of(&target, timeout).await;
        let (ws, id) = (workspace_id.to_string(), server_id.clone());
        match fetched {
            Ok((session, snapshot, _)) => {
                let info = session.server_info();
                session.close().await;
                let duration_ms = started.elapsed().as_millis() as u32;
                run_blocking(core, move |core| {
                    let auto = core.workspace(Some(&ws))?.auto_approve_first_sync;
                    let changes = core.store().write(|tx| {
                        repo::find(tx, &ws, &id, Scope::Any)?;
                        records::apply_sync(tx, &id, &snapshot, &info, auto, &clock::now())
                    })?;
                    let server = core.get_server(&ws, &id)?;
                    Ok(SyncReport {
                        server,
                        counts: snapshot.counts(),
                        tools_added: changes.added,
                        tools_changed: changes.changed,
                        tools_removed: changes.removed,
                        needs_approval: changes.needs_approval,
                        duration_ms,
                    })
                })
                .await
            }
            Err(err) => {
                let stored = run_blocking(core, move |core| {
                    core.store().write(|tx| {
                        repo::find(tx, &ws, &id, Scope::Any)?;
                        records::record_failure(tx, &id, &err, &clock::now())
                    })?;
                    Ok(err)
                })
                .await;
                Err(stored.unwrap_or_else(|e| e))
            }
        }
    }
}

impl Patchbay {
    /// Syncs every enabled live server of the workspace, `concurrency` at a time, each within
    /// `timeout`; `on_done` hears of each as it finishes.
    pub async fn sync_all(
        self: &Arc<Self>,
        workspace_id: &str,
        timeout: Duration,
        concurrency: usize,
        mut on_done: impl FnMut(&SyncItem),
    ) -> Result<Vec<SyncItem>> {
        let core = self;
        let ws = workspace_id.to_string();
        let servers: Vec<(String, String, bool)> = run_blocking(core, move |core| {
            core.store()
                .read(|c| crate::servers::repo::enabled_in(c, &ws))
        })
        .await?;
        let stdio_slots = tokio::sync::Semaphore::new(MAX_CONCURRENT_STDIO);
        let stdio_slots = &stdio_slots;
        let mut runs =
            futures::stream::iter(servers.into_iter().map(|(id, name, stdio)| async move {
                let _slot = match stdio {
                    true => stdio_slots.acquire().await.ok(),
                    false => None,
                };
                let outcome = core.sync_server(workspace_id, &id, timeout).await;
                let (report, error) = match outcome {
                    Ok(r) => (Some(r), None),
                    Err(e) => (None, Some(e)),
                };
                SyncItem {
                    server_id: id,
                    name,
                    report,
                    error,
                }
            }))
            .buffer_unordered(concurrency.max(1));
        let mut items = Vec::new();
        while let Some(item) = runs.next().await {
            on_done(&item);
            items.push(item);
        }
        Ok(items)
    }
}

async fn open_saved(
    core: &Arc<Patchbay>,
    workspace_id: &str,
    ident: &str,
    timeout: Duration,
) -> Result<(String, Session)> {
    let (server_id, _, target) = saved_target(core, workspace_id, ident).await?;
    Ok((server_id, connect::connect(&target, timeout).await?))
}

/// Runs one request on an open session within what is left of `timeout`, then closes it.
async fn within<T, F>(
    session: Session,
    started: Instant,
    timeout: Duration,
    request: F,
) -> Result<T>
where
    F: AsyncFnOnce(&Session) -> Result<T>,
{
    let left = timeout.saturating_sub(started.elapsed());
    let outcome = match tokio::time::timeout(left, request(&session)).await {
        Ok(outcome) => outcome.map_err(|e| session.explain(e)),
        Err(_) => Err(session.explain(classify::timed_out(&session.target, timeout))),
    };
    session.close().await;
    outcome
}

fn object(args: Value, field: &str) -> Result<Option<Map<String, Value>>> {
    match args {
        Value::Null => Ok(None),
        Value::Object(map) => Ok(Some(map)),
        other => Err(Error::validation(
            field,
            format!("the arguments must be a JSON object, not {other}"),
        )),
    }
}

fn request<T: serde::de::DeserializeOwned>(value: Value) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| Error::internal(format!("cannot build a request: {e}")))
}

impl Patchbay {
    /// Calls a tool with `args` (a JSON object).
    pub async fn call_tool(
        self: &Arc<Self>,
        workspace_id: &str,
        server: &str,
        tool: &str,
        args: Value,
        timeout: Duration,
    ) -> Result<ToolCallResult> {
        let core = self;
        let args = object(args, "args")?;
        let started = Instant::now();
        refuse_denied(core, workspace_id, server, Reviewed::Tool, tool).await?;
        let (_, session) = open_saved(core, workspace_id, server, timeout).await?;
        let params = request(serde_json::json!({ "name": tool, "arguments": args }))?;
        within(session, started, timeout, async |s: &Session| {
        let peer = s.service.peer();
        let explain = |e| classify::service_error(e, &s.target);
        let result = match peer.call_tool_once(params).await.map_err(explain)? {
            CallToolResponse::Complete(result) => result,
            CallToolResponse::Task(handle) => super::tasks::until_done(peer, handle, None)
                .await
                .map_err(explain)?,
            _ => {
                return Err(Error::validation(
                    "tool",
                    format!("'{tool}' asks for input during the call, and a call made by Patchbay itself has nobody to ask; call it through a portal from an AI client"),
                ));
            }
        };
        let content = result
            .content
            .iter()
            .filter_map(|c| serde_json::to_value(c).ok())
            .collect();
        Ok(ToolCallResult {
            content,
            structured_content: result.structured_content.clone(),
            is_error: result.is_error.unwrap_or(false),
            duration_ms: started.elapsed().as_millis() as u32,
        })
    })
    .await
    }
}

/// A denied tool or prompt is refused before any connection.
async fn refuse_denied(
    core: &Arc<Patchbay>,
    workspace_id: &str,
    server: &str,
    kind: Reviewed,
    name: &str,
) -> Result<()> {
    let (ws, ident, item) = (
        workspace_id.to_string(),
        server.to_string(),
        name.to_string(),
    );
    let state = run_blocking(core, move |core| {
        core.store().read(|c| {
            let row = repo::find(c, &ws, &ident, Scope::Live)?;
            reviewed::approval_of(c, kind, &row.server.id, &item)
        })
    })
    .await?;
    if state == Some(ApprovalState::Denied) {
        let noun = kind.noun();
        return Err(Error::conflict(
            noun,
            format!("the {noun} '{name}' is denied; approve it before using it"),
        ));
    }
    Ok(())
}

impl Patchbay {
    /// Gets a prompt with its arguments (a JSON object of strings); the result as the server sent it.
    pub async fn get_prompt(
        self: &Arc<Self>,
        workspace_id: &str,
        server: &str,
        prompt: &str,
        args: Value,
        timeout: Duration,
    ) -> Result<Value> {
        let core = self;
        let args = object(args, "args")?;
        let started = Instant::now();
        refuse_denied(core, workspace_id, server, Reviewed::Prompt, prompt).await?;
        let (_, session) = open_saved(core, workspace_id, server, timeout).await?;
        let params = request(serde_json::json!({ "name": prompt, "arguments": args }))?;
        within(session, started, timeout, async |s: &Session| {
            let result = s
                .service
                .peer()
                .get_prompt(params)
                .await
                .map_err(|e| classify::service_error(e, &s.target))?;
            serde_json::to_value(result).map_err(|e| Error::internal(e.to_string()))
        })
        .await
    }
}

impl Patchbay {
    /// Reads a resource by URI; the contents as the server sent them.
    pub async fn read_resource(
        self: &Arc<Self>,
        workspace_id: &str,
        server: &str,
        uri: &str,
        timeout: Duration,
    ) -> Result<Value> {
        let core = self;
        let started = Instant::now();
        let (_, session) = open_saved(core, workspace_id, server, timeout).await?;
        let params = request(serde_json::json!({ "uri": uri }))?;
        within(session, started, timeout, async |s: &Session| {
            let result = s
                .service
                .peer()
                .read_resource(params)
                .await
                .map_err(|e| classify::service_error(e, &s.target))?;
            serde_json::to_value(result).map_err(|e| Error::internal(e.to_string()))
        })
        .await
    }
}

/// An open session with a saved server, by id, for callers that keep it (the gateway).
pub(crate) async fn open_by_id(
    core: &Arc<Patchbay>,
    server_id: &str,
    timeout: Duration,
) -> Result<Session> {
    let ws = workspace_of(core, server_id).await?;
    let (_, _, target) = saved_target(core, &ws, server_id).await?;
    connect::connect(&target, timeout).await
}

/// The workspace a server (by id) belongs to.
pub(crate) async fn workspace_of(core: &Arc<Patchbay>, server_id: &str) -> Result<String> {
    let id = server_id.to_string();
    run_blocking(core, move |core| {
        core.store()
            .read(|c| crate::servers::repo::workspace_of(c, &id))
    })
    .await
}
