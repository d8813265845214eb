//! Strata of two-by-two tables: years, cohorts, sites or promotion boards.
//!
//! Pooling counts across strata can reverse a comparison (Simpson's paradox;
//! the UC Berkeley admissions of 1973 are the classic case). The
//! Mantel-Haenszel estimate and the Cochran-Mantel-Haenszel test compare the
//! groups within each stratum and then combine, and Breslow-Day asks whether
//! the strata agree on the odds ratio at all.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::proportions::ChiSquare;
use super::table::TwoByTwo;

/// A collection of two-by-two tables, one per stratum, each with the focal
/// group in row 1 and the reference group in row 2.
///
/// Strata with fewer than 2 candidates carry no information and are skipped
/// by every test (and counted as skipped).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Strata {
    tables: Vec<TwoByTwo>,
}

/// The Mantel-Haenszel common odds ratio and the Cochran-Mantel-Haenszel test
/// of conditional independence, as R's `mantelhaen.test` computes them for
/// 2 × 2 × K tables.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MantelHaenszel {
    /// Σ(a·d/n) / Σ(b·c/n); `None` when the denominator is 0.
    pub common_odds_ratio: Option<f64>,
    /// (|Σ(a − E a)| − ½)² / Σ Var a, on 1 degree of freedom. As in R, the
    /// ½ is only subtracted when |Σ(a − E a)| ≥ ½.
    pub statistic: f64,
    /// The p-value of `statistic`.
    pub p_value: f64,
    /// (Σ(a − E a))² / Σ Var a, without continuity correction.
    pub statistic_uncorrected: f64,
    /// The p-value of `statistic_uncorrected`.
    pub p_value_uncorrected: f64,
    /// Strata with at least 2 candidates.
    pub strata_used: usize,
    /// Strata with fewer than 2 candidates, which were left out.
    pub strata_skipped: usize,
}

/// The Breslow-Day test that the strata share one odds ratio, with Tarone's
/// adjustment, as statsmodels' `StratifiedTable.test_equal_odds(adjust=True)`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BreslowDay {
    /// Σ (a − E a)²/Var a − (Σ a − Σ E a)²/Σ Var a, where E a and Var a are
    /// taken at the Mantel-Haenszel odds ratio.
    pub statistic: f64,
    /// Degrees of freedom: `strata_used` − 1.
    pub df: u32,
    /// The upper-tail chi-square p-value.
    pub p_value: f64,
    /// Strata that entered the test: those with every margin positive.
    pub strata_used: usize,
}

impl Strata {
    /// Collects the strata.
    pub fn new(tables: impl IntoIterator<Item = TwoByTwo>) -> Self {
        Self {
            tables: tables.into_iter().collect(),
        }
    }

    /// The tables, one per stratum, in the order given.
    pub fn tables(&self) -> &[TwoByTwo] {
        &self.tables
    }

    /// The strata with at least 2 candidates.
    fn usable(&self) -> impl Iterator<Item = &TwoByTwo> {
        self.tables.iter().filter(|t| t.total() >= 2)
    }

    /// Σ(a·d/n) / Σ(b·c/n) over the usable strata.
    fn common_odds_ratio(&self) -> Option<f64> {
        let (mut num, mut den) = (0.0, 0.0);
        for t in self.usable() {
            let n = t.total() as f64;
            num += (u128::from(t.focal_passed()) * u128::from(t.reference_failed())) as f64 / n;
            den += (u128::from(t.focal_failed()) * u128::from(t.reference_passed())) as f64 / n;
        }
        (den > 0.0).then(|| num / den)
    }

