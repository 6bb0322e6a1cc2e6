use std::collections::{BTreeMap, HashSet};

use patchbay_core::servers::{
    AuthType, NewServer, ServerPatch, ServerQuery, ServerStatus, Transport,
};
use patchbay_core::{ErrorCode, Secret};

use crate::support::{TestCore, http, with_key};

#[test]
fn create_fills_defaults_and_get_finds_by_id_or_name() {
    let t = TestCore::new();
    let created = t.core.create_server(&t.workspace, http("GitHub")).unwrap();
    assert_eq!(created.transport, Transport::StreamableHttp);
    assert_eq!(created.auth_type, AuthType::None);
    assert_eq!(created.status, ServerStatus::Pending);
    assert!(created.is_enabled);
    assert_eq!(created.created_at, created.updated_at);
    assert!(created.deleted_at.is_none() && created.last_synced.is_none());

    assert_eq!(
        t.core.get_server(&t.workspace, &created.id).unwrap(),
        created
    );
    assert_eq!(
        t.core.get_server(&t.workspace, "github").unwrap().id,
        created.id,
        "names match case-insensitively"
    );
    let missing = t.core.get_server(&t.workspace, "gitlab").unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
}

#[test]
fn stdio_servers_keep_command_args_env_and_secret_env_apart() {
    let t = TestCore::new();
    let input = NewServer {
        name: "files".into(),
        command: Some("npx".into()),
        args: vec![
            "-y".into(),
            "@modelcontextprotocol/server-filesystem".into(),
        ],
        env: BTreeMap::from([("LOG".into(), "debug".into())]),
        secret_env: BTreeMap::from([("TOKEN".into(), Secret::new("ghp_abcdefghijklmnop1234"))]),
        ..NewServer::default()
    };
    let server = t.core.create_server(&t.workspace, input).unwrap();
    assert_eq!(server.transport, Transport::Stdio);
    assert_eq!(
        server.args,
        ["-y", "@modelcontextprotocol/server-filesystem"]
    );
    assert_eq!(server.env.get("LOG").map(String::as_str), Some("debug"));
    assert_eq!(
        server.secret_env.get("TOKEN").map(String::as_str),
        Some("…1234")
    );
    assert_eq!(
        t.secrets.len(),
        1,
        "the secret variable is in the secret store"
    );
}

