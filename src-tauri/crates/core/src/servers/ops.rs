//! Server operations as every front door calls them. Secrets go to the keyring before the
//! record that points at them is written, and leave it only after that record is gone, so a
//! failure at any step loses nothing.

use super::edit::{self, PendingSecrets};
use super::model::{
    AuthType, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, NewServer, Server, ServerPage, ServerPatch,
    ServerQuery,
};
use super::repo::{self, Scope, ServerRow};
use crate::Patchbay;
use crate::clock;
use crate::error::{Error, Result};

impl Patchbay {
    pub fn create_server(&self, workspace_id: &str, input: NewServer) -> Result<Server> {
        let (row, pending) = edit::new_row(workspace_id, input, &clock::now())?;
        // Refuse a duplicate before touching the keyring; the unique index still guards races.
        if self
            .store()
            .read(|c| repo::live_name_taken(c, workspace_id, &row.server.name, None))?
        {
            return Err(repo::name_conflict(&row.server.name));
        }
        self.put_secrets(&pending)?;
        let written = self.store().write(|tx| {
            crate::workspaces::ensure_exists(tx, workspace_id)?;
            repo::insert(tx, &row)
        });
        if let Err(err) = written {
            self.forget_secrets(pending.iter().map(|(key, _)| key.as_str()));
            return Err(err);
        }
        tracing::info!(server = %row.server.id, name = %row.server.name, "created server");
        Ok(row.into_server())
    }

    /// A server by id or name, live or deleted (a live one wins a shared name).
    pub fn get_server(&self, workspace_id: &str, ident: &str) -> Result<Server> {
        Ok(self
            .store()
            .read(|c| repo::find(c, workspace_id, ident, Scope::Any))?
            .into_server())
    }

    /// `get_server` with its tools as of its last sync.
    pub fn get_server_with_tools(&self, workspace_id: &str, ident: &str) -> Result<Server> {
        self.store().read(|c| {
            let mut server = repo::find(c, workspace_id, ident, Scope::Any)?.into_server();
            let mut tools = repo::tools_of(c, &[server.id.as_str()])?;
            server.tools = Some(tools.remove(&server.id).unwrap_or_default());
            Ok(server)
        })
    }

