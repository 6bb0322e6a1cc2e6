//! Putting a portal or a server into a client's config, and taking it out again: only
//! Patchbay's own entry changes, the file is backed up first and replaced atomically, and each
//! installation is recorded with a hash of what was written, to see later hand edits.

use std::path::{Path, PathBuf};

use super::config_file::{self, Entries};
use super::dirs::Dirs;
use super::entry;
use super::model::{ClientInfo, Drift, EntryMode, Installation, TargetKind};
use super::plan::{EntryTransport, Resolved};
use super::records::{self, Record};
use super::registry::{self, CLIENTS, ClientSpec};
use crate::Patchbay;
use crate::error::{Error, Result};
use crate::portals::slug::slugify;

/// Where an install goes, and how the bridge is started when one is needed.
pub struct InstallPlace<'a> {
    pub client: &'a str,
    /// A project folder, for the client's project-level file.
    pub project: Option<&'a Path>,
    pub dirs: &'a Dirs,
    /// With `project`: the project's private entry in the user's file, where the client has
    /// one (Claude Code's local scope), instead of the shared project file.
    pub private: bool,
    /// The `patchbay` executable a bridge entry runs.
    pub bridge_command: &'a Path,
    pub transport: EntryTransport,
}

/// One entry to (re)write: what, where, and how.
pub(crate) struct Writing<'a> {
    pub spec: &'static ClientSpec,
    pub target: &'a Resolved,
    pub path: PathBuf,
    pub project: Option<&'a Path>,
    pub transport: EntryTransport,
    pub bridge_command: &'a Path,
}

pub(crate) fn spec(client: &str) -> Result<&'static ClientSpec> {
    registry::find(client).ok_or_else(|| {
        let ids: Vec<_> = CLIENTS.iter().map(|c| c.id).collect();
        Error::validation(
            "client",
            format!("no client '{client}'; Patchbay knows {}", ids.join(", ")),
        )
    })
}

/// The config file of a client: its project file under `project`, else the user's; with
/// `private`, the user's file, which keeps the project's private entries.
pub(crate) fn config_path(
    spec: &ClientSpec,
    dirs: &Dirs,
    project: Option<&Path>,
    private: bool,
) -> Result<PathBuf> {
    match project {
        Some(_) if private => {
            if spec.local_scope.is_none() {
                return Err(Error::validation(
                    "private",
                    format!(
                        "{} has no private project entries; install the project's shared entry instead",
                        spec.name
                    ),
                ));
            }
            Ok(dirs.resolve(spec.user_file))
        }
        Some(dir) => {
            let rel = spec.project_file.ok_or_else(|| {
                Error::validation(
                    "project",
                    format!(
                        "{} has no project-level config; install it for the user instead",
                        spec.name
                    ),
                )
            })?;
            let dir = std::path::absolute(dir).map_err(Error::from)?;
            Ok(dir.join(rel))
        }
        None if private => Err(Error::validation(
            "private",
            "a private entry belongs to a project: name the project too",
        )),
        None => Ok(dirs.resolve(spec.user_file)),
    }
}

/// The keys to the object of servers in `file`: the client's own, or, for a project's
/// private entries (the user file with a project), `<local_scope>.<abs dir>.<servers_path>`.
pub(crate) fn servers_path(spec: &ClientSpec, file: &Path, project: Option<&Path>) -> Vec<String> {
    let user_file = Path::new(spec.user_file.1).file_name();
    match (spec.local_scope, project) {
        (Some(key), Some(dir)) if file.file_name() == user_file => {
            let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
            [key.to_string(), display(&dir)]
                .into_iter()
                .chain(spec.servers_path.iter().map(|k| k.to_string()))
                .collect()
        }
        _ => spec.servers_path.iter().map(|k| k.to_string()).collect(),
    }
}

