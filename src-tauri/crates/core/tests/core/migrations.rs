use patchbay_core::servers::ServerQuery;
use patchbay_core::store::{SCHEMA_VERSION, Store};

use crate::support::{TestCore, http};

#[test]
fn a_database_of_an_older_schema_is_migrated_with_its_records() {
    const {
        assert!(
            SCHEMA_VERSION >= 2,
            "this test needs a second migration to exist"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("patchbay.db");
    {
        // Written by a Patchbay that knew only the first migration.
        let old = Store::open_at_version(&path, 1).unwrap();
        assert_eq!(old.schema_version().unwrap(), 1);
        old.write(|tx| {
            tx.execute_batch(
                "INSERT INTO workspaces (id, name, is_default, created_at, updated_at)
                     VALUES ('01900000-0000-7000-8000-000000000001', 'default', 1, 't', 't');
                 INSERT INTO servers (id, workspace_id, name, transport, url, auth_type, created_at, updated_at)
                     VALUES ('01900000-0000-7000-8000-000000000002', '01900000-0000-7000-8000-000000000001',
                             'legacy', 'sse', 'https://legacy.example.com/sse', 'none', 't', 't');",
            )?;
            Ok(())
        })
        .unwrap();
        let has_tools: bool = old
            .read(|c| {
                Ok(c.query_row(
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'server_tools')",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert!(!has_tools);
    }
    let secrets = std::sync::Arc::new(patchbay_core::secrets::MemorySecretStore::default());
    let core = patchbay_core::Patchbay::new(Store::open(&path).unwrap(), secrets).unwrap();
    assert_eq!(core.store().schema_version().unwrap(), SCHEMA_VERSION);
    let ws = core.workspace(None).unwrap();
    assert_eq!(
        ws.id, "01900000-0000-7000-8000-000000000001",
        "the existing default is kept"
    );
    let page = core
        .list_servers(
            &ws.id,
            &ServerQuery {
                include_tools: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(page.servers.len(), 1);
    assert_eq!(page.servers[0].name, "legacy");
    assert_eq!(page.servers[0].tools.as_deref(), Some(&[][..]));
}

#[test]
fn a_newer_schema_is_refused_rather_than_damaged() {
    let t = TestCore::new();
    t.core.create_server(&t.workspace, http("kept")).unwrap();
    t.core
        .store()
        .read(|c| Ok(c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?))
        .unwrap();
    let err = Store::open(&t.dir.path().join("patchbay.db"))
        .err()
        .expect("a newer schema must be refused");
    assert!(err.message.contains("newer Patchbay"), "{}", err.message);
}

#[test]
fn the_store_runs_in_wal_mode_with_foreign_keys() {
    let t = TestCore::new();
    let (mode, fk): (String, i64) = t
        .core
        .store()
        .read(|c| {
            Ok((
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!((mode.as_str(), fk), ("wal", 1));
}

#[test]
fn prompts_synced_before_review_existed_stay_approved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("patchbay.db");
    {
        let old = Store::open_at_version(&path, 12).unwrap();
        old.write(|tx| {
            tx.execute_batch(
                "INSERT INTO workspaces (id, name, is_default, created_at, updated_at)
                     VALUES ('01900000-0000-7000-8000-000000000001', 'default', 1, 't', 't');
                 INSERT INTO servers (id, workspace_id, name, transport, url, auth_type, created_at, updated_at)
                     VALUES ('01900000-0000-7000-8000-000000000002', '01900000-0000-7000-8000-000000000001',
                             'notes', 'streamable_http', 'https://notes.example.com/mcp', 'none', 't', 't');
                 INSERT INTO server_capabilities (server_id, kind, key, definition, content_hash)
                     VALUES ('01900000-0000-7000-8000-000000000002', 'prompt', 'summarize',
                             '{\"name\":\"summarize\",\"description\":\"Summarize a note.\"}', 'h');",
            )?;
            Ok(())
        })
        .unwrap();
    }
    let secrets = std::sync::Arc::new(patchbay_core::secrets::MemorySecretStore::default());
    let core = patchbay_core::Patchbay::new(Store::open(&path).unwrap(), secrets).unwrap();
    let ws = core.workspace(None).unwrap();
    let prompts = core.prompts(&ws.id, "notes").unwrap();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].name, "summarize");
    assert_eq!(
        prompts[0].approval_state,
        patchbay_core::servers::ApprovalState::Approved
    );
    assert_eq!(prompts[0].description, "Summarize a note.");
    let diff = core.prompt_diff(&ws.id, "notes", "summarize").unwrap();
    assert!(diff.approved.is_some() && diff.changes.is_empty());
}

#[test]
fn processes_opening_a_new_data_dir_at_once_all_get_it() {
    // The app and the gateway it starts open a new data dir at the same moment; the one that
    // lost the race to switch it to WAL used to fail with "database is locked" at once.
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("patchbay.db");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let openers: Vec<_> = (0..4)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Store::open(&path).map(|s| s.schema_version().unwrap())
                })
            })
            .collect();
        for opener in openers {
            let opened = opener.join().unwrap();
            assert_eq!(
                opened.as_ref().ok(),
                Some(&SCHEMA_VERSION),
                "round {round}: {opened:?}"
            );
        }
    }
}
