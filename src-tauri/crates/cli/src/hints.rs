//! The CLI's own words on top of the core's: the core says what is wrong and what to do in
//! the product's terms (the desktop form shows the same message); the CLI adds which command
//! or flag does it, from the error's code and field.

use patchbay_core::Error;
use patchbay_core::error::{ConnectionCategory, ErrorCode};

fn hint(err: &Error) -> Option<&'static str> {
    use ErrorCode::*;
    if err.category == Some(ConnectionCategory::AuthRequired) {
        return Some("`patchbay server authorize SERVER`");
    }
    Some(match (err.code, err.field.as_deref()?) {
        (NotFound, "server") => "`patchbay server list` shows them, `--deleted` the deleted ones",
        (NotFound, "portal") => "`patchbay portal list` shows them",
        (NotFound, "workspace") => "`patchbay workspace list` shows them",
        (NotFound, "template") => "`patchbay catalog list --search TEXT` finds them",
        (NotFound, "tool") => "`patchbay tool list SERVER` shows them",
        (NotFound, "prompt") => "`patchbay prompt list SERVER` shows them",
        (NotFound, "member") => "`patchbay portal add-server PORTAL SERVER`",
        (Validation, "api_key") => "--auth api_key, with the key on stdin: --api-key-stdin",
        (Validation, "api_key_from_env" | "api_key_header") => "--auth api_key",
        (Validation, "auth_type") => {
            "--auth oauth|api_key|none; stdio servers: --secret-env-stdin NAME"
        }
        (Validation, "private") => {
            "--private goes with --project DIR, for clients with private entries"
        }
        (Validation, "project") => "leave out --project",
        (Conflict, "port") => "--port PORT, or PATCHBAY_GATEWAY_PORT",
        (Conflict, "purge") => "--purge deletes them with it",
        (Validation, "accept_risks") => "answer yes on a terminal, or pass --accept-risks",
        (Internal, "data_dir") => "--data-dir DIR, or PATCHBAY_DATA_DIR",
        _ => return None,
    })
}

/// The error with the CLI's hint after its message, when there is one.
pub fn with_hint(mut err: Error) -> Error {
    if let Some(hint) = hint(&err) {
        err.message = format!("{} ({hint})", err.message);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_gets_the_flag_that_sets_it() {
        let err = with_hint(Error::validation(
            "api_key",
            "API-key authentication needs the key: give it",
        ));
        assert_eq!(
            err.message,
            "API-key authentication needs the key: give it (--auth api_key, with the key on stdin: --api-key-stdin)"
        );
        let plain = with_hint(Error::validation("name", "a name is needed"));
        assert_eq!(
            plain.message, "a name is needed",
            "no hint where the CLI has nothing to add"
        );
    }
}
