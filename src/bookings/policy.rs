//! Cancellation policies: how much of a confirmed stay a guest gets back when they cancel, as
//! a pure function of the policy, the line items and the time left before check-in.
//!
//! The rules (DESIGN.md §4, with the fees decided here):
//!
//! | policy   | full refund when at least … before check-in | afterwards, of the nights (base − discount) |
//! |----------|---------------------------------------------|---------------------------------------------|
//! | flexible | 24 hours                                    | nothing                                     |
//! | moderate | 5 days                                      | 50 %                                        |
//! | strict   | never                                       | 50 % until 7 days before, then nothing      |
//!
//! A full refund returns every line item, the guest service fee included. Outside that window
//! the service fee is kept, the cleaning fee is returned whenever the guest cancels before the
//! check-in time (nobody has to clean), and taxes follow the amount they were charged on
//! (returned in proportion). Halves are rounded up to the minor unit, in the guest's favour.
//! "Check-in" is the listing's check-in time on the check-in date, in the listing's time zone.
//! A host's cancellation, a decline or an expiry always returns everything that was paid.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

/// A cancellation policy: the listing's vocabulary, one definition for the listing and the copy
/// a booking keeps (`bookings.cancellation_policy`, kept in step with its CHECK by
/// tests/it/vocabularies_bookings.rs). The refund rules below are the booking's side of it.
pub use crate::listings::model::CancellationPolicy as Policy;

impl Policy {
    /// The stored name; anything unknown is treated as moderate (the database forbids it).
    pub fn from_stored(value: &str) -> Policy {
        Policy::parse(value).unwrap_or(Policy::Moderate)
    }

    /// The last moment a guest's cancellation of a stay that checks in at `check_in` is still
    /// refunded in full (as [`guest_refund`] decides); `None` for a policy without that window.
    pub fn full_refund_until(self, check_in: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.full_refund_notice().map(|notice| check_in - notice)
    }

    /// How long before check-in a cancellation is still refunded in full.
    fn full_refund_notice(self) -> Option<Duration> {
        match self {
            Policy::Flexible => Some(Duration::hours(24)),
            Policy::Moderate => Some(Duration::days(5)),
            Policy::Strict => None,
        }
    }
}

/// The line items a guest paid (minor units).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineItems {
    pub base_amount: i64,
    pub discount_amount: i64,
    pub cleaning_fee: i64,
    pub service_fee: i64,
    pub tax_amount: i64,
    pub total_amount: i64,
}

/// What a cancellation returns, line by line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refund {
    pub nights: i64,
    pub cleaning_fee: i64,
    pub service_fee: i64,
    pub tax: i64,
    pub total: i64,
    /// Which rule applied, in words.
    pub rule: &'static str,
}

impl Refund {
    /// Everything back.
    pub fn full(items: &LineItems, rule: &'static str) -> Refund {
        Refund {
            nights: items.base_amount - items.discount_amount,
            cleaning_fee: items.cleaning_fee,
            service_fee: items.service_fee,
            tax: items.tax_amount,
            total: items.total_amount,
            rule,
        }
    }
}

