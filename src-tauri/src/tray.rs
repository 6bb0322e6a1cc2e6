//! The status icon, where the desktop has a tray: open the window, see the gateway's state,
//! quit. Quitting closes the app only: the gateway is the user's and keeps serving.

use std::time::Duration;

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;

const REFRESH: Duration = Duration::from_secs(5);

pub fn install<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Patchbay", true, None::<&str>)?;
    let gateway = MenuItem::with_id(app, "gateway", "Gateway: starting…", false, None::<&str>)?;
    let quit = MenuItem::with_id(
        app,
        "quit",
        "Quit (the gateway keeps serving)",
        true,
        None::<&str>,
    )?;
    let menu = Menu::with_items(app, &[&open, &gateway, &quit])?;
    let mut tray = TrayIconBuilder::with_id("patchbay")
        .tooltip("Patchbay")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.show();
                    let _ = window.unminimize();
                    let _ = window.set_focus();
                }
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let state = handle.state::<AppState>();
            let report = crate::gateway::report(&state.data_dir, &state.gateway).await;
            let text = match (&report.status, &report.error) {
                (Some(status), _) => format!(
                    "Gateway on {} · {} client{}",
                    status.address.trim_start_matches("http://"),
                    status.client_sessions,
                    if status.client_sessions == 1 { "" } else { "s" }
                ),
                (None, Some(error)) => format!("Gateway stopped: {error}"),
                (None, None) => "Gateway: starting…".to_string(),
            };
            let _ = gateway.set_text(text);
            tokio::time::sleep(REFRESH).await;
        }
    });
    Ok(())
}
