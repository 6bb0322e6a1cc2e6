//! The directories client configs live under, from the environment: `HOME` (a test points it
//! at a fixture), `XDG_CONFIG_HOME` on Linux and macOS, `APPDATA` on Windows.

use std::path::{Path, PathBuf};

use super::registry::Base;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Dirs {
    pub home: PathBuf,
    app_config: PathBuf,
    xdg_config: PathBuf,
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
        }
    }

    pub fn resolve(&self, (base, rel): (Base, &str)) -> PathBuf {
        let root = match base {
            Base::Home => &self.home,
            Base::AppConfig => &self.app_config,
            Base::XdgConfig => &self.xdg_config,
        };
        root.join(rel)
    }
}
