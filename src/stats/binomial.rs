//! A share against a benchmark share: the exact binomial test and the
//! Clopper-Pearson interval, at any count up to [`MAX_TOTAL`].
//!
//! A group holds `count` of `total` posts; under the null hypothesis each
//! post goes to the group with the benchmark probability p, so the count is
//! Binomial(total, p).
//!
//! # How it is computed
//!
//! - **The pmf** is Loader's saddle-point form, as in R's `dbinom`:
//!   ln P(x) = δ(n) − δ(x) − δ(n − x) − D(x, np) − D(n − x, nq)
//!   − ½·ln(2πx(n − x)/n), where δ is the error of Stirling's formula and
//!   D(x, μ) = x·ln(x/μ) + μ − x the deviance, summed as a series near μ.
//!   Each term is small, so ln P is exact to a few units in its last place
//!   at any n. The `ln_gamma` form, ln C(n, x) + x·ln p + (n − x)·ln q,
//!   cancels terms near 2·10¹⁰ at n = 10⁹ and keeps about five digits;
//!   statrs' `beta_reg` has the same prefactor, and stops its continued
//!   fraction after 140 terms, where a tail at n = 10⁹ needs thousands. So
//!   neither is used for tails here.
//! - **Tails** are summed outward from the observed count, relative to its
//!   own pmf, by the recurrence P(k + 1)/P(k) = (n − k)·np / ((k + 1)·nq),
//!   which is exactly the ratio of the law Loader's form evaluates (so the
//!   two agree, with no drift over many steps). The pmf is log-concave, so a
//!   sum stops once what is left, bounded by a geometric series, is below
//!   1e-17 of it. A tail that holds the mode is taken as 1 minus the other.
//!   The work is proportional to the standard deviation √(npq): a few
//!   hundred steps at n = 10⁵, about 10⁵ (under a millisecond) at
//!   n = 10⁹ and p = ½, and never O(n).
//! - **The two-sided p** follows R's `binom.test` (and
//!   `scipy.stats.binomtest`): the sum of P(i) over every i with
//!   P(i) ≤ P(x)·(1 + 1e-7). The points on the far side of n·p that qualify
//!   are found by bisection on the pmf, which is monotone there: O(log n)
//!   pmf evaluations and two tails.
//! - **Clopper-Pearson bounds** solve P(X ≥ x; p) = α/2 and
//!   P(X ≤ x; p) = α/2 by safeguarded Newton (bisection whenever a step
//!   leaves the bracket) on ln P in the log odds t = ln(p/(1 − p)), where
//!   d ln P(X ≥ x)/dt = x·(1 − p)·P(x)/P(X ≥ x) comes free with the tail.
//!   Working in log odds keeps p and 1 − p both to full relative precision,
//!   which the rate ratio's interval needs. Each Newton step costs one tail,
//!   and five to eight are usual, so a whole [`ShareTest`] costs some
//!   fifteen tails: about 10 µs for a force's workforce, and 5 to 10 ms at
//!   n = 10⁹ (measured with the test profile's opt-level 1).
//!
//! Against 50-digit mpmath, over n from 1 to 10⁹ and p-values down to
//! 1e-300, the figures agree to within 3e-12 relative (see
//! `tests/stats/share.rs`). Far out in the tail of a large n the problem
//! itself is that sensitive: a p-value of 1e-263, seventy standard
//! deviations out at n = 1.7·10⁸, moves by 1e-11 when p moves by one unit
//! in its last place, and the rate ratio's tests meet exactly that
//! (`tests/stats/poisson.rs`).

use super::table::MAX_TOTAL;
use crate::error::{Error, Result};

/// R's relative tolerance for ties in the two-sided rule.
const TIE: f64 = 1e-7;
/// A tail sum stops when what remains is below this fraction of it.
const EPS: f64 = 1e-17;

