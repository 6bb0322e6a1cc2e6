//! Reading the call log: the latest calls through a portal, narrowed by server, tool and
//! outcome, for `patchbay portal log` and the portal page's live log.

use rusqlite::types::Value as SqlValue;
use serde::Deserialize;
use ts_rs::TS;

use super::calllog::CallRecord;
use crate::Patchbay;

/// The most rows one query returns.
const MAX_ROWS: u32 = 10_000;

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct CallQuery {
    /// Only calls routed to this server (id).
    #[ts(optional)]
    pub server_id: Option<String>,
    /// Only tools whose exposed name contains this (case-insensitive).
    #[ts(optional)]
    pub tool: Option<String>,
    /// Only this outcome (`ok`, `tool_error`, `error`, `input_required`, `task`).
    #[ts(optional)]
    pub outcome: Option<String>,
    /// Newest first, at most this many (capped at 10,000).
    pub limit: u32,
}

impl Patchbay {
    /// The latest calls through a portal that match `query`, newest first.
    pub fn portal_calls(
        &self,
        workspace_id: &str,
        portal: &str,
        query: &CallQuery,
    ) -> crate::Result<Vec<CallRecord>> {
        self.store().read(|c| {
            let p = crate::portals::repo::find(c, workspace_id, portal)?.portal;
            let mut sql = String::from(
                "SELECT at, portal_id, server_id, tool, duration_ms, outcome, error, bytes_in,
                    bytes_out, arguments, result, queued_ms, method
                 FROM portal_calls WHERE portal_id = ?",
            );
            let mut params = vec![SqlValue::Text(p.id)];
            if let Some(server) = query.server_id.as_deref().filter(|s| !s.is_empty()) {
                sql.push_str(" AND server_id = ?");
                params.push(SqlValue::Text(server.into()));
            }
            if let Some(tool) = query
                .tool
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
            {
                sql.push_str(" AND instr(lower(tool), lower(?)) > 0");
                params.push(SqlValue::Text(tool.into()));
            }
            if let Some(outcome) = query.outcome.as_deref().filter(|o| !o.is_empty()) {
                sql.push_str(" AND outcome = ?");
                params.push(SqlValue::Text(outcome.into()));
            }
            sql.push_str(" ORDER BY id DESC LIMIT ?");
            params.push(SqlValue::Integer(query.limit.min(MAX_ROWS).into()));
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(params), |r| {
                    Ok(CallRecord {
                        at: r.get(0)?,
                        portal_id: r.get(1)?,
                        server_id: r.get(2)?,
                        tool: r.get(3)?,
                        duration_ms: r.get(4)?,
                        outcome: crate::servers::repo::parsed_column(r, 5)?,
                        error: r.get(6)?,
                        bytes_in: r.get(7)?,
                        bytes_out: r.get(8)?,
                        arguments: r.get(9)?,
                        result: r.get(10)?,
                        queued_ms: r.get(11)?,
                        method: r.get(12)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}
