use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use patchbay_core::servers::{
    AuthType, NewServer, ServerPatch, ServerQuery, ServerSort, ServerStatus, Transport,
};
use patchbay_core::{Error, Patchbay, Result, Secret};

use crate::args::{
    AuthArg, CreateServer, ServerCommand, ServerFields, SortArg, StatusArg, TransportArg,
    UpdateServer,
};
use crate::output::Output;

pub fn run(core: &Patchbay, workspace_id: &str, cmd: ServerCommand, out: Output) -> Result<()> {
    match cmd {
        ServerCommand::Create(args) => {
            out.server(&core.create_server(workspace_id, new_server(args)?)?)
        }
        ServerCommand::List(args) => {
            let query = ServerQuery {
                deleted: args.deleted,
                search: args.search,
                status: args.status.map(status),
                enabled: args.enabled,
                sort: args.sort.map(sort),
                desc: args.desc,
                limit: args.limit,
                cursor: args.cursor,
                include_tools: args.include.is_some(),
            };
            out.server_page(&core.list_servers(workspace_id, &query)?)
        }
        ServerCommand::Get { server, include } => out.server(&match include {
            Some(_) => core.get_server_with_tools(workspace_id, &server)?,
            None => core.get_server(workspace_id, &server)?,
        }),
        ServerCommand::Update(args) => {
            let server = args.server.clone();
            out.server(&core.update_server(workspace_id, &server, server_patch(args)?)?)
        }
        ServerCommand::Delete { server } => out.server(&core.delete_server(workspace_id, &server)?),
        ServerCommand::Restore { server } => {
            out.server(&core.restore_server(workspace_id, &server)?)
        }
        ServerCommand::Purge { .. }
        | ServerCommand::Test(_)
        | ServerCommand::Sync(_)
        | ServerCommand::Authorize(_)
        | ServerCommand::Logout { .. } => {
            return Err(Error::internal(
                "live commands and purge are routed in commands::run",
            ));
        }
    }
    Ok(())
}

/// The parsed flags both `create` and `update` take.
struct Fields {
    env: BTreeMap<String, String>,
    secret_env: BTreeMap<String, Secret>,
    api_key: Option<Secret>,
    cwd: Option<String>,
}

fn fields(f: &ServerFields) -> Result<Fields> {
    let mut secret_env: BTreeMap<String, Secret> = pairs("secret_env", &f.secret_env)?
        .into_iter()
        .map(|(k, v)| (k, Secret::new(v)))
        .collect();
    if let Some(name) = &f.secret_env_stdin {
        let value = read_secret("secret_env", &format!("the value of {name}"))?;
        secret_env.insert(name.clone(), value);
    }
    Ok(Fields {
        env: pairs("env", &f.env)?,
        secret_env,
        api_key: f.api_key_stdin.then(read_api_key).transpose()?,
        cwd: f.cwd.clone().map(path_text),
    })
}

pub(super) fn new_server(args: CreateServer) -> Result<NewServer> {
    let enabled = args.enabled;
    Ok(NewServer {
        is_enabled: enabled,
        ..new_server_from(args.name, args.fields)?
    })
}

pub(super) fn new_server_from(name: String, f: ServerFields) -> Result<NewServer> {
    let parsed = fields(&f)?;
    Ok(NewServer {
        name,
        description: f.description,
        transport: f.transport.map(transport),
        url: f.url,
        command: f.command,
        args: f.args,
        env: parsed.env,
        secret_env: parsed.secret_env,
        cwd: parsed.cwd,
        inherit_env: f.inherit_env,
        auth_type: f.auth.map(auth),
        api_key_header: f.api_key_header,
        api_key: parsed.api_key,
        api_key_from_env: None,
        is_enabled: None,
        template_id: None,
    })
}

fn server_patch(args: UpdateServer) -> Result<ServerPatch> {
    let parsed = fields(&args.fields)?;
    let f = args.fields;
    Ok(ServerPatch {
        name: args.name,
        description: f.description,
        transport: f.transport.map(transport),
        url: f.url,
        command: f.command,
        args: if args.clear_args {
            Some(Vec::new())
        } else {
            Some(f.args).filter(|a| !a.is_empty())
        },
        set_env: parsed.env,
        set_secret_env: parsed.secret_env,
        unset_env: args.unset_env,
        cwd: parsed.cwd,
        inherit_env: f.inherit_env,
        auth_type: f.auth.map(auth),
        // The CLI's browser step is always the system browser.
        authorize_in_browser: None,
        api_key_header: f.api_key_header,
        api_key: parsed.api_key,
        is_enabled: args.enabled,
        timeout_secs: args.request_timeout,
    })
}

fn transport(arg: TransportArg) -> Transport {
    match arg {
        TransportArg::StreamableHttp => Transport::StreamableHttp,
        TransportArg::Sse => Transport::Sse,
        TransportArg::Stdio => Transport::Stdio,
    }
}

fn status(arg: StatusArg) -> ServerStatus {
    match arg {
        StatusArg::Pending => ServerStatus::Pending,
        StatusArg::Active => ServerStatus::Active,
        StatusArg::Error => ServerStatus::Error,
        StatusArg::NeedsAuth => ServerStatus::NeedsAuth,
    }
}

fn sort(arg: SortArg) -> ServerSort {
    match arg {
        SortArg::Created => ServerSort::Created,
        SortArg::Name => ServerSort::Name,
        SortArg::Updated => ServerSort::Updated,
    }
}

fn auth(arg: AuthArg) -> AuthType {
    match arg {
        AuthArg::None => AuthType::None,
        AuthArg::ApiKey => AuthType::ApiKey,
        AuthArg::Oauth => AuthType::Oauth,
    }
}

fn path_text(path: PathBuf) -> String {
    path.to_string_lossy().into_owned()
}

fn pairs(field: &str, items: &[String]) -> Result<BTreeMap<String, String>> {
    items
        .iter()
        .map(|item| {
            item.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| match field {
                    // The text may be a secret typed in the wrong place: never echo it.
                    "secret_env" => {
                        Error::validation(field, "a --secret-env value is not of the form K=V")
                    }
                    _ => Error::validation(field, format!("'{item}' is not of the form K=V")),
                })
        })
        .collect()
}

/// The key comes on stdin so it never shows in the process list or the shell history.
pub(super) fn read_api_key() -> Result<Secret> {
    read_secret("api_key", "the API key")
}

/// A secret from standard input: never on the command line, in the process list or history.
pub(super) fn read_secret(field: &str, what: &str) -> Result<Secret> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Paste {what}, then press Enter and Ctrl-D:");
    }
    let mut text = String::new();
    stdin.read_to_string(&mut text).map_err(|e| {
        Error::validation(
            field,
            format!("cannot read {what} from standard input: {e}"),
        )
    })?;
    let value = text.trim_end_matches(['\r', '\n']).to_string();
    if value.trim().is_empty() {
        return Err(Error::validation(
            field,
            format!("standard input held no {what}"),
        ));
    }
    Ok(Secret::new(value))
}
