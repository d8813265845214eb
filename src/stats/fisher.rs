//! Fisher's exact test, conditional on the margins, with exact log p-values.
//!
//! Given the margins, the focal group's passes `a` follow the hypergeometric
//! distribution with density d(x) ∝ C(n1, x)·C(n2, m − x) on
//! `max(0, m − n2) ..= min(n1, m)`. As in R's `dnhyper`, densities are taken
//! relative to the mode M through the ratio d(x + 1)/d(x), which needs no
//! factorials, and then normalised. Two facts keep it cheap and exact:
//!
//! - the density is log-concave, so the ratios shrink moving away from the
//!   mode and a tail sum can stop once what is left (bounded by a geometric
//!   series) is below 1e-17 of what has been summed;
//! - every tail is summed relative to its own first term, so a tail of
//!   1e-900 is as accurate as one of 0.3. Only its offset from the mode is a
//!   logarithm, and that comes from the recurrence itself while it stays
//!   above 1e-280, and from differences of ln Γ beyond (Stirling's series
//!   regrouped so that no ln Γ of size 10¹⁷ is rounded and subtracted).
//!
//! The work is proportional to the standard deviation σ of the distribution
//! (at most √N / 4), with steps taken four at a time to share one division:
//! a few thousand steps and 10 to 25 µs at N = 10⁶, 0.35 ms for a balanced
//! table of 2³⁰ candidates, but about 3 ms at 2³⁶ and 1 s at the limit of
//! 2⁵³ (one core of a shared 2-core machine). The analyses therefore call
//! [`TwoByTwo::fisher_exact_bounded`], which computes the test for every
//! table of up to [`FISHER_EXACT_MAX_TOTAL`] = 2³⁴ candidates and for larger
//! ones while σ ≤ 2¹⁵, and withholds it beyond: there the exact test would
//! cost milliseconds to a second a table, and the z-test, which is also
//! reported, agrees with it to many digits at such sizes.

use super::factorial::ln_factorial_ratio;
use super::table::TwoByTwo;

/// The largest grand total for which [`TwoByTwo::fisher_exact_bounded`]
/// always computes Fisher's exact test: 2³⁴ (about 17 billion) candidates.
///
/// Larger tables are tested too while the variance of the focal passes
/// given the margins is at most `FISHER_EXACT_MAX_TOTAL / 16` (σ ≤ 32,768),
/// which every table of up to 2³⁴ candidates meets; the work is
/// proportional to σ, so this bounds a test to about 1.5 ms.
pub const FISHER_EXACT_MAX_TOTAL: u64 = 1 << 34;

/// R's relative tolerance for ties in the two-sided rule and in mid-P.
const TIE: f64 = 1e-7;
/// A tail sum stops when what remains is below this fraction of it.
const EPS: f64 = 1e-17;
/// Below this a relative density is carried as a logarithm only.
const FLOOR: f64 = 1e-280;

/// Fisher's exact test of a [`TwoByTwo`], conditional on its margins.
///
/// X is the focal group's passes given the margins. Each p-value comes with
/// its natural logarithm, which stays finite and accurate when the p-value
/// itself underflows `f64` (below about 1e-308): with 200,000 candidates per
/// group passing at 40% and 50%, p is near 1e-900, the plain fields are 0 and
/// the `ln_*` fields carry it.
///
/// Against exact references (rationals, 60-digit mpmath) the fields agree
/// to 1e-13 relative or better down to p = 1e-280. Below that the offset of
/// a's density from the mode comes from differences of ln Γ taken without
/// forming ln Γ itself: the logarithms then agree to about 5e-13 relative
/// at N = 3·10⁸ and 1e-15 at N = 3.5·10¹⁵.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FisherExact {
    /// Two-sided p: the sum of P(X = x) over every x with
    /// P(X = x) ≤ P(X = a)·(1 + 1e-7), capped at 1 (R's `fisher.test` rule).
    pub two_sided: f64,
    /// P(X ≤ a): evidence that the focal group is disadvantaged.
    pub less: f64,
    /// P(X ≥ a): evidence that the focal group is advantaged.
    pub greater: f64,
    /// Lancaster's mid-P, two-sided: the sum of P(X = x) < P(X = a)·(1 − 1e-7)
    /// plus half the sum of the ties, |P(X = x) − P(X = a)| ≤ 1e-7·P(X = a).
    pub mid_p_two_sided: f64,
    /// ln of `two_sided`.
    pub ln_two_sided: f64,
    /// ln of `less`.
    pub ln_less: f64,
    /// ln of `greater`.
    pub ln_greater: f64,
    /// ln of `mid_p_two_sided`.
    pub ln_mid_p_two_sided: f64,
}