#[test]
fn duplicate_live_names_conflict_at_the_name_field() {
    let t = TestCore::new();
    t.core.create_server(&t.workspace, http("linear")).unwrap();
    let err = t
        .core
        .create_server(&t.workspace, http("Linear"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(err.field.as_deref(), Some("name"));

    // Another workspace may use the name.
    let other = t.core.create_workspace("work").unwrap();
    t.core.create_server(&other.id, http("linear")).unwrap();
}

#[test]
fn a_rejected_duplicate_leaves_no_secret_behind() {
    let t = TestCore::new();
    t.core
        .create_server(&t.workspace, with_key("stripe", "sk_live_000000000000aaaa"))
        .unwrap();
    let err = t
        .core
        .create_server(&t.workspace, with_key("stripe", "sk_live_000000000000bbbb"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(t.secrets.len(), 1);
}

#[test]
fn bad_input_gets_validation_errors_naming_the_field() {
    let t = TestCore::new();
    let cases: Vec<(NewServer, &str)> = vec![
        (http(""), "name"),
        (http(&"n".repeat(101)), "name"),
        (
            NewServer {
                url: Some("mcp.example.com".into()),
                ..http("a")
            },
            "url",
        ),
        (
            NewServer {
                url: Some("ftp://example.com".into()),
                ..http("a")
            },
            "url",
        ),
        (
            NewServer {
                name: "a".into(),
                ..NewServer::default()
            },
            "url",
        ),
        (
            NewServer {
                name: "a".into(),
                transport: Some(Transport::Stdio),
                ..NewServer::default()
            },
            "command",
        ),
        (
            NewServer {
                name: "a".into(),
                command: Some("  ".into()),
                ..NewServer::default()
            },
            "command",
        ),
        (
            NewServer {
                auth_type: Some(AuthType::ApiKey),
                ..http("a")
            },
            "api_key",
        ),
        (
            NewServer {
                api_key_header: Some("X-Key".into()),
                ..http("a")
            },
            "api_key_header",
        ),
        (
            NewServer {
                api_key: Some(Secret::new("k")),
                api_key_header: Some("bad header".into()),
                ..http("a")
            },
            "api_key_header",
        ),
        (
            NewServer {
                auth_type: Some(AuthType::Oauth),
                api_key: Some(Secret::new("k")),
                ..http("a")
            },
            "api_key",
        ),
        (
            NewServer {
                name: "a".into(),
                command: Some("x".into()),
                auth_type: Some(AuthType::Oauth),
                ..NewServer::default()
            },
            "auth_type",
        ),
        (
            NewServer {
                env: BTreeMap::from([("A".into(), "1".into())]),
                ..http("a")
            },
            "command",
        ),
    ];
    for (input, field) in cases {
        let label = format!("{input:?}");
        let err = t.core.create_server(&t.workspace, input).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{label}");
        assert_eq!(
            err.field.as_deref(),
            Some(field),
            "{label}: {}",
            err.message
        );
    }
    assert_eq!(
        t.core
            .list_servers(&t.workspace, &ServerQuery::default())
            .unwrap()
            .servers
            .len(),
        0
    );
    assert!(t.secrets.is_empty());
}

#[test]
fn update_changes_only_what_the_patch_names() {
    let t = TestCore::new();
    let original = t
        .core
        .create_server(&t.workspace, with_key("notion", "secret_notion_key_9f2c"))
        .unwrap();
    let patch = ServerPatch {
        description: Some("Docs".into()),
        ..ServerPatch::default()
    };
    let updated = t.core.update_server(&t.workspace, "notion", patch).unwrap();
    assert_eq!(updated.description, "Docs");
    assert_eq!(updated.url, original.url);
    assert_eq!(updated.api_key_redacted.as_deref(), Some("…9f2c"));
    assert_eq!(updated.api_key_header.as_deref(), Some("X-API-Key"));
    assert!(updated.updated_at >= original.updated_at);

    let disabled = t
        .core
        .update_server(
            &t.workspace,
            &original.id,
            ServerPatch {
                is_enabled: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(!disabled.is_enabled);
    assert_eq!(disabled.description, "Docs");
}

#[test]
fn replacing_an_api_key_drops_the_old_keyring_entry() {
    let t = TestCore::new();
    t.core
        .create_server(&t.workspace, with_key("sentry", "first-key-000000001111"))
        .unwrap();
    let patch = ServerPatch {
        api_key: Some(Secret::new("second-key-0000002222")),
        ..Default::default()
    };
    let server = t.core.update_server(&t.workspace, "sentry", patch).unwrap();
    assert_eq!(server.api_key_redacted.as_deref(), Some("…2222"));
    assert_eq!(t.secrets.len(), 1);

    let none = ServerPatch {
        auth_type: Some(AuthType::None),
        ..Default::default()
    };
    let server = t.core.update_server(&t.workspace, "sentry", none).unwrap();
    assert!(server.api_key_redacted.is_none() && server.api_key_header.is_none());
    assert!(t.secrets.is_empty());
}

#[test]
fn a_failed_update_keeps_the_old_record_and_its_secret() {
    let t = TestCore::new();
    t.core.create_server(&t.workspace, http("one")).unwrap();
    t.core
        .create_server(&t.workspace, with_key("two", "key-of-two-00000000two"))
        .unwrap();
    let patch = ServerPatch {
        name: Some("ONE".into()),
        api_key: Some(Secret::new("new-key-000000000new")),
        ..Default::default()
    };
    let err = t
        .core
        .update_server(&t.workspace, "two", patch)
        .unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Conflict, Some("name"))
    );
    assert_eq!(
        t.core
            .get_server(&t.workspace, "two")
            .unwrap()
            .api_key_redacted
            .as_deref(),
        Some("…0two")
    );
    assert_eq!(t.secrets.len(), 1);
}

#[test]
fn switching_transport_drops_the_settings_of_the_other_kind() {
    let t = TestCore::new();
    t.core.create_server(&t.workspace, http("svc")).unwrap();
    let to_stdio = ServerPatch {
        transport: Some(Transport::Stdio),
        command: Some("uvx".into()),
        args: Some(vec!["mcp-svc".into()]),
        ..Default::default()
    };
    let server = t.core.update_server(&t.workspace, "svc", to_stdio).unwrap();
    assert_eq!(
        (
            server.transport,
            server.url.as_deref(),
            server.command.as_deref()
        ),
        (Transport::Stdio, None, Some("uvx"))
    );

    let back = ServerPatch {
        transport: Some(Transport::Sse),
        ..Default::default()
    };
    let err = t.core.update_server(&t.workspace, "svc", back).unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Validation, Some("url"))
    );
}

#[test]
fn env_patches_set_and_unset_single_variables() {
    let t = TestCore::new();
    let input = NewServer {
        name: "tool".into(),
        command: Some("tool".into()),
        env: BTreeMap::from([("A".into(), "1".into()), ("B".into(), "2".into())]),
        ..Default::default()
    };
    t.core.create_server(&t.workspace, input).unwrap();
    let patch = ServerPatch {
        set_env: BTreeMap::from([("C".into(), "3".into())]),
        set_secret_env: BTreeMap::from([("B".into(), Secret::new("now-a-secret-value-bbbb"))]),
        unset_env: vec!["A".into()],
        ..Default::default()
    };
    let server = t.core.update_server(&t.workspace, "tool", patch).unwrap();
    assert_eq!(
        server.env,
        BTreeMap::from([("C".to_string(), "3".to_string())])
    );
    assert_eq!(
        server.secret_env,
        BTreeMap::from([("B".to_string(), "…bbbb".to_string())])
    );
    assert_eq!(t.secrets.len(), 1);
}

#[test]
fn soft_delete_restore_and_purge() {
    let t = TestCore::new();
    let server = t
        .core
        .create_server(&t.workspace, with_key("brave", "brave-api-key-00000000x1"))
        .unwrap();
    let deleted = t.core.delete_server(&t.workspace, "brave").unwrap();
    assert!(deleted.deleted_at.is_some());
    let live = t
        .core
        .list_servers(&t.workspace, &ServerQuery::default())
        .unwrap();
    assert!(live.servers.is_empty());
    let gone = t
        .core
        .list_servers(
            &t.workspace,
            &ServerQuery {
                deleted: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        gone.servers
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        [server.id.as_str()]
    );
    assert_eq!(
        t.core
            .delete_server(&t.workspace, "brave")
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        t.secrets.len(),
        1,
        "soft delete keeps the key for a restore"
    );

    let restored = t.core.restore_server(&t.workspace, "brave").unwrap();
    assert!(restored.deleted_at.is_none());
    assert_eq!(restored.api_key_redacted.as_deref(), Some("…00x1"));

    t.core.purge_server(&t.workspace, &server.id).unwrap();
    assert_eq!(
        t.core
            .get_server(&t.workspace, &server.id)
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert!(t.secrets.is_empty(), "purge removes the keyring entries");
}

#[test]
fn restore_conflicts_when_the_name_was_taken_meanwhile() {
    let t = TestCore::new();
    let old = t.core.create_server(&t.workspace, http("jira")).unwrap();
    t.core.delete_server(&t.workspace, "jira").unwrap();
    t.core.create_server(&t.workspace, http("jira")).unwrap();
    let err = t.core.restore_server(&t.workspace, &old.id).unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Conflict, Some("name"))
    );
    // By name, the live one wins a lookup; the deleted one stays reachable by id.
    assert_ne!(t.core.get_server(&t.workspace, "jira").unwrap().id, old.id);
    assert!(
        t.core
            .get_server(&t.workspace, &old.id)
            .unwrap()
            .deleted_at
            .is_some()
    );
}

#[test]
fn cursor_pages_are_stable_across_inserts() {
    let t = TestCore::new();
    for i in 0..25 {
        t.core
            .create_server(&t.workspace, http(&format!("s{i:02}")))
            .unwrap();
    }
    let query = |cursor: Option<String>| ServerQuery {
        limit: Some(10),
        cursor,
        ..Default::default()
    };
    let first = t.core.list_servers(&t.workspace, &query(None)).unwrap();
    assert_eq!(first.servers.len(), 10);
    // Servers added while paging come after the ones already seen, never in between.
    for i in 25..30 {
        t.core
            .create_server(&t.workspace, http(&format!("s{i:02}")))
            .unwrap();
    }
    let mut seen: Vec<String> = first.servers.iter().map(|s| s.name.clone()).collect();
    let mut cursor = first.next_cursor;
    while let Some(c) = cursor {
        let page = t.core.list_servers(&t.workspace, &query(Some(c))).unwrap();
        seen.extend(page.servers.iter().map(|s| s.name.clone()));
        cursor = page.next_cursor;
    }
    let expected: Vec<String> = (0..30).map(|i| format!("s{i:02}")).collect();
    assert_eq!(seen, expected);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 30);
}

#[test]
fn bad_cursor_and_limit_are_validation_errors() {
    let t = TestCore::new();
    let bad_cursor = ServerQuery {
        cursor: Some("not-a-cursor".into()),
        ..Default::default()
    };
    let err = t.core.list_servers(&t.workspace, &bad_cursor).unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Validation, Some("cursor"))
    );
    let zero = ServerQuery {
        limit: Some(0),
        ..Default::default()
    };
    assert_eq!(
        t.core
            .list_servers(&t.workspace, &zero)
            .unwrap_err()
            .field
            .as_deref(),
        Some("limit")
    );
}

