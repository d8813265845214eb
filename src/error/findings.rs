//! What [`Error::AdverseImpact`](super::Error::AdverseImpact) carries: the
//! groups and stages a check found adverse, as plain values. Their
//! `Display`, a table, is written where the check is.

use crate::stats::AdverseImpactRule;

/// One flagged group at one stage.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AdverseImpactFinding {
    /// The stage, or `bottom_line`.
    pub stage: String,
    /// The group, as text.
    pub group: String,
    /// The group's passed candidates: the numerator of its rate.
    pub passed: u64,
    /// The denominator of its rate (decided or entered, by the analysis's
    /// basis; at the bottom line, entered at the first stage).
    pub considered: u64,
    /// Its rate.
    pub rate: Option<f64>,
    /// The reference group, as text.
    pub reference: String,
    /// The reference's passed candidates.
    pub reference_passed: u64,
    /// The denominator of the reference rate.
    pub reference_considered: u64,
    /// The reference rate.
    pub reference_rate: Option<f64>,
    /// The impact ratio.
    pub impact_ratio: Option<f64>,
    /// Its confidence interval.
    pub impact_ratio_ci: Option<[f64; 2]>,
    /// Fisher's exact two-sided p.
    pub fisher_two_sided: Option<f64>,
    /// The z statistic.
    pub z: Option<f64>,
}

/// The groups and stages that showed adverse impact. `Display` (and so a
/// failing test's message) is a table of them.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AdverseImpactFindings {
    /// The pipeline's name.
    pub pipeline: String,
    /// The rule applied.
    pub rule: AdverseImpactRule,
    /// The threshold.
    pub threshold: f64,
    /// The significance level.
    pub alpha: f64,
    /// Each flagged group at each stage.
    pub findings: Vec<AdverseImpactFinding>,
}

impl AdverseImpactFindings {
    /// How many distinct groups were flagged, at any stage.
    pub fn groups(&self) -> usize {
        let mut groups: Vec<&str> = self.findings.iter().map(|f| f.group.as_str()).collect();
        groups.sort_unstable();
        groups.dedup();
        groups.len()
    }
}