    /// Every live server of a workspace, across pages.
    pub fn all_servers(&self, workspace_id: &str) -> Result<Vec<Server>> {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let page = self.list_servers(
                workspace_id,
                &ServerQuery {
                    limit: Some(1000),
                    cursor,
                    ..ServerQuery::default()
                },
            )?;
            out.extend(page.servers);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(out),
            }
        }
    }

    /// The export written to `dir` (made if missing) as `<workspace>-<time>.json`.
    pub fn list_servers(&self, workspace_id: &str, query: &ServerQuery) -> Result<ServerPage> {
        let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(Error::validation(
                "limit",
                format!("the page size must be 1 to {MAX_PAGE_SIZE}, not {limit}"),
            ));
        }
        self.store().read(|conn| {
            let (rows, next_cursor) = super::page::page(conn, workspace_id, query, limit)?;
            let mut servers: Vec<Server> = rows.into_iter().map(ServerRow::into_server).collect();
            if query.include_tools {
                let ids: Vec<&str> = servers.iter().map(|s| s.id.as_str()).collect();
                let mut tools = repo::tools_of(conn, &ids)?;
                for server in &mut servers {
                    server.tools = Some(tools.remove(&server.id).unwrap_or_default());
                }
            }
            Ok(ServerPage {
                servers,
                next_cursor,
            })
        })
    }

    pub fn update_server(
        &self,
        workspace_id: &str,
        ident: &str,
        patch: ServerPatch,
    ) -> Result<Server> {
        let current = self
            .store()
            .read(|c| repo::find(c, workspace_id, ident, Scope::Live))?;
        // A dry run on what we read: bad input fails before the keyring is touched.
        let pending = edit::patch_secrets(&current.server.id, &patch);
        let preview = edit::patched_row(&current, &patch, &pending, &clock::now())?;
        if self.store().read(|c| {
            repo::live_name_taken(
                c,
                workspace_id,
                &preview.server.name,
                Some(&current.server.id),
            )
        })? {
            return Err(repo::name_conflict(&preview.server.name));
        }
        self.put_secrets(&pending)?;
        // The patch is applied again to the row as it is inside the write transaction, so a
        // change another process made meanwhile to other fields is kept.
        let written = self.store().write(|tx| {
            let fresh = repo::find(tx, workspace_id, &current.server.id, Scope::Live)?;
            let row = edit::patched_row(&fresh, &patch, &pending, &clock::now())?;
            repo::update(tx, &row)?;
            let dropped = if moved_elsewhere(&fresh.server, &row.server) {
                drop_authorization(tx, &row.server.id)?
            } else {
                Vec::new()
            };
            Ok((fresh, row, dropped))
        });
        match written {
            Ok((before, after, dropped)) => {
                let kept = after.secret_refs();
                self.forget_secrets(
                    before
                        .secret_refs()
                        .iter()
                        .map(String::as_str)
                        .filter(|k| !kept.iter().any(|x| x == k)),
                );
                tracing::info!(server = %after.server.id, "updated server");
                if dropped.is_empty() {
                    return Ok(after.into_server());
                }
                self.forget_secrets(dropped.iter().map(String::as_str));
                tracing::info!(server = %after.server.id, "moved to another origin: its authorization is dropped");
                self.get_server(workspace_id, &after.server.id)
            }
            Err(err) => {
                self.forget_secrets(pending.iter().map(|(key, _)| key.as_str()));
                Err(err)
            }
        }
    }

    /// Soft delete: the server disappears from lists and can be restored.
    pub fn delete_server(&self, workspace_id: &str, ident: &str) -> Result<Server> {
        self.store().write(|tx| {
            let row = repo::find(tx, workspace_id, ident, Scope::Live)?;
            let now = clock::now();
            repo::set_deleted_at(tx, &row.server.id, Some(&now), &now)?;
            Ok(repo::find(tx, workspace_id, &row.server.id, Scope::Any)?.into_server())
        })
    }

    /// Brings back a soft-deleted server; a conflict if its name was taken meanwhile.
    pub fn restore_server(&self, workspace_id: &str, ident: &str) -> Result<Server> {
        self.store().write(|tx| {
            let row = repo::find(tx, workspace_id, ident, Scope::Deleted)?;
            if repo::live_name_taken(tx, workspace_id, &row.server.name, None)? {
                return Err(Error::conflict(
                    "name",
                    format!(
                        "another server is now named '{}'; rename or delete it, then restore this one",
                        row.server.name
                    ),
                ));
            }
            repo::set_deleted_at(tx, &row.server.id, None, &clock::now())?;
            Ok(repo::find(tx, workspace_id, &row.server.id, Scope::Any)?.into_server())
        })
    }

    /// The token a client's entry presents to the gateway's endpoint of this server, made the
    /// first time it is asked for.
    pub(crate) fn server_gateway_token(&self, server_id: &str) -> Result<crate::Secret> {
        let key = crate::secrets::keys::gateway_token(server_id);
        if let Some(token) = self.secrets().get(&key)? {
            return Ok(token);
        }
        let random = || uuid::Uuid::new_v4().simple().to_string();
        let token = crate::Secret::new(format!("pbs_{}{}", random(), random()));
        self.secrets().set(&key, &token)?;
        Ok(token)
    }

    /// Removes the server for good: its keyring entries, then its row.
    pub fn purge_server(&self, workspace_id: &str, ident: &str) -> Result<Server> {
        let (row, oauth) = self.store().read(|c| {
            let row = repo::find(c, workspace_id, ident, Scope::Any)?;
            let oauth = crate::oauth::record::load(c, &row.server.id)?;
            Ok((row, oauth))
        })?;
        let oauth_keys = oauth.and_then(|o| o.client_secret_ref).into_iter().chain([
            crate::secrets::keys::oauth_tokens(&row.server.id),
            crate::secrets::keys::gateway_token(&row.server.id),
        ]);
        for key in row.secret_refs().into_iter().chain(oauth_keys) {
            self.secrets().delete(&key)?;
        }
        self.store()
            .write(|tx| repo::delete_row(tx, &row.server.id))?;
        tracing::info!(server = %row.server.id, "purged server");
        Ok(row.into_server())
    }

    fn put_secrets(&self, pending: &PendingSecrets) -> Result<()> {
        for (index, (key, value)) in pending.iter().enumerate() {
            if let Err(err) = self.secrets().set(key, value) {
                self.forget_secrets(pending[..index].iter().map(|(k, _)| k.as_str()));
                return Err(err);
            }
        }
        Ok(())
    }

    /// Best-effort removal of entries no record points at any more; a failure leaves an
    /// orphan entry in the keyring, never a record without its secret.
    fn forget_secrets<'a>(&self, keys: impl IntoIterator<Item = &'a str>) {
        for key in keys {
            if let Err(err) = self.secrets().delete(key) {
                tracing::warn!(%key, error = %err, "could not remove an unused keyring entry");
            }
        }
    }
}

/// Whether an OAuth server's URL now names another origin: its tokens were issued for the old
/// resource (RFC 8707) and its registration and metadata belong to the old authorization
/// server, so none of them may be presented to the new host.
fn moved_elsewhere(before: &Server, after: &Server) -> bool {
    let origin = |url: &Option<String>| {
        url.as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization())
    };
    (before.auth_type == AuthType::Oauth || after.auth_type == AuthType::Oauth)
        && origin(&before.url) != origin(&after.url)
}

/// Forgets a server's authorization (its record; its keyring entries are returned to be
/// deleted once the transaction holds) and marks it as needing one.
fn drop_authorization(tx: &rusqlite::Connection, server_id: &str) -> Result<Vec<String>> {
    let mut keys = vec![crate::secrets::keys::oauth_tokens(server_id)];
    let secret: Option<Option<String>> = rusqlite::OptionalExtension::optional(tx.query_row(
        "SELECT client_secret_ref FROM server_oauth WHERE server_id = ?1",
        [server_id],
        |r| r.get(0),
    ))?;
    keys.extend(secret.flatten());
    tx.execute("DELETE FROM server_oauth WHERE server_id = ?1", [server_id])?;
    super::status_repo::mark_needs_auth(
        tx,
        server_id,
        "the server moved to another origin: authorize it again",
    )?;
    Ok(keys)
}
