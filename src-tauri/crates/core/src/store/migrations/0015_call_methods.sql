-- The call log holds, beside tool calls, the requests a server made of the client during one
-- (sampling/createMessage, elicitation/create, roots/list), under that call's tool; such a
-- request may end `answered_for_client` (the client did not offer it: Patchbay declined) or
-- `asked_in_window` (the user answered in the Patchbay window instead).
-- SQLite cannot change a CHECK, so the table is rebuilt, rows and ids kept.
CREATE TABLE portal_calls_new (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    portal_id    TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    server_id    TEXT,
    tool         TEXT NOT NULL,
    duration_ms  INTEGER NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN
        ('ok', 'tool_error', 'error', 'input_required', 'task', 'answered_for_client',
         'asked_in_window')),
    error        TEXT,
    bytes_in     INTEGER NOT NULL,
    bytes_out    INTEGER NOT NULL,
    arguments    TEXT,
    result       TEXT,
    queued_ms    INTEGER NOT NULL DEFAULT 0,
    method       TEXT NOT NULL DEFAULT 'tools/call'
);
INSERT INTO portal_calls_new (id, at, portal_id, server_id, tool, duration_ms, outcome, error,
        bytes_in, bytes_out, arguments, result, queued_ms)
    SELECT id, at, portal_id, server_id, tool, duration_ms, outcome, error, bytes_in, bytes_out,
        arguments, result, queued_ms
    FROM portal_calls;
DROP TABLE portal_calls;
ALTER TABLE portal_calls_new RENAME TO portal_calls;
CREATE INDEX portal_calls_by_portal ON portal_calls (portal_id, id);
