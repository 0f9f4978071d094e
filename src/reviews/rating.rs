//! How an average rating is written, the same on every page: search cards, the listing page,
//! its reviews page and the APIs' labels. Computed from the exact integer sums the listing
//! keeps, rounded half up, so that 33 stars from 8 reviews reads "4.13" everywhere (float
//! formatting rounds the exact binary value half to even and would print "4.12" on one page).

/// The overall average to two decimals ("4.87"), or `None` without reviews.
pub fn overall(sum: i32, count: i32) -> Option<String> {
    rounded(sum, count, 100)
}

/// A category's average to one decimal ("4.9"), or `None` without reviews.
pub fn category(sum: i32, count: i32) -> Option<String> {
    rounded(sum, count, 10)
}

/// The overall label from a stored average (`rating_sum / review_count`, as the search index
/// carries it): the sum is recovered exactly (an `f64` quotient of two `i32`s is far closer
/// than ½ to `average × count`), then written as [`overall`] writes it.
pub fn overall_from_average(average: f64, count: i32) -> Option<String> {
    let sum = (average * f64::from(count)).round();
    if !sum.is_finite() || sum < 0.0 || sum > f64::from(i32::MAX) {
        return None;
    }
    overall(sum as i32, count)
}

/// `sum / count` to `scale` parts (100: hundredths), half up, in integers.
fn rounded(sum: i32, count: i32, scale: i64) -> Option<String> {
    if count <= 0 || sum < 0 {
        return None;
    }
    let (sum, count) = (i64::from(sum), i64::from(count));
    let parts = (2 * sum * scale + count) / (2 * count);
    let digits = if scale == 100 { 2 } else { 1 };
    Some(format!(
        "{}.{:0digits$}",
        parts / scale,
        parts % scale,
        digits = digits
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_up_in_integers() {
        assert_eq!(overall(33, 8).as_deref(), Some("4.13"));
        assert_eq!(overall(39, 8).as_deref(), Some("4.88"));
        assert_eq!(overall(5, 1).as_deref(), Some("5.00"));
        assert_eq!(overall(14, 3).as_deref(), Some("4.67"));
        assert_eq!(overall(0, 0), None);
        assert_eq!(category(9, 2).as_deref(), Some("4.5"));
        assert_eq!(category(29, 6).as_deref(), Some("4.8"));
        assert_eq!(category(3, 1).as_deref(), Some("3.0"));
    }

    #[test]
    fn a_stored_average_reads_as_its_sums_do() {
        for count in 1..=400 {
            for sum in count..=5 * count {
                let average = f64::from(sum) / f64::from(count);
                assert_eq!(
                    overall_from_average(average, count),
                    overall(sum, count),
                    "{sum}/{count}"
                );
            }
        }
    }
}
