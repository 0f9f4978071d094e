-- Demo reviews of the stays of listings with ids in ($1, $2] (see reviews.rs), $3 = today,
-- $4 = the review window in days.
--
-- Only stays whose review window has closed are reviewed, so that none is left half
-- written and the review jobs have nothing to send for them; the demo guest's stays are left
-- for the demo guest to review. Each listing has a "quality" around which its ratings lie,
-- and the words of a review follow its rating. A review is published when both sides have
-- written or, for one side alone, when the window closed: the double-blind rule.
WITH quality AS (
    SELECT l.id AS listing_id, 3.4 + random() * 1.6 AS level
    FROM listings l WHERE l.id > $1 AND l.id <= $2
), stays AS (
    SELECT b.id AS booking_id, b.listing_id, b.guest_id, l.host_id, b.check_out, q.level,
           random() AS r_guest_writes, random() AS r_host_writes, random() AS r_reply,
           1 + floor(random() * ($4 - 2))::int AS guest_day,
           1 + floor(random() * ($4 - 2))::int AS host_day
    FROM bookings b
    JOIN listings l ON l.id = b.listing_id
    JOIN quality q ON q.listing_id = b.listing_id
    JOIN users g ON g.id = b.guest_id
    WHERE b.status = 'completed' AND b.check_out < $3::date - $4::int
      AND g.email <> 'guest@roost.test'
), written AS (
    SELECT s.*,
           s.r_guest_writes < 0.8 AS guest_wrote,
           s.r_host_writes < 0.6 AS host_wrote
    FROM stays s
), dated AS (
    SELECT w.*,
           CASE WHEN w.guest_wrote AND w.host_wrote
                THEN w.check_out + greatest(w.guest_day, w.host_day)
                ELSE w.check_out + $4::int END::timestamptz + interval '9 hours' AS published
    FROM written w
), guest_reviews AS (
    -- One rating per category around the listing's level; the overall one is their rounded
    -- mean, nudged now and then, as real guests do.
    SELECT d.*, c.*,
           least(5, greatest(1, round((c.cl + c.ac + c.ci + c.co + c.lo + c.va) / 6.0
                                      + (random() - 0.5) * 0.8)))::smallint AS rating
    FROM dated d
    CROSS JOIN LATERAL (
        SELECT least(5, greatest(1, round(d.level + (random() - 0.5) * 1.6)))::smallint AS cl,
               least(5, greatest(1, round(d.level + (random() - 0.5) * 1.6)))::smallint AS ac,
               least(5, greatest(1, round(d.level + 0.3 + (random() - 0.5) * 1.2)))::smallint AS ci,
               least(5, greatest(1, round(d.level + 0.3 + (random() - 0.5) * 1.2)))::smallint AS co,
               least(5, greatest(1, round(d.level + (random() - 0.5) * 1.6)))::smallint AS lo,
               least(5, greatest(1, round(d.level - 0.2 + (random() - 0.5) * 1.6)))::smallint AS va,
               random() AS r_open, random() AS r_middle, random() AS r_close
    ) c
    WHERE d.guest_wrote
), inserted_guest_reviews AS (
    INSERT INTO reviews (booking_id, listing_id, author_id, subject_id, direction, rating,
                         cleanliness, accuracy, check_in, communication, location, value,
                         comment, published_at, host_reply, host_replied_at, created_at)
    SELECT r.booking_id, r.listing_id, r.guest_id, r.host_id, 'guest_to_host', r.rating,
           r.cl, r.ac, r.ci, r.co, r.lo, r.va,
           CASE WHEN r.rating >= 5 THEN
                    (ARRAY['What a wonderful stay.', 'We loved every minute here.',
                           'Exactly what we hoped for, and more.', 'One of our best stays anywhere.'])
                        [1 + floor(r.r_open * 4)::int]
                WHEN r.rating = 4 THEN
                    (ARRAY['A very good stay.', 'We had a lovely time.',
                           'A comfortable place in a good spot.', 'Nice place, would book again.'])
                        [1 + floor(r.r_open * 4)::int]
                WHEN r.rating = 3 THEN
                    (ARRAY['A decent stay overall.', 'It was fine for a few nights.',
                           'Good location, but the place shows its age.'])
                        [1 + floor(r.r_open * 3)::int]
                ELSE
                    (ARRAY['Not what the photos promised.', 'We were disappointed.',
                           'The stay did not go well.'])
                        [1 + floor(r.r_open * 3)::int]
           END
           || ' ' ||
           CASE WHEN r.cl >= 4 AND r.r_middle < 0.35 THEN
                    'The place was spotless and the beds were comfortable.'
                WHEN r.cl <= 2 THEN 'It could have been cleaner when we arrived.'
                WHEN r.co >= 4 AND r.r_middle < 0.7 THEN
                    'The host answered every message within minutes.'
                WHEN r.co <= 2 THEN 'The host was hard to reach during our stay.'
                WHEN r.lo >= 4 THEN 'The location is ideal: everything is within walking distance.'
                WHEN r.va <= 2 THEN 'For the price we expected more.'
                ELSE 'Check-in was easy and the kitchen had all we needed.'
           END
           || CASE WHEN r.r_close < 0.5 THEN ''
                   WHEN r.rating >= 4 THEN ' Thank you!'
                   ELSE ' Some things need attention.' END,
           r.published,
           CASE WHEN r.r_reply < 0.25 THEN
                    CASE WHEN r.rating >= 4 THEN 'Thank you for staying with us, and for looking after the place. You are welcome back any time.'
                         ELSE 'Thank you for your honest feedback. We have looked into what you mention and fixed it.' END
           END,
           CASE WHEN r.r_reply < 0.25 THEN r.published + interval '1 day' END,
           r.check_out + r.guest_day
    FROM guest_reviews r
    RETURNING 1
), inserted_host_reviews AS (
    INSERT INTO reviews (booking_id, listing_id, author_id, subject_id, direction, rating,
                         comment, published_at, created_at)
    SELECT d.booking_id, d.listing_id, d.host_id, d.guest_id, 'host_to_guest',
           CASE WHEN d.r_host_writes < 0.05 THEN 3 WHEN d.r_host_writes < 0.15 THEN 4 ELSE 5 END,
           CASE WHEN d.r_host_writes < 0.05 THEN 'The house rules were not always kept.'
                WHEN d.r_host_writes < 0.15 THEN 'A pleasant guest. Thanks for the stay.'
                ELSE 'A considerate guest who left the place tidy. Welcome back any time!' END,
           d.published, d.check_out + d.host_day
    FROM dated d
    WHERE d.host_wrote
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted_guest_reviews)
       + (SELECT count(*) FROM inserted_host_reviews) AS n
