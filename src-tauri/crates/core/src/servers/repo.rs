//! The `servers` table: rows in and out, lookups and keyset pages. No secrets pass through
//! here, only the keyring references and hints that stand for them.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::model::{Server, ToolSummary};
use crate::error::{Error, ErrorCode, Result};

/// One environment variable as stored: a plain value, or a keyring reference with a hint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct EnvEntry {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// A server with the stored references behind its redacted fields.
#[derive(Debug, Clone)]
pub(crate) struct ServerRow {
    pub server: Server,
    pub env: Vec<EnvEntry>,
    /// The keyring account of the API key, or (with `${env:…}` in it) the header's value
    /// naming environment variables.
    pub api_key_ref: Option<String>,
}

impl ServerRow {
    /// Every keyring entry this server owns.
    pub fn secret_refs(&self) -> Vec<String> {
        self.api_key_ref
            .iter()
            .filter(|r| !super::variables::has_reference(r))
            .cloned()
            .chain(self.env.iter().filter_map(|e| e.secret_ref.clone()))
            .collect()
    }

    /// The public view: plain env values, secret ones as hints.
    pub fn into_server(mut self) -> Server {
        self.server.env = BTreeMap::new();
        self.server.secret_env = BTreeMap::new();
        for entry in self.env {
            match entry.secret_ref {
                Some(_) => {
                    self.server
                        .secret_env
                        .insert(entry.name, entry.hint.unwrap_or_else(|| "…".into()));
                }
                None => {
                    self.server
                        .env
                        .insert(entry.name, entry.value.unwrap_or_default());
                }
            }
        }
        self.server
    }
}

/// Which rows a lookup may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Live,
    Deleted,
    Any,
}

pub(super) const COLUMNS: &str =
    "id, workspace_id, name, description, transport, url, command, args, env, cwd,
    auth_type, api_key_header, api_key_ref, api_key_hint, is_enabled, status, error_message,
    last_synced, last_successful_sync, server_info, template_id, created_at, updated_at, deleted_at,
    timeout_secs, inherit_env, authorize_in_browser";

fn json_column<T: for<'de> Deserialize<'de>>(row: &Row, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub(crate) fn parsed_column<T: std::str::FromStr>(row: &Row, idx: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(idx)?;
    text.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub(super) fn from_row(row: &Row) -> rusqlite::Result<ServerRow> {
    let api_key_hint: Option<String> = row.get(13)?;
    let server_info: Option<String> = row.get(19)?;
    Ok(ServerRow {
        env: json_column(row, 8)?,
        api_key_ref: row.get(12)?,
        server: Server {
            id: row.get(0)?,
            workspace_id: row.get(1)?,
            name: row.get(2)?,
            description: row.get(3)?,
            transport: parsed_column(row, 4)?,
            url: row.get(5)?,
            command: row.get(6)?,
            args: json_column(row, 7)?,
            env: BTreeMap::new(),
            secret_env: BTreeMap::new(),
            cwd: row.get(9)?,
            auth_type: parsed_column(row, 10)?,
            api_key_header: row.get(11)?,
            api_key_redacted: api_key_hint,
            is_enabled: row.get(14)?,
            status: parsed_column(row, 15)?,
            error_message: row.get(16)?,
            last_synced: row.get(17)?,
            last_successful_sync: row.get(18)?,
            server_info: server_info.and_then(|s| serde_json::from_str(&s).ok()),
            template_id: row.get(20)?,
            created_at: row.get(21)?,
            updated_at: row.get(22)?,
            deleted_at: row.get(23)?,
            timeout_secs: row.get(24)?,
            inherit_env: row.get(25)?,
            authorize_in_browser: row.get(26)?,
            tools: None,
        },
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::internal(format!("cannot encode a column: {e}")))
}

pub(crate) fn insert(tx: &Connection, row: &ServerRow) -> Result<()> {
    let s = &row.server;
    tx.execute(
        &format!(
            "INSERT INTO servers ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
            ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)"
        ),
        params![
            s.id,
            s.workspace_id,
            s.name,
            s.description,
            s.transport.as_str(),
            s.url,
            s.command,
            to_json(&s.args)?,
            to_json(&row.env)?,
            s.cwd,
            s.auth_type.as_str(),
            s.api_key_header,
            row.api_key_ref,
            s.api_key_redacted,
            s.is_enabled,
            s.status.as_str(),
            s.error_message,
            s.last_synced,
            s.last_successful_sync,
            s.server_info.as_ref().map(to_json).transpose()?,
            s.template_id,
            s.created_at,
            s.updated_at,
            s.deleted_at,
            s.timeout_secs,
            s.inherit_env,
            s.authorize_in_browser,
        ],
    )
    .map_err(|e| name_conflict_or(e, &s.name))?;
    Ok(())
}

/// Writes every user-editable column of `row` (sync state is left to the sync code).
pub(crate) fn update(tx: &Connection, row: &ServerRow) -> Result<()> {
    let s = &row.server;
    let changed = tx
        .execute(
            "UPDATE servers SET name = ?2, description = ?3, transport = ?4, url = ?5, command = ?6,
                args = ?7, env = ?8, cwd = ?9, auth_type = ?10, api_key_header = ?11,
                api_key_ref = ?12, api_key_hint = ?13, is_enabled = ?14, updated_at = ?15,
                timeout_secs = ?16, inherit_env = ?17, authorize_in_browser = ?18
             WHERE id = ?1",
            params![
                s.id, s.name, s.description, s.transport.as_str(), s.url, s.command,
                to_json(&s.args)?, to_json(&row.env)?, s.cwd, s.auth_type.as_str(),
                s.api_key_header, row.api_key_ref, s.api_key_redacted, s.is_enabled, s.updated_at,
                s.timeout_secs, s.inherit_env, s.authorize_in_browser,
            ],
        )
        .map_err(|e| name_conflict_or(e, &s.name))?;
    if changed == 0 {
        return Err(Error::not_found("the server was purged meanwhile"));
    }
    Ok(())
}

pub(crate) fn set_deleted_at(
    tx: &Connection,
    id: &str,
    deleted_at: Option<&str>,
    now: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE servers SET deleted_at = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, deleted_at, now],
    )
    .map_err(|e| name_conflict_or(e, id))?;
    Ok(())
}

