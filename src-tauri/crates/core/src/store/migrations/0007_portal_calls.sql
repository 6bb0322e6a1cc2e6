-- Every call through a portal: what, where, how long, how it ended, how many bytes.
-- Arguments and results only when the portal logs payloads. Old rows are pruned.
CREATE TABLE portal_calls (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    portal_id    TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    server_id    TEXT,
    tool         TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'tool_error', 'error')),
    error        TEXT,
    bytes_in     INTEGER NOT NULL,
    bytes_out    INTEGER NOT NULL,
    arguments    TEXT,
    result       TEXT
);
CREATE INDEX portal_calls_by_portal ON portal_calls (portal_id, id);