impl FisherExact {
    /// A zero margin leaves one possible table: every p is 1, mid-P is 1/2.
    const DEGENERATE: Self = Self {
        two_sided: 1.0,
        less: 1.0,
        greater: 1.0,
        mid_p_two_sided: 0.5,
        ln_two_sided: 0.0,
        ln_less: 0.0,
        ln_greater: 0.0,
        ln_mid_p_two_sided: -std::f64::consts::LN_2,
    };
}

impl TwoByTwo {
    /// Fisher's exact test, conditional on the margins.
    ///
    /// `less` is the one-sided test for disadvantage to the focal group. A
    /// table with an empty row or column has p = 1 (and mid-P = 1/2). Runs in
    /// under a microsecond for N ≤ 1,000 and in tens of microseconds at
    /// N = 10⁶; the work grows as √N (about 20 ms at N = 2⁴⁰).
    ///
    /// # Example
    ///
    /// ```
    /// use positive_action::stats::TwoByTwo;
    ///
    /// let fisher = TwoByTwo::new(8, 2, 1, 5)?.fisher_exact();
    /// assert!((fisher.two_sided - 0.034965034965034975).abs() < 1e-15);
    ///
    /// // 40% against 50% of 200,000 each: p underflows, its logarithm does not.
    /// let big = TwoByTwo::new(80_000, 120_000, 100_000, 100_000)?.fisher_exact();
    /// assert_eq!(big.less, 0.0);
    /// assert!(big.ln_less < -2000.0 && big.ln_less.is_finite());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// The work grows as σ, the standard deviation of the focal passes given
    /// the margins: about 3 ms at N = 2³⁶ and a second at 2⁵³. A service
    /// testing tables built from outside data calls
    /// [`fisher_exact_bounded`](Self::fisher_exact_bounded) instead.
    pub fn fisher_exact(&self) -> FisherExact {
        let h = Hypergeometric::new(
            self.focal_total(),
            self.reference_total(),
            self.passed_total(),
        );
        if h.lo == h.hi {
            return FisherExact::DEGENERATE;
        }
        h.test(self.focal_passed())
    }

    /// [`fisher_exact`](Self::fisher_exact) within a bounded time: `None`
    /// for a table of more than [`FISHER_EXACT_MAX_TOTAL`] (2³⁴) candidates
    /// whose focal passes, given the margins, have a variance above
    /// `FISHER_EXACT_MAX_TOTAL / 16` (σ > 32,768). Within the limit the
    /// result is exactly that of `fisher_exact`, in at most about 0.4 ms.
    ///
    /// The impact analysis, the n-person rule and the intervention
    /// evaluations use this, and say so when the test is withheld.
    ///
    /// # Example
    ///
    /// ```
    /// use positive_action::stats::TwoByTwo;
    ///
    /// let small = TwoByTwo::new(8, 2, 1, 5)?;
    /// assert_eq!(small.fisher_exact_bounded(), Some(small.fisher_exact()));
    ///
    /// // 2^50 candidates, split evenly: σ ≈ 2^23, beyond the limit.
    /// let huge = TwoByTwo::new(1 << 48, 1 << 48, 1 << 48, 1 << 48)?;
    /// assert_eq!(huge.fisher_exact_bounded(), None);
    ///
    /// // 2^50 candidates, but only 10 in the focal group: σ < 2, computed.
    /// let lopsided = TwoByTwo::new(3, 7, 1 << 48, (1 << 50) - (1 << 48))?;
    /// assert!(lopsided.fisher_exact_bounded().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fisher_exact_bounded(&self) -> Option<FisherExact> {
        fisher_within_limit(
            self.focal_total(),
            self.reference_total(),
            self.passed_total(),
        )
        .then(|| self.fisher_exact())
    }
}

