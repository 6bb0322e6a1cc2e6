//! "Start at login": the gateway as the OS's per-user service — a systemd user unit on Linux,
//! a LaunchAgent on macOS, a logon task on Windows. The service runs `patchbay serve
//! --background`, which finds a gateway already serving the data dir and leaves it be.
//!
//! On Linux the unit is enabled the way `systemctl --user enable` does it — a link in
//! `default.target.wants` — so it works where no user manager answers right now (a container,
//! a session without systemd); `systemctl --user daemon-reload` is asked too, where it runs.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::servers::text_enum;

text_enum!(
    /// The OS's way of starting something at login.
    LoginServiceKind, "kind" { Systemd = "systemd", Launchd = "launchd", WindowsTask = "windows_task" }
);

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LoginService {
    pub kind: LoginServiceKind,
    /// Runs at login.
    pub installed: bool,
    /// The unit, agent or task name.
    pub name: String,
    /// The file written (none for a Windows task).
    pub file: Option<String>,
    /// What the OS said, when it could not be asked or refused.
    pub note: Option<String>,
}

/// Different data dirs (a dev build beside the released app) get services of their own.
fn service_name(data_dir: &Path) -> String {
    if crate::paths::default_data_dir().as_deref() == Some(data_dir) {
        // `patchbay-gateway`, or `patchbay-dev-gateway` for a debug build's own data dir.
        return format!("{}-gateway", crate::paths::APP_NAME);
    }
    let digest = Sha256::digest(data_dir.to_string_lossy().as_bytes());
    let short: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("patchbay-gateway-{short}")
}

/// The command line the service runs.
fn arguments(exe: &Path, data_dir: &Path) -> Vec<String> {
    vec![
        exe.to_string_lossy().into_owned(),
        "--data-dir".into(),
        data_dir.to_string_lossy().into_owned(),
        "serve".into(),
        "--background".into(),
    ]
}

/// Variables the gateway needs from the environment that installed it.
fn environment() -> Vec<(String, String)> {
    ["PATCHBAY_KEYRING_SERVICE", "PATCHBAY_GATEWAY_PORT"]
        .iter()
        .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
        .collect()
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
    }
    std::fs::write(path, text).map_err(|e| io("write", path, e))
}

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::internal(format!("cannot {what} {}: {e}", path.display()))
}

/// Runs a service manager's command; what it said when it failed.
fn ask(program: &str, args: &[&str]) -> Option<String> {
    match std::process::Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Some(format!("{program} is not available: {e}")),
    }
}

#[cfg(target_os = "linux")]
mod os {
    use super::*;

    fn unit_dir() -> Result<PathBuf> {
        dirs::config_dir()
            .map(|d| d.join("systemd/user"))
            .ok_or_else(|| Error::internal("cannot tell this user's config directory"))
    }

    /// systemd's quoting: a double-quoted word with `\` and `"` escaped, `%` doubled.
    fn quote(arg: &str) -> String {
        let escaped = arg
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('%', "%%");
        format!("\"{escaped}\"")
    }

    pub fn unit(exe: &Path, data_dir: &Path) -> String {
        let exec: Vec<String> = arguments(exe, data_dir).iter().map(|a| quote(a)).collect();
        let mut text = String::from(
            "# Written by Patchbay (Settings > Start at login, or its CLI's service install).\n\
             [Unit]\nDescription=Patchbay gateway: serves your MCP portals to AI clients\n\n\
             [Service]\nType=simple\n",
        );
        text.push_str(&format!("ExecStart={}\n", exec.join(" ")));
        for (key, value) in environment() {
            text.push_str(&format!(
                "Environment={}\n",
                quote(&format!("{key}={value}"))
            ));
        }
        text.push_str("Restart=on-failure\nRestartSec=5\n\n[Install]\nWantedBy=default.target\n");
        text
    }

    fn paths(data_dir: &Path) -> Result<(String, PathBuf, PathBuf)> {
        let name = format!("{}.service", service_name(data_dir));
        let dir = unit_dir()?;
        let link = dir.join("default.target.wants").join(&name);
        Ok((name.clone(), dir.join(name), link))
    }

    pub fn install(exe: &Path, data_dir: &Path) -> Result<LoginService> {
        let (_, file, link) = paths(data_dir)?;
        write_file(&file, &unit(exe, data_dir))?;
        if let Some(dir) = link.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
        }
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&file, &link).map_err(|e| io("link", &link, e))?;
        let note = ask("systemctl", &["--user", "daemon-reload"]);
        status_with(data_dir, note)
    }

    pub fn uninstall(data_dir: &Path) -> Result<LoginService> {
        let (_, file, link) = paths(data_dir)?;
        for path in [&link, &file] {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io("remove", path, e)),
            }
        }
        let note = ask("systemctl", &["--user", "daemon-reload"]);
        status_with(data_dir, note)
    }

    pub fn status_with(data_dir: &Path, note: Option<String>) -> Result<LoginService> {
        let (name, file, link) = paths(data_dir)?;
        Ok(LoginService {
            kind: LoginServiceKind::Systemd,
            installed: file.is_file() && link.exists(),
            name,
            file: Some(file.to_string_lossy().into_owned()),
            note,
        })
    }
}

