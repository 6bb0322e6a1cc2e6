-- What a member may do in its portal beyond its tools and prompts: serve its resources (on
-- unless switched off), and how many calls it takes at once (NULL: no limit; for servers that
-- cannot take parallel calls, the rest wait their turn).
ALTER TABLE portal_servers ADD COLUMN resources_enabled INTEGER NOT NULL DEFAULT 1
    CHECK (resources_enabled IN (0, 1));
ALTER TABLE portal_servers ADD COLUMN max_concurrent INTEGER CHECK (max_concurrent >= 1);
-- How long a request may take: a portal's bound for all its members, a server's for every
-- portal it is in (a member's own bound comes first, then the portal's, then the server's).
ALTER TABLE portals ADD COLUMN timeout_secs INTEGER;
ALTER TABLE servers ADD COLUMN timeout_secs INTEGER;
-- How long a call waited for its turn under a member's limit.
ALTER TABLE portal_calls ADD COLUMN queued_ms INTEGER NOT NULL DEFAULT 0;
