ALTER TABLE calendar_entries RESET (parallel_workers);
ALTER TABLE listing_photos RESET (parallel_workers);
ALTER TABLE listing_amenities RESET (parallel_workers);
ALTER TABLE listings RESET (parallel_workers);
DROP INDEX IF EXISTS calendar_entries_listing_end_idx;
