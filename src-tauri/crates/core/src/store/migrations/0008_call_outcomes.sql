-- A call may also end by the server asking the client for input first (`input_required`) or
-- by becoming a task (`task`): the gateway passes both through. SQLite cannot change a CHECK,
-- so the table is rebuilt, rows and ids kept.
CREATE TABLE portal_calls_new (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    portal_id    TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    server_id    TEXT,
    tool         TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    outcome      TEXT NOT NULL
        CHECK (outcome IN ('ok', 'tool_error', 'error', 'input_required', 'task')),
    error        TEXT,
    bytes_in     INTEGER NOT NULL,
    bytes_out    INTEGER NOT NULL,
    arguments    TEXT,
    result       TEXT
);
INSERT INTO portal_calls_new SELECT * FROM portal_calls;
DROP TABLE portal_calls;
ALTER TABLE portal_calls_new RENAME TO portal_calls;
CREATE INDEX portal_calls_by_portal ON portal_calls (portal_id, id);
