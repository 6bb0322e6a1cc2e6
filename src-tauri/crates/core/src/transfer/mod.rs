//! A workspace's servers and portals as one JSON document with no secrets, and back: a setup
//! moves to another machine or into a repository this way. Secrets are named, never written;
//! on import they are given, or the servers that need them are marked `needs_auth` saying
//! which. Secure portals get new tokens (the old ones stay on the old machine).

use std::collections::BTreeMap;

use rusqlite::params;

use crate::servers::status_repo;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Patchbay;
use crate::error::{Error, Result};
use crate::portals::{MemberSetting, NewPortal, PortalPatch};
use crate::secret::Secret;
use crate::servers::{AuthType, NewServer, ServerPatch, Transport};
use crate::workspaces::Workspace;

mod aliases;
mod risks;
use aliases::names_are_valid;
pub use risks::{ImportRisk, ImportRiskKind};

/// The version of the document; an import refuses a newer one.
pub const EXPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkspaceExport {
    pub patchbay_export: u32,
    pub workspace: String,
    pub servers: Vec<ExportedServer>,
    pub portals: Vec<ExportedPortal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportedServer {
    pub name: String,
    pub description: String,
    pub transport: Transport,
    pub url: Option<String>,
    pub command: Option<String>,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
    /// Names of the secret variables; their values are not exported.
    pub secret_env: Vec<String>,
    pub cwd: Option<String>,
    /// Left out when false, so exports of servers that keep the default read as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub inherit_env: bool,
    pub auth_type: AuthType,
    pub api_key_header: Option<String>,
    pub is_enabled: bool,
    pub template_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub timeout_secs: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportedPortal {
    pub name: String,
    pub description: String,
    pub secure: bool,
    pub log_payloads: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub timeout_secs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub token_budget: Option<u32>,
    pub servers: Vec<ExportedMember>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportedMember {
    pub server: String,
    pub default_disabled: bool,
    /// The prefix the user set for its names (absent: the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prefix: Option<String>,
    /// Its own time bound in the portal, in seconds (absent: the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub timeout_secs: Option<u32>,
    /// Whether its resources are served (absent: they are).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    #[ts(as = "Option<bool>", optional)]
    pub resources_enabled: bool,
    /// How many of its calls run at once (absent: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max_concurrent: Option<u32>,
    /// Tools whose choice differs from the member's default, or that have an alias.
    pub tools: Vec<ExportedTool>,
    /// Prompts likewise (absent in exports older than prompt review).
    #[serde(default)]
    pub prompts: Vec<ExportedPrompt>,
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportedPrompt {
    pub prompt: String,
    pub enabled: bool,
    pub alias: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportedTool {
    pub tool: String,
    pub enabled: bool,
    pub alias: Option<String>,
}

/// Secrets given at import, by server name: the API key and secret variables.
#[derive(Debug, Default, Deserialize, TS)]
#[ts(export)]
pub struct ImportSecrets(pub BTreeMap<String, ServerSecrets>);

#[derive(Debug, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ServerSecrets {
    #[ts(as = "Option<String>", optional)]
    pub api_key: Option<Secret>,
    #[ts(as = "BTreeMap<String, String>")]
    pub env: BTreeMap<String, Secret>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct WorkspaceImportReport {
    pub workspace: Workspace,
    pub servers: Vec<String>,
    /// Servers created without some of their secrets: marked `needs_auth`.
    pub missing_secrets: Vec<MissingSecrets>,
    /// The new tokens of secure portals, shown only here.
    pub portal_tokens: BTreeMap<String, String>,
    /// What the user accepted by importing: commands it runs, open portals, payload logs.
    pub risks: Vec<ImportRisk>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MissingSecrets {
    pub server: String,
    /// `api_key`, or the names of secret variables.
    pub missing: Vec<String>,
}

impl Patchbay {
    pub fn export_workspace_to(
        &self,
        workspace: &str,
        dir: &std::path::Path,
    ) -> Result<std::path::PathBuf> {
        let doc = self.export_workspace(workspace)?;
        std::fs::create_dir_all(dir).map_err(Error::from)?;
        let stamp = crate::clock::now().replace([':', '.'], "-");
        let name = crate::portals::slug::slugify(&doc.workspace);
        let path = dir.join(format!("{name}-{stamp}.json"));
        let text =
            serde_json::to_string_pretty(&doc).map_err(|e| Error::internal(e.to_string()))?;
        std::fs::write(&path, text + "\n").map_err(Error::from)?;
        Ok(path)
    }

    pub fn export_workspace(&self, workspace: &str) -> Result<WorkspaceExport> {
        let ws = self.workspace(Some(workspace))?;
        let servers = self.all_servers(&ws.id)?;
        let names: BTreeMap<_, _> = servers
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect();
        let mut portals = Vec::new();
        for p in self.list_portals(&ws.id)? {
            let full = self.get_portal(&ws.id, &p.id)?;
            let members = full
                .servers
                .unwrap_or_default()
                .into_iter()
                .filter_map(|m| {
                    let server = names.get(&m.server_id)?.clone();
                    let tools = m
                        .tools
                        .into_iter()
                        .filter(|t| t.enabled == m.default_disabled || t.alias.is_some())
                        .map(|t| ExportedTool {
                            tool: t.name,
                            enabled: t.enabled,
                            alias: t.alias,
                        })
                        .collect();
                    let prompts = m
                        .prompts
                        .into_iter()
                        .filter(|p| p.enabled == m.default_disabled || p.alias.is_some())
                        .map(|p| ExportedPrompt {
                            prompt: p.name,
                            enabled: p.enabled,
                            alias: p.alias,
                        })
                        .collect();
                    Some(ExportedMember {
                        server,
                        default_disabled: m.default_disabled,
                        prefix: m.custom_prefix.then(|| m.prefix.clone()),
                        timeout_secs: m.timeout_secs,
                        resources_enabled: m.resources_enabled,
                        max_concurrent: m.max_concurrent,
                        tools,
                        prompts,
                    })
                })
                .collect();
            portals.push(ExportedPortal {
                name: p.name,
                description: p.description,
                secure: p.secure,
                log_payloads: p.log_payloads,
                timeout_secs: p.timeout_secs,
                token_budget: p.token_budget,
                servers: members,
            });
        }
        Ok(WorkspaceExport {
            patchbay_export: EXPORT_VERSION,
            workspace: ws.name,
            servers: servers
                .into_iter()
                .map(|s| ExportedServer {
                    name: s.name,
                    description: s.description,
                    transport: s.transport,
                    url: s.url,
                    command: s.command,
                    args: s.args,
                    env: s.env,
                    secret_env: s.secret_env.into_keys().collect(),
                    cwd: s.cwd,
                    inherit_env: s.inherit_env,
                    auth_type: s.auth_type,
                    api_key_header: s.api_key_header,
                    is_enabled: s.is_enabled,
                    template_id: s.template_id,
                    timeout_secs: s.timeout_secs,
                })
                .collect(),
            portals,
        })
    }

    /// Creates a workspace (named as exported, unless `name`) with the document's servers
    /// and portals. An export that runs commands or opens something up ([`WorkspaceExport::risks`])
    /// is imported only with `accept_risks`, after the user saw the list.
    pub fn import_workspace(
        &self,
        doc: &WorkspaceExport,
        name: Option<&str>,
        mut secrets: ImportSecrets,
        accept_risks: bool,
    ) -> Result<WorkspaceImportReport> {
        if doc.patchbay_export > EXPORT_VERSION {
            return Err(Error::validation(
                "file",
                format!(
                    "this export is version {} and this Patchbay reads up to {EXPORT_VERSION}; update Patchbay",
                    doc.patchbay_export
                ),
            ));
        }
        names_are_valid(doc)?;
        let risks = doc.risks();
        if !risks.is_empty() && !accept_risks {
            let list = risks
                .iter()
                .map(|r| r.message.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            return Err(Error::validation(
                "accept_risks",
                format!(
                    "nothing was imported: this export asks for what needs your consent ({list}); review it and confirm the import"
                ),
            ));
        }
        let ws = self.create_workspace(name.unwrap_or(&doc.workspace))?;
        let filled = self.fill_workspace(&ws, doc, &mut secrets, risks);
        if filled.is_err() {
            // Nothing half-imported stays behind: the workspace goes with what it got.
            let _ = self.delete_workspace(&ws.id, true);
        }
        filled
    }

    fn fill_workspace(
        &self,
        ws: &Workspace,
        doc: &WorkspaceExport,
        secrets: &mut ImportSecrets,
        risks: Vec<ImportRisk>,
    ) -> Result<WorkspaceImportReport> {
        let mut report = WorkspaceImportReport {
            workspace: ws.clone(),
            servers: Vec::new(),
            missing_secrets: Vec::new(),
            portal_tokens: BTreeMap::new(),
            risks,
        };
        for s in &doc.servers {
            let given = secrets.0.remove(&s.name).unwrap_or_default();
            let mut missing = Vec::new();
            let mut secret_env = BTreeMap::new();
            for key in &s.secret_env {
                match given.env.get(key) {
                    Some(v) => {
                        secret_env.insert(key.clone(), v.clone());
                    }
                    None => missing.push(key.clone()),
                }
            }
            let api_key = if s.auth_type == AuthType::ApiKey {
                given.api_key
            } else {
                None
            };
            if s.auth_type == AuthType::ApiKey && api_key.is_none() {
                missing.insert(0, "api_key".into());
            }
            let server = self.create_server(
                &ws.id,
                NewServer {
                    name: s.name.clone(),
                    description: Some(s.description.clone()),
                    transport: Some(s.transport),
                    url: s.url.clone(),
                    command: s.command.clone(),
                    args: s.args.clone(),
                    env: s.env.clone(),
                    secret_env,
                    cwd: s.cwd.clone(),
                    inherit_env: Some(s.inherit_env),
                    // An API-key server without its key is created without auth (creation
                    // needs the key), then marked below as wanting one.
                    auth_type: Some(if s.auth_type == AuthType::ApiKey && api_key.is_none() {
                        AuthType::None
                    } else {
                        s.auth_type
                    }),
                    api_key_header: s.api_key_header.clone().filter(|_| api_key.is_some()),
                    api_key,
                    api_key_from_env: None,
                    is_enabled: Some(s.is_enabled),
                    template_id: s.template_id.clone(),
                },
            )?;
            // Its tools are reviewed here: the first sync approves none of them.
            self.store()
                .write(|tx| status_repo::review_first_sync(tx, &server.id))?;
            if let Some(secs) = s.timeout_secs {
                let patch = ServerPatch {
                    timeout_secs: Some(secs),
                    ..ServerPatch::default()
                };
                self.update_server(&ws.id, &server.id, patch)?;
            }
            if !missing.is_empty() {
                let message = format!(
                    "imported without {}: enter {} in the server's settings",
                    missing.join(", "),
                    if missing.len() == 1 { "it" } else { "them" }
                );
                self.store().write(|tx| {
                    status_repo::mark_missing_credentials(
                        tx,
                        &server.id,
                        &message,
                        s.auth_type,
                        s.api_key_header.as_deref(),
                    )
                })?;
                report.missing_secrets.push(MissingSecrets {
                    server: server.name.clone(),
                    missing,
                });
            }
            report.servers.push(server.name);
        }
        for p in &doc.portals {
            let created = self.create_portal(
                &ws.id,
                NewPortal {
                    name: p.name.clone(),
                    description: Some(p.description.clone()),
                    secure: Some(p.secure),
                },
            )?;
            if let Some(token) = created.token.clone() {
                report.portal_tokens.insert(created.name.clone(), token);
            }
            if p.log_payloads || p.timeout_secs.is_some() || p.token_budget.is_some() {
                self.update_portal(
                    &ws.id,
                    &created.id,
                    PortalPatch {
                        log_payloads: Some(p.log_payloads),
                        timeout_secs: p.timeout_secs,
                        token_budget: p.token_budget,
                        ..PortalPatch::default()
                    },
                )?;
            }
            for m in &p.servers {
                let portal = self.add_portal_server(
                    &ws.id,
                    &created.id,
                    &m.server,
                    m.default_disabled,
                    m.prefix.as_deref(),
                )?;
                let server_id = portal
                    .servers
                    .unwrap_or_default()
                    .into_iter()
                    .find(|x| x.name == m.server)
                    .map(|x| x.server_id)
                    .ok_or_else(|| Error::internal("a member just added is not listed"))?;
                // The tools and prompts are not known before the first sync: the choices wait
                // for it.
                self.store().write(|tx| {
                    for t in &m.tools {
                        tx.execute(
                            "INSERT OR REPLACE INTO portal_tools (portal_id, server_id, tool, enabled, alias)
                             VALUES (?1, ?2, ?3, ?4, ?5)",
                            params![created.id, server_id, t.tool, t.enabled, t.alias.as_deref().map(str::trim)],
                        )?;
                    }
                    for p in &m.prompts {
                        tx.execute(
                            "INSERT OR REPLACE INTO portal_prompts (portal_id, server_id, prompt, enabled, alias)
                             VALUES (?1, ?2, ?3, ?4, ?5)",
                            params![created.id, server_id, p.prompt, p.enabled, p.alias.as_deref().map(str::trim)],
                        )?;
                    }
                    Ok(())
                })?;
                let settings = [
                    m.timeout_secs.map(|s| MemberSetting::Timeout(Some(s))),
                    (!m.resources_enabled).then_some(MemberSetting::Resources(false)),
                    m.max_concurrent
                        .map(|n| MemberSetting::MaxConcurrent(Some(n))),
                ];
                for setting in settings.into_iter().flatten() {
                    self.update_member(&ws.id, &created.id, &m.server, setting)?;
                }
            }
        }
        Ok(report)
    }
}
