//! Periods of dates: financial years, cohorts, before and after a launch.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};

/// A span of days, first and last day included.
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::records::Period;
///
/// let fy = Period::financial_year(2024)?;
/// assert_eq!(fy.to_string(), "2024-04-01 to 2025-03-31");
/// assert!(fy.contains(NaiveDate::from_ymd_opt(2025, 3, 31).unwrap()));
/// assert!(!fy.contains(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PeriodSpec", into = "PeriodSpec"))]
pub struct Period {
    start: NaiveDate,
    end: NaiveDate,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodSpec {
    start: NaiveDate,
    end: NaiveDate,
}

#[cfg(feature = "serde")]
impl TryFrom<PeriodSpec> for Period {
    type Error = Error;
    fn try_from(s: PeriodSpec) -> Result<Self> {
        Self::new(s.start, s.end)
    }
}

#[cfg(feature = "serde")]
impl From<Period> for PeriodSpec {
    fn from(p: Period) -> Self {
        Self {
            start: p.start,
            end: p.end,
        }
    }
}

impl Period {
    /// The days from `start` to `end`, both included.
    ///
    /// # Errors
    /// [`Error::InvalidPeriod`] if `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self> {
        if end < start {
            return Err(Error::InvalidPeriod { start, end });
        }
        Ok(Self { start, end })
    }

    /// The UK financial year that starts on 1 April of `start_year`.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a year outside chrono's range.
    pub fn financial_year(start_year: i32) -> Result<Self> {
        let out_of_range = || Error::InvalidOption {
            name: "financial year",
            value: start_year.to_string(),
            expected: "a year chrono can represent",
        };
        let start = NaiveDate::from_ymd_opt(start_year, 4, 1).ok_or_else(out_of_range)?;
        let end = start_year
            .checked_add(1)
            .and_then(|y| NaiveDate::from_ymd_opt(y, 3, 31))
            .ok_or_else(out_of_range)?;
        Ok(Self { start, end })
    }

    /// The calendar year.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a year outside chrono's range.
    pub fn calendar_year(year: i32) -> Result<Self> {
        match (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(start), Some(end)) => Ok(Self { start, end }),
            _ => Err(Error::InvalidOption {
                name: "calendar year",
                value: year.to_string(),
                expected: "a year chrono can represent",
            }),
        }
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day.
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Whether the day falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The period's name in financial-year form ("2024/25") when it is one.
    pub fn financial_year_label(&self) -> Option<String> {
        let fy = Self::financial_year(self.start.year()).ok()?;
        (fy == *self).then(|| format!("{}/{:02}", self.start.year(), (self.end.year() % 100)))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backwards_period_is_an_error() {
        let a = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
        let b = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        assert_eq!(
            Period::new(a, b).unwrap_err().to_string(),
            "period from 2025-01-02 to 2025-01-01 ends before it starts"
        );
        assert!(Period::new(a, a).is_ok());
    }

    #[test]
    fn financial_year_label() {
        assert_eq!(
            Period::financial_year(2023)
                .unwrap()
                .financial_year_label()
                .as_deref(),
            Some("2023/24")
        );
        assert!(
            Period::calendar_year(2023)
                .unwrap()
                .financial_year_label()
                .is_none()
        );
        assert!(Period::financial_year(i32::MAX).is_err());
    }
}
