-- Demo listings $1..=$2 (see stays.rs). $3 = number of seed hosts, $4 = number of places.
-- Each CTE draws or derives a few columns; `random()` is evaluated per row.
WITH draws AS (
    SELECT g,
           least($4 - 1, floor(power(random(), 1.8) * $4))::int AS place_n,
           random() AS r_type, random() AS r_size, random() AS r_price, random() AS r_a,
           random() AS r_b, random() AS r_c,
           random() AS r_stat, random() AS r_t1, random() AS r_t2, random() AS r_pol,
           random() AS r_min, random() AS r_max, random() AS r_age
    FROM generate_series($1::bigint, $2::bigint) AS g
), typed AS (
    SELECT d.*,
           CASE WHEN r_type < 0.33 THEN 'apartment' WHEN r_type < 0.52 THEN 'house'
                WHEN r_type < 0.60 THEN 'loft' WHEN r_type < 0.68 THEN 'cabin'
                WHEN r_type < 0.75 THEN 'villa' WHEN r_type < 0.83 THEN 'cottage'
                WHEN r_type < 0.97 THEN 'room' ELSE 'other' END AS ptype,
           (ARRAY['Sunny','Cosy','Bright','Quiet','Charming','Modern','Spacious','Stylish',
                  'Peaceful','Elegant','Rustic','Airy'])[1 + floor(r_t1 * 12)::int] AS adjective,
           (ARRAY['in the old town','near the park','by the water','with a view',
                  'close to the centre','with a garden','near the market','with a terrace',
                  'on a quiet street','near the station'])[1 + floor(r_t2 * 10)::int] AS phrase
    FROM draws d
), sized AS (
    SELECT t.*,
           CASE ptype WHEN 'room' THEN 1 WHEN 'apartment' THEN floor(r_size * 4)::int
                WHEN 'loft' THEN floor(r_size * 2)::int WHEN 'house' THEN 2 + floor(r_size * 4)::int
                WHEN 'villa' THEN 3 + floor(r_size * 5)::int ELSE 1 + floor(r_size * 3)::int
           END AS bedrooms,
           CASE ptype WHEN 'room' THEN 0.45 WHEN 'apartment' THEN 0.9 WHEN 'loft' THEN 1.0
                WHEN 'house' THEN 1.3 WHEN 'villa' THEN 2.2 WHEN 'cabin' THEN 0.95
                WHEN 'cottage' THEN 1.0 ELSE 0.8 END AS price_factor,
           CASE ptype WHEN 'room' THEN 'private room' WHEN 'other' THEN 'home' ELSE ptype END AS noun,
           CASE WHEN r_stat < 0.97 THEN 'published' WHEN r_stat < 0.99 THEN 'draft'
                ELSE 'unlisted' END AS status,
           now() - (30 + r_age * 1500) * interval '1 day' AS created
    FROM typed t
), fitted AS (
    SELECT s.*,
           CASE WHEN ptype = 'room' THEN 1 + floor(r_a * 2)::int
                ELSE least(16, greatest(2, bedrooms * 2 + floor(r_a * 2)::int)) END AS max_guests,
           greatest(1, bedrooms + floor(r_b * 2)::int) AS beds,
           CASE WHEN ptype = 'room' THEN 10
                ELSE 10 * (1 + bedrooms / 2) + CASE WHEN r_b > 0.7 THEN 5 ELSE 0 END END AS baths,
           p.city, p.region, p.country, p.timezone, p.currency, p.setting,
           p.latitude + (r_a - 0.5) * 0.08 AS latitude,
           p.longitude + (r_b - 0.5) * 0.08 AS longitude,
           greatest(100, round(p.price * price_factor * (0.6 + r_price * 0.9)
                               * (1 + 0.12 * bedrooms) / 100) * 100)::bigint AS nightly
    FROM sized s JOIN seed_places p ON p.n = s.place_n
)
INSERT INTO listings (
    host_id, status, title, description, property_type, address, city, region, country, timezone,
    latitude, longitude, max_guests, bedrooms, beds, bathrooms_tenths, house_rules,
    check_in_instructions, check_in_time, check_out_time, nightly_price, cleaning_fee, currency,
    weekly_discount_pct, monthly_discount_pct, min_nights, max_nights, instant_book,
    cancellation_policy, created_at, updated_at, published_at)
SELECT h.id, f.status,
       f.adjective || ' ' || f.noun || ' ' || f.phrase,
       'A ' || lower(f.adjective) || ' ' || f.noun || ' in ' || f.city || ', ' || f.country || '. '
           || CASE f.setting WHEN 'beach' THEN 'The sea is a short walk away.'
                             WHEN 'mountain' THEN 'Trails start at the door.'
                             ELSE 'Cafés, shops and the sights are close by.' END
           || E'\n\n' || 'It sleeps ' || f.max_guests || ' in ' || f.beds
           || CASE WHEN f.beds = 1 THEN ' bed' ELSE ' beds' END
           || ', with fresh linen and towels ready when you arrive.',
       f.ptype,
       (1 + floor(f.r_b * 180))::int || ' ' || (ARRAY['Main Street','Harbour Road','Market Lane',
           'Park Avenue','Station Road','Hill Street','River Walk','Garden Row'])[1 + floor(f.r_a * 8)::int],
       f.city, f.region, f.country, f.timezone,
       f.latitude, f.longitude, f.max_guests, f.bedrooms, f.beds, f.baths,
       (ARRAY['No smoking.', E'No smoking.\nNo parties or events.',
              E'Quiet hours after 22:00.\nNo smoking indoors.',
              E'Pets welcome on request.\nPlease take your shoes off inside.', ''])
           [1 + floor(f.r_t2 * 5)::int],
       (ARRAY['A key box hangs left of the front door; its code is 4821.',
              'Ring the bell marked Roost: your host meets you and shows you around.',
              E'Self check-in with the door code 7305.\nStreet parking is free after 18:00.'])
           [1 + floor(f.r_t1 * 3)::int],
       (ARRAY['14:00','15:00','16:00'])[1 + floor(f.r_c * 3)::int]::time,
       (ARRAY['10:00','11:00','12:00'])[1 + floor(f.r_t1 * 3)::int]::time,
       f.nightly,
       (round(f.nightly * (0.15 + f.r_c * 0.25) / 100) * 100)::bigint,
       f.currency,
       (ARRAY[0, 0, 5, 10, 15])[1 + floor(f.r_c * 5)::int],
       (ARRAY[0, 10, 20, 25, 30])[1 + floor(f.r_b * 5)::int],
       CASE WHEN f.r_min < 0.5 THEN 1 WHEN f.r_min < 0.8 THEN 2 WHEN f.r_min < 0.95 THEN 3 ELSE 7 END,
       CASE WHEN f.r_max < 0.15 THEN 14 WHEN f.r_max < 0.45 THEN 30 WHEN f.r_max < 0.8 THEN 90
            ELSE 365 END,
       f.r_a < 0.6,
       CASE WHEN f.r_pol < 0.35 THEN 'flexible' WHEN f.r_pol < 0.8 THEN 'moderate' ELSE 'strict' END,
       f.created, f.created,
       CASE WHEN f.status = 'published' THEN f.created + interval '2 days' END
FROM fitted f
JOIN seed_hosts h ON h.n = f.g % $3
