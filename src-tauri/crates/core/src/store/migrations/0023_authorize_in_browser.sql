-- The user's choice for an OAuth server's browser step: the system browser instead of the
-- app's window (a provider that refuses embedded sign-in, or plain preference).
ALTER TABLE servers ADD COLUMN authorize_in_browser INTEGER NOT NULL DEFAULT 0 CHECK (authorize_in_browser IN (0, 1));
