//! For other crates' test suites: assert that a selection procedure shows
//! no adverse impact, and fail with a readable explanation.

use std::fmt;

use crate::error::{Error, Result};
use crate::funnel_counts::FunnelCounts;
use crate::impact::{AdverseImpactRule, ImpactAnalysis, ImpactOptions};
use crate::text_table::{TextTable, decimal, percent};

/// One flagged group at one stage.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Finding {
    /// The stage, or `bottom_line`.
    pub stage: String,
    /// The group, as text.
    pub group: String,
    /// Its rate.
    pub rate: Option<f64>,
    /// The reference group, as text.
    pub reference: String,
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

/// The groups and stages that showed adverse impact. `Display` (and
/// `Debug`) is a table of them.
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
    pub findings: Vec<Finding>,
}

impl fmt::Display for AdverseImpactFindings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = match self.rule {
            AdverseImpactRule::FourFifths => format!("impact ratio < {}", self.threshold),
            AdverseImpactRule::Significant => format!("lower rate with Fisher p < {}", self.alpha),
            AdverseImpactRule::FourFifthsOrSignificant => format!(
                "impact ratio < {} or lower rate with Fisher p < {}",
                self.threshold, self.alpha
            ),
            AdverseImpactRule::FourFifthsAndSignificant => format!(
                "impact ratio < {} and Fisher p < {}",
                self.threshold, self.alpha
            ),
        };
        writeln!(
            f,
            "adverse impact in {:?}: {} group(s) at stage(s) where {rule}",
            self.pipeline,
            self.findings.len()
        )?;
        let mut table = TextTable::new([
            "stage",
            "group",
            "rate",
            "reference",
            "ref rate",
            "impact ratio",
            "95% CI",
            "Fisher p",
            "z",
        ]);
        for x in &self.findings {
            table.row(vec![
                x.stage.clone(),
                x.group.clone(),
                percent(x.rate),
                x.reference.clone(),
                percent(x.reference_rate),
                decimal(x.impact_ratio, 3),
                x.impact_ratio_ci.map_or_else(
                    || "n/a".to_owned(),
                    |[lo, hi]| format!("[{lo:.3}, {hi:.3}]"),
                ),
                x.fisher_two_sided
                    .map_or_else(|| "n/a".to_owned(), |p| format!("{p:.3e}")),
                decimal(x.z, 2),
            ]);
        }
        write!(f, "{table}")
    }
}

/// Returns `Ok(())` when no stage, nor the bottom line, shows adverse
/// impact under the options' rule; otherwise [`Error::AdverseImpact`],
/// whose message is a table of which groups, at which stages, with which
/// ratios and p-values.
///
/// This is how a team that ships a selection procedure asserts, in its own
/// tests, that the procedure is fair on a fixture population:
///
/// ```
/// use positive_action::*;
///
/// fn sift_is_fair() -> Result<(), Box<dyn std::error::Error>> {
///     let pipeline = Pipeline::new("sift v2", PipelineKind::Recruitment, ["sift"])?;
///     let by_sex = Breakdown::parse(["sex"])?;
///     let rec = |sex, passed, failed| -> positive_action::Result<CountRecord> {
///         Ok(CountRecord { stage: Stage::new("sift")?, group: Group::parse([("sex", sex)])?,
///                          passed, failed, withdrew: 0, pending: 0, exempt: 0 })
///     };
///     // In a real suite these counts come from running the sift on fixtures.
///     let counts = FunnelCounts::from_records(&pipeline, &by_sex, [rec("female", 45, 55)?, rec("male", 50, 50)?])?;
///     check_no_adverse_impact(&counts, &ImpactOptions::new())?;
///     Ok(())
/// }
/// sift_is_fair()?;
///
/// // An unfair sift fails with a readable table.
/// let pipeline = Pipeline::new("sift v1", PipelineKind::Recruitment, ["sift"])?;
/// let by_sex = Breakdown::parse(["sex"])?;
/// let rec = |sex, passed, failed| -> positive_action::Result<CountRecord> {
///     Ok(CountRecord { stage: Stage::new("sift")?, group: Group::parse([("sex", sex)])?,
///                      passed, failed, withdrew: 0, pending: 0, exempt: 0 })
/// };
/// let counts = FunnelCounts::from_records(&pipeline, &by_sex, [rec("female", 30, 70)?, rec("male", 50, 50)?])?;
/// let err = check_no_adverse_impact(&counts, &ImpactOptions::new()).unwrap_err();
/// assert!(err.to_string().contains("sex=female"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::AdverseImpact`] as above, or any error of
/// [`ImpactAnalysis::new`].
pub fn check_no_adverse_impact(counts: &FunnelCounts, options: &ImpactOptions) -> Result<()> {
    ImpactAnalysis::new(counts, options)?.check()
}

impl ImpactAnalysis {
    /// `Ok(())` when nothing is flagged under the options' rule; see
    /// [`check_no_adverse_impact`].
    ///
    /// # Errors
    /// [`Error::AdverseImpact`].
    pub fn check(&self) -> Result<()> {
        let findings: Vec<Finding> = self
            .flagged()
            .into_iter()
            .map(|(s, g)| Finding {
                stage: s.stage.clone(),
                group: g.group.to_string(),
                rate: g.pass_rate,
                reference: s
                    .reference
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), |r| r.to_string()),
                reference_rate: s.reference_rate,
                impact_ratio: g.impact_ratio,
                impact_ratio_ci: g.impact_ratio_ci,
                fisher_two_sided: g.fisher.map(|f| f.two_sided),
                z: g.z_test.map(|z| z.z),
            })
            .collect();
        if findings.is_empty() {
            return Ok(());
        }
        Err(Error::AdverseImpact(Box::new(AdverseImpactFindings {
            pipeline: self.pipeline.clone(),
            rule: self.options.rule,
            threshold: self.options.threshold,
            alpha: self.options.alpha,
            findings,
        })))
    }
}
