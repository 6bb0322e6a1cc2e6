//! The user's gateway as a background process: one per data dir, outliving the window and
//! the clients that started it.
//!
//! A gateway claims the data dir by holding an exclusive lock on `gateway.lock` for its whole
//! life (the OS drops it when the process dies, however it dies), then publishes where it
//! listens in `gateway.json` (0600). Whoever wants it reads that file and asks the address for
//! `/status`: the answer must carry the same instance id, so a stale file pointing at a port
//! that something else took since is never taken for the gateway. Stopping goes through
//! `POST /control/stop` with the control key from the same private file, on every OS.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::http::GatewayStatus;
use crate::Secret;
use crate::error::{Error, ErrorCode, Result};

const LOCK_FILE: &str = "gateway.lock";
const STATE_FILE: &str = "gateway.json";
/// What a gateway started in the background writes to stderr.
pub const LOG_FILE: &str = "gateway.log";
/// A gateway runs for months: past this size its log is moved aside (`gateway.log.1`, the one
/// before it dropped) when the next gateway starts, so the data dir does not fill the disk.
const LOG_ROTATE_BYTES: u64 = 8 * 1024 * 1024;
/// The first line a serving gateway prints: `listening on http://127.0.0.1:PORT`.
pub const READY_PREFIX: &str = "listening on ";
/// The header that carries the control key.
pub(crate) const CONTROL_HEADER: &str = "x-patchbay-control";

/// How long a start may take before it is reported as failed: a cold start on a loaded
/// 2-core machine opens the database, the keyring and a socket.
const START_TIMEOUT: Duration = Duration::from_secs(30);
const STOP_TIMEOUT: Duration = Duration::from_secs(15);
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// What `gateway.json` holds (written by `Claim::publish`). The control key never leaves the
/// file and the gateway.
#[derive(Deserialize)]
struct Published {
    pid: u32,
    address: String,
    instance: String,
    version: String,
    started_at: String,
    control: Secret,
}

/// The gateway of a data dir as the CLI, the app and a client's entry see it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DaemonStatus {
    pub running: bool,
    /// `http://127.0.0.1:PORT`, while it runs.
    pub address: Option<String>,
    pub pid: Option<u32>,
    /// The Patchbay version the gateway runs (it may predate an upgrade).
    pub version: Option<String>,
    pub started_at: Option<String>,
    pub data_dir: String,
    /// Its own report: sessions and portals served.
    pub status: Option<GatewayStatus>,
}

impl DaemonStatus {
    fn stopped(data_dir: &Path) -> DaemonStatus {
        DaemonStatus {
            running: false,
            address: None,
            pid: None,
            version: None,
            started_at: None,
            data_dir: data_dir.to_string_lossy().into_owned(),
            status: None,
        }
    }
}

/// The claim of a running gateway on its data dir: the lock and the published state, both
/// given up when it is dropped.
pub struct Claim {
    _lock: File,
    state: PathBuf,
    instance: String,
    control: Secret,
}

impl Claim {
    /// Claims `data_dir` for this process's gateway; `None` when another gateway holds it.
    pub fn take(data_dir: &Path) -> Result<Option<Claim>> {
        crate::paths::ensure_dir(data_dir)?;
        let path = data_dir.join(LOCK_FILE);
        crate::paths::private_file(&path).map_err(|e| io_error("open", &path, e))?;
        let lock = File::options()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| io_error("open", &path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => return Err(io_error("lock", &path, e)),
        }
        let random = || uuid::Uuid::new_v4().simple().to_string();
        Ok(Some(Claim {
            _lock: lock,
            state: data_dir.join(STATE_FILE),
            instance: random(),
            control: Secret::new(format!("{}{}", random(), random())),
        }))
    }

    /// The instance id `/status` answers with, and the key `/control/stop` asks for.
    pub(crate) fn identity(&self) -> (String, Secret) {
        (self.instance.clone(), self.control.clone())
    }

