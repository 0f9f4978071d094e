ALTER TABLE payment_events DROP COLUMN refusal;
DELETE FROM calendar_entries WHERE kind = 'change_hold';
ALTER TABLE calendar_entries DROP CONSTRAINT calendar_entries_change_hold_check;
ALTER TABLE calendar_entries DROP COLUMN change_id;
ALTER TABLE calendar_entries DROP CONSTRAINT calendar_entries_kind_check;
ALTER TABLE calendar_entries ADD CONSTRAINT calendar_entries_kind_check
    CHECK (kind IN ('blocked', 'booking'));
DROP TABLE booking_changes;
DROP TRIGGER bookings_paid_in_full ON bookings;
DROP FUNCTION bookings_check_paid();
DROP TRIGGER payments_guard_money ON payments;
DROP FUNCTION payments_guard_money();
ALTER TABLE payments DROP CONSTRAINT payments_refund_names_charge;
DROP TRIGGER bookings_currency_fixed ON bookings;
DROP FUNCTION bookings_currency_fixed();
