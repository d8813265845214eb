//! Large-sample tests and effect sizes of a two-by-two table: the pooled
//! two-proportion z test, Pearson's chi-square with and without Yates's
//! correction, the impact ratio's confidence interval and Z_IR, the odds
//! ratio and Cohen's h.
//!
//! Each is computed from the exact cross-product difference a·d − b·c, so
//! nearly equal rates lose no precision to cancellation.

use statrs::function::erf::{erfc, erfc_inv};

use super::table::TwoByTwo;
use crate::error::{Error, Result};

/// The pooled two-proportion z test.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ZTest {
    /// z = (p1 − p2) / √(p̄(1 − p̄)(1/n1 + 1/n2)); negative when the focal
    /// rate is the lower. |z| > 2 and |z| > 3 are the "two or three standard
    /// deviations" of the case law.
    pub z: f64,
    /// Two-sided p = erfc(|z|/√2), accurate far into the tail.
    pub p_two_sided: f64,
}

/// A chi-square statistic with its degrees of freedom and p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChiSquare {
    /// The statistic.
    pub statistic: f64,
    /// Degrees of freedom: 1 for a two-by-two table.
    pub df: u32,
    /// The upper-tail p-value.
    pub p_value: f64,
}

impl ChiSquare {
    /// A statistic on one degree of freedom, whose p-value is erfc(√(x/2)).
    pub(crate) fn df1(statistic: f64) -> Self {
        Self {
            statistic,
            df: 1,
            p_value: erfc((statistic / 2.0).sqrt()),
        }
    }
}

impl TwoByTwo {
    /// n1·n2·m1·m2 in `f64` (below 2^212, so finite), or `None` when any
    /// margin is 0, which leaves the large-sample tests undefined.
    fn margin_product(&self) -> Option<f64> {
        let margins = [
            self.focal_total(),
            self.reference_total(),
            self.passed_total(),
            self.failed_total(),
        ];
        if margins.contains(&0) {
            return None;
        }
        Some(margins.iter().map(|&m| m as f64).product())
    }

