//! Turning user input into a server record: defaults, validation of the final state, and the
//! secrets the record will point at. Pure functions: no database, no keyring.

use std::collections::BTreeMap;

use super::model::{AuthType, NewServer, Server, ServerPatch, ServerStatus, Transport};
use super::repo::{EnvEntry, ServerRow};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::secrets::keys;
use crate::validate;

use super::variables;

pub(crate) const DEFAULT_API_KEY_HEADER: &str = "Authorization";

/// Secret values to put in the keyring under fresh references before the record is written.
pub(crate) type PendingSecrets = Vec<(String, Secret)>;

pub(crate) fn new_row(
    workspace_id: &str,
    input: NewServer,
    now: &str,
) -> Result<(ServerRow, PendingSecrets)> {
    let id = uuid::Uuid::now_v7().to_string();
    let transport = match (input.transport, &input.url, &input.command) {
        (Some(t), _, _) => t,
        (None, Some(_), None) => Transport::StreamableHttp,
        (None, None, Some(_)) => Transport::Stdio,
        (None, Some(_), Some(_)) => {
            return Err(Error::validation(
                "url",
                "give either a URL (HTTP server) or a command (stdio server), not both",
            ));
        }
        (None, None, None) => {
            return Err(Error::validation(
                "url",
                "give a URL for an HTTP server or a command for a stdio server",
            ));
        }
    };
    let auth_type = match (input.auth_type, &input.api_key, &input.api_key_from_env) {
        (Some(auth), _, _) => auth,
        (None, Some(_), _) | (None, _, Some(_)) => AuthType::ApiKey,
        (None, None, None) => AuthType::None,
    };
    let mut pending = PendingSecrets::new();
    let mut row = ServerRow {
        server: Server {
            id: id.clone(),
            workspace_id: workspace_id.to_string(),
            name: validate::name("name", &input.name)?,
            description: validate::description(input.description.as_deref().unwrap_or(""))?,
            transport,
            url: input.url.as_deref().map(validate::http_url).transpose()?,
            command: input.command,
            args: input.args,
            env: BTreeMap::new(),
            secret_env: BTreeMap::new(),
            cwd: input.cwd.filter(|c| !c.trim().is_empty()),
            inherit_env: input.inherit_env.unwrap_or(false),
            auth_type,
            authorize_in_browser: false,
            api_key_header: input
                .api_key_header
                .as_deref()
                .map(validate::header_name)
                .transpose()?,
            api_key_redacted: None,
            is_enabled: input.is_enabled.unwrap_or(true),
            status: ServerStatus::Pending,
            error_message: None,
            last_synced: None,
            last_successful_sync: None,
            server_info: None,
            template_id: input.template_id,
            created_at: now.to_string(),
            updated_at: now.to_string(),
            deleted_at: None,
            timeout_secs: None,
            tools: None,
        },
        env: Vec::new(),
        api_key_ref: None,
    };
    for (name, value) in input.env {
        set_plain_env(&mut row, &name, value)?;
    }
    for (name, value) in input.secret_env {
        if row.env.iter().any(|e| e.name == name) {
            return Err(Error::validation(
                "secret_env",
                format!("'{name}' is given both as a plain and a secret variable"),
            ));
        }
        let key = keys::env(&id, &name);
        set_secret_env(&mut row, &name, &value, key.clone())?;
        pending.push((key, value));
    }
    if let Some(key) = input.api_key {
        if auth_type != AuthType::ApiKey {
            return Err(Error::validation(
                "api_key",
                format!("an API key needs API-key authentication, not {auth_type}"),
            ));
        }
        let reference = keys::api_key(&id);
        set_api_key(&mut row, &key, reference.clone());
        pending.push((reference, key));
    }
    if let Some(template) = input.api_key_from_env {
        if auth_type != AuthType::ApiKey || row.api_key_ref.is_some() {
            return Err(Error::validation(
                "api_key_from_env",
                "a key from the environment needs API-key authentication, and no key of its own",
            ));
        }
        if !variables::has_reference(&template) {
            return Err(Error::validation(
                "api_key_from_env",
                format!("'{template}' names no variable; write it as ${{env:NAME}}"),
            ));
        }
        // Not a secret: the text names where the key is, so it is its own hint.
        row.server.api_key_redacted = Some(template.clone());
        row.api_key_ref = Some(template);
    }
    check_final(&mut row)?;
    Ok((row, pending))
}

/// The fresh keyring references a patch's secrets will be kept under, chosen once so that the
/// patch can be applied again (inside the write transaction) to the same effect.
pub(crate) fn patch_secrets(server_id: &str, patch: &ServerPatch) -> PendingSecrets {
    let api_key = patch
        .api_key
        .iter()
        .map(|v| (keys::api_key(server_id), v.clone()));
    let env = patch
        .set_secret_env
        .iter()
        .map(|(name, v)| (keys::env(server_id, name), v.clone()));
    api_key.chain(env).collect()
}

