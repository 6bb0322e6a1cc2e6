-- Settings of the whole data dir (every workspace): one row a setting, its value as JSON text.
-- A missing row means the setting's default.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
