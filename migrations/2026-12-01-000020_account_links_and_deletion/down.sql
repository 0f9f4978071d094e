DROP TRIGGER bookings_refuse_deleted_guest ON bookings;
DROP FUNCTION bookings_refuse_deleted_guest();
ALTER TABLE users DROP CONSTRAINT users_deleted_are_anonymised;
ALTER TABLE users DROP COLUMN deleted_at;
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_used_or_revoked;
ALTER TABLE account_tokens DROP COLUMN revoked_at;
DELETE FROM account_tokens WHERE purpose IN ('change_email', 'undo_email_change');
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
    CHECK (purpose IN ('verify_email', 'reset_password'));