/// Whether Fisher's exact test of margins `n1`, `n2` (group sizes) and `m`
/// (passes) is within [`FISHER_EXACT_MAX_TOTAL`]: the total is at most the
/// limit, or the variance n1·n2·m·(N − m) / (N²(N − 1)) of the focal passes
/// is at most a sixteenth of it.
fn fisher_within_limit(n1: u64, n2: u64, m: u64) -> bool {
    let total = u128::from(n1) + u128::from(n2);
    if total <= u128::from(FISHER_EXACT_MAX_TOTAL) {
        return true;
    }
    let (n1, n2, m, total) = (n1 as f64, n2 as f64, m as f64, total as f64);
    // Rounding moves this by a few ulps, far less than any table's step.
    let variance = (n1 / total) * (n2 / total) * m * ((total - m) / (total - 1.0));
    variance <= (FISHER_EXACT_MAX_TOTAL / 16) as f64
}

/// A side of the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Below,
    Above,
}

impl Side {
    fn opposite(self) -> Self {
        match self {
            Self::Below => Self::Above,
            Self::Above => Self::Below,
        }
    }
}

/// A density relative to the mode's, r(x) = d(x)/d(M) ≤ 1. Its logarithm
/// is only taken when needed: on small tables the logarithms, not the
/// recurrence, are most of the cost.
#[derive(Debug, Clone, Copy)]
enum Relative {
    /// The value, at least [`FLOOR`].
    Value(f64),
    /// The logarithm of a value below [`FLOOR`].
    Log(f64),
}

impl Relative {
    /// r·ratio, computed so that its logarithm stays exact below the floor.
    fn times(r: f64, ratio: f64) -> Self {
        let value = r * ratio;
        if value >= FLOOR {
            Self::Value(value)
        } else {
            Self::Log(r.ln() + ratio.ln())
        }
    }

    fn value(self) -> Option<f64> {
        match self {
            Self::Value(v) => Some(v),
            Self::Log(_) => None,
        }
    }

    fn ln(self) -> f64 {
        match self {
            Self::Value(v) => v.ln(),
            Self::Log(ln) => ln,
        }
    }

    /// `self / other`, which may underflow to 0 or overflow to infinity.
    fn over(self, other: Self) -> f64 {
        match (self, other) {
            (Self::Value(x), Self::Value(y)) => x / y,
            _ => (self.ln() - other.ln()).exp(),
        }
    }
}

/// The ratios d(x ∓ 1)/d(x) met walking away from `x` on one side, in
/// order. Each factor is an integer below 2^53, so exact in `f64`.
#[derive(Debug, Clone)]
struct Ratios {
    shrinking: [f64; 2],
    growing: [f64; 2],
    remaining: u64,
}

/// Four consecutive ratios nⱼ/dⱼ over their common denominator D = d₁d₂d₃d₄
/// (below 2^424 even at the largest tables, so finite): one division
/// instead of four, which is what bounds a step's cost.
#[derive(Debug, Clone, Copy)]
struct Block {
    /// 1/D.
    inverse: f64,
    /// n₁n₂n₃n₄: the product of the four ratios is `product · inverse`.
    product: f64,
    /// D·(r₁ + r₁r₂ + r₁r₂r₃ + r₁r₂r₃r₄), by Horner's rule.
    partial_sums: f64,
    /// The last ratio's numerator and denominator.
    last: (f64, f64),
}

impl Ratios {
    fn next_pair(&mut self) -> Option<(f64, f64)> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let [p, q] = self.shrinking;
        let [r, s] = self.growing;
        self.shrinking = [p - 1.0, q - 1.0];
        self.growing = [r + 1.0, s + 1.0];
        Some((p * q, r * s))
    }

    /// The next four ratios, if four remain.
    fn next_block(&mut self) -> Option<Block> {
        if self.remaining < 4 {
            return None;
        }
        let mut pairs = [(0.0, 0.0); 4];
        for pair in &mut pairs {
            *pair = self.next_pair()?;
        }
        let [(n1, d1), (n2, d2), (n3, d3), (n4, d4)] = pairs;
        let d34 = d3 * d4;
        let d234 = d2 * d34;
        Some(Block {
            inverse: 1.0 / (d1 * d234),
            product: (n1 * n2) * (n3 * n4),
            partial_sums: n1 * (d234 + n2 * (d34 + n3 * (d4 + n4))),
            last: (n4, d4),
        })
    }
}

