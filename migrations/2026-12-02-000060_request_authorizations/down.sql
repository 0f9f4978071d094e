DROP INDEX payments_authorized_idx;
CREATE OR REPLACE FUNCTION payments_ledger_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.booking_id <> OLD.booking_id OR NEW.kind <> OLD.kind OR NEW.provider <> OLD.provider
        OR NEW.amount <> OLD.amount OR NEW.currency <> OLD.currency
        OR NEW.refund_of IS DISTINCT FROM OLD.refund_of
        OR (OLD.provider_ref IS NOT NULL AND NEW.provider_ref IS DISTINCT FROM OLD.provider_ref)
        OR (OLD.status = 'succeeded' AND NEW.status <> 'succeeded') THEN
        RAISE EXCEPTION 'payments is a ledger: only the status (and a missing provider_ref) may change'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
ALTER TABLE payments DROP CONSTRAINT payments_authorization_is_charge;
UPDATE payments SET status = 'failed' WHERE status IN ('authorized', 'voided');
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
    CHECK (status IN ('pending', 'succeeded', 'failed'));
ALTER TABLE bookings DROP COLUMN request_to_book;
