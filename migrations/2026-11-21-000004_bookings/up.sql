-- Bookings with their price snapshot, their state history, and the payments ledger.

CREATE TABLE bookings (
    id                  bigserial PRIMARY KEY,
    listing_id          bigint NOT NULL REFERENCES listings (id) ON DELETE RESTRICT,
    guest_id            bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    check_in            date NOT NULL,
    check_out           date NOT NULL,
    guests              integer NOT NULL CHECK (guests BETWEEN 1 AND 50),
    status              text NOT NULL CHECK (status IN (
                            'pending_payment', 'requested', 'accepted', 'confirmed', 'checked_in',
                            'completed', 'declined', 'expired', 'cancelled_by_guest', 'cancelled_by_host')),
    -- pending_payment / accepted: the payment deadline; requested: the host's deadline.
    hold_expires_at     timestamptz,
    -- The price, snapshotted when booked (minor units of `currency`); later price changes of
    -- the listing never alter it.
    currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    nightly_price       bigint NOT NULL CHECK (nightly_price > 0),
    nights              integer NOT NULL CHECK (nights > 0),
    base_amount         bigint NOT NULL CHECK (base_amount >= 0),
    discount_amount     bigint NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
    cleaning_fee        bigint NOT NULL CHECK (cleaning_fee >= 0),
    service_fee         bigint NOT NULL CHECK (service_fee >= 0),
    tax_amount          bigint NOT NULL DEFAULT 0 CHECK (tax_amount >= 0),
    total_amount        bigint NOT NULL CHECK (total_amount > 0),
    host_fee            bigint NOT NULL CHECK (host_fee >= 0),
    host_payout         bigint NOT NULL,
    cancellation_policy text NOT NULL CHECK (cancellation_policy IN ('flexible', 'moderate', 'strict')),
    -- A double submit of the booking form carries the same key and creates one booking.
    idempotency_key     text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 100),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (check_out > check_in),
    CHECK (nights = check_out - check_in),
    CHECK (total_amount = base_amount - discount_amount + cleaning_fee + service_fee + tax_amount),
    CHECK (host_payout = base_amount - discount_amount + cleaning_fee - host_fee),
    UNIQUE (guest_id, idempotency_key)
);
CREATE INDEX bookings_guest_idx ON bookings (guest_id, check_in DESC);
CREATE INDEX bookings_listing_idx ON bookings (listing_id, check_in);
CREATE INDEX bookings_holds_idx ON bookings (hold_expires_at)
    WHERE status IN ('pending_payment', 'requested', 'accepted');
CREATE INDEX bookings_active_dates_idx ON bookings (status, check_in, check_out)
    WHERE status IN ('confirmed', 'checked_in');

ALTER TABLE calendar_entries ADD CONSTRAINT calendar_entries_booking_fkey
    FOREIGN KEY (booking_id) REFERENCES bookings (id) ON DELETE CASCADE;

-- Every state change: from, to, who, when.
CREATE TABLE booking_events (
    id           bigserial PRIMARY KEY,
    booking_id   bigint NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    from_status  text,
    to_status    text NOT NULL,
    -- NULL when the system acted (a scheduled job, a payment event).
    actor_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    note         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_events_booking_idx ON booking_events (booking_id, id);

-- The payments ledger: charges and refunds. Rows are never updated except for their status.
CREATE TABLE payments (
    id              bigserial PRIMARY KEY,
    booking_id      bigint NOT NULL REFERENCES bookings (id) ON DELETE RESTRICT,
    kind            text NOT NULL CHECK (kind IN ('charge', 'refund')),
    provider        text NOT NULL CHECK (provider IN ('sandbox', 'stripe')),
    -- The provider's id (PaymentIntent, refund); unique per provider.
    provider_ref    text,
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    failure_reason  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, provider_ref)
);
CREATE INDEX payments_booking_idx ON payments (booking_id, id);

-- Each provider event is applied once: its id is stored with a unique constraint.
CREATE TABLE payment_events (
    id            bigserial PRIMARY KEY,
    provider      text NOT NULL,
    event_id      text NOT NULL,
    event_type    text NOT NULL,
    payload       jsonb NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    processed_at  timestamptz,
    UNIQUE (provider, event_id)
);
