//! Finding the portal a request names, with its token, without a store read per request: an
//! answer is kept until the store changes. Tokens are kept by keyring reference: a rotation
//! writes a new reference, so a kept token is never stale, and the keyring is asked once per
//! token, not per request or per store change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rusqlite::OptionalExtension;
use tokio::sync::watch;

use super::changes::generation;
use crate::error::Result;
use crate::portals::Portal;
use crate::portals::repo;
use crate::{Patchbay, Secret, lock, run_blocking};

#[derive(Clone)]
pub(crate) struct Found {
    pub portal: Portal,
    pub token: Option<Secret>,
}

/// A server the gateway serves on its own endpoint, with the token its entries present.
#[derive(Clone)]
pub(crate) struct FoundServer {
    pub id: String,
    pub name: String,
    pub token: Option<Secret>,
}

#[derive(Default)]
pub(crate) struct PortalLookup {
    by_slug: Mutex<HashMap<String, (u64, Found)>>,
    servers: Mutex<HashMap<String, (u64, FoundServer)>>,
    tokens: Arc<Mutex<HashMap<String, Secret>>>,
}

impl PortalLookup {
    pub async fn find(
        &self,
        core: &Arc<Patchbay>,
        changes: &watch::Receiver<u64>,
        slug: &str,
    ) -> Result<Option<Found>> {
        let generation = generation(changes);
        if let Some(generation) = generation
            && let Some((at, found)) = lock(&self.by_slug).get(slug)
            && *at == generation
        {
            return Ok(Some(found.clone()));
        }
        let (lookup, tokens) = (slug.to_string(), Arc::clone(&self.tokens));
        let found = run_blocking(core, move |core| {
            let Some(row) = core.store().read(|c| repo::find_by_slug(c, &lookup))? else {
                return Ok(None);
            };
            let token = match (&row.token_ref, row.portal.secure) {
                (Some(key), true) => kept_token(&tokens, key, || core.secrets().get(key))?,
                _ => None,
            };
            Ok(Some(Found {
                portal: row.portal,
                token,
            }))
        })
        .await?;
        if let (Some(found), Some(generation)) = (&found, generation) {
            lock(&self.by_slug).insert(slug.to_string(), (generation, found.clone()));
        }
        Ok(found)
    }
}

impl PortalLookup {
    /// Drops what is kept for `slug` (or a server's id): the next lookup reads the store.
    pub fn forget(&self, slug: &str) {
        lock(&self.by_slug).remove(slug);
        lock(&self.servers).remove(slug);
    }

    /// A live server by id, with its gateway token (`None` until an entry was installed).
    pub async fn find_server(
        &self,
        core: &Arc<Patchbay>,
        changes: &watch::Receiver<u64>,
        id: &str,
    ) -> Result<Option<FoundServer>> {
        let generation = generation(changes);
        if let Some(generation) = generation
            && let Some((at, found)) = lock(&self.servers).get(id)
            && *at == generation
        {
            return Ok(Some(found.clone()));
        }
        let (lookup, tokens) = (id.to_string(), Arc::clone(&self.tokens));
        let found = run_blocking(core, move |core| {
            let Some(name) = core.store().read(|c| {
                Ok(c.query_row(
                    "SELECT name FROM servers WHERE id = ?1 AND deleted_at IS NULL",
                    [&lookup],
                    |r| r.get::<_, String>(0),
                )
                .optional()?)
            })?
            else {
                return Ok(None);
            };
            let key = crate::secrets::keys::gateway_token(&lookup);
            // Not kept while missing: the install that makes it may come any moment.
            let token = match lock(&tokens).get(&key) {
                Some(token) => Some(token.clone()),
                None => core.secrets().get(&key)?,
            };
            if let Some(token) = &token {
                lock(&tokens).insert(key, token.clone());
            }
            Ok(Some(FoundServer {
                id: lookup,
                name,
                token,
            }))
        })
        .await?;
        if let (Some(found), Some(generation)) = (&found, generation) {
            lock(&self.servers).insert(id.to_string(), (generation, found.clone()));
        }
        Ok(found)
    }
}

fn kept_token(
    tokens: &Mutex<HashMap<String, Secret>>,
    key: &str,
    fetch: impl FnOnce() -> Result<Option<Secret>>,
) -> Result<Option<Secret>> {
    if let Some(token) = lock(tokens).get(key) {
        return Ok(Some(token.clone()));
    }
    let token = fetch()?;
    if let Some(token) = &token {
        lock(tokens).insert(key.to_string(), token.clone());
    }
    Ok(token)
}