/// `servers_path` as the entry functions take it.
pub(crate) fn keys(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl Patchbay {
    pub fn list_clients(&self, dirs: &Dirs) -> Vec<ClientInfo> {
        CLIENTS
            .iter()
            .map(|spec| {
                let path = dirs.resolve(spec.user_file);
                let config_exists = path.is_file();
                ClientInfo {
                    id: spec.id.into(),
                    name: spec.name.into(),
                    present: config_exists
                        || spec.markers.iter().any(|m| dirs.resolve(*m).is_dir()),
                    config_path: display(&path),
                    config_exists,
                    project_file: spec.project_file.map(Into::into),
                    http_with_headers: spec.http.is_some_and(|h| h.headers_key.is_some()),
                }
            })
            .collect()
    }

    /// Puts a portal or a server (by id or name) into a client; installing it again rewrites
    /// the entry.
    pub fn install(
        &self,
        workspace_id: &str,
        target: &str,
        place: &InstallPlace,
    ) -> Result<Installation> {
        let spec = spec(place.client)?;
        let resolved = self.resolve_target(workspace_id, target)?;
        let path = config_path(spec, place.dirs, place.project, place.private)?;
        self.write_installation(
            workspace_id,
            Writing {
                spec,
                target: &resolved,
                path,
                project: place.project,
                transport: place.transport,
                bridge_command: place.bridge_command,
            },
        )
    }

    /// Writes the entry (after a backup, atomically) and records the installation.
    pub(crate) fn write_installation(
        &self,
        workspace_id: &str,
        w: Writing,
    ) -> Result<Installation> {
        let spec = w.spec;
        let file = display(&w.path);
        let servers_at = servers_path(spec, &w.path, w.project);
        // A project's private entries are in the user's own file, not the shared one.
        let shared_file = w.project.is_some() && servers_at.len() == spec.servers_path.len();
        let planned = self.plan_entry(
            workspace_id,
            w.target,
            spec,
            w.transport,
            shared_file,
            w.bridge_command,
        )?;
        if let (Resolved::Server { id, .. }, EntryMode::Bridge) = (w.target, planned.mode) {
            // The gateway knows the token before the client's first request.
            self.server_gateway_token(id)?;
        }
        let (kind, target_id, entry_name) = match w.target {
            Resolved::Portal { id, slug } => {
                (TargetKind::Portal, id.clone(), format!("patchbay-{slug}"))
            }
            Resolved::Server { id, name } => (
                TargetKind::Server,
                id.clone(),
                format!("patchbay-{}", slugify(name)),
            ),
        };
        let entries = Entries {
            format: spec.format,
        };
        let servers_at = keys(&servers_at);
        // A target already installed in this file keeps its entry name (a renamed portal's
        // entry is rewritten in place, not duplicated).
        let previous = self.store().read(|c| {
            Ok(match records::find_target(c, &file, &target_id)? {
                Some(r) => Some(r),
                None => records::find(c, &file, &entry_name)?,
            })
        })?;
        let entry_name = previous
            .as_ref()
            .map_or(entry_name, |p| p.installation.entry_name.clone());
        let value = planned.value(spec);
        let existing = config_file::read(&w.path)?;
        let text = existing.clone().unwrap_or_default();
        let created_container = match &previous {
            Some(p) => p.created_container,
            None => !entries.has_container(&text, &servers_at, &file)?,
        };
        let created_file = previous
            .as_ref()
            .map_or(existing.is_none(), |p| p.created_file);
        let mut updated = entries.upsert(&text, &servers_at, &entry_name, &value, &file)?;
        let mut created_inputs = previous.as_ref().is_some_and(|p| p.created_inputs);
        if let (Some((id, item)), Some(key)) = (&planned.input, spec.secret_inputs_key) {
            created_inputs |= !entries.has_member(&text, key, &file)?;
            updated = entries.upsert_input(&updated, key, id, item, &file)?;
        }
        let backup = existing.as_ref().map(|_| self.backup_path(spec, &w.path));
        config_file::replace(
            &w.path,
            &updated,
            config_file::ReplaceOptions {
                backup: backup.as_deref(),
                secret: planned.secret,
            },
        )?;
        let record = Record {
            installation: Installation {
                id: previous.as_ref().map_or_else(
                    || uuid::Uuid::now_v7().to_string(),
                    |p| p.installation.id.clone(),
                ),
                workspace_id: workspace_id.into(),
                client_id: spec.id.into(),
                file: file.clone(),
                project_dir: w
                    .project
                    .map(|p| display(&std::path::absolute(p).unwrap_or(p.to_path_buf()))),
                private: w.project.is_some() && !shared_file,
                entry_name: entry_name.clone(),
                target_kind: kind,
                target_id,
                target_name: None,
                mode: planned.mode,
                backup: backup.as_deref().map(display),
                installed_at: crate::clock::now(),
                drift: Drift::InSync,
            },
            entry_hash: crate::live::content_hash(&value),
            created_container,
            created_file,
            created_inputs,
        };
        self.store().write(|tx| records::insert(tx, &record))?;
        let mut out = self
            .store()
            .read(|c| records::find(c, &file, &entry_name))?
            .unwrap_or(record);
        out.installation.drift = self.drift(&out);
        Ok(out.installation)
    }

    /// Takes Patchbay's entry for a portal or server out of a client; the file is otherwise
    /// as it was (a file or container the install created goes too when nothing else is in it).
    pub fn uninstall(
        &self,
        workspace_id: &str,
        target: &str,
        place: &InstallPlace,
    ) -> Result<Installation> {
        let spec = spec(place.client)?;
        let path = config_path(spec, place.dirs, place.project, place.private)?;
        let file = display(&path);
        let project_dir = place
            .project
            .map(|p| display(&std::path::absolute(p).unwrap_or(p.to_path_buf())));
        let records = self.store().read(|c| records::list(c, workspace_id))?;
        let resolved = self.resolve_target(workspace_id, target).ok();
        let record = records
            .into_iter()
            .find(|r| {
                r.installation.file == file
                    // One user file holds the user's entries and each project's private ones.
                    && r.installation.project_dir == project_dir
                    && match &resolved {
                        Some(Resolved::Portal { id, .. } | Resolved::Server { id, .. }) => {
                            r.installation.target_id == *id
                        }
                        None => {
                            r.installation.target_name.as_deref() == Some(target)
                                || r.installation.entry_name == target
                        }
                    }
            })
            .ok_or_else(|| {
                Error::not_found(format!(
                    "'{target}' is not installed in {} ({file})",
                    spec.name
                ))
            })?;
        let entries = Entries {
            format: spec.format,
        };
        if let Some(text) = config_file::read(&path)? {
            let servers_at = servers_path(
                spec,
                &path,
                record.installation.project_dir.as_deref().map(Path::new),
            );
            // Undone in the reverse order of the install (entry, then input), so that each cut
            // sees the text its insertion made and restores the file exactly.
            let without_input = match spec.secret_inputs_key {
                Some(key) => {
                    let id = super::plan::input_id(&record.installation.target_id);
                    entries.remove_input(&text, key, &id, record.created_inputs, &file)?
                }
                None => text.clone(),
            };
            let removed = entries.remove(
                &without_input,
                &keys(&servers_at),
                &record.installation.entry_name,
                record.created_container,
                &file,
            )?;
            if let Some(updated) = removed {
                if record.created_file && entries.holds_nothing(&updated, spec.secret_inputs_key) {
                    std::fs::remove_file(&path).map_err(Error::from)?;
                } else {
                    let backup = self.backup_path(spec, &path);
                    let how = config_file::ReplaceOptions {
                        backup: Some(&backup),
                        secret: false,
                    };
                    config_file::replace(&path, &updated, how)?;
                }
            }
        }
        self.store()
            .write(|tx| records::delete(tx, &record.installation.id))?;
        let mut out = record.installation;
        out.drift = Drift::Missing;
        Ok(out)
    }

    /// The installations of a workspace, each with its drift now.
    pub fn list_installations(&self, workspace_id: &str) -> Result<Vec<Installation>> {
        let records = self.store().read(|c| records::list(c, workspace_id))?;
        Ok(records
            .into_iter()
            .map(|r| {
                let drift = self.drift(&r);
                Installation {
                    drift,
                    ..r.installation
                }
            })
            .collect())
    }

    /// The servers a client has, marking those Patchbay installed.
    pub fn client_servers(
        &self,
        client: &str,
        dirs: &Dirs,
        project: Option<&Path>,
        private: bool,
    ) -> Result<Vec<entry::ClientServer>> {
        let spec = spec(client)?;
        let path = config_path(spec, dirs, project, private)?;
        let servers_at = servers_path(spec, &path, project.filter(|_| private));
        let file = display(&path);
        let Some(text) = config_file::read(&path)? else {
            return Ok(Vec::new());
        };
        let ours = self.store().read(|c| records::ours(c, &file))?;
        let entries = Entries {
            format: spec.format,
        }
        .list(&text, &keys(&servers_at), &file)?;
        Ok(entries
            .iter()
            .map(|(name, value)| {
                entry::view(name, entry::read(spec, value).as_ref(), ours.contains(name))
            })
            .collect())
    }

    fn backup_path(&self, spec: &ClientSpec, path: &Path) -> PathBuf {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stamp = crate::clock::now().replace([':', '.'], "-");
        let dir = match self.store().path().and_then(Path::parent) {
            Some(data) => data.join("backups").join(spec.id),
            None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        dir.join(format!("{stamp}-{name}"))
    }
}
