-- Foundation: extensions every later feature relies on, and the server-side session store.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS citext;

-- One row per browser session. The cookie holds the session key; only its SHA-256 is stored,
-- so a copy of this table cannot be replayed as cookies.
CREATE TABLE sessions (
    key_hash    bytea PRIMARY KEY CHECK (octet_length(key_hash) = 32),
    -- Copied out of the state so that a user's sessions can be listed and ended.
    user_id     bigint,
    -- A public handle for "your sessions" pages (never the key itself).
    public_id   text NOT NULL,
    state       jsonb NOT NULL,
    user_agent  text,
    ip_address  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
