//! `server authorize` and `server logout`.

use std::sync::Arc;
use std::time::Duration;

use patchbay_core::oauth::AuthorizeOptions;
use patchbay_core::{Error, Patchbay, Result};

use super::server::read_secret;
use crate::args::AuthorizeServer;
use crate::output::Output;

/// Opens the URL in the desktop's browser; failing to is not an error (the URL is printed).
/// Through the OS's own opener (ShellExecute on Windows, xdg-open, macOS `open`) with the URL
/// as one argument, never through a shell: `&` in a URL must not become a command separator.
/// The core has checked the URL is https (or http on this machine) before it gets here.
fn open_browser(url: &str) {
    if open::that_detached(url).is_err() {
        eprintln!("(could not open a browser: open the URL yourself)");
    }
}

pub async fn authorize(
    core: &Arc<Patchbay>,
    ws: &str,
    args: AuthorizeServer,
    out: Output,
) -> Result<()> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        return Err(Error::validation(
            "timeout",
            "--timeout must be between 0 and 3600 seconds",
        ));
    }
    let options = AuthorizeOptions {
        client_id: args.client_id,
        client_secret: args
            .client_secret_stdin
            .then(|| read_secret("client_secret", "the client secret"))
            .transpose()?,
        scopes: args.scopes,
        timeout: Some(Duration::from_secs_f64(args.timeout)),
    };
    let no_browser = args.no_browser;
    let outcome = core
        .authorize(ws, &args.server, options, |url| {
            // On stderr, so that stdout stays the command's result (JSON with --json).
            eprintln!("Open this URL to authorize Patchbay:\n{url}");
            if !no_browser {
                open_browser(url);
            }
        })
        .await?;
    if out.json {
        out.json(&outcome);
    } else {
        crate::output::outln!(
            "Authorized {} as client {}{}.",
            outcome.server.name,
            outcome.client_id,
            if outcome.dynamic_registration {
                " (registered by Patchbay)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

pub async fn logout(core: &Arc<Patchbay>, ws: &str, server: &str, out: Output) -> Result<()> {
    let server = core.logout(ws, server).await?;
    out.server(&server);
    Ok(())
}