/// Applies `patch` to `current`, its secrets under the references of `secrets` (from
/// `patch_secrets`). References the new record no longer holds are the caller's to delete
/// once it is written.
pub(crate) fn patched_row(
    current: &ServerRow,
    patch: &ServerPatch,
    secrets: &PendingSecrets,
    now: &str,
) -> Result<ServerRow> {
    let mut row = current.clone();
    let mut refs = secrets.iter();
    let s = &mut row.server;
    if let Some(name) = &patch.name {
        s.name = validate::name("name", name)?;
    }
    if let Some(description) = &patch.description {
        s.description = validate::description(description)?;
    }
    if let Some(secs) = patch.timeout_secs {
        s.timeout_secs = crate::portals::checked_timeout(Some(secs).filter(|secs| *secs > 0))?;
    }
    if let Some(enabled) = patch.is_enabled {
        s.is_enabled = enabled;
    }
    if let Some(transport) = patch.transport {
        if transport.is_http() != s.transport.is_http() {
            // Moving between HTTP and stdio: the other kind's settings no longer apply.
            s.url = None;
            s.command = None;
            s.args.clear();
            s.cwd = None;
            s.inherit_env = false;
            row.env.clear();
            if !transport.is_http() {
                s.auth_type = AuthType::None;
            }
        }
        row.server.transport = transport;
    }
    let s = &mut row.server;
    if let Some(url) = &patch.url {
        s.url = Some(validate::http_url(url)?);
    }
    if let Some(command) = &patch.command {
        s.command = Some(command.clone());
    }
    if let Some(args) = &patch.args {
        s.args = args.clone();
    }
    if let Some(cwd) = &patch.cwd {
        s.cwd = Some(cwd.clone()).filter(|c| !c.trim().is_empty());
    }
    if let Some(inherit) = patch.inherit_env {
        s.inherit_env = inherit;
    }
    if let Some(in_browser) = patch.authorize_in_browser {
        s.authorize_in_browser = in_browser;
    }
    for name in &patch.unset_env {
        row.env.retain(|e| &e.name != name);
    }
    for (name, value) in &patch.set_env {
        set_plain_env(&mut row, name, value.clone())?;
    }
    if patch.api_key.is_some() {
        refs.next(); // the first reference is the API key's; see `patch_secrets`
    }
    for ((name, value), (key, _)) in patch.set_secret_env.iter().zip(refs) {
        set_secret_env(&mut row, name, value, key.clone())?;
    }
    let s = &mut row.server;
    match (patch.auth_type, &patch.api_key) {
        (Some(auth), _) => s.auth_type = auth,
        (None, Some(_)) if s.auth_type == AuthType::None => s.auth_type = AuthType::ApiKey,
        _ => {}
    }
    if let Some(header) = &patch.api_key_header {
        s.api_key_header = Some(validate::header_name(header)?);
    }
    if let Some(key) = &patch.api_key {
        if row.server.auth_type != AuthType::ApiKey {
            return Err(Error::validation(
                "api_key",
                format!(
                    "an API key needs API-key authentication, not {}",
                    row.server.auth_type
                ),
            ));
        }
        set_api_key(&mut row, key, secrets[0].0.clone());
    }
    row.server.updated_at = now.to_string();
    check_final(&mut row)?;
    Ok(row)
}

fn set_plain_env(row: &mut ServerRow, name: &str, value: String) -> Result<()> {
    let name = validate::env_name(name)?;
    row.env.retain(|e| e.name != name);
    row.env.push(EnvEntry {
        name,
        value: Some(value),
        secret_ref: None,
        hint: None,
    });
    Ok(())
}

fn set_secret_env(
    row: &mut ServerRow,
    name: &str,
    value: &Secret,
    reference: String,
) -> Result<()> {
    let name = validate::env_name(name)?;
    row.env.retain(|e| e.name != name);
    row.env.push(EnvEntry {
        name,
        value: None,
        secret_ref: Some(reference),
        hint: Some(value.hint()),
    });
    Ok(())
}

fn set_api_key(row: &mut ServerRow, value: &Secret, reference: String) {
    row.api_key_ref = Some(reference);
    row.server.api_key_redacted = Some(value.hint());
}

/// Checks the record as a whole, after defaults and patches, and drops what no longer applies.
fn check_final(row: &mut ServerRow) -> Result<()> {
    let s = &mut row.server;
    if s.transport.is_http() {
        if s.url.is_none() {
            return Err(Error::validation(
                "url",
                format!("a {} server needs a URL", s.transport),
            ));
        }
        if s.command.is_some()
            || !s.args.is_empty()
            || s.cwd.is_some()
            || !row.env.is_empty()
            || s.inherit_env
        {
            return Err(Error::validation(
                "command",
                "command, arguments, working directory and environment apply to stdio servers only",
            ));
        }
    } else {
        if s.command.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Err(Error::validation(
                "command",
                "a stdio server needs a command",
            ));
        }
        if s.url.is_some() {
            return Err(Error::validation(
                "url",
                "a stdio server has no URL; give a command instead",
            ));
        }
        if s.auth_type != AuthType::None {
            return Err(Error::validation(
                "auth_type",
                "stdio servers take their credentials as secret environment variables",
            ));
        }
    }
    row.env.sort_by(|a, b| a.name.cmp(&b.name));
    if s.auth_type == AuthType::ApiKey {
        if row.api_key_ref.is_none() {
            return Err(Error::validation(
                "api_key",
                "API-key authentication needs the key: give it",
            ));
        }
        s.api_key_header
            .get_or_insert_with(|| DEFAULT_API_KEY_HEADER.to_string());
    } else {
        if s.api_key_header.is_some() && row.api_key_ref.is_none() {
            return Err(Error::validation(
                "api_key_header",
                "an API key header applies to API-key authentication only",
            ));
        }
        row.api_key_ref = None;
        s.api_key_header = None;
        s.api_key_redacted = None;
    }
    Ok(())
}
