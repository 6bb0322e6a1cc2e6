-- Whether the install added the client's top-level `inputs` array (VS Code's prompted secrets)
-- to the file: the uninstall then takes the array out again, leaving the file as it was.
ALTER TABLE installations ADD COLUMN created_inputs INTEGER NOT NULL DEFAULT 0 CHECK (created_inputs IN (0, 1));
