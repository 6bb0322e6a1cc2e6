//! Which entry a portal or a server gets in a client, as of now. The default holds no secret:
//! `patchbay bridge <portal id>` (or `bridge --server <server id>`), which reaches the portal
//! or the server through the user's gateway and reads what it needs from the keyring. A URL
//! entry is written only when asked for; where it carries a token, its file is made private
//! and it never goes into a project file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::entry::ClientEntry;
use super::model::EntryMode;
use super::registry::ClientSpec;
use crate::Patchbay;
use crate::error::{Error, ErrorCode, Result};
use crate::live::Target;
use crate::servers::repo::{self as server_repo, Scope};

/// How a client reaches what is installed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum EntryTransport {
    /// Patchbay's stdio command through the gateway, for a portal or a server.
    #[default]
    Stdio,
    /// A URL: the portal's (its token where it is secure), or an HTTP server's own (with its
    /// API key).
    Http,
}

pub(crate) enum Resolved {
    Portal { id: String, slug: String },
    Server { id: String, name: String },
}

/// An entry to write, how the installation records it, and whether it holds a secret.
pub(crate) struct Planned {
    pub entry: ClientEntry,
    pub mode: EntryMode,
    pub secret: bool,
    /// A command the client runs for the entry's headers (Claude Code's `headersHelper`).
    pub headers_helper: Option<String>,
    /// An input the client prompts for and keeps itself (VS Code's `inputs`): its id, and the
    /// item to put in the client's inputs.
    pub input: Option<(String, serde_json::Value)>,
}

/// The id of a portal's token input in a client that prompts for it.
pub(crate) fn input_id(portal_id: &str) -> String {
    format!("patchbay-{portal_id}")
}

impl Planned {
    /// The entry in the client's own keys.
    pub fn value(&self, spec: &ClientSpec) -> serde_json::Value {
        let mut value = super::entry::write(spec, &self.entry);
        if let (Some(key), Some(command), Some(obj)) = (
            spec.headers_helper_key,
            &self.headers_helper,
            value.as_object_mut(),
        ) {
            obj.insert(key.into(), command.clone().into());
        }
        value
    }
}

