//! Two rates of events against exposure: the rate ratio, the exact
//! conditional test and its interval, and the Wald interval.
//!
//! Stop and search, arrests and fixed penalty notices are counted per head
//! of population, and a group can have more events than people, so the
//! counts are Poisson, not binomial. Given the total e1 + e2, though, the
//! focal group's events are Binomial(e1 + e2, π) with π = x1/(x1 + x2)
//! when the two rates are equal, and the test and interval come from that
//! binomial law (see [`binomial`](super::binomial) for how it is computed,
//! at any count up to [`MAX_TOTAL`](super::MAX_TOTAL)).

use statrs::function::erf::erfc_inv;

use super::binomial::{Binomial, check_total, clopper_pearson, tail_probability};
use super::rates::rate_ratio as impact_ratio_of;
use crate::error::Result;

/// The rate ratio of a focal group against a reference group, with the
/// exact conditional test and interval and the Wald interval.
///
/// Built by [`rate_ratio`]. The rate ratio is
/// RR = (e1/x1)/(e2/x2) for events e and exposures x (the population). The
/// tests condition on e1 + e2, under which e1 is Binomial(e1 + e2, π) with
/// π = x1/(x1 + x2) when RR = 1; `greater` is the one-sided test that the
/// focal group meets the events more often than its population share
/// would give.
///
/// Sources: R's `poisson.test(c(e1, e2), c(x1, x2))` (the conditional
/// test, its two-sided rule and its interval); C. J. Clopper and
/// E. S. Pearson, Biometrika 26 (1934), for the interval of π.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RateRatioTest {
    /// The focal group's events per unit of exposure, e1/x1.
    pub focal_rate: f64,
    /// The reference group's, e2/x2.
    pub reference_rate: f64,
    /// RR = (e1·x2)/(e2·x1), one division of exact products; `None` when
    /// the reference group had no events.
    pub rate_ratio: Option<f64>,
    /// The exact conditional interval of RR: the Clopper-Pearson interval
    /// (π₁, π₂) of e1 of e1 + e2, mapped to π/(1 − π)·x2/x1, as R's
    /// `poisson.test` does. The lower bound is 0 when e1 = 0; the upper is
    /// `None` (infinite) when e2 = 0.
    pub exact_ci: (f64, Option<f64>),
    /// The Wald interval on the log scale,
    /// exp(ln RR ± z₁₋α/₂·√(1/e1 + 1/e2)); `None` when either group had no
    /// events.
    pub wald_ci: Option<(f64, f64)>,
    /// Two-sided p of the conditional test: the sum of P(X = i) over every
    /// i with P(X = i) ≤ P(X = e1)·(1 + 1e-7), capped at 1 (R's
    /// `binom.test` rule, which `poisson.test` uses).
    pub two_sided: f64,
    /// P(X ≤ e1): evidence that the focal rate is the lower.
    pub less: f64,
    /// P(X ≥ e1): evidence that the focal rate is the higher, which is the
    /// direction of disproportionality against the focal group.
    pub greater: f64,
}

