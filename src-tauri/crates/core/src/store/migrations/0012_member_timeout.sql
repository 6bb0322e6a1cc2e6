-- How long a member's requests may take in its portal, in seconds; NULL is the default (300).
ALTER TABLE portal_servers ADD COLUMN timeout_secs INTEGER;
