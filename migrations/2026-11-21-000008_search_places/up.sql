-- Search at scale, second pass (README "Benchmark"): searches name a place, so listings point
-- at their place and each place has its own ordered indexes; cards read their thumbnail, and
-- search reads availability, from the listing row.

-- The places listings are in: one row per distinct (city, region, country), kept by the
-- trigger below (hosts never pick from a list; typing a new city makes a new place). The
-- location box is matched against this small table with full-text search first, so a search
-- for "Paris", "Italy" or "amster" becomes a handful of place ids, and each place's listings
-- are read in result order from its own index, stopping after a page.
CREATE TABLE places (
    id              bigserial PRIMARY KEY,
    city            text NOT NULL,
    region          text NOT NULL,
    country         text NOT NULL,
    search_document tsvector GENERATED ALWAYS AS
                    (to_tsvector('simple', city || ' ' || region || ' ' || country)) STORED,
    UNIQUE (city, region, country)
);
CREATE INDEX places_search_idx ON places USING gin (search_document);

INSERT INTO places (city, region, country)
SELECT DISTINCT city, region, country FROM listings;

ALTER TABLE listings ADD COLUMN place_id bigint REFERENCES places (id);

-- The thumbnail a listing card shows: the cover photo's, else the first photo's. Kept on the
-- listing by the triggers below so that a page of cards reads no photo rows.
ALTER TABLE listings ADD COLUMN card_thumb_key text;

-- The nights taken on the listing's calendar (bookings and blocks), one bit per night from
-- 2026-01-01 (bit 1) to the last taken night; nights past the end are free. Derived from
-- `calendar_entries` (which stays the truth that bookings are checked against) by the
-- triggers below, in the same transaction. Search tests a stay with one substring of this
-- row instead of a probe of the calendar's index per listing (measured: a third of the
-- database's time in the search benchmark). Nights before 2026-01-01 are never searched.
ALTER TABLE listings ADD COLUMN booked_nights bit varying NOT NULL DEFAULT B'';

CREATE FUNCTION listing_booked_nights(listing bigint) RETURNS bit varying
LANGUAGE sql STABLE AS $$
    -- Entries never overlap (calendar_entries_no_overlap): in start order, each adds the
    -- free nights since the previous one, then its own.
    SELECT coalesce(string_agg(
               repeat('0', e.start - greatest(e.previous_end, DATE '2026-01-01'))
               || repeat('1', e.stop - e.start), '' ORDER BY e.start), '')::bit varying
      FROM (SELECT greatest(lower(stay), DATE '2026-01-01') AS start, upper(stay) AS stop,
                   lag(upper(stay)) OVER (ORDER BY lower(stay)) AS previous_end
              FROM calendar_entries
             WHERE listing_id = listing AND upper(stay) > DATE '2026-01-01') e
$$;

CREATE FUNCTION listing_card_thumb(listing bigint, cover bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT thumb_key FROM listing_photos WHERE listing_id = listing
    ORDER BY (id IS NOT DISTINCT FROM cover) DESC, position, id LIMIT 1
$$;

UPDATE listings l
   SET place_id = p.id, card_thumb_key = listing_card_thumb(l.id, l.cover_photo_id),
       booked_nights = listing_booked_nights(l.id)
  FROM places p
 WHERE (p.city, p.region, p.country) = (l.city, l.region, l.country);
ALTER TABLE listings ALTER COLUMN place_id SET NOT NULL;

CREATE FUNCTION listings_assign_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT id INTO NEW.place_id FROM places
     WHERE city = NEW.city AND region = NEW.region AND country = NEW.country;
    IF NEW.place_id IS NULL THEN
        -- A concurrent insert of the same place makes ours do nothing; the second SELECT,
        -- a new statement, sees the winner's row.
        INSERT INTO places (city, region, country) VALUES (NEW.city, NEW.region, NEW.country)
        ON CONFLICT (city, region, country) DO NOTHING;
        SELECT id INTO STRICT NEW.place_id FROM places
         WHERE city = NEW.city AND region = NEW.region AND country = NEW.country;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER listings_assign_place
    BEFORE INSERT OR UPDATE OF city, region, country ON listings
    FOR EACH ROW EXECUTE FUNCTION listings_assign_place();

CREATE FUNCTION listings_cover_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.card_thumb_key := listing_card_thumb(NEW.id, NEW.cover_photo_id);
    RETURN NEW;
END $$;

CREATE TRIGGER listings_cover_changed
    BEFORE UPDATE OF cover_photo_id ON listings
    FOR EACH ROW EXECUTE FUNCTION listings_cover_changed();

-- Statement-level, so that an upload of several photos or a reorder updates each listing
-- once. (PL/pgSQL reads a transition table only in the branch that runs.)
CREATE FUNCTION listing_photos_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE listings l SET card_thumb_key = listing_card_thumb(l.id, l.cover_photo_id)
         WHERE l.id IN (SELECT listing_id FROM new_photos)
           AND l.card_thumb_key IS DISTINCT FROM listing_card_thumb(l.id, l.cover_photo_id);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE listings l SET card_thumb_key = listing_card_thumb(l.id, l.cover_photo_id)
         WHERE l.id IN (SELECT listing_id FROM old_photos)
           AND l.card_thumb_key IS DISTINCT FROM listing_card_thumb(l.id, l.cover_photo_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER listing_photos_inserted AFTER INSERT ON listing_photos
    REFERENCING NEW TABLE AS new_photos
    FOR EACH STATEMENT EXECUTE FUNCTION listing_photos_changed();
CREATE TRIGGER listing_photos_updated AFTER UPDATE ON listing_photos
    REFERENCING OLD TABLE AS old_photos NEW TABLE AS new_photos
    FOR EACH STATEMENT EXECUTE FUNCTION listing_photos_changed();
CREATE TRIGGER listing_photos_deleted AFTER DELETE ON listing_photos
    REFERENCING OLD TABLE AS old_photos
    FOR EACH STATEMENT EXECUTE FUNCTION listing_photos_changed();

-- Keeps `booked_nights` equal to `listing_booked_nights` for every listing whose entries a
-- statement changed (an insert of 10 000 seeded bookings recomputes each listing once).
CREATE FUNCTION calendar_entries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT listing_id) INTO changed FROM new_entries;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT listing_id) INTO changed FROM old_entries;
    ELSE
        SELECT array_agg(DISTINCT listing_id) INTO changed
          FROM (SELECT listing_id FROM new_entries UNION SELECT listing_id FROM old_entries) e;
    END IF;
    -- Lock the rows first: a concurrent booking of the same listing (other nights) waits
    -- here until the first commits, and the UPDATE below, a new statement, then reads both
    -- bookings' entries. (NO KEY UPDATE does not conflict with the key-share locks that
    -- foreign keys to the listing take, so two bookings cannot deadlock on them.)
    PERFORM 1 FROM listings WHERE id = ANY (changed) ORDER BY id FOR NO KEY UPDATE;
    UPDATE listings SET booked_nights = listing_booked_nights(id) WHERE id = ANY (changed);
    RETURN NULL;
