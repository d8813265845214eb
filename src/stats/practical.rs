//! Practical significance: how many candidates a finding rests on.
//!
//! Courts and regulators ask beside the statistics how large a disparity is
//! in people, and whether it would survive a change of one or two outcomes.

use super::rates::rate_ratio;
use super::table::TwoByTwo;
use crate::error::{Error, Result};

/// The focal group's shortfall of passes, three ways.
///
/// Each is `None` when a row of the table is empty. A negative `pooled` or
/// `to_parity` means the focal group passed more often than the comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Shortfall {
    /// Passes expected at the pooled rate less passes observed:
    /// n1·(a + c)/N − a.
    pub pooled: Option<f64>,
    /// Passes the focal group would need to match the reference rate:
    /// n1·p2 − a.
    pub to_parity: Option<f64>,
    /// The fewest extra focal passes s ≥ 0 that lift the impact ratio to the
    /// threshold: the least s with ((a + s)/n1)/p2 ≥ threshold, evaluated in
    /// `f64` exactly as [`TwoByTwo::impact_ratio`] is, so that with s more
    /// passes (and as many fewer failures) `impact_ratio() < threshold` is
    /// false and with s − 1 it is true. 0 when the reference rate is 0.
    pub to_threshold: Option<u64>,
}

impl Shortfall {
    const UNDEFINED: Self = Self {
        pooled: None,
        to_parity: None,
        to_threshold: None,
    };
}

