//! Portal operations as every front door calls them. The token goes to the keyring before
//! the record that points at it, and leaves it after.

use rusqlite::params;

use super::model::{NewPortal, Portal, PortalPatch};
use super::repo::{self, PortalRow};
use crate::error::{Error, Result};
use crate::live::reviewed::{self, Reviewed};
use crate::secret::Secret;
use crate::servers::repo::{self as servers, Scope};
use crate::{Patchbay, clock, validate};

fn new_token() -> Secret {
    // 244 random bits, recognisable in a leak scan by its prefix.
    let a = uuid::Uuid::new_v4().simple().to_string();
    let b = uuid::Uuid::new_v4().simple().to_string();
    Secret::new(format!("pbp_{a}{b}"))
}

fn token_key(portal_id: &str) -> String {
    format!("portal/{portal_id}/token/{}", uuid::Uuid::now_v7().simple())
}

/// Characters MCP allows in a tool name, `lengths` of them: an alias (a whole name) or a
/// member's prefix (part of one, possibly empty).
fn name_part(value: &str, field: &str, lengths: std::ops::RangeInclusive<usize>) -> Result<String> {
    let ok = lengths.contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !ok {
        return Err(Error::validation(
            field,
            format!(
                "'{value}' is not a valid {field}: use {} to {} letters, digits, '_', '-' or '.'",
                lengths.start(),
                lengths.end()
            ),
        ));
    }
    Ok(value.to_string())
}

pub(super) fn member_prefix(value: &str) -> Result<String> {
    name_part(value, "prefix", 0..=32)
}

pub(crate) fn alias(value: &str) -> Result<String> {
    name_part(value.trim(), "alias", 1..=64)
}

/// Rolls the change back (the caller's transaction) when two members would serve one name.
pub(super) fn refuse_clash(
    tx: &rusqlite::Connection,
    portal_name: &str,
    portal_id: &str,
) -> Result<()> {
    match repo::name_clash(tx, portal_id)? {
        Some(name) => Err(Error::conflict(
            "prefix",
            format!(
                "portal '{portal_name}' would serve two of {name}: give this member a prefix (the default is its name and '__')"
            ),
        )),
        None => Ok(()),
    }
}

impl Patchbay {
    pub fn create_portal(&self, workspace_id: &str, input: NewPortal) -> Result<Portal> {
        let name = validate::name("name", &input.name)?;
        let description = validate::description(input.description.as_deref().unwrap_or(""))?;
        let secure = input.secure.unwrap_or(true);
        let id = uuid::Uuid::now_v7().to_string();
        let token = secure.then(new_token);
        let token_ref = token.as_ref().map(|_| token_key(&id));
        if let (Some(key), Some(token)) = (&token_ref, &token) {
            self.secrets().set(key, token)?;
        }
        let now = clock::now();
        let written = self.store().write(|tx| {
            crate::workspaces::ensure_exists(tx, workspace_id)?;
            let slug = repo::free_slug(tx, &name, None)?;
            let row = PortalRow {
                portal: Portal {
                    id: id.clone(),
                    workspace_id: workspace_id.to_string(),
                    url: super::portal_url(&slug),
                    slug,
                    name: name.clone(),
                    description: description.clone(),
                    secure,
                    token_redacted: token.as_ref().map(Secret::hint),
                    log_payloads: false,
                    timeout_secs: None,
                    token_budget: None,
                    mode: super::PortalMode::Direct,
                    top_n: 5,
                    pinned: Vec::new(),
                    tokens: None,
                    listed_tokens: None,
                    created_at: now.clone(),
                    updated_at: now.clone(),
                    servers: None,
                    token: None,
                    entries_rewritten: Vec::new(),
                },
                token_ref: token_ref.clone(),
            };
            repo::insert(tx, &row)?;
            Ok(row)
        });
        match written {
            Ok(row) => {
                let mut portal = self.get_portal(workspace_id, &row.portal.id)?;
                portal.token = token.map(|t| t.expose().to_string());
                Ok(portal)
            }
            Err(err) => {
                if let Some(key) = token_ref {
                    let _ = self.secrets().delete(&key);
                }
                Err(err)
            }
        }
    }

