-- Portals: one MCP endpoint of the built-in gateway (/mcp/<slug>) bundling several servers.
CREATE TABLE portals (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    slug          TEXT NOT NULL,
    secure        INTEGER NOT NULL DEFAULT 1 CHECK (secure IN (0, 1)),
    token_ref     TEXT,          -- keyring account of the bearer token clients present
    token_hint    TEXT,          -- at most its last 4 characters
    log_payloads  INTEGER NOT NULL DEFAULT 0 CHECK (log_payloads IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX portals_name ON portals (workspace_id, name COLLATE NOCASE);
-- The gateway serves every workspace on one port: slugs are unique across them.
CREATE UNIQUE INDEX portals_slug ON portals (slug);

CREATE TABLE portal_servers (
    portal_id         TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    server_id         TEXT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    default_disabled  INTEGER NOT NULL DEFAULT 0 CHECK (default_disabled IN (0, 1)),
    added_at          TEXT NOT NULL,
    PRIMARY KEY (portal_id, server_id)
) WITHOUT ROWID;

-- Per-tool choices inside a portal: enabled or not, and the name clients see.
CREATE TABLE portal_tools (
    portal_id  TEXT NOT NULL,
    server_id  TEXT NOT NULL,
    tool       TEXT NOT NULL,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    alias      TEXT,
    PRIMARY KEY (portal_id, server_id, tool),
    FOREIGN KEY (portal_id, server_id) REFERENCES portal_servers (portal_id, server_id) ON DELETE CASCADE
) WITHOUT ROWID;
