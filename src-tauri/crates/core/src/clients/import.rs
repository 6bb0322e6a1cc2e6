//! Bringing a client's servers under management: each chosen entry becomes a Patchbay
//! server. Header and env values go to the keyring (a config file does not say which of them
//! are secret, so all are treated as secret); an entry Patchbay wrote, or one whose server is
//! already there, is skipped; a name already taken by another server gets a suffix.

use std::path::Path;

use super::config_file::{self, Entries};
use super::dirs::Dirs;
use super::entry::{self, ClientEntry};
use super::install::{config_path, spec};
use super::model::{ImportReport, SkippedEntry};
use super::records;
use crate::Patchbay;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use crate::servers::{AuthType, NewServer, Server, Transport};

/// Which entries to import: all, or these names.
pub enum Pick<'a> {
    All,
    Named(&'a [String]),
}

fn same_target(server: &Server, entry: &ClientEntry) -> bool {
    match entry {
        ClientEntry::Http { url, .. } => server.url.as_deref() == Some(url.as_str()),
        ClientEntry::Stdio { command, args, .. } => {
            server.command.as_deref() == Some(command.as_str()) && server.args == *args
        }
    }
}

fn new_server(name: String, entry: ClientEntry, skipped: &mut Vec<SkippedEntry>) -> NewServer {
    let mut input = NewServer {
        name,
        ..NewServer::default()
    };
    match entry {
        ClientEntry::Stdio { command, args, env } => {
            input.transport = Some(Transport::Stdio);
            input.command = Some(command);
            input.args = args;
            input.secret_env = env.into_iter().map(|(k, v)| (k, Secret::new(v))).collect();
        }
        ClientEntry::Http { url, sse, headers } => {
            input.transport = Some(if sse {
                Transport::Sse
            } else {
                Transport::StreamableHttp
            });
            input.url = Some(url);
            let mut headers = headers.into_iter();
            if let Some((header, value)) = headers.next() {
                input.auth_type = Some(AuthType::ApiKey);
                input.api_key_header = Some(header);
                input.api_key = Some(Secret::new(value));
            }
            let rest: Vec<_> = headers.map(|(h, _)| h).collect();
            if !rest.is_empty() {
                // A server keeps one secret header; say which were left behind.
                skipped.push(SkippedEntry {
                    name: input.name.clone(),
                    reason: format!(
                        "imported with its first header only; not kept: {}",
                        rest.join(", ")
                    ),
                });
            }
        }
    }
    input
}

impl Patchbay {
    pub fn import_client_servers(
        &self,
        workspace_id: &str,
        client: &str,
        dirs: &Dirs,
        project: Option<&Path>,
        pick: Pick,
    ) -> Result<ImportReport> {
        let spec = spec(client)?;
        let path = config_path(spec, dirs, project)?;
        let file = path.to_string_lossy().into_owned();
        let text = config_file::read(&path)?
            .ok_or_else(|| Error::not_found(format!("{} has no config at {file}", spec.name)))?;
        let listed = Entries {
            format: spec.format,
        }
        .list(&text, spec.servers_path, &file)?;
        if let Pick::Named(names) = pick
            && let Some(missing) = names.iter().find(|n| !listed.iter().any(|(l, _)| l == *n))
        {
            return Err(Error::not_found(format!(
                "{} has no server named '{missing}' in {file}",
                spec.name
            )));
        }
        let ours = self.store().read(|c| records::ours(c, &file))?;
        let existing = self.all_servers(workspace_id)?;
        let mut report = ImportReport {
            imported: Vec::new(),
            skipped: Vec::new(),
        };
        for (name, value) in listed {
            if let Pick::Named(names) = pick
                && !names.contains(&name)
            {
                continue;
            }
            let skip = |reason: String| SkippedEntry {
                name: name.clone(),
                reason,
            };
            if ours.contains(&name) {
                report
                    .skipped
                    .push(skip("written by Patchbay (an installation)".into()));
                continue;
            }
            let Some(entry) = entry::read(spec, &value) else {
                report
                    .skipped
                    .push(skip("neither a command nor a URL Patchbay can read".into()));
                continue;
            };
            if let Some(same) = existing.iter().find(|s| same_target(s, &entry)) {
                report
                    .skipped
                    .push(skip(format!("already here as '{}'", same.name)));
                continue;
            }
            let mut attempt = name.clone();
            let mut n = 2;
            loop {
                match self.create_server(
                    workspace_id,
                    new_server(attempt.clone(), entry.clone(), &mut report.skipped),
                ) {
                    Ok(server) => {
                        report.imported.push(server.name);
                        break;
                    }
                    Err(e) if e.code == ErrorCode::Conflict && n < 100 => {
                        attempt = format!("{name}-{n}");
                        n += 1;
                    }
                    Err(e) => {
                        report.skipped.push(skip(e.message));
                        break;
                    }
                }
            }
        }
        Ok(report)
    }
}