/// Compares the rate of events in a focal group (`focal_events` per
/// `focal_exposure`, its population) with a reference group's: the rate
/// ratio, the exact conditional test and interval at `confidence` (R's
/// `poisson.test`), and the Wald interval on the log scale. See
/// [`RateRatioTest`].
///
/// `Ok(None)` when either exposure is 0 (a rate is undefined) or neither
/// group had an event (the ratio is 0/0 and the test has nothing to
/// condition on). The work grows as the square root of the events, as for
/// [`share_against_benchmark`](super::share_against_benchmark).
///
/// # Errors
///
/// - [`Error::InvalidOption`](crate::Error::InvalidOption) unless
///   0 < `confidence` < 1;
/// - [`Error::InvalidTable`](crate::Error::InvalidTable) if the events
///   together exceed [`MAX_TOTAL`](super::MAX_TOTAL) (2⁵³).
///
/// # Example
///
/// ```
/// use positive_action::stats::rate_ratio_test as rate_ratio;
///
/// // 300 fixed penalty notices to 50,000 Black residents, 700 to 700,000 White:
/// // only 30% of the notices, yet six times the rate.
/// let test = rate_ratio(300, 50_000, 700, 700_000, 0.95)?.ok_or("undefined")?;
/// assert_eq!(test.rate_ratio, Some(6.0));
/// let (low, high) = test.exact_ci;
/// assert!(low > 5.0 && high.ok_or("infinite")? < 7.0);
/// assert!(test.greater < 1e-50);
///
/// // R: poisson.test(c(11, 21), c(800, 3011)) gives p = 0.07967 and 0.8584 to 4.2773.
/// let r = rate_ratio(11, 800, 21, 3011, 0.95)?.ok_or("undefined")?;
/// assert!((r.two_sided - 0.0796686330333295).abs() < 1e-12);
/// assert!((r.exact_ci.0 - 0.858426403391619).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rate_ratio(
    focal_events: u64,
    focal_exposure: u64,
    reference_events: u64,
    reference_exposure: u64,
    confidence: f64,
) -> Result<Option<RateRatioTest>> {
    let tail = tail_probability(confidence)?;
    let events = u128::from(focal_events) + u128::from(reference_events);
    check_total(events, "events")?;
    if focal_exposure == 0 || reference_exposure == 0 || events == 0 {
        return Ok(None);
    }
    // Bounded by 2^53 just above.
    let n = events as u64;
    let (e1, x1) = (focal_events as f64, focal_exposure as f64);
    let (e2, x2) = (reference_events as f64, reference_exposure as f64);
    let ratio = impact_ratio_of(
        focal_events,
        focal_exposure,
        reference_events,
        reference_exposure,
    );
    // π = x1/(x1 + x2), as R's T[1]/sum(T).
    let pi = x1 / (u128::from(focal_exposure) + u128::from(reference_exposure)) as f64;
    let law = Binomial::new(n, pi);
    // RR = π/(1 − π)·x2/x1, with π/(1 − π) = exp(t) from the log odds.
    let scale = x2 / x1;
    let bounds = clopper_pearson(n, focal_events, tail);
    let exact_ci = (
        bounds.low.map_or(0.0, |t| t.exp() * scale),
        bounds.high.map(|t| t.exp() * scale),
    );
    let wald_ci = match ratio {
        Some(rr) if focal_events > 0 => {
            // z₁₋α/₂ = √2·erfc⁻¹(α), which keeps its accuracy as α → 0.
            let z = std::f64::consts::SQRT_2 * erfc_inv(2.0 * tail);
            let half = z * (1.0 / e1 + 1.0 / e2).sqrt();
            let ln_rr = rr.ln();
            Some(((ln_rr - half).exp(), (ln_rr + half).exp()))
        }
        _ => None,
    };
    Ok(Some(RateRatioTest {
        focal_rate: e1 / x1,
        reference_rate: e2 / x2,
        rate_ratio: ratio,
        exact_ci,
        wald_ci,
        two_sided: law.two_sided(focal_events),
        less: law.lower_tail(focal_events),
        greater: law.upper_tail(focal_events),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64, rel: f64) -> bool {
        (x - y).abs() <= rel * x.abs().max(y.abs())
    }

    #[test]
    fn r_poisson_test_example() {
        // poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878)) in R:
        // rate ratio 1.971488, p = 0.07967, interval 0.8584264 to 4.2772659.
        let test = rate_ratio(11, 800, 21, 3011, 0.95).unwrap().unwrap();
        assert!(close(test.rate_ratio.unwrap(), 1.9714880952380953, 1e-15));
        assert!(close(test.two_sided, 0.0796686330333295, 1e-12));
        assert!(close(test.exact_ci.0, 0.858426403391619, 1e-12));
        assert!(close(test.exact_ci.1.unwrap(), 4.277265943654079, 1e-12));
    }

    #[test]
    fn undefined_figures_are_none() {
        assert_eq!(rate_ratio(3, 0, 4, 100, 0.95).unwrap(), None);
        assert_eq!(rate_ratio(3, 100, 4, 0, 0.95).unwrap(), None);
        assert_eq!(rate_ratio(0, 100, 0, 100, 0.95).unwrap(), None);
        let none_focal = rate_ratio(0, 5_000, 40, 20_000, 0.95).unwrap().unwrap();
        assert_eq!(none_focal.rate_ratio, Some(0.0));
        assert_eq!(none_focal.exact_ci.0, 0.0);
        assert!(none_focal.exact_ci.1.is_some());
        assert_eq!(none_focal.wald_ci, None);
        let none_reference = rate_ratio(12, 5_000, 0, 20_000, 0.95).unwrap().unwrap();
        assert_eq!(none_reference.rate_ratio, None);
        assert_eq!(none_reference.exact_ci.1, None);
        assert!(none_reference.exact_ci.0 > 0.0);
        assert_eq!(none_reference.wald_ci, None);
    }

    #[test]
    fn invalid_input_is_an_error() {
        assert!(rate_ratio(1, 1, 1, 1, 1.0).is_err());
        assert!(rate_ratio(1, 1, 1, 1, 0.0).is_err());
        assert!(rate_ratio(u64::MAX, 1, 1, 1, 0.95).is_err());
    }
}
