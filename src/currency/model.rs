//! The arithmetic of display currencies, pure and database-free: a table of exchange rates,
//! the one conversion of an amount (rounded once, to the target's minor unit), the range of
//! prices in one currency that convert into a range of another (the search's price filter),
//! and the typed rate of the admin form.

use std::{collections::HashMap, sync::Arc};

use crate::money;

/// Rates are stored in millionths of a unit (`exchange_rates.rate_micros`).
pub const RATE_SCALE: i64 = 1_000_000;
/// The currency every rate is against (its own rate is exactly 1, a CHECK of migration 000050).
pub const BASE: &str = "EUR";
/// The largest rate accepted (a million units per euro), so that conversions stay far from
/// overflow in `i128`.
const MAX_RATE_MICROS: i64 = 1_000_000 * RATE_SCALE;

/// Units of each currency per unit of [`BASE`], in millionths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateTable {
    rates: HashMap<String, i64>,
}

impl RateTable {
    pub fn new(rows: impl IntoIterator<Item = (String, i64)>) -> Self {
        RateTable {
            rates: rows.into_iter().filter(|(_, rate)| *rate > 0).collect(),
        }
    }

    pub fn rate(&self, code: &str) -> Option<i64> {
        self.rates.get(code).copied()
    }

    pub fn knows(&self, code: &str) -> bool {
        self.rates.contains_key(code)
    }

    /// The codes, in alphabetical order (the picker's and the admin page's order).
    pub fn codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self.rates.keys().cloned().collect();
        codes.sort();
        codes
    }

    /// `amount` (minor units of `from`) in minor units of `to`, or `None` when either rate is
    /// unknown (or the result would not fit).
    pub fn convert(&self, amount: i64, from: &str, to: &str) -> Option<i64> {
        if from == to {
            return Some(amount);
        }
        convert(amount, self.factor(from)?, self.factor(to)?)
    }

    /// The inclusive range of prices in `currency` (minor units) that convert into
    /// `low..=high` of `display` (minor units), or `None` when no price does or a rate is
    /// unknown.
    pub fn range_into(
        &self,
        currency: &str,
        display: &str,
        low: i64,
        high: i64,
    ) -> Option<(i64, i64)> {
        if currency == display {
            return (low <= high).then_some((low.max(0), high));
        }
        let (from, to) = (self.factor(currency)?, self.factor(display)?);
        range_into(from, to, low, high)
    }

    /// The conversion factor of `code`: its rate times its minor unit (`rate × 10^exponent`),
    /// so that minor units of A become minor units of B by `× factor(B) / factor(A)`.
    fn factor(&self, code: &str) -> Option<Factor> {
        let rate = self.rate(code)?;
        Some(Factor(
            i128::from(rate) * i128::from(10i64.pow(money::exponent(code))),
        ))
    }
}

/// A currency's rate times its minor unit ([`RateTable::factor`]).
#[derive(Clone, Copy, Debug)]
struct Factor(i128);

/// `amount × to / from`, rounded half away from zero: the one rounding of a conversion.
fn convert(amount: i64, from: Factor, to: Factor) -> Option<i64> {
    let (numerator, denominator) = (i128::from(amount) * to.0, from.0);
    // floor((2n + d) / 2d) is n / d rounded half up, exactly (d may be odd).
    let half_up = |n: i128| (2 * n + denominator) / (2 * denominator);
    let rounded = if numerator >= 0 {
        half_up(numerator)
    } else {
        -half_up(-numerator)
    };
    i64::try_from(rounded).ok()
}

/// The prices `p ≥ 0` of the `from` currency whose conversion lies in `low..=high`.
/// [`convert`] is `floor((2·p·to + from) / (2·from))` for `p ≥ 0`, so it reaches `low` from
/// `p ≥ (2·low − 1)·from / (2·to)` and stays below `high + 1` while
/// `p < (2·high + 1)·from / (2·to)`: both ends are exact integers, no second rounding.
fn range_into(from: Factor, to: Factor, low: i64, high: i64) -> Option<(i64, i64)> {
    let (low, high) = (i128::from(low.max(0)), i128::from(high));
    let div_ceil =
        |a: i128, b: i128| -> i128 { if a <= 0 { -((-a) / b) } else { (a + b - 1) / b } };
    let first = div_ceil((2 * low - 1) * from.0, 2 * to.0).max(0);
    let last = div_ceil((2 * high + 1) * from.0, 2 * to.0) - 1;
    if last < first {
        return None;
    }
    let clamp = |value: i128| i64::try_from(value).unwrap_or(i64::MAX);
    Some((clamp(first), clamp(last)))
}

