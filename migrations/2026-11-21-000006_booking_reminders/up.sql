-- The booking lifecycle's bookkeeping: which check-in reminders were sent, and which charge
-- each refund returns money from.

-- Set once the "your stay starts tomorrow" email is queued, so the periodic job sends it once.
ALTER TABLE bookings ADD COLUMN reminder_sent_at timestamptz;

-- A refund returns money from one charge (a booking may have several: the stay, then the
-- difference after a change of dates); refunds of a charge never exceed it.
ALTER TABLE payments ADD COLUMN refund_of bigint REFERENCES payments (id) ON DELETE RESTRICT;
ALTER TABLE payments ADD CONSTRAINT payments_refund_of_check CHECK (kind = 'refund' OR refund_of IS NULL);
CREATE INDEX payments_refund_of_idx ON payments (refund_of) WHERE refund_of IS NOT NULL;

-- The payments table is a ledger: a row's amount, kind, booking and currency never change.
-- Only its status moves (pending -> succeeded | failed; a failed charge may still succeed when
-- the guest retries the same payment intent), and its provider reference is filled in once,
-- when the provider answers.
CREATE FUNCTION payments_ledger_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER payments_ledger_guard BEFORE UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_guard();
