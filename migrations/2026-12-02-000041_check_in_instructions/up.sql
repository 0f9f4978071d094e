-- How to get in (key box, door code, parking), from the host: shown only to the guest of a
-- confirmed stay and to the host, like the exact address.
ALTER TABLE listings
    ADD COLUMN check_in_instructions text NOT NULL DEFAULT ''
        CONSTRAINT listings_check_in_instructions_length
        CHECK (length(check_in_instructions) <= 5000);
