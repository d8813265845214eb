//! The two-by-two table of counts that every test in this module reads.

use super::rates::rate;
use crate::error::{Error, Result};

/// The largest grand total a [`TwoByTwo`] accepts: 2⁵³.
///
/// Up to this bound every count, margin and partial sum is an integer that
/// `f64` represents exactly, which is what the exact tests rely on. No
/// recruitment or promotion exercise comes near it.
pub const MAX_TOTAL: u64 = 1 << 53;

/// A two-by-two table of counts: a focal group against a reference group.
///
/// |                      | passed               | failed               |
/// |----------------------|----------------------|----------------------|
/// | focal group (row 1)  | `focal_passed` (a)   | `focal_failed` (b)   |
/// | reference (row 2)    | `reference_passed` (c) | `reference_failed` (d) |
///
/// The constructor is the only way in, so every table has a grand total of at
/// most [`MAX_TOTAL`]. Rates whose denominator is zero are `None`, never 0 or
/// NaN.
///
/// # Example
///
/// ```
/// use positive_action::stats::TwoByTwo;
///
/// // 30 of 100 Black candidates passed the sift, against 60 of 150 White candidates.
/// let table = TwoByTwo::new(30, 70, 60, 90)?;
/// assert_eq!(table.total(), 250);
/// assert_eq!(table.focal_rate(), Some(0.3));
/// assert_eq!(table.impact_ratio(), Some(0.75));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawTwoByTwo"))]
pub struct TwoByTwo {
    focal_passed: u64,
    focal_failed: u64,
    reference_passed: u64,
    reference_failed: u64,
}

impl TwoByTwo {
    /// Builds a table from its four cells.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTable`] if the grand total exceeds [`MAX_TOTAL`]
    /// (2⁵³), which includes every total that would overflow `u64`.
    ///
    /// # Example
    ///
    /// ```
    /// use positive_action::stats::TwoByTwo;
    ///
    /// let table = TwoByTwo::new(8, 2, 1, 5)?;
    /// assert_eq!(table.focal_total(), 10);
    /// assert!(TwoByTwo::new(u64::MAX, 1, 0, 0).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        focal_passed: u64,
        focal_failed: u64,
        reference_passed: u64,
        reference_failed: u64,
    ) -> Result<Self> {
        let total = u128::from(focal_passed)
            + u128::from(focal_failed)
            + u128::from(reference_passed)
            + u128::from(reference_failed);
        if total > u128::from(MAX_TOTAL) {
            return Err(Error::InvalidTable {
                reason: format!(
                    "grand total {total} exceeds {MAX_TOTAL} (2^53), the largest total counted exactly"
                ),
            });
        }
        Ok(Self {
            focal_passed,
            focal_failed,
            reference_passed,
            reference_failed,
        })
    }

    /// Focal group candidates who passed (a).
    pub fn focal_passed(&self) -> u64 {
        self.focal_passed
    }

    /// Focal group candidates who failed (b).
    pub fn focal_failed(&self) -> u64 {
        self.focal_failed
    }

    /// Reference group candidates who passed (c).
    pub fn reference_passed(&self) -> u64 {
        self.reference_passed
    }

    /// Reference group candidates who failed (d).
    pub fn reference_failed(&self) -> u64 {
        self.reference_failed
    }

    /// Focal group size, n1 = a + b.
    pub fn focal_total(&self) -> u64 {
        // Cannot overflow: the constructor bounds the grand total by 2^53.
        self.focal_passed + self.focal_failed
    }

    /// Reference group size, n2 = c + d.
    pub fn reference_total(&self) -> u64 {
        self.reference_passed + self.reference_failed
    }

    /// Everyone who passed, m1 = a + c.
    pub(crate) fn passed_total(&self) -> u64 {
        self.focal_passed + self.reference_passed
    }

    /// Everyone who failed, m2 = b + d.
    pub(crate) fn failed_total(&self) -> u64 {
        self.focal_failed + self.reference_failed
    }

    /// Grand total, N = a + b + c + d.
    pub fn total(&self) -> u64 {
        self.focal_total() + self.reference_total()
    }

    /// Focal pass rate a / (a + b); `None` when the focal group is empty.
    pub fn focal_rate(&self) -> Option<f64> {
        rate(self.focal_passed, self.focal_total())
    }

    /// Reference pass rate c / (c + d); `None` when the reference group is empty.
    pub fn reference_rate(&self) -> Option<f64> {
        rate(self.reference_passed, self.reference_total())
    }

    /// Pooled pass rate (a + c) / N; `None` when the table is empty.
    pub fn pooled_rate(&self) -> Option<f64> {
        rate(self.passed_total(), self.total())
    }

    /// Impact ratio: focal rate / reference rate.
    ///
    /// `None` when either rate is undefined or the reference rate is 0. The
    /// four-fifths flag of the Uniform Guidelines (29 CFR 1607.4(D)) is
    /// `impact_ratio() < 0.8`.
    ///
    /// It is computed as (a·n2)/(c·n1), one division of exact products
    /// (exact in `f64` below 2^53), rather than as a quotient of two rounded
    /// rates. So a ratio of exactly 4/5 is exactly `0.8`, and not adverse,
    /// where (32/100)/(60/150) would give 0.7999999999999999.
    pub fn impact_ratio(&self) -> Option<f64> {
        super::rates::rate_ratio(
            self.focal_passed,
            self.focal_total(),
            self.reference_passed,
            self.reference_total(),
        )
    }

    /// The cross-product difference a·d − b·c, exact.
    pub(crate) fn cross_difference(&self) -> i128 {
        // Each product is below 2^106, so neither the products nor their
        // difference can overflow i128.
        i128::from(self.focal_passed) * i128::from(self.reference_failed)
            - i128::from(self.focal_failed) * i128::from(self.reference_passed)
    }

    /// True when both rows have at least one candidate.
    pub(crate) fn rows_nonempty(&self) -> bool {
        self.focal_total() > 0 && self.reference_total() > 0
    }
}