impl Iterator for Ratios {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        self.next_pair().map(|(n, d)| n / d)
    }
}

/// A tail summed relative to its first term: 1 + `rest`.
#[derive(Debug, Clone, Copy)]
struct Tail {
    /// The sum of the terms after the first.
    rest: f64,
    /// The sum of the terms, the first included, that are ties.
    ties: f64,
}

impl Tail {
    fn total(self) -> f64 {
        1.0 + self.rest
    }
}

/// The hypergeometric distribution of the focal passes given the margins.
#[derive(Debug, Clone, Copy)]
struct Hypergeometric {
    n1: u64,
    n2: u64,
    m: u64,
    lo: u64,
    hi: u64,
    mode: u64,
}

impl Hypergeometric {
    fn new(n1: u64, n2: u64, m: u64) -> Self {
        let lo = m.saturating_sub(n2);
        let hi = n1.min(m);
        // The largest mode: d(x) ≥ d(x − 1) exactly when x ≤ (n1+1)(m+1)/(N+2).
        let k = (u128::from(n1) + 1) * (u128::from(m) + 1) / (u128::from(n1) + u128::from(n2) + 2);
        let mode = u64::try_from(k).unwrap_or(hi).clamp(lo, hi);
        Self {
            n1,
            n2,
            m,
            lo,
            hi,
            mode,
        }
    }

    /// The ratios walking away from `x` (which must lie in the support)
    /// towards `side`, to the end of the support.
    fn ratios(&self, x: u64, side: Side) -> Ratios {
        let f = |v: u64| v as f64;
        // n2 + x ≥ m throughout the support, and n2 + x + 1 ≤ N + 1 < 2^64.
        match side {
            // d(x+1)/d(x) = (n1 − x)(m − x) / ((x + 1)(n2 − m + x + 1))
            Side::Above => Ratios {
                shrinking: [f(self.n1 - x), f(self.m - x)],
                growing: [f(x + 1), f(self.n2 + x + 1 - self.m)],
                remaining: self.hi - x,
            },
            // d(x−1)/d(x) = x (n2 − m + x) / ((n1 − x + 1)(m − x + 1))
            Side::Below => Ratios {
                shrinking: [f(x), f(self.n2 + x - self.m)],
                growing: [f(self.n1 - x + 1), f(self.m - x + 1)],
                remaining: x - self.lo,
            },
        }
    }

    fn side_of(&self, x: u64) -> Side {
        if x < self.mode {
            Side::Below
        } else {
            Side::Above
        }
    }

    /// ln r(x) from differences of ln Γ, for points too far out for the
    /// recurrence.
    fn ln_relative(&self, x: u64) -> f64 {
        let (n1, n2, m, md) = (self.n1, self.n2, self.m, self.mode);
        let ln = ln_factorial_ratio(md, x)
            + ln_factorial_ratio(n1 - md, n1 - x)
            + ln_factorial_ratio(m - md, m - x)
            + ln_factorial_ratio(n2 + md - m, n2 + x - m);
        ln.min(0.0)
    }

    /// r(x) by the recurrence from the mode while it stays above [`FLOOR`],
    /// by differences of ln Γ beyond.
    fn relative(&self, x: u64) -> Relative {
        if x == self.mode {
            return Relative::Value(1.0);
        }
        // All steps but the last, which is taken in logs in case r(x) itself
        // is below the floor.
        let mut before_last = x.abs_diff(self.mode) - 1;
        let mut r = 1.0;
        let mut ratios = self.ratios(self.mode, self.side_of(x));
        while before_last >= 4 {
            let Some(block) = ratios.next_block() else {
                break;
            };
            r = r * block.product * block.inverse;
            before_last -= 4;
            // r only falls towards x, so r(x) is below the floor too.
            if r < FLOOR {
                return self.far(x);
            }
        }
        for _ in 0..before_last {
            match ratios.next() {
                Some(ratio) => r *= ratio,
                None => break,
            }
            if r < FLOOR {
                return self.far(x);
            }
        }
        match ratios.next() {
            Some(last) if r >= FLOOR => Relative::times(r, last),
            _ => self.far(x),
        }
    }

