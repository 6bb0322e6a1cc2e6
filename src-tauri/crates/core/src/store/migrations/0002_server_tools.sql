-- The tools of each server as of its last sync, with the approval state of each.
CREATE TABLE server_tools (
    server_id       TEXT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    input_schema    TEXT NOT NULL DEFAULT '{}',
    output_schema   TEXT,
    annotations     TEXT,
    content_hash    TEXT NOT NULL,
    approval_state  TEXT NOT NULL DEFAULT 'needs_approval'
                    CHECK (approval_state IN ('approved', 'needs_approval', 'denied')),
    first_seen      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (server_id, name)
) WITHOUT ROWID;
