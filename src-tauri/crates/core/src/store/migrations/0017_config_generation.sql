-- What the gateway and the reconciler follow: a number moved by every write to the tables
-- that say what is served and how (not by the call log, which the gateway itself writes on
-- every call, nor by questions waiting in the window). Readers see a change by this moving,
-- instead of by every commit to the database.
CREATE TABLE config_generation (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
);
INSERT INTO config_generation (id, n) VALUES (1, 0);

CREATE TRIGGER workspaces_insert_moves AFTER INSERT ON workspaces
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER workspaces_update_moves AFTER UPDATE ON workspaces
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER workspaces_delete_moves AFTER DELETE ON workspaces
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER servers_insert_moves AFTER INSERT ON servers
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER servers_update_moves AFTER UPDATE ON servers
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER servers_delete_moves AFTER DELETE ON servers
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_tools_insert_moves AFTER INSERT ON server_tools
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_tools_update_moves AFTER UPDATE ON server_tools
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_tools_delete_moves AFTER DELETE ON server_tools
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_prompts_insert_moves AFTER INSERT ON server_prompts
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_prompts_update_moves AFTER UPDATE ON server_prompts
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_prompts_delete_moves AFTER DELETE ON server_prompts
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_capabilities_insert_moves AFTER INSERT ON server_capabilities
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_capabilities_update_moves AFTER UPDATE ON server_capabilities
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_capabilities_delete_moves AFTER DELETE ON server_capabilities
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_oauth_insert_moves AFTER INSERT ON server_oauth
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_oauth_update_moves AFTER UPDATE ON server_oauth
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER server_oauth_delete_moves AFTER DELETE ON server_oauth
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portals_insert_moves AFTER INSERT ON portals
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portals_update_moves AFTER UPDATE ON portals
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portals_delete_moves AFTER DELETE ON portals
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portal_servers_insert_moves AFTER INSERT ON portal_servers
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portal_servers_update_moves AFTER UPDATE ON portal_servers
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portal_servers_delete_moves AFTER DELETE ON portal_servers
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portal_tools_insert_moves AFTER INSERT ON portal_tools
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portal_tools_update_moves AFTER UPDATE ON portal_tools
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portal_tools_delete_moves AFTER DELETE ON portal_tools
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portal_prompts_insert_moves AFTER INSERT ON portal_prompts
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portal_prompts_update_moves AFTER UPDATE ON portal_prompts
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER portal_prompts_delete_moves AFTER DELETE ON portal_prompts
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER settings_insert_moves AFTER INSERT ON settings
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER settings_update_moves AFTER UPDATE ON settings
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER settings_delete_moves AFTER DELETE ON settings
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER installations_insert_moves AFTER INSERT ON installations
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER installations_update_moves AFTER UPDATE ON installations
    BEGIN UPDATE config_generation SET n = n + 1; END;
CREATE TRIGGER installations_delete_moves AFTER DELETE ON installations
    BEGIN UPDATE config_generation SET n = n + 1; END;
