DROP INDEX listings_place_rating_idx;
DROP INDEX listings_place_price_idx;
DROP INDEX listings_place_new_idx;
DROP INDEX listings_published_rating_idx;
DROP INDEX listings_published_price_idx;
DROP INDEX listings_published_new_idx;
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
DROP TRIGGER listing_amenities_deleted ON listing_amenities;
DROP TRIGGER listing_amenities_updated ON listing_amenities;
DROP TRIGGER listing_amenities_inserted ON listing_amenities;
DROP FUNCTION listing_amenities_changed();
DROP FUNCTION listing_amenity_bits(bigint);
ALTER TABLE listings DROP COLUMN amenity_bits;
ALTER TABLE amenities DROP CONSTRAINT amenities_id_fits_amenity_bits;