    pub fn list_portals(&self, workspace_id: &str) -> Result<Vec<Portal>> {
        self.store().read(|c| {
            Ok(repo::list(c, workspace_id)?
                .into_iter()
                .map(|r| r.portal)
                .collect())
        })
    }

    /// A portal with its members and their tools.
    pub fn get_portal(&self, workspace_id: &str, ident: &str) -> Result<Portal> {
        self.store().read(|c| {
            let mut portal = repo::find(c, workspace_id, ident)?.portal;
            let mut members = repo::members(c, &portal.id)?;
            super::tokens::count_members(c, &mut members)?;
            let calls = super::usage::calls_by_tool(c, &portal.id)?;
            super::usage::count_calls(&calls, &mut members);
            portal.tokens = Some(members.iter().filter_map(|m| m.tokens).sum());
            let catalog = super::served::served_catalog(c, &portal.id)?;
            portal.listed_tokens = Some(super::tokens::listed_tokens(&catalog, &members));
            portal.servers = Some(members);
            Ok(portal)
        })
    }

    pub fn update_portal(
        &self,
        workspace_id: &str,
        ident: &str,
        patch: PortalPatch,
    ) -> Result<Portal> {
        let current = self.store().read(|c| repo::find(c, workspace_id, ident))?;
        // Turning `secure` on for a portal without a token makes one (shown once).
        let needs_token = patch.secure == Some(true) && current.token_ref.is_none();
        let token = needs_token.then(new_token);
        let token_ref = token.as_ref().map(|_| token_key(&current.portal.id));
        if let (Some(key), Some(token)) = (&token_ref, &token) {
            self.secrets().set(key, token)?;
        }
        let written = self.store().write(|tx| {
            let mut row = repo::find(tx, workspace_id, &current.portal.id)?;
            let p = &mut row.portal;
            if let Some(name) = &patch.name {
                p.name = validate::name("name", name)?;
                p.slug = repo::free_slug(tx, &p.name, Some(&p.id))?;
            }
            if let Some(description) = &patch.description {
                p.description = validate::description(description)?;
            }
            if let Some(secure) = patch.secure {
                p.secure = secure;
            }
            if let Some(secs) = patch.timeout_secs {
                p.timeout_secs = super::member_ops::checked_timeout(Some(secs).filter(|s| *s > 0))?;
            }
            if let Some(log) = patch.log_payloads {
                p.log_payloads = log;
            }
            if let Some(budget) = patch.token_budget {
                p.token_budget = (budget > 0).then_some(budget);
            }
            if let Some(mode) = patch.mode {
                p.mode = mode;
            }
            if let Some(top) = patch.top_n {
                if top > 1000 {
                    return Err(Error::validation("top_n", "list at most 1000 tools by use"));
                }
                p.top_n = top;
            }
            if let Some(pinned) = &patch.pinned {
                let mut pinned: Vec<String> = pinned.iter().map(|t| t.trim().to_string()).collect();
                pinned.retain(|t| !t.is_empty());
                pinned.sort();
                pinned.dedup();
                let known: std::collections::HashSet<String> = repo::members(tx, &p.id)?
                    .into_iter()
                    .flat_map(|m| m.tools.into_iter().map(|t| t.exposed_name))
                    .collect();
                if let Some(unknown) = pinned.iter().find(|t| !known.contains(*t)) {
                    return Err(Error::validation(
                        "pinned",
                        format!("this portal has no tool named '{unknown}'; pin a tool by the name clients see (portal get)"),
                    ));
                }
                p.pinned = pinned;
            }
            if let (Some(key), Some(token)) = (&token_ref, &token) {
                row.token_ref = Some(key.clone());
                row.portal.token_redacted = Some(token.hint());
            }
            row.portal.updated_at = clock::now();
            repo::update(tx, &row)
        });
        if let Err(err) = written {
            if let Some(key) = token_ref {
                let _ = self.secrets().delete(&key);
            }
            return Err(err);
        }
        let mut portal = self.get_portal(workspace_id, &current.portal.id)?;
        portal.token = token.map(|t| t.expose().to_string());
        portal.entries_rewritten = self.refresh_installations(&portal.id);
        Ok(portal)
    }

