//! The CLI contract of the README, end to end.

use serde_json::Value;

use crate::support::{BIN, Cli};

const API_KEY: &str = "sk-contract-test-5d41402abc4b2a76";

#[test]
fn workspace_commands_and_their_error_codes() {
    let cli = Cli::new();
    let list = cli.run(&["--json", "workspace", "list"]).ok().json();
    let names: Vec<&str> = list["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default"]);

    let created = cli
        .run(&["--json", "workspace", "create", "Work"])
        .ok()
        .json();
    assert_eq!(created["name"], "Work");
    assert_eq!(created["is_default"], false);

    let dup = cli.run(&["--json", "workspace", "create", "work"]);
    assert_eq!(dup.code, 4);
    assert_eq!(dup.error()["code"], "conflict");

    cli.run(&["--json", "workspace", "rename", "Work", "Clients"])
        .ok();
    assert_eq!(
        cli.run(&["--json", "workspace", "rename", "Work", "X"])
            .code,
        3
    );

    cli.run(&[
        "--workspace",
        "Clients",
        "server",
        "create",
        "--name",
        "a",
        "--url",
        "https://a.example.com/mcp",
    ])
    .ok();
    let refused = cli.run(&["--json", "workspace", "delete", "Clients"]);
    assert_eq!(
        (refused.code, refused.error()["code"].as_str()),
        (4, Some("conflict"))
    );
    let purged = cli
        .run(&["--json", "workspace", "delete", "Clients", "--purge"])
        .ok()
        .json();
    assert_eq!(purged["name"], "Clients");
    assert_eq!(
        cli.run(&["--json", "workspace", "list"]).ok().json()["workspaces"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn server_lifecycle_with_an_api_key() {
    let cli = Cli::new();
    let created = cli
        .run_with_stdin(
            &[
                "--json",
                "server",
                "create",
                "--name",
                "github",
                "--url",
                "https://api.example.com/mcp",
                "--description",
                "Code",
                "--auth",
                "api_key",
                "--api-key-header",
                "X-API-Key",
                "--api-key-stdin",
            ],
            &format!("{API_KEY}\n"),
        )
        .ok();
    assert!(!created.stdout.contains(API_KEY) && !created.stderr.contains(API_KEY));
    let server = created.json();
    for field in [
        "id",
        "workspace_id",
        "name",
        "description",
        "transport",
        "url",
        "auth_type",
        "is_enabled",
        "status",
        "error_message",
        "last_synced",
        "last_successful_sync",
        "created_at",
        "updated_at",
        "deleted_at",
    ] {
        assert!(
            server.get(field).is_some(),
            "missing field {field}: {server}"
        );
    }
    assert_eq!(server["transport"], "streamable_http");
    assert_eq!(server["status"], "pending");
    assert_eq!(server["auth_type"], "api_key");
    assert_eq!(server["api_key_redacted"], "…2a76");
    assert_eq!(server["deleted_at"], Value::Null);
    let id = server["id"].as_str().unwrap().to_string();

    // get by name and by id; the human card shows the key redacted too.
    assert_eq!(
        cli.run(&["--json", "server", "get", "github"]).ok().json()["id"],
        id.as_str()
    );
    let card = cli.run(&["server", "get", &id]).ok().stdout;
    assert!(
        card.contains("github") && card.contains("…2a76") && !card.contains(API_KEY),
        "{card}"
    );

    // update: flags not given stay as they were.
    let updated = cli
        .run(&[
            "--json",
            "server",
            "update",
            "github",
            "--enabled",
            "false",
            "--description",
            "Repos",
        ])
        .ok()
        .json();
    assert_eq!(
        (
            updated["is_enabled"].as_bool(),
            updated["description"].as_str()
        ),
        (Some(false), Some("Repos"))
    );
    assert_eq!(updated["url"], server["url"]);
    assert_eq!(updated["api_key_redacted"], "…2a76");
    let rekeyed = cli
        .run_with_stdin(
            &["--json", "server", "update", "github", "--api-key-stdin"],
            "new-key-value-000000beef",
        )
        .ok()
        .json();
    assert_eq!(rekeyed["api_key_redacted"], "…beef");
    assert_eq!(rekeyed["is_enabled"], false);

    // duplicate, delete, restore, purge.
    let dup = cli.run(&[
        "--json",
        "server",
        "create",
        "--name",
        "GitHub",
        "--url",
        "https://other.example.com",
    ]);
    assert_eq!(dup.code, 4);
    assert_eq!(dup.error()["code"], "conflict");
    assert_eq!(dup.error()["field"], "name");

    let deleted = cli
        .run(&["--json", "server", "delete", "github"])
        .ok()
        .json();
    assert!(deleted["deleted_at"].is_string());
    assert_eq!(
        cli.run(&["--json", "server", "list"]).ok().json()["servers"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let gone = cli
        .run(&["--json", "server", "list", "--deleted"])
        .ok()
        .json();
    assert_eq!(gone["servers"][0]["id"], id.as_str());
    assert_eq!(
        cli.run(&["--json", "server", "restore", "github"])
            .ok()
            .json()["deleted_at"],
        Value::Null
    );
    cli.run(&["--json", "server", "purge", "github"]).ok();
    let missing = cli.run(&["--json", "server", "get", &id]);
    assert_eq!(
        (missing.code, missing.error()["code"].as_str()),
        (3, Some("not_found"))
    );
}

#[test]
fn stdio_servers_take_args_env_and_secret_env() {
    let cli = Cli::new();
    let server = cli
        .run(&[
            "--json",
            "server",
            "create",
            "--name",
            "fs",
            "--command",
            "npx",
            "--arg",
            "-y",
            "--arg",
            "@modelcontextprotocol/server-filesystem",
            "--env",
            "LOG=debug",
            "--secret-env",
            "TOKEN=ghp_0123456789abcdefWXYZ",
        ])
        .ok()
        .json();
    assert_eq!(server["transport"], "stdio");
    assert_eq!(
        server["args"],
        serde_json::json!(["-y", "@modelcontextprotocol/server-filesystem"])
    );
    assert_eq!(server["env"]["LOG"], "debug");
    assert_eq!(server["secret_env"]["TOKEN"], "…WXYZ");
    let updated = cli
        .run(&[
            "--json",
            "server",
            "update",
            "fs",
            "--unset-env",
            "LOG",
            "--arg",
            "/tmp",
        ])
        .ok()
        .json();
    assert_eq!(updated["env"], serde_json::json!({}));
    assert_eq!(updated["args"], serde_json::json!(["/tmp"]));
    assert_eq!(updated["secret_env"]["TOKEN"], "…WXYZ");
}

#[test]
fn list_pages_with_limit_and_cursor() {
    let cli = Cli::new();
    for i in 0..7 {
        cli.run(&[
            "server",
            "create",
            "--name",
            &format!("s{i}"),
            "--url",
            &format!("https://s{i}.example.com/mcp"),
        ])
        .ok();
    }
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut args = vec!["--json", "server", "list", "--limit", "3"];
        if let Some(c) = cursor.as_deref() {
            args.extend(["--cursor", c]);
        }
        let page = cli.run(&args).ok().json();
        pages += 1;
        names.extend(
            page["servers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["name"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["s0", "s1", "s2", "s3", "s4", "s5", "s6"]);

    let with_tools = cli
        .run(&[
            "--json",
            "server",
            "list",
            "--include",
            "tools",
            "--limit",
            "1",
        ])
        .ok()
        .json();
    assert_eq!(with_tools["servers"][0]["tools"], serde_json::json!([]));
    let newest = cli
        .run(&[
            "--json", "server", "list", "--sort", "name", "--desc", "--limit", "1",
        ])
        .ok()
        .json();
    assert_eq!(newest["servers"][0]["name"], "s6");
    let table = cli.run(&["server", "list", "--search", "s4"]).ok().stdout;
    assert!(
        table.starts_with("NAME") && table.contains("s4") && !table.contains("s5"),
        "{table}"
    );
}

#[test]
fn errors_have_codes_and_exit_codes() {
    let cli = Cli::new();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--json", "server", "get", "nope"], 3, "not_found"),
        (
            &[
                "--json",
                "server",
                "create",
                "--name",
                "x",
                "--url",
                "not a url",
            ],
            5,
            "validation",
        ),
        (
            &[
                "--json",
                "server",
                "create",
                "--name",
                "",
                "--url",
                "https://e.example.com",
            ],
            5,
            "validation",
        ),
        (
            &[
                "--json",
                "server",
                "create",
                "--name",
                "x",
                "--url",
                "https://e.example.com",
                "--auth",
                "api_key",
            ],
            5,
            "validation",
        ),
        (
            &["--json", "server", "list", "--cursor", "garbage"],
            5,
            "validation",
        ),
        (&["--json", "server", "frobnicate"], 2, "usage"),
        (&["--json", "server", "create", "--name", "x"], 2, "usage"),
        (
            &["--json", "server", "update", "x", "--enabled", "maybe"],
            2,
            "usage",
        ),
        (
            &["--json", "--workspace", "missing", "server", "list"],
            3,
            "not_found",
        ),
    ];
    for (args, code, name) in cases {
        let run = cli.run(args);
        assert_eq!(run.code, *code, "{args:?}: {}", run.stderr);
        assert_eq!(run.error()["code"], *name, "{args:?}");
        assert!(
            run.error()["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert!(
            run.stdout.is_empty(),
            "{args:?} printed to stdout: {}",
            run.stdout
        );
    }
    let plain = cli.run(&["server", "get", "nope"]);
    assert_eq!(plain.code, 3);
    assert!(
        plain.stderr.starts_with("error (not_found):"),
        "{}",
        plain.stderr
    );
}

#[test]
fn the_data_dir_comes_from_the_environment_too() {
    let cli = Cli::new();
    let run = std::process::Command::new(BIN)
        .args([
            "--json",
            "server",
            "create",
            "--name",
            "env-dir",
            "--url",
            "https://e.example.com/mcp",
        ])
        .env("PATCHBAY_DATA_DIR", cli.data_dir())
        .env("PATCHBAY_KEYRING_SERVICE", &cli.keyring_service)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(cli.db_path().exists());
    assert_eq!(
        cli.run(&["--json", "server", "get", "env-dir"]).ok().json()["name"],
        "env-dir"
    );
}

#[test]
fn workspaces_keep_their_servers_apart() {
    let cli = Cli::new();
    cli.run(&["workspace", "create", "other"]).ok();
    cli.run(&[
        "--workspace",
        "other",
        "server",
        "create",
        "--name",
        "only-here",
        "--url",
        "https://o.example.com",
    ])
    .ok();
    assert_eq!(cli.run(&["--json", "server", "get", "only-here"]).code, 3);
    cli.run(&[
        "--json",
        "--workspace",
        "other",
        "server",
        "get",
        "only-here",
    ])
    .ok();
}

#[test]
fn two_processes_writing_one_data_dir_at_once_lose_nothing() {
    let cli = std::sync::Arc::new(Cli::new());
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let cli = cli.clone();
            std::thread::spawn(move || {
                for i in 0..15 {
                    let name = format!("p{w}-{i}");
                    cli.run(&[
                        "server",
                        "create",
                        "--name",
                        &name,
                        "--url",
                        "https://c.example.com/mcp",
                    ])
                    .ok();
                    cli.run(&["server", "update", &name, "--description", "both"])
                        .ok();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("a writer failed");
    }
    let list = cli
        .run(&["--json", "server", "list", "--limit", "100"])
        .ok()
        .json();
    let servers = list["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 30);
    assert!(servers.iter().all(|s| s["description"] == "both"));
}