/// A group's share of a total against a benchmark share, with the exact
/// binomial test and the Clopper-Pearson interval.
///
/// Built by [`share_against_benchmark`]. Under the null hypothesis the
/// group's count X is Binomial(total, benchmark). `less` is the one-sided
/// test of under-representation, which is what supports positive action
/// under s.158 of the Equality Act 2010; `greater` is the test of
/// over-representation.
///
/// Sources: R's `binom.test` (the two-sided rule and the interval);
/// C. J. Clopper and E. S. Pearson, "The use of confidence or fiducial
/// limits illustrated in the case of the binomial", Biometrika 26 (1934).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShareTest {
    /// The share, count / total.
    pub share: f64,
    /// The exact (Clopper-Pearson) interval of the share: the p with
    /// P(X ≥ count; p) = α/2, and the p with P(X ≤ count; p) = α/2, where
    /// α = 1 − confidence. The lower bound is 0 when the count is 0, the
    /// upper 1 when the count is the total.
    pub share_ci: (f64, f64),
    /// The representation ratio, share / benchmark: below 1 the group is
    /// under-represented.
    pub representation_ratio: f64,
    /// The interval of the share divided by the benchmark.
    pub representation_ratio_ci: (f64, f64),
    /// Two-sided p: the sum of P(X = i) over every i with
    /// P(X = i) ≤ P(X = count)·(1 + 1e-7), capped at 1 (R's `binom.test`
    /// rule). It is 1 when count = total·benchmark exactly.
    pub two_sided: f64,
    /// P(X ≤ count): evidence that the group is under-represented.
    pub less: f64,
    /// P(X ≥ count): evidence that the group is over-represented.
    pub greater: f64,
}

/// Tests a group's share of a total against a benchmark share (a census
/// population share, the share of applicants, the share of those eligible):
/// the share, its exact Clopper-Pearson interval at `confidence`, the
/// representation ratio share / benchmark with that interval divided by the
/// benchmark, and the exact binomial test p-values. See [`ShareTest`].
///
/// `Ok(None)` when `total` is 0: no share is defined. The work grows as
/// √(total·benchmark·(1 − benchmark)), never as the total: microseconds for
/// a force's workforce, milliseconds at a total of 10⁹.
///
/// # Errors
///
/// - [`Error::InvalidOption`] unless 0 < `benchmark` < 1 and
///   0 < `confidence` < 1;
/// - [`Error::CountExceedsTotal`] if `count` > `total`;
/// - [`Error::InvalidTable`] if `total` exceeds [`MAX_TOTAL`] (2⁵³).
///
/// # Example
///
/// ```
/// use positive_action::stats::share_against_benchmark;
///
/// // 41 Black officers of 1,200 against a census share of 4%: 3.4%.
/// let test = share_against_benchmark(41, 1200, 0.04, 0.95)?.ok_or("no total")?;
/// assert!((test.representation_ratio - 0.8541666666666666).abs() < 1e-15);
/// let (low, high) = test.representation_ratio_ci;
/// assert!(low < 0.62 && high > 1.0); // could be chance at 95%
/// assert!(test.less > 0.1);
/// // R: binom.test(682, 925, p = 0.75) gives p = 0.3825 and 0.7077 to 0.7654.
/// let r = share_against_benchmark(682, 925, 0.75, 0.95)?.ok_or("no total")?;
/// assert!((r.two_sided - 0.3824915595748517).abs() < 1e-12);
/// assert!((r.share_ci.0 - 0.707668264079039).abs() < 1e-12);
/// assert_eq!(share_against_benchmark(0, 0, 0.04, 0.95)?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn share_against_benchmark(
    count: u64,
    total: u64,
    benchmark: f64,
    confidence: f64,
) -> Result<Option<ShareTest>> {
    let tail = tail_probability(confidence)?;
    if !(benchmark > 0.0 && benchmark < 1.0) {
        return Err(Error::InvalidOption {
            name: "benchmark",
            value: benchmark.to_string(),
            expected: "a share strictly between 0 and 1",
        });
    }
    if count > total {
        return Err(Error::CountExceedsTotal {
            part: "count".to_string(),
            count,
            whole: "total".to_string(),
            total,
        });
    }
    check_total(u128::from(total), "total")?;
    if total == 0 {
        return Ok(None);
    }
    let share = count as f64 / total as f64;
    let bounds = clopper_pearson(total, count, tail);
    let low = bounds.low.map_or(0.0, |t| logistic(t).0);
    let high = bounds.high.map_or(1.0, |t| logistic(t).0);
    let law = Binomial::new(total, benchmark);
    Ok(Some(ShareTest {
        share,
        share_ci: (low, high),
        representation_ratio: share / benchmark,
        representation_ratio_ci: (low / benchmark, high / benchmark),
        two_sided: law.two_sided(count),
        less: law.lower_tail(count),
        greater: law.upper_tail(count),
    }))
}

