//! Against the real Secret Service (gnome-keyring in a private D-Bus session): run these
//! through tests/support/with-keyring.sh, as `make test` does.

use patchbay_core::secrets::{KeyringSecretStore, SecretStore};
use patchbay_core::servers::{NewServer, ServerPatch};
use patchbay_core::{Patchbay, Secret};

use crate::support::{open, test_keyring, with_key};

fn require_session_bus() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "keyring tests need a Secret Service: run them through tests/support/with-keyring.sh (make test does)"
    );
}

#[test]
fn set_get_and_delete_through_the_secret_service() {
    require_session_bus();
    let store = test_keyring();
    let key = "server/test/api_key/1";
    assert!(
        store.get(key).unwrap().is_none(),
        "a missing entry is None, not an error"
    );
    store
        .set(key, &Secret::new("sk-live-abcdefghijkl"))
        .unwrap();

    // A second client with its own connection sees the value: it is in the service, not in us.
    let other = KeyringSecretStore::new(store.service());
    assert_eq!(
        other.get(key).unwrap().unwrap().expose(),
        "sk-live-abcdefghijkl"
    );

    store
        .set(key, &Secret::new("sk-live-replaced-0000"))
        .unwrap();
    assert_eq!(
        other.get(key).unwrap().unwrap().expose(),
        "sk-live-replaced-0000"
    );
    store.delete(key).unwrap();
    assert!(other.get(key).unwrap().is_none());
    store.delete(key).unwrap(); // deleting a missing entry is fine
}

#[test]
fn service_names_keep_entries_apart() {
    require_session_bus();
    let (a, b) = (test_keyring(), test_keyring());
    a.set("same/key", &Secret::new("value-of-a")).unwrap();
    assert!(b.get("same/key").unwrap().is_none());
    a.delete("same/key").unwrap();
}

#[test]
fn api_keys_never_reach_the_sqlite_files() {
    require_session_bus();
    let dir = tempfile::tempdir().unwrap();
    let keyring = test_keyring();
    let core: Patchbay = open(&dir, keyring.clone());
    let ws = core.workspace(None).unwrap().id;
    let first_key = "pbk-first-7d1c0a9e54b2f3aa";
    let second_key = "pbk-second-0e9f8d7c6b5a4f2c";
    let env_secret = "pbk-env-5a5a5a5a5a5a5a5a";

    let server = core
        .create_server(&ws, with_key("leaky", first_key))
        .unwrap();
    assert_eq!(server.api_key_redacted.as_deref(), Some("…f3aa"));
    core.update_server(
        &ws,
        "leaky",
        ServerPatch {
            api_key: Some(Secret::new(second_key)),
            ..Default::default()
        },
    )
    .unwrap();
    let stdio = NewServer {
        name: "stdio".into(),
        command: Some("server".into()),
        secret_env: [("TOKEN".to_string(), Secret::new(env_secret))].into(),
        ..Default::default()
    };
    core.create_server(&ws, stdio).unwrap();

    let files: Vec<_> = ["patchbay.db", "patchbay.db-wal", "patchbay.db-shm"]
        .iter()
        .map(|f| dir.path().join(f))
        .filter(|p| p.exists())
        .collect();
    assert!(
        files.len() >= 2,
        "the database and its WAL exist while the store is open: {files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for secret in [first_key, second_key, env_secret] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds a secret",
                file.display()
            );
        }
    }
    // The keyring holds the current key, and the replaced one is gone.
    let row_ref: String = core
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT api_key_ref FROM servers WHERE name = 'leaky'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(keyring.get(&row_ref).unwrap().unwrap().expose(), second_key);

    // Purge removes every entry of the server from the keyring.
    core.purge_server(&ws, "leaky").unwrap();
    assert!(keyring.get(&row_ref).unwrap().is_none());
}
