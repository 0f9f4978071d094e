-- Calendar sync (RFC 5545): a listing's secret export address. The token is the whole of
-- the capability (whoever has the address sees which nights are taken, never by whom), so it
-- is long and random, and the host replaces it to end every old copy.
CREATE TABLE calendar_exports (
    listing_id  bigint PRIMARY KEY REFERENCES listings (id) ON DELETE CASCADE,
    token       text NOT NULL UNIQUE CHECK (token ~ '^[A-Za-z0-9_-]{43}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
