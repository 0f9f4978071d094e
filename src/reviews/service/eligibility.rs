//! Who may review which stay, and when: the guest of the booking or the host of its listing,
//! after check-out, inside the window, once.

use crate::service::UserId;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel_async::AsyncPgConnection;

use super::{Side, WINDOW_DAYS};
use crate::{
    reviews::model::{self, Stay, load_stay},
    service::{Actor, BookingId, ServiceError, ServiceResult},
};

impl Stay {
    /// When the stay ends: midnight starting the check-out day, in the listing's time zone.
    fn ends_at(&self) -> DateTime<Utc> {
        let tz: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::UTC);
        self.check_out
            .and_hms_opt(0, 0, 0)
            .and_then(|midnight| midnight.and_local_timezone(tz).earliest())
            .map(|moment| moment.with_timezone(&Utc))
            .unwrap_or_else(|| {
                self.check_out
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
            })
    }

    /// When the review window closes.
    pub fn window_closes_at(&self) -> DateTime<Utc> {
        self.ends_at() + Duration::days(WINDOW_DAYS)
    }

    pub fn window_closes_on(&self) -> NaiveDate {
        self.check_out + Duration::days(WINDOW_DAYS)
    }
}

/// Why a review cannot be written: the reasons of the pure rule [`may_review`], each turned
/// into its [`ServiceError`] by `From` (the message is the one the user reads).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("You can only review a stay you were part of.")]
    NotYourStay,
    #[error("This stay was cancelled, so it cannot be reviewed.")]
    Cancelled,
    #[error("You can review this stay after check-out, on {0}.")]
    TooEarly(NaiveDate),
    #[error("The {WINDOW_DAYS}-day review window for this stay closed on {0}.")]
    TooLate(NaiveDate),
    #[error("You have already reviewed this stay.")]
    AlreadyReviewed,
}

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            // The other party of the stay (strangers never get here: `open_review`): the
            // booking's people know each other, and the page says why.
            Refusal::NotYourStay => ServiceError::NotAllowed(message),
            Refusal::AlreadyReviewed => ServiceError::Conflict(message),
            Refusal::Cancelled | Refusal::TooEarly(_) | Refusal::TooLate(_) => {
                ServiceError::Refused(message)
            }
        }
    }
}

/// Whether `user_id` may review `stay` from `side` at `now` (ignoring whether they already did).
pub fn may_review(
    stay: &Stay,
    user_id: i64,
    side: Side,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let party = match side {
        Side::Guest => stay.guest_id,
        Side::Host => stay.host_id,
    };
    if party != user_id {
        return Err(Refusal::NotYourStay);
    }
    if stay.status.starts_with("cancelled")
        || matches!(stay.status.as_str(), "declined" | "expired")
    {
        return Err(Refusal::Cancelled);
    }
    if now < stay.ends_at() || !matches!(stay.status.as_str(), "completed" | "checked_in") {
        return Err(Refusal::TooEarly(stay.check_out));
    }
    if now >= stay.window_closes_at() {
        return Err(Refusal::TooLate(stay.window_closes_on()));
    }
    Ok(())
}

/// Whether `user_id` may write their review of the booking from `side` now: [`may_review`],
/// and not written yet. `None` when there is no such booking, or when `user_id` is neither its
/// guest nor its listing's host (for them it does not exist, so that ids cannot be probed). Kept for the trip and
/// reservation pages, which offer the link only when this is `Ok`; new callers use [`open`].
pub async fn open_review(
    conn: &mut AsyncPgConnection,
    booking_id: BookingId,
    user_id: UserId,
    side: Side,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<Result<Stay, Refusal>>> {
    let Some(stay) = load_stay(conn, booking_id.get()).await? else {
        return Ok(None);
    };
    if stay.guest_id != user_id.get() && stay.host_id != user_id.get() {
        return Ok(None);
    }
    if let Err(refusal) = may_review(&stay, user_id.get(), side, now) {
        return Ok(Some(Err(refusal)));
    }
    if model::written(conn, booking_id, side.direction()).await? {
        return Ok(Some(Err(Refusal::AlreadyReviewed)));
    }
    Ok(Some(Ok(stay)))
}

/// The stay `actor` may review now from `side`: a verified, active member who is the guest of
/// the booking (guest side) or the host of its listing (host side), inside the window, not yet
/// reviewed. No such booking, or one the actor has no part in, is `NotFound`; every other
/// refusal (the other side's form, too early, …) says why.
pub async fn open(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    booking_id: BookingId,
    side: Side,
    now: DateTime<Utc>,
) -> ServiceResult<Stay> {
    let member = actor.member()?;
    match open_review(conn, booking_id, member.id, side, now).await? {
        None => Err(ServiceError::NotFound),
        Some(Err(refusal)) => Err(refusal.into()),
        Some(Ok(stay)) => Ok(stay),
    }
}

/// Whether `actor` may write their review of the booking from `side` now (for the trip and
/// reservation pages, which offer the link only then). Someone else's booking is `false`.
pub async fn can_review(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    booking_id: BookingId,
    side: Side,
) -> ServiceResult<bool> {
    match open(conn, actor, booking_id, side, Utc::now()).await {
        Ok(_) => Ok(true),
        Err(
            ServiceError::NotFound
            | ServiceError::NotAllowed(_)
            | ServiceError::Conflict(_)
            | ServiceError::Refused(_),
        ) => Ok(false),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stay(status: &str, check_out: NaiveDate) -> Stay {
        Stay {
            booking_id: 1,
            listing_id: 1,
            listing_title: "Loft".into(),
            guest_id: 10,
            host_id: 20,
            status: status.into(),
            check_out,
            timezone: "Europe/Paris".into(),
        }
    }

    fn at(date: &str) -> DateTime<Utc> {
        format!("{date}T12:00:00Z").parse().expect("a timestamp")
    }

    fn day(date: &str) -> NaiveDate {
        date.parse().expect("a date")
    }

    #[test]
    fn only_the_people_of_a_completed_stay_review_it_within_the_window() {
        let s = stay("completed", day("2026-06-10"));
        assert_eq!(may_review(&s, 10, Side::Guest, at("2026-06-11")), Ok(()));
        assert_eq!(may_review(&s, 20, Side::Host, at("2026-06-11")), Ok(()));
        assert_eq!(
            may_review(&s, 20, Side::Guest, at("2026-06-11")),
            Err(Refusal::NotYourStay)
        );
        assert_eq!(
            may_review(&s, 99, Side::Host, at("2026-06-11")),
            Err(Refusal::NotYourStay)
        );
        assert_eq!(
            may_review(&s, 10, Side::Guest, at("2026-06-25")),
            Err(Refusal::TooLate(day("2026-06-24")))
        );
        let early = stay("confirmed", day("2026-06-10"));
        assert_eq!(
            may_review(&early, 10, Side::Guest, at("2026-06-09")),
            Err(Refusal::TooEarly(day("2026-06-10")))
        );
        let cancelled = stay("cancelled_by_guest", day("2026-06-10"));
        assert_eq!(
            may_review(&cancelled, 10, Side::Guest, at("2026-06-11")),
            Err(Refusal::Cancelled)
        );
    }
}