/// α/2 for a two-sided interval at `confidence`, after checking it.
pub(crate) fn tail_probability(confidence: f64) -> Result<f64> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::InvalidOption {
            name: "confidence",
            value: confidence.to_string(),
            expected: "a number strictly between 0 and 1",
        });
    }
    // 1 − confidence, as R and scipy compute it, then halved exactly.
    Ok((1.0 - confidence) / 2.0)
}

/// Refuses a number of trials above [`MAX_TOTAL`], beyond which counts are
/// not exact in `f64`.
pub(crate) fn check_total(n: u128, what: &str) -> Result<()> {
    if n > u128::from(MAX_TOTAL) {
        return Err(Error::InvalidTable {
            reason: format!(
                "{what} {n} exceeds {MAX_TOTAL} (2^53), the largest total counted exactly"
            ),
        });
    }
    Ok(())
}

/// (p, 1 − p) from the log odds t = ln(p/(1 − p)), each to full relative
/// precision.
pub(crate) fn logistic(t: f64) -> (f64, f64) {
    let e = (-t.abs()).exp();
    let (small, large) = (e / (1.0 + e), 1.0 / (1.0 + e));
    if t < 0.0 {
        (small, large)
    } else {
        (large, small)
    }
}

/// The Clopper-Pearson bounds of x successes in n trials as log odds:
/// `None` is p = 0 for the lower bound and p = 1 for the upper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ExactBounds {
    pub(crate) low: Option<f64>,
    pub(crate) high: Option<f64>,
}

/// The two-sided Clopper-Pearson bounds at tail probability `tail` = α/2,
/// for 0 ≤ x ≤ n, 0 < n ≤ [`MAX_TOTAL`] and 0 < `tail` < ½.
pub(crate) fn clopper_pearson(n: u64, x: u64, tail: f64) -> ExactBounds {
    let ln_tail = tail.ln();
    ExactBounds {
        low: (x > 0).then(|| lower_log_odds(n, x, ln_tail)),
        // By symmetry: the upper bound for x is 1 − the lower for n − x.
        high: (x < n).then(|| -lower_log_odds(n, n - x, ln_tail)),
    }
}

/// The log odds t with ln P(X ≥ x; p(t)) = `ln_tail`, for 0 < x ≤ n.
fn lower_log_odds(n: u64, x: u64, ln_tail: f64) -> f64 {
    let (nf, xf) = (n as f64, x as f64);
    if x == n {
        // P(X ≥ n) = pⁿ, so p = tail^(1/n) and 1 − p = −expm1(ln tail / n).
        let l = ln_tail / nf;
        return l - (-l.exp_m1()).ln();
    }
    // G(t) = P(X ≥ x) rises with t. At p = x/n, the median is x, so
    // G ≥ ½ > tail. And G(p) ≤ C(n, x)·pˣ ≤ (e·n·p/x)ˣ, which is at most the
    // tail at the p below.
    let mut hi = xf.ln() - (nf - xf).ln();
    let ln_p = xf.ln() - 1.0 - nf.ln() + ln_tail / xf;
    let mut lo = ln_p - (-ln_p.exp()).ln_1p();
    let tolerance = |t: f64| 1e-15 * t.abs().max(1.0);
    let mut t = hi;
    for _ in 0..200 {
        let law = Binomial::from_log_odds(n, t);
        let (ln_g, slope) = law.ln_upper_tail_and_slope(x);
        let f = ln_g - ln_tail;
        if f == 0.0 {
            return t;
        }
        if f > 0.0 {
            hi = t;
        } else {
            lo = t;
        }
        let newton = t - f / slope;
        let next = if newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - t).abs() <= tolerance(t) || hi - lo <= tolerance(t) {
            return next;
        }
        t = next;
    }
    // Unreachable in practice: bisection alone would have converged.
    t
}

