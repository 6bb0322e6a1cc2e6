-- The prefix of a member's tool and prompt names in its portal: NULL is the default
-- `<server slug>__`, '' is none (the server's own names, when nothing collides).
ALTER TABLE portal_servers ADD COLUMN prefix TEXT;
