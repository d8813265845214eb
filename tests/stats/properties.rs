//! Invariants that hold for every table, by proptest.

use positive_action::stats::{MAX_TOTAL, Strata, TwoByTwo};
use proptest::prelude::*;

fn cells(max: u64) -> impl Strategy<Value = (u64, u64, u64, u64)> {
    (0..=max, 0..=max, 0..=max, 0..=max)
}

/// Counts anywhere in u64, weighted towards its ends.
fn any_count() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        0..=10u64,
        any::<u64>(),
        (u64::MAX - 10)..=u64::MAX,
        0..=(MAX_TOTAL / 4),
        (MAX_TOTAL / 4 - 10)..=(MAX_TOTAL / 4),
    ]
}

/// Tables as large as allowed but with a small focal group, so that the
/// hypergeometric law is narrow and Fisher's test quick.
fn narrow_huge() -> impl Strategy<Value = TwoByTwo> {
    (
        0..=200u64,
        0..=200u64,
        0..=(MAX_TOTAL / 2),
        0..=(MAX_TOTAL / 2),
    )
        .prop_map(|(a, b, c, d)| TwoByTwo::new(a, b, c, d).expect("within MAX_TOTAL"))
}

fn table(max: u64) -> impl Strategy<Value = TwoByTwo> {
    cells(max).prop_map(|(a, b, c, d)| TwoByTwo::new(a, b, c, d).expect("small"))
}

fn tables() -> impl Strategy<Value = TwoByTwo> {
    prop_oneof![table(12), table(200), table(20_000), narrow_huge()]
}

