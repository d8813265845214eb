//! The same funnel split by year, cohort, site or promotion board, pooled
//! with Mantel-Haenszel and tested for homogeneity with Breslow-Day.

use crate::counts::funnel_counts::FunnelCounts;
use crate::error::{Error, Result};
use crate::impact::analysis::{ImpactAnalysis, ImpactOptions};
use crate::impact::reference::ReferencePolicy;
use crate::records::breakdown::Group;
use crate::stats::{BreslowDay, MantelHaenszel, Strata, TwoByTwo};

/// One stratum: a name ("2023/24", "North site") and its counts.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Stratum {
    /// The stratum's name.
    pub name: String,
    /// Its counts.
    pub counts: FunnelCounts,
}

/// One group against the reference, pooled over strata.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StratifiedGroup {
    /// The group.
    pub group: Group,
    /// Strata that held both the group and the reference.
    pub strata: usize,
    /// The Mantel-Haenszel common odds ratio and the CMH test.
    pub mantel_haenszel: Option<MantelHaenszel>,
    /// Breslow-Day homogeneity of the odds ratios, with Tarone's
    /// adjustment: whether the disparity differs between strata.
    pub breslow_day: Option<BreslowDay>,
}

/// One stage (or the bottom line), pooled over strata.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StratifiedStage {
    /// The stage's name, or `bottom_line`.
    pub stage: String,
    /// The reference group, chosen on the pooled counts.
    pub reference: Option<Group>,
    /// Each known, non-reference group.
    pub groups: Vec<StratifiedGroup>,
}

/// Impact pooled across strata: what guards against Simpson's paradox,
/// where every stratum treats a group alike yet the pooled table shows a
/// gap (UC Berkeley admissions by department is the classic case).
///
/// The reference group of each stage is chosen by the options' policy on
/// the pooled counts and held fixed across strata. With the overall
/// reference, each group is compared with all other candidates in each
/// stratum. Strata with fewer than two candidates contribute nothing.
///
/// ```
/// use positive_action::*;
/// use positive_action::impact::{StratifiedGroup, StratifiedImpact, StratifiedStage, Stratum};
/// use positive_action::records::Rank;
/// use positive_action::stats::{BreslowDay, MantelHaenszel, Strata, TwoByTwo};
///
/// let pipeline = Pipeline::new("board", PipelineKind::Promotion { from: Rank::CONSTABLE, to: Rank::SERGEANT }, ["board"])?;
/// let by_sex = Breakdown::parse(["sex"])?;
/// let year = |name: &str, f: (u64, u64), m: (u64, u64)| -> positive_action::Result<Stratum> {
///     let rec = |sex, (passed, failed)| -> positive_action::Result<CountRecord> {
///         Ok(CountRecord { stage: Stage::new("board")?, group: Group::parse([("sex", sex)])?,
///                          passed, failed, withdrew: 0, pending: 0, exempt: 0 })
///     };
///     Ok(Stratum { name: name.into(), counts: FunnelCounts::from_records(&pipeline, &by_sex, [rec("female", f)?, rec("male", m)?])? })
/// };
/// let strata = [year("2023", (10, 30), (40, 60))?, year("2024", (12, 28), (45, 55))?];
/// let pooled = StratifiedImpact::new(&strata, &ImpactOptions::new())?;
/// let women = &pooled.stages[0].groups[0];
/// assert_eq!(women.strata, 2);
/// assert!(women.mantel_haenszel.unwrap().common_odds_ratio.unwrap() < 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StratifiedImpact {
    /// The strata's names, in order.
    pub strata: Vec<String>,
    /// Each stage.
    pub stages: Vec<StratifiedStage>,
    /// The bottom line.
    pub bottom_line: StratifiedStage,
}

impl StratifiedImpact {
    /// Pools the strata.
    ///
    /// # Errors
    /// No strata, strata of different pipelines or breakdowns, or any error
    /// of [`ImpactAnalysis::new`] on the pooled counts.
    pub fn new(strata: &[Stratum], options: &ImpactOptions) -> Result<Self> {
        let first = strata.first().ok_or(Error::InvalidOption {
            name: "strata",
            value: "0".to_owned(),
            expected: "at least one stratum",
        })?;
        let mut pooled = FunnelCounts::empty(first.counts.pipeline(), first.counts.breakdown());
        for s in strata {
            pooled.merge(&s.counts)?;
        }
        let analysis = ImpactAnalysis::new(&pooled, options)?;
        let basis = options.rate_basis;
        let overall = matches!(options.reference, ReferencePolicy::Overall);
        // A stratum's (selected, considered) for a group at a stage, or at
        // the bottom line when `stage` is None.
        let tally = |counts: &FunnelCounts, stage: Option<usize>, group: &Group| -> (u64, u64) {
            let Some(g) = counts.group_index(group) else {
                return (0, 0);
            };
            match stage {
                Some(s) => {
                    let c = counts.cell(s, g);
                    (c.passed, basis.denominator(c))
                }
                None => {
                    let entered = counts.cell(0, g).entered();
                    let passed = counts.cell(counts.stages() - 1, g).passed;
                    if passed <= entered {
                        (passed, entered)
                    } else {
                        (0, 0)
                    }
                }
            }
        };
        let everyone = |counts: &FunnelCounts, stage: Option<usize>| -> (u64, u64) {
            counts.groups().iter().fold((0u64, 0u64), |(a, b), g| {
                let (x, n) = tally(counts, stage, g);
                (a.saturating_add(x), b.saturating_add(n))
            })
        };
        let pool_stage = |name: &str,
                          stage: Option<usize>,
                          reference: &Option<Group>|
         -> Result<StratifiedStage> {
            let mut groups = Vec::new();
            for group in pooled.groups() {
                let Some(reference) = reference else { break };
                if group.is_unknown() || (!overall && group == reference) {
                    continue;
                }
                let mut tables = Vec::new();
                for s in strata {
                    let (x1, n1) = tally(&s.counts, stage, group);
                    let (x2, n2) = if overall {
                        let (xa, na) = everyone(&s.counts, stage);
                        (xa - x1, na - n1)
                    } else {
                        tally(&s.counts, stage, reference)
                    };
                    if n1 > 0 && n2 > 0 {
                        tables.push(TwoByTwo::new(x1, n1 - x1, x2, n2 - x2)?);
                    }
                }
                let used = tables.len();
                let strata = Strata::new(tables);
                groups.push(StratifiedGroup {
                    group: group.clone(),
                    strata: used,
                    mantel_haenszel: strata.mantel_haenszel(),
                    breslow_day: strata.breslow_day(),
                });
            }
            Ok(StratifiedStage {
                stage: name.to_owned(),
                reference: reference.clone(),
                groups,
            })
        };
        let stages = analysis
            .stages
            .iter()
            .enumerate()
            .map(|(s, a)| pool_stage(&a.stage, Some(s), &a.reference))
            .collect::<Result<Vec<_>>>()?;
        let bottom_line = pool_stage("bottom_line", None, &analysis.bottom_line.reference)?;
        Ok(Self {
            strata: strata.iter().map(|s| s.name.clone()).collect(),
            stages,
            bottom_line,
        })
    }
}
