-- Demo bookings for the published listings with ids in ($1, $2] (see bookings.rs).
-- $3 = ordinal of the batch's first listing in the run, $4 = bookings per listing, $5 = how
-- many listings get one more, $6 = days of the booking window, $7 = number of seed guests,
-- $8 = first day of the window, $9 = today, $10/$11/$12 = service fee / host fee / tax in
-- basis points, $13 = the run's tag.
--
-- Listing k's window is cut into k equal slots and each booking lies inside its own slot, so
-- the stays of a listing never overlap. The price lines follow `pricing::quote` exactly
-- (half-up rounding of basis points), which the CHECK constraints and a test hold it to.
WITH ls AS (
    SELECT l.id, l.nightly_price, l.cleaning_fee, l.currency, l.weekly_discount_pct,
           l.monthly_discount_pct, l.min_nights, l.max_guests, l.cancellation_policy,
           row_number() OVER (ORDER BY l.id) - 1 + $3 AS ord
    FROM listings l
    WHERE l.id > $1 AND l.id <= $2 AND l.status = 'published'
), counted AS (
    SELECT ls.*, ($4 + CASE WHEN ord < $5 THEN 1 ELSE 0 END)::int AS k FROM ls
), slotted AS (
    SELECT c.*, j, $6::int / greatest(c.k, 1) AS slot
    FROM counted c CROSS JOIN LATERAL generate_series(0, c.k - 1) AS j
), dated AS (
    SELECT s.*,
           greatest(1, least(s.slot - 1, s.min_nights + floor(random() * 6)::int)) AS n,
           random() AS r_off, random() AS r_guests, random() AS r_status,
           floor(random() * $7)::bigint AS guest_n
    FROM slotted s
), placed AS (
    SELECT d.*, $8::date + d.j * d.slot + floor(d.r_off * (d.slot - d.n))::int AS ci FROM dated d
), priced AS (
    SELECT p.*, p.nightly_price * p.n AS base,
           CASE WHEN p.n >= 28 AND p.monthly_discount_pct > 0 THEN p.monthly_discount_pct
                WHEN p.n >= 7 THEN p.weekly_discount_pct ELSE 0 END AS pct
    FROM placed p
), discounted AS (
    SELECT q.*, (q.base * q.pct * 100 + 5000) / 10000 AS discount FROM priced q
), staying AS (
    SELECT t.*, t.base - t.discount + t.cleaning_fee AS stay_amount FROM discounted t
), fees AS (
    SELECT f.*,
           (f.stay_amount * $10 + 5000) / 10000 AS service,
           (f.stay_amount * $11 + 5000) / 10000 AS host_fee,
           (f.stay_amount * $12 + 5000) / 10000 AS tax
    FROM staying f
)
INSERT INTO bookings (
    listing_id, guest_id, check_in, check_out, guests, status, currency, nightly_price, nights,
    base_amount, discount_amount, cleaning_fee, service_fee, tax_amount, total_amount, host_fee,
    host_payout, cancellation_policy, idempotency_key, created_at, updated_at)
SELECT x.id, g.id, x.ci, x.ci + x.n, 1 + floor(x.r_guests * x.max_guests)::int,
       -- $9 is today in UTC: a stay is over everywhere on earth only once its check-out day
       -- is before it (on the check-out day itself it may not be over where the listing is,
       -- and its review would not be open yet), and begun everywhere only after its check-in day.
       CASE WHEN x.r_status < 0.04 THEN 'cancelled_by_guest'
            WHEN x.ci + x.n < $9::date THEN 'completed'
            WHEN x.ci < $9::date THEN 'checked_in'
            ELSE 'confirmed' END,
       x.currency, x.nightly_price, x.n, x.base, x.discount, x.cleaning_fee, x.service, x.tax,
       x.stay_amount + x.service + x.tax, x.host_fee, x.stay_amount - x.host_fee,
       x.cancellation_policy, 'seed-' || $13 || '-' || x.id || '-' || x.j,
       x.ci::timestamptz - (1 + floor(random() * 60)) * interval '1 day', now()
FROM fees x
JOIN seed_guests g ON g.n = x.guest_n
