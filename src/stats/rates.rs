//! Exact rate arithmetic: one copy, used by every analysis.
//!
//! Rates are never rounded before another figure is computed from them. A
//! ratio of rates is one division of exact products, and two rates are
//! compared by cross-multiplying in 128-bit integers, so that 32/100 against
//! 60/150 is exactly 4/5 and two equal rates compare equal.

use std::cmp::Ordering;

/// `numerator / denominator`, undefined (`None`: never 0, never NaN) when
/// the denominator is zero.
///
/// ```
/// use positive_action::stats::rate;
///
/// assert_eq!(rate(45, 100), Some(0.45));
/// assert_eq!(rate(0, 0), None);
/// ```
pub fn rate(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// The ratio of two rates, (x1/n1) / (x2/n2), computed as one division of
/// exact products, (x1·n2) / (x2·n1), so that a ratio of exactly 4/5 is 0.8
/// and not 0.7999999999999999. Undefined when either denominator or the
/// second rate is zero.
///
/// ```
/// use positive_action::stats::rate_ratio;
///
/// // (32/100) / (60/150): naive division gives 0.7999999999999999.
/// assert_eq!(rate_ratio(32, 100, 60, 150), Some(0.8));
/// assert_eq!(rate_ratio(5, 10, 0, 10), None);
/// ```
pub fn rate_ratio(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<f64> {
    if n1 == 0 || n2 == 0 || x2 == 0 {
        return None;
    }
    let num = u128::from(x1) * u128::from(n2);
    let den = u128::from(x2) * u128::from(n1);
    Some(num as f64 / den as f64)
}

/// Compares x1/n1 with x2/n2 exactly, by cross-multiplying. A rate with a
/// zero denominator is undefined and compares below every defined rate
/// (and equal to another undefined one), so that it is never chosen as the
/// highest.
///
/// ```
/// use std::cmp::Ordering;
/// use positive_action::stats::compare_rates;
///
/// assert_eq!(compare_rates(1, 3, 2, 6), Ordering::Equal);
/// assert_eq!(compare_rates(33, 100, 1, 3), Ordering::Less);
/// assert_eq!(compare_rates(0, 0, 0, 5), Ordering::Less);
/// ```
pub fn compare_rates(x1: u64, n1: u64, x2: u64, n2: u64) -> Ordering {
    match (n1, n2) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Less,
        (_, 0) => Ordering::Greater,
        _ => (u128::from(x1) * u128::from(n2)).cmp(&(u128::from(x2) * u128::from(n1))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_exact_at_the_four_fifths_boundary() {
        for k in 1..200u64 {
            // (4k/5k·m) against 1: exactly 0.8 whatever the scale.
            assert_eq!(rate_ratio(4 * k, 10 * k, 5 * k, 10 * k), Some(0.8));
        }
    }

    #[test]
    fn comparison_is_exact_where_floats_are_not() {
        // 1/3 and 333333333333333/999999999999999 are equal; floats agree
        // here, but a near neighbour must still differ.
        let n = 999_999_999_999_999u64;
        assert_eq!(compare_rates(1, 3, n / 3, n), Ordering::Equal);
        assert_eq!(compare_rates(1, 3, n / 3 + 1, n), Ordering::Less);
        assert_eq!(compare_rates(u64::MAX, u64::MAX, 1, 1), Ordering::Equal);
    }

    #[test]
    fn undefined_rates() {
        assert_eq!(rate(1, 0), None);
        assert_eq!(rate_ratio(1, 0, 1, 1), None);
        assert_eq!(rate_ratio(1, 1, 1, 0), None);
        assert_eq!(compare_rates(5, 0, 0, 1), Ordering::Less);
        assert_eq!(compare_rates(0, 1, 5, 0), Ordering::Greater);
    }
}
