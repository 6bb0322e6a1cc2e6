-- A stdio server starts with an allow-listed environment (PATH, HOME, locale, ...) plus its own
-- variables; one that needs everything of the shell that started Patchbay says so here.
ALTER TABLE servers ADD COLUMN inherit_env INTEGER NOT NULL DEFAULT 0 CHECK (inherit_env IN (0, 1));
