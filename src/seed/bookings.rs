//! Demo bookings with consistent price snapshots, their calendar entries and some host
//! blocks between stays; then a few stays and hearts for the demo accounts.

use std::time::Instant;

use chrono::{Duration, Utc};
use diesel::sql_types::{BigInt, Date, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::stays::Summary;
use crate::pricing::PricingPolicy;

/// Listings per statement.
const BATCH: i64 = 10_000;
/// The bookings of a listing lie between a year ago and about eight months ahead: over half
/// of them are past stays, whose reviews (see `reviews.rs`) back the listing's figures.
const DAYS_BACK: i64 = 365;
const WINDOW_DAYS: i64 = 600;

const INSERT_BOOKINGS: &str = include_str!("bookings.sql");

/// Calendar entries of the occupying bookings of listings in ($1, $2].
const INSERT_ENTRIES: &str = "INSERT INTO calendar_entries (listing_id, stay, kind, booking_id) \
     SELECT b.listing_id, daterange(b.check_in, b.check_out, '[)'), 'booking', b.id \
     FROM bookings b WHERE b.listing_id > $1 AND b.listing_id <= $2 \
     AND b.status NOT IN ('cancelled_by_guest', 'cancelled_by_host', 'declined', 'expired')";

/// Host blocks of 1–5 nights right after some stays, cut short by the next stay: they fit in
/// the gaps, so the exclusion constraint never fires.
const INSERT_BLOCKS: &str = "INSERT INTO calendar_entries (listing_id, stay, kind, note) \
     SELECT s.listing_id, daterange(s.check_out, \
       CASE WHEN s.next_in IS NULL THEN s.check_out + s.len ELSE least(s.check_out + s.len, s.next_in) END, \
       '[)'), 'blocked', 'Owner stay' \
     FROM (SELECT c.listing_id, upper(c.stay) AS check_out, \
             lead(lower(c.stay)) OVER (PARTITION BY c.listing_id ORDER BY lower(c.stay)) AS next_in, \
             1 + floor(random() * 5)::int AS len, random() AS r \
           FROM calendar_entries c WHERE c.listing_id > $1 AND c.listing_id <= $2) s \
     WHERE s.r < 0.08 AND (s.next_in IS NULL OR s.next_in > s.check_out)";

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn published_between(conn: &mut AsyncPgConnection, a: i64, b: i64) -> anyhow::Result<i64> {
    let row: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM listings WHERE id > $1 AND id <= $2 AND status = 'published'",
    )
    .bind::<BigInt, _>(a)
    .bind::<BigInt, _>(b)
    .get_result(conn)
    .await?;
    Ok(row.n)
}

/// Creates `total` bookings spread evenly over the published listings with ids in
/// (`first_id`, `last_id`], by the `guests` seed guests, with their calendar entries and a
/// few host blocks.
pub async fn create(
    conn: &mut AsyncPgConnection,
    first_id: i64,
    last_id: i64,
    total: u64,
    guests: u64,
    tag: &str,
    started: Instant,
) -> anyhow::Result<Summary> {
    let published = published_between(conn, first_id, last_id).await?;
    if total == 0 || published == 0 {
        return Ok(Summary::default());
    }
    let total = total as i64;
    let (per, extra) = (total / published, total % published);
    let window = WINDOW_DAYS.max(3 * (per + 1));
    let today = Utc::now().date_naive();
    let policy = PricingPolicy::default();
    let mut summary = Summary::default();
    let mut ordinal = 0;
    let mut from = first_id;
    while from < last_id {
        let to = (from + BATCH).min(last_id);
        summary.bookings += diesel::sql_query(INSERT_BOOKINGS)
            .bind::<BigInt, _>(from)
            .bind::<BigInt, _>(to)
            .bind::<BigInt, _>(ordinal)
            .bind::<BigInt, _>(per)
            .bind::<BigInt, _>(extra)
            .bind::<BigInt, _>(window)
            .bind::<BigInt, _>(guests as i64)
            .bind::<Date, _>(today - Duration::days(DAYS_BACK))
            .bind::<Date, _>(today)
            .bind::<BigInt, _>(policy.guest_service_fee_bps)
            .bind::<BigInt, _>(policy.host_fee_bps)
            .bind::<BigInt, _>(policy.occupancy_tax_bps)
            .bind::<Text, _>(tag)
            .execute(conn)
            .await? as i64;
        for statement in [INSERT_ENTRIES, INSERT_BLOCKS] {
            summary.calendar_entries += diesel::sql_query(statement)
                .bind::<BigInt, _>(from)
                .bind::<BigInt, _>(to)
                .execute(conn)
                .await? as i64;
        }
        ordinal += published_between(conn, from, to).await?;
        println!(
            "  bookings: {}/{total}, calendar entries: {} ({:.1?})",
            summary.bookings,
            summary.calendar_entries,
            started.elapsed()
        );
        from = to;
    }
    Ok(summary)
}

/// Gives the demo host a few of the new listings, and the demo guest some stays and hearts
/// (when those accounts exist), so that their pages are not empty.
pub async fn welcome_demo_accounts(
    conn: &mut AsyncPgConnection,
    first_id: i64,
    last_id: i64,
) -> anyhow::Result<()> {
    for statement in [
        "UPDATE listings SET host_id = u.id FROM users u \
         WHERE u.email = 'host@roost.test' AND listings.id IN \
           (SELECT id FROM listings WHERE id > $1 AND id <= $2 AND status = 'published' \
            ORDER BY id LIMIT 6)",
        "UPDATE bookings SET guest_id = u.id FROM users u \
         WHERE u.email = 'guest@roost.test' AND bookings.id IN \
           (SELECT b.id FROM bookings b JOIN listings l ON l.id = b.listing_id \
            WHERE b.listing_id > $1 + 6 AND b.listing_id <= $2 \
            AND b.status IN ('completed', 'confirmed') ORDER BY b.listing_id, b.id LIMIT 4)",
        // ... and the stay that ended last, which is usually still open for a review.
        "UPDATE bookings SET guest_id = u.id FROM users u \
         WHERE u.email = 'guest@roost.test' AND bookings.id = \
           (SELECT b.id FROM bookings b \
            WHERE b.listing_id > $1 + 6 AND b.listing_id <= $2 AND b.status = 'completed' \
            ORDER BY b.check_out DESC, b.id LIMIT 1)",
        "INSERT INTO wishlist_items (user_id, listing_id) \
         SELECT u.id, l.id FROM users u CROSS JOIN LATERAL \
           (SELECT id FROM listings WHERE id > $1 + 10 AND id <= $2 AND status = 'published' \
            ORDER BY id LIMIT 3) l \
         WHERE u.email = 'guest@roost.test' ON CONFLICT DO NOTHING",
    ] {
        diesel::sql_query(statement)
            .bind::<BigInt, _>(first_id)
            .bind::<BigInt, _>(last_id)
            .execute(conn)
            .await?;
    }
    Ok(())
}
