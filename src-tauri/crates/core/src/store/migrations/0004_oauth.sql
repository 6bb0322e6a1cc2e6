-- OAuth per server: the client Patchbay authorizes as (entered by the user, or registered
-- dynamically and kept for re-authorization) and when it was last authorized. Tokens and any
-- client secret live in the OS keyring, never here.
CREATE TABLE server_oauth (
    server_id          TEXT PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
    client_id          TEXT,
    client_secret_ref  TEXT,     -- keyring account of the client secret, if any
    dynamic            INTEGER NOT NULL DEFAULT 0 CHECK (dynamic IN (0, 1)),
    scopes             TEXT NOT NULL DEFAULT '[]',  -- JSON array asked for; empty = the server's choice
    redirect_port      INTEGER,  -- the loopback port the registration's redirect URI names
    authorized_at      TEXT,
    updated_at         TEXT NOT NULL
);
