//! Statistics of two-by-two tables and strata of them.
//!
//! This module is a leaf: it knows tables of counts, not candidates. Anyone
//! can use it alone.
//!
//! # Overview
//!
//! A [`TwoByTwo`] compares a focal group (row 1) with a reference group
//! (row 2) at one decision: how many of each passed and failed.
//!
//! | question | method |
//! |---|---|
//! | how large is the gap? | [`impact_ratio`](TwoByTwo::impact_ratio), [`impact_ratio_ci`](TwoByTwo::impact_ratio_ci), [`odds_ratio`](TwoByTwo::odds_ratio), [`cohens_h`](TwoByTwo::cohens_h) |
//! | could it be chance? | [`fisher_exact`](TwoByTwo::fisher_exact) (exact, with mid-P and log p), [`z_test`](TwoByTwo::z_test), [`chi_square`](TwoByTwo::chi_square), [`chi_square_yates`](TwoByTwo::chi_square_yates), [`z_ir`](TwoByTwo::z_ir) |
//! | does it matter in people? | [`shortfall`](TwoByTwo::shortfall), [`flip_flop`](TwoByTwo::flip_flop), [`significant_after`](TwoByTwo::significant_after) |
//! | is a share below its benchmark, or a rate of events out of proportion? | [`share_against_benchmark`] (exact binomial test, Clopper-Pearson interval), [`poisson_rate_ratio`] (exact conditional Poisson test and interval, Wald interval) |
//!
//! [`Strata`] pools several tables (years, cohorts, sites) with the
//! Mantel-Haenszel odds ratio, the Cochran-Mantel-Haenszel test and the
//! Breslow-Day test of homogeneity.
//!
//! Rates with a zero denominator, and everything computed from them, are
//! `None`: never 0, never NaN. Options out of range (a confidence of 1, a
//! threshold of 0) are an [`Error::InvalidOption`](crate::Error::InvalidOption).
//! No input panics.
//!
//! # Example
//!
//! ```
//! use positive_action::stats::TwoByTwo;
//!
//! // Assessment centre: 45 of 120 Black candidates passed, 180 of 300 White.
//! let table = TwoByTwo::new(45, 75, 180, 120)?;
//! let ratio = table.impact_ratio().ok_or("undefined")?;
//! assert!(ratio < 0.8); // adverse by the four-fifths rule
//! let fisher = table.fisher_exact();
//! assert!(fisher.less < 0.001); // and unlikely to be chance
//! let shortfall = table.shortfall(0.8)?;
//! assert_eq!(shortfall.to_threshold, Some(13)); // 58 of 120 would reach 0.8
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Sources
//!
//! - Fisher's exact test follows R's `fisher.test`: the two-sided p sums every
//!   table no more likely than the one observed, with relative tolerance 1e-7.
//!   Mid-P is Lancaster's (1961).
//! - The Yates correction is R's `chisq.test(correct = TRUE)`, and the
//!   Cochran-Mantel-Haenszel test is R's `mantelhaen.test`.
//! - Z_IR is from Morris and Lobsenz, "Significance tests and confidence
//!   intervals for the adverse impact ratio", Personnel Psychology 53 (2000).
//! - The four-fifths rule and the flip-flop rule are from the Uniform
//!   Guidelines on Employee Selection Procedures (29 CFR 1607.4(D)) and their
//!   Questions and Answers; the n-person rule is Biddle's practical
//!   significance test.
//! - Breslow-Day with Tarone's adjustment follows statsmodels'
//!   `StratifiedTable.test_equal_odds(adjust=True)`.
//! - The share test follows R's `binom.test` and the rate ratio R's
//!   `poisson.test` (conditional on the total events); both intervals are
//!   Clopper and Pearson's, "The use of confidence or fiducial limits
//!   illustrated in the case of the binomial", Biometrika 26 (1934). The
//!   binomial pmf is Loader's saddle-point form, "Fast and accurate
//!   computation of binomial probabilities" (2000), as in R's `dbinom`.

mod adverse_impact_rule;
mod binomial;
mod factorial;
mod fisher;
mod poisson;
mod practical;
mod proportions;
mod rates;
mod stratified;
mod table;

pub use adverse_impact_rule::AdverseImpactRule;
pub use binomial::{ShareTest, share_against_benchmark};
pub use fisher::{FISHER_EXACT_MAX_TOTAL, FisherExact};
pub use poisson::{RateRatioTest, poisson_rate_ratio};
pub use practical::Shortfall;
pub use proportions::{ChiSquare, ZTest};
pub use rates::{compare_rates, rate, rate_ratio};
pub use stratified::{BreslowDay, MantelHaenszel, Strata};
pub use table::{MAX_TOTAL, TwoByTwo};

/// Fisher's exact test of a two-by-two table given as its four cells: the
/// focal group's passed and failed, then the reference group's.
///
/// ```
/// // scipy.stats.fisher_exact([[8, 2], [1, 5]]) gives p = 0.034965034965034975.
/// let fisher = positive_action::stats::fisher_exact(8, 2, 1, 5)?;
/// assert!((fisher.two_sided - 0.034965034965034975).abs() < 1e-15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`TwoByTwo::new`]: a grand total above [`MAX_TOTAL`];
/// [`Error::LimitExceeded`](crate::Error::LimitExceeded) for a table beyond
/// [`FISHER_EXACT_MAX_TOTAL`] (see [`TwoByTwo::fisher_exact_bounded`]).
pub fn fisher_exact(
    focal_passed: u64,
    focal_failed: u64,
    reference_passed: u64,
    reference_failed: u64,
) -> crate::Result<FisherExact> {
    TwoByTwo::new(
        focal_passed,
        focal_failed,
        reference_passed,
        reference_failed,
    )
    .and_then(|t| {
        t.fisher_exact_bounded()
            .ok_or_else(|| crate::Error::LimitExceeded {
                limit: "FISHER_EXACT_MAX_TOTAL",
                what: "the grand total of a table whose focal passes have a variance above FISHER_EXACT_MAX_TOTAL / 16",
                value: t.total(),
                max: FISHER_EXACT_MAX_TOTAL,
                location: "fisher_exact".to_owned(),
            })
    })
}
