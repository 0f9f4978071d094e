-- Exchange rates for showing prices in a visitor's display currency (issue 17, point 4).
-- Prices are never charged converted: a booking is charged in its listing's currency, and
-- these rates only make the approximate figures shown beside a search or a listing.
--
-- A rate is how many units of `code` one unit of the base currency (EUR) buys, in millionths
-- (an exact integer: 1.085 USD per EUR is 1 085 000). Money stays integer minor units; the one
-- rounding of a conversion happens in `currency::model::convert`. The base currency's own row
-- is fixed at exactly 1.
CREATE TABLE exchange_rates (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    rate_micros bigint NOT NULL CHECK (rate_micros > 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT exchange_rates_base_is_one CHECK (code <> 'EUR' OR rate_micros = 1000000)
);

-- The currencies listings are priced in (`money::CURRENCIES`, which the seed uses) and a few
-- other common ones; an admin keeps them current at /admin/rates.
INSERT INTO exchange_rates (code, rate_micros) VALUES
    ('EUR', 1000000),
    ('USD', 1085000),
    ('GBP', 850000),
    ('CHF', 940000),
    ('CAD', 1470000),
    ('AUD', 1630000),
    ('JPY', 162000000),
    ('SEK', 11400000),
    ('NOK', 11700000),
    ('DKK', 7460000),
    ('NZD', 1780000);