    /// The Mantel-Haenszel common odds ratio and the Cochran-Mantel-Haenszel
    /// chi-square, with and without continuity correction.
    ///
    /// `None` when no stratum has 2 or more candidates, or when the variance
    /// is 0 (every stratum has an empty row or column).
    ///
    /// # Example
    ///
    /// ```
    /// use positive_action::stats::{Strata, TwoByTwo};
    ///
    /// // Two years of a promotion board: women pass less often in each.
    /// let strata = Strata::new([
    ///     TwoByTwo::new(10, 30, 40, 60)?,
    ///     TwoByTwo::new(12, 28, 45, 55)?,
    /// ]);
    /// let mh = strata.mantel_haenszel().ok_or("no usable strata")?;
    /// assert!(mh.common_odds_ratio.ok_or("undefined")? < 1.0);
    /// assert!(mh.p_value < 0.05);
    /// assert_eq!(mh.strata_used, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mantel_haenszel(&self) -> Option<MantelHaenszel> {
        let (mut delta, mut variance) = (0.0, 0.0);
        let mut used = 0;
        for t in self.usable() {
            used += 1;
            let n = t.total() as f64;
            // a − n1·m1/n = (ad − bc)/n, exactly.
            delta += t.cross_difference() as f64 / n;
            let margins = [
                t.focal_total(),
                t.reference_total(),
                t.passed_total(),
                t.failed_total(),
            ];
            let product: f64 = margins.iter().map(|&m| m as f64).product();
            variance += product / (n * n * (n - 1.0));
        }
        if used == 0 || variance <= 0.0 {
            return None;
        }
        let yates = if delta.abs() >= 0.5 { 0.5 } else { 0.0 };
        let corrected = ChiSquare::df1((delta.abs() - yates).powi(2) / variance);
        let uncorrected = ChiSquare::df1(delta * delta / variance);
        Some(MantelHaenszel {
            common_odds_ratio: self.common_odds_ratio(),
            statistic: corrected.statistic,
            p_value: corrected.p_value,
            statistic_uncorrected: uncorrected.statistic,
            p_value_uncorrected: uncorrected.p_value,
            strata_used: used,
            strata_skipped: self.tables.len() - used,
        })
    }

    /// The Breslow-Day test of a common odds ratio, with Tarone's adjustment.
    ///
    /// Only strata with every margin positive enter. A stratum with an empty
    /// row or column has a single possible table, so it says nothing about
    /// its odds ratio; statsmodels divides by zero there and returns NaN for
    /// the whole test, while here it is left out and `df` counts the strata
    /// that remain. `None` when fewer than 2 strata remain, or when the
    /// Mantel-Haenszel odds ratio is 0 or undefined.
    pub fn breslow_day(&self) -> Option<BreslowDay> {
        let r = self.common_odds_ratio()?;
        if !(r > 0.0 && r.is_finite()) {
            return None;
        }
        let (mut statistic, mut sum_a, mut sum_e, mut sum_v) = (0.0, 0.0, 0.0, 0.0);
        let mut used: usize = 0;
        for t in self.usable() {
            let Some((e, v)) = expected_at(t, r) else {
                continue;
            };
            used += 1;
            let a = t.focal_passed() as f64;
            statistic += (a - e).powi(2) / v;
            sum_a += a;
            sum_e += e;
            sum_v += v;
        }
        if used < 2 {
            return None;
        }
        // Tarone's adjustment; never below 0 by Cauchy-Schwarz, but rounding.
        let statistic = (statistic - (sum_a - sum_e).powi(2) / sum_v).max(0.0);
        let df = u32::try_from(used - 1).unwrap_or(u32::MAX);
        let p_value = ChiSquared::new(f64::from(df)).ok()?.sf(statistic);
        Some(BreslowDay {
            statistic,
            df,
            p_value,
            strata_used: used,
        })
    }
}

