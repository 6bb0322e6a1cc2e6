//! The call log: each call through a portal becomes a row, written in batches by a
//! background task so that a call never waits for SQLite.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::params;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};
use ts_rs::TS;

use crate::{Patchbay, run_blocking};

/// How many calls are kept; older ones are pruned as new ones arrive.
pub const CALLS_KEPT: i64 = 100_000;

crate::servers::text_enum!(
    /// How a call through a portal ended: `tool_error`, the tool answered with isError;
    /// `input_required`, the server asked the client for input first; `task`, the call became
    /// a task. For a server's request of the client: `ok`, the client answered;
    /// `answered_for_client`, the client did not offer it and Patchbay declined;
    /// `asked_in_window`, the user answered in the Patchbay window instead.
    CallOutcome, "outcome" {
        Ok = "ok", ToolError = "tool_error", Error = "error", InputRequired = "input_required",
        Task = "task", AnsweredForClient = "answered_for_client", AskedInWindow = "asked_in_window",
    }
);

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CallRecord {
    pub at: String,
    pub portal_id: String,
    pub server_id: Option<String>,
    pub tool: String,
    /// `tools/call`, or a request the server made of the client during that tool's call:
    /// `sampling/createMessage`, `elicitation/create`, `roots/list`.
    pub method: String,
    pub duration_ms: u32,
    /// How long of it the call waited for its turn under the member's limit of calls at once.
    pub queued_ms: u32,
    pub outcome: CallOutcome,
    pub error: Option<String>,
    pub bytes_in: u32,
    pub bytes_out: u32,
    /// Only when the portal logs payloads.
    pub arguments: Option<String>,
    pub result: Option<String>,
}

enum Entry {
    Call(Box<CallRecord>),
    /// Answered once every call sent before it is written.
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub(crate) struct CallLog(mpsc::Sender<Entry>);

impl CallLog {
    pub fn start(core: Arc<Patchbay>) -> CallLog {
        let (tx, mut rx) = mpsc::channel::<Entry>(4096);
        tokio::spawn(async move {
            let mut batch = Vec::new();
            while rx.recv_many(&mut batch, 512).await > 0 {
                let (mut rows, mut flushed) = (Vec::new(), Vec::new());
                for entry in batch.drain(..) {
                    match entry {
                        Entry::Call(record) => rows.push(*record),
                        Entry::Flush(done) => flushed.push(done),
                    }
                }
                if !rows.is_empty()
                    && let Err(err) = run_blocking(&core, move |core| write(core, &rows)).await
                {
                    tracing::warn!(error = %err, "could not write the call log");
                }
                for done in flushed {
                    let _ = done.send(());
                }
                // Let a burst gather into the next batch.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        CallLog(tx)
    }

    /// Never blocks the call: when the log is backed up, the record is dropped (and said so).
    pub fn record(&self, record: CallRecord) {
        if self.0.try_send(Entry::Call(Box::new(record))).is_err() {
            tracing::warn!("the call log is backed up; a call went unlogged");
        }
    }

    /// Waits until every call recorded so far is in the store: before the process exits.
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.0.send(Entry::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

fn write(core: &Patchbay, rows: &[CallRecord]) -> crate::Result<()> {
    core.store().write(|tx| {
        let mut insert = tx.prepare_cached(
            "INSERT INTO portal_calls (at, portal_id, server_id, tool, duration_ms, outcome, error,
                bytes_in, bytes_out, arguments, result, queued_ms, method)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        for r in rows {
            // A row the table refuses (a constraint) is left out, not the batch with it.
            let inserted = insert.execute(params![
                r.at,
                r.portal_id,
                r.server_id,
                r.tool,
                r.duration_ms,
                r.outcome.as_str(),
                r.error,
                r.bytes_in,
                r.bytes_out,
                r.arguments,
                r.result,
                r.queued_ms,
                r.method
            ]);
            if let Err(err) = inserted {
                tracing::warn!(error = %err, tool = %r.tool, "a call could not be logged");
            }
        }
        tx.execute(
            "DELETE FROM portal_calls WHERE id <= (SELECT MAX(id) FROM portal_calls) - ?1",
            [CALLS_KEPT],
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(outcome: CallOutcome, portal_id: &str) -> CallRecord {
        CallRecord {
            at: "t".into(),
            portal_id: portal_id.into(),
            server_id: None,
            tool: format!("tool-{outcome}-{portal_id}"),
            method: "tools/call".into(),
            duration_ms: 1,
            queued_ms: 0,
            outcome,
            error: None,
            bytes_in: 0,
            bytes_out: 0,
            arguments: None,
            result: None,
        }
    }

    #[test]
    fn a_row_the_table_refuses_does_not_take_the_batch_with_it() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let secrets = Arc::new(crate::secrets::MemorySecretStore::default());
        let core = Patchbay::new(store, secrets).unwrap();
        core.store()
            .write(|tx| {
                tx.execute_batch(
                    "INSERT INTO workspaces (id, name, is_default, created_at, updated_at)
                         VALUES ('w', 'other', 0, 't', 't');
                     INSERT INTO portals (id, workspace_id, name, description, slug, secure,
                         log_payloads, created_at, updated_at)
                         VALUES ('p', 'w', 'Work', '', 'work', 1, 0, 't', 't');",
                )?;
                Ok(())
            })
            .unwrap();
        write(
            &core,
            &[
                record(CallOutcome::Ok, "p"),
                record(CallOutcome::Ok, "no-such-portal"),
                record(CallOutcome::Error, "p"),
            ],
        )
        .unwrap();
        let tools: Vec<String> = core
            .store()
            .read(|c| {
                let mut stmt = c.prepare("SELECT tool FROM portal_calls ORDER BY id")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .unwrap();
        assert_eq!(tools, ["tool-ok-p", "tool-error-p"]);
    }
}