/// The moment of check-in, in UTC: `time` on `date` where the listing is. A check-in time that
/// does not exist that day (a daylight-saving gap) counts from the next valid instant.
pub fn check_in_at<Tz: TimeZone>(date: NaiveDate, time: NaiveTime, tz: &Tz) -> DateTime<Utc> {
    let local = date.and_time(time);
    (0..4)
        .find_map(|hours| {
            tz.from_local_datetime(&(local + Duration::hours(hours)))
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| local.and_utc())
}

/// The refund of a guest who cancels a confirmed stay `time_left` before check-in.
pub fn guest_refund(policy: Policy, items: &LineItems, time_left: Duration) -> Refund {
    if let Some(notice) = policy.full_refund_notice()
        && time_left >= notice
    {
        return Refund::full(items, full_rule(policy));
    }
    let nights_amount = items.base_amount - items.discount_amount;
    let half = (nights_amount + 1) / 2;
    let (nights, rule) = match policy {
        Policy::Flexible => (
            0,
            "Less than 24 hours before check-in: the nights are not refunded.",
        ),
        Policy::Moderate => (
            half,
            "Less than 5 days before check-in: half of the nights are refunded.",
        ),
        Policy::Strict if time_left >= Duration::days(7) => (
            half,
            "At least 7 days before check-in: half of the nights are refunded.",
        ),
        Policy::Strict => (
            0,
            "Less than 7 days before check-in: the nights are not refunded.",
        ),
    };
    let before_check_in = time_left > Duration::zero();
    let cleaning_fee = if before_check_in {
        items.cleaning_fee
    } else {
        0
    };
    let stay = nights_amount + items.cleaning_fee;
    let tax = if stay > 0 {
        let share =
            i128::from(items.tax_amount) * i128::from(nights + cleaning_fee) / i128::from(stay);
        i64::try_from(share).unwrap_or(0)
    } else {
        0
    };
    Refund {
        nights,
        cleaning_fee,
        service_fee: 0,
        tax,
        total: nights + cleaning_fee + tax,
        rule,
    }
}

fn full_rule(policy: Policy) -> &'static str {
    match policy {
        Policy::Flexible => "At least 24 hours before check-in: everything is refunded.",
        _ => "At least 5 days before check-in: everything is refunded.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 3 nights at 100.00, cleaning 50.00, service fee 49.00: 399.00 in all.
    fn items() -> LineItems {
        LineItems {
            base_amount: 30_000,
            discount_amount: 0,
            cleaning_fee: 5_000,
            service_fee: 4_900,
            tax_amount: 0,
            total_amount: 39_900,
        }
    }

    fn refund(policy: Policy, time_left: Duration) -> i64 {
        guest_refund(policy, &items(), time_left).total
    }

    #[test]
    fn flexible_refunds_everything_until_a_day_before() {
        assert_eq!(refund(Policy::Flexible, Duration::days(30)), 39_900);
        assert_eq!(refund(Policy::Flexible, Duration::hours(24)), 39_900);
        // A minute late: the nights and the service fee stay, the cleaning fee comes back.
        assert_eq!(
            refund(Policy::Flexible, Duration::hours(24) - Duration::minutes(1)),
            5_000
        );
        assert_eq!(refund(Policy::Flexible, Duration::hours(-2)), 0);
    }

    #[test]
    fn moderate_refunds_everything_until_five_days_then_half_the_nights() {
        assert_eq!(refund(Policy::Moderate, Duration::days(5)), 39_900);
        let late = guest_refund(Policy::Moderate, &items(), Duration::days(2));
        assert_eq!(late.nights, 15_000);
        assert_eq!(late.cleaning_fee, 5_000);
        assert_eq!(late.service_fee, 0);
        assert_eq!(late.total, 20_000);
        // After the check-in time the cleaning fee is no longer returned.
        assert_eq!(refund(Policy::Moderate, Duration::hours(-1)), 15_000);
    }

    #[test]
    fn strict_refunds_half_the_nights_until_a_week_then_nothing() {
        assert_eq!(refund(Policy::Strict, Duration::days(60)), 20_000);
        assert_eq!(refund(Policy::Strict, Duration::days(7)), 20_000);
        assert_eq!(
            refund(Policy::Strict, Duration::days(7) - Duration::seconds(1)),
            5_000
        );
        assert_eq!(refund(Policy::Strict, Duration::zero()), 0);
    }

    #[test]
    fn discounts_and_taxes_are_refunded_in_proportion() {
        let items = LineItems {
            base_amount: 70_000,
            discount_amount: 7_001,
            cleaning_fee: 0,
            service_fee: 8_820,
            tax_amount: 1_000,
            total_amount: 72_819,
        };
        let refund = guest_refund(Policy::Moderate, &items, Duration::days(1));
        assert_eq!(refund.nights, 31_500, "half of 629.99, rounded up");
        assert_eq!(refund.tax, 500);
        assert_eq!(refund.total, 32_000);
    }

    #[test]
    fn check_in_is_the_listings_local_time() {
        let tz: chrono_tz::Tz = "Europe/Amsterdam".parse().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let at = check_in_at(date, NaiveTime::from_hms_opt(15, 0, 0).unwrap(), &tz);
        assert_eq!(at.to_rfc3339(), "2026-07-01T13:00:00+00:00");
        // 02:30 does not exist on the spring-forward night: the next valid hour counts.
        let gap = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let at = check_in_at(gap, NaiveTime::from_hms_opt(2, 30, 0).unwrap(), &tz);
        assert_eq!(at.to_rfc3339(), "2026-03-29T01:30:00+00:00");
    }
}