/// The direction of a tail sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Down,
    Up,
}

/// Binomial(n, p), with p and q = 1 − p carried separately so that each
/// keeps its relative precision.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binomial {
    n: u64,
    p: f64,
    /// n·p and n·q, which define the law Loader's form and the recurrence
    /// evaluate: Binomial(n, np / (np + nq)).
    np: f64,
    nq: f64,
    /// ⌊(n + 1)p⌋, perhaps one off after rounding: it only chooses the
    /// direction of a sum.
    mode: u64,
}

impl Binomial {
    /// For 0 < p < 1 and n ≤ [`MAX_TOTAL`].
    pub(crate) fn new(n: u64, p: f64) -> Self {
        Self::with_complement(n, p, 1.0 - p)
    }

    fn from_log_odds(n: u64, t: f64) -> Self {
        let (p, q) = logistic(t);
        Self::with_complement(n, p, q)
    }

    fn with_complement(n: u64, p: f64, q: f64) -> Self {
        let nf = n as f64;
        // A float-to-int `as` saturates; the estimate is clamped to n.
        let mode = (((nf + 1.0) * p).floor() as u64).min(n);
        Self {
            n,
            p,
            np: nf * p,
            nq: nf * q,
            mode,
        }
    }

    /// ln P(X = x) by Loader's saddle-point form, for x ≤ n.
    fn ln_pmf(&self, x: u64) -> f64 {
        let n = self.n as f64;
        if x == 0 {
            // P(0) = qⁿ; as R's dbinom_raw, −D(n, nq) − np is accurate when
            // q is near 1, where n·ln q would amplify the rounding of q.
            return if self.p < 0.1 {
                -bd0(n, self.nq) - self.np
            } else {
                n * (self.nq / n).ln()
            };
        }
        if x == self.n {
            return if self.p > 0.9 {
                -bd0(n, self.np) - self.nq
            } else {
                n * (self.np / n).ln()
            };
        }
        let xf = x as f64;
        let y = n - xf;
        let lc = stirlerr(n) - stirlerr(xf) - stirlerr(y) - bd0(xf, self.np) - bd0(y, self.nq);
        // ln(2πx(n − x)/n). R's log1p(−x/n) loses digits as x nears n,
        // where 1 − x/n cancels; (n − x)/n is exact to one rounding.
        let lf = std::f64::consts::TAU.ln() + xf.ln() + (y / n).ln();
        lc - 0.5 * lf
    }

    fn pmf(&self, x: u64) -> f64 {
        self.ln_pmf(x).exp()
    }

    /// Σ P(k)/P(start) from `start` outward in `direction`, where the pmf
    /// falls that way from `start` (start at or beyond the mode; one step
    /// of rise, from a mode estimate one off, is harmless).
    fn relative_sum(&self, start: u64, direction: Direction) -> f64 {
        let (n, np, nq) = (self.n as f64, self.np, self.nq);
        let mut sum = 1.0;
        let mut term = 1.0;
        let mut k = start as f64;
        let steps = match direction {
            Direction::Up => self.n - start,
            Direction::Down => start,
        };
        for _ in 0..steps {
            let ratio = match direction {
                Direction::Up => {
                    let r = ((n - k) * np) / ((k + 1.0) * nq);
                    k += 1.0;
                    r
                }
                Direction::Down => {
                    let r = (k * nq) / ((n - k + 1.0) * np);
                    k -= 1.0;
                    r
                }
            };
            term *= ratio;
            sum += term;
            // Log-concavity: later ratios are at most this one, so what is
            // left is at most term·ratio/(1 − ratio).
            if term == 0.0 || (ratio < 1.0 && term * ratio <= EPS * sum * (1.0 - ratio)) {
                break;
            }
        }
        sum
    }

