-- Account links get two more kinds and can be revoked; deleted accounts stay as anonymised rows.

-- `change_email`: confirms a new address (kept apart from `verify_email`, which confirms the
-- current one, so that a newer link of one kind does not end a link of the other).
-- `undo_email_change`: sent to the old address; restores it and secures the account.
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
    CHECK (purpose IN ('verify_email', 'reset_password', 'change_email', 'undo_email_change'));
-- Set when a link is ended without being used (a newer link, a password change, sessions
-- ended), so that its page can say so instead of "already used".
ALTER TABLE account_tokens ADD COLUMN revoked_at timestamptz;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_used_or_revoked
    CHECK (used_at IS NULL OR revoked_at IS NULL);

-- A deleted account keeps its row (bookings, payments and reviews point at it and must be
-- kept), with every personal detail gone: the database refuses a deleted row that still has any.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_deleted_are_anonymised CHECK (
    deleted_at IS NULL OR (
        email LIKE 'deleted-%@deleted.invalid'
        AND name = 'Deleted user'
        AND bio = ''
        AND avatar_key IS NULL
        AND email_verified_at IS NULL
        AND NOT is_host
        AND NOT is_admin
    )
);

-- Nobody books as a deleted account. The row lock waits for a deletion under way, so a
-- booking racing one sees its outcome (the deletion locks the user row first).
CREATE FUNCTION bookings_refuse_deleted_guest() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    gone timestamptz;
BEGIN
    SELECT deleted_at INTO gone FROM users WHERE id = NEW.guest_id FOR KEY SHARE;
    IF gone IS NOT NULL THEN
        RAISE EXCEPTION 'user % is deleted and cannot book', NEW.guest_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_guest_not_deleted';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER bookings_refuse_deleted_guest BEFORE INSERT ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_refuse_deleted_guest();
