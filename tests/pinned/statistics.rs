//! Fisher's exact test where mutation testing found its rules unpinned:
//! the tie tolerance between the observed table and the mode, and the
//! variance bound of `fisher_exact_bounded`.

use positive_action::stats::{FISHER_EXACT_MAX_TOTAL, TwoByTwo};

/// A table of 2²⁸ candidates whose focal passes fall two short of the
/// mode: the next point towards the mode is within R's tolerance
/// (relErr = 1 + 10⁻⁷) of the observed one, so it counts as "as likely"
/// and is in the two-sided p; only the mode itself is left out. Reference:
/// `tests/fixtures/stats/generate_pinned.py` (mpmath, 60 digits).
#[test]
fn fisher_counts_points_within_the_tie_tolerance_between_the_table_and_the_mode() {
    let n = 1u64 << 27;
    let a = (1u64 << 26) - 2;
    let t = TwoByTwo::new(a, n - a, n - a, a).unwrap();
    let fisher = t.fisher_exact();
    let want = 0.999_902_601_982_596;
    let got = fisher.two_sided;
    assert!(
        ((got - want) / want).abs() < 1e-9,
        "two-sided {got}, want {want}"
    );
}

/// `fisher_exact_bounded` is given for a table past 2³⁴ candidates whose
/// focal passes have a variance n1·n2·m·(N − m) / (N²(N − 1)) at most
/// 2³⁴/16: here 2³² against 2³⁵ with half passing, a variance of 8/9 of
/// the bound (by exact rationals), and the answer is the unbounded one.
#[test]
fn fisher_is_given_past_the_total_limit_while_the_variance_is_within_it() {
    let (n1, n2) = (1u64 << 32, 1u64 << 35);
    let m = (n1 + n2) / 2;
    let a = 1u64 << 31;
    let t = TwoByTwo::new(a, n1 - a, m - a, n2 - (m - a)).unwrap();
    assert!(t.total() > FISHER_EXACT_MAX_TOTAL);
    assert_eq!(t.fisher_exact_bounded(), Some(t.fisher_exact()));

    // A quarter more candidates in the focal group puts the variance past
    // the bound (40/37 of it): withheld.
    let n1 = n1 + n1 / 4;
    let m = (n1 + n2) / 2;
    let a = n1 / 2;
    let t = TwoByTwo::new(a, n1 - a, m - a, n2 - (m - a)).unwrap();
    assert_eq!(t.fisher_exact_bounded(), None);
}