    fn far(&self, x: u64) -> Relative {
        Relative::Log(self.ln_relative(x))
    }

    /// Σ d(x)/d(start) from `start` outwards to `side`, where `start` is the
    /// mode or lies on `side` of it. Terms of at least `tie_floor` are also
    /// summed as ties.
    fn tail(&self, start: u64, side: Side, tie_floor: f64) -> Tail {
        let mut rest = 0.0;
        let mut ties = if 1.0 >= tie_floor { 1.0 } else { 0.0 };
        let mut term = 1.0;
        let mut ratios = self.ratios(start, side);
        // Log-concavity: later ratios are at most the current one, so what
        // is left after a term is at most term·ratio/(1 − ratio).
        let negligible = |term: f64, rest: f64, (n, d): (f64, f64)| {
            term == 0.0 || term * n <= EPS * (1.0 + rest) * (d - n)
        };
        // Ties sit next to the start: one step at a time while they last.
        while ties > 0.0 {
            let Some((n, d)) = ratios.next_pair() else {
                return Tail { rest, ties };
            };
            term *= n / d;
            rest += term;
            if term < tie_floor {
                break;
            }
            ties += term;
            if negligible(term, rest, (n, d)) {
                return Tail { rest, ties };
            }
        }
        // Stopping up to three terms late only adds terms too small to count.
        while let Some(block) = ratios.next_block() {
            rest += term * block.partial_sums * block.inverse;
            term = term * block.product * block.inverse;
            if negligible(term, rest, block.last) {
                return Tail { rest, ties };
            }
        }
        while let Some((n, d)) = ratios.next_pair() {
            term *= n / d;
            rest += term;
            if negligible(term, rest, (n, d)) {
                break;
            }
        }
        Tail { rest, ties }
    }

    /// The point nearest the mode on `side` with r(x) ≤ t = r(a)·(1 + 1e-7)
    /// < 1, and its relative density; `None` if there is none.
    fn boundary(&self, side: Side, ra: Relative) -> Option<(u64, Relative)> {
        if let Some(t) = ra.value().map(|v| v * (1.0 + TIE)) {
            let mut r = 1.0_f64;
            let mut x = self.mode;
            let mut ratios = self.ratios(self.mode, side);
            // Four steps at a time while r stays above t, then one at a time.
            loop {
                let before = ratios.clone();
                match ratios.next_block() {
                    Some(block) if r * block.product * block.inverse > t => {
                        r = r * block.product * block.inverse;
                        x = match side {
                            Side::Above => x + 4,
                            Side::Below => x - 4,
                        };
                    }
                    _ => {
                        ratios = before;
                        break;
                    }
                }
            }
            for ratio in ratios {
                x = match side {
                    Side::Above => x + 1,
                    Side::Below => x - 1,
                };
                let next = r * ratio;
                if next <= t {
                    return Some((x, Relative::times(r, ratio)));
                }
                r = next;
            }
            return None;
        }
        // Far out: bisect on ln r, which is monotone on each side of the mode.
        let ln_t = ra.ln() + TIE.ln_1p();
        let x = match side {
            Side::Above => {
                if self.mode == self.hi || self.ln_relative(self.hi) > ln_t {
                    return None;
                }
                // ln r(inside) > ln_t >= ln r(outside)
                let (mut inside, mut outside) = (self.mode, self.hi);
                while outside - inside > 1 {
                    let mid = inside + (outside - inside) / 2;
                    if self.ln_relative(mid) > ln_t {
                        inside = mid;
                    } else {
                        outside = mid;
                    }
                }
                outside
            }
            Side::Below => {
                if self.mode == self.lo || self.ln_relative(self.lo) > ln_t {
                    return None;
                }
                let (mut outside, mut inside) = (self.lo, self.mode);
                while inside - outside > 1 {
                    let mid = outside + (inside - outside) / 2;
                    if self.ln_relative(mid) > ln_t {
                        inside = mid;
                    } else {
                        outside = mid;
                    }
                }
                outside
            }
        };
        Some((x, self.far(x)))
    }