fn in_unit(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Construction and every O(1) statistic, at any counts: no panics, and
    /// rates and p-values where they belong.
    #[test]
    fn never_panics_at_any_counts(a in any_count(), b in any_count(), c in any_count(), d in any_count()) {
        let total = u128::from(a) + u128::from(b) + u128::from(c) + u128::from(d);
        let Ok(t) = TwoByTwo::new(a, b, c, d) else {
            prop_assert!(total > u128::from(MAX_TOTAL));
            return Ok(());
        };
        prop_assert_eq!(u128::from(t.total()), total);
        for rate in [t.focal_rate(), t.reference_rate(), t.pooled_rate()].into_iter().flatten() {
            prop_assert!(in_unit(rate));
        }
        if let Some(ir) = t.impact_ratio() {
            prop_assert!(ir >= 0.0 && ir.is_finite());
        }
        if let Some(z) = t.z_test() {
            prop_assert!(z.z.is_finite() && in_unit(z.p_two_sided));
        }
        for chi in [t.chi_square(), t.chi_square_yates()].into_iter().flatten() {
            prop_assert!(chi.statistic >= 0.0 && in_unit(chi.p_value));
        }
        let _ = (t.odds_ratio(), t.cohens_h(), t.z_ir(), t.flip_flop());
        if let Some((low, high)) = t.impact_ratio_ci(0.95).unwrap() {
            prop_assert!(low <= high);
        }
        let s = t.shortfall(0.8).unwrap();
        prop_assert_eq!(s.to_threshold.is_some(), t.focal_total() > 0 && t.reference_total() > 0);
    }

    #[test]
    fn fisher_p_values_are_consistent(t in tables()) {
        let f = t.fisher_exact();
        for p in [f.two_sided, f.less, f.greater, f.mid_p_two_sided] {
            prop_assert!(in_unit(p), "{p} out of [0, 1] for {t:?}");
        }
        // less + greater = 1 + P(X = a).
        prop_assert!(f.less + f.greater >= 1.0 - 1e-12, "{f:?}");
        // The two-sided set contains the tail of a on its own side.
        prop_assert!(f.two_sided >= f.less.min(f.greater) * (1.0 - 1e-12), "{f:?}");
        // Mid-P halves the ties, which include a: two/2 <= mid <= two. On
        // the plain values only while they are normal numbers: a subnormal
        // is rounded to a multiple of 2^-1074, so near 1e-320 halving may
        // lose most of its digits. The logarithms carry it below.
        prop_assert!(f.mid_p_two_sided <= f.two_sided);
        prop_assert!(f.ln_mid_p_two_sided <= f.ln_two_sided);
        prop_assert!(
            f.ln_mid_p_two_sided >= f.ln_two_sided - std::f64::consts::LN_2 - 1e-12 * f.ln_two_sided.abs(),
            "{f:?}"
        );
        if f.two_sided >= f64::MIN_POSITIVE {
            prop_assert!(f.mid_p_two_sided >= 0.5 * f.two_sided * (1.0 - 1e-12), "{f:?}");
        }
        for (p, ln) in [
            (f.two_sided, f.ln_two_sided),
            (f.less, f.ln_less),
            (f.greater, f.ln_greater),
            (f.mid_p_two_sided, f.ln_mid_p_two_sided),
        ] {
            prop_assert!(ln <= 0.0 && !ln.is_nan());
            if p >= f64::MIN_POSITIVE {
                prop_assert!((p.ln() - ln).abs() <= 1e-12 * ln.abs().max(1.0), "ln {p} = {} != {ln}", p.ln());
            } else {
                prop_assert!(ln.is_finite() && ln < -700.0, "p = {p}, ln p = {ln}");
            }
        }
    }

    /// With no focal pass and no more passes than reference candidates,
    /// `less` is P(X = 0) = C(n2, m)/C(N, m) = Π_{i<n1} (1 − m/(N − i)): an
    /// independent check of the far tail, where the density comes from
    /// differences of ln Γ at arguments up to 2^53.
    #[test]
    fn fisher_far_tail_matches_the_product_form(
        n1 in 1..=400u64,
        c in 0..=(MAX_TOTAL / 2),
        d in 0..=(MAX_TOTAL / 2),
    ) {
        let t = TwoByTwo::new(0, n1, c, d).unwrap();
        let (m, total) = (c as f64, t.total() as f64);
        let ln_p0: f64 = (0..n1).map(|i| (-m / (total - i as f64)).ln_1p()).sum();
        let f = t.fisher_exact();
        prop_assert!(
            (f.ln_less - ln_p0).abs() <= 1e-11 * ln_p0.abs().max(1.0),
            "ln less {} != {ln_p0} for {t:?}", f.ln_less
        );
    }

    /// Swapping the groups, or the outcomes, mirrors the one-sided tests and
    /// keeps the two-sided ones.
    #[test]
    fn fisher_is_symmetric(t in prop_oneof![table(12), table(300), table(50_000)]) {
        let (a, b, c, d) = (t.focal_passed(), t.focal_failed(), t.reference_passed(), t.reference_failed());
        let f = t.fisher_exact();
        for mirror in [TwoByTwo::new(c, d, a, b).unwrap(), TwoByTwo::new(b, a, d, c).unwrap()] {
            let g = mirror.fisher_exact();
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()) + 1e-300;
            prop_assert!(close(f.less, g.greater) && close(f.greater, g.less), "{f:?} {g:?}");
            prop_assert!(close(f.two_sided, g.two_sided), "{f:?} {g:?}");
            prop_assert!(close(f.mid_p_two_sided, g.mid_p_two_sided), "{f:?} {g:?}");
            prop_assert!(close(f.ln_two_sided, g.ln_two_sided), "{f:?} {g:?}");
        }
    }

    #[test]
    fn large_sample_tests_agree(t in tables()) {
        prop_assert_eq!(t.z_test().is_some(), t.chi_square().is_some());
        if let (Some(z), Some(chi), Some(yates)) = (t.z_test(), t.chi_square(), t.chi_square_yates()) {
            prop_assert_eq!(chi.statistic, z.z * z.z);
            prop_assert_eq!(chi.p_value, z.p_two_sided);
            prop_assert!(yates.statistic <= chi.statistic);
            prop_assert!(yates.p_value >= chi.p_value);
            let (p1, p2) = (t.focal_rate().unwrap(), t.reference_rate().unwrap());
            prop_assert_eq!(z.z < 0.0, p1 < p2);
        }
        if let (Some(ir), Some((low, high))) = (t.impact_ratio(), t.impact_ratio_ci(0.95).unwrap()) {
            prop_assert!(low <= ir * (1.0 + 1e-12) && ir <= high * (1.0 + 1e-12), "{low} {ir} {high}");
        }
        if let (Some(z_ir), Some(ir)) = (t.z_ir(), t.impact_ratio()) {
            prop_assert!(z_ir == 0.0 || (z_ir < 0.0) == (ir < 1.0));
        }
    }

    /// `to_threshold` agrees with the four-fifths flag computed the way an
    /// analysis computes it: `impact_ratio() < threshold`.
    #[test]
    fn to_threshold_matches_the_flag(t in tables(), threshold in prop_oneof![Just(0.8), Just(1.0), 0.01..=1.0f64]) {
        let s = t.shortfall(threshold).unwrap();
        let Some(extra) = s.to_threshold else {
            prop_assert!(t.focal_total() == 0 || t.reference_total() == 0);
            return Ok(());
        };
        let flag = |more: u64| {
            let moved = TwoByTwo::new(
                t.focal_passed() + more,
                t.focal_failed() - more,
                t.reference_passed(),
                t.reference_failed(),
            )
            .unwrap();
            moved.impact_ratio().map(|ir| ir < threshold)
        };
        prop_assert!(extra <= t.focal_failed());
        if t.reference_passed() == 0 {
            prop_assert_eq!(extra, 0);
        } else {
            prop_assert_eq!(flag(extra), Some(false));
            if extra > 0 {
                prop_assert_eq!(flag(extra - 1), Some(true));
            }
        }
    }

    #[test]
    fn flip_flop_and_n_person_rule(t in prop_oneof![table(12), table(300), narrow_huge()]) {
        if t.flip_flop() == Some(true) {
            prop_assert!(t.focal_rate() < t.reference_rate());
        }
        let now = t.significant_after(0, 0.05).unwrap();
        prop_assert_eq!(now, Some(t.fisher_exact().two_sided < 0.05));
        prop_assert_eq!(t.significant_after(t.focal_failed() + 1, 0.05).unwrap(), None);
    }

    #[test]
    fn strata_never_panic(tables in prop::collection::vec(tables(), 0..6)) {
        let strata = Strata::new(tables.clone());
        if let Some(mh) = strata.mantel_haenszel() {
            prop_assert_eq!(mh.strata_used + mh.strata_skipped, tables.len());
            prop_assert!(in_unit(mh.p_value) && in_unit(mh.p_value_uncorrected));
            prop_assert!(mh.statistic <= mh.statistic_uncorrected);
        }
        if let Some(bd) = strata.breslow_day() {
            prop_assert!(bd.statistic >= 0.0 && in_unit(bd.p_value));
            prop_assert_eq!(bd.df as usize + 1, bd.strata_used);
        }
    }

    /// One stratum is the plain table: the MH odds ratio is the sample odds
    /// ratio and CMH is Pearson's chi-square times (n − 1)/n.
    #[test]
    fn one_stratum_is_the_table(t in table(500)) {
        let strata = Strata::new([t]);
        match (strata.mantel_haenszel(), t.chi_square()) {
            (Some(mh), Some(chi)) => {
                let n = t.total() as f64;
                let expected = chi.statistic * (n - 1.0) / n;
                prop_assert!((mh.statistic_uncorrected - expected).abs() <= 1e-9 * expected.max(1e-300));
                match (mh.common_odds_ratio, t.odds_ratio()) {
                    (Some(x), Some(y)) => prop_assert!((x - y).abs() <= 1e-12 * x.max(y)),
                    (x, y) => prop_assert_eq!(x, y),
                }
            }
            (None, None) => {}
            (mh, chi) => prop_assert!(false, "{mh:?} {chi:?}"),
        }
    }
}