    /// Deletes the portal and its token; its servers stay.
    pub fn delete_portal(&self, workspace_id: &str, ident: &str) -> Result<Portal> {
        let row = self.store().read(|c| repo::find(c, workspace_id, ident))?;
        self.store().write(|tx| repo::delete(tx, &row.portal.id))?;
        if let Some(key) = &row.token_ref
            && let Err(err) = self.secrets().delete(key)
        {
            tracing::warn!(error = %err, "could not remove a deleted portal's token");
        }
        Ok(row.portal)
    }

    /// The bearer token of a secure portal, from the keyring; `None` for an open portal.
    pub(crate) fn portal_token(&self, row: &PortalRow) -> Result<Option<Secret>> {
        match (&row.token_ref, row.portal.secure) {
            (Some(key), true) => Ok(Some(self.secrets().get(key)?.ok_or_else(|| {
                Error::keyring_unavailable(format!(
                    "the keyring has no token for portal '{}'; rotate its token to make one",
                    row.portal.name
                ))
            })?)),
            _ => Ok(None),
        }
    }

    /// The headers a client presents to the portal: its bearer token, for a secure portal.
    pub fn portal_headers(&self, workspace_id: &str, ident: &str) -> Result<Vec<(String, Secret)>> {
        let row = self.store().read(|c| repo::find(c, workspace_id, ident))?;
        Ok(self
            .portal_token(&row)?
            .map(|token| {
                let value = Secret::new(format!("Bearer {}", token.expose()));
                vec![("Authorization".to_string(), value)]
            })
            .unwrap_or_default())
    }

    /// A new token; the old one stops working at once. The only time the token is shown.
    pub fn rotate_portal_token(&self, workspace_id: &str, ident: &str) -> Result<Portal> {
        let current = self.store().read(|c| repo::find(c, workspace_id, ident))?;
        let token = new_token();
        let key = token_key(&current.portal.id);
        self.secrets().set(&key, &token)?;
        let written = self.store().write(|tx| {
            let mut row = repo::find(tx, workspace_id, &current.portal.id)?;
            row.token_ref = Some(key.clone());
            row.portal.token_redacted = Some(token.hint());
            row.portal.secure = true;
            row.portal.updated_at = clock::now();
            repo::update(tx, &row)
        });
        if let Err(err) = written {
            let _ = self.secrets().delete(&key);
            return Err(err);
        }
        if let Some(old) = &current.token_ref {
            let _ = self.secrets().delete(old);
        }
        let mut portal = self.get_portal(workspace_id, &current.portal.id)?;
        portal.token = Some(token.expose().to_string());
        portal.entries_rewritten = self.refresh_installations(&portal.id);
        Ok(portal)
    }

    /// Adds a member; `prefix` before its tools' and prompts' names (default `<slug>__`,
    /// `""` none), refused when a name would then be served twice.
    pub fn add_portal_server(
        &self,
        workspace_id: &str,
        portal: &str,
        server: &str,
        default_disabled: bool,
        prefix: Option<&str>,
    ) -> Result<Portal> {
        let prefix = prefix.map(member_prefix).transpose()?;
        let id = self.store().write(|tx| {
            let p = repo::find(tx, workspace_id, portal)?.portal;
            let s = servers::find(tx, workspace_id, server, Scope::Live)?.server;
            let added = tx.execute(
                "INSERT OR IGNORE INTO portal_servers (portal_id, server_id, default_disabled, added_at, prefix)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![p.id, s.id, default_disabled, clock::now(), prefix],
            )?;
            if added == 0 {
                return Err(Error::conflict(
                    "server",
                    format!("'{}' is already in portal '{}'", s.name, p.name),
                ));
            }
            refuse_clash(tx, &p.name, &p.id)?;
            Ok(p.id)
        })?;
        self.get_portal(workspace_id, &id)
    }

