//! The share-against-benchmark test against scipy and 50-digit mpmath
//! (fixtures from `tests/fixtures/stats/generate_benchmark.py`), and its
//! invariants by proptest.

use positive_action::stats::{MAX_TOTAL, ShareTest, share_against_benchmark};
use proptest::prelude::*;

/// Absolute floor for p-values. Below about 2.2e-308 a double is subnormal
/// and keeps fewer than 53 bits, so neither side is accurate to 1e-9
/// relative there; 1e-300 leaves a margin above that and is far below any
/// p-value a finding rests on.
#[cfg(feature = "serde")]
pub const P_FLOOR: f64 = 1e-300;

/// The largest relative error seen, and where, over values above
/// [`P_FLOOR`].
#[cfg(feature = "serde")]
#[derive(Debug, Default)]
pub struct Worst {
    error: f64,
    at: String,
}

#[cfg(feature = "serde")]
impl Worst {
    pub fn note(&mut self, case: &str, field: &str, actual: f64, expected: f64) {
        let scale = actual.abs().max(expected.abs());
        if scale >= P_FLOOR && actual != expected {
            let error = (actual - expected).abs() / scale;
            if error > self.error {
                self.error = error;
                self.at = format!("{case}: {field}");
            }
        }
    }
}

#[cfg(feature = "serde")]
impl std::fmt::Display for Worst {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.2e} ({})", self.error, self.at)
    }
}

#[cfg(feature = "serde")]
#[test]
fn share_agrees_with_references() {
    use super::fixtures::{Agreement, load, name, number};

    let mut check = Agreement::new();
    let mut worst = Worst::default();
    let mut worst_exact = Worst::default();
    let cases = load("share.json");
    for case in &cases {
        let name = name(case);
        let count = case["count"].as_u64().expect("a count");
        let total = case["total"].as_u64().expect("a total");
        let benchmark = number(case, "benchmark").expect("a benchmark");
        let confidence = number(case, "confidence").expect("a confidence");
        let test = share_against_benchmark(count, total, benchmark, confidence)
            .expect("fixture inputs are valid");
        let defined = case["defined"].as_bool().expect("defined is a bool");
        check.equal(name, "defined", test.is_some(), defined);
        let Some(test) = test else { continue };
        let fields = [
            ("share", test.share, 0.0),
            ("share_low", test.share_ci.0, 0.0),
            ("share_high", test.share_ci.1, 0.0),
            ("ratio", test.representation_ratio, 0.0),
            ("ratio_low", test.representation_ratio_ci.0, 0.0),
            ("ratio_high", test.representation_ratio_ci.1, 0.0),
            ("two_sided", test.two_sided, P_FLOOR),
            ("less", test.less, P_FLOOR),
            ("greater", test.greater, P_FLOOR),
        ];
        for (field, actual, floor) in fields {
            let expected = number(case, field).expect("defined cases have every figure");
            check.close(name, field, Some(actual), Some(expected), 1e-9, floor);
            worst.note(name, field, actual, expected);
            let exact = number(&case["exact"], field).expect("every figure has its exact value");
            check.close(
                name,
                &format!("{field} (exact)"),
                Some(actual),
                Some(exact),
                1e-9,
                floor,
            );
            worst_exact.note(name, field, actual, exact);
        }
    }
    eprintln!(
        "share: {} cases; worst relative error against the written references {worst}, against mpmath {worst_exact}",
        cases.len(),
    );
    check.finish(300 * 18);
}

fn test_of(count: u64, total: u64, benchmark: f64, confidence: f64) -> ShareTest {
    share_against_benchmark(count, total, benchmark, confidence)
        .expect("valid")
        .expect("total > 0")
}

/// A total and a count within it: mostly small and medium, now and then up
/// to 10⁹, where each test takes milliseconds.
fn count_and_total() -> impl Strategy<Value = (u64, u64)> {
    prop_oneof![
        4 => 1..=40u64,
        4 => 1..=100_000u64,
        1 => 1..=1_000_000_000u64,
    ]
    .prop_flat_map(|total| (0..=total, Just(total)))
}

fn benchmark() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.001..0.999f64,
        Just(0.5),
        Just(1e-9),
        Just(1.0 - 1e-9),
        Just(f64::MIN_POSITIVE),
    ]
}

fn confidence() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.95), Just(0.99), 0.01..0.9999f64]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The interval holds the share, widens with the confidence, and the
    /// p-values are probabilities with less + greater = 1 + P(count).
    #[test]
    fn share_test_invariants(
        (count, total) in count_and_total(),
        benchmark in benchmark(),
        confidence in confidence(),
    ) {
        let test = test_of(count, total, benchmark, confidence);
        let (low, high) = test.share_ci;
        prop_assert!(0.0 <= low && low <= test.share && test.share <= high && high <= 1.0,
            "{low} <= {} <= {high}", test.share);
        prop_assert_eq!(low == 0.0, count == 0);
        prop_assert_eq!(high == 1.0, count == total);
        for p in [test.two_sided, test.less, test.greater] {
            prop_assert!((0.0..=1.0).contains(&p), "p = {p}");
        }
        // Each one-sided p is at most the two-sided one's share of the
        // mass on its side, and together they cover everything once.
        prop_assert!(test.less + test.greater >= 1.0 - 1e-12,
            "less {} + greater {}", test.less, test.greater);
        prop_assert!(test.two_sided >= test.less.min(test.greater) * (1.0 - 1e-12));
        let wider = test_of(count, total, benchmark, (confidence + 1.0) / 2.0);
        prop_assert!(wider.share_ci.0 <= low && high <= wider.share_ci.1);
        let (r_low, r_high) = test.representation_ratio_ci;
        prop_assert!(r_low <= test.representation_ratio && test.representation_ratio <= r_high);
    }

    /// The interval of n − x is the mirror image of the interval of x.
    #[test]
    fn interval_is_symmetric((count, total) in count_and_total(), confidence in confidence()) {
        let test = test_of(count, total, 0.5, confidence);
        let mirror = test_of(total - count, total, 0.5, confidence);
        prop_assert!((test.share_ci.0 - (1.0 - mirror.share_ci.1)).abs() <= 1e-14);
        prop_assert!((test.share_ci.1 - (1.0 - mirror.share_ci.0)).abs() <= 1e-14);
        prop_assert!((test.less - mirror.greater).abs() <= 1e-12 * test.less.max(1e-300));
    }

    /// Any input: an error or figures, never a panic or a NaN.
    #[test]
    fn never_panics(
        count in prop_oneof![0..=10u64, any::<u64>()],
        total in prop_oneof![0..=10u64, any::<u64>(), Just(MAX_TOTAL)],
        benchmark in prop_oneof![any::<f64>(), 0.0..1.0f64],
        confidence in prop_oneof![any::<f64>(), 0.0..1.0f64],
    ) {
        // Keep the huge valid cases narrow, so that they stay quick.
        let benchmark = if total > 1 << 40 && benchmark > 1e-6 && benchmark < 1.0 { 1e-12 } else { benchmark };
        if let Ok(Some(test)) = share_against_benchmark(count, total, benchmark, confidence) {
            let figures = [
                test.share, test.share_ci.0, test.share_ci.1, test.representation_ratio,
                test.representation_ratio_ci.0, test.representation_ratio_ci.1,
                test.two_sided, test.less, test.greater,
            ];
            prop_assert!(figures.iter().all(|x| !x.is_nan()), "{test:?}");
        }
    }
}