/// The table on which `fisher_p_values_are_consistent` once failed: no pass
/// among 172 where 98.4% of 3.5e15 pass. P(X = 0) = e^-714.49 is subnormal
/// and is the only tie, so mid-P is exactly half of the two-sided p. The
/// density came from subtracting `ln_gamma` values near 10^17, which are
/// rounded by about 16: ln p was -727.75 (mpmath: -714.4914, the
/// `focal_172_none_pass_of_3_5e15` case of `fisher_limit.json`), deep enough
/// in the subnormals that halving lost its digits.
#[test]
fn mid_p_halves_a_subnormal_two_sided_p() {
    let t = TwoByTwo::new(0, 172, 3_458_527_714_000_566, 55_169_169_958_685).unwrap();
    let f = t.fisher_exact();
    let ln_p0: f64 = (0..172)
        .map(|i| (-3_458_527_714_000_566.0 / (t.total() - i) as f64).ln_1p())
        .sum();
    assert!(
        (f.ln_two_sided - ln_p0).abs() <= 1e-12 * ln_p0.abs(),
        "{f:?}"
    );
    assert_eq!(f.ln_less, f.ln_two_sided);
    let half = f.ln_two_sided - std::f64::consts::LN_2;
    assert!(
        (f.ln_mid_p_two_sided - half).abs() <= 1e-12 * half.abs(),
        "{f:?}"
    );
    assert!(f.two_sided > 0.0 && f.two_sided < f64::MIN_POSITIVE);
    assert!(
        f.mid_p_two_sided >= 0.5 * f.two_sided * (1.0 - 1e-12),
        "{f:?}"
    );
}
