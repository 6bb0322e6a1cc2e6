use patchbay_core::ErrorCode;
use patchbay_core::servers::ServerQuery;

use crate::support::{TestCore, http, with_key};

#[test]
fn a_default_workspace_exists_once_after_any_number_of_opens() {
    let t = TestCore::new();
    let _second = t.reopen();
    let _third = t.reopen();
    let all = t.core.list_workspaces().unwrap();
    assert_eq!(all.len(), 1);
    assert!(all[0].is_default);
    assert_eq!(all[0].name, "default");
}

#[test]
fn create_rename_and_conflicts() {
    let t = TestCore::new();
    let work = t.core.create_workspace("Work").unwrap();
    assert!(!work.is_default);
    assert_eq!(
        t.core.create_workspace("work").unwrap_err().code,
        ErrorCode::Conflict
    );
    assert_eq!(
        t.core.create_workspace("  ").unwrap_err().code,
        ErrorCode::Validation
    );

    let renamed = t.core.rename_workspace("Work", "Client A").unwrap();
    assert_eq!(
        (renamed.id.as_str(), renamed.name.as_str()),
        (work.id.as_str(), "Client A")
    );
    assert_eq!(
        t.core
            .rename_workspace("Client A", "default")
            .unwrap_err()
            .code,
        ErrorCode::Conflict
    );
    assert_eq!(
        t.core.rename_workspace("nope", "x").unwrap_err().code,
        ErrorCode::NotFound
    );
    // Renaming to the same name in another case is allowed.
    t.core.rename_workspace("Client A", "client a").unwrap();
}

#[test]
fn delete_is_refused_while_live_servers_remain_unless_purged() {
    let t = TestCore::new();
    let ws = t.core.create_workspace("temp").unwrap();
    t.core
        .create_server(&ws.id, with_key("one", "key-for-one-000000000001"))
        .unwrap();
    t.core
        .create_server(&ws.id, with_key("two", "key-for-two-000000000002"))
        .unwrap();
    t.core.delete_server(&ws.id, "two").unwrap();

    let err = t.core.delete_workspace("temp", false).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("1 server"), "{}", err.message);

    t.core.delete_workspace("temp", true).unwrap();
    assert_eq!(
        t.core.workspace(Some("temp")).unwrap_err().code,
        ErrorCode::NotFound
    );
    assert!(
        t.secrets.is_empty(),
        "purge removed the keyring entries of live and deleted servers"
    );
    let q = ServerQuery {
        deleted: true,
        ..Default::default()
    };
    assert_eq!(t.core.list_servers(&ws.id, &q).unwrap().servers.len(), 0);
}

#[test]
fn an_empty_workspace_deletes_and_the_default_never_does() {
    let t = TestCore::new();
    t.core.create_workspace("empty").unwrap();
    t.core.delete_workspace("empty", false).unwrap();
    assert_eq!(
        t.core.delete_workspace("default", true).unwrap_err().code,
        ErrorCode::Conflict
    );
    t.core.create_server(&t.workspace, http("kept")).unwrap();
    assert_eq!(t.core.list_workspaces().unwrap()[0].server_count, 1);
}

#[test]
fn purging_a_workspace_also_removes_oauth_tokens() {
    let t = TestCore::new();
    let ws = t.core.create_workspace("oauth").unwrap();
    let mut input = http("secure");
    input.auth_type = Some(patchbay_core::servers::AuthType::Oauth);
    let server = t.core.create_server(&ws.id, input).unwrap();
    // What an authorization leaves in the keyring.
    let tokens = patchbay_core::secrets::keys::oauth_tokens(&server.id);
    t.core
        .secrets()
        .set(
            &tokens,
            &patchbay_core::Secret::new("{\"token_response\": {}}"),
        )
        .unwrap();
    assert!(!t.secrets.is_empty());
    t.core.delete_workspace("oauth", true).unwrap();
    assert!(
        t.secrets.is_empty(),
        "the OAuth tokens went with the workspace"
    );
}
