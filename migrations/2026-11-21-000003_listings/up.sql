-- Listings, their photos and amenities, the calendar, and wishlists.

CREATE TABLE amenities (
    id    serial PRIMARY KEY,
    slug  text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9_]*$'),
    name  text NOT NULL,
    position integer NOT NULL DEFAULT 0
);

INSERT INTO amenities (slug, name, position) VALUES
    ('wifi', 'Wifi', 1),
    ('kitchen', 'Kitchen', 2),
    ('washer', 'Washer', 3),
    ('dryer', 'Dryer', 4),
    ('air_conditioning', 'Air conditioning', 5),
    ('heating', 'Heating', 6),
    ('workspace', 'Dedicated workspace', 7),
    ('tv', 'TV', 8),
    ('free_parking', 'Free parking', 9),
    ('ev_charger', 'EV charger', 10),
    ('pool', 'Pool', 11),
    ('hot_tub', 'Hot tub', 12),
    ('gym', 'Gym', 13),
    ('bbq_grill', 'BBQ grill', 14),
    ('fireplace', 'Indoor fireplace', 15),
    ('crib', 'Crib', 16),
    ('pets_allowed', 'Pets allowed', 17),
    ('self_check_in', 'Self check-in', 18),
    ('beachfront', 'Beachfront', 19),
    ('ski_in_out', 'Ski-in/ski-out', 20),
    ('smoke_alarm', 'Smoke alarm', 21),
    ('carbon_monoxide_alarm', 'Carbon monoxide alarm', 22),
    ('first_aid_kit', 'First aid kit', 23),
    ('breakfast', 'Breakfast', 24);

