//! What the benchmarks share: starting servers on free loopback ports (stopped with their
//! process group), finding installed tools, timing commands, and the `patchbay` CLI on a
//! data dir of the benchmark's own.

#![allow(dead_code)] // each bench uses its own subset

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const CLI: &str = env!("CARGO_BIN_EXE_patchbay");

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// A server process, killed with its process group when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.0.id() as i32;
        // SAFETY: signals the process group this benchmark created for the server.
        unsafe {
            libc::killpg(pid, libc::SIGKILL);
        }
        let _ = self.0.wait();
    }
}

pub fn start(mut command: Command, port: u16, what: &str) -> Server {
    use std::os::unix::process::CommandExt;
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    let child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not listen on {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50)); // polling a port, bounded above
    }
    server
}

pub fn need(path: &Path, how: &str) -> PathBuf {
    assert!(path.exists(), "{} is missing: {how}", path.display());
    path.to_path_buf()
}

pub fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

pub fn timed(mut command: Command) -> f64 {
    let started = Instant::now();
    let out = command.output().expect("the command runs");
    let ms = started.elapsed().as_secs_f64() * 1e3;
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    ms
}

pub fn patchbay(data: &Path) -> Command {
    let mut c = Command::new(CLI);
    c.env("PATCHBAY_DATA_DIR", data)
        .env("PATCHBAY_KEYRING_SERVICE", "patchbay-bench");
    c
}

/// `patchbay serve` on a free port of the data dir, stopped when dropped; and its address.
pub fn serve(data: &Path) -> (Server, String) {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    let mut serve = patchbay(data);
    serve
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0);
    let mut serve = Server(serve.spawn().expect("patchbay serve starts"));
    let mut first = String::new();
    std::io::BufReader::new(serve.0.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("the address line");
    let address = first
        .trim()
        .strip_prefix("listening on ")
        .expect("serve says where it listens")
        .to_string();
    (serve, address)
}

/// `patchbay ARGS --json` on the data dir, parsed; the benchmark stops if it fails.
pub fn cli_json(data: &Path, args: &[&str]) -> serde_json::Value {
    let out = patchbay(data)
        .args(args)
        .arg("--json")
        .output()
        .expect("patchbay runs");
    assert!(
        out.status.success(),
        "patchbay {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// A field of a `/proc/<pid>` file, in KiB (`VmRSS:` of `status`, `Pss:` of `smaps_rollup`).
pub fn proc_kib(pid: u32, file: &str, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).expect("a proc file");
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/{file}"))
}

/// `--quick`, or a run by `cargo test --all-targets` (benches run as tests: stay quick then).
pub fn quick() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--quick") || !args.iter().any(|a| a == "--bench")
}

/// npm server-everything over Streamable HTTP, synced as `every` into a secure portal `Bench`
/// on the data dir; stopped when dropped.
pub struct EverythingPortal {
    pub upstream: String,
    pub portal_id: String,
    pub token: String,
    _server: Server,
}

/// The portal every gateway bench measures; `None` (after saying so) for a quick run without
/// the npm test servers installed.
pub fn everything_portal(data: &Path, bench: &str, quick: bool) -> Option<EverythingPortal> {
    let everything = root()
        .join("tests/servers/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    if quick && !everything.exists() {
        println!("{bench} bench: skipped (tests/servers/node_modules missing)");
        return None;
    }
    let everything = need(
        &everything,
        "run `npm ci` in tests/servers (make bench does)",
    );
    let port = free_port();
    let mut cmd = Command::new("node");
    cmd.arg(&everything)
        .arg("streamableHttp")
        .env("PORT", port.to_string());
    let server = start(cmd, port, "server-everything");
    let upstream = format!("http://127.0.0.1:{port}/mcp");
    cli_json(
        data,
        &["server", "create", "--name", "every", "--url", &upstream],
    );
    cli_json(data, &["server", "sync", "every"]);
    let portal = cli_json(data, &["portal", "create", "--name", "Bench"]);
    cli_json(data, &["portal", "add-server", "Bench", "every"]);
    let text = |key: &str| {
        portal[key]
            .as_str()
            .expect("the portal's id and token")
            .to_string()
    };
    Some(EverythingPortal {
        upstream,
        portal_id: text("id"),
        token: text("token"),
        _server: server,
    })
}
