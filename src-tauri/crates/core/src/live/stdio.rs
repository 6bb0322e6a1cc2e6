//! Stdio servers: the command runs as the leader of its own process group, so that ending the
//! session ends every process it started; its stderr is kept (the last part of it) for the UI.

use std::process::Stdio;
use std::sync::{Arc, Mutex};

use process_wrap::tokio::{CommandWrap, KillOnDrop, ProcessGroup};
use rmcp::transport::TokioChildProcess;
use tokio::io::AsyncReadExt;

use crate::error::{ConnectionCategory, Error, Result};
use crate::secret::Secret;

/// How much of a server's stderr is kept: enough for a stack trace, bounded for a chatty one.
const STDERR_TAIL_BYTES: usize = 16 * 1024;

/// The end of what a child wrote to stderr, filled while it runs.
#[derive(Clone)]
pub(crate) struct StderrTail {
    buf: Arc<Mutex<Vec<u8>>>,
    /// Becomes true when the child closed its stderr (usually: it exited).
    closed: tokio::sync::watch::Receiver<bool>,
}

impl StderrTail {
    /// Waits (at most `bound`) until the child's stderr is closed, so that an error about a
    /// process that just died carries everything it said.
    pub async fn settled(&self, bound: std::time::Duration) {
        let mut closed = self.closed.clone();
        let _ = tokio::time::timeout(bound, closed.wait_for(|c| *c)).await;
    }

    fn push(&self, chunk: &[u8]) {
        let mut buf = crate::lock(&self.buf);
        buf.extend_from_slice(chunk);
        if buf.len() > STDERR_TAIL_BYTES {
            let cut = buf.len() - STDERR_TAIL_BYTES;
            buf.drain(..cut);
        }
    }

    pub fn text(&self) -> String {
        let buf = crate::lock(&self.buf);
        String::from_utf8_lossy(&buf).trim().to_string()
    }
}

pub(crate) fn spawn(
    command: &str,
    args: &[String],
    env: &[(String, Secret)],
    inherit_env: bool,
    cwd: Option<&std::path::Path>,
) -> Result<(TokioChildProcess, StderrTail)> {
    let mut cmd = tokio::process::Command::new(command);
    cmd.args(args);
    if !inherit_env {
        cmd.env_clear()
            .envs(super::stdio_env::allow_listed(std::env::vars_os()));
    }
    for (name, value) in env {
        cmd.env(name, value.expose());
    }
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let mut wrapped = CommandWrap::from(cmd);
    wrapped.wrap(ProcessGroup::leader()).wrap(KillOnDrop);
    let (child, stderr) = TokioChildProcess::builder(wrapped)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| {
            let category = ConnectionCategory::Protocol;
            let hint = if err.kind() == std::io::ErrorKind::NotFound {
                "; check that the program is installed and on PATH, or give its full path"
            } else {
                ""
            };
            Error::connection(category, format!("cannot start '{command}': {err}{hint}"))
                .with_source(err)
        })?;
    let (closed_tx, closed) = tokio::sync::watch::channel(stderr.is_none());
    let tail = StderrTail {
        buf: Arc::default(),
        closed,
    };
    if let Some(mut stderr) = stderr {
        let tail = tail.clone();
        tokio::spawn(async move {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                tail.push(&chunk[..n]);
            }
            let _ = closed_tx.send(true);
        });
    }
    Ok((child, tail))
}

/// Kills what is left of a stdio server's process group when the session ends: rmcp stops
/// the leader, but a launcher like `npx` leaves its children behind otherwise.
pub(crate) struct ProcessGroupGuard(Option<u32>);

impl ProcessGroupGuard {
    pub fn new(leader: Option<u32>) -> Self {
        ProcessGroupGuard(leader)
    }
}

impl Drop for ProcessGroupGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pgid) = self.0.take().and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: killpg only sends a signal; the group is the one this session created.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }
}