/// A command line for a client that runs it through a shell, each word quoted.
fn shell_line(env: &[(String, String)], words: &[String]) -> String {
    let quote = |w: &str| {
        if cfg!(windows) {
            format!("\"{}\"", w.replace('"', "\\\""))
        } else {
            format!("'{}'", w.replace('\'', "'\\''"))
        }
    };
    let mut parts: Vec<String> = Vec::new();
    if !cfg!(windows) {
        parts.extend(env.iter().map(|(k, v)| format!("{k}={}", quote(v))));
    }
    parts.extend(words.iter().map(|w| quote(w)));
    parts.join(" ")
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn no_secret_in_project(project: bool, what: &str) -> Result<()> {
    if project {
        return Err(Error::validation(
            "project",
            format!(
                "{what} would go into a project file, which teams commit; install it for the user, or use Patchbay's stdio entry"
            ),
        ));
    }
    Ok(())
}

impl Patchbay {
    /// The arguments that find this Patchbay's records: the data dir (unless it is the
    /// default one) and the workspace, then `verb` and the portal.
    fn patchbay_args(&self, workspace_id: &str, verb: &[&str], portal_id: &str) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(dir) = self.store().path().and_then(Path::parent)
            && crate::paths::default_data_dir().as_deref() != Some(dir)
        {
            args.extend(["--data-dir".to_string(), display(dir)]);
        }
        args.extend(["--workspace".to_string(), workspace_id.to_string()]);
        args.extend(verb.iter().map(|v| v.to_string()));
        args.push(portal_id.to_string());
        args
    }

    /// The keyring service, when it is not the default one.
    fn keyring_env() -> BTreeMap<String, String> {
        std::env::var("PATCHBAY_KEYRING_SERVICE")
            .map(|service| BTreeMap::from([("PATCHBAY_KEYRING_SERVICE".to_string(), service)]))
            .unwrap_or_default()
    }

    /// Patchbay's stdio entry: `bridge <portal id>`, or `bridge --server <server id>`.
    fn bridge_entry(&self, workspace_id: &str, target: &Resolved, command: &Path) -> Planned {
        let (verb, id): (&[&str], &str) = match target {
            Resolved::Portal { id, .. } => (&["bridge"], id),
            Resolved::Server { id, .. } => (&["bridge", "--server"], id),
        };
        Planned {
            entry: ClientEntry::Stdio {
                command: display(command),
                args: self.patchbay_args(workspace_id, verb, id),
                env: Self::keyring_env(),
                cwd: None,
            },
            mode: EntryMode::Bridge,
            secret: false,
            headers_helper: None,
            input: None,
        }
    }

    /// What a client's entry for the target says now.
    pub(crate) fn plan_entry(
        &self,
        workspace_id: &str,
        target: &Resolved,
        spec: &ClientSpec,
        transport: EntryTransport,
        project: bool,
        bridge_command: &Path,
    ) -> Result<Planned> {
        let with_headers = spec.http.is_some_and(|h| h.headers_key.is_some());
        match target {
            _ if transport == EntryTransport::Stdio => {
                Ok(self.bridge_entry(workspace_id, target, bridge_command))
            }
            Resolved::Portal { id, .. } => {
                let row = self
                    .store()
                    .read(|c| crate::portals::repo::find(c, workspace_id, id))?;
                if spec.http.is_none() {
                    return Err(Error::validation(
                        "transport",
                        format!(
                            "{} runs only stdio servers; install with Patchbay's stdio entry",
                            spec.name
                        ),
                    ));
                }
                let mut planned = Planned {
                    entry: ClientEntry::Http {
                        url: row.portal.url.clone(),
                        sse: false,
                        headers: BTreeMap::new(),
                    },
                    mode: EntryMode::Http,
                    secret: false,
                    headers_helper: None,
                    input: None,
                };
                let Some(token) = self.portal_token(&row)? else {
                    return Ok(planned);
                };
                let mut headers = BTreeMap::new();
                if spec.headers_helper_key.is_some() {
                    // The client asks Patchbay for the header each time: no token in the file.
                    let mut words = vec![display(bridge_command)];
                    words.extend(self.patchbay_args(workspace_id, &["portal", "headers"], id));
                    let env: Vec<_> = Self::keyring_env().into_iter().collect();
                    planned.headers_helper = Some(shell_line(&env, &words));
                } else if spec.secret_inputs_key.is_some() {
                    // The client asks the user for the token once and keeps it in its own
                    // secret storage: the file names the input, not the token.
                    let input = input_id(id);
                    headers.insert("Authorization".into(), format!("Bearer ${{input:{input}}}"));
                    let item = serde_json::json!({
                        "type": "promptString",
                        "id": input,
                        "description": format!(
                            "The token of Patchbay portal '{}' (shown when it is created or its token rotated)",
                            row.portal.name
                        ),
                        "password": true,
                    });
                    planned.input = Some((input, item));
                } else {
                    no_secret_in_project(project, "a URL entry with the portal's token")?;
                    if !with_headers {
                        return Err(Error::validation(
                            "transport",
                            format!(
                                "{} cannot send the portal's token; install with Patchbay's stdio entry",
                                spec.name
                            ),
                        ));
                    }
                    headers.insert("Authorization".into(), format!("Bearer {}", token.expose()));
                    planned.secret = true;
                }
                planned.entry = ClientEntry::Http {
                    url: row.portal.url,
                    sse: false,
                    headers,
                };
                Ok(planned)
            }
            Resolved::Server { id, name } => {
                let row = self
                    .store()
                    .read(|c| server_repo::find(c, workspace_id, id, Scope::Live))?;
                if row.server.auth_type == crate::servers::AuthType::Oauth {
                    return Err(Error::validation(
                        "target",
                        format!(
                            "'{name}' signs in with OAuth, which a client cannot share with Patchbay; install it with Patchbay's stdio entry (the default)"
                        ),
                    ));
                }
                match Target::from_row(&row, |key| self.secrets().get(key))? {
                    Target::Http {
                        transport,
                        url,
                        header,
                        ..
                    } => {
                        if spec.http.is_none() || (header.is_some() && !with_headers) {
                            return Err(Error::validation(
                                "client",
                                format!(
                                    "{} cannot reach '{name}' over HTTP{}; install it with Patchbay's stdio entry (the default)",
                                    spec.name,
                                    if header.is_some() {
                                        " with its API key"
                                    } else {
                                        ""
                                    }
                                ),
                            ));
                        }
                        let sse = transport == crate::servers::Transport::Sse;
                        if sse && spec.http.is_some_and(|h| !h.speaks_sse) {
                            return Err(Error::validation(
                                "client",
                                format!(
                                    "{} does not speak legacy SSE, which '{name}' uses; install it with Patchbay's stdio entry (the default)",
                                    spec.name
                                ),
                            ));
                        }
                        if header.is_some() {
                            no_secret_in_project(project, &format!("'{name}''s API key"))?;
                        }
                        let headers: BTreeMap<String, String> = header
                            .map(|(k, v)| BTreeMap::from([(k, v.expose().to_string())]))
                            .unwrap_or_default();
                        Ok(Planned {
                            secret: !headers.is_empty(),
                            entry: ClientEntry::Http { url, sse, headers },
                            mode: EntryMode::Http,
                            headers_helper: None,
                            input: None,
                        })
                    }
                    Target::Stdio { .. } => Err(Error::validation(
                        "transport",
                        format!(
                            "'{name}' runs as a command and has no URL; install it with Patchbay's stdio entry (the default)"
                        ),
                    )),
                }
            }
        }
    }

    pub(crate) fn resolve_target(&self, workspace_id: &str, ident: &str) -> Result<Resolved> {
        let portal =
            self.store().read(
                |c| match crate::portals::repo::find(c, workspace_id, ident) {
                    Ok(row) => Ok(Some(row.portal)),
                    Err(e) if e.code == ErrorCode::NotFound => Ok(None),
                    Err(e) => Err(e),
                },
            )?;
        let server = match self.get_server(workspace_id, ident) {
            Ok(s) => Some(s),
            Err(e) if e.code == ErrorCode::NotFound => None,
            Err(e) => return Err(e),
        };
        match (portal, server) {
            (Some(p), Some(_)) => Err(Error::conflict(
                "target",
                format!(
                    "both a portal and a server are called '{ident}'; give the portal's id ({}) or the server's",
                    p.id
                ),
            )),
            (Some(p), None) => Ok(Resolved::Portal {
                id: p.id,
                slug: p.slug,
            }),
            (None, Some(s)) => Ok(Resolved::Server {
                id: s.id,
                name: s.name,
            }),
            (None, None) => Err(Error::not_found(format!(
                "no portal or server named '{ident}' in this workspace"
            ))),
        }
    }
}
