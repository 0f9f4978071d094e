-- Request to book like the big sites (issue 17, point 9): the guest's card is authorized when
-- they request, charged (captured) when the host accepts, and the authorization is voided when
-- the request is declined, withdrawn or expires.

-- Whether the booking waits for its host's answer (a request to book): its first payment is
-- an authorization, and it becomes `requested` once the card is authorized.
ALTER TABLE bookings ADD COLUMN request_to_book boolean NOT NULL DEFAULT false;

-- The ledger learns two statuses of a charge: `authorized` (the money is held on the card, not
-- taken) and `voided` (the hold was released: nothing was ever charged).
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
    CHECK (status IN ('pending', 'authorized', 'succeeded', 'failed', 'voided'));
-- Only a charge is authorized or voided; refunds stay pending, succeeded or failed.
ALTER TABLE payments ADD CONSTRAINT payments_authorization_is_charge
    CHECK (kind = 'charge' OR (status <> 'authorized' AND status <> 'voided'));

-- The ledger guard: a succeeded row stays succeeded and a voided one stays voided (money
-- taken is only ever returned by a refund row; a released hold is never taken afterwards).
CREATE OR REPLACE FUNCTION payments_ledger_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.booking_id <> OLD.booking_id OR NEW.kind <> OLD.kind OR NEW.provider <> OLD.provider
        OR NEW.amount <> OLD.amount OR NEW.currency <> OLD.currency
        OR NEW.refund_of IS DISTINCT FROM OLD.refund_of
        OR (OLD.provider_ref IS NOT NULL AND NEW.provider_ref IS DISTINCT FROM OLD.provider_ref)
        OR (OLD.status = 'succeeded' AND NEW.status <> 'succeeded')
        OR (OLD.status = 'voided' AND NEW.status <> 'voided') THEN
        RAISE EXCEPTION 'payments is a ledger: only the status (and a missing provider_ref) may change'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

-- The capture and void jobs look for a booking's authorized charges.
CREATE INDEX payments_authorized_idx ON payments (booking_id) WHERE status = 'authorized';
