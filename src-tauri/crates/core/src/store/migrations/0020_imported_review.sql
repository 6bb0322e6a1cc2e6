-- A server created by a workspace import: its first sync approves nothing, whatever the
-- workspace's auto-approve setting (the export's tools were reviewed elsewhere, if at all).
ALTER TABLE servers ADD COLUMN review_first_sync INTEGER NOT NULL DEFAULT 0 CHECK (review_first_sync IN (0, 1));
