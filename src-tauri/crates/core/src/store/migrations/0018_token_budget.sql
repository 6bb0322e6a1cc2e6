-- What a portal's served tools and prompts may cost a model, in tokens (NULL: no budget); the
-- portal page warns above it.
ALTER TABLE portals ADD COLUMN token_budget INTEGER CHECK (token_budget >= 1);