pub(crate) fn delete_row(tx: &Connection, id: &str) -> Result<()> {
    tx.execute("DELETE FROM servers WHERE id = ?1", [id])?;
    Ok(())
}

fn name_conflict_or(err: rusqlite::Error, name: &str) -> Error {
    if err.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
        && err.to_string().contains("servers.name")
    {
        return name_conflict(name);
    }
    Error::from(err)
}

pub(crate) fn name_conflict(name: &str) -> Error {
    Error::conflict(
        "name",
        format!("a server named '{name}' already exists in this workspace; choose another name"),
    )
}

pub(crate) fn live_name_taken(
    conn: &Connection,
    workspace_id: &str,
    name: &str,
    except_id: Option<&str>,
) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM servers WHERE workspace_id = ?1 AND name = ?2 COLLATE NOCASE
             AND deleted_at IS NULL AND id IS NOT ?3)",
        params![workspace_id, name, except_id],
        |r| r.get(0),
    )?)
}

/// Finds a server of the workspace by id, else by (case-insensitive) name.
/// A live server's name and whether it is enabled, by id in any workspace (the gateway's
/// endpoint of one server names it by id alone).
pub(crate) fn live_by_id(conn: &Connection, id: &str) -> Result<Option<(String, bool)>> {
    Ok(conn
        .query_row(
            "SELECT name, is_enabled FROM servers WHERE id = ?1 AND deleted_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub(crate) fn find(
    conn: &Connection,
    workspace_id: &str,
    ident: &str,
    scope: Scope,
) -> Result<ServerRow> {
    let scope_sql = match scope {
        Scope::Live => "AND deleted_at IS NULL",
        Scope::Deleted => "AND deleted_at IS NOT NULL",
        Scope::Any => "",
    };
    let by_id = conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM servers WHERE workspace_id = ?1 AND id = ?2 {scope_sql}"
            ),
            params![workspace_id, ident],
            from_row,
        )
        .optional()?;
    if let Some(row) = by_id {
        return Ok(row);
    }
    // A live server wins over deleted ones of the same name; among deleted ones, the newest.
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM servers WHERE workspace_id = ?1 AND name = ?2 COLLATE NOCASE {scope_sql}
         ORDER BY deleted_at IS NOT NULL, deleted_at DESC LIMIT 2"
    ))?;
    let rows = stmt
        .query_map(params![workspace_id, ident], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut rows = rows.into_iter();
    match (rows.next(), rows.next()) {
        (None, _) => Err(match scope {
            Scope::Deleted => {
                Error::not_found(format!("no deleted server named '{ident}'")).at_field("server")
            }
            _ => Error::not_found(format!("no server named '{ident}' in this workspace"))
                .at_field("server"),
        }),
        (Some(first), None) => Ok(first),
        (Some(first), Some(_)) if first.server.deleted_at.is_none() => Ok(first),
        (Some(_), Some(_)) => Err(Error::new(
            ErrorCode::Conflict,
            format!("several deleted servers are named '{ident}'; name the one you mean by its id"),
        )
        .at_field("name")),
    }
}