    /// Says where the gateway listens: written whole (a private temp file renamed over).
    pub fn publish(&self, address: &str) -> Result<()> {
        let mut text = serde_json::json!({
            "pid": std::process::id(),
            "address": address,
            "instance": self.instance,
            "version": env!("CARGO_PKG_VERSION"),
            "started_at": crate::clock::now(),
            "control": self.control.expose(),
        })
        .to_string();
        text.push('\n');
        let temp = self
            .state
            .with_extension(format!("json.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&temp);
        crate::paths::private_file(&temp).map_err(|e| io_error("write", &temp, e))?;
        std::fs::write(&temp, text).map_err(|e| io_error("write", &temp, e))?;
        std::fs::rename(&temp, &self.state).map_err(|e| io_error("write", &self.state, e))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // Only our own state goes: the lock is still ours, so no other gateway wrote it.
        if read_published(&self.state).is_some_and(|p| p.instance == self.instance) {
            let _ = std::fs::remove_file(&self.state);
        }
    }
}

/// Moves `log` to `<log>.1` (replacing an older one) once it has grown past `limit`. Best
/// effort: a log that cannot be moved is appended to as before.
fn rotate_if_large(log: &Path, limit: u64) {
    if std::fs::metadata(log).is_ok_and(|m| m.len() > limit) {
        let mut aside = log.as_os_str().to_owned();
        aside.push(".1");
        let _ = std::fs::rename(log, aside);
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::internal(format!("cannot {what} {}: {e}", path.display()))
}

fn read_published(path: &Path) -> Option<Published> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// The user's background gateway of one data dir (`patchbay serve --background`): whether
/// it runs, starting it, stopping it. It needs no open store: the data dir's files say it all.
#[derive(Debug, Clone)]
pub struct Daemon {
    data_dir: PathBuf,
}

impl Daemon {
    pub fn of(data_dir: &Path) -> Daemon {
        Daemon {
            data_dir: data_dir.to_path_buf(),
        }
    }

    /// The gateway, if one answers where it published itself.
    pub async fn status(&self) -> DaemonStatus {
        status(&self.data_dir).await
    }

    /// Where the gateway says it listens, if it has said so yet.
    pub fn published_address(&self) -> Option<String> {
        read_published(&self.data_dir.join(STATE_FILE)).map(|p| p.address)
    }

    /// A gateway, running: started in the background with `exe` (the `patchbay` CLI) when
    /// none runs. The new process has its own session and process group: it outlives whoever
    /// started it, and no client's exit or signal to its group takes it down.
    pub async fn ensure_running(&self, exe: &Path) -> Result<DaemonStatus> {
        ensure_running(exe, &self.data_dir).await
    }

    /// The gateway of this version of Patchbay, running: as `ensure_running`, but one that
    /// runs another version is restarted first (after an upgrade it would serve the old code
    /// until the next login). For the user's own start (the app, `gateway start`), not for a
    /// bridge, whose restart would cut every other client's sessions.
    pub async fn ensure_current(&self, exe: &Path) -> Result<DaemonStatus> {
        let now = self.status().await;
        if now.running && now.version.as_deref() != Some(env!("CARGO_PKG_VERSION")) {
            tracing::info!(running = ?now.version, "restarting the gateway of another Patchbay");
            if let Err(err) = self.stop().await {
                tracing::warn!(error = %err, "the old gateway did not stop");
            }
        }
        self.ensure_running(exe).await
    }

    /// Asks the gateway to stop, and waits until it has (its call log flushed).
    /// `Ok(false)`: none was running.
    pub async fn stop(&self) -> Result<bool> {
        stop(&self.data_dir).await
    }
}

async fn status(data_dir: &Path) -> DaemonStatus {
    let Some(published) = read_published(&data_dir.join(STATE_FILE)) else {
        return DaemonStatus::stopped(data_dir);
    };
    match probe(&published).await {
        Some(status) => DaemonStatus {
            running: true,
            address: Some(published.address),
            pid: Some(published.pid),
            version: Some(published.version),
            started_at: Some(published.started_at),
            data_dir: data_dir.to_string_lossy().into_owned(),
            status: Some(status),
        },
        None => DaemonStatus::stopped(data_dir),
    }
}

/// `/status` of the published address, if it is the published instance that answers.
async fn probe(published: &Published) -> Option<GatewayStatus> {
    let client = crate::net::http_client().ok()?;
    let response = client
        .get(format!("{}/status", published.address))
        .header(CONTROL_HEADER, published.control.expose())
        .timeout(PROBE_TIMEOUT)
        .send()
        .await
        .ok()?;
    let status: GatewayStatus = response.json().await.ok()?;
    (status.instance.as_deref() == Some(published.instance.as_str())).then_some(status)
}

async fn ensure_running(exe: &Path, data_dir: &Path) -> Result<DaemonStatus> {
    let now = status(data_dir).await;
    if now.running {
        return Ok(now);
    }
    let (exe, dir) = (exe.to_path_buf(), data_dir.to_path_buf());
    tokio::task::spawn_blocking(move || spawn_and_wait(&exe, &dir)).await??;
    let started = status(data_dir).await;
    if started.running {
        Ok(started)
    } else {
        Err(Error::new(
            ErrorCode::Network,
            format!(
                "the gateway said it started but does not answer; see {}",
                data_dir.join(LOG_FILE).display()
            ),
        ))
    }
}

fn spawn_and_wait(exe: &Path, data_dir: &Path) -> Result<()> {
    let log_path = data_dir.join(LOG_FILE);
    crate::paths::ensure_dir(data_dir)?;
    rotate_if_large(&log_path, LOG_ROTATE_BYTES);
    crate::paths::private_file(&log_path).map_err(|e| io_error("open", &log_path, e))?;
    let log = File::options()
        .append(true)
        .open(&log_path)
        .map_err(|e| io_error("open", &log_path, e))?;
    let mut command = Command::new(exe);
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--background"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log);
    detach(&mut command);
    let mut child = command.spawn().map_err(|e| {
        Error::internal(format!("cannot start the gateway ({}): {e}", exe.display()))
    })?;
    let stdout = child.stdout.take().expect("stdout is piped");
    // The first line says it listens (or that another gateway of this data dir does); EOF
    // without it means it failed, and its log says why.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
    // Reap it whenever it ends, so no zombie stays behind this process.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    if line.starts_with(READY_PREFIX) {
        return Ok(());
    }
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let tail: Vec<&str> = log.lines().rev().take(6).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(Error::new(
        ErrorCode::Network,
        format!(
            "the gateway did not start within {} s: {}",
            START_TIMEOUT.as_secs(),
            if tail.is_empty() {
                format!("nothing in {}", log_path.display())
            } else {
                tail.join("\n")
            }
        ),
    ))
}

#[cfg(unix)]
fn detach(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid is async-signal-safe and touches nothing of the parent's.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(windows)]
fn detach(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    const DETACHED_PROCESS: u32 = 0x0000_0008;
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    command.creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP | CREATE_NO_WINDOW);
}

async fn stop(data_dir: &Path) -> Result<bool> {
    let path = data_dir.join(STATE_FILE);
    let Some(published) = read_published(&path) else {
        return Ok(false);
    };
    if probe(&published).await.is_none() {
        return Ok(false);
    }
    let client = crate::net::http_client()?;
    client
        .post(format!("{}/control/stop", published.address))
        .header(CONTROL_HEADER, published.control.expose())
        .timeout(PROBE_TIMEOUT)
        .send()
        .await
        .map_err(|e| {
            Error::new(
                ErrorCode::Network,
                format!("the gateway did not take the stop: {e}"),
            )
        })?
        .error_for_status()
        .map_err(|e| {
            Error::new(
                ErrorCode::Network,
                format!("the gateway refused the stop: {e}"),
            )
        })?;
    let deadline = Instant::now() + STOP_TIMEOUT;
    let lock_path = data_dir.join(LOCK_FILE);
    loop {
        // Stopped means the lock is free (the process has let go of the data dir), or another
        // gateway holds it already (a client asked for one meanwhile).
        if let Ok(file) = File::options().read(true).write(true).open(&lock_path)
            && file.try_lock().is_ok()
        {
            return Ok(true);
        }
        if read_published(&path).is_some_and(|p| p.instance != published.instance) {
            return Ok(true);
        }
        if Instant::now() > deadline {
            return Err(Error::new(
                ErrorCode::Network,
                format!(
                    "the gateway (pid {}) did not stop within {} s",
                    published.pid,
                    STOP_TIMEOUT.as_secs()
                ),
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_log_is_moved_aside_and_a_small_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join(LOG_FILE);
        std::fs::write(&log, vec![b'x'; 100]).unwrap();
        rotate_if_large(&log, 1000);
        assert_eq!(
            std::fs::metadata(&log).unwrap().len(),
            100,
            "under the limit: kept"
        );
        std::fs::write(dir.path().join("gateway.log.1"), b"older").unwrap();
        std::fs::write(&log, vec![b'y'; 2000]).unwrap();
        rotate_if_large(&log, 1000);
        assert!(!log.exists(), "the next gateway starts a fresh log");
        let aside = std::fs::read(dir.path().join("gateway.log.1")).unwrap();
        assert_eq!(
            aside,
            vec![b'y'; 2000],
            "the large one replaced the older one"
        );
    }
}
