-- Amenities of the demo listings with ids in ($1, $2]: each with its own probability, which
-- depends on the place (beach, mountain, city) and the type of the listing.
INSERT INTO listing_amenities (listing_id, amenity_id)
SELECT l.id, a.id
FROM listings l
JOIN seed_places p ON p.city = l.city AND p.country = l.country
CROSS JOIN amenities a
WHERE l.id > $1 AND l.id <= $2
  AND random() < CASE a.slug
      WHEN 'wifi' THEN 0.95
      WHEN 'kitchen' THEN CASE WHEN l.property_type = 'room' THEN 0.3 ELSE 0.85 END
      WHEN 'washer' THEN 0.6
      WHEN 'dryer' THEN 0.35
      WHEN 'air_conditioning' THEN CASE p.setting WHEN 'beach' THEN 0.8 ELSE 0.35 END
      WHEN 'heating' THEN CASE p.setting WHEN 'mountain' THEN 0.98 ELSE 0.75 END
      WHEN 'workspace' THEN 0.45
      WHEN 'tv' THEN 0.7
      WHEN 'free_parking' THEN CASE p.setting WHEN 'city' THEN 0.2 ELSE 0.7 END
      WHEN 'ev_charger' THEN 0.06
      WHEN 'pool' THEN CASE WHEN l.property_type = 'villa' THEN 0.7
                            WHEN p.setting = 'beach' THEN 0.2 ELSE 0.05 END
      WHEN 'hot_tub' THEN CASE p.setting WHEN 'mountain' THEN 0.35 ELSE 0.06 END
      WHEN 'gym' THEN 0.08
      WHEN 'bbq_grill' THEN CASE WHEN l.property_type IN ('house', 'villa', 'cabin', 'cottage')
                                 THEN 0.45 ELSE 0.05 END
      WHEN 'fireplace' THEN CASE WHEN l.property_type IN ('cabin', 'cottage')
                                   OR p.setting = 'mountain' THEN 0.6 ELSE 0.08 END
      WHEN 'crib' THEN 0.2
      WHEN 'pets_allowed' THEN 0.25
      WHEN 'self_check_in' THEN 0.55
      WHEN 'beachfront' THEN CASE p.setting WHEN 'beach' THEN 0.3 ELSE 0.0 END
      WHEN 'ski_in_out' THEN CASE p.setting WHEN 'mountain' THEN 0.3 ELSE 0.0 END
      WHEN 'smoke_alarm' THEN 0.9
      WHEN 'carbon_monoxide_alarm' THEN 0.7
      WHEN 'first_aid_kit' THEN 0.6
      WHEN 'breakfast' THEN 0.1
      ELSE 0.2
  END
