//! Authorizing a server: discovery from the server's 401 challenge (RFC 9728, then RFC 8414 /
//! OpenID discovery, as rmcp resolves them), a pre-registered client or dynamic registration
//! (RFC 7591, kept for the next time), authorization code with PKCE S256, `resource`
//! (RFC 8707) and the challenge's scopes, the browser step against a loopback redirect, and
//! the tokens into the keyring.

use std::sync::Arc;
use std::time::Duration;

use rmcp::transport::auth::{
    AuthorizationManager, AuthorizationMetadata, AuthorizationRequest, AuthorizationSession,
};
use serde::Serialize;
use ts_rs::TS;

use super::auth_error;
use super::callback::Callback;
use super::credentials::KeyringCredentials;
use super::record::{self, OAuthRecord};
use crate::error::{ConnectionCategory, Error, Result};
use crate::secret::Secret;
use crate::secrets::keys;
use crate::servers::repo::{self, Scope};
use crate::servers::{AuthType, Server};
use crate::{Patchbay, clock, run_blocking};

/// What the user may give: a client registered beforehand with the authorization server, and
/// the scopes to ask for (else the server's challenge or metadata decides).
#[derive(Debug, Default, Clone)]
pub struct AuthorizeOptions {
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub scopes: Vec<String>,
    pub timeout: Option<Duration>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuthorizeOutcome {
    pub server: Server,
    pub client_id: String,
    /// Registered by Patchbay (RFC 7591) rather than entered.
    pub dynamic_registration: bool,
    pub scopes: Vec<String>,
}

/// How long the browser step may take, unless told otherwise.
pub const DEFAULT_AUTHORIZE_TIMEOUT: Duration = Duration::from_secs(300);

/// The `WWW-Authenticate` challenge of the server's 401 to an unauthenticated `initialize`.
async fn challenge(url: &str) -> Result<Option<String>> {
    let client = crate::net::http_client()?;
    let body = serde_json::json!({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "patchbay", "version": env!("CARGO_PKG_VERSION")}}
    });
    let response = tokio::time::timeout(
        Duration::from_secs(30),
        client
            .post(url)
            .header("Accept", "application/json, text/event-stream")
            .json(&body)
            .send(),
    )
    .await
    .map_err(|_| crate::net::timed_out(url, Duration::from_secs(30)))?
    .map_err(|e| crate::net::chain(&e, url))?;
    if response.status().as_u16() != 401 {
        return Ok(None);
    }
    Ok(response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned))
}

/// The authorization server's endpoints, each `https` (or `http` on this machine), before the
/// browser, the popup or a token request sees any of them: metadata names whatever it likes,
/// and a `file:` or custom-scheme "authorization page" would be handed to another program.
fn endpoints_are_trusted(metadata: &AuthorizationMetadata, url: &str) -> Result<()> {
    let revocation = metadata
        .additional_fields
        .get("revocation_endpoint")
        .and_then(serde_json::Value::as_str);
    let endpoints = [
        (
            "authorization_endpoint",
            Some(metadata.authorization_endpoint.as_str()),
        ),
        ("token_endpoint", Some(metadata.token_endpoint.as_str())),
        (
            "registration_endpoint",
            metadata.registration_endpoint.as_deref(),
        ),
        ("revocation_endpoint", revocation),
    ];
    for (name, endpoint) in endpoints {
        let Some(endpoint) = endpoint else { continue };
        if !crate::web_origin::https_or_loopback(endpoint) {
            return Err(Error::connection(
                ConnectionCategory::Protocol,
                format!(
                    "the authorization server of {url} names its {name} {endpoint:?}, which is neither https nor on this machine; Patchbay will not use it. Ask the server's operator to publish https endpoints"
                ),
            ));
        }
    }
    Ok(())
}

/// Who issues the tokens: the metadata's `issuer` (RFC 8414, which rmcp checks against where
/// it found the metadata), else its token endpoint.
pub(crate) fn issuer_of(metadata: &AuthorizationMetadata) -> &str {
    metadata
        .issuer
        .as_deref()
        .unwrap_or(&metadata.token_endpoint)
}

/// Whether the registration on record was made with the authorization server of `metadata`.
/// A record from before metadata was kept cannot say: a registration Patchbay made is then
/// made again, one the user entered is kept.
fn same_issuer(known: &OAuthRecord, metadata: &AuthorizationMetadata) -> bool {
    match known
        .metadata
        .as_deref()
        .and_then(|m| serde_json::from_str::<AuthorizationMetadata>(m).ok())
    {
        Some(stored) => issuer_of(&stored) == issuer_of(metadata),
        None => !known.dynamic,
    }
}

