//! The stored side of sync: snapshots, tool approval rows, and the server's sync status.
//! (Prompts' rows: `prompt_records`; approving and diffs: `reviewed`.)

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::approval;
use super::capabilities::Snapshot;
use super::hash;
use super::model::{StoredCapabilities, ToolDetail};
use super::reviewed::{self, Reviewed};
use crate::error::{Error, Result};
use crate::servers::{ApprovalState, status_repo};

/// How many distinct snapshots of a server are kept for diffs.
const SNAPSHOTS_KEPT: i64 = 5;

#[derive(Debug, Default)]
pub(crate) struct ToolChanges {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub needs_approval: u32,
}

pub(super) fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

pub(super) fn json(value: &Value) -> String {
    value.to_string()
}

/// Stores a successful sync: tools with their approval, the other capabilities, a snapshot,
/// and the server's status. Runs inside one write transaction.
pub(crate) fn apply_sync(
    tx: &Connection,
    server_id: &str,
    snapshot: &Snapshot,
    server_info: &Value,
    auto_approve_first_sync: bool,
    now: &str,
) -> Result<ToolChanges> {
    let (first_sync, review_first_sync) = status_repo::first_sync(tx, server_id)?;
    // An imported server's first sync is reviewed like any later one.
    let auto_approve_first_sync = auto_approve_first_sync && !review_first_sync;
    let known = reviewed::known(tx, Reviewed::Tool, server_id)?;
    let mut changes = ToolChanges::default();
    let mut seen = BTreeSet::new();
    for tool in &snapshot.tools {
        let Some(name) = text(tool, "name") else {
            continue;
        };
        if !seen.insert(name.clone()) {
            continue; // a server listing a name twice: the first one counts
        }
        let content_hash = hash::tool_hash(tool);
        let before = known.get(&name);
        let decision = approval::decide(before, &content_hash, first_sync, auto_approve_first_sync);
        match before {
            None => changes.added.push(name.clone()),
            Some(k)
                if k.approved_hash
                    .as_deref()
                    .is_some_and(|h| h != content_hash) =>
            {
                changes.changed.push(name.clone())
            }
            _ => {}
        }
        if decision.state == ApprovalState::NeedsApproval {
            changes.needs_approval += 1;
        }
        let definition = json(tool);
        tx.execute(
            "INSERT INTO server_tools (server_id, name, title, description, input_schema, output_schema,
                annotations, content_hash, approval_state, first_seen, updated_at, definition,
                approved_hash, approved_definition)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11,
                CASE WHEN ?12 THEN ?8 END, CASE WHEN ?12 THEN ?11 END)
             ON CONFLICT (server_id, name) DO UPDATE SET
                title = excluded.title, description = excluded.description,
                input_schema = excluded.input_schema, output_schema = excluded.output_schema,
                annotations = excluded.annotations, approval_state = excluded.approval_state,
                definition = excluded.definition,
                updated_at = CASE WHEN server_tools.content_hash = excluded.content_hash
                    THEN server_tools.updated_at ELSE excluded.updated_at END,
                content_hash = excluded.content_hash",
            params![
                server_id,
                name,
                text(tool, "title"),
                text(tool, "description").unwrap_or_default(),
                tool.get("inputSchema").map_or_else(|| "{}".to_string(), json),
                tool.get("outputSchema").map(json),
                tool.get("annotations").map(json),
                content_hash,
                decision.state.as_str(),
                now,
                definition,
                decision.approve_definition,
            ],
        )?;
    }
    for name in known.keys() {
        if !seen.contains(name) {
            changes.removed.push(name.clone());
            tx.execute(
                "DELETE FROM server_tools WHERE server_id = ?1 AND name = ?2",
                params![server_id, name],
            )?;
        }
    }
    changes.removed.sort();
    super::prompt_records::apply(
        tx,
        server_id,
        &snapshot.prompts,
        first_sync,
        auto_approve_first_sync,
        now,
    )?;
    store_capabilities(tx, server_id, snapshot)?;
    store_snapshot(tx, server_id, snapshot, now)?;
    status_repo::mark_synced(tx, server_id, now, &json(server_info))?;
    Ok(changes)
}

