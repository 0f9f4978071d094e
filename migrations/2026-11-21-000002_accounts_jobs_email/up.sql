-- Accounts, single-use tokens, throttling, security events, the job queue and the dev mailbox.

CREATE TABLE users (
    id                bigserial PRIMARY KEY,
    email             citext NOT NULL UNIQUE
                      CHECK (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
    name              text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    password_hash     text NOT NULL,
    bio               text NOT NULL DEFAULT '' CHECK (length(bio) <= 2000),
    -- Storage key of the avatar image (see src/storage.rs), server-chosen.
    avatar_key        text,
    email_verified_at timestamptz,
    is_host           boolean NOT NULL DEFAULT false,
    is_admin          boolean NOT NULL DEFAULT false,
    suspended_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- A session of a deleted user disappears with it.
DELETE FROM sessions WHERE user_id IS NOT NULL;
ALTER TABLE sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;

-- Email verification and password reset tokens: 256 random bits, only their SHA-256 stored,
-- single use (used_at), each with an expiry.
CREATE TABLE account_tokens (
    token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    -- The address the link was sent to: verifying it may change the account's email.
    email       citext NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires_idx ON account_tokens (expires_at);

-- Fixed-window counters for throttling (login, sign-up, reset emails).
CREATE TABLE throttle_buckets (
    key           text PRIMARY KEY,
    window_start  timestamptz NOT NULL,
    hits          integer NOT NULL CHECK (hits >= 0)
);
CREATE INDEX throttle_buckets_window_idx ON throttle_buckets (window_start);

-- Security events, never with secrets (no passwords, no tokens).
CREATE TABLE security_events (
    id          bigserial PRIMARY KEY,
    user_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    kind        text NOT NULL,
    ip_address  text,
    detail      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX security_events_user_idx ON security_events (user_id, created_at DESC);

-- The job queue. A job is enqueued in the transaction of the change that causes it; workers
-- claim a row with FOR UPDATE SKIP LOCKED and hold the lock while it runs, so a crashed worker
-- releases its job and no two workers ever run the same one.
CREATE TABLE jobs (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,
    payload       jsonb NOT NULL,
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dead')),
    attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  integer NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
    run_at        timestamptz NOT NULL DEFAULT now(),
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_ready_idx ON jobs (run_at, id) WHERE status = 'pending';

-- Periodic jobs: one row per schedule; whoever locks the row enqueues the next run.
CREATE TABLE job_schedules (
    name         text PRIMARY KEY,
    last_run_at  timestamptz
);

-- The development mailbox (ROOST_SMTP_URL unset): every message a job would have sent.
CREATE TABLE dev_mailbox (
    id          bigserial PRIMARY KEY,
    to_address  text NOT NULL,
    from_address text NOT NULL,
    subject     text NOT NULL,
    text_body   text NOT NULL,
    html_body   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
