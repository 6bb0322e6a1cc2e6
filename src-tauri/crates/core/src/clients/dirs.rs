//! The directories client configs live under, from the environment: `HOME` (a test points it
//! at a fixture), `XDG_CONFIG_HOME` on Linux and macOS, `APPDATA` on Windows, and the
//! clients' own `CODEX_HOME`, `CLAUDE_CONFIG_DIR` and `GEMINI_CLI_HOME`.

use std::path::{Path, PathBuf};

use super::registry::Base;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Dirs {
    pub home: PathBuf,
    app_config: PathBuf,
    xdg_config: PathBuf,
    /// Clients' own overrides of where they keep their settings.
    codex_home: PathBuf,
    claude_config: Option<PathBuf>,
    gemini_home: PathBuf,
}

fn env_dir(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

impl Dirs {
    pub fn from_env() -> Result<Dirs> {
        let home = env_dir("HOME")
            .or_else(|| env_dir("USERPROFILE"))
            .ok_or_else(|| {
                Error::validation(
                    "HOME",
                    "cannot find your home directory: set HOME to where your AI clients keep their settings",
                )
            })?;
        Ok(Dirs::under(&home))
    }

    /// The directories for a home directory, with this OS's layout.
    pub fn under(home: &Path) -> Dirs {
        let xdg = env_dir("XDG_CONFIG_HOME").unwrap_or_else(|| home.join(".config"));
        let (app_config, xdg_config) = if cfg!(windows) {
            let appdata = env_dir("APPDATA").unwrap_or_else(|| home.join("AppData/Roaming"));
            (appdata.clone(), appdata)
        } else if cfg!(target_os = "macos") {
            (home.join("Library/Application Support"), xdg)
        } else {
            (xdg.clone(), xdg)
        };
        Dirs {
            home: home.to_path_buf(),
            app_config,
            xdg_config,
            codex_home: env_dir("CODEX_HOME").unwrap_or_else(|| home.join(".codex")),
            claude_config: env_dir("CLAUDE_CONFIG_DIR"),
            gemini_home: env_dir("GEMINI_CLI_HOME").unwrap_or_else(|| home.to_path_buf()),
        }
    }

    pub fn resolve(&self, (base, rel): (Base, &str)) -> PathBuf {
        let root = match base {
            Base::Home => self.home.clone(),
            Base::AppConfig => self.app_config.clone(),
            Base::XdgConfig => self.xdg_config.clone(),
            Base::CodexHome => self.codex_home.clone(),
            Base::ClaudeConfigHome => self.claude_config.clone().unwrap_or(self.home.clone()),
            Base::ClaudeDir => (self.claude_config.clone()).unwrap_or(self.home.join(".claude")),
            Base::GeminiHome => self.gemini_home.clone(),
        };
        if rel.is_empty() {
            return root;
        }
        root.join(rel)
    }
}
