//! What tools and prompts share: each is reviewed (SPEC §1), with its approval, the hash and
//! definition last approved, a diff against it, and the user's approve or deny.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::approval::Known;
use super::hash;
use super::model::{DefinitionDiff, FieldChange};
use crate::error::{Error, Result};
use crate::servers::ApprovalState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reviewed {
    Tool,
    Prompt,
}

impl Reviewed {
    /// Where the server's definitions of this kind are kept.
    pub fn table(self) -> &'static str {
        match self {
            Reviewed::Tool => "server_tools",
            Reviewed::Prompt => "server_prompts",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Reviewed::Tool => "tool",
            Reviewed::Prompt => "prompt",
        }
    }

    /// The fields whose change needs approval again.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Reviewed::Tool => hash::TOOL_APPROVAL_FIELDS,
            Reviewed::Prompt => hash::PROMPT_APPROVAL_FIELDS,
        }
    }

    pub fn not_found(self, name: &str) -> Error {
        let noun = self.noun();
        Error::not_found(format!(
            "the server has no {noun} named '{name}' as of its last sync; sync it, or list its {noun}s"
        ))
        .at_field(noun)
    }
}

/// What the store knows of each of a server's definitions of `kind` from earlier syncs.
pub(crate) fn known(
    conn: &Connection,
    kind: Reviewed,
    server_id: &str,
) -> Result<HashMap<String, Known>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name, approval_state, approved_hash, approved_definition FROM {} WHERE server_id = ?1",
        kind.table()
    ))?;
    let rows = stmt.query_map([server_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut known = HashMap::new();
    for row in rows {
        let (name, state, approved_hash, approved_definition) = row?;
        // Prompts approved before review existed carry their definition but no hash yet.
        let approved_hash = approved_hash.or_else(|| {
            let definition: Value = serde_json::from_str(&approved_definition?).ok()?;
            Some(hash::approval_hash(&definition, kind.fields()))
        });
        known.insert(
            name,
            Known {
                state: state.parse().unwrap_or(ApprovalState::NeedsApproval),
                approved_hash,
            },
        );
    }
    Ok(known)
}

/// A definition's approval as of the last sync; `None` when the server did not list it.
pub(crate) fn approval_of(
    conn: &Connection,
    kind: Reviewed,
    server_id: &str,
    name: &str,
) -> Result<Option<ApprovalState>> {
    let state: Option<String> = conn
        .query_row(
            &format!(
                "SELECT approval_state FROM {} WHERE server_id = ?1 AND name = ?2",
                kind.table()
            ),
            params![server_id, name],
            |r| r.get(0),
        )
        .optional()?;
    Ok(state.and_then(|s| s.parse().ok()))
}

pub(crate) fn diff(
    conn: &Connection,
    kind: Reviewed,
    server_id: &str,
    name: &str,
) -> Result<DefinitionDiff> {
    let (definition, approved): (String, Option<String>) = conn
        .query_row(
            &format!(
                "SELECT definition, approved_definition FROM {} WHERE server_id = ?1 AND name = ?2",
                kind.table()
            ),
            params![server_id, name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| kind.not_found(name))?;
    let current: Value = serde_json::from_str(&definition).unwrap_or_default();
    let approved: Option<Value> = approved.and_then(|a| serde_json::from_str(&a).ok());
    let changes = kind
        .fields()
        .iter()
        .filter_map(|field| {
            let before = approved.as_ref().and_then(|a| a.get(*field)).cloned();
            let after = current.get(*field).cloned();
            let differs = match (&before, &after) {
                (Some(b), Some(a)) => hash::content_hash(b) != hash::content_hash(a),
                (None, None) => false,
                _ => true,
            };
            differs.then(|| FieldChange {
                field: (*field).to_string(),
                approved: before,
                current: after,
            })
        })
        .collect();
    Ok(DefinitionDiff {
        name: name.to_string(),
        approved,
        current,
        changes,
    })
}

/// Sets the approval of one definition, or (`name` None) of every one the rule selects:
/// approving all takes those waiting (a denial is undone only by name); denying all takes
/// every one. Approving records the current definition as the approved one.
pub(crate) fn set_approval(
    tx: &Connection,
    kind: Reviewed,
    server_id: &str,
    name: Option<&str>,
    state: ApprovalState,
) -> Result<usize> {
    let approve = state == ApprovalState::Approved;
    let table = kind.table();
    let set = "approval_state = ?2,
        approved_hash = CASE WHEN ?3 THEN content_hash ELSE approved_hash END,
        approved_definition = CASE WHEN ?3 THEN definition ELSE approved_definition END";
    let changed = match name {
        Some(name) => {
            let n = tx.execute(
                &format!("UPDATE {table} SET {set} WHERE server_id = ?1 AND name = ?4"),
                params![server_id, state.as_str(), approve, name],
            )?;
            if n == 0 {
                return Err(kind.not_found(name));
            }
            n
        }
        None => tx.execute(
            &format!(
                "UPDATE {table} SET {set}
                 WHERE server_id = ?1 AND (NOT ?3 OR approval_state = 'needs_approval')"
            ),
            params![server_id, state.as_str(), approve],
        )?,
    };
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_prompt_approved_before_review_existed_is_known_by_its_approved_definition() {
        let store = Store::open_in_memory().unwrap();
        let definition = serde_json::json!({"name": "summarize", "description": "Summarize."});
        let known = store
            .write(|tx| {
                tx.execute_batch(
                    "INSERT INTO workspaces (id, name, is_default, created_at, updated_at)
                         VALUES ('w', 'default', 1, 't', 't');
                     INSERT INTO servers (id, workspace_id, name, transport, url, auth_type, created_at, updated_at)
                         VALUES ('s', 'w', 'notes', 'streamable_http', 'https://x/mcp', 'none', 't', 't');",
                )?;
                tx.execute(
                    "INSERT INTO server_prompts (server_id, name, definition, content_hash,
                        approval_state, approved_definition, first_seen, updated_at)
                     VALUES ('s', 'summarize', ?1, '', 'approved', ?1, 't', 't')",
                    [definition.to_string()],
                )?;
                known(tx, Reviewed::Prompt, "s")
            })
            .unwrap();
        let expected = hash::approval_hash(&definition, hash::PROMPT_APPROVAL_FIELDS);
        let k = &known["summarize"];
        assert_eq!(k.approved_hash.as_deref(), Some(expected.as_str()));
        let decision = super::super::approval::decide(Some(k), &expected, false, false);
        assert_eq!(decision.state, ApprovalState::Approved);
    }
}