    pub fn remove_portal_server(
        &self,
        workspace_id: &str,
        portal: &str,
        server: &str,
    ) -> Result<Portal> {
        let id = self.store().write(|tx| {
            let p = repo::find(tx, workspace_id, portal)?.portal;
            let s = servers::find(tx, workspace_id, server, Scope::Any)?.server;
            let removed = tx.execute(
                "DELETE FROM portal_servers WHERE portal_id = ?1 AND server_id = ?2",
                params![p.id, s.id],
            )?;
            if removed == 0 {
                return Err(Error::not_found(format!(
                    "'{}' is not in portal '{}'",
                    s.name, p.name
                )));
            }
            Ok(p.id)
        })?;
        self.get_portal(workspace_id, &id)
    }

    /// Enables or disables one tool of a member in this portal, optionally under an alias
    /// (unique among the names the portal serves).
    pub fn set_portal_tool(
        &self,
        workspace_id: &str,
        portal: &str,
        server: &str,
        tool: &str,
        enabled: bool,
        alias_name: Option<&str>,
    ) -> Result<Portal> {
        let choice = (enabled, alias_name);
        self.set_portal_item(Reviewed::Tool, workspace_id, portal, server, tool, choice)
    }

    /// As `set_portal_tool`, for one of a member's prompts.
    pub fn set_portal_prompt(
        &self,
        workspace_id: &str,
        portal: &str,
        server: &str,
        prompt: &str,
        enabled: bool,
        alias_name: Option<&str>,
    ) -> Result<Portal> {
        let choice = (enabled, alias_name);
        self.set_portal_item(
            Reviewed::Prompt,
            workspace_id,
            portal,
            server,
            prompt,
            choice,
        )
    }

    fn set_portal_item(
        &self,
        kind: Reviewed,
        workspace_id: &str,
        portal: &str,
        server: &str,
        name: &str,
        (enabled, alias_name): (bool, Option<&str>),
    ) -> Result<Portal> {
        let alias_name = alias_name.map(alias).transpose()?;
        let noun = kind.noun();
        let id = self.store().write(|tx| {
            let p = repo::find(tx, workspace_id, portal)?.portal;
            let s = servers::find(tx, workspace_id, server, Scope::Live)?.server;
            let member: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM portal_servers WHERE portal_id = ?1 AND server_id = ?2)",
                params![p.id, s.id],
                |r| r.get(0),
            )?;
            if !member {
                return Err(Error::not_found(format!(
                    "'{}' is not in portal '{}'; add it to the portal first",
                    s.name, p.name
                ))
                .at_field("member"));
            }
            if reviewed::approval_of(tx, kind, &s.id, name)?.is_none() {
                return Err(Error::not_found(format!(
                    "'{}' has no {noun} named '{name}' as of its last sync",
                    s.name
                )));
            }
            if let Some(alias) = &alias_name {
                let taken = repo::members(tx, &p.id)?.iter().any(|m| {
                    let mine = |item: &str| m.server_id == s.id && item == name;
                    let names = match kind {
                        Reviewed::Tool => m
                            .tools
                            .iter()
                            .filter(|t| !mine(&t.name))
                            .map(|t| &t.exposed_name)
                            .collect::<Vec<_>>(),
                        Reviewed::Prompt => m
                            .prompts
                            .iter()
                            .filter(|t| !mine(&t.name))
                            .map(|t| &t.exposed_name)
                            .collect(),
                    };
                    names.contains(&alias)
                });
                if taken {
                    return Err(Error::conflict(
                        "alias",
                        format!("portal '{}' already serves a {noun} named '{alias}'", p.name),
                    ));
                }
            }
            let (table, column) = match kind {
                Reviewed::Tool => ("portal_tools", "tool"),
                Reviewed::Prompt => ("portal_prompts", "prompt"),
            };
            tx.execute(
                &format!(
                    "INSERT INTO {table} (portal_id, server_id, {column}, enabled, alias) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (portal_id, server_id, {column}) DO UPDATE SET enabled = excluded.enabled,
                        alias = COALESCE(excluded.alias, {table}.alias)"
                ),
                params![p.id, s.id, name, enabled, alias_name],
            )?;
            Ok(p.id)
        })?;
        self.get_portal(workspace_id, &id)
    }
}
