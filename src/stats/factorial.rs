//! ln(a!) − ln(b!) for counts up to 2⁵³, without forming either.

/// From this argument on, [`ln_factorial_ratio`] uses Stirling's series.
const STIRLING_FROM: u64 = 16;

/// Up to this many factors, [`ln_factorial_ratio`] sums their logarithms.
const SUMMED_UP_TO: u64 = 32;

/// ln(a!) − ln(b!), to a few ulps of the result however large a and b are.
///
/// Subtracting two `ln_gamma` values would not do: near 3.5·10¹⁵ each is
/// about 10¹⁷ and rounded by about 16, so their difference, which may be a
/// few hundred, would be off by tens.
pub(super) fn ln_factorial_ratio(a: u64, b: u64) -> f64 {
    if a < b {
        return -ln_factorial_ratio(b, a);
    }
    let k = a - b;
    if k <= SUMMED_UP_TO {
        // ln((b + 1)(b + 2)…a), each factor exact in f64 below 2⁵³.
        return (b + 1..=a).map(|j| (j as f64).ln()).sum();
    }
    if b < STIRLING_FROM {
        // a > 32: the series for ln(a!), and ln(b!) summed.
        let ln_b: f64 = (2..=b).map(|j| (j as f64).ln()).sum();
        return ln_factorial(a) - ln_b;
    }
    // Stirling's series for ln Γ(z) at za = a + 1 and zb = b + 1, with the
    // leading terms regrouped so that nothing of the size of ln Γ itself is
    // formed:
    // (za − ½)ln za − za − (zb − ½)ln zb + zb = (zb − ½)·ln(1 + k/zb) − k + k·ln za.
    let (za, zb, k) = (a as f64 + 1.0, b as f64 + 1.0, k as f64);
    (zb - 0.5) * (k / zb).ln_1p() - k + k * za.ln() + (stirling_tail(za) - stirling_tail(zb))
}

/// ln(n!) for n ≥ [`STIRLING_FROM`], by Stirling's series.
fn ln_factorial(n: u64) -> f64 {
    let z = n as f64 + 1.0;
    (z - 0.5) * z.ln() - z + 0.5 * (2.0 * std::f64::consts::PI).ln() + stirling_tail(z)
}

/// ln Γ(z) − ((z − ½)ln z − z + ½ln 2π) = 1/(12z) − 1/(360z³) + …, to
/// within 1e-16 for z ≥ 16.
fn stirling_tail(z: f64) -> f64 {
    let w = 1.0 / (z * z);
    (1.0 / 12.0 - w * (1.0 / 360.0 - w * (1.0 / 1260.0 - w * (1.0 / 1680.0 - w / 1188.0)))) / z
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ln(a!) − ln(a!) is 0, at every size and on every path.
    #[test]
    fn a_ratio_of_equal_factorials_is_zero() {
        for a in [0u64, 1, 15, 16, 33, 1 << 40, 1 << 53] {
            assert_eq!(ln_factorial_ratio(a, a), 0.0, "{a}");
        }
    }

    /// ln(n!) − ln((n − 1)!) = ln n exactly, at every size: the subtraction
    /// of two `ln_gamma` values near 2⁵³ would be off by hundreds.
    #[test]
    fn one_step_is_the_logarithm_of_the_step() {
        for n in [1u64, 2, 15, 16, 17, 100, 1 << 20, 1 << 40, (1 << 53) - 1] {
            let want = (n as f64).ln();
            let got = ln_factorial_ratio(n, n - 1);
            assert!(
                (got - want).abs() <= 1e-15 * want.max(1.0),
                "{n}: {got} != {want}"
            );
            assert_eq!(ln_factorial_ratio(n - 1, n), -got);
        }
    }

    /// Each of the three ways agrees with the logarithms summed one by one,
    /// on both sides of where each takes over.
    #[test]
    fn every_way_agrees_with_the_summed_logarithms() {
        let summed = |a: u64, b: u64| -> f64 { (b + 1..=a).map(|j| (j as f64).ln()).sum() };
        let cases = [
            (32u64, 0u64),
            (33, 0),
            (40, 15),
            (49, 16),
            (49, 17),
            (1000, 500),
            (100_000, 17),
        ];
        for (a, b) in cases {
            let (want, got) = (summed(a, b), ln_factorial_ratio(a, b));
            assert!(
                (got - want).abs() <= 1e-14 * want,
                "{a}, {b}: {got} != {want}"
            );
        }
    }
}
