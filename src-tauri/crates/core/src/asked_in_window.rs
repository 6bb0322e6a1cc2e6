//! Input a server asks of a portal's client that cannot give it (it declared no elicitation
//! capability): asked of the user in the Patchbay window instead, when the window is open —
//! a form from the server's schema, or a link to open after the user agrees. The gateway and
//! the window are separate processes: the request and its answer pass through the store, and
//! the window says it is open by holding a lock on a file of the data dir.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rmcp::model::{ElicitRequestParams, ElicitResult};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::{Patchbay, run_blocking};

/// How long a request waits for the user before the server hears that it was cancelled.
const WAIT: Duration = Duration::from_secs(300);
const POLL: Duration = Duration::from_millis(200);
const LOCK_FILE: &str = "window.lock";

/// A request waiting in the window.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct WindowInputRequest {
    pub id: String,
    pub portal_id: String,
    pub portal_name: String,
    pub server_name: String,
    /// The tool whose call the server is serving.
    pub tool: String,
    /// `form` (fill in `schema`) or `url` (open `url` in the browser).
    pub mode: String,
    pub message: String,
    #[ts(type = "Record<string, unknown> | null")]
    pub schema: Option<Value>,
    pub url: Option<String>,
    pub created_at: String,
}

/// The user's answer: `accept` (with `content` for a form), `decline` or `cancel`.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct WindowInputAnswer {
    pub action: String,
    #[serde(default)]
    #[ts(type = "Record<string, unknown> | null", optional)]
    pub content: Option<Value>,
}

/// Held while the window is open.
pub struct WindowPresence(#[allow(dead_code)] File);

fn lock_path(data_dir: &Path) -> PathBuf {
    data_dir.join(LOCK_FILE)
}

/// Says that the window of `data_dir` is open, until dropped. A second window of the same
/// data dir does not start (single instance), so a lock held elsewhere is an error.
pub fn hold_window_presence(data_dir: &Path) -> Result<WindowPresence> {
    let file = File::create(lock_path(data_dir))
        .map_err(|e| Error::internal(format!("cannot create the window's lock file: {e}")))?;
    file.try_lock()
        .map_err(|e| Error::internal(format!("another Patchbay window holds the data dir: {e}")))?;
    Ok(WindowPresence(file))
}

fn window_open(data_dir: &Path) -> bool {
    let Ok(file) = File::open(lock_path(data_dir)) else {
        return false;
    };
    matches!(file.try_lock_shared(), Err(TryLockError::WouldBlock))
}

/// The call whose server asks, for the request shown in the window.
#[derive(Clone)]
pub(crate) struct WindowAsk {
    pub core: Arc<Patchbay>,
    pub portal_id: String,
    pub server_id: String,
    pub tool: String,
}

/// What a server may ask the user to open: a web page over HTTPS, or over HTTP on this machine
/// (a local consent page).
fn openable(link: &str) -> bool {
    crate::web_origin::https_or_loopback(link)
}

fn decode(action: &str, content: Option<Value>) -> Option<ElicitResult> {
    serde_json::from_value(serde_json::json!({ "action": action, "content": content })).ok()
}

impl WindowAsk {
    /// The user's answer in the window; `None` when no window is open to ask in.
    pub async fn ask(&self, params: &ElicitRequestParams) -> Option<ElicitResult> {
        let data_dir = self.core.store().path()?.parent()?.to_path_buf();
        if !window_open(&data_dir) {
            return None;
        }
        let (mode, message, schema, url) = match params {
            ElicitRequestParams::FormElicitationParams {
                message,
                requested_schema,
                ..
            } => (
                "form",
                message.clone(),
                serde_json::to_value(requested_schema).ok(),
                None,
            ),
            ElicitRequestParams::UrlElicitationParams { message, url, .. } => {
                if !openable(url) {
                    tracing::info!(
                        "a server asked to open a link that is not a web page: declined"
                    );
                    return None;
                }
                ("url", message.clone(), None, Some(url.clone()))
            }
            _ => return None,
        };
        let id = uuid::Uuid::now_v7().to_string();
        let (row, me) = (id.clone(), self.clone());
        let inserted = run_blocking(&self.core, move |core| {
            core.store().write(|tx| {
                tx.execute(
                    "INSERT INTO window_input_requests (id, portal_id, server_id, tool, mode,
                        message, schema, url, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        row,
                        me.portal_id,
                        me.server_id,
                        me.tool,
                        mode,
                        message,
                        schema.map(|s| s.to_string()),
                        url,
                        crate::clock::now()
                    ],
                )?;
                Ok(())
            })
        })
        .await;
        if let Err(err) = inserted {
            tracing::warn!(error = %err, "could not ask in the window");
            return None;
        }
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            tokio::time::sleep(POLL).await;
            let row = id.clone();
            let answer = run_blocking(&self.core, move |core| {
                core.store().read(|c| {
                    Ok(c.query_row(
                        "SELECT answer FROM window_input_requests WHERE id = ?1",
                        [&row],
                        |r| r.get::<_, Option<String>>(0),
                    )
                    .optional()?)
                })
            })
            .await;
            match answer {
                Ok(Some(Some(text))) => {
                    self.forget(&id).await;
                    let answer: Value = serde_json::from_str(&text).unwrap_or_default();
                    let action = answer["action"].as_str().unwrap_or("cancel").to_string();
                    return decode(&action, answer.get("content").cloned());
                }
                Ok(Some(None)) => continue,
                // Gone: the window lost it; the server hears that the user cancelled.
                _ => break,
            }
        }
        self.forget(&id).await;
        decode("cancel", None)
    }

    async fn forget(&self, id: &str) {
        let id = id.to_string();
        let _ = run_blocking(&self.core, move |core| {
            core.store().write(|tx| {
                tx.execute("DELETE FROM window_input_requests WHERE id = ?1", [&id])?;
                Ok(())
            })
        })
        .await;
    }
}