    /// The pooled two-proportion z test.
    ///
    /// z = (p1 − p2) / √(p̄(1 − p̄)(1/n1 + 1/n2)) with p̄ = (a + c)/N, and
    /// two-sided p = erfc(|z|/√2). `None` when a row is empty or the pooled
    /// rate is 0 or 1.
    ///
    /// # Example
    ///
    /// ```
    /// use positive_action::stats::TwoByTwo;
    ///
    /// let z = TwoByTwo::new(30, 70, 60, 90)?.z_test().ok_or("undefined")?;
    /// assert!(z.z < -1.5 && z.z > -1.7);
    /// assert!(z.p_two_sided > 0.05);
    /// assert_eq!(TwoByTwo::new(0, 10, 0, 20)?.z_test(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn z_test(&self) -> Option<ZTest> {
        let product = self.margin_product()?;
        // p1 − p2 = (ad − bc)/(n1 n2) and p̄(1 − p̄)(1/n1 + 1/n2) = m1 m2/(N n1 n2).
        let z = self.cross_difference() as f64 * (self.total() as f64 / product).sqrt();
        Some(ZTest {
            z,
            p_two_sided: erfc(z.abs() / std::f64::consts::SQRT_2),
        })
    }

    /// Pearson's chi-square without continuity correction: z², on 1 degree of
    /// freedom. `None` exactly when [`z_test`](Self::z_test) is.
    pub fn chi_square(&self) -> Option<ChiSquare> {
        let z = self.z_test()?;
        Some(ChiSquare {
            statistic: z.z * z.z,
            df: 1,
            p_value: z.p_two_sided,
        })
    }

    /// Pearson's chi-square with Yates's continuity correction, as R's
    /// `chisq.test(correct = TRUE)`: each |O − E| is reduced by
    /// min(0.5, |O − E|). `None` exactly when [`z_test`](Self::z_test) is.
    pub fn chi_square_yates(&self) -> Option<ChiSquare> {
        let product = self.margin_product()?;
        let n = self.total();
        // |O − E| = |ad − bc|/N in every cell, and Σ 1/E = N³/(n1 n2 m1 m2).
        let excess = 2 * self.cross_difference().abs() - i128::from(n);
        if excess <= 0 {
            // |O − E| ≤ 0.5: the correction removes it all.
            return Some(ChiSquare::df1(0.0));
        }
        let half_excess = excess as f64 / 2.0;
        Some(ChiSquare::df1(
            half_excess * half_excess * n as f64 / product,
        ))
    }

    /// The sample odds ratio (a·d)/(b·c), with no correction for zero cells:
    /// `None` when b·c = 0.
    pub fn odds_ratio(&self) -> Option<f64> {
        let bc = u128::from(self.focal_failed()) * u128::from(self.reference_passed());
        if bc == 0 {
            return None;
        }
        let ad = u128::from(self.focal_passed()) * u128::from(self.reference_failed());
        Some(ad as f64 / bc as f64)
    }

    /// Cohen's h = 2·asin√p1 − 2·asin√p2, the effect size of a difference
    /// between proportions (Cohen 1988: 0.2 small, 0.5 medium, 0.8 large).
    /// `None` when a row is empty.
    pub fn cohens_h(&self) -> Option<f64> {
        let h = |p: f64| 2.0 * p.sqrt().asin();
        Some(h(self.focal_rate()?) - h(self.reference_rate()?))
    }

    /// ln(p1/p2), computed from a·n2 / (c·n1); `None` when either rate is
    /// undefined or 0.
    fn ln_impact_ratio(&self) -> Option<f64> {
        let (a, c) = (self.focal_passed(), self.reference_passed());
        if a == 0 || c == 0 {
            return None;
        }
        let num = u128::from(a) * u128::from(self.reference_total());
        let den = u128::from(c) * u128::from(self.focal_total());
        Some((num as f64 / den as f64).ln())
    }

    /// Confidence interval for the impact ratio by the log method:
    /// exp(ln IR ± z₁₋α/₂·√((1 − p1)/(n1·p1) + (1 − p2)/(n2·p2))).
    ///
    /// `Ok(None)` when p1 or p2 is 0 or a row is empty.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidOption`] unless 0 < `confidence` < 1.
    ///
    /// # Example
    ///
    /// ```
    /// use positive_action::stats::TwoByTwo;
    ///
    /// let table = TwoByTwo::new(30, 70, 60, 90)?;
    /// let (low, high) = table.impact_ratio_ci(0.95)?.ok_or("undefined")?;
    /// // The interval includes 1: not significant at 95% on its own.
    /// assert!(low < 0.75 && 0.75 < high && high > 1.0);
    /// assert!(table.impact_ratio_ci(1.0).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn impact_ratio_ci(&self, confidence: f64) -> Result<Option<(f64, f64)>> {
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(Error::InvalidOption {
                name: "confidence",
                value: confidence.to_string(),
                expected: "a number strictly between 0 and 1",
            });
        }
        let Some(ln_ir) = self.ln_impact_ratio() else {
            return Ok(None);
        };
        // z₁₋α/₂ = √2·erfc⁻¹(α), which keeps its accuracy as α → 0.
        let z = std::f64::consts::SQRT_2 * erfc_inv(1.0 - confidence);
        // (1 − p1)/(n1 p1) = b/(n1 a), and likewise for the reference.
        let (a, b) = (self.focal_passed() as f64, self.focal_failed() as f64);
        let (c, d) = (
            self.reference_passed() as f64,
            self.reference_failed() as f64,
        );
        let se =
            (b / (self.focal_total() as f64 * a) + d / (self.reference_total() as f64 * c)).sqrt();
        Ok(Some(((ln_ir - z * se).exp(), (ln_ir + z * se).exp())))
    }

    /// Z_IR of Morris and Lobsenz (2000), the significance test of the impact
    /// ratio on the log scale: ln(p1/p2) / √((1 − pT)/(pT·NT·Pf·(1 − Pf))),
    /// where pT is the pooled rate, NT = n1 + n2 and Pf = n1/NT.
    ///
    /// `None` when a row is empty, either rate is 0, or everyone passed.
    pub fn z_ir(&self) -> Option<f64> {
        let ln_ir = self.ln_impact_ratio()?;
        let failed = self.failed_total();
        if failed == 0 {
            return None;
        }
        // (1 − pT)/pT = m2/m1 and NT·Pf·(1 − Pf) = n1 n2/N.
        let variance = failed as f64 * self.total() as f64
            / (self.passed_total() as f64
                * self.focal_total() as f64
                * self.reference_total() as f64);
        Some(ln_ir / variance.sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(a: u64, b: u64, c: u64, d: u64) -> TwoByTwo {
        TwoByTwo::new(a, b, c, d).unwrap()
    }

    fn close(x: f64, y: f64, tol: f64) -> bool {
        (x - y).abs() <= tol * x.abs().max(y.abs())
    }

    #[test]
    fn z_by_the_textbook_formula() {
        let table = t(30, 70, 60, 90);
        let (p1, p2, p) = (0.3, 0.4, 90.0 / 250.0);
        let z = (p1 - p2) / (p * (1.0 - p) * (1.0 / 100.0 + 1.0 / 150.0_f64)).sqrt();
        let got = table.z_test().unwrap();
        assert!(close(got.z, z, 1e-13));
        let chi = table.chi_square().unwrap();
        assert_eq!(chi.statistic, got.z * got.z);
        assert_eq!(chi.p_value, got.p_two_sided);
    }

    #[test]
    fn undefined_when_a_margin_is_zero() {
        for table in [t(0, 0, 3, 4), t(0, 5, 0, 4), t(5, 0, 4, 0)] {
            assert_eq!(table.z_test(), None);
            assert_eq!(table.chi_square(), None);
            assert_eq!(table.chi_square_yates(), None);
        }
    }

    #[test]
    fn yates_removes_small_differences_entirely() {
        // ad − bc = 5·5 − 5·4 = 5, N = 19: |O − E| = 5/19 < 0.5.
        let chi = t(5, 5, 4, 5).chi_square_yates().unwrap();
        assert_eq!(chi.statistic, 0.0);
        assert_eq!(chi.p_value, 1.0);
    }

    #[test]
    fn odds_ratio_and_cohens_h() {
        assert_eq!(t(2, 4, 3, 9).odds_ratio(), Some(18.0 / 12.0));
        assert_eq!(t(2, 0, 3, 9).odds_ratio(), None);
        assert_eq!(t(0, 4, 3, 9).odds_ratio(), Some(0.0));
        assert_eq!(t(1, 0, 0, 1).cohens_h(), Some(std::f64::consts::PI));
        assert_eq!(t(0, 0, 0, 1).cohens_h(), None);
    }

    #[test]
    fn confidence_is_validated() {
        let table = t(30, 70, 60, 90);
        for bad in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            let err = table.impact_ratio_ci(bad).unwrap_err();
            assert!(matches!(
                err,
                Error::InvalidOption {
                    name: "confidence",
                    ..
                }
            ));
        }
        assert_eq!(t(0, 5, 3, 4).impact_ratio_ci(0.95), Ok(None));
    }

    #[test]
    fn ci_uses_the_normal_quantile() {
        let (low, high) = t(30, 70, 60, 90).impact_ratio_ci(0.95).unwrap().unwrap();
        let se = (70.0 / (100.0 * 30.0) + 90.0 / (150.0 * 60.0_f64)).sqrt();
        let z = 1.959_963_984_540_054;
        assert!(close(low, 0.75 * (-z * se).exp(), 1e-13));
        assert!(close(high, 0.75 * (z * se).exp(), 1e-13));
    }

    #[test]
    fn z_ir_undefined_cases() {
        assert_eq!(t(0, 5, 3, 4).z_ir(), None);
        assert_eq!(t(5, 0, 4, 0).z_ir(), None);
        assert!(t(30, 70, 60, 90).z_ir().unwrap() < 0.0);
    }
}
