//! How the window draws. WebKitGTK composites with the GPU (on a machine without one, with
//! Mesa's software GL) when it can; Patchbay's pages are forms and tables, which it draws as
//! well without, and the GPU path costs the web process a large share of its memory (see the
//! README's release figures). So the main window draws in software (the OAuth popup shows
//! the authorization server's own pages, and keeps WebKit's default).

/// Turns off accelerated compositing for `webview`; logs (and otherwise ignores) a failure,
/// which leaves the window working, only heavier.
pub fn in_software(webview: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let done = webview.with_webview(|platform| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = platform.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(err) = done {
            tracing::warn!(error = %err, "the window keeps drawing with the GPU");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = webview;
}