impl Patchbay {
    /// The requests waiting for the user in the window, oldest first.
    pub fn window_input_requests(&self) -> Result<Vec<WindowInputRequest>> {
        self.store().read(|c| {
            let mut stmt = c.prepare(
                "SELECT r.id, r.portal_id, COALESCE(p.name, ''), COALESCE(s.name, ''), r.tool,
                    r.mode, r.message, r.schema, r.url, r.created_at
                 FROM window_input_requests r
                 LEFT JOIN portals p ON p.id = r.portal_id
                 LEFT JOIN servers s ON s.id = r.server_id
                 WHERE r.answer IS NULL ORDER BY r.created_at",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    let schema: Option<String> = r.get(7)?;
                    Ok(WindowInputRequest {
                        id: r.get(0)?,
                        portal_id: r.get(1)?,
                        portal_name: r.get(2)?,
                        server_name: r.get(3)?,
                        tool: r.get(4)?,
                        mode: r.get(5)?,
                        message: r.get(6)?,
                        schema: schema.and_then(|s| serde_json::from_str(&s).ok()),
                        url: r.get(8)?,
                        created_at: r.get(9)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// The user's answer to a request waiting in the window.
    pub fn answer_window_input_request(&self, id: &str, answer: WindowInputAnswer) -> Result<()> {
        if !matches!(answer.action.as_str(), "accept" | "decline" | "cancel") {
            return Err(Error::validation(
                "action",
                format!(
                    "'{}' is not an answer: give accept, decline or cancel",
                    answer.action
                ),
            ));
        }
        if answer.action == "accept" && !answer.content.as_ref().is_none_or(Value::is_object) {
            return Err(Error::validation(
                "content",
                "the answer to a form is an object of its fields",
            ));
        }
        let text = serde_json::json!({ "action": answer.action, "content": answer.content });
        let changed = self.store().write(|tx| {
            Ok(tx.execute(
                "UPDATE window_input_requests SET answer = ?2 WHERE id = ?1 AND answer IS NULL",
                params![id, text.to_string()],
            )?)
        })?;
        if changed == 0 {
            return Err(Error::not_found(
                "the request is no longer waiting: its call ended or it was answered",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_pages_are_offered_to_open() {
        assert!(openable("https://consent.example/approve?step=1"));
        assert!(openable("http://127.0.0.1:8123/consent"));
        for hostile in [
            "http://consent.example/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "smb://share/x",
            "not a url",
        ] {
            assert!(!openable(hostile), "{hostile}");
        }
    }
}
