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
use crate::{Patchbay, Secret, lock, run_blocking};

#[derive(Clone)]
pub(crate) struct Found {
    pub portal: Portal,
    pub token: Option<Secret>,
}

#[derive(Default)]
pub(crate) struct PortalLookup {
    by_slug: Mutex<HashMap<String, (u64, Found)>>,
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
    /// Drops what is kept for `slug`: the next `find` reads the store.
    pub fn forget(&self, slug: &str) {
        lock(&self.by_slug).remove(slug);
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
