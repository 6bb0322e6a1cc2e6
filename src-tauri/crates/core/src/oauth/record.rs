//! The `server_oauth` row: which client a server is authorized as, with what scopes, and the
//! loopback port its registration's redirect URI names.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;

#[derive(Debug, Clone, Default)]
pub(crate) struct OAuthRecord {
    pub client_id: Option<String>,
    pub client_secret_ref: Option<String>,
    /// Registered by Patchbay (dynamic registration), not entered by the user.
    pub dynamic: bool,
    pub scopes: Vec<String>,
    pub redirect_port: Option<u16>,
    pub authorized_at: Option<String>,
    /// The authorization server metadata (JSON) of the last authorization.
    pub metadata: Option<String>,
}

pub(crate) fn load(conn: &Connection, server_id: &str) -> Result<Option<OAuthRecord>> {
    Ok(conn
        .query_row(
            "SELECT client_id, client_secret_ref, dynamic, scopes, redirect_port, authorized_at,
                metadata FROM server_oauth WHERE server_id = ?1",
            [server_id],
            |r| {
                let scopes: String = r.get(3)?;
                Ok(OAuthRecord {
                    client_id: r.get(0)?,
                    client_secret_ref: r.get(1)?,
                    dynamic: r.get(2)?,
                    scopes: serde_json::from_str(&scopes).unwrap_or_default(),
                    redirect_port: r.get(4)?,
                    authorized_at: r.get(5)?,
                    metadata: r.get(6)?,
                })
            },
        )
        .optional()?)
}

pub(crate) fn save(conn: &Connection, server_id: &str, rec: &OAuthRecord, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO server_oauth (server_id, client_id, client_secret_ref, dynamic, scopes,
            redirect_port, authorized_at, updated_at, metadata)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (server_id) DO UPDATE SET client_id = excluded.client_id,
            client_secret_ref = excluded.client_secret_ref, dynamic = excluded.dynamic,
            scopes = excluded.scopes, redirect_port = excluded.redirect_port,
            authorized_at = excluded.authorized_at, updated_at = excluded.updated_at,
            metadata = excluded.metadata",
        params![
            server_id,
            rec.client_id,
            rec.client_secret_ref,
            rec.dynamic,
            serde_json::to_string(&rec.scopes).unwrap_or_else(|_| "[]".into()),
            rec.redirect_port,
            rec.authorized_at,
            now,
            rec.metadata,
        ],
    )?;
    Ok(())
}
