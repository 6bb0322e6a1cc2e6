-- Prompts are reviewed like tools (SPEC §1: every definition a client sees is reviewed): their
-- approval, and the hash and definition last approved, for change detection and diffs.
CREATE TABLE server_prompts (
    server_id           TEXT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    definition          TEXT NOT NULL,  -- JSON, as the server last described it
    content_hash        TEXT NOT NULL,
    approval_state      TEXT NOT NULL DEFAULT 'needs_approval'
                        CHECK (approval_state IN ('approved', 'needs_approval', 'denied')),
    approved_hash       TEXT,
    approved_definition TEXT,
    first_seen          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (server_id, name)
) WITHOUT ROWID;

-- Prompts synced before review existed were served as they were: they stay approved. Their
-- approved hash is left for the next sync to compute from the approved definition.
INSERT INTO server_prompts (server_id, name, definition, content_hash, approval_state,
        approved_definition, first_seen, updated_at)
    SELECT server_id, key, definition, '', 'approved', definition,
        strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM server_capabilities WHERE kind = 'prompt';

-- A portal's choices for one member prompt, as portal_tools holds them for tools.
CREATE TABLE portal_prompts (
    portal_id  TEXT NOT NULL,
    server_id  TEXT NOT NULL,
    prompt     TEXT NOT NULL,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    alias      TEXT,
    PRIMARY KEY (portal_id, server_id, prompt),
    FOREIGN KEY (portal_id, server_id) REFERENCES portal_servers (portal_id, server_id) ON DELETE CASCADE
) WITHOUT ROWID;
