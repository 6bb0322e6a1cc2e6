-- Where Patchbay put a portal or a server: which client, which file, which entry, pointing at
-- what, and the hash of what it wrote (to see a hand edit: drift). Secrets are not stored:
-- the entry's values live in the client's file, the hash is not reversible.
CREATE TABLE installations (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    client_id         TEXT NOT NULL,
    file              TEXT NOT NULL,
    project_dir       TEXT,
    entry_name        TEXT NOT NULL,
    target_kind       TEXT NOT NULL CHECK (target_kind IN ('portal', 'server')),
    target_id         TEXT NOT NULL,
    -- How the client reaches it: over HTTP, as the server's own command, or via the bridge.
    mode              TEXT NOT NULL CHECK (mode IN ('http', 'stdio', 'bridge')),
    entry_hash        TEXT NOT NULL,
    -- Made by the install, removed by the uninstall when nothing else is in them.
    created_container INTEGER NOT NULL,
    created_file      INTEGER NOT NULL,
    backup            TEXT,
    installed_at      TEXT NOT NULL,
    UNIQUE (file, entry_name)
);
CREATE INDEX installations_by_workspace ON installations (workspace_id, installed_at);
