CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX workspaces_name ON workspaces (name COLLATE NOCASE);

CREATE TABLE servers (
    id                    TEXT PRIMARY KEY,
    workspace_id          TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    transport             TEXT NOT NULL CHECK (transport IN ('streamable_http', 'sse', 'stdio')),
    url                   TEXT,
    command               TEXT,
    args                  TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    env                   TEXT NOT NULL DEFAULT '[]',  -- JSON array; secret values are keyring refs
    cwd                   TEXT,
    auth_type             TEXT NOT NULL CHECK (auth_type IN ('none', 'api_key', 'oauth')),
    api_key_header        TEXT,
    api_key_ref           TEXT,                        -- keyring account, never the key
    api_key_hint          TEXT,                        -- at most the last 4 characters
    is_enabled            INTEGER NOT NULL DEFAULT 1 CHECK (is_enabled IN (0, 1)),
    status                TEXT NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'active', 'error', 'needs_auth')),
    error_message         TEXT,
    last_synced           TEXT,
    last_successful_sync  TEXT,
    server_info           TEXT,                        -- JSON object
    template_id           TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    deleted_at            TEXT
);
-- Names are unique among the live servers of a workspace; deleted ones may share a name.
CREATE UNIQUE INDEX servers_live_name ON servers (workspace_id, name COLLATE NOCASE)
    WHERE deleted_at IS NULL;
-- Lookups by name, of live and deleted servers alike.
CREATE INDEX servers_name ON servers (workspace_id, name COLLATE NOCASE);
-- Keyset pages walk a workspace's servers in id (= creation) order.
CREATE INDEX servers_page ON servers (workspace_id, id);
