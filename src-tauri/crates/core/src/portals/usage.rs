//! How much each of a portal's tools was called lately, from its call log: the calls in the last
//! 7 and 30 days, by the name the portal serves the tool as. Tools nobody calls still cost the
//! model their tokens on every request: the portal page flags them. (The log keeps its newest
//! `CALLS_KEPT` rows: on a very busy portal "30 days" means as far back as those go.)

use std::collections::HashMap;
use std::time::Duration;

use rusqlite::{Connection, params};

use super::model::PortalMember;
use crate::error::Result;

const DAY: Duration = Duration::from_secs(24 * 3600);

/// Calls of a tool in the last 7 and in the last 30 days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Calls {
    pub week: u32,
    pub month: u32,
}

/// Each tool's calls through the portal lately, by exposed name (tools not called: absent).
pub(crate) fn calls_by_tool(conn: &Connection, portal_id: &str) -> Result<HashMap<String, Calls>> {
    let (week, month) = (crate::clock::ago(DAY * 7), crate::clock::ago(DAY * 30));
    let mut stmt = conn.prepare_cached(
        "SELECT tool, SUM(at >= ?2), COUNT(*) FROM portal_calls
         WHERE portal_id = ?1 AND method = 'tools/call' AND at >= ?3 GROUP BY tool",
    )?;
    let calls = stmt
        .query_map(params![portal_id, week, month], |r| {
            Ok((
                r.get(0)?,
                Calls {
                    week: r.get(1)?,
                    month: r.get(2)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(calls)
}

/// Fills in each member tool's calls in the last 7 and 30 days.
pub(crate) fn count_calls(calls: &HashMap<String, Calls>, members: &mut [PortalMember]) {
    for tool in members.iter_mut().flat_map(|m| m.tools.iter_mut()) {
        let calls = calls.get(&tool.exposed_name).copied().unwrap_or_default();
        tool.calls_7d = Some(calls.week);
        tool.calls_30d = Some(calls.month);
    }
}
