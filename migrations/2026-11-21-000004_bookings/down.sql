DROP TABLE payment_events;
DROP TABLE payments;
DROP TABLE booking_events;
ALTER TABLE calendar_entries DROP CONSTRAINT calendar_entries_booking_fkey;
DROP TABLE bookings;