    /// The test for observed focal passes `a`, which lies in the support.
    fn test(&self, a: u64) -> FisherExact {
        let ra = self.relative(a);
        // When a ties with the mode, no point is more likely than a, and the
        // ties are counted in the bulk.
        let (ties_mode, bulk_tie_floor) = match ra {
            Relative::Value(v) if v * (1.0 + TIE) >= 1.0 => (true, v * (1.0 - TIE)),
            _ => (false, f64::INFINITY),
        };
        let below = self.tail(self.mode, Side::Below, bulk_tie_floor);
        let above = self.tail(self.mode, Side::Above, bulk_tie_floor);
        let total = 1.0 + below.rest + above.rest;
        let part = |rel: f64| Probability::of(ra, rel, total);

        // One-sided tails.
        let (less, greater, own_tail) = if a == self.mode {
            let less = Probability::direct(below.total() / total);
            let greater = Probability::direct(above.total() / total);
            (less, greater, None)
        } else {
            let side = self.side_of(a);
            let own = self.tail(a, side, 1.0 - TIE);
            let near = part(own.total());
            let far_side = Probability::complement(part(own.rest).value);
            match side {
                Side::Below => (near, far_side, Some(own)),
                Side::Above => (far_side, near, Some(own)),
            }
        };

        // Two-sided and mid-P.
        let (two_sided, mid_p) = match own_tail {
            Some(own) if !ties_mode => {
                let side = self.side_of(a);
                // Points between a and the mode within the tie tolerance.
                let mut inner = 0.0;
                let mut rel = 1.0;
                let steps = a.abs_diff(self.mode).saturating_sub(1);
                let steps = usize::try_from(steps).unwrap_or(usize::MAX);
                for ratio in self.ratios(a, side.opposite()).take(steps) {
                    rel *= ratio;
                    if rel > 1.0 + TIE {
                        break;
                    }
                    inner += rel;
                }
                let (other, other_ties) = match self.boundary(side.opposite(), ra) {
                    Some((b, rb)) => {
                        let scale = rb.over(ra);
                        let tail = self.tail(b, side.opposite(), (1.0 - TIE) / scale);
                        (scale * tail.total(), scale * tail.ties)
                    }
                    None => (0.0, 0.0),
                };
                let two_rel = own.total() + inner + other;
                let ties_rel = own.ties + inner + other_ties;
                (part(two_rel), part(two_rel - 0.5 * ties_rel))
            }
            // a ties with the mode (or is it): the ties were counted in the
            // bulk, the mode in both halves.
            _ => {
                let ties = below.ties + above.ties - 1.0;
                (
                    Probability::ONE,
                    Probability::complement(0.5 * ties / total),
                )
            }
        };

        FisherExact {
            two_sided: two_sided.value,
            less: less.value,
            greater: greater.value,
            mid_p_two_sided: mid_p.value,
            ln_two_sided: two_sided.ln,
            ln_less: less.ln,
            ln_greater: greater.ln,
            ln_mid_p_two_sided: mid_p.ln,
        }
    }
}

/// A probability and its logarithm, computed together.
#[derive(Debug, Clone, Copy)]
struct Probability {
    value: f64,
    ln: f64,
}

impl Probability {
    const ONE: Self = Self {
        value: 1.0,
        ln: 0.0,
    };

    fn direct(p: f64) -> Self {
        let value = p.clamp(0.0, 1.0);
        Self {
            value,
            ln: value.ln(),
        }
    }

    /// 1 − q, with its logarithm accurate for small q.
    fn complement(q: f64) -> Self {
        let q = q.clamp(0.0, 1.0);
        Self {
            value: 1.0 - q,
            ln: (-q).ln_1p(),
        }
    }

