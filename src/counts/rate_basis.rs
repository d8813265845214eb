//! Which candidates a pass rate divides by.

use std::fmt;
use std::str::FromStr;

use crate::counts::funnel_counts::StageCounts;
use crate::error::{Error, Result};
use crate::stats::rate as ratio;

/// Which candidates a pass rate divides by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RateBasis {
    /// passed / (passed + failed): withdrawals are attrition, not selection.
    /// The default.
    #[default]
    Decided,
    /// passed / entered, where entered = passed + failed + withdrew +
    /// pending.
    Entered,
}

impl RateBasis {
    /// The pass rate of a cell on this basis; `None` when the denominator
    /// is zero.
    pub fn pass_rate(self, counts: &StageCounts) -> Option<f64> {
        let denominator = match self {
            Self::Decided => counts.decided(),
            Self::Entered => counts.entered(),
        };
        ratio(counts.passed, denominator)
    }

    /// The denominator of the pass rate on this basis.
    pub fn denominator(self, counts: &StageCounts) -> u64 {
        match self {
            Self::Decided => counts.decided(),
            Self::Entered => counts.entered(),
        }
    }
}

impl FromStr for RateBasis {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "decided" => Ok(Self::Decided),
            "entered" => Ok(Self::Entered),
            _ => Err(Error::InvalidOption {
                name: "rate_basis",
                value: s.to_owned(),
                expected: "decided or entered",
            }),
        }
    }
}

impl fmt::Display for RateBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Decided => "decided",
            Self::Entered => "entered",
        })
    }
}
