-- The home page's featured stays: the best rated among published listings with at least three
-- reviews (`search::query::featured`, whose `review_count >= 3` must stay the same literal as
-- this predicate for PostgreSQL to use the index). The global rating index of migration 000008
-- orders every published listing, so the featured walk had to step over all the listings rated
-- higher on fewer reviews (most of the top: one 5-star review is a 5.0 average) before finding
-- eight with three reviews; this one holds only the candidates, in order, so the walk reads
-- eight entries. It carries every card column (host included), so the walk never visits the
-- table. Small: only listings with three reviews or more.
CREATE INDEX listings_featured_rating_idx
    ON listings (rating_avg DESC NULLS LAST, id) INCLUDE (
        title, city, country, property_type, max_guests, bedrooms, nightly_price,
        cleaning_fee, currency, weekly_discount_pct, monthly_discount_pct, review_count,
        card_thumb_key, published_at, host_id)
    WHERE status = 'published' AND review_count >= 3;
