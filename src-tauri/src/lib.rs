//! The desktop shell: Tauri set-up, plugins and the commands the UI invokes. The work is done
//! by `patchbay-core`; this crate only opens it, holds it, and hands it the UI's input.

pub mod commands;
pub mod gateway;
mod logging;
mod oauth_popup;
mod rendering;
pub mod state;
mod tray;

use tauri::{Manager, Runtime};

use state::AppState;

/// Registers every command the UI invokes; the command-layer test builds on this too.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app::app_info,
        commands::app::first_paint,
        commands::app::get_settings,
        commands::app::update_settings,
        commands::app::gateway_status,
        commands::app::restart_gateway,
        commands::app::stop_gateway,
        commands::app::set_start_at_login,
        commands::app::login_service_status,
        commands::workspaces::list_workspaces,
        commands::workspaces::create_workspace,
        commands::workspaces::rename_workspace,
        commands::workspaces::delete_workspace,
        commands::transfer::export_workspace,
        commands::transfer::import_workspace,
        commands::transfer::import_risks,
        commands::servers::list_servers,
        commands::servers::get_server,
        commands::servers::create_server,
        commands::servers::update_server,
        commands::servers::delete_server,
        commands::servers::restore_server,
        commands::servers::purge_server,
        commands::live::test_server,
        commands::live::test_unsaved,
        commands::live::sync_server,
        commands::live::sync_all,
        commands::live::list_tools,
        commands::live::server_capabilities,
        commands::live::tool_diff,
        commands::live::set_tool_approval,
        commands::live::list_prompts,
        commands::live::prompt_diff,
        commands::live::set_prompt_approval,
        commands::live::call_tool,
        commands::live::get_prompt,
        commands::live::read_resource,
        commands::live::set_auto_approve_first_sync,
        commands::oauth::authorize_server,
        commands::oauth::authorize_in_browser_instead,
        commands::oauth::logout_server,
        commands::portals::list_portals,
        commands::portals::get_portal,
        commands::portals::create_portal,
        commands::portals::update_portal,
        commands::portals::delete_portal,
        commands::portals::rotate_portal_token,
        commands::portals::add_portal_server,
        commands::portals::remove_portal_server,
        commands::portals::set_portal_tool,
        commands::portals::set_portal_prompt,
        commands::portals::update_member,
        commands::portals::window_input_requests,
        commands::portals::answer_window_input_request,
        commands::portals::portal_calls,
        commands::portals::set_member_prefix,
        commands::clients::list_clients,
        commands::clients::client_servers,
        commands::clients::import_client_servers,
        commands::clients::install,
        commands::clients::uninstall,
        commands::clients::list_installations,
        commands::clients::repair_installations,
        commands::clients::list_templates,
        commands::clients::install_template,
        commands::clients::entry_snippet,
    ])
}

pub fn run() {
    let builder = tauri::Builder::default()
        // First, so a second launch focuses the running window instead of opening another.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                rendering::draw_in_software(&window);
            }
            let state = AppState::open()?;
            // The gateway asks the user here, for clients that cannot, while this is held.
            match patchbay_core::asked_in_window::hold_window_presence(&state.data_dir) {
                Ok(presence) => {
                    app.manage(presence);
                }
                Err(err) => {
                    tracing::warn!(error = %err, "servers' questions will not be asked here")
                }
            }
            app.manage(state);
            // A desktop without a tray (a bare X server) still gets the window.
            if let Err(err) = tray::install(app.handle()) {
                tracing::warn!(error = %err, "no status icon");
            }
            // The user's gateway serves the portals with or without the window: started here
            // when none runs, and left running when the window closes. A failure is shown in
            // the window, not fatal.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<AppState>();
                gateway::start(&state.data_dir, &state.gateway).await;
            });
            Ok(())
        });
    with_commands(builder)
        .run(tauri::generate_context!())
        .expect("the Patchbay window could not start");
}
