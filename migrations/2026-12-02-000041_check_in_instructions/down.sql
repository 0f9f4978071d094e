ALTER TABLE listings DROP COLUMN check_in_instructions;
