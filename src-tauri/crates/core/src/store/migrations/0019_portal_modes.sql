-- How a portal lists its tools: every one (direct); a tool that searches them and one that
-- calls what it found, in their place (search); or beside those two, the ones used most lately
-- (top_n of them) and the ones the user pinned, by exposed name (hybrid).
ALTER TABLE portals ADD COLUMN mode TEXT NOT NULL DEFAULT 'direct'
    CHECK (mode IN ('direct', 'search', 'hybrid'));
ALTER TABLE portals ADD COLUMN top_n INTEGER NOT NULL DEFAULT 5 CHECK (top_n BETWEEN 0 AND 1000);
ALTER TABLE portals ADD COLUMN pinned_tools TEXT NOT NULL DEFAULT '[]';
