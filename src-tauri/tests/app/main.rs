//! The command layer, through Tauri's IPC on its mock runtime: every command the UI invokes is
//! registered, takes the argument names the UI sends, and fails with `{code, message, field?}`.
//! The store is a real SQLite file; secrets go to the in-memory store (the keyring is tested
//! in the core's own tests).

use std::sync::Arc;

use patchbay_app::state::AppState;
use patchbay_core::Patchbay;
use patchbay_core::secrets::MemorySecretStore;
use patchbay_core::store::Store;
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

struct App {
    window: WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("patchbay.db")).unwrap();
    let core = Patchbay::new(store, Arc::new(MemorySecretStore::default())).unwrap();
    let state = AppState::new(core, dir.path(), &dir.path().join("logs/patchbay.log")).unwrap();
    let app = patchbay_app::with_commands(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    app.manage(state);
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    App {
        window,
        _app: app,
        _dir: dir,
    }
}

impl App {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            // The origin of the app's own pages on Linux and macOS: a local one.
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window, request).map(|body| body.deserialize::<Value>().unwrap())
    }

    fn default_workspace(&self) -> String {
        let list = self.invoke("list_workspaces", json!({})).unwrap();
        list[0]["id"].as_str().unwrap().to_string()
    }
}

/// The command names the UI's Tauri backend invokes, read from its source.
fn commands_the_ui_invokes() -> Vec<String> {
    let source = include_str!("../../../ui/src/lib/backend/tauri.ts");
    // `call<T>("name", …)` and `invoke<T>("name", …)`: the name is the string right after the type.
    let mut names: Vec<String> = ["call<", "invoke<"]
        .iter()
        .flat_map(|opener| source.match_indices(opener))
        .filter_map(|(at, _)| {
            let rest = &source[at..];
            let after_type = &rest[rest.find(">(")? + 2..];
            let name = after_type.strip_prefix('"')?;
            Some(name[..name.find('"')?].to_string())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_command_the_ui_invokes_is_registered() {
    let app = app();
    let names = commands_the_ui_invokes();
    assert!(names.len() >= 12, "found only {names:?} in tauri.ts");
    let unknown = app
        .invoke("no_such_command", json!({}))
        .unwrap_err()
        .to_string();
    assert!(
        unknown.contains("not found"),
        "an unregistered command reads: {unknown}"
    );
    for name in names {
        if let Err(error) = app.invoke(&name, json!({})) {
            // An unregistered command fails with a plain string; ours fail on the missing input.
            let text = error.to_string();
            assert!(
                !text.contains("not found"),
                "{name} is not registered: {text}"
            );
        }
    }
}

#[test]
fn server_commands_take_the_ui_argument_names() {
    let app = app();
    let ws = app.default_workspace();
    let created = app
        .invoke(
            "create_server",
            json!({"input": {"workspace": ws, "server": {
                "name": "GitHub", "url": "https://api.example.com/mcp", "api_key": "sk-ipc-test-12345678"
            }}}),
        )
        .unwrap();
    assert_eq!(created["api_key_redacted"], "…5678");
    assert!(!created.to_string().contains("sk-ipc-test-12345678"));
    let id = created["id"].as_str().unwrap();

    let page = app
        .invoke(
            "list_servers",
            json!({"input": {"workspace": ws, "query": {"search": "git", "limit": 10}}}),
        )
        .unwrap();
    assert_eq!(page["servers"].as_array().unwrap().len(), 1);
    assert!(page.get("next_cursor").is_some());

    let updated = app
        .invoke(
            "update_server",
            json!({"input": {"workspace": ws, "server": id, "patch": {"description": "Repos"}}}),
        )
        .unwrap();
    assert_eq!(updated["description"], "Repos");
    let server_ref = json!({"input": {"workspace": ws, "server": "github"}});
    assert!(app.invoke("delete_server", server_ref.clone()).unwrap()["deleted_at"].is_string());
    assert!(app.invoke("restore_server", server_ref.clone()).unwrap()["deleted_at"].is_null());
    assert_eq!(
        app.invoke("get_server", server_ref.clone()).unwrap()["id"],
        id
    );
    app.invoke("purge_server", server_ref.clone()).unwrap();

    let info = app.invoke("app_info", json!({})).unwrap();
    assert!(info["database"].as_str().unwrap().ends_with("patchbay.db"));
}

#[test]
fn errors_cross_as_code_message_and_field() {
    let app = app();
    let ws = app.default_workspace();
    let input = json!({"input": {"workspace": ws, "server": {"name": "dup", "url": "https://d.example.com"}}});
    app.invoke("create_server", input.clone()).unwrap();
    let error = app.invoke("create_server", input).unwrap_err();
    let keys: Vec<&str> = error
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["code", "field", "message"]);
    assert_eq!(error["code"], "conflict");
    assert_eq!(error["field"], "name");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );

    let missing = app
        .invoke(
            "get_server",
            json!({"input": {"workspace": ws, "server": "nope"}}),
        )
        .unwrap_err();
    assert_eq!(missing["code"], "not_found");
    assert_eq!(
        missing["field"], "server",
        "the field names the input at fault: {missing}"
    );

    let workspaces = app
        .invoke("create_workspace", json!({"input": {"name": ""}}))
        .unwrap_err();
    assert_eq!(
        (workspaces["code"].as_str(), workspaces["field"].as_str()),
        (Some("validation"), Some("name"))
    );
}
