//! The `portals`, `portal_servers`, `portal_tools` and `portal_prompts` tables. Tokens never pass through here,
//! only their keyring references and hints.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::model::{Portal, PortalMember, PortalPrompt, PortalTool};
use super::slug::{exposed_tool_name, member_prefix, slugify};
use crate::error::{Error, Result};
use crate::servers::{ApprovalState, AuthType, ServerStatus};

pub(crate) struct PortalRow {
    pub portal: Portal,
    pub token_ref: Option<String>,
}

const COLUMNS: &str = "id, workspace_id, name, description, slug, secure, token_ref, token_hint,
    log_payloads, created_at, updated_at, timeout_secs, token_budget, mode, top_n, pinned_tools";

fn from_row(row: &Row) -> rusqlite::Result<PortalRow> {
    let slug: String = row.get(4)?;
    Ok(PortalRow {
        token_ref: row.get(6)?,
        portal: Portal {
            id: row.get(0)?,
            workspace_id: row.get(1)?,
            name: row.get(2)?,
            description: row.get(3)?,
            url: super::portal_url(&slug),
            slug,
            secure: row.get(5)?,
            token_redacted: row.get(7)?,
            log_payloads: row.get(8)?,
            timeout_secs: row.get(11)?,
            token_budget: row.get(12)?,
            mode: row
                .get::<_, String>(13)?
                .parse()
                .unwrap_or(super::PortalMode::Direct),
            top_n: row.get(14)?,
            pinned: serde_json::from_str(&row.get::<_, String>(15)?).unwrap_or_default(),
            tokens: None,
            listed_tokens: None,
            created_at: row.get(9)?,
            updated_at: row.get(10)?,
            servers: None,
            token: None,
            entries_rewritten: Vec::new(),
        },
    })
}

pub(crate) fn insert(tx: &Connection, row: &PortalRow) -> Result<()> {
    let p = &row.portal;
    tx.execute(
        &format!(
            "INSERT INTO portals ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        ),
        params![
            p.id,
            p.workspace_id,
            p.name,
            p.description,
            p.slug,
            p.secure,
            row.token_ref,
            p.token_redacted,
            p.log_payloads,
            p.created_at,
            p.updated_at,
            p.timeout_secs,
            p.token_budget,
            p.mode.as_str(),
            p.top_n,
            serde_json::to_string(&p.pinned).unwrap_or_else(|_| "[]".into())
        ],
    )
    .map_err(|e| conflict_or(e, &p.name))?;
    Ok(())
}

pub(crate) fn update(tx: &Connection, row: &PortalRow) -> Result<()> {
    let p = &row.portal;
    tx.execute(
        "UPDATE portals SET name = ?2, description = ?3, slug = ?4, secure = ?5, token_ref = ?6,
            token_hint = ?7, log_payloads = ?8, updated_at = ?9, timeout_secs = ?10,
            token_budget = ?11, mode = ?12, top_n = ?13, pinned_tools = ?14 WHERE id = ?1",
        params![
            p.id,
            p.name,
            p.description,
            p.slug,
            p.secure,
            row.token_ref,
            p.token_redacted,
            p.log_payloads,
            p.updated_at,
            p.timeout_secs,
            p.token_budget,
            p.mode.as_str(),
            p.top_n,
            serde_json::to_string(&p.pinned).unwrap_or_else(|_| "[]".into())
        ],
    )
    .map_err(|e| conflict_or(e, &p.name))?;
    Ok(())
}

fn conflict_or(err: rusqlite::Error, name: &str) -> Error {
    if err.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
        && err.to_string().contains("portals.name")
    {
        return Error::conflict(
            "name",
            format!(
                "a portal named '{name}' already exists in this workspace; choose another name"
            ),
        );
    }
    Error::from(err)
}

/// A slug free among all portals: the name's, else with -2, -3… appended.
pub(crate) fn free_slug(conn: &Connection, name: &str, except_id: Option<&str>) -> Result<String> {
    let base = slugify(name);
    for n in 1..10_000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM portals WHERE slug = ?1 AND id IS NOT ?2)",
            params![candidate, except_id],
            |r| r.get(0),
        )?;
        if !taken {
            return Ok(candidate);
        }
    }
    Err(Error::internal("no free slug for this portal name"))
}

