//! One server entry in a client's config, in neutral terms, and its translation to and from
//! each client's own keys. Values of `env` and `headers` may be secrets: an entry is never
//! serialized to the UI or CLI; `ClientServer` is its redacted view.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

use super::registry::ClientSpec;
use crate::servers::text_enum;

#[derive(Clone, PartialEq)]
pub(crate) enum ClientEntry {
    Stdio {
        command: String,
        args: Vec<String>,
        env: BTreeMap<String, String>,
        cwd: Option<String>,
    },
    Http {
        url: String,
        sse: bool,
        headers: BTreeMap<String, String>,
    },
}

impl std::fmt::Debug for ClientEntry {
    // Values of env and headers may be secrets: names only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientEntry::Stdio {
                command,
                args,
                env,
                cwd,
            } => f
                .debug_struct("Stdio")
                .field("command", command)
                .field("args", args)
                .field("env", &env.keys().collect::<Vec<_>>())
                .field("cwd", cwd)
                .finish(),
            ClientEntry::Http { url, sse, headers } => f
                .debug_struct("Http")
                .field("url", url)
                .field("sse", sse)
                .field("headers", &headers.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}

text_enum!(
    /// How a client reaches one of its servers; `unknown` for an entry Patchbay cannot read.
    ClientTransport, "transport" {
        Stdio = "stdio", StreamableHttp = "streamable_http", Sse = "sse", Unknown = "unknown",
    }
);

/// A server as a client has it, without the values of its env and headers.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ClientServer {
    pub name: String,
    pub transport: ClientTransport,
    pub url: Option<String>,
    pub command: Option<String>,
    pub args: Vec<String>,
    pub env_keys: Vec<String>,
    pub header_names: Vec<String>,
    /// Written by Patchbay (an installation), not the user's own.
    pub installed_by_patchbay: bool,
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// Codex's `env_vars`: names of the launching environment's variables to pass on, each a
/// string or `{name, source}` (codex-rs/config/src/mcp_types.rs, `McpServerEnvVar`).
fn passed_env(value: Option<&Value>) -> impl Iterator<Item = (String, String)> + '_ {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().or_else(|| v.get("name")?.as_str()))
        .map(|name| (name.to_owned(), format!("${{env:{name}}}")))
}

/// What a client's entry says; `None` when it is neither a command nor a URL. Values naming
/// environment variables stay as the client wrote them (the import reads them).
pub(crate) fn read(spec: &ClientSpec, value: &Value) -> Option<ClientEntry> {
    let obj = value.as_object()?;
    let cwd = obj.get("cwd").and_then(Value::as_str).map(str::to_owned);
    // Zed's older form: "command": {"path", "args", "env"}.
    if let Some(Value::Object(cmd)) = obj.get("command") {
        return Some(ClientEntry::Stdio {
            command: cmd.get("path")?.as_str()?.to_owned(),
            args: strings(cmd.get("args")),
            env: string_map(cmd.get("env")),
            cwd,
        });
    }
    if let Some(command) = obj.get("command").and_then(Value::as_str) {
        let mut env = string_map(obj.get("env"));
        env.extend(passed_env(obj.get("env_vars")));
        return Some(ClientEntry::Stdio {
            command: command.to_owned(),
            args: strings(obj.get("args")),
            env,
            cwd,
        });
    }
    let headers_key = spec.http.and_then(|h| h.headers_key).unwrap_or("headers");
    let mut headers = string_map(obj.get(headers_key).or_else(|| obj.get("headers")));
    // Codex: the bearer token and other headers from named variables
    // (codex-rs/config/src/mcp_types.rs: bearer_token_env_var, env_http_headers).
    if let Some(var) = obj.get("bearer_token_env_var").and_then(Value::as_str) {
        headers.insert("Authorization".into(), format!("Bearer ${{env:{var}}}"));
    }
    for (header, var) in string_map(obj.get("env_http_headers")) {
        headers.insert(header, format!("${{env:{var}}}"));
    }
    let declared_sse = obj.get("type").and_then(Value::as_str) == Some("sse")
        || obj.get("transport").and_then(Value::as_str) == Some("sse");
    let url_keys = spec.http.map(|h| h.url_key).into_iter();
    // Then keys other clients use, for a file edited by hand or shared between clients.
    url_keys
        .chain(["url", "serverUrl", "httpUrl"])
        .find_map(|k| obj.get(k).and_then(Value::as_str))
        .map(|url| ClientEntry::Http {
            url: url.to_owned(),
            sse: declared_sse,
            headers,
        })
}

/// Whether the user switched the entry off in the client: `"enabled": false` (Zed's
/// settings_content `ContextServerSettingsContent`, Codex's `enabled`) or `"disabled": true`
/// (Windsurf's and Cline's `mcp_config.json`).
pub(crate) fn switched_off(value: &Value) -> bool {
    value.get("enabled").and_then(Value::as_bool) == Some(false)
        || value.get("disabled").and_then(Value::as_bool) == Some(true)
}

/// The entry in this client's own keys. The caller makes sure an HTTP entry goes only to a
/// client that takes one.
pub(crate) fn write(spec: &ClientSpec, entry: &ClientEntry) -> Value {
    let mut obj = Map::new();
    match entry {
        ClientEntry::Stdio {
            command, args, env, ..
        } => {
            if let Some(t) = spec.stdio_type {
                obj.insert("type".into(), t.into());
            }
            obj.insert("command".into(), command.clone().into());
            obj.insert("args".into(), args.clone().into());
            if !env.is_empty() {
                obj.insert("env".into(), serde_json::to_value(env).unwrap_or_default());
            }
        }
        ClientEntry::Http { url, sse, headers } => {
            let http = spec
                .http
                .expect("an HTTP entry only for a client that takes one");
            if let Some(t) = http.type_value {
                obj.insert("type".into(), (if *sse { "sse" } else { t }).into());
            }
            obj.insert(http.url_key.into(), url.clone().into());
            if let (false, Some(k)) = (headers.is_empty(), http.headers_key) {
                obj.insert(k.into(), serde_json::to_value(headers).unwrap_or_default());
            }
        }
    }
    Value::Object(obj)
}