impl TwoByTwo {
    /// The focal group's shortfall of passes: against the pooled rate, to
    /// parity with the reference group, and to the impact-ratio `threshold`
    /// (0.8 for the four-fifths rule).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOption`] unless 0 < `threshold` ≤ 1.
    ///
    /// # Example
    ///
    /// ```
    /// use positive_action::stats::TwoByTwo;
    ///
    /// // 30% of 100 against 40% of 150: impact ratio 0.75.
    /// let shortfall = TwoByTwo::new(30, 70, 60, 90)?.shortfall(0.8)?;
    /// assert_eq!(shortfall.pooled, Some(6.0));
    /// assert_eq!(shortfall.to_parity, Some(10.0));
    /// // 32 of 100 passing would give 0.32 / 0.4 = 0.8, which is not adverse.
    /// assert_eq!(shortfall.to_threshold, Some(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shortfall(&self, threshold: f64) -> Result<Shortfall> {
        if !(threshold > 0.0 && threshold <= 1.0) {
            return Err(Error::InvalidOption {
                name: "threshold",
                value: threshold.to_string(),
                expected: "a number greater than 0 and at most 1",
            });
        }
        if !self.rows_nonempty() {
            return Ok(Shortfall::UNDEFINED);
        }
        // n1·(a + c)/N − a = (bc − ad)/N and n1·c/n2 − a = (bc − ad)/n2.
        let deficit = -self.cross_difference() as f64;
        Ok(Shortfall {
            pooled: Some(deficit / self.total() as f64),
            to_parity: Some(deficit / self.reference_total() as f64),
            to_threshold: Some(self.passes_to_threshold(threshold)),
        })
    }

    /// See [`Shortfall::to_threshold`]; both rows are non-empty.
    fn passes_to_threshold(&self, threshold: f64) -> u64 {
        let (a, n1) = (self.focal_passed(), self.focal_total());
        let (c, n2) = (self.reference_passed(), self.reference_total());
        let p2 = match self.reference_rate() {
            Some(p2) if p2 > 0.0 => p2,
            _ => return 0,
        };
        // Monotone in s, and true at s = n1 − a, where the ratio is n2/c ≥ 1.
        let reaches = |s: u64| rate_ratio(a + s, n1, c, n2).is_some_and(|ir| ir >= threshold);
        let most = n1 - a;
        // The real-valued answer, then a galloping search from it: the
        // estimate is off by at most a few units, so this takes a few steps.
        let estimate = (threshold * p2 * n1 as f64 - a as f64).ceil();
        let start = if estimate >= most as f64 {
            most
        } else if estimate > 0.0 {
            estimate as u64
        } else {
            0
        };
        // Invariant below: the answer lies in lo..=hi and reaches(hi).
        let (mut lo, mut hi);
        if reaches(start) {
            hi = start;
            let mut step = 1;
            loop {
                if hi == 0 {
                    return 0;
                }
                let probe = hi.saturating_sub(step);
                if reaches(probe) {
                    hi = probe;
                    step = step.saturating_mul(2);
                } else {
                    lo = probe + 1;
                    break;
                }
            }
        } else {
            let mut below = start;
            let mut step = 1;
            loop {
                let probe = below.saturating_add(step).min(most);
                if reaches(probe) {
                    lo = below + 1;
                    hi = probe;
                    break;
                }
                if probe == most {
                    // Unreachable by the argument above; keep the bound.
                    return most;
                }
                below = probe;
                step = step.saturating_mul(2);
            }
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if reaches(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        hi
    }

    /// The flip-flop rule of the Uniform Guidelines Questions and Answers
    /// (Q&A 21): whether a lower focal rate is fragile, in that moving one
    /// selection from the reference group to the focal group would make the
    /// focal rate strictly the higher.
    ///
    /// `Some(false)` when the focal rate is not lower to begin with; `None`
    /// when a row is empty. The comparison is exact.
    pub fn flip_flop(&self) -> Option<bool> {
        if !self.rows_nonempty() {
            return None;
        }
        let (a, c) = (
            u128::from(self.focal_passed()),
            u128::from(self.reference_passed()),
        );
        let (n1, n2) = (
            u128::from(self.focal_total()),
            u128::from(self.reference_total()),
        );
        if a * n2 >= c * n1 {
            return Some(false);
        }
        // p1 < p2 implies c ≥ 1 and a < n1, so both moves are possible.
        Some((a + 1) * n2 > (c - 1) * n1)
    }

    /// The n-person rule (Biddle's practical significance test): whether
    /// Fisher's two-sided p would still be below `alpha` had `more` of the
    /// focal group's failures been passes instead (group sizes and the
    /// reference group unchanged). With `more` of 1 or 2, a finding that is
    /// no longer significant is not practically significant.
    ///
    /// `None` when the focal group has fewer than `more` failures, or when
    /// the table is beyond the exact test's limit (see
    /// [`fisher_exact_bounded`](Self::fisher_exact_bounded)).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOption`] unless 0 < `alpha` < 1.
    pub fn significant_after(&self, more: u64, alpha: f64) -> Result<Option<bool>> {
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(Error::InvalidOption {
                name: "alpha",
                value: alpha.to_string(),
                expected: "a number strictly between 0 and 1",
            });
        }
        if more > self.focal_failed() {
            return Ok(None);
        }
        let moved = Self::new(
            self.focal_passed() + more,
            self.focal_failed() - more,
            self.reference_passed(),
            self.reference_failed(),
        )?;
        Ok(moved
            .fisher_exact_bounded()
            .map(|fisher| fisher.two_sided < alpha))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(a: u64, b: u64, c: u64, d: u64) -> TwoByTwo {
        TwoByTwo::new(a, b, c, d).unwrap()
    }

    /// The definition, by walking from 0.
    fn naive_to_threshold(table: &TwoByTwo, threshold: f64) -> u64 {
        let p2 = table.reference_rate().unwrap();
        if p2 == 0.0 {
            return 0;
        }
        (0..)
            .find(|&s| {
                let num = (table.focal_passed() + s) as f64 * table.reference_total() as f64;
                let ir = num / (table.reference_passed() as f64 * table.focal_total() as f64);
                ir >= threshold
            })
            .unwrap()
    }

    #[test]
    fn to_threshold_agrees_with_the_definition() {
        for a in 0..=12 {
            for n1 in a.max(1)..=12 {
                for c in 0..=9 {
                    for n2 in c.max(1)..=9 {
                        let table = t(a, n1 - a, c, n2 - c);
                        for threshold in [0.8, 0.5, 1.0, 0.9, 1e-9, 0.75] {
                            let got = table.shortfall(threshold).unwrap().to_threshold;
                            assert_eq!(
                                got,
                                Some(naive_to_threshold(&table, threshold)),
                                "{table:?} {threshold}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn to_threshold_is_exact_at_the_boundary() {
        // Against a reference rate of 1, 8 of 10 gives exactly 0.8: not adverse.
        assert_eq!(t(7, 3, 5, 0).shortfall(0.8).unwrap().to_threshold, Some(1));
        assert_eq!(t(8, 2, 5, 0).shortfall(0.8).unwrap().to_threshold, Some(0));
        assert_eq!(t(0, 9, 0, 9).shortfall(0.8).unwrap().to_threshold, Some(0));
        // Large counts: the estimate is adjusted, never walked from 0.
        let big = t(1_000_000_000, 3_000_000_000, 2_000_000_000, 2_000_000_000);
        let s = big.shortfall(0.8).unwrap().to_threshold.unwrap();
        let ir = |s: u64| (1_000_000_000 + s) as f64 * 4e9 / (2e9 * 4e9);
        assert!(ir(s) >= 0.8 && ir(s - 1) < 0.8);
    }

    #[test]
    fn shortfall_validates_and_handles_empty_rows() {
        let table = t(3, 4, 5, 6);
        for bad in [0.0, -1.0, 1.5, f64::NAN] {
            assert!(matches!(
                table.shortfall(bad),
                Err(Error::InvalidOption {
                    name: "threshold",
                    ..
                })
            ));
        }
        assert_eq!(t(0, 0, 5, 6).shortfall(0.8).unwrap(), Shortfall::UNDEFINED);
    }

    #[test]
    fn flip_flop_cases() {
        assert_eq!(t(0, 0, 1, 1).flip_flop(), None);
        assert_eq!(t(5, 5, 5, 5).flip_flop(), Some(false));
        // 4/10 vs 5/10: moving one gives 5/10 vs 4/10, focal higher.
        assert_eq!(t(4, 6, 5, 5).flip_flop(), Some(true));
        // 3/10 vs 5/10: 4/10 vs 4/10 is a tie, not higher.
        assert_eq!(t(3, 7, 5, 5).flip_flop(), Some(false));
        assert_eq!(t(30, 70, 60, 90).flip_flop(), Some(false));
    }

    #[test]
    fn n_person_rule() {
        // [[2,15],[10,3]]: p = 0.000537. Not fragile to 2 more passes.
        let table = t(2, 15, 10, 3);
        assert_eq!(table.significant_after(0, 0.05), Ok(Some(true)));
        assert_eq!(table.significant_after(2, 0.05), Ok(Some(true)));
        assert_eq!(table.significant_after(15, 0.05), Ok(Some(false)));
        assert_eq!(table.significant_after(16, 0.05), Ok(None));
        assert!(table.significant_after(1, 1.0).is_err());
    }
}