/// A rate as an admin types it ("1.085", units per euro) in millionths; the message says
/// what is wrong.
pub fn parse_rate(raw: &str) -> Result<i64, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Enter a rate, such as 1.085.".into());
    }
    if text.starts_with('-') {
        return Err("A rate must be more than zero.".into());
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return Err("Enter a number, such as 1.085.".into());
    }
    if fraction.len() > 6 {
        return Err("Use at most six decimals.".into());
    }
    let whole: i64 = whole
        .parse()
        .map_err(|_| "That rate is too large.".to_string())?;
    let fraction: i64 = format!("{fraction:0<6}")
        .parse()
        .map_err(|_| "Enter a number, such as 1.085.".to_string())?;
    let micros = whole
        .checked_mul(RATE_SCALE)
        .and_then(|micros| micros.checked_add(fraction))
        .filter(|micros| *micros <= MAX_RATE_MICROS)
        .ok_or_else(|| "That rate is too large.".to_string())?;
    if micros == 0 {
        return Err("A rate must be more than zero.".into());
    }
    Ok(micros)
}

/// Millionths as the admin form shows them: "1.085", "162", "0.000123".
pub fn format_rate(micros: i64) -> String {
    let whole = micros / RATE_SCALE;
    let fraction = micros % RATE_SCALE;
    if fraction == 0 {
        return whole.to_string();
    }
    let fraction = format!("{fraction:06}");
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

/// Whether `code` looks like a currency code (three upper-case letters), as the table's CHECK
/// says; a cookie holding anything else is ignored.
pub fn is_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// How a viewer sees prices: each in its own currency (no display currency chosen, or one
/// without a rate), or converted into theirs with the rates of the request.
#[derive(Clone, Debug, Default)]
pub struct Display {
    target: Option<(String, Arc<RateTable>)>,
}

/// A price as shown: the text, and the original when the text is a conversion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Price {
    /// "€123.00", or "≈ €123.00" when converted.
    pub text: String,
    /// What is charged ("$135.00"), when `text` is a conversion.
    pub original: Option<String>,
}

impl Display {
    /// Each price in its own currency.
    pub fn none() -> Self {
        Display::default()
    }

    /// Prices in `code`, when `rates` has a rate for it (otherwise none are converted).
    pub fn into_currency(code: &str, rates: Arc<RateTable>) -> Self {
        if !rates.knows(code) {
            return Display::none();
        }
        Display {
            target: Some((code.to_string(), rates)),
        }
    }

    /// The display currency, when prices are converted.
    pub fn code(&self) -> Option<&str> {
        self.target.as_ref().map(|(code, _)| code.as_str())
    }

    /// `amount` (minor units of `currency`) as the viewer sees it.
    pub fn price(&self, amount: i64, currency: &str) -> Price {
        let converted = self.target.as_ref().and_then(|(code, rates)| {
            if code == currency {
                return None;
            }
            let amount = rates.convert(amount, currency, code)?;
            Some(format!("≈ {}", money::format(amount, code)))
        });
        let own = money::format(amount, currency);
        match converted {
            Some(text) => Price {
                text,
                original: Some(own),
            },
            None => Price {
                text: own,
                original: None,
            },
        }
    }

