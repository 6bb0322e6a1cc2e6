-- The authorization server metadata found when a server was last authorized, so that
-- connections and re-authorization reuse it instead of discovering it again (not secret).
ALTER TABLE server_oauth ADD COLUMN metadata TEXT;
