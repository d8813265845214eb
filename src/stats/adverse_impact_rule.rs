//! When a comparison counts as adverse impact.

use std::fmt;

/// When a group counts as showing adverse impact, for
/// [`check_no_adverse_impact`](crate::check_no_adverse_impact).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum AdverseImpactRule {
    /// The four-fifths rule: impact ratio < threshold. The default.
    #[default]
    FourFifths,
    /// A lower rate than the reference, with Fisher's exact two-sided p <
    /// alpha.
    Significant,
    /// Either of the two.
    FourFifthsOrSignificant,
    /// Both: practically and statistically significant.
    FourFifthsAndSignificant,
}

impl AdverseImpactRule {
    /// The rule in words, with its threshold and significance level: "impact
    /// ratio < 0.8", "lower rate with Fisher p < 0.05".
    pub fn describe(self, threshold: f64, alpha: f64) -> String {
        match self {
            Self::FourFifths => format!("impact ratio < {threshold}"),
            Self::Significant => format!("lower rate with Fisher p < {alpha}"),
            Self::FourFifthsOrSignificant => {
                format!("impact ratio < {threshold} or lower rate with Fisher p < {alpha}")
            }
            Self::FourFifthsAndSignificant => {
                format!("impact ratio < {threshold} and Fisher p < {alpha}")
            }
        }
    }

    /// Whether a comparison is adverse under this rule: `below_threshold` is
    /// the four-fifths flag, and the significance test needs a lower rate
    /// (`ratio` < 1) with Fisher's two-sided p < `alpha`.
    pub fn is_adverse(
        self,
        below_threshold: bool,
        ratio: Option<f64>,
        fisher_two_sided: Option<f64>,
        alpha: f64,
    ) -> bool {
        let significant =
            fisher_two_sided.is_some_and(|p| p < alpha) && ratio.is_some_and(|r| r < 1.0);
        match self {
            Self::FourFifths => below_threshold,
            Self::Significant => significant,
            Self::FourFifthsOrSignificant => below_threshold || significant,
            Self::FourFifthsAndSignificant => below_threshold && significant,
        }
    }
}

impl fmt::Display for AdverseImpactRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::FourFifths => "four_fifths",
            Self::Significant => "significant",
            Self::FourFifthsOrSignificant => "four_fifths_or_significant",
            Self::FourFifthsAndSignificant => "four_fifths_and_significant",
        })
    }
}
