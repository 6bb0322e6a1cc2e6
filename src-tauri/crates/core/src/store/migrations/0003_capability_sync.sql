-- Capability sync: full tool definitions with the one last approved, the other kinds of
-- capabilities, recent snapshots for diffs, and the workspace's first-sync approval setting.

-- Whether a server's first sync approves all of its tools (SPEC §1); later ones never do.
ALTER TABLE workspaces ADD COLUMN auto_approve_first_sync INTEGER NOT NULL DEFAULT 1
    CHECK (auto_approve_first_sync IN (0, 1));

ALTER TABLE server_tools ADD COLUMN title TEXT;
-- The tool exactly as the server last described it (JSON).
ALTER TABLE server_tools ADD COLUMN definition TEXT NOT NULL DEFAULT '{}';
-- The hash and definition the user (or the first sync) approved; NULL if never approved.
ALTER TABLE server_tools ADD COLUMN approved_hash TEXT;
ALTER TABLE server_tools ADD COLUMN approved_definition TEXT;
CREATE INDEX server_tools_waiting ON server_tools (server_id) WHERE approval_state = 'needs_approval';

-- Prompts, resources and resource templates as of the last sync.
CREATE TABLE server_capabilities (
    server_id     TEXT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('prompt', 'resource', 'resource_template')),
    key           TEXT NOT NULL,  -- the prompt's name, the resource's URI or URI template
    definition    TEXT NOT NULL,  -- JSON, as the server described it
    content_hash  TEXT NOT NULL,
    -- The hash before the last sync that changed it; NULL if unchanged since first seen.
    previous_hash TEXT,
    PRIMARY KEY (server_id, kind, key)
) WITHOUT ROWID;

-- The last few distinct snapshots of each server, newest first by taken_at.
CREATE TABLE server_snapshots (
    server_id     TEXT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    taken_at      TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    snapshot      TEXT NOT NULL,  -- JSON {tools, prompts, resources, resource_templates}
    PRIMARY KEY (server_id, taken_at)
) WITHOUT ROWID;