impl Patchbay {
    /// Runs the whole authorization; `on_url` gets the URL the user must open (the CLI prints
    /// it and opens a browser; the app opens its popup).
    pub async fn authorize(
        self: &Arc<Self>,
        workspace_id: &str,
        ident: &str,
        options: AuthorizeOptions,
        on_url: impl FnOnce(&str),
    ) -> Result<AuthorizeOutcome> {
        let core = self;
        let (ws, id) = (workspace_id.to_string(), ident.to_string());
        let (row, known) = run_blocking(core, move |core| {
            core.store().read(|c| {
                let row = repo::find(c, &ws, &id, Scope::Live)?;
                let known = record::load(c, &row.server.id)?;
                Ok((row, known))
            })
        })
        .await?;
        let server = &row.server;
        if server.auth_type != AuthType::Oauth || !server.transport.is_http() {
            return Err(Error::validation(
                "auth_type",
                format!(
                    "'{}' does not use OAuth; switch its authentication to OAuth first",
                    server.name
                ),
            ));
        }
        let url = server.url.clone().unwrap_or_default();
        let mut known = known.unwrap_or_default();

        // `challenge` set up the TLS provider rmcp's OAuth client needs. That client, not ours,
        // makes the OAuth requests: it follows no redirect on token and registration requests
        // (a 307 would re-post the code, the PKCE verifier and the secret elsewhere), bounds each
        // request to 30 s and refuses addresses a resource of this kind may not reach.
        let challenge = challenge(&url).await?;
        let mut manager = AuthorizationManager::new(url.as_str())
            .await
            .map_err(|e| auth_error(e, &url))?;
        manager.set_credential_store(KeyringCredentials::new(core.secrets_arc(), &server.id));
        // Discovered every time: the server may have moved to another authorization server, and
        // a registration belongs to the one that made it.
        let metadata = manager
            .resolve_metadata_from_challenge(challenge.as_deref())
            .await
            .map_err(|e| auth_error(e, &url))?
            .metadata;
        endpoints_are_trusted(&metadata, &url)?;
        if known.client_id.is_some() && !same_issuer(&known, &metadata) {
            tracing::info!(server = %server.id, issuer = %issuer_of(&metadata),
            "the server names another authorization server: registering again");
            known.client_id = None;
            known.dynamic = false;
            known.redirect_port = None;
            // The old registration's secret is deleted once this authorization is saved.
        }

        // The client: what the user gives now, else what an earlier authorization used.
        let reuse = options.client_id.is_none() && known.client_id.is_some();
        let client_id = options.client_id.clone().or(known.client_id.clone());
        let client_secret = match (&options.client_secret, &known.client_secret_ref, reuse) {
            (Some(secret), _, _) => Some(secret.clone()),
            (None, Some(key), true) => {
                let (core2, key) = (Arc::clone(core), key.clone());
                run_blocking(&core2, move |c| c.secrets().get(&key)).await?
            }
            _ => None,
        };
        // Asking for more (step-up) keeps what was granted before.
        let mut scopes = known.scopes.clone();
        for scope in options.scopes.iter().flat_map(|s| s.split_whitespace()) {
            if !scopes.iter().any(|known| known == scope) {
                scopes.push(scope.to_string());
            }
        }
        // A dynamic registration names one redirect URI: reuse its port when it is free.
        let callback = Callback::bind(if reuse && known.dynamic {
            known.redirect_port
        } else {
            None
        })
        .await?;
        let port_kept = Some(callback.port) == known.redirect_port;
        let redirect_uri = callback.redirect_uri();
        let metadata_json = serde_json::to_string(&metadata).ok();
        let s256 = metadata
            .code_challenge_methods_supported
            .as_ref()
            .is_some_and(|m| m.iter().any(|x| x == "S256"));
        if !s256 {
            return Err(Error::connection(
                ConnectionCategory::Protocol,
                format!(
                    "the authorization server of {url} does not advertise PKCE S256; Patchbay will not authorize without it"
                ),
            ));
        }
        manager.set_metadata(metadata);

        let mut request =
            AuthorizationRequest::new(redirect_uri.clone()).with_client_name("Patchbay");
        if let Some(challenge) = &challenge {
            request = request.with_challenge(challenge.clone());
        }
        if !scopes.is_empty() {
            request = request.with_scopes(scopes.iter().map(String::as_str));
        }
        // A dynamic registration whose redirect port is gone is registered anew.
        let kept_client = client_id.filter(|_| !(reuse && known.dynamic && !port_kept));
        let dynamic = kept_client.is_none() || (reuse && known.dynamic);
        // Registered here rather than inside rmcp's session, so that a secret the authorization
        // server issues with the registration is kept (in the keyring) for refreshes later.
        let mut registered_secret = None;
        let mut client_secret = client_secret;
        let registered_id = match kept_client {
            Some(id) => id,
            None => {
                let wanted: Vec<String> = if scopes.is_empty() {
                    manager.select_initial_scopes(&[]).await
                } else {
                    scopes.clone()
                };
                let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
                let registration = manager
                    .register_client("Patchbay", &redirect_uri, &wanted)
                    .await
                    .map_err(|e| auth_error(e, &url))?;
                registered_secret = registration.client_secret.clone().map(Secret::new);
                client_secret = registered_secret.clone();
                registration.client_id
            }
        };
        request = request.with_preregistered_client(registered_id.clone());
        if let Some(secret) = &client_secret {
            request = request.with_client_secret(secret.expose().to_string());
        }
        let session = AuthorizationSession::new(manager, request)
            .await
            .map_err(|(_, e)| auth_error(e, &url))?;
        let auth_url = session.get_authorization_url().to_string();
        let state = url::Url::parse(&auth_url)
            .ok()
            .and_then(|u| {
                u.query_pairs()
                    .find(|(k, _)| k == "state")
                    .map(|(_, v)| v.into_owned())
            })
            .ok_or_else(|| Error::internal("the authorization URL carries no state"))?;

        if !crate::web_origin::https_or_loopback(&auth_url) {
            return Err(Error::connection(
                ConnectionCategory::Protocol,
                format!(
                    "the authorization page of {url} is neither https nor on this machine; Patchbay will not open it"
                ),
            ));
        }
        on_url(&auth_url);
        let answer = callback
            .wait(&state, options.timeout.unwrap_or(DEFAULT_AUTHORIZE_TIMEOUT))
            .await?;
        // rmcp checks `iss` against the metadata's issuer, and requires it where the server
        // advertises `authorization_response_iss_parameter_supported`.
        session
            .handle_callback_with_issuer(&answer.code, &answer.state, answer.issuer.as_deref())
            .await
            .map_err(|e| auth_error(e, &url))?;
        let granted = scopes.clone();

        // Keep the registration (its secret in the keyring) for re-authorization.
        let (ws, server_id) = (workspace_id.to_string(), server.id.clone());
        let new_secret = options.client_secret.clone().or(registered_secret);
        let secret_ref = match (&new_secret, reuse) {
            (Some(_), _) => Some(keys::oauth_client_secret(&server_id)),
            (None, true) => known.client_secret_ref.clone(),
            (None, false) => None,
        };
        let rec = OAuthRecord {
            client_id: Some(registered_id.clone()),
            client_secret_ref: secret_ref.clone(),
            dynamic,
            scopes: scopes.clone(),
            redirect_port: Some(callback.port),
            authorized_at: Some(clock::now()),
            metadata: metadata_json,
        };
        let old_secret = known
            .client_secret_ref
            .clone()
            .filter(|old| Some(old) != secret_ref.as_ref());
        let server = run_blocking(core, move |core| {
            if let (Some(key), Some(secret)) = (&secret_ref, &new_secret) {
                core.secrets().set(key, secret)?;
            }
            core.store().write(|tx| {
                record::save(tx, &server_id, &rec, &clock::now())?;
                crate::servers::status_repo::mark_authorized(tx, &server_id)
            })?;
            if let Some(old) = old_secret {
                let _ = core.secrets().delete(&old);
            }
            core.get_server(&ws, &server_id)
        })
        .await?;
        tracing::info!(server = %server.id, dynamic, "authorized server");
        Ok(AuthorizeOutcome {
            server,
            client_id: registered_id,
            dynamic_registration: dynamic,
            scopes: granted,
        })
    }
}

impl Patchbay {
    /// Forgets the server's tokens; the client registration stays for the next authorization.
    pub async fn logout(self: &Arc<Self>, workspace_id: &str, ident: &str) -> Result<Server> {
        let core = self;
        let (ws, id) = (workspace_id.to_string(), ident.to_string());
        run_blocking(core, move |core| {
            let row = core.store().read(|c| repo::find(c, &ws, &id, Scope::Any))?;
            core.secrets().delete(&keys::oauth_tokens(&row.server.id))?;
            core.store().write(|tx| {
                tx.execute(
                    "UPDATE server_oauth SET authorized_at = NULL WHERE server_id = ?1",
                    [&row.server.id],
                )?;
                Ok(())
            })?;
            core.get_server(&ws, &row.server.id)
        })
        .await
    }
}