fn store_capabilities(tx: &Connection, server_id: &str, snapshot: &Snapshot) -> Result<()> {
    let mut previous: HashMap<(String, String), String> = HashMap::new();
    {
        let mut stmt = tx.prepare(
            "SELECT kind, key, content_hash FROM server_capabilities WHERE server_id = ?1",
        )?;
        for row in stmt.query_map([server_id], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))? {
            let (k, v) = row?;
            previous.insert(k, v);
        }
    }
    tx.execute(
        "DELETE FROM server_capabilities WHERE server_id = ?1",
        [server_id],
    )?;
    let kinds: [(&str, &[Value], &str); 3] = [
        ("prompt", &snapshot.prompts, "name"),
        ("resource", &snapshot.resources, "uri"),
        (
            "resource_template",
            &snapshot.resource_templates,
            "uriTemplate",
        ),
    ];
    let mut insert = tx.prepare(
        "INSERT OR IGNORE INTO server_capabilities (server_id, kind, key, definition, content_hash, previous_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (kind, items, key_field) in kinds {
        for item in items {
            let Some(key) = text(item, key_field) else {
                continue;
            };
            let content_hash = hash::content_hash(item);
            let before = previous.get(&(kind.to_string(), key.clone()));
            let previous_hash = before.filter(|h| **h != content_hash);
            insert.execute(params![
                server_id,
                kind,
                key,
                json(item),
                content_hash,
                previous_hash
            ])?;
        }
    }
    Ok(())
}

fn store_snapshot(tx: &Connection, server_id: &str, snapshot: &Snapshot, now: &str) -> Result<()> {
    let body = serde_json::to_value(snapshot)
        .map_err(|e| Error::internal(format!("cannot encode a snapshot: {e}")))?;
    let content_hash = hash::content_hash(&body);
    let latest: Option<String> = tx
        .query_row(
            "SELECT content_hash FROM server_snapshots WHERE server_id = ?1 ORDER BY taken_at DESC LIMIT 1",
            [server_id],
            |r| r.get(0),
        )
        .optional()?;
    if latest.as_deref() == Some(content_hash.as_str()) {
        return Ok(());
    }
    tx.execute(
        "INSERT OR REPLACE INTO server_snapshots (server_id, taken_at, content_hash, snapshot) VALUES (?1, ?2, ?3, ?4)",
        params![server_id, now, content_hash, json(&body)],
    )?;
    tx.execute(
        "DELETE FROM server_snapshots WHERE server_id = ?1 AND taken_at NOT IN
            (SELECT taken_at FROM server_snapshots WHERE server_id = ?1 ORDER BY taken_at DESC LIMIT ?2)",
        params![server_id, SNAPSHOTS_KEPT],
    )?;
    Ok(())
}

/// A failed sync changes only the status: the last good snapshot stays as it was.
pub(crate) fn record_failure(
    tx: &Connection,
    server_id: &str,
    err: &Error,
    now: &str,
) -> Result<()> {
    status_repo::mark_failed(tx, server_id, err, Some(now))
}

pub(crate) fn tool_details(conn: &Connection, server_id: &str) -> Result<Vec<ToolDetail>> {
    let mut stmt = conn.prepare(
        "SELECT name, title, description, input_schema, output_schema, annotations, approval_state,
            content_hash, approved_hash, first_seen, updated_at, definition
         FROM server_tools WHERE server_id = ?1 ORDER BY name",
    )?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let rows = stmt.query_map([server_id], |r| {
        let approval: String = r.get(6)?;
        let content_hash: String = r.get(7)?;
        let approved_hash: Option<String> = r.get(8)?;
        let name: String = r.get(0)?;
        let definition: Value = parse(r.get(11)?).unwrap_or_default();
        let tokens = crate::portals::tokens::served_tool_json(&definition, &name)
            .as_deref()
            .map(crate::portals::tokens::tokens_of)
            .unwrap_or_default();
        Ok(ToolDetail {
            name,
            tokens,
            title: r.get(1)?,
            description: r.get(2)?,
            input_schema: parse(r.get(3)?).unwrap_or_else(|| serde_json::json!({})),
            output_schema: parse(r.get(4)?),
            annotations: parse(r.get(5)?),
            approval_state: approval.parse().unwrap_or(ApprovalState::NeedsApproval),
            changed: approved_hash.as_deref().is_some_and(|h| h != content_hash),
            is_new: approved_hash.is_none(),
            content_hash,
            first_seen: r.get(9)?,
            updated_at: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn stored_capabilities(
    conn: &Connection,
    server_id: &str,
) -> Result<StoredCapabilities> {
    let mut out = StoredCapabilities::default();
    let mut stmt = conn.prepare(
        "SELECT kind, definition FROM server_capabilities WHERE server_id = ?1 ORDER BY kind, key",
    )?;
    let rows = stmt.query_map([server_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (kind, definition) = row?;
        let value: Value = serde_json::from_str(&definition).unwrap_or_default();
        match kind.as_str() {
            "prompt" => out.prompts.push(value),
            "resource" => out.resources.push(value),
            _ => out.resource_templates.push(value),
        }
    }
    Ok(out)
}
