//! The search benchmark's corpus: the servers `tests/bench/corpus/servers.json` names, run
//! from what `tests/bench/corpus/env.sh` installed, created and synced in Patchbay.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::support::{self, cli_json};
use super::{corpus_dir, read_json};

/// One server of the corpus, as `servers.json` says to run it.
pub struct CorpusServer {
    pub name: String,
    pub package: String,
    command: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

pub fn corpus_servers(scratch: &Path) -> Vec<CorpusServer> {
    let bin = |registry: &str| {
        let var = match registry {
            "npm" => "PATCHBAY_CORPUS_NPM_BIN",
            "pypi" => "PATCHBAY_CORPUS_PYPI_BIN",
            other => panic!("servers.json names registry {other}"),
        };
        PathBuf::from(std::env::var(var).unwrap_or_else(|_| {
            panic!("{var} is not set: run the bench with `make bench` (tests/bench/corpus/env.sh)")
        }))
    };
    let fill = |s: &str| s.replace("{scratch}", &scratch.display().to_string());
    read_json(&corpus_dir().join("servers.json"))["servers"]
        .as_array()
        .expect("servers.json has servers")
        .iter()
        .map(|s| {
            let text = |k: &str| s[k].as_str().unwrap_or_default().to_string();
            CorpusServer {
                name: text("name"),
                package: text("package"),
                command: support::need(
                    &bin(s["registry"].as_str().unwrap_or_default()).join(text("bin")),
                    "run tests/bench/corpus/env.sh (make bench does)",
                ),
                args: s["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(fill)
                    .collect(),
                env: s["env"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), fill(v.as_str().unwrap_or_default())))
                    .collect(),
            }
        })
        .collect()
}

/// The version of a corpus package that its pins installed.
pub fn version_of(package: &str) -> String {
    let npm: Value = read_json(&corpus_dir().join("package.json"));
    if let Some(v) = npm["dependencies"][package].as_str() {
        return v.to_string();
    }
    let pins = std::fs::read_to_string(corpus_dir().join("requirements.txt")).unwrap_or_default();
    pins.lines()
        .find_map(|l| l.strip_prefix(&format!("{package}==")))
        .unwrap_or_else(|| {
            panic!("{package} is pinned in neither package.json nor requirements.txt")
        })
        .to_string()
}

/// Creates and syncs every corpus server under `suffix`, in portal `portal`; how many tools
/// each brought.
pub fn create_and_sync(
    data: &Path,
    servers: &[CorpusServer],
    suffix: &str,
    portal: &str,
) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    for server in servers {
        let name = format!("{}{suffix}", server.name);
        let mut args = vec![
            "server".to_string(),
            "create".into(),
            "--name".into(),
            name.clone(),
            "--command".into(),
            server.command.display().to_string(),
            "--sync".into(),
            "--timeout".into(),
            "120".into(),
        ];
        for arg in &server.args {
            args.push(format!("--arg={arg}"));
        }
        for (k, v) in &server.env {
            args.push("--env".into());
            args.push(format!("{k}={v}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cli_json(data, &args);
        let tools = cli_json(data, &["tool", "list", &name]);
        let tools = tools["tools"].as_array().map_or(0, Vec::len);
        assert!(tools > 0, "{name} ({}) listed no tools", server.package);
        cli_json(data, &["portal", "add-server", portal, &name]);
        found.insert(server.name.clone(), tools);
    }
    found
}
