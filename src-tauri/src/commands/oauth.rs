//! Authorizing an OAuth server from the app: the browser step in a popup window of the app
//! (or, if the user prefers, their own browser). Closing the popup cancels the authorization.

use std::time::Duration;

use patchbay_core::oauth::{self, AuthorizeOptions, AuthorizeOutcome};
use patchbay_core::{Error, ErrorCode, Secret};
use serde::Deserialize;
use tauri::{AppHandle, Manager, Runtime, State, WebviewUrl, WebviewWindowBuilder, WindowEvent};
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use super::CommandResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct AuthorizeInput {
    pub workspace: String,
    pub server: String,
    /// A client registered beforehand; none to register Patchbay (or reuse its registration).
    #[ts(optional)]
    pub client_id: Option<String>,
    #[ts(optional, as = "Option<String>")]
    pub client_secret: Option<Secret>,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Open the user's browser instead of a window of the app.
    #[serde(default)]
    pub in_browser: bool,
}

const POPUP: &str = "oauth-popup";

#[tauri::command]
pub async fn authorize_server<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: AuthorizeInput,
) -> CommandResult<AuthorizeOutcome> {
    let options = AuthorizeOptions {
        client_id: input.client_id.filter(|c| !c.trim().is_empty()),
        client_secret: input.client_secret,
        scopes: input.scopes,
        timeout: Some(Duration::from_secs(600)),
    };
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<()>();
    let mut closed_tx = Some(closed_tx);
    let popup_app = app.clone();
    let in_browser = input.in_browser;
    let mut open_error = None;
    let flow = oauth::authorize(
        &state.core,
        &input.workspace,
        &input.server,
        options,
        |url| {
            if in_browser {
                if let Err(err) = popup_app.opener().open_url(url, None::<&str>) {
                    open_error = Some(err.to_string());
                }
                return;
            }
            let Ok(parsed) = url.parse() else {
                open_error = Some(format!("'{url}' is not a URL"));
                return;
            };
            if let Some(old) = popup_app.get_webview_window(POPUP) {
                let _ = old.destroy();
            }
            match WebviewWindowBuilder::new(&popup_app, POPUP, WebviewUrl::External(parsed))
                .title("Authorize Patchbay")
                .inner_size(520.0, 700.0)
                .build()
            {
                Ok(window) => {
                    let tx = closed_tx.take();
                    let tx = std::sync::Mutex::new(tx);
                    window.on_window_event(move |event| {
                        if matches!(event, WindowEvent::Destroyed)
                            && let Some(tx) = tx.lock().ok().and_then(|mut t| t.take())
                        {
                            let _ = tx.send(());
                        }
                    });
                }
                Err(err) => open_error = Some(err.to_string()),
            }
        },
    );
    let outcome = tokio::select! {
        outcome = flow => outcome,
        Ok(()) = closed_rx => Err(Error::new(
            ErrorCode::AuthRequired,
            "the authorization window was closed before it finished; authorize again",
        )),
    };
    if let Some(window) = app.get_webview_window(POPUP) {
        let _ = window.destroy();
    }
    if let Some(err) = open_error {
        tracing::warn!(error = %err, "could not open the authorization page");
    }
    outcome
}

#[tauri::command]
pub async fn logout_server(
    state: State<'_, AppState>,
    input: super::servers::ServerRef,
) -> CommandResult<patchbay_core::servers::Server> {
    oauth::logout(&state.core, &input.workspace, &input.server).await
}
