//! Where and how to reach a server, with its secret values in hand: built from a saved server
//! (values from the keyring) or from the add dialog's unsaved input (values as typed).

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::servers::repo::ServerRow;
use crate::servers::variables;
use crate::servers::{AuthType, Transport};

#[derive(Debug)]
pub(crate) enum Target {
    Http {
        transport: Transport,
        url: String,
        /// The API key header, when the server uses one.
        header: Option<(String, Secret)>,
        /// Set for an OAuth server by the caller, which knows where its tokens are.
        oauth: Option<crate::oauth::OAuthAccess>,
    },
    Stdio {
        command: String,
        args: Vec<String>,
        env: Vec<(String, Secret)>,
        /// Everything of this process's environment, not only the allow-listed part.
        inherit_env: bool,
        cwd: Option<PathBuf>,
    },
}

impl Target {
    /// Resolves the row's keyring references through `secret`; a reference with no value
    /// means the keyring lost it, which the user fixes by entering the value again.
    pub fn from_row(
        row: &ServerRow,
        mut secret: impl FnMut(&str) -> Result<Option<Secret>>,
    ) -> Result<Target> {
        let s = &row.server;
        let mut lookup = |key: &str, what: &str| -> Result<Secret> {
            secret(key)?.ok_or_else(|| {
                Error::keyring_unavailable(format!(
                    "the keyring has no value for the {what} of '{}'; enter it again in the server's settings",
                    s.name
                ))
            })
        };
        // `${env:NAME}` in a value is read from this process's environment now.
        let from_env = |text: &str, what: &str| -> Result<String> {
            variables::expand(text, |name| std::env::var(name).ok()).map_err(|e| {
                e.with_context(format!(
                    "'{}' takes its {what} from the environment",
                    s.name
                ))
            })
        };
        if s.transport.is_http() {
            let url = s.url.clone().ok_or_else(|| {
                Error::validation("url", format!("'{}' has no URL; add one", s.name))
            })?;
            let header = match (&s.api_key_header, &row.api_key_ref) {
                (Some(name), Some(template))
                    if s.auth_type == AuthType::ApiKey && variables::has_reference(template) =>
                {
                    Some((name.clone(), Secret::new(from_env(template, "API key")?)))
                }
                (Some(name), Some(key)) if s.auth_type == AuthType::ApiKey => {
                    Some((name.clone(), lookup(key, "API key")?))
                }
                _ => None,
            };
            return Ok(Target::Http {
                transport: s.transport,
                url,
                header,
                oauth: None,
            });
        }
        let command = s.command.clone().ok_or_else(|| {
            Error::validation("command", format!("'{}' has no command; add one", s.name))
        })?;
        let mut env = Vec::with_capacity(row.env.len());
        for entry in &row.env {
            let value = match (&entry.secret_ref, &entry.value) {
                (Some(key), _) => lookup(key, &format!("variable {}", entry.name))?,
                (None, value) => {
                    let value = value.clone().unwrap_or_default();
                    Secret::new(from_env(&value, &format!("variable {}", entry.name))?)
                }
            };
            env.push((entry.name.clone(), value));
        }
        let args = s
            .args
            .iter()
            .map(|a| from_env(a, "arguments"))
            .collect::<Result<Vec<_>>>()?;
        Ok(Target::Stdio {
            command,
            args,
            env,
            inherit_env: s.inherit_env,
            cwd: s.cwd.as_ref().map(PathBuf::from),
        })
    }

    /// What the messages call it: the URL or the command line.
    pub fn describe(&self) -> String {
        match self {
            Target::Http { url, .. } => url.clone(),
            Target::Stdio { command, args, .. } => std::iter::once(command.as_str())
                .chain(args.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}