#[cfg(target_os = "macos")]
mod os {
    use super::*;

    fn escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    fn label(data_dir: &Path) -> String {
        format!("dev.patchbay.{}", service_name(data_dir))
    }

    fn file(data_dir: &Path) -> Result<PathBuf> {
        dirs::home_dir()
            .map(|h| {
                h.join("Library/LaunchAgents")
                    .join(format!("{}.plist", label(data_dir)))
            })
            .ok_or_else(|| Error::internal("cannot tell this user's home directory"))
    }

    pub fn install(exe: &Path, data_dir: &Path) -> Result<LoginService> {
        let args: String = arguments(exe, data_dir)
            .iter()
            .map(|a| format!("    <string>{}</string>\n", escape(a)))
            .collect();
        let env: String = environment()
            .iter()
            .map(|(k, v)| {
                format!(
                    "    <key>{}</key><string>{}</string>\n",
                    escape(k),
                    escape(v)
                )
            })
            .collect();
        let text = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
             <plist version=\"1.0\">\n<dict>\n  <key>Label</key><string>{}</string>\n\
             \x20 <key>ProgramArguments</key>\n  <array>\n{args}  </array>\n\
             \x20 <key>EnvironmentVariables</key>\n  <dict>\n{env}  </dict>\n\
             \x20 <key>RunAtLoad</key><true/>\n</dict>\n</plist>\n",
            escape(&label(data_dir))
        );
        let path = file(data_dir)?;
        write_file(&path, &text)?;
        status_with(data_dir, None)
    }

    pub fn uninstall(data_dir: &Path) -> Result<LoginService> {
        let path = file(data_dir)?;
        if path.exists() {
            std::fs::remove_file(&path).map_err(|e| io("remove", &path, e))?;
        }
        status_with(data_dir, None)
    }

    pub fn status_with(data_dir: &Path, note: Option<String>) -> Result<LoginService> {
        let path = file(data_dir)?;
        Ok(LoginService {
            kind: LoginServiceKind::Launchd,
            installed: path.is_file(),
            name: label(data_dir),
            file: Some(path.to_string_lossy().into_owned()),
            note,
        })
    }
}

#[cfg(windows)]
mod os {
    use super::*;

    fn task(data_dir: &Path) -> String {
        format!("Patchbay\\{}", service_name(data_dir))
    }

    /// The task's command line, each argument quoted for the Windows argument parser.
    fn command_line(exe: &Path, data_dir: &Path) -> String {
        arguments(exe, data_dir)
            .iter()
            .map(|a| format!("\"{}\"", a.replace('"', "\\\"")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn install(exe: &Path, data_dir: &Path) -> Result<LoginService> {
        let line = command_line(exe, data_dir);
        let name = task(data_dir);
        let note = ask(
            "schtasks",
            &[
                "/Create", "/F", "/SC", "ONLOGON", "/TN", &name, "/TR", &line,
            ],
        );
        if let Some(note) = note {
            return Err(Error::internal(format!(
                "the logon task was not made: {note}"
            )));
        }
        status_with(data_dir, None)
    }

    pub fn uninstall(data_dir: &Path) -> Result<LoginService> {
        let note = ask("schtasks", &["/Delete", "/F", "/TN", &task(data_dir)]);
        status_with(data_dir, note)
    }

    pub fn status_with(data_dir: &Path, note: Option<String>) -> Result<LoginService> {
        let name = task(data_dir);
        let installed = ask("schtasks", &["/Query", "/TN", &name]).is_none();
        Ok(LoginService {
            kind: LoginServiceKind::WindowsTask,
            installed,
            name,
            file: None,
            note,
        })
    }
}

/// Makes the OS run the gateway of `data_dir` at login, with `exe` (the `patchbay` CLI).
pub fn install(exe: &Path, data_dir: &Path) -> Result<LoginService> {
    os::install(exe, data_dir)
}

pub fn uninstall(data_dir: &Path) -> Result<LoginService> {
    os::uninstall(data_dir)
}

pub fn status(data_dir: &Path) -> Result<LoginService> {
    os::status_with(data_dir, None)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn the_unit_runs_the_background_gateway_with_quoted_paths() {
        let unit = super::os::unit(
            std::path::Path::new("/opt/Patch Bay/patchbay"),
            std::path::Path::new("/home/a \"b\"/100%"),
        );
        assert!(
            unit.contains(
                "ExecStart=\"/opt/Patch Bay/patchbay\" \"--data-dir\" \"/home/a \\\"b\\\"/100%%\" \"serve\" \"--background\"\n"
            ),
            "{unit}"
        );
        assert!(unit.contains("WantedBy=default.target"));
    }
}
