DROP TABLE dev_mailbox;
DROP TABLE job_schedules;
DROP TABLE jobs;
DROP TABLE security_events;
DROP TABLE throttle_buckets;
DROP TABLE account_tokens;
ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey;
DROP TABLE users;
