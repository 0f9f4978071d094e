DROP TABLE wishlist_items;
DROP TABLE calendar_entries;
ALTER TABLE listings DROP CONSTRAINT listings_cover_photo_fkey;
DROP TABLE listing_photos;
DROP TABLE listing_amenities;
DROP TABLE listings;
DROP TABLE amenities;