END $$;

CREATE TRIGGER calendar_entries_inserted AFTER INSERT ON calendar_entries
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_entries_changed();
CREATE TRIGGER calendar_entries_updated AFTER UPDATE ON calendar_entries
    REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_entries_changed();
CREATE TRIGGER calendar_entries_deleted AFTER DELETE ON calendar_entries
    REFERENCING OLD TABLE AS old_entries
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_entries_changed();

-- One ordered index per sort, led by the place: a search for one place walks only that
-- place's published listings, in result order, and stops after a page. Each index carries
-- every column the filters and the cards read, so the walk never visits the table (an
-- index-only scan: the listings of a place sit side by side in a few index pages instead of
-- one table page each). About 18 MB each at 100 000 listings.
CREATE INDEX listings_place_rating_idx
    ON listings (place_id, rating_avg DESC NULLS LAST, id) INCLUDE (
        title, city, country, property_type, max_guests, bedrooms, nightly_price,
        cleaning_fee, currency, weekly_discount_pct, monthly_discount_pct, review_count,
        card_thumb_key, published_at, min_nights, max_nights, booked_nights)
    WHERE status = 'published';
CREATE INDEX listings_place_price_idx
    ON listings (place_id, nightly_price, id) INCLUDE (
        title, city, country, property_type, max_guests, bedrooms, cleaning_fee, currency,
        weekly_discount_pct, monthly_discount_pct, review_count, rating_avg,
        card_thumb_key, published_at, min_nights, max_nights, booked_nights)
    WHERE status = 'published';
CREATE INDEX listings_place_new_idx
    ON listings (place_id, published_at DESC, id DESC) INCLUDE (
        title, city, country, property_type, max_guests, bedrooms, nightly_price,
        cleaning_fee, currency, weekly_discount_pct, monthly_discount_pct, review_count,
        rating_avg, card_thumb_key, min_nights, max_nights, booked_nights)
    WHERE status = 'published';

-- The same for searches without a place, or naming many places (a country): the global
-- orders of migration 000003 become covering too, with the place for the `= ANY` filter.
DROP INDEX listings_published_rating_idx;
DROP INDEX listings_published_price_idx;
DROP INDEX listings_published_new_idx;
CREATE INDEX listings_published_rating_idx
    ON listings (rating_avg DESC NULLS LAST, id) INCLUDE (
        place_id, title, city, country, property_type, max_guests, bedrooms, nightly_price,
        cleaning_fee, currency, weekly_discount_pct, monthly_discount_pct, review_count,
        card_thumb_key, published_at, min_nights, max_nights, booked_nights)
    WHERE status = 'published';
CREATE INDEX listings_published_price_idx
    ON listings (nightly_price, id) INCLUDE (
        place_id, title, city, country, property_type, max_guests, bedrooms, cleaning_fee,
        currency, weekly_discount_pct, monthly_discount_pct, review_count, rating_avg,
        card_thumb_key, published_at, min_nights, max_nights, booked_nights)
    WHERE status = 'published';
CREATE INDEX listings_published_new_idx
    ON listings (published_at DESC, id DESC) INCLUDE (
        place_id, title, city, country, property_type, max_guests, bedrooms, nightly_price,
        cleaning_fee, currency, weekly_discount_pct, monthly_discount_pct, review_count,
        rating_avg, card_thumb_key, min_nights, max_nights, booked_nights)
    WHERE status = 'published';

-- Words that are not places ("loft", "garden") still search the listings' own documents.
-- A finer statistics sample lets PostgreSQL see that a rare or unknown word matches almost
-- nothing (measured: "zzzz" went from a 160 ms walk of every listing to 0.3 ms).
ALTER TABLE listings ALTER COLUMN search_document SET STATISTICS 1000;
ANALYZE listings;
ANALYZE places;
