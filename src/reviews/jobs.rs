//! Periodic review work: publish reviews whose window has closed, and send each stay's review
//! invitation (when it completes) and reminder (two days before the window closes) once.

use diesel::{
    QueryableByName,
    sql_types::{BigInt, Date, Text},
};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::{emails, model::NoticeKind, service};
use crate::{
    db,
    jobs::{Job, JobContext},
};

/// Publishes the reviews of stays whose 14-day window has closed (double blind: a lone review
/// waits for the other side until then). Publishing touches unpublished rows only, so a
/// second run changes nothing.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct PublishDueReviews;

#[derive(QueryableByName)]
struct BookingId {
    #[diesel(sql_type = BigInt)]
    booking_id: i64,
}

impl Job for PublishDueReviews {
    const KIND: &'static str = "publish_due_reviews";

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = db::connection(&ctx.pool).await?;
        let due: Vec<BookingId> = diesel::sql_query(format!(
            "SELECT DISTINCT r.booking_id FROM reviews r \
             JOIN bookings b ON b.id = r.booking_id JOIN listings l ON l.id = b.listing_id \
             WHERE r.published_at IS NULL \
               AND ((b.check_out + {window})::timestamp AT TIME ZONE l.timezone) <= now() \
             LIMIT 1000",
            window = service::WINDOW_DAYS
        ))
        .load(&mut conn)
        .await?;
        for stay in due {
            conn.transaction::<_, diesel::result::Error, _>(async |conn| {
                service::publish_stay(conn, stay.booking_id).await
            })
            .await?;
        }
        Ok(())
    }
}

/// Emails review invitations for completed stays and reminders before windows close.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct SendReviewNotices;

#[derive(QueryableByName)]
struct Notice {
    #[diesel(sql_type = BigInt)]
    booking_id: i64,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Date)]
    check_out: chrono::NaiveDate,
    #[diesel(sql_type = Text)]
    guest_email: String,
    #[diesel(sql_type = Text)]
    guest_name: String,
    #[diesel(sql_type = Text)]
    host_email: String,
    #[diesel(sql_type = Text)]
    host_name: String,
}

/// Stays to notify: completed, inside the window, with no notice of `kind` yet.
const CANDIDATES: &str = "SELECT b.id AS booking_id, l.title, b.check_out, \
       g.email::text AS guest_email, g.name AS guest_name, h.email::text AS host_email, h.name AS host_name \
     FROM bookings b JOIN listings l ON l.id = b.listing_id \
     JOIN users g ON g.id = b.guest_id JOIN users h ON h.id = l.host_id \
     WHERE b.status = 'completed' AND b.check_out + 14 > current_date \
       AND NOT EXISTS (SELECT 1 FROM review_notices n WHERE n.booking_id = b.id AND n.kind = $1)";

impl Job for SendReviewNotices {
    const KIND: &'static str = "send_review_notices";

    async fn run(self, ctx: JobContext) -> anyhow::Result<()> {
        let mut conn = db::connection(&ctx.pool).await?;
        for &kind in NoticeKind::ALL {
            let extra = if kind == NoticeKind::Reminder {
                " AND b.check_out + 12 <= current_date LIMIT 500"
            } else {
                " LIMIT 500"
            };
            let stays: Vec<Notice> = diesel::sql_query(format!("{CANDIDATES}{extra}"))
                .bind::<Text, _>(kind.as_str())
                .load(&mut conn)
                .await?;
            for stay in stays {
                let base = ctx.config.base_url.clone();
                conn.transaction::<_, anyhow::Error, _>(async |conn| {
                    // Claim the notice first: a second run finds it and sends nothing.
                    let claimed = diesel::sql_query(
                        "INSERT INTO review_notices (booking_id, kind) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind::<BigInt, _>(stay.booking_id)
                    .bind::<Text, _>(kind.as_str())
                    .execute(conn)
                    .await?;
                    if claimed == 0 {
                        return Ok(());
                    }
                    let closes = crate::dates::day(
                        stay.check_out + chrono::Duration::days(service::WINDOW_DAYS),
                    );
                    let reminder = kind == NoticeKind::Reminder;
                    let guest_link = format!("{base}/trips/{}/review", stay.booking_id);
                    let host_link = format!("{base}/host/reservations/{}/review", stay.booking_id);
                    emails::invitation(
                        conn,
                        &stay.guest_email,
                        &stay.guest_name,
                        &stay.title,
                        &guest_link,
                        &closes,
                        reminder,
                    )
                    .await?;
                    emails::invitation(
                        conn,
                        &stay.host_email,
                        &stay.host_name,
                        &stay.title,
                        &host_link,
                        &closes,
                        reminder,
                    )
                    .await?;
                    Ok(())
                })
                .await?;
            }
        }
        Ok(())
    }
}