    /// ln P(X ≥ x), x ≥ 1, summed from x upward; x must be at or above the
    /// mode.
    fn ln_upper_sum(&self, x: u64) -> f64 {
        self.ln_pmf(x) + self.relative_sum(x, Direction::Up).ln()
    }

    /// ln P(X ≤ x), x < n, summed from x downward; x must be at or below
    /// the mode.
    fn ln_lower_sum(&self, x: u64) -> f64 {
        self.ln_pmf(x) + self.relative_sum(x, Direction::Down).ln()
    }

    /// ln P(X ≥ x).
    fn ln_upper_tail(&self, x: u64) -> f64 {
        if x == 0 {
            0.0
        } else if x > self.n {
            f64::NEG_INFINITY
        } else if x >= self.mode {
            self.ln_upper_sum(x)
        } else {
            // The tail holds the mode: 1 − P(X ≤ x − 1), where x − 1 < mode.
            (-self.ln_lower_sum(x - 1).exp()).ln_1p()
        }
    }

    /// ln P(X ≤ x).
    fn ln_lower_tail(&self, x: u64) -> f64 {
        if x >= self.n {
            0.0
        } else if x <= self.mode {
            self.ln_lower_sum(x)
        } else {
            (-self.ln_upper_sum(x + 1).exp()).ln_1p()
        }
    }

    /// P(X ≥ x).
    pub(crate) fn upper_tail(&self, x: u64) -> f64 {
        self.ln_upper_tail(x).exp()
    }

    /// P(X ≤ x).
    pub(crate) fn lower_tail(&self, x: u64) -> f64 {
        self.ln_lower_tail(x).exp()
    }

    /// ln P(X ≥ x) and its derivative in the log odds, x·q·P(x)/P(X ≥ x),
    /// for 1 ≤ x ≤ n.
    fn ln_upper_tail_and_slope(&self, x: u64) -> (f64, f64) {
        let ln_g = self.ln_upper_tail(x);
        let q = self.nq / self.n as f64;
        let slope = x as f64 * q * (self.ln_pmf(x) - ln_g).exp();
        (ln_g, slope)
    }

    /// R's `binom.test` two-sided p-value of x.
    pub(crate) fn two_sided(&self, x: u64) -> f64 {
        let n = self.n;
        // n·p as a double, compared as R and scipy do.
        let m = n as f64 * self.p;
        let xf = x as f64;
        if xf == m {
            return 1.0;
        }
        let bound = self.pmf(x) * (1.0 + TIE);
        let at_most = |i: u64| self.pmf(i) <= bound;
        let p = if xf < m {
            // The points of ⌈m⌉..=n no more likely than x. The pmf falls on
            // ⌈m⌉ + 1..=n (the mode is at most ⌈m⌉, up to rounding), so
            // they are a run at the top; ⌈m⌉ is checked on its own.
            let start = (m.ceil() as u64).min(n);
            let mut count = u64::from(at_most(start));
            if start < n {
                count += n + 1 - first_true(start + 1, n, at_most);
            }
            self.lower_tail(x) + self.upper_tail(n + 1 - count)
        } else {
            // The mirror image on 0..=⌊m⌋, where the pmf rises to ⌊m⌋ − 1.
            let end = (m.floor() as u64).min(n);
            let mut count = u64::from(at_most(end));
            if end > 0 {
                // Searched from end − 1 downward, where at_most turns true.
                count += end - first_true(0, end - 1, |j| at_most(end - 1 - j));
            }
            let below = match count.checked_sub(1) {
                Some(last) => self.lower_tail(last),
                None => 0.0,
            };
            below + self.upper_tail(x)
        };
        p.min(1.0)
    }
}

