//! The Poisson rate ratio against scipy, statsmodels and 50-digit mpmath
//! (fixtures from `tests/fixtures/stats/generate_benchmark.py`), and its
//! invariants by proptest.

use positive_action::stats::{RateRatioTest, rate_ratio_test as rate_ratio};
use proptest::prelude::*;

/// Absolute floor for p-values (see `share.rs`).
#[cfg(feature = "serde")]
use super::share::{P_FLOOR, Worst};

#[cfg(feature = "serde")]
#[test]
fn rate_ratio_agrees_with_references() {
    use super::fixtures::{Agreement, load, name, number};

    let mut check = Agreement::new();
    let mut worst = Worst::default();
    let mut worst_exact = Worst::default();
    let cases = load("poisson.json");
    for case in &cases {
        let name = name(case);
        let pair = |field: &str| -> (u64, u64) {
            serde_json::from_value(case[field].clone()).expect("a pair of counts")
        };
        let (e1, e2) = pair("events");
        let (x1, x2) = pair("exposures");
        let confidence = number(case, "confidence").expect("a confidence");
        let test = rate_ratio(e1, x1, e2, x2, confidence).expect("fixture inputs are valid");
        let defined = case["defined"].as_bool().expect("defined is a bool");
        check.equal(name, "defined", test.is_some(), defined);
        let Some(test) = test else { continue };
        let wald = test.wald_ci;
        let fields = [
            ("focal_rate", Some(test.focal_rate), 0.0),
            ("reference_rate", Some(test.reference_rate), 0.0),
            ("rate_ratio", test.rate_ratio, 0.0),
            ("exact_low", Some(test.exact_ci.0), 0.0),
            ("exact_high", test.exact_ci.1, 0.0),
            ("wald_low", wald.map(|w| w.0), 0.0),
            ("wald_high", wald.map(|w| w.1), 0.0),
            ("two_sided", Some(test.two_sided), P_FLOOR),
            ("less", Some(test.less), P_FLOOR),
            ("greater", Some(test.greater), P_FLOOR),
        ];
        for (field, actual, floor) in fields {
            let expected = number(case, field);
            check.close(name, field, actual, expected, 1e-9, floor);
            let exact = expected.and_then(|_| number(&case["exact"], field));
            check.close(
                name,
                &format!("{field} (exact)"),
                actual,
                exact,
                1e-9,
                floor,
            );
            if let (Some(x), Some(y), Some(z)) = (actual, expected, exact) {
                worst.note(name, field, x, y);
                worst_exact.note(name, field, x, z);
            }
        }
    }
    eprintln!(
        "poisson: {} cases; worst relative error against the written references {worst}, against mpmath {worst_exact}",
        cases.len(),
    );
    check.finish(250 * 20);
}

fn test_of(e1: u64, x1: u64, e2: u64, x2: u64, confidence: f64) -> RateRatioTest {
    rate_ratio(e1, x1, e2, x2, confidence)
        .expect("valid")
        .expect("exposures and events")
}

fn events() -> impl Strategy<Value = u64> {
    prop_oneof![4 => 0..=40u64, 4 => 0..=100_000u64, 1 => 0..=100_000_000u64]
}

fn exposure() -> impl Strategy<Value = u64> {
    prop_oneof![1..=1_000u64, 1..=100_000_000u64]
}

fn confidence() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.95), Just(0.99), 0.01..0.9999f64]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The intervals hold the ratio, the p-values are probabilities, and
    /// less + greater = 1 + P(e1).
    #[test]
    fn rate_ratio_invariants(
        e1 in events(), x1 in exposure(), e2 in events(), x2 in exposure(),
        confidence in confidence(),
    ) {
        prop_assume!(e1 + e2 > 0);
        let test = test_of(e1, x1, e2, x2, confidence);
        let (low, high) = test.exact_ci;
        prop_assert!(low >= 0.0);
        prop_assert_eq!(low == 0.0, e1 == 0);
        prop_assert_eq!(high.is_none(), e2 == 0);
        prop_assert_eq!(test.rate_ratio.is_none(), e2 == 0);
        if let Some(rr) = test.rate_ratio {
            let high = high.expect("e2 > 0");
            prop_assert!(low <= rr * (1.0 + 1e-12) && rr <= high * (1.0 + 1e-12),
                "{low} <= {rr} <= {high}");
        }
        if let (Some(rr), Some((w_low, w_high))) = (test.rate_ratio, test.wald_ci) {
            prop_assert!(w_low <= rr && rr <= w_high);
        }
        prop_assert_eq!(test.wald_ci.is_some(), e1 > 0 && e2 > 0);
        for p in [test.two_sided, test.less, test.greater] {
            prop_assert!((0.0..=1.0).contains(&p), "p = {p}");
        }
        prop_assert!(test.less + test.greater >= 1.0 - 1e-12,
            "less {} + greater {}", test.less, test.greater);
    }

    /// Swapping the groups inverts the ratio and its exact interval.
    #[test]
    fn swapping_groups_inverts(
        e1 in 1..=5_000u64, x1 in exposure(), e2 in 1..=5_000u64, x2 in exposure(),
        confidence in confidence(),
    ) {
        let test = test_of(e1, x1, e2, x2, confidence);
        let swapped = test_of(e2, x2, e1, x1, confidence);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
        prop_assert!(close(test.rate_ratio.unwrap_or(0.0) * swapped.rate_ratio.unwrap_or(0.0), 1.0));
        let (low, high) = test.exact_ci;
        let (s_low, s_high) = swapped.exact_ci;
        prop_assert!(close(low * s_high.unwrap_or(f64::NAN), 1.0), "{low} {s_high:?}");
        prop_assert!(close(high.unwrap_or(f64::NAN) * s_low, 1.0));
    }
}
