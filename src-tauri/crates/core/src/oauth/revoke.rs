//! Revoking a server's tokens (RFC 7009) before it is purged, where its authorization server
//! has a revocation endpoint. Best effort: purging never waits on a server that is gone.
//!
//! The endpoint comes from the metadata stored with the tokens (the authorization that got
//! them), never from discovery now: a server that has since named another authorization
//! server would otherwise have its old tokens sent to that one.

use std::sync::Arc;
use std::time::Duration;

use rmcp::transport::auth::AuthorizationMetadata;
use serde_json::Value;

use super::record;
use crate::secrets::keys;
use crate::servers::AuthType;
use crate::servers::repo::{self, Scope};
use crate::{Patchbay, Result, run_blocking};

impl Patchbay {
    /// Returns how many tokens the authorization server accepted to revoke.
    pub async fn revoke(self: &Arc<Self>, workspace_id: &str, ident: &str) -> Result<u32> {
        let core = self;
        let (ws, id) = (workspace_id.to_string(), ident.to_string());
        let found = run_blocking(core, move |core| {
            let (row, rec) = core.store().read(|c| {
                let row = repo::find(c, &ws, &id, Scope::Any)?;
                let rec = record::load(c, &row.server.id)?;
                Ok((row, rec))
            })?;
            if row.server.auth_type != AuthType::Oauth {
                return Ok(None);
            }
            let Some(tokens) = core.secrets().get(&keys::oauth_tokens(&row.server.id))? else {
                return Ok(None);
            };
            let Some(rec) = rec else {
                return Ok(None);
            };
            let secret = match &rec.client_secret_ref {
                Some(key) => core.secrets().get(key)?,
                None => None,
            };
            Ok(Some((
                row.server.url.clone().unwrap_or_default(),
                rec,
                tokens,
                secret,
            )))
        })
        .await?;
        let Some((url, rec, tokens, client_secret)) = found else {
            return Ok(0);
        };
        let stored: Value = serde_json::from_str(tokens.expose()).unwrap_or_default();
        let client_id = stored["client_id"].as_str().unwrap_or_default().to_string();
        let response = &stored["token_response"];
        let Some(metadata) = rec
            .metadata
            .as_deref()
            .and_then(|m| serde_json::from_str::<AuthorizationMetadata>(m).ok())
        else {
            tracing::debug!(%url, "no authorization server on record: nothing to revoke");
            return Ok(0);
        };
        // The tokens were issued to the registration on record, by the server of that metadata.
        if rec.client_id.as_deref() != Some(client_id.as_str()) {
            tracing::warn!(%url, issuer = %super::flow::issuer_of(&metadata),
            "the tokens belong to another registration than the one on record: not revoked");
            return Ok(0);
        }
        let endpoint = metadata
            .additional_fields
            .get("revocation_endpoint")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(endpoint) = endpoint else {
            tracing::debug!(%url, "no revocation endpoint: nothing to revoke");
            return Ok(0);
        };
        // Tokens go only where the authorization would have sent them.
        if !crate::web_origin::https_or_loopback(&endpoint) {
            tracing::warn!(%url, "the revocation endpoint is neither https nor on this machine: tokens not sent");
            return Ok(0);
        }
        let http = crate::net::no_redirect_client()?;
        let mut revoked = 0;
        for (field, hint) in [
            ("refresh_token", "refresh_token"),
            ("access_token", "access_token"),
        ] {
            let Some(token) = response[field].as_str() else {
                continue;
            };
            let body = {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.append_pair("token", token)
                    .append_pair("token_type_hint", hint)
                    .append_pair("client_id", &client_id);
                // An empty secret is the same as none (RFC 6749 §2.3.1); some servers (the Python
                // SDK) want the field present even for public clients.
                let secret = client_secret.as_ref().map_or("", |s| s.expose());
                form.append_pair("client_secret", secret);
                form.finish()
            };
            let sent = http
                .post(&endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
                .timeout(Duration::from_secs(10))
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => revoked += 1,
                Ok(r) => {
                    tracing::warn!(status = %r.status(), "the authorization server refused to revoke a token")
                }
                Err(err) => tracing::warn!(error = %err, "could not reach the revocation endpoint"),
            }
        }
        Ok(revoked)
    }
}

/// A purge, and why revoking the server's OAuth tokens first failed if it did.
#[derive(Debug)]
pub struct Purged {
    pub server: crate::servers::Server,
    /// The revocation's error; the purge happened anyway.
    pub revocation_failed: Option<crate::Error>,
}

impl Patchbay {
    /// Purges a server for good, first revoking its OAuth tokens at the authorization server
    /// where it can (tokens left valid there outlive the purge); the purge never depends on
    /// the revocation. Every door purges this way.
    pub async fn purge_server_revoking(
        self: &Arc<Self>,
        workspace_id: &str,
        ident: &str,
    ) -> Result<Purged> {
        let revocation_failed = self.revoke(workspace_id, ident).await.err();
        let (ws, id) = (workspace_id.to_string(), ident.to_string());
        let server = run_blocking(self, move |core| core.purge_server(&ws, &id)).await?;
        Ok(Purged {
            server,
            revocation_failed,
        })
    }
}