/// The mean and variance of the focal passes of `t` under odds ratio `r`, by
/// the Breslow-Day quadratic; `None` when a margin is 0 or the variance is
/// not positive (an odds ratio so extreme that `f64` cannot separate the
/// expected table from its bounds).
fn expected_at(t: &TwoByTwo, r: f64) -> Option<(f64, f64)> {
    let (n1, n2) = (t.focal_total(), t.reference_total());
    let (m1, m2) = (t.passed_total(), t.failed_total());
    if [n1, n2, m1, m2].contains(&0) {
        return None;
    }
    let (n1, n2, m1) = (n1 as f64, n2 as f64, m1 as f64);
    // e (n2 − m1 + e) = r (n1 − e)(m1 − e): (1 − r) e² + b e + c = 0.
    let a_q = 1.0 - r;
    let b_q = r * (n1 + m1) + (n2 - m1);
    let c_q = -r * n1 * m1;
    let root = (b_q * b_q - 4.0 * a_q * c_q).sqrt();
    // The same root as statsmodels' (−b + √·)/(2a), without its cancellation
    // or its division by zero at r = 1. b < 0 implies r < 1, so a > 0.
    let e = if b_q >= 0.0 {
        -2.0 * c_q / (b_q + root)
    } else {
        (root - b_q) / (2.0 * a_q)
    };
    let v = 1.0 / (1.0 / e + 1.0 / (m1 - e) + 1.0 / (n1 - e) + 1.0 / (n2 - m1 + e));
    (v > 0.0 && v.is_finite()).then_some((e, v))
}

impl FromIterator<TwoByTwo> for Strata {
    fn from_iter<I: IntoIterator<Item = TwoByTwo>>(iter: I) -> Self {
        Self::new(iter)
    }
}

impl From<Vec<TwoByTwo>> for Strata {
    fn from(tables: Vec<TwoByTwo>) -> Self {
        Self { tables }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(a: u64, b: u64, c: u64, d: u64) -> TwoByTwo {
        TwoByTwo::new(a, b, c, d).unwrap()
    }

    #[test]
    fn one_stratum_is_the_plain_table() {
        let table = t(10, 30, 40, 60);
        let mh = Strata::new([table]).mantel_haenszel().unwrap();
        assert_eq!(mh.common_odds_ratio, table.odds_ratio());
        // CMH for one stratum is Pearson's chi-square times (n − 1)/n.
        let pearson = table.chi_square().unwrap().statistic;
        let n = table.total() as f64;
        assert!((mh.statistic_uncorrected - pearson * (n - 1.0) / n).abs() < 1e-12 * pearson);
        assert_eq!(Strata::new([table]).breslow_day(), None);
    }

    #[test]
    fn tiny_strata_are_skipped() {
        let strata = Strata::new([t(1, 0, 0, 0), t(0, 0, 0, 0), t(10, 30, 40, 60)]);
        let mh = strata.mantel_haenszel().unwrap();
        assert_eq!((mh.strata_used, mh.strata_skipped), (1, 2));
        assert_eq!(Strata::new([t(1, 0, 0, 0)]).mantel_haenszel(), None);
        assert_eq!(Strata::default().mantel_haenszel(), None);
    }

    #[test]
    fn degenerate_strata_leave_breslow_day() {
        let strata = Strata::new([
            t(10, 30, 40, 60),
            t(0, 0, 4, 6),
            t(12, 28, 45, 55),
            t(3, 0, 5, 0),
        ]);
        let bd = strata.breslow_day().unwrap();
        assert_eq!((bd.strata_used, bd.df), (2, 1));
        let clean = Strata::new([t(10, 30, 40, 60), t(12, 28, 45, 55)])
            .breslow_day()
            .unwrap();
        assert_eq!(bd, clean);
    }

    #[test]
    fn identical_odds_ratios_give_zero() {
        // Both strata have odds ratio 1 and r = 1 exactly.
        let bd = Strata::new([t(5, 5, 5, 5), t(2, 8, 2, 8)])
            .breslow_day()
            .unwrap();
        assert!(bd.statistic.abs() < 1e-12);
        assert!((bd.p_value - 1.0).abs() < 1e-9);
    }

    #[test]
    fn no_odds_ratio_no_breslow_day() {
        // b·c = 0 everywhere: the MH odds ratio is undefined.
        let strata = Strata::new([t(5, 0, 5, 5), t(2, 8, 0, 8)]);
        assert_eq!(strata.mantel_haenszel().unwrap().common_odds_ratio, None);
        assert_eq!(strata.breslow_day(), None);
        // a·d = 0 everywhere: it is 0.
        let strata = Strata::new([t(0, 5, 5, 5), t(2, 8, 3, 0)]);
        assert_eq!(strata.breslow_day(), None);
    }
}