pub(crate) fn view(name: &str, entry: Option<&ClientEntry>, ours: bool) -> ClientServer {
    let mut out = ClientServer {
        name: name.to_owned(),
        transport: ClientTransport::Unknown,
        url: None,
        command: None,
        args: Vec::new(),
        env_keys: Vec::new(),
        header_names: Vec::new(),
        installed_by_patchbay: ours,
    };
    match entry {
        Some(ClientEntry::Stdio {
            command, args, env, ..
        }) => {
            out.transport = ClientTransport::Stdio;
            out.command = Some(command.clone());
            out.args = args.clone();
            out.env_keys = env.keys().cloned().collect();
        }
        Some(ClientEntry::Http { url, sse, headers }) => {
            out.transport = if *sse {
                ClientTransport::Sse
            } else {
                ClientTransport::StreamableHttp
            };
            out.url = Some(url.clone());
            out.header_names = headers.keys().cloned().collect();
        }
        None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::registry::find;
    use serde_json::json;

    #[test]
    fn every_client_reads_back_what_it_writes() {
        let stdio = ClientEntry::Stdio {
            command: "patchbay".into(),
            args: vec!["bridge".into(), "work".into()],
            env: BTreeMap::from([("TOKEN".into(), "s3cret".into())]),
            cwd: None,
        };
        let http = ClientEntry::Http {
            url: "http://127.0.0.1:47821/mcp/work".into(),
            sse: false,
            headers: BTreeMap::from([("Authorization".into(), "Bearer t".into())]),
        };
        for spec in crate::clients::registry::CLIENTS {
            assert_eq!(
                read(spec, &write(spec, &stdio)).as_ref(),
                Some(&stdio),
                "{}",
                spec.id
            );
            if spec.http.is_some_and(|h| h.headers_key.is_some()) {
                assert_eq!(
                    read(spec, &write(spec, &http)).as_ref(),
                    Some(&http),
                    "{}",
                    spec.id
                );
            }
        }
        let gemini = find("gemini-cli").unwrap();
        for (entry, sse) in [
            (json!({"url": "http://x/sse", "type": "sse"}), true),
            (json!({"url": "http://x/mcp", "type": "http"}), false),
            // A bare url is Streamable HTTP first in gemini-cli's createTransport.
            (json!({"url": "http://x/mcp"}), false),
            (json!({"httpUrl": "http://x/mcp"}), false),
        ] {
            assert!(
                matches!(read(gemini, &entry), Some(ClientEntry::Http { sse: s, .. }) if s == sse),
                "{entry}"
            );
        }
        assert!(format!("{stdio:?}").contains("TOKEN") && !format!("{stdio:?}").contains("s3cret"));
    }

    /// Patchbay's stdio entry in each client's documented shape (sources in shared
    /// CLIENTS.md): the keys each client reads for a stdio server, and no others.
    #[test]
    fn the_stdio_entry_has_each_clients_documented_keys() {
        let entry = ClientEntry::Stdio {
            command: "/usr/bin/patchbay".into(),
            args: vec!["bridge".into(), "0194-portal-id".into()],
            env: BTreeMap::new(),
            cwd: None,
        };
        let expected = [
            // modelcontextprotocol.io/quickstart/user: {"command","args","env"}.
            (
                "claude-desktop",
                json!({"command": "/usr/bin/patchbay", "args": ["bridge", "0194-portal-id"]}),
            ),
            // code.claude.com/docs/en/mcp: {"type":"stdio","command","args","env"}.
            (
                "claude-code",
                json!({"type": "stdio", "command": "/usr/bin/patchbay", "args": ["bridge", "0194-portal-id"]}),
            ),
            // cursor.com/docs/mcp: command, args, env.
            (
                "cursor",
                json!({"command": "/usr/bin/patchbay", "args": ["bridge", "0194-portal-id"]}),
            ),
            // vscode-docs mcp-configuration.md: "type":"stdio" is required.
            (
                "vscode",
                json!({"type": "stdio", "command": "/usr/bin/patchbay", "args": ["bridge", "0194-portal-id"]}),
            ),
            // docs.windsurf.com/windsurf/cascade/mcp: command, args, env.
            (
                "windsurf",
                json!({"command": "/usr/bin/patchbay", "args": ["bridge", "0194-portal-id"]}),
            ),
            // zed settings_content/src/project.rs: Stdio{command (a string), args, env}.
            (
                "zed",
                json!({"command": "/usr/bin/patchbay", "args": ["bridge", "0194-portal-id"]}),
            ),
            // gemini-cli docs/tools/mcp-server.md: command, args, env, cwd.
            (
                "gemini-cli",
                json!({"command": "/usr/bin/patchbay", "args": ["bridge", "0194-portal-id"]}),
            ),
            // codex-rs/config/src/mcp_types.rs: command, args, env (TOML keys alike).
            (
                "codex",
                json!({"command": "/usr/bin/patchbay", "args": ["bridge", "0194-portal-id"]}),
            ),
        ];
        for (client, want) in expected {
            assert_eq!(write(find(client).unwrap(), &entry), want, "{client}");
        }
    }
}
