-- Reviews: after a completed stay, guest and host review each other within 14 days. Double
-- blind: a review is published when both sides have written or when the window closes.

CREATE TABLE reviews (
    id               bigserial PRIMARY KEY,
    booking_id       bigint NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    listing_id       bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    author_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The guest reviews the listing (its host); the host reviews the guest.
    subject_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    direction        text NOT NULL CHECK (direction IN ('guest_to_host', 'host_to_guest')),
    rating           smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    cleanliness      smallint CHECK (cleanliness BETWEEN 1 AND 5),
    accuracy         smallint CHECK (accuracy BETWEEN 1 AND 5),
    check_in         smallint CHECK (check_in BETWEEN 1 AND 5),
    communication    smallint CHECK (communication BETWEEN 1 AND 5),
    location         smallint CHECK (location BETWEEN 1 AND 5),
    value            smallint CHECK (value BETWEEN 1 AND 5),
    comment          text NOT NULL CHECK (length(btrim(comment)) BETWEEN 1 AND 5000),
    published_at     timestamptz,
    hidden_at        timestamptz,
    host_reply       text CHECK (length(host_reply) BETWEEN 1 AND 2000),
    host_replied_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- One review per side per stay.
    UNIQUE (booking_id, direction),
    -- A guest's review carries all six categories; a host's carries none.
    CHECK ((direction = 'guest_to_host') = (cleanliness IS NOT NULL AND accuracy IS NOT NULL
        AND check_in IS NOT NULL AND communication IS NOT NULL AND location IS NOT NULL
        AND value IS NOT NULL)),
    CHECK (direction = 'guest_to_host' OR (cleanliness IS NULL AND accuracy IS NULL
        AND check_in IS NULL AND communication IS NULL AND location IS NULL AND value IS NULL)),
    CHECK ((host_reply IS NULL) = (host_replied_at IS NULL)),
    CHECK (host_reply IS NULL OR direction = 'guest_to_host')
);
CREATE INDEX reviews_listing_published_idx ON reviews (listing_id, published_at DESC, id DESC)
    WHERE direction = 'guest_to_host' AND published_at IS NOT NULL AND hidden_at IS NULL;
CREATE INDEX reviews_subject_published_idx ON reviews (subject_id, published_at DESC)
    WHERE direction = 'host_to_guest' AND published_at IS NOT NULL AND hidden_at IS NULL;
CREATE INDEX reviews_unpublished_idx ON reviews (booking_id) WHERE published_at IS NULL;

-- Review emails sent per stay (invitation, reminder), so that the periodic job sends each once.
CREATE TABLE review_notices (
    booking_id  bigint NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (booking_id, kind)
);
