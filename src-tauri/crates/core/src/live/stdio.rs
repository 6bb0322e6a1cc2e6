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
#[derive(Clone, Default)]
pub(crate) struct StderrTail(Arc<Mutex<Vec<u8>>>);

impl StderrTail {
    fn push(&self, chunk: &[u8]) {
        let mut buf = self.0.lock().unwrap_or_else(|e| e.into_inner());
        buf.extend_from_slice(chunk);
        if buf.len() > STDERR_TAIL_BYTES {
            let cut = buf.len() - STDERR_TAIL_BYTES;
            buf.drain(..cut);
        }
    }

    pub fn text(&self) -> String {
        let buf = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&buf).trim().to_string()
    }
}

pub(crate) fn spawn(
    command: &str,
    args: &[String],
    env: &[(String, Secret)],
    cwd: Option<&std::path::Path>,
) -> Result<(TokioChildProcess, StderrTail)> {
    let mut cmd = tokio::process::Command::new(command);
    cmd.args(args);
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
    let tail = StderrTail::default();
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
