//! Money: integer minor units plus an ISO 4217 code, never floats. Parsing of typed amounts
//! ("120.00") and display ("€120.00").

/// Currencies offered in forms. Amounts are stored in their minor units.
pub const CURRENCIES: [&str; 8] = ["EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK"];

/// Decimal places of the minor unit.
pub fn exponent(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" => 0,
        _ => 2,
    }
}

fn symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        "CAD" => Some("CA$"),
        "AUD" => Some("A$"),
        _ => None,
    }
}

/// Formats minor units for people: `€1,234.50`, `¥12,000`, `1,200.00 CHF`.
pub fn format(amount: i64, currency: &str) -> String {
    let exp = exponent(currency);
    let abs = amount.unsigned_abs();
    let scale = 10u64.pow(exp);
    let (whole, fraction) = (abs / scale, abs % scale);
    // One buffer, written in order (a search page formats two amounts per card).
    let mut out = String::with_capacity(24);
    if amount < 0 {
        out.push('−');
    }
    let symbol = symbol(currency);
    if let Some(symbol) = symbol {
        out.push_str(symbol);
    }
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = whole;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        out.push(char::from(digits[i]));
        if i > 0 && i % 3 == 0 {
            out.push(',');
        }
    }
    if exp > 0 {
        // The fraction's digits, leading zeros included (no `format!`: it is the slow part).
        out.push('.');
        let mut place = scale / 10;
        while place > 0 {
            out.push(char::from(b'0' + ((fraction / place) % 10) as u8));
            place /= 10;
        }
    }
    if symbol.is_none() {
        out.push(' ');
        out.push_str(currency);
    }
    out
}

/// The amount with its currency named, for what is charged: "$270.00 USD", "270.00 CHF".
pub fn format_with_code(amount: i64, currency: &str) -> String {
    let formatted = format(amount, currency);
    if symbol(currency).is_some() {
        format!("{formatted} {currency}")
    } else {
        formatted
    }
}

/// Parses a typed amount ("120", "120.5", "120.50", "1,200.00") into minor units.
pub fn parse(raw: &str, currency: &str) -> Result<i64, String> {
    let text: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    if text.is_empty() {
        return Err("Enter an amount.".into());
    }
    if text.starts_with('-') {
        return Err("The amount cannot be negative.".into());
    }
    let exp = exponent(currency) as usize;
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text.as_str(), ""),
    };
    let valid = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.chars().all(|c| c.is_ascii_digit());
    if !valid {
        return Err("Enter an amount like 120.00.".into());
    }
    if fraction.len() > exp {
        return Err(if exp == 0 {
            format!("{currency} amounts have no decimals.")
        } else {
            format!("Use at most {exp} decimals.")
        });
    }
    let whole: i64 = whole
        .parse()
        .map_err(|_| "That amount is too large.".to_string())?;
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<exp$}")
            .parse()
            .map_err(|_| "Enter an amount like 120.00.".to_string())?
    };
    whole
        .checked_mul(10i64.pow(exp as u32))
        .and_then(|minor| minor.checked_add(fraction))
        .filter(|minor| *minor <= 100_000_000)
        .ok_or_else(|| "That amount is too large.".to_string())
}

/// Minor units as a plain decimal for form fields ("120.00").
pub fn to_input(amount: i64, currency: &str) -> String {
    let exp = exponent(currency);
    if exp == 0 {
        return amount.to_string();
    }
    let scale = 10i64.pow(exp);
    format!(
        "{}.{:0width$}",
        amount / scale,
        (amount % scale).abs(),
        width = exp as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_minor_units() {
        assert_eq!(format(123450, "EUR"), "€1,234.50");
        assert_eq!(format(12000, "JPY"), "¥12,000");
        assert_eq!(format(5, "CHF"), "0.05 CHF");
        assert_eq!(format(0, "EUR"), "€0.00");
        assert_eq!(format(-123_456_789, "USD"), "−$1,234,567.89");
        assert_eq!(format(100_000, "JPY"), "¥100,000");
        assert_eq!(format(i64::MIN, "JPY"), "−¥9,223,372,036,854,775,808");
        assert_eq!(format_with_code(27000, "USD"), "$270.00 USD");
        assert_eq!(format_with_code(27000, "CHF"), "270.00 CHF");
    }

    #[test]
    fn parses_typed_amounts() {
        assert_eq!(parse("120.00", "EUR"), Ok(12000));
        assert_eq!(parse("120.5", "EUR"), Ok(12050));
        assert_eq!(parse("1,200", "USD"), Ok(120000));
        assert_eq!(parse("500", "JPY"), Ok(500));
        assert!(parse("-5", "EUR").is_err());
        assert!(parse("12.345", "EUR").is_err());
        assert!(parse("abc", "EUR").is_err());
        assert!(parse("", "EUR").is_err());
        assert_eq!(to_input(12050, "EUR"), "120.50");
    }
}