pub(crate) fn find(conn: &Connection, workspace_id: &str, ident: &str) -> Result<PortalRow> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM portals WHERE workspace_id = ?1
             AND (id = ?2 OR slug = ?2 OR name = ?2 COLLATE NOCASE) LIMIT 1"
        ),
        params![workspace_id, ident],
        from_row,
    )
    .optional()?
    .ok_or_else(|| {
        Error::not_found(format!("no portal named '{ident}' in this workspace")).at_field("portal")
    })
}

pub(crate) fn list(conn: &Connection, workspace_id: &str) -> Result<Vec<PortalRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM portals WHERE workspace_id = ?1 ORDER BY name COLLATE NOCASE"
    ))?;
    let rows = stmt
        .query_map([workspace_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn delete(tx: &Connection, id: &str) -> Result<()> {
    tx.execute("DELETE FROM portals WHERE id = ?1", [id])?;
    Ok(())
}

struct Health {
    status: ServerStatus,
    error_message: Option<String>,
    last_synced: Option<String>,
    last_successful_sync: Option<String>,
    auth_type: AuthType,
    prefix: Option<String>,
    timeout_secs: Option<u32>,
    resources_enabled: bool,
    max_concurrent: Option<u32>,
    /// The bound that applies: the member's, else the portal's, else the server's.
    effective_timeout: Option<u32>,
}

/// The members of a portal with their health and each tool's effective state.
pub(crate) fn members(conn: &Connection, portal_id: &str) -> Result<Vec<PortalMember>> {
    let mut stmt = conn.prepare(
        "SELECT s.id, s.name, s.is_enabled, m.default_disabled, s.status, s.error_message,
            s.last_synced, s.last_successful_sync, s.auth_type, m.prefix, m.timeout_secs,
            m.resources_enabled, m.max_concurrent,
            COALESCE(m.timeout_secs, p.timeout_secs, s.timeout_secs)
         FROM portal_servers m
         JOIN servers s ON s.id = m.server_id
         JOIN portals p ON p.id = m.portal_id
         WHERE m.portal_id = ?1 AND s.deleted_at IS NULL ORDER BY s.name COLLATE NOCASE",
    )?;
    let servers = stmt
        .query_map([portal_id], |r| {
            let health = Health {
                status: r
                    .get::<_, String>(4)?
                    .parse()
                    .unwrap_or(ServerStatus::Error),
                error_message: r.get(5)?,
                last_synced: r.get(6)?,
                last_successful_sync: r.get(7)?,
                auth_type: r.get::<_, String>(8)?.parse().unwrap_or(AuthType::None),
                prefix: r.get(9)?,
                timeout_secs: r.get(10)?,
                resources_enabled: r.get(11)?,
                max_concurrent: r.get(12)?,
                effective_timeout: r.get(13)?,
            };
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
                health,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut overrides_stmt = conn.prepare(
        "SELECT tool, enabled, alias FROM portal_tools WHERE portal_id = ?1 AND server_id = ?2",
    )?;
    let mut tools_stmt = conn.prepare(
        "SELECT name, approval_state, approved_hash IS NOT NULL AND approved_hash != content_hash
         FROM server_tools WHERE server_id = ?1 ORDER BY name",
    )?;
    let mut prompt_overrides_stmt = conn.prepare(
        "SELECT prompt, enabled, alias FROM portal_prompts WHERE portal_id = ?1 AND server_id = ?2",
    )?;
    let mut prompts_stmt = conn.prepare(
        "SELECT name, approval_state, approved_hash IS NOT NULL AND approved_hash != content_hash
         FROM server_prompts WHERE server_id = ?1 ORDER BY name",
    )?;
    let mut out = Vec::with_capacity(servers.len());
    let mut used_slugs = std::collections::HashSet::new();
    for (server_id, name, is_enabled, default_disabled, health) in servers {
        // Two names may slugify alike ("a b", "a-b"): the later one (by name) gets a suffix.
        let base = slugify(&name);
        let mut slug = base.clone();
        let mut n = 2;
        while !used_slugs.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        let prefix = member_prefix(&slug, health.prefix.as_deref());
        let served_here = |enabled: bool, state: ApprovalState| {
            enabled && is_enabled && state == ApprovalState::Approved
        };
        let mut updated_tools = Vec::new();
        let tools = reviewed_items(
            &mut tools_stmt,
            &mut overrides_stmt,
            portal_id,
            &server_id,
            default_disabled,
            &mut updated_tools,
        )?
        .into_iter()
        .map(|(name, approval_state, enabled, alias)| PortalTool {
            exposed_name: exposed_tool_name(&prefix, &name, alias.as_deref()),
            served: served_here(enabled, approval_state),
            tokens: None,
            calls_7d: None,
            calls_30d: None,
            name,
            alias,
            enabled,
            approval_state,
        })
        .collect();
        let mut updated_prompts = Vec::new();
        let prompts = reviewed_items(
            &mut prompts_stmt,
            &mut prompt_overrides_stmt,
            portal_id,
            &server_id,
            default_disabled,
            &mut updated_prompts,
        )?
        .into_iter()
        .map(|(name, approval_state, enabled, alias)| PortalPrompt {
            exposed_name: exposed_tool_name(&prefix, &name, alias.as_deref()),
            served: served_here(enabled, approval_state),
            tokens: None,
            name,
            alias,
            enabled,
            approval_state,
        })
        .collect();
        out.push(PortalMember {
            tokens: None,
            server_id,
            name,
            slug,
            custom_prefix: health.prefix.is_some(),
            timeout_secs: health.timeout_secs,
            effective_timeout_secs: health
                .effective_timeout
                .unwrap_or(crate::gateway::DEFAULT_UPSTREAM_TIMEOUT_SECS),
            resources_enabled: health.resources_enabled,
            max_concurrent: health.max_concurrent,
            prefix,
            is_enabled,
            default_disabled,
            status: health.status,
            error_message: health.error_message,
            last_synced: health.last_synced,
            last_successful_sync: health.last_successful_sync,
            auth_type: health.auth_type,
            tools,
            updated_tools,
            prompts,
            updated_prompts,
        });
    }
    Ok(out)
}

/// A member's tool or prompt: its name, approval, and this portal's switch and alias for it.
type Reviewed = (String, ApprovalState, bool, Option<String>);

/// A member's tools or prompts (by `items`), each with its approval and this portal's choice
/// for it (by `overrides`: enabled, alias; else enabled unless the member's default is off).
/// Those changed since approval are added to `updated`.
fn reviewed_items(
    items: &mut rusqlite::Statement,
    overrides: &mut rusqlite::Statement,
    portal_id: &str,
    server_id: &str,
    default_disabled: bool,
    updated: &mut Vec<String>,
) -> Result<Vec<Reviewed>> {
    let chosen: HashMap<String, (bool, Option<String>)> = overrides
        .query_map(params![portal_id, server_id], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let rows = items
        .query_map([server_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|(name, state, changed)| {
            if changed {
                updated.push(name.clone());
            }
            let (enabled, alias) = chosen
                .get(&name)
                .cloned()
                .unwrap_or((!default_disabled, None));
            let state = state.parse().unwrap_or(ApprovalState::NeedsApproval);
            (name, state, enabled, alias)
        })
        .collect())
}

/// A portal by slug, in any workspace (the gateway serves them all), with its token reference.
/// The portal a gateway path names: by slug (URL entries), or by id (Patchbay's stdio
/// entries, so a rename does not break a session).
pub(crate) fn find_by_slug(conn: &Connection, slug: &str) -> Result<Option<PortalRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM portals WHERE slug = ?1 OR id = ?1 LIMIT 1"),
            [slug],
            from_row,
        )
        .optional()?)
}

/// A name two members would serve alike (a tool or a prompt), after a change to `portal_id`'s
/// members: the change is refused then.
pub(crate) fn name_clash(conn: &Connection, portal_id: &str) -> Result<Option<String>> {
    let mut seen = std::collections::HashSet::new();
    for member in members(conn, portal_id)? {
        let tools = member.tools.iter().map(|t| ("tool", &t.exposed_name));
        let prompts = member.prompts.iter().map(|p| ("prompt", &p.exposed_name));
        for (kind, name) in tools.chain(prompts) {
            if !seen.insert(format!("{kind} {name}")) {
                return Ok(Some(format!("{kind} '{name}'")));
            }
        }
    }
    Ok(None)
}