/// The unvalidated form a table is deserialised from.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawTwoByTwo {
    focal_passed: u64,
    focal_failed: u64,
    reference_passed: u64,
    reference_failed: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<RawTwoByTwo> for TwoByTwo {
    type Error = Error;

    fn try_from(raw: RawTwoByTwo) -> Result<Self> {
        Self::new(
            raw.focal_passed,
            raw.focal_failed,
            raw.reference_passed,
            raw.reference_failed,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_and_rates() {
        let t = TwoByTwo::new(3, 1, 2, 6).unwrap();
        assert_eq!(
            (t.focal_total(), t.reference_total(), t.total()),
            (4, 8, 12)
        );
        assert_eq!((t.passed_total(), t.failed_total()), (5, 7));
        assert_eq!(t.focal_rate(), Some(0.75));
        assert_eq!(t.reference_rate(), Some(0.25));
        assert_eq!(t.pooled_rate(), Some(5.0 / 12.0));
        assert_eq!(t.impact_ratio(), Some(3.0));
        // Exactly 4/5 is exactly 0.8, though (32/100)/(60/150) is not.
        let sift = TwoByTwo::new(32, 68, 60, 90).unwrap();
        assert_ne!((32.0 / 100.0) / (60.0 / 150.0), 0.8);
        assert_eq!(sift.impact_ratio(), Some(0.8));
        assert_eq!(t.cross_difference(), 3 * 6 - 2);
    }

    #[test]
    fn undefined_rates_are_none() {
        let t = TwoByTwo::new(0, 0, 0, 5).unwrap();
        assert_eq!(t.focal_rate(), None);
        assert_eq!(t.reference_rate(), Some(0.0));
        assert_eq!(t.impact_ratio(), None);
        let t = TwoByTwo::new(2, 3, 0, 5).unwrap();
        assert_eq!(t.impact_ratio(), None, "reference rate 0");
        let empty = TwoByTwo::new(0, 0, 0, 0).unwrap();
        assert_eq!(empty.pooled_rate(), None);
    }

    #[test]
    fn total_is_bounded() {
        assert!(TwoByTwo::new(MAX_TOTAL, 0, 0, 0).is_ok());
        assert!(TwoByTwo::new(MAX_TOTAL, 0, 0, 1).is_err());
        let err = TwoByTwo::new(u64::MAX, u64::MAX, u64::MAX, u64::MAX).unwrap_err();
        assert!(matches!(err, Error::InvalidTable { .. }));
        assert!(err.to_string().starts_with("invalid table: grand total"));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip_validates() {
        let t = TwoByTwo::new(1, 2, 3, 4).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(
            json,
            r#"{"focal_passed":1,"focal_failed":2,"reference_passed":3,"reference_failed":4}"#
        );
        assert_eq!(serde_json::from_str::<TwoByTwo>(&json).unwrap(), t);
        let too_big = format!(
            r#"{{"focal_passed":{},"focal_failed":1,"reference_passed":0,"reference_failed":0}}"#,
            MAX_TOTAL
        );
        assert!(serde_json::from_str::<TwoByTwo>(&too_big).is_err());
    }
}
