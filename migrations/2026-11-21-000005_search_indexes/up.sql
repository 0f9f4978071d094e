-- Search at scale (100 000 listings, 1 000 000 calendar entries; README "Benchmark" has the
-- EXPLAIN ANALYZE figures).

-- Search probes "is any calendar entry overlapping these dates?" once per candidate listing.
-- A probe of the exclusion constraint's GiST index costs 30-100 µs; this B-tree answers
-- `listing_id = ? AND upper(stay) > check_in` (with `stay && [check_in, check_out)` checked on
-- the included range, never visiting the table) in about 6-10 µs. Search states both
-- conditions: `&&` keeps PostgreSQL's range statistics for its estimates, and the planner
-- picks whichever index is cheaper.
CREATE INDEX calendar_entries_listing_end_idx
    ON calendar_entries (listing_id, upper(stay)) INCLUDE (stay);

-- Searches are short queries served many at a time: parallel workers (a process launch per
-- query) cost more than they save, and on a small machine they starve the other requests.
-- Measured: a search for "Rome" with dates took 21-25 ms with two workers, 3 ms without.
ALTER TABLE listings SET (parallel_workers = 0);
ALTER TABLE listing_amenities SET (parallel_workers = 0);
ALTER TABLE listing_photos SET (parallel_workers = 0);
ALTER TABLE calendar_entries SET (parallel_workers = 0);