CREATE TABLE listings (
    id                    bigserial PRIMARY KEY,
    host_id               bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    status                text NOT NULL DEFAULT 'draft'
                          CHECK (status IN ('draft', 'published', 'unlisted')),
    title                 text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 120),
    description           text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    property_type         text NOT NULL CHECK (property_type IN
                          ('apartment', 'house', 'cabin', 'villa', 'cottage', 'loft', 'room', 'other')),
    address               text NOT NULL CHECK (length(address) <= 300),
    city                  text NOT NULL CHECK (length(btrim(city)) BETWEEN 1 AND 100),
    region                text NOT NULL DEFAULT '' CHECK (length(region) <= 100),
    country               text NOT NULL CHECK (length(btrim(country)) BETWEEN 2 AND 100),
    -- IANA time zone name, checked by the application against the tz database.
    timezone              text NOT NULL CHECK (length(timezone) BETWEEN 1 AND 64),
    latitude              double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude             double precision CHECK (longitude BETWEEN -180 AND 180),
    max_guests            integer NOT NULL CHECK (max_guests BETWEEN 1 AND 50),
    bedrooms              integer NOT NULL CHECK (bedrooms BETWEEN 0 AND 50),
    beds                  integer NOT NULL CHECK (beds BETWEEN 1 AND 100),
    -- Half bathrooms count: 1.5 is allowed, stored exactly in tenths to avoid floats.
    bathrooms_tenths      integer NOT NULL CHECK (bathrooms_tenths BETWEEN 0 AND 500 AND bathrooms_tenths % 5 = 0),
    house_rules           text NOT NULL DEFAULT '' CHECK (length(house_rules) <= 5000),
    check_in_time         time NOT NULL DEFAULT '15:00',
    check_out_time        time NOT NULL DEFAULT '11:00',
    -- Money in minor units of `currency`.
    nightly_price         bigint NOT NULL CHECK (nightly_price > 0 AND nightly_price <= 100000000),
    cleaning_fee          bigint NOT NULL DEFAULT 0 CHECK (cleaning_fee >= 0 AND cleaning_fee <= 100000000),
    currency              text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    weekly_discount_pct   integer NOT NULL DEFAULT 0 CHECK (weekly_discount_pct BETWEEN 0 AND 90),
    monthly_discount_pct  integer NOT NULL DEFAULT 0 CHECK (monthly_discount_pct BETWEEN 0 AND 90),
    min_nights            integer NOT NULL DEFAULT 1 CHECK (min_nights BETWEEN 1 AND 365),
    max_nights            integer NOT NULL DEFAULT 365 CHECK (max_nights BETWEEN 1 AND 1095),
    instant_book          boolean NOT NULL DEFAULT false,
    cancellation_policy   text NOT NULL DEFAULT 'moderate'
                          CHECK (cancellation_policy IN ('flexible', 'moderate', 'strict')),
    -- Review figures, maintained transactionally by the reviews feature (sums of 1–5 ratings).
    review_count          integer NOT NULL DEFAULT 0 CHECK (review_count >= 0),
    rating_sum            integer NOT NULL DEFAULT 0,
    cleanliness_sum       integer NOT NULL DEFAULT 0,
    accuracy_sum          integer NOT NULL DEFAULT 0,
    check_in_sum          integer NOT NULL DEFAULT 0,
    communication_sum     integer NOT NULL DEFAULT 0,
    location_sum          integer NOT NULL DEFAULT 0,
    value_sum             integer NOT NULL DEFAULT 0,
    rating_avg            double precision GENERATED ALWAYS AS
                          (CASE WHEN review_count > 0 THEN rating_sum::double precision / review_count END) STORED,
    cover_photo_id        bigint,
    search_document       tsvector GENERATED ALWAYS AS (
                              setweight(to_tsvector('simple', coalesce(city, '') || ' ' || coalesce(region, '') || ' ' || coalesce(country, '')), 'A')
                              || setweight(to_tsvector('simple', coalesce(title, '')), 'B')
                          ) STORED,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    published_at          timestamptz,
    CHECK (max_nights >= min_nights)
);
CREATE INDEX listings_host_idx ON listings (host_id, id DESC);
CREATE INDEX listings_search_idx ON listings USING gin (search_document);
CREATE INDEX listings_published_price_idx ON listings (nightly_price, id) WHERE status = 'published';
CREATE INDEX listings_published_new_idx ON listings (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX listings_published_rating_idx ON listings (rating_avg DESC NULLS LAST, id) WHERE status = 'published';

CREATE TABLE listing_amenities (
    listing_id  bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    amenity_id  integer NOT NULL REFERENCES amenities (id) ON DELETE CASCADE,
    PRIMARY KEY (listing_id, amenity_id)
);
CREATE INDEX listing_amenities_amenity_idx ON listing_amenities (amenity_id, listing_id);

CREATE TABLE listing_photos (
    id            bigserial PRIMARY KEY,
    listing_id    bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    -- Storage keys chosen by the server (see src/storage.rs).
    image_key     text NOT NULL,
    thumb_key     text NOT NULL,
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    position      integer NOT NULL CHECK (position >= 0),
    caption       text NOT NULL DEFAULT '' CHECK (length(caption) <= 200),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listing_photos_listing_idx ON listing_photos (listing_id, position, id);

ALTER TABLE listings ADD CONSTRAINT listings_cover_photo_fkey
    FOREIGN KEY (cover_photo_id) REFERENCES listing_photos (id) ON DELETE SET NULL;

-- Everything that occupies a listing's calendar: host blocks and the bookings that hold dates.
-- A stay is [check_in, check_out): adjacent stays (one's check-out = the next check-in) do not
-- overlap. The exclusion constraint is the single source of truth against double booking.
CREATE TABLE calendar_entries (
    id          bigserial PRIMARY KEY,
    listing_id  bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    stay        daterange NOT NULL CHECK (NOT isempty(stay) AND lower_inc(stay) AND NOT upper_inc(stay)
                                          AND NOT lower_inf(stay) AND NOT upper_inf(stay)),
    kind        text NOT NULL CHECK (kind IN ('blocked', 'booking')),
    -- Set for kind = 'booking' (foreign key added with the bookings table).
    booking_id  bigint UNIQUE,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'booking') = (booking_id IS NOT NULL)),
    CONSTRAINT calendar_entries_no_overlap EXCLUDE USING gist (listing_id WITH =, stay WITH &&)
);

CREATE TABLE wishlist_items (
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    listing_id  bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, listing_id)
);
CREATE INDEX wishlist_items_listing_idx ON wishlist_items (listing_id);
