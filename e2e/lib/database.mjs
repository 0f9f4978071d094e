// The things the journeys do behind the browser's back: Roost allows five sign-ups per IP
// address an hour, and every journey signs up from 127.0.0.1, so before a sign-up the suite
// empties that throttle bucket, as an operator would for a known address; and the admin
// journey needs a review to hide and a dead job to retry, which the demo data does not have.
//
// The database is the embedded cluster under ROOST_DATA_DIR (its port in postmaster.pid, its
// password in `postgres-password`), or ROOST_E2E_DATABASE_URL when Roost runs elsewhere.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function databaseUrl() {
  if (process.env.ROOST_E2E_DATABASE_URL) return process.env.ROOST_E2E_DATABASE_URL;
  const dataDir = process.env.ROOST_DATA_DIR;
  if (!dataDir) return null;
  const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  // postmaster.pid: line 4 holds the port (PostgreSQL's documented layout).
  const port = readFileSync(pidFile, 'utf8').split('\n')[3].trim();
  const password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
  return `postgres://roost:${encodeURIComponent(password)}@127.0.0.1:${port}/roost`;
}

function sql(statement, why) {
  const url = databaseUrl();
  if (!url) {
    throw new Error(
      `cannot reach Roost's database to ${why}: set ROOST_DATA_DIR (embedded cluster) or ROOST_E2E_DATABASE_URL`,
    );
  }
  return execFileSync('psql', [url, '-qtAc', statement], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();
}

export function resetSignupThrottle() {
  sql("DELETE FROM throttle_buckets WHERE key LIKE 'signup:ip:%'", 'reset the sign-up throttle');
}

/// A published one-star review of a finished stay, counted in its listing's figures as
/// publishing counts it, for the admin journey to hide (the demo data has figures, not review
/// texts). Returns its id.
export function publishedReview() {
  return sql(
    `WITH stay AS (
       SELECT b.id, b.listing_id, b.guest_id, l.host_id FROM bookings b JOIN listings l ON l.id = b.listing_id
       WHERE b.status = 'completed'
         AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.booking_id = b.id AND r.direction = 'guest_to_host')
       ORDER BY b.id LIMIT 1),
     review AS (
       INSERT INTO reviews (booking_id, listing_id, author_id, subject_id, direction, rating, cleanliness,
                            accuracy, check_in, communication, location, value, comment, published_at)
       SELECT id, listing_id, guest_id, host_id, 'guest_to_host', 1, 1, 1, 1, 1, 1, 1,
              'e2e: a review full of insults', now() FROM stay
       RETURNING id, listing_id),
     counted AS (
       UPDATE listings SET review_count = review_count + 1, rating_sum = rating_sum + 1,
              cleanliness_sum = cleanliness_sum + 1, accuracy_sum = accuracy_sum + 1,
              check_in_sum = check_in_sum + 1, communication_sum = communication_sum + 1,
              location_sum = location_sum + 1, value_sum = value_sum + 1
       WHERE id = (SELECT listing_id FROM review))
     SELECT id FROM review`,
    'write a review',
  );
}

/// A job that failed all its attempts, as an outage of a mail server leaves them, for the admin
/// journey to retry (a fresh database has none). Returns its id.
export function deadJob() {
  return sql(
    "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, last_error) " +
      "VALUES ('purge_expired', '{}', 'dead', 5, 5, 'e2e: the mail server timed out') RETURNING id",
    'make a dead job',
  );
}
