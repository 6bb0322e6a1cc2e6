-- Input a server asks of a portal client without the elicitation capability, waiting for the
-- user in the Patchbay window (the gateway writes the request, the window the answer). Rows
-- live only while the request waits.
CREATE TABLE window_input_requests (
    id          TEXT PRIMARY KEY,
    portal_id   TEXT NOT NULL,
    server_id   TEXT NOT NULL,
    tool        TEXT NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('form', 'url')),
    message     TEXT NOT NULL,
    schema      TEXT,
    url         TEXT,
    created_at  TEXT NOT NULL,
    answer      TEXT
);