/// The first i in lo..=hi where `holds` is true, for a predicate false then
/// true; hi + 1 when it never holds.
fn first_true(lo: u64, hi: u64, holds: impl Fn(u64) -> bool) -> u64 {
    let (mut lo, mut hi) = (lo, hi + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// δ(n) = ln n! − ln(√(2πn)·(n/e)ⁿ), the error of Stirling's formula, for
/// whole n ≥ 1: tabulated to n = 15, and from the asymptotic series beyond,
/// where it is exact to 1e-16 (Loader 2000, and R's `stirlerr`).
fn stirlerr(n: f64) -> f64 {
    // δ(n) for n = 0..=15 (0 is a placeholder), from 40-digit mpmath.
    const TABLE: [f64; 16] = [
        0.0,
        0.081_061_466_795_327_26,
        0.041_340_695_955_409_3,
        0.027_677_925_684_998_34,
        0.020_790_672_103_765_093,
        0.016_644_691_189_821_193,
        0.013_876_128_823_070_748,
        0.011_896_709_945_891_77,
        0.010_411_265_261_972_096,
        0.009_255_462_182_712_733,
        0.008_330_563_433_362_87,
        0.007_573_675_487_951_841,
        0.006_942_840_107_209_53,
        0.006_408_994_188_004_207,
        0.005_951_370_112_758_847_5,
        0.005_554_733_551_962_801,
    ];
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        // Whole n in 0..=15: the cast is exact.
        return TABLE[n as usize];
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// The deviance term D(x, μ) = x·ln(x/μ) + μ − x ≥ 0, for x > 0 and μ > 0,
/// by its series in v = (x − μ)/(x + μ) when x is near μ, where the direct
/// form would cancel (Loader 2000, and R's `bd0`).
fn bd0(x: f64, mu: f64) -> f64 {
    let diff = x - mu;
    if diff.abs() < 0.1 * (x + mu) {
        let mut v = diff / (x + mu);
        let mut sum = diff * v;
        if sum.abs() < f64::MIN_POSITIVE {
            return sum;
        }
        let mut term = 2.0 * x * v;
        v *= v;
        // |v| < 0.1, so the terms fall tenfold or more each step.
        for j in 1..1000u32 {
            term *= v;
            let previous = sum;
            sum += term / f64::from(2 * j + 1);
            if sum == previous {
                break;
            }
        }
        return sum;
    }
    let ratio = x / mu;
    let log_ratio = if ratio.is_finite() {
        ratio.ln()
    } else {
        x.ln() - mu.ln()
    };
    x * log_ratio + mu - x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64, rel: f64) -> bool {
        (x - y).abs() <= rel * x.abs().max(y.abs())
    }

    #[test]
    fn pmf_matches_exact_small_cases() {
        // Binomial(10, 0.3): P(3) = 120·0.3³·0.7⁷.
        let law = Binomial::new(10, 0.3);
        let exact = 120.0 * 0.3f64.powi(3) * 0.7f64.powi(7);
        assert!(close(law.pmf(3), exact, 1e-14));
        assert!(close(law.pmf(0), 0.7f64.powi(10), 1e-14));
        assert!(close(law.pmf(10), 0.3f64.powi(10), 1e-14));
        let total: f64 = (0..=10).map(|x| law.pmf(x)).sum();
        assert!(close(total, 1.0, 1e-14));
        // The tails sum the same terms.
        let below: f64 = (0..=3).map(|x| law.pmf(x)).sum();
        assert!(close(law.lower_tail(3), below, 1e-14));
        assert!(close(law.upper_tail(4), 1.0 - below, 1e-14));
    }

    /// P(X = n) and P(X = 0) when p, or q, is 10⁻¹² from 1: the law is
    /// Binomial(n, np/(np + nq)), and ln P = n·ln(np/(np + nq)) =
    /// −1.0000000000005e-9 for n = 1000 (mpmath at 300 bits). The plain
    /// n·ln(np/n) gives −9.99978e-10, wrong in the fifth digit, so the
    /// saddle-point form is used there.
    #[test]
    fn pmf_at_the_ends_keeps_its_digits_when_p_is_near_one() {
        let q = 1e-12;
        let reference = -1.0000000000005e-9;
        let near_one = Binomial::with_complement(1000, 1.0 - q, q);
        let got = near_one.ln_pmf(1000);
        assert!(close(got, reference, 1e-9), "{got}");
        let near_zero = Binomial::with_complement(1000, q, 1.0 - q);
        let got = near_zero.ln_pmf(0);
        assert!(close(got, reference, 1e-9), "{got}");
    }

    #[test]
    fn stirling_table_meets_the_series() {
        // Past the table the series takes over without a step.
        for n in [16.0, 36.0, 81.0, 501.0] {
            let series = stirlerr(n);
            let near = stirlerr(n - 1.0);
            assert!(series < near && series > 0.0);
            assert!(close(series * n, 1.0 / 12.0, 0.02));
        }
    }

    #[test]
    fn scipy_documentation_example() {
        // scipy.stats.binomtest(3, 15, 0.1, alternative='greater') = 0.18406106910639114.
        let test = share_against_benchmark(3, 15, 0.1, 0.95).unwrap().unwrap();
        assert!(close(test.greater, 0.18406106910639114, 1e-13));
        assert!(close(test.two_sided, 0.18406106910639106, 1e-13));
    }

    #[test]
    fn closed_form_bounds() {
        // x = 0: the upper bound is 1 − (α/2)^(1/n); x = n: the lower is (α/2)^(1/n).
        let zero = share_against_benchmark(0, 20, 0.3, 0.95).unwrap().unwrap();
        assert_eq!(zero.share_ci.0, 0.0);
        assert!(close(
            zero.share_ci.1,
            1.0 - 0.025f64.powf(1.0 / 20.0),
            1e-14
        ));
        let all = share_against_benchmark(20, 20, 0.3, 0.95).unwrap().unwrap();
        assert_eq!(all.share_ci.1, 1.0);
        assert!(close(all.share_ci.0, 0.025f64.powf(1.0 / 20.0), 1e-14));
    }

    #[test]
    fn invalid_input_is_an_error() {
        assert!(matches!(
            share_against_benchmark(3, 2, 0.5, 0.95),
            Err(Error::CountExceedsTotal { .. })
        ));
        for benchmark in [0.0, 1.0, -0.1, f64::NAN] {
            assert!(matches!(
                share_against_benchmark(1, 2, benchmark, 0.95),
                Err(Error::InvalidOption {
                    name: "benchmark",
                    ..
                })
            ));
        }
        for confidence in [0.0, 1.0, f64::NAN] {
            assert!(matches!(
                share_against_benchmark(1, 2, 0.5, confidence),
                Err(Error::InvalidOption {
                    name: "confidence",
                    ..
                })
            ));
        }
        assert!(share_against_benchmark(0, MAX_TOTAL + 1, 0.5, 0.95).is_err());
        assert_eq!(share_against_benchmark(0, 0, 0.5, 0.95).unwrap(), None);
    }

    #[test]
    fn large_totals_are_quick_and_consistent() {
        // At n = 10⁹ the tails take about 10⁵ steps, not 10⁹.
        let test = share_against_benchmark(499_990_000, 1_000_000_000, 0.5, 0.95)
            .unwrap()
            .unwrap();
        assert!(close(test.less, 0.26355495737765317, 1e-10));
        assert!(close(test.two_sided, 2.0 * test.less, 1e-10));
        assert!(test.share_ci.0 < test.share && test.share < test.share_ci.1);
    }
}