#[test]
fn search_matches_name_or_description_and_escapes_wildcards() {
    let t = TestCore::new();
    t.core.create_server(&t.workspace, http("alpha")).unwrap();
    t.core
        .create_server(
            &t.workspace,
            NewServer {
                description: Some("100% beta".into()),
                ..http("two")
            },
        )
        .unwrap();
    t.core
        .create_server(&t.workspace, http("gamma_ray"))
        .unwrap();
    let names = |text: &str| -> Vec<String> {
        let q = ServerQuery {
            search: Some(text.into()),
            ..Default::default()
        };
        t.core
            .list_servers(&t.workspace, &q)
            .unwrap()
            .servers
            .into_iter()
            .map(|s| s.name)
            .collect()
    };
    assert_eq!(names("ALP"), ["alpha"]);
    assert_eq!(names("beta"), ["two"]);
    assert_eq!(names("%"), ["two"]);
    assert_eq!(names("_"), ["gamma_ray"]);
}

#[test]
fn include_tools_lists_the_synced_tools_of_each_server() {
    let t = TestCore::new();
    let server = t.core.create_server(&t.workspace, http("tools")).unwrap();
    t.core.store().write(|tx| {
        tx.execute(
            "INSERT INTO server_tools (server_id, name, description, content_hash, approval_state, first_seen, updated_at)
             VALUES (?1, 'echo', 'Echoes', 'h', 'approved', 'now', 'now')",
            [&server.id],
        )?;
        Ok(())
    }).unwrap();
    let q = ServerQuery {
        include_tools: true,
        ..Default::default()
    };
    let page = t.core.list_servers(&t.workspace, &q).unwrap();
    let tools = page.servers[0].tools.as_ref().unwrap();
    assert_eq!(
        tools.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["echo"]
    );
    assert!(
        t.core
            .list_servers(&t.workspace, &ServerQuery::default())
            .unwrap()
            .servers[0]
            .tools
            .is_none()
    );
}

