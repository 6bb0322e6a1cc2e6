//! Desktop notifications from the background gateway, for what the user must act on while no
//! window is open (a refused OAuth refresh). Best effort: a desktop without a notification
//! service just does not show it, and the server's status says the same.

/// Shows `summary` and `body`; never fails, never blocks the caller for long.
pub(crate) async fn desktop(summary: String, body: String) {
    let shown = tokio::task::spawn_blocking(move || show(&summary, &body)).await;
    if let Ok(Err(err)) = shown {
        tracing::debug!(error = %err, "no desktop notification shown");
    }
}

#[cfg(target_os = "linux")]
fn show(summary: &str, body: &str) -> crate::Result<()> {
    let failed =
        |e: zbus::Error| crate::Error::internal(format!("the desktop's notification service: {e}"));
    use std::collections::HashMap;
    // The Desktop Notifications Specification's Notify(app_name, replaces_id, app_icon,
    // summary, body, actions, hints, expire_timeout).
    let connection = zbus::blocking::Connection::session().map_err(failed)?;
    let hints: HashMap<&str, zbus::zvariant::Value> = HashMap::new();
    connection
        .call_method(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            Some("org.freedesktop.Notifications"),
            "Notify",
            &(
                "Patchbay",
                0u32,
                "",
                summary,
                body,
                Vec::<&str>::new(),
                hints,
                -1i32,
            ),
        )
        .map(|_| ())
        .map_err(failed)
}

#[cfg(not(target_os = "linux"))]
fn show(_summary: &str, _body: &str) -> crate::Result<()> {
    Err(crate::Error::internal(
        "desktop notifications from the gateway are shown on Linux only",
    ))
}