/// The tools of each of these servers as of their last sync.
pub(crate) fn tools_of(
    conn: &Connection,
    server_ids: &[&str],
) -> Result<HashMap<String, Vec<ToolSummary>>> {
    let mut out: HashMap<String, Vec<ToolSummary>> = server_ids
        .iter()
        .map(|id| (id.to_string(), Vec::new()))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT name, description, approval_state FROM server_tools WHERE server_id = ?1 ORDER BY name",
    )?;
    for id in server_ids {
        let tools = stmt
            .query_map([id], |row| {
                Ok(ToolSummary {
                    name: row.get(0)?,
                    description: row.get(1)?,
                    approval_state: parsed_column(row, 2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.insert(id.to_string(), tools);
    }
    Ok(out)
}

/// Every keyring reference held by the servers (live or deleted) of a workspace.
pub(crate) fn secret_refs_in_workspace(
    conn: &Connection,
    workspace_id: &str,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM servers WHERE workspace_id = ?1"
    ))?;
    let rows = stmt
        .query_map([workspace_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut refs: Vec<String> = rows.iter().flat_map(ServerRow::secret_refs).collect();
    // OAuth: each server's tokens, and the client secrets its registrations keep.
    refs.extend(
        rows.iter()
            .filter(|r| r.server.auth_type == super::AuthType::Oauth)
            .map(|r| crate::secrets::keys::oauth_tokens(&r.server.id)),
    );
    let mut stmt = conn.prepare(
        "SELECT o.client_secret_ref FROM server_oauth o JOIN servers s ON s.id = o.server_id
         WHERE s.workspace_id = ?1 AND o.client_secret_ref IS NOT NULL",
    )?;
    for key in stmt.query_map([workspace_id], |r| r.get::<_, String>(0))? {
        refs.push(key?);
    }
    Ok(refs)
}

/// A server to sync in a workspace's sync-all: (id, name, whether it runs as a local process).
pub(crate) fn enabled_in(
    conn: &Connection,
    workspace_id: &str,
) -> Result<Vec<(String, String, bool)>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, transport = 'stdio' FROM servers WHERE workspace_id = ?1
            AND deleted_at IS NULL AND is_enabled = 1 ORDER BY name COLLATE NOCASE",
    )?;
    let rows = stmt
        .query_map([workspace_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The workspace a server (by id, live or deleted) belongs to.
pub(crate) fn workspace_of(conn: &Connection, id: &str) -> Result<String> {
    conn.query_row(
        "SELECT workspace_id FROM servers WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::not_found(format!("no server has the id '{id}'")))
}

/// A server's own bound on a call, when it has one.
pub(crate) fn timeout_secs(conn: &Connection, id: &str) -> Result<Option<u32>> {
    let mut stmt = conn.prepare_cached("SELECT timeout_secs FROM servers WHERE id = ?1")?;
    Ok(stmt.query_row([id], |r| r.get(0)).optional()?.flatten())
}

/// The identity the server announced at its last sync (JSON), if it has synced.
pub(crate) fn server_info(conn: &Connection, id: &str) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT server_info FROM servers WHERE id = ?1")?;
    Ok(stmt.query_row([id], |r| r.get(0)).optional()?.flatten())
}