#[test]
fn two_connections_writing_at_once_lose_nothing() {
    let t = TestCore::new();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let core = t.reopen();
            let workspace = t.workspace.clone();
            std::thread::spawn(move || {
                for i in 0..150 {
                    core.create_server(&workspace, http(&format!("w{w}-{i}")))
                        .unwrap();
                    if i % 10 == 0 {
                        core.update_server(
                            &workspace,
                            &format!("w{w}-{i}"),
                            ServerPatch {
                                description: Some("x".into()),
                                ..Default::default()
                            },
                        )
                        .unwrap();
                    }
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("a writer failed");
    }
    let all = t
        .core
        .list_servers(
            &t.workspace,
            &ServerQuery {
                limit: Some(1000),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(all.servers.len(), 300);
}

#[test]
fn pages_follow_each_sort_order_and_filters() {
    use patchbay_core::servers::ServerSort;
    let t = TestCore::new();
    for name in ["delta", "Alpha", "charlie", "bravo", "echo"] {
        t.core.create_server(&t.workspace, http(name)).unwrap();
    }
    t.core
        .update_server(
            &t.workspace,
            "bravo",
            ServerPatch {
                is_enabled: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    let walk = |sort: ServerSort, desc: bool, enabled: Option<bool>| -> Vec<String> {
        let mut names = Vec::new();
        let mut cursor = None;
        loop {
            let q = ServerQuery {
                sort: Some(sort),
                desc,
                enabled,
                limit: Some(2),
                cursor,
                ..Default::default()
            };
            let page = t.core.list_servers(&t.workspace, &q).unwrap();
            names.extend(page.servers.into_iter().map(|s| s.name));
            cursor = page.next_cursor;
            if cursor.is_none() {
                return names;
            }
        }
    };
    assert_eq!(
        walk(ServerSort::Name, false, None),
        ["Alpha", "bravo", "charlie", "delta", "echo"]
    );
    assert_eq!(
        walk(ServerSort::Name, true, None),
        ["echo", "delta", "charlie", "bravo", "Alpha"]
    );
    assert_eq!(
        walk(ServerSort::Created, true, None),
        ["echo", "bravo", "charlie", "Alpha", "delta"]
    );
    // Timestamps have millisecond resolution, so ties are ordered by id: check the order itself.
    let by_updated = walk(ServerSort::Updated, true, None);
    let keyed: Vec<(String, String)> = by_updated
        .iter()
        .map(|name| {
            let s = t.core.get_server(&t.workspace, name).unwrap();
            (s.updated_at, s.id)
        })
        .collect();
    assert!(
        keyed.windows(2).all(|w| w[0] >= w[1]),
        "{by_updated:?} is not newest first: {keyed:?}"
    );
    assert_eq!(by_updated.len(), 5);
    assert_eq!(walk(ServerSort::Name, false, Some(false)), ["bravo"]);
    assert_eq!(walk(ServerSort::Name, false, Some(true)).len(), 4);

    let by_name = ServerQuery {
        sort: Some(ServerSort::Name),
        limit: Some(2),
        ..Default::default()
    };
    let cursor = t
        .core
        .list_servers(&t.workspace, &by_name)
        .unwrap()
        .next_cursor;
    let mismatched = ServerQuery {
        cursor,
        ..Default::default()
    };
    let err = t.core.list_servers(&t.workspace, &mismatched).unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Validation, Some("cursor"))
    );
    let pending = ServerQuery {
        status: Some(ServerStatus::Pending),
        ..Default::default()
    };
    assert_eq!(
        t.core
            .list_servers(&t.workspace, &pending)
            .unwrap()
            .servers
            .len(),
        5
    );
    let active = ServerQuery {
        status: Some(ServerStatus::Active),
        ..Default::default()
    };
    assert!(
        t.core
            .list_servers(&t.workspace, &active)
            .unwrap()
            .servers
            .is_empty()
    );
}

#[test]
fn creating_in_a_missing_workspace_is_not_found() {
    let t = TestCore::new();
    let err = t
        .core
        .create_server("01900000-0000-7000-8000-00000000dead", http("orphan"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}
