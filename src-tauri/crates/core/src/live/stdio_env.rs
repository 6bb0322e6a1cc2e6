//! What a stdio server inherits from the process that starts it (the app, the gateway or the
//! CLI): by default only variables a program needs to run in the user's session, so that
//! tokens exported in the shell that launched Patchbay (`GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`,
//! …) do not reach every server. A server that needs more names its own variables or asks to
//! inherit everything.
//!
//! The base list is the MCP SDKs' default (`DEFAULT_INHERITED_ENV_VARS` in the TypeScript and
//! Python SDKs' stdio clients, "inspired by sudo"), widened by what desktop programs and
//! package launchers (npx, uvx) read: locale, temp dirs, XDG and session-bus locations, proxy
//! and CA-bundle settings.

use std::ffi::{OsStr, OsString};

#[cfg(not(windows))]
const ALLOWED: &[&str] = &[
    // the SDKs' list
    "HOME",
    "LOGNAME",
    "PATH",
    "SHELL",
    "TERM",
    "USER",
    // locale and time
    "LANG",
    "LANGUAGE",
    "TZ",
    // temporary files
    "TMPDIR",
    // the desktop session: where config, caches, the session bus and the display are
    "XDG_CONFIG_HOME",
    "XDG_CONFIG_DIRS",
    "XDG_DATA_HOME",
    "XDG_DATA_DIRS",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
    "DBUS_SESSION_BUS_ADDRESS",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    // network set-up the user made for every program
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NODE_EXTRA_CA_CERTS",
];

/// Windows compares names without case, so the list is matched that way there.
#[cfg(windows)]
const ALLOWED: &[&str] = &[
    // the SDKs' list
    "APPDATA",
    "HOMEDRIVE",
    "HOMEPATH",
    "LOCALAPPDATA",
    "PATH",
    "PROCESSOR_ARCHITECTURE",
    "SYSTEMDRIVE",
    "SYSTEMROOT",
    "TEMP",
    "USERNAME",
    "USERPROFILE",
    "PROGRAMFILES",
    // what programs started without a shell still look up
    "PATHEXT",
    "COMSPEC",
    "WINDIR",
    "TMP",
    "PROGRAMDATA",
    "PROGRAMFILES(X86)",
    "COMMONPROGRAMFILES",
    "NUMBER_OF_PROCESSORS",
    "OS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "NODE_EXTRA_CA_CERTS",
];

fn allowed(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    if name.starts_with("LC_") {
        return true; // LC_ALL, LC_CTYPE, …: the locale, split by category
    }
    if cfg!(windows) {
        ALLOWED.iter().any(|a| a.eq_ignore_ascii_case(name))
    } else {
        ALLOWED.contains(&name)
    }
}

/// The allow-listed part of `vars`. A value starting with `()` is a shell function exported by
/// bash (the Shellshock vector); the SDKs drop those too.
pub(crate) fn allow_listed(
    vars: impl IntoIterator<Item = (OsString, OsString)>,
) -> Vec<(OsString, OsString)> {
    vars.into_iter()
        .filter(|(name, value)| allowed(name) && !value.as_encoded_bytes().starts_with(b"()"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs.iter().map(|(n, v)| (n.into(), v.into())).collect()
    }

    #[test]
    fn keeps_what_programs_need_and_drops_the_rest() {
        let kept = allow_listed(vars(&[
            ("PATH", "/usr/bin"),
            ("HOME", "/home/a"),
            ("LC_ALL", "C.UTF-8"),
            ("GITHUB_TOKEN", "ghp_x"),
            ("AWS_SECRET_ACCESS_KEY", "x"),
            ("OPENAI_API_KEY", "sk-x"),
        ]));
        let names: Vec<_> = kept.iter().map(|(n, _)| n.to_str().unwrap()).collect();
        assert_eq!(names, ["PATH", "HOME", "LC_ALL"]);
    }

    #[test]
    fn drops_exported_shell_functions() {
        let kept = allow_listed(vars(&[("TERM", "() { :; }; echo pwned"), ("USER", "a")]));
        assert_eq!(kept, vars(&[("USER", "a")]));
    }
}