    /// r(a)·`rel` / `total`: directly when that is a normal number, in logs
    /// otherwise.
    fn of(ra: Relative, rel: f64, total: f64) -> Self {
        if let Relative::Value(v) = ra {
            let p = v * rel / total;
            if p >= f64::MIN_POSITIVE {
                return Self::direct(p);
            }
        }
        if rel <= 0.0 {
            return Self {
                value: 0.0,
                ln: f64::NEG_INFINITY,
            };
        }
        let ln = (ra.ln() + rel.ln() - total.ln()).min(0.0);
        Self {
            value: ln.exp(),
            ln,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fisher(a: u64, b: u64, c: u64, d: u64) -> FisherExact {
        TwoByTwo::new(a, b, c, d).unwrap().fisher_exact()
    }

    fn close(x: f64, y: f64, tol: f64) -> bool {
        (x - y).abs() <= tol * x.abs().max(y.abs())
    }

    #[test]
    fn mode_is_the_largest_mode() {
        for (n1, n2, m) in [
            (5, 5, 5),
            (1, 1, 1),
            (10, 3, 4),
            (3, 10, 12),
            (7, 9, 0),
            (2, 2, 4),
        ] {
            let h = Hypergeometric::new(n1, n2, m);
            assert!(h.lo <= h.mode && h.mode <= h.hi);
            if h.mode < h.hi {
                assert!(h.ratios(h.mode, Side::Above).next().unwrap() < 1.0);
            }
            if h.mode > h.lo {
                assert!(h.ratios(h.mode, Side::Below).next().unwrap() <= 1.0);
            }
        }
    }

    #[test]
    fn zero_margins_are_degenerate() {
        for f in [
            fisher(0, 0, 3, 4),
            fisher(0, 5, 0, 4),
            fisher(3, 0, 2, 0),
            fisher(0, 0, 0, 0),
        ] {
            assert_eq!(f, FisherExact::DEGENERATE);
        }
    }

    #[test]
    fn tea_tasting() {
        // Fisher's lady tasting tea: 3 of 4 right; one-sided p = 17/70.
        let f = fisher(3, 1, 1, 3);
        assert!(close(f.greater, 17.0 / 70.0, 1e-14));
        assert!(close(f.less, 69.0 / 70.0, 1e-14));
        assert!(close(f.two_sided, 34.0 / 70.0, 1e-14));
        // The two tables tied with a (x = 1 and x = 3) are halved.
        assert!(close(f.mid_p_two_sided, 2.0 / 70.0 + 16.0 / 70.0, 1e-14));
    }

    #[test]
    fn symmetric_mode_ties_with_its_mirror() {
        // x ∈ 0..=2, densities 1/6, 4/6, 1/6: a = mode gives p = 1 and the
        // only tie is a itself.
        let f = fisher(1, 1, 1, 1);
        assert_eq!(f.two_sided, 1.0);
        assert!(close(f.mid_p_two_sided, 1.0 - 0.5 * 4.0 / 6.0, 1e-14));
        assert!(close(f.less, 5.0 / 6.0, 1e-14));
    }

    #[test]
    fn ln_fields_match_plain_fields() {
        let f = fisher(20, 80, 45, 55);
        for (p, ln) in [
            (f.two_sided, f.ln_two_sided),
            (f.less, f.ln_less),
            (f.greater, f.ln_greater),
            (f.mid_p_two_sided, f.ln_mid_p_two_sided),
        ] {
            // ln_1p keeps more digits than ln(1 − q) near 1.
            assert!((p.ln() - ln).abs() <= 1e-14 * ln.abs().max(1.0), "{p} {ln}");
        }
    }

    #[test]
    fn huge_balanced_table() {
        // σ ≈ 2.6e5: the slow end of the range, still exact to f64 working.
        let f = fisher(
            1 << 38,
            1 << 38,
            (1 << 38) + (1 << 20),
            (1 << 38) - (1 << 20),
        );
        assert!(f.ln_less.is_finite() && f.ln_two_sided.is_finite());
        assert!((0.0..=1.0).contains(&f.two_sided));
        // The focal rate is 2 standard deviations low: less ≈ Φ(−2) ≈ 0.0228.
        assert!((f.less - 0.0228).abs() < 1e-3, "{f:?}");
        assert!((f.two_sided - 2.0 * f.less).abs() < 1e-3 * f.less, "{f:?}");
    }

    #[test]
    fn underflow_keeps_the_logarithm() {
        let f = fisher(80_000, 120_000, 100_000, 100_000);
        assert_eq!(f.less, 0.0);
        assert_eq!(f.two_sided, 0.0);
        assert_eq!(f.greater, 1.0);
        assert!(f.ln_less.is_finite() && f.ln_less < -1000.0);
        // The distribution is nearly symmetric, so both tails count.
        assert!(close(
            f.ln_two_sided,
            f.ln_less + std::f64::consts::LN_2,
            1e-3
        ));
        assert!(f.ln_mid_p_two_sided < f.ln_two_sided);
    }
}