    /// For a price filter typed in the display currency (bounds in hundredths of a unit, as
    /// the search form keeps them), the range of nightly prices that matches in each
    /// currency with a rate: `(code, lowest, highest)` in that currency's minor units.
    /// `None` when no display currency is chosen (bounds are then each listing's own).
    pub fn price_ranges(&self, low: i64, high: i64) -> Option<Vec<(String, i64, i64)>> {
        let (code, rates) = self.target.as_ref()?;
        // Hundredths to the display currency's minor unit, the bounds kept inclusive of what
        // was typed: the low end rounded up, the high end down.
        let (low, high) = match money::exponent(code) {
            0 => ((low + 99) / 100, high / 100),
            _ => (low, high),
        };
        Some(
            rates
                .codes()
                .into_iter()
                .filter_map(|currency| {
                    let (first, last) = rates.range_into(&currency, code, low, high)?;
                    Some((currency, first, last))
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RateTable {
        RateTable::new([
            ("EUR".to_string(), 1_000_000),
            ("USD".to_string(), 1_085_000),
            ("JPY".to_string(), 162_000_000),
            ("GBP".to_string(), 850_000),
        ])
    }

    #[test]
    fn conversion_rounds_once_to_the_target_minor_unit() {
        let rates = table();
        // $108.50 is exactly €100.
        assert_eq!(rates.convert(10_850, "USD", "EUR"), Some(10_000));
        // €100 is $108.50; ¥16,200 (no minor unit).
        assert_eq!(rates.convert(10_000, "EUR", "USD"), Some(10_850));
        assert_eq!(rates.convert(10_000, "EUR", "JPY"), Some(16_200));
        // ¥1 is €0.00617…: a cent, rounded half up from 0.617 cents.
        assert_eq!(rates.convert(1, "JPY", "EUR"), Some(1));
        // ¥100 → 100 × 1.085 / 162 = $0.6697… → 67 cents (one rounding, not two).
        assert_eq!(rates.convert(100, "JPY", "USD"), Some(67));
        // Half a cent rounds away from zero: €0.01 → £0.0085 → 1 penny.
        assert_eq!(rates.convert(1, "EUR", "GBP"), Some(1));
        assert_eq!(rates.convert(-1, "EUR", "GBP"), Some(-1));
        assert_eq!(rates.convert(0, "USD", "JPY"), Some(0));
        assert_eq!(rates.convert(5, "EUR", "EUR"), Some(5));
        assert_eq!(rates.convert(5, "EUR", "XXX"), None);
        assert_eq!(rates.convert(i64::MAX, "EUR", "JPY"), None);
    }

    #[test]
    fn the_range_into_a_display_range_is_exactly_the_prices_that_convert_into_it() {
        let rates = table();
        for (currency, display) in [
            ("USD", "EUR"),
            ("EUR", "USD"),
            ("JPY", "EUR"),
            ("EUR", "JPY"),
            ("GBP", "JPY"),
            ("JPY", "GBP"),
        ] {
            for (low, high) in [(0, 50), (7, 9), (100, 250), (3, 3), (1_000, 1_400)] {
                let expected: Vec<i64> = (0..5_000)
                    .filter(|p| {
                        let shown = rates.convert(*p, currency, display).expect("known");
                        (low..=high).contains(&shown)
                    })
                    .collect();
                let range = rates.range_into(currency, display, low, high);
                match (expected.first(), expected.last()) {
                    (Some(first), Some(last)) if *last < 4_999 => {
                        assert_eq!(
                            range,
                            Some((*first, *last)),
                            "{currency}→{display} {low}..={high}"
                        );
                        assert_eq!(expected.len() as i64, last - first + 1);
                    }
                    (None, _) => assert_eq!(range, None, "{currency}→{display} {low}..={high}"),
                    _ => {}
                }
            }
        }
        assert_eq!(rates.range_into("EUR", "EUR", 10, 20), Some((10, 20)));
        assert_eq!(rates.range_into("EUR", "XXX", 10, 20), None);
        // An open upper bound stays within i64.
        let open = rates.range_into("JPY", "EUR", 0, i64::MAX / 2);
        assert_eq!(open.map(|(low, _)| low), Some(0));
    }

    #[test]
    fn typed_rates_are_positive_decimals_with_at_most_six_places() {
        assert_eq!(parse_rate("1.085"), Ok(1_085_000));
        assert_eq!(parse_rate(" 162 "), Ok(162_000_000));
        assert_eq!(parse_rate("0.000001"), Ok(1));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("0.0").is_err());
        assert!(parse_rate("-1").is_err());
        assert!(parse_rate("abc").is_err());
        assert!(parse_rate("").is_err());
        assert!(parse_rate("1.0000001").is_err());
        assert!(parse_rate("99999999999").is_err());
        assert_eq!(format_rate(1_085_000), "1.085");
        assert_eq!(format_rate(162_000_000), "162");
        assert_eq!(format_rate(123), "0.000123");
        assert!(is_code("USD") && !is_code("usd") && !is_code("US") && !is_code("USDX"));
    }

    #[test]
    fn a_display_currency_marks_converted_prices_approximate_and_keeps_the_original() {
        let display = Display::into_currency("EUR", Arc::new(table()));
        assert_eq!(
            display.price(10_850, "USD"),
            Price {
                text: "≈ €100.00".into(),
                original: Some("$108.50".into())
            }
        );
        assert_eq!(display.price(500, "EUR").original, None);
        assert_eq!(Display::none().price(500, "USD").text, "$5.00");
        assert_eq!(
            Display::into_currency("XXX", Arc::new(table())).code(),
            None
        );
        // €80 to €120 in yen: the yen prices that show as €80.00 to €120.00.
        let ranges = display.price_ranges(8_000, 12_000).expect("ranges");
        assert!(
            ranges.contains(&("EUR".to_string(), 8_000, 12_000)),
            "{ranges:?}"
        );
        assert!(
            ranges.contains(&("JPY".to_string(), 12_960, 19_440)),
            "{ranges:?}"
        );
        assert_eq!(Display::none().price_ranges(0, 100), None);
    }
}
