DROP TRIGGER payments_ledger_guard ON payments;
DROP FUNCTION payments_ledger_guard();
DROP INDEX payments_refund_of_idx;
ALTER TABLE payments DROP CONSTRAINT payments_refund_of_check;
ALTER TABLE payments DROP COLUMN refund_of;
ALTER TABLE bookings DROP COLUMN reminder_sent_at;
