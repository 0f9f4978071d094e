//! The price of a stay, computed on the server only, by this one function: the quote widget,
//! the booking and every API use it, and the booking snapshots its result as line items.

use serde::Serialize;

/// Platform fees and taxes, in basis points (1 % = 100).
#[derive(Clone, Copy, Debug)]
pub struct PricingPolicy {
    /// Charged to the guest on top of the stay.
    pub guest_service_fee_bps: i64,
    /// Kept from the host's payout.
    pub host_fee_bps: i64,
    /// Occupancy tax on the stay (0 = none).
    pub occupancy_tax_bps: i64,
}

impl Default for PricingPolicy {
    fn default() -> Self {
        PricingPolicy {
            guest_service_fee_bps: 1400,
            host_fee_bps: 300,
            occupancy_tax_bps: 0,
        }
    }
}

/// A listing's rates, as needed to price a stay.
#[derive(Clone, Debug)]
pub struct Rates {
    pub nightly_price: i64,
    pub cleaning_fee: i64,
    pub weekly_discount_pct: i32,
    pub monthly_discount_pct: i32,
    pub currency: String,
}

/// The line items of a stay (minor units of `currency`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub currency: String,
    pub nights: i32,
    pub nightly_price: i64,
    /// nights × nightly price.
    pub base_amount: i64,
    /// 0, or the weekly (≥ 7 nights) / monthly (≥ 28 nights) percentage.
    pub discount_pct: i32,
    pub discount_amount: i64,
    pub cleaning_fee: i64,
    pub service_fee: i64,
    pub tax_amount: i64,
    /// What the guest pays.
    pub total_amount: i64,
    pub host_fee: i64,
    /// What the host receives.
    pub host_payout: i64,
}

/// `amount × bps / 10 000`, rounded half up (amounts are never negative here).
fn share(amount: i64, bps: i64) -> i64 {
    (amount * bps + 5_000) / 10_000
}

pub fn quote(rates: &Rates, nights: i32, policy: &PricingPolicy) -> Quote {
    let nights = nights.max(1);
    let base_amount = rates.nightly_price * i64::from(nights);
    let discount_pct = if nights >= 28 && rates.monthly_discount_pct > 0 {
        rates.monthly_discount_pct
    } else if nights >= 7 {
        rates.weekly_discount_pct
    } else {
        0
    };
    let discount_amount = share(base_amount, i64::from(discount_pct) * 100);
    let stay = base_amount - discount_amount + rates.cleaning_fee;
    let service_fee = share(stay, policy.guest_service_fee_bps);
    let tax_amount = share(stay, policy.occupancy_tax_bps);
    let host_fee = share(stay, policy.host_fee_bps);
    Quote {
        currency: rates.currency.clone(),
        nights,
        nightly_price: rates.nightly_price,
        base_amount,
        discount_pct,
        discount_amount,
        cleaning_fee: rates.cleaning_fee,
        service_fee,
        tax_amount,
        total_amount: stay + service_fee + tax_amount,
        host_fee,
        host_payout: stay - host_fee,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> Rates {
        Rates {
            nightly_price: 10_000,
            cleaning_fee: 5_000,
            weekly_discount_pct: 10,
            monthly_discount_pct: 25,
            currency: "EUR".into(),
        }
    }

    #[test]
    fn a_short_stay_has_no_discount() {
        let q = quote(&rates(), 3, &PricingPolicy::default());
        assert_eq!(q.base_amount, 30_000);
        assert_eq!(q.discount_amount, 0);
        assert_eq!(q.service_fee, 4_900); // 14 % of 35 000
        assert_eq!(q.total_amount, 39_900);
        assert_eq!(q.host_fee, 1_050); // 3 % of 35 000
        assert_eq!(q.host_payout, 33_950);
    }

    #[test]
    fn weekly_and_monthly_discounts_apply_from_7_and_28_nights() {
        let week = quote(&rates(), 7, &PricingPolicy::default());
        assert_eq!(week.discount_pct, 10);
        assert_eq!(week.discount_amount, 7_000);
        let month = quote(&rates(), 28, &PricingPolicy::default());
        assert_eq!(month.discount_pct, 25);
        assert_eq!(month.discount_amount, 70_000);
    }

    #[test]
    fn line_items_always_add_up() {
        for nights in 1..60 {
            let q = quote(
                &rates(),
                nights,
                &PricingPolicy {
                    occupancy_tax_bps: 350,
                    ..PricingPolicy::default()
                },
            );
            assert_eq!(
                q.total_amount,
                q.base_amount - q.discount_amount + q.cleaning_fee + q.service_fee + q.tax_amount
            );
            assert_eq!(
                q.host_payout,
                q.base_amount - q.discount_amount + q.cleaning_fee - q.host_fee
            );
        }
    }
}
