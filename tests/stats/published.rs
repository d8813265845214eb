//! Values published by other software, checked to the precision printed.

use positive_action::stats::{Strata, TwoByTwo};

fn table(a: u64, b: u64, c: u64, d: u64) -> TwoByTwo {
    TwoByTwo::new(a, b, c, d).expect("a small table")
}

fn relative_error(x: f64, y: f64) -> f64 {
    (x - y).abs() / x.abs().max(y.abs())
}

/// `scipy.stats.fisher_exact([[8, 2], [1, 5]])` (scipy docs): p = 0.034965034965034975.
#[test]
fn scipy_fisher_exact_docs_example() {
    let fisher = table(8, 2, 1, 5).fisher_exact();
    assert!(
        relative_error(fisher.two_sided, 0.034965034965034975) < 1e-14,
        "{}",
        fisher.two_sided
    );
    // Exactly 5/143, from fractions.
    assert!(relative_error(fisher.two_sided, 5.0 / 143.0) < 1e-9);
}

/// R's `fisher.test` docs, Convictions of like-sex twins of criminals:
/// `matrix(c(2, 10, 15, 3), nrow = 2)`, p-value = 0.0005367.
#[test]
fn r_fisher_test_convictions() {
    let fisher = table(2, 15, 10, 3).fisher_exact();
    assert!(
        (fisher.two_sided - 0.0005367).abs() <= 0.5e-7,
        "{}",
        fisher.two_sided
    );
    // The exact value, from fractions.
    assert!(relative_error(fisher.two_sided, 0.0005367241191434358) < 1e-9);
    // R's alternative = "less": 0.0004652.
    assert!((fisher.less - 0.0004652).abs() <= 0.5e-7, "{}", fisher.less);
}

/// R's `mantelhaen.test(UCBAdmissions)` (its docs' example): X-squared =
/// 1.4269, df = 1, p-value = 0.2323, common odds ratio 0.9046968 for men
/// against women; with women as the focal group it is inverted. Breslow-Day
/// for the same data is 18.83 on 5 df (Agresti, Categorical Data Analysis).
#[test]
fn uc_berkeley_admissions() {
    // (women admitted, rejected, men admitted, rejected) by department A-F.
    let strata = Strata::new([
        table(89, 19, 512, 313),
        table(17, 8, 353, 207),
        table(202, 391, 120, 205),
        table(131, 244, 138, 279),
        table(94, 299, 53, 138),
        table(24, 317, 22, 351),
    ]);
    let mh = strata.mantel_haenszel().expect("six usable strata");
    assert!((mh.statistic - 1.4269).abs() <= 0.5e-4, "{}", mh.statistic);
    assert!((mh.p_value - 0.2323).abs() <= 0.5e-4, "{}", mh.p_value);
    let odds = mh.common_odds_ratio.expect("defined");
    assert!((1.0 / odds - 0.9046968).abs() <= 0.5e-7, "{odds}");
    let bd = strata.breslow_day().expect("six informative strata");
    assert_eq!(bd.df, 5);
    assert!((bd.statistic - 18.83).abs() <= 0.005, "{}", bd.statistic);

    // Simpson's paradox: pooled over departments, women look disadvantaged.
    let pooled = strata.tables().iter().fold([0; 4], |acc, t| {
        [
            acc[0] + t.focal_passed(),
            acc[1] + t.focal_failed(),
            acc[2] + t.reference_passed(),
            acc[3] + t.reference_failed(),
        ]
    });
    let pooled = table(pooled[0], pooled[1], pooled[2], pooled[3]);
    assert!(pooled.impact_ratio().expect("defined") < 0.8);
    assert!(pooled.fisher_exact().less < 1e-15);
    assert!(odds > 1.0);
}
