//! Authorizing an OAuth server from the app: the browser step in a sign-in window of the app
//! (`oauth_popup`), or the user's own browser — chosen per server, and switched to in one
//! click. Closing the window cancels the authorization.

use std::time::Duration;

use patchbay_core::oauth::{AuthorizeOptions, AuthorizeOutcome, PopupPage};
use patchbay_core::servers::ServerPatch;
use patchbay_core::{Error, ErrorCode, Secret};
use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use super::CommandResult;
use super::servers::ServerRef;
use crate::oauth_popup;
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

#[tauri::command]
pub async fn authorize_server<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: AuthorizeInput,
    pages: Channel<PopupPage>,
) -> CommandResult<AuthorizeOutcome> {
    remember_choice(&state, &input.workspace, &input.server, input.in_browser).await?;
    let options = AuthorizeOptions {
        client_id: input.client_id.filter(|c| !c.trim().is_empty()),
        client_secret: input.client_secret,
        scopes: input.scopes,
        timeout: Some(Duration::from_secs(600)),
    };
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<()>();
    let (page_tx, mut page_rx) = tokio::sync::mpsc::unbounded_channel();
    tauri::async_runtime::spawn(async move {
        while let Some(page) = page_rx.recv().await {
            let _ = pages.send(page);
        }
    });
    let popup_app = app.clone();
    let in_browser = input.in_browser;
    let mut open_error = None;
    let flow = state
        .core
        .authorize(&input.workspace, &input.server, options, |url| {
            let opened = if in_browser {
                popup_app
                    .opener()
                    .open_url(url, None::<&str>)
                    .map_err(|e| Error::internal(format!("cannot open the system browser: {e}")))
            } else {
                oauth_popup::open(&popup_app, url, page_tx, move || {
                    let _ = closed_tx.send(());
                })
            };
            open_error = opened.err();
        });
    let outcome = tokio::select! {
        outcome = flow => outcome,
        Ok(()) = closed_rx => Err(Error::new(
            ErrorCode::AuthRequired,
            "the authorization window was closed before it finished; authorize again",
        )),
    };
    oauth_popup::close(&app);
    oauth_popup::clear();
    if let Some(err) = open_error {
        tracing::warn!(error = %err.message, "could not open the authorization page");
    }
    Ok(outcome?)
}

/// Moves the authorization under way from the app's window to the system browser (the same
/// authorization URL, so the loopback callback still ends it), and remembers that choice
/// for the server.
#[tauri::command]
pub async fn authorize_in_browser_instead<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: ServerRef,
) -> CommandResult<()> {
    let session = oauth_popup::current()
        .ok_or_else(|| Error::not_found("no authorization window is open"))?;
    session.hand_over();
    app.opener()
        .open_url(&session.auth_url, None::<&str>)
        .map_err(|e| Error::internal(format!("cannot open the system browser: {e}")))?;
    oauth_popup::close(&app);
    remember_choice(&state, &input.workspace, &input.server, true).await
}

/// Keeps the user's browser choice for the server's next authorization.
async fn remember_choice(
    state: &State<'_, AppState>,
    workspace: &str,
    server: &str,
    in_browser: bool,
) -> CommandResult<()> {
    let (ws, id) = (workspace.to_string(), server.to_string());
    patchbay_core::run_blocking(&state.core, move |c| {
        if c.get_server(&ws, &id)?.authorize_in_browser != in_browser {
            let patch = ServerPatch {
                authorize_in_browser: Some(in_browser),
                ..ServerPatch::default()
            };
            c.update_server(&ws, &id, patch)?;
        }
        Ok(())
    })
    .await?;
    Ok(())
}

#[tauri::command]
pub async fn logout_server(
    state: State<'_, AppState>,
    input: ServerRef,
) -> CommandResult<patchbay_core::servers::Server> {
    Ok(state.core.logout(&input.workspace, &input.server).await?)
}
