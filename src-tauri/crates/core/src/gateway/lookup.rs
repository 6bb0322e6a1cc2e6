//! Finding the portal a request names, with its token, without a store read per request: an
//! answer is kept until the store changes. Tokens are kept by keyring reference: a rotation
//! writes a new reference, so a kept token is never stale, and the keyring is asked once per
//! token, not per request or per store change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use super::changes::generation;
use crate::error::Result;
use crate::portals::Portal;
use crate::portals::repo;
use crate::servers::repo as servers;
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
    /// Whether any token this gateway has read (a portal's or a server endpoint's) passes
    /// `check`.
    pub fn accepted_token(&self, check: impl Fn(&Secret) -> bool) -> bool {
        lock(&self.tokens).values().any(check)
    }

    pub async fn find(
        &self,
        core: &Arc<Patchbay>,
        changes: &watch::Receiver<u64>,
        slug: &str,
    ) -> Result<Option<Found>> {
        let tokens = Arc::clone(&self.tokens);
        kept_answer(&self.by_slug, core, changes, slug, move |core, slug| {
            let Some(row) = core.store().read(|c| repo::find_by_slug(c, slug))? else {
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
        .await
    }

    /// A live server by id, with its gateway token (`None` until an entry was installed).
    pub async fn find_server(
        &self,
        core: &Arc<Patchbay>,
        changes: &watch::Receiver<u64>,
        id: &str,
    ) -> Result<Option<FoundServer>> {
        let tokens = Arc::clone(&self.tokens);
        kept_answer(&self.servers, core, changes, id, move |core, id| {
            let Some((name, _)) = core.store().read(|c| servers::live_by_id(c, id))? else {
                return Ok(None);
            };
            let key = crate::secrets::keys::gateway_token(id);
            let token = kept_token(&tokens, &key, || core.secrets().get(&key))?;
            Ok(Some(FoundServer {
                id: id.to_string(),
                name,
                token,
            }))
        })
        .await
    }

    /// Drops what is kept for `slug` (or a server's id): the next lookup reads the store.
    pub fn forget(&self, slug: &str) {
        lock(&self.by_slug).remove(slug);
        lock(&self.servers).remove(slug);
    }
}

/// The answer kept for `key` while the store has not changed, else `read` on the blocking
/// pool (a found answer is kept; a missing one is asked again next time).
async fn kept_answer<T, F>(
    kept: &Mutex<HashMap<String, (u64, T)>>,
    core: &Arc<Patchbay>,
    changes: &watch::Receiver<u64>,
    key: &str,
    read: F,
) -> Result<Option<T>>
where
    T: Clone + Send + 'static,
    F: FnOnce(&Patchbay, &str) -> Result<Option<T>> + Send + 'static,
{
    let generation = generation(changes);
    if let Some(generation) = generation
        && let Some((at, found)) = lock(kept).get(key)
        && *at == generation
    {
        return Ok(Some(found.clone()));
    }
    let lookup = key.to_string();
    let found = run_blocking(core, move |core| read(core, &lookup)).await?;
    if let (Some(found), Some(generation)) = (&found, generation) {
        lock(kept).insert(key.to_string(), (generation, found.clone()));
    }
    Ok(found)
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
