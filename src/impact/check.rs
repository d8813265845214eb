//! For other crates' test suites: assert that a selection procedure shows
//! no adverse impact, and fail with a readable explanation.

use crate::counts::funnel_counts::FunnelCounts;
use std::fmt;

use crate::error::{AdverseImpactFinding, AdverseImpactFindings};
use crate::error::{Error, Result};
use crate::impact::analysis::{ImpactAnalysis, ImpactOptions};
use crate::text_table::{TextTable, decimal, percent};

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
/// use positive_action::impact::{AdverseImpactFinding, AdverseImpactFindings};
/// use positive_action::stats::rate;
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
        let findings: Vec<AdverseImpactFinding> = self
            .flagged()
            .into_iter()
            .map(|(s, g)| AdverseImpactFinding {
                stage: s.stage.clone(),
                group: g.group.to_string(),
                passed: g.passed,
                considered: g.rated,
                rate: g.pass_rate,
                reference: s
                    .reference
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), |r| r.to_string()),
                reference_passed: s.reference_passed.unwrap_or(0),
                reference_considered: s.reference_rated.unwrap_or(0),
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

fn count_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for AdverseImpactFindings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut stages: Vec<&str> = self.findings.iter().map(|x| x.stage.as_str()).collect();
        stages.dedup();
        stages.sort_unstable();
        stages.dedup();
        writeln!(
            f,
            "adverse impact in {:?}: {} at {} where {}",
            self.pipeline,
            count_of(self.groups(), "group", "groups"),
            count_of(stages.len(), "stage", "stages"),
            self.rule.describe(self.threshold, self.alpha),
        )?;
        let mut table = TextTable::new([
            "stage",
            "group",
            "passed/n",
            "rate",
            "reference",
            "passed/n",
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
                format!("{}/{}", x.passed, x.considered),
                percent(x.rate),
                x.reference.clone(),
                format!("{}/{}", x.reference_passed, x.reference_considered),
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
