//! Prompts' review rows, written at each sync beside the tools' (the same approval rules:
//! `approval::decide`), and read for `prompt list`.

use std::collections::BTreeSet;

use rusqlite::{Connection, params};
use serde_json::Value;

use super::approval;
use super::hash;
use super::model::PromptDetail;
use super::records::{json, text};
use super::reviewed::{self, Reviewed};
use crate::error::Result;
use crate::servers::ApprovalState;

pub(crate) fn apply(
    tx: &Connection,
    server_id: &str,
    prompts: &[Value],
    first_sync: bool,
    auto_approve_first_sync: bool,
    now: &str,
) -> Result<()> {
    let known = reviewed::known(tx, Reviewed::Prompt, server_id)?;
    let mut seen = BTreeSet::new();
    for prompt in prompts {
        let Some(name) = text(prompt, "name") else {
            continue;
        };
        if !seen.insert(name.clone()) {
            continue; // a server listing a name twice: the first one counts
        }
        let content_hash = hash::approval_hash(prompt, hash::PROMPT_APPROVAL_FIELDS);
        let before = known.get(&name);
        let decision = approval::decide(before, &content_hash, first_sync, auto_approve_first_sync);
        tx.execute(
            "INSERT INTO server_prompts (server_id, name, definition, content_hash, approval_state,
                approved_hash, approved_definition, first_seen, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?6 THEN ?4 END, CASE WHEN ?6 THEN ?3 END, ?7, ?7)
             ON CONFLICT (server_id, name) DO UPDATE SET
                definition = excluded.definition, approval_state = excluded.approval_state,
                approved_hash = COALESCE(server_prompts.approved_hash, ?8),
                updated_at = CASE WHEN server_prompts.content_hash = excluded.content_hash
                    THEN server_prompts.updated_at ELSE excluded.updated_at END,
                content_hash = excluded.content_hash",
            params![
                server_id,
                name,
                json(prompt),
                content_hash,
                decision.state.as_str(),
                decision.approve_definition,
                now,
                before.and_then(|k| k.approved_hash.clone()),
            ],
        )?;
    }
    for name in known.keys().filter(|n| !seen.contains(*n)) {
        tx.execute(
            "DELETE FROM server_prompts WHERE server_id = ?1 AND name = ?2",
            params![server_id, name],
        )?;
    }
    Ok(())
}

pub(crate) fn details(conn: &Connection, server_id: &str) -> Result<Vec<PromptDetail>> {
    let mut stmt = conn.prepare(
        "SELECT name, definition, approval_state, content_hash, approved_hash, first_seen, updated_at
         FROM server_prompts WHERE server_id = ?1 ORDER BY name",
    )?;
    let rows = stmt.query_map([server_id], |r| {
        let definition: Value = serde_json::from_str(&r.get::<_, String>(1)?).unwrap_or_default();
        let approval: String = r.get(2)?;
        let content_hash: String = r.get(3)?;
        let approved_hash: Option<String> = r.get(4)?;
        Ok(PromptDetail {
            name: r.get(0)?,
            title: text(&definition, "title"),
            description: text(&definition, "description").unwrap_or_default(),
            arguments: definition
                .get("arguments")
                .cloned()
                .unwrap_or_else(|| Value::Array(Vec::new())),
            approval_state: approval.parse().unwrap_or(ApprovalState::NeedsApproval),
            changed: approved_hash.as_deref().is_some_and(|h| h != content_hash),
            is_new: approved_hash.is_none(),
            content_hash,
            first_seen: r.get(5)?,
            updated_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
