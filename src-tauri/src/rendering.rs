//! How the web view draws. On Linux, WebKitGTK composites the page with OpenGL by default;
//! with no GPU driver (a VM, a remote desktop, Xvfb) that is Mesa's llvmpipe, and each time
//! the page is drawn a new way the web process's compositor thread compiles code with LLVM and
//! keeps what it allocated: +15 to 20 MiB when a column of relative times went from "9 min
//! ago" to "10 min ago", on top of ~90 MiB for compositing at all. Patchbay's pages are tables
//! and forms: drawn in software they look the same and the web process stays near 190 MiB
//! instead of 270 and growing. Evolution and Eclipse's SWT browser turn it off for stability.
//! The OAuth popup shows the provider's own page and keeps WebKit's default.

use tauri::{Runtime, WebviewWindow};

/// Draws `window`'s page without OpenGL compositing (Linux; elsewhere the platform decides).
pub fn draw_in_software<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let done = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(err) = done {
            tracing::warn!(error = %err, "the window keeps WebKit's default drawing");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
