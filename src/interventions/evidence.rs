//! The evidence an s.158 or s.159 measure rests on: does the data show its
//! target group disadvantaged at its target stages, or under-represented
//! against a benchmark, and how strongly?
//!
//! These are aids, not legal advice. Section 158(1) of the Equality Act
//! 2010 allows positive action when the employer reasonably thinks that
//! people who share a protected characteristic are disadvantaged, have
//! different needs, or participate disproportionately little; s.159(1) and
//! (2) ask the same of a tie-break. Each finding here is graded from the
//! size of the gap and its uncertainty (see [`EvidenceGrade`]), and a
//! measure resting on figures that show no gap is refused by
//! [`PositiveActionEvidence::require`].

use std::fmt;

use crate::error::{Error, Refusal, Result};
use crate::impact::analysis::ImpactAnalysis;
use crate::records::breakdown::Group;
use crate::records::intervention::{Intervention, LawfulBasis, Section158Condition};
use crate::records::pipeline::Stage;
use crate::stats::{FisherExact, ShareTest, ZTest, share_against_benchmark};
use crate::text_table::{TextTable, decimal, percent};
use crate::workforce::representation::Representation;

/// A group's representation against a benchmark population, as plain
/// counts: its headcount among those in scope whose category is declared,
/// and its share of the benchmark (for example the 2021 census population
/// of the force area).
///
/// ```
/// use positive_action::Group;
/// use positive_action::interventions::RepresentationFigure;
///
/// // 41 Black officers of 1,800 with a declared ethnicity, against 3.5% of the population.
/// let figure = RepresentationFigure::new(Group::parse([("ethnicity", "Black")])?, "workforce", 41, 1_800, 0.035)?;
/// assert!(figure.ratio() < 1.0);
/// assert!((figure.gap_points() - (100.0 * 41.0 / 1800.0 - 3.5)).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "RepresentationSpec", into = "RepresentationSpec")
)]
pub struct RepresentationFigure {
    group: Group,
    scope: String,
    headcount: u64,
    declared: u64,
    benchmark_share: f64,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RepresentationSpec {
    group: Group,
    scope: String,
    headcount: u64,
    declared: u64,
    benchmark_share: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<RepresentationSpec> for RepresentationFigure {
    type Error = Error;
    fn try_from(s: RepresentationSpec) -> Result<Self> {
        Self::new(
            s.group,
            &s.scope,
            s.headcount,
            s.declared,
            s.benchmark_share,
        )
    }
}

#[cfg(feature = "serde")]
impl From<RepresentationFigure> for RepresentationSpec {
    fn from(r: RepresentationFigure) -> Self {
        Self {
            group: r.group,
            scope: r.scope,
            headcount: r.headcount,
            declared: r.declared,
            benchmark_share: r.benchmark_share,
        }
    }
}

impl RepresentationFigure {
    /// The figures of a [`Representation`] analysis, one per declared group
    /// and section (whole workforce, each band, each rank), ready for
    /// [`PositiveActionEvidence::gather`]. Rows that cannot be evidence
    /// either way are left out: groups with no benchmark share (or a share
    /// of 0) and sections where nobody has declared a category.
    ///
    /// # Errors
    /// As [`RepresentationFigure::new`]; a representation analysis only
    /// holds rows it accepts.
    pub fn from_representation(representation: &Representation) -> Result<Vec<Self>> {
        let mut figures = Vec::new();
        for section in &representation.sections {
            if section.declared == 0 {
                continue;
            }
            for row in &section.rows {
                match row.benchmark_share {
                    Some(share) if share > 0.0 && !row.group.is_unknown() => {
                        figures.push(Self::new(
                            row.group.clone(),
                            &section.scope.to_string(),
                            row.headcount,
                            section.declared,
                            share,
                        )?);
                    }
                    _ => {}
                }
            }
        }
        Ok(figures)
    }

    /// A group's headcount of `declared` people in a scope ("workforce",
    /// "sergeant"), against its share of the benchmark population.
    ///
    /// # Errors
    /// [`Error::InvalidRepresentation`] for an unknown or empty group, a
    /// blank scope, no declared people, a headcount above them, or a
    /// benchmark share outside (0, 1].
    pub fn new(
        group: Group,
        scope: &str,
        headcount: u64,
        declared: u64,
        benchmark_share: f64,
    ) -> Result<Self> {
        let scope = scope.trim();
        let invalid = |reason: String| Error::InvalidRepresentation {
            group: group.to_string(),
            scope: scope.to_owned(),
            reason,
        };
        if group.entries().len() == 0 || group.is_unknown() {
            return Err(invalid(
                "expected a group of declared categories".to_owned(),
            ));
        }
        if scope.is_empty() {
            return Err(invalid(
                "the scope is blank: expected a name such as workforce or a rank".to_owned(),
            ));
        }
        if declared == 0 {
            return Err(invalid(
                "no one in scope has a declared category: expected at least one".to_owned(),
            ));
        }
        if headcount > declared {
            return Err(invalid(format!(
                "headcount {headcount} exceeds the {declared} declared in scope"
            )));
        }
        if !(benchmark_share > 0.0 && benchmark_share <= 1.0) {
            return Err(invalid(format!(
                "benchmark share {benchmark_share}: expected a share in (0, 1]"
            )));
        }
        Ok(Self {
            group,
            scope: scope.to_owned(),
            headcount,
            declared,
            benchmark_share,
        })
    }

    /// The group.
    pub fn group(&self) -> &Group {
        &self.group
    }

    /// The scope.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// The group's headcount.
    pub fn headcount(&self) -> u64 {
        self.headcount
    }

    /// Everyone in scope with a declared category.
    pub fn declared(&self) -> u64 {
        self.declared
    }

    /// The group's share of the benchmark population.
    pub fn benchmark_share(&self) -> f64 {
        self.benchmark_share
    }

    /// headcount / declared.
    pub fn share(&self) -> f64 {
        self.headcount as f64 / self.declared as f64
    }

    /// share / benchmark share: below 1, the group is under-represented.
    pub fn ratio(&self) -> f64 {
        self.share() / self.benchmark_share
    }

    /// 100 · (share − benchmark share), in percentage points.
    pub fn gap_points(&self) -> f64 {
        100.0 * (self.share() - self.benchmark_share)
    }
}

/// How strongly a figure shows a gap: the size of the gap and how sure it
/// is, in four grades (lowest first, so grades compare).
///
/// For a target group's **impact ratio** at a target stage (its pass rate
/// over the reference group's), with the analysis's threshold (four-fifths,
/// 0.8, from the Uniform Guidelines, 29 CFR 1607.4(D)) and alpha (0.05):
/// - `Strong`: below the threshold, and a lower rate with Fisher's exact
///   two-sided p below alpha;
/// - `Moderate`: a lower rate with Fisher's p below alpha, the ratio at or
///   above the threshold (a real but smaller gap);
/// - `Weak`: below the threshold, with Fisher's p at or above alpha (a gap
///   of the size that matters, on numbers too small to rule out chance);
/// - `None`: neither: no gap shown.
///
/// For a **representation ratio** (the group's share over its benchmark
/// share), with the exact binomial test of the headcount against the
/// benchmark share and its Clopper-Pearson interval at 1 − alpha:
/// - `Strong`: below the threshold, and the whole interval of the ratio
///   below 1;
/// - `Moderate`: the whole interval below 1, the ratio at or above the
///   threshold;
/// - `Weak`: below the threshold, the interval reaching 1;
/// - `None`: neither.
///
/// So 99 of 100 against 100 of 100 (impact ratio 0.99, Fisher p = 1), and
/// a share of 33.9% against a benchmark of 34.0%, grade `None`. `Weak` is
/// still evidence: s.158 asks that the employer *reasonably think* there
/// is a disadvantage, and the Equality and Human Rights Commission's
/// Employment Statutory Code of Practice (ch. 12) does not ask for
/// sophisticated statistics; but a measure on a `Weak` finding should say
/// so, and a `None` finding supports nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EvidenceGrade {
    /// No gap shown.
    None,
    /// A gap of the size that matters, but it could be chance.
    Weak,
    /// A gap that is unlikely to be chance, smaller than the threshold.
    Moderate,
    /// A gap that matters and is unlikely to be chance.
    Strong,
}

impl EvidenceGrade {
    /// Whether the finding shows a gap at all (`Weak` or better).
    pub fn shows_gap(self) -> bool {
        self != Self::None
    }

    /// The grade of a figure below the threshold or not, and sure or not.
    fn of(below_threshold: bool, sure: bool) -> Self {
        match (below_threshold, sure) {
            (true, true) => Self::Strong,
            (false, true) => Self::Moderate,
            (true, false) => Self::Weak,
            (false, false) => Self::None,
        }
    }
}

impl fmt::Display for EvidenceGrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::Weak => "weak",
            Self::Moderate => "moderate",
            Self::Strong => "strong",
        })
    }
}

/// A target group's rate at a target stage below the reference group's,
/// with the tests of the impact analysis and its grade.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DisadvantageEvidence {
    /// The stage.
    pub stage: Stage,
    /// The target group.
    pub group: Group,
    /// The reference group the ratio is against (`{}` for the overall rate).
    pub reference: Option<Group>,
    /// The group's candidates who entered the stage.
    pub entered: u64,
    /// Those who passed.
    pub passed: u64,
    /// The group's pass rate.
    pub pass_rate: Option<f64>,
    /// The reference rate.
    pub reference_rate: Option<f64>,
    /// The impact ratio, below 1.
    pub impact_ratio: f64,
    /// Its confidence interval, where defined.
    pub impact_ratio_ci: Option<[f64; 2]>,
    /// Fisher's exact test against the reference.
    pub fisher: Option<FisherExact>,
    /// The pooled two-proportion z test.
    pub z_test: Option<ZTest>,
    /// The impact ratio is below the four-fifths threshold.
    pub below_threshold: bool,
    /// Fisher's two-sided p is below the analysis's alpha.
    pub significant: bool,
    /// The threshold used.
    pub threshold: f64,
    /// The alpha used.
    pub alpha: f64,
    /// How strongly it shows a gap.
    pub grade: EvidenceGrade,
}

impl DisadvantageEvidence {
    /// The figures in a line, with what they were held against.
    pub fn figures(&self) -> String {
        format!(
            "{} at {}: impact ratio {:.3} ({} of {}), {} the threshold {}; Fisher p {}, {} alpha {} (grade {})",
            self.group,
            self.stage,
            self.impact_ratio,
            self.passed,
            self.entered,
            if self.below_threshold {
                "below"
            } else {
                "not below"
            },
            self.threshold,
            p_text(self.fisher.map(|f| f.two_sided)),
            if self.significant {
                "below"
            } else {
                "not below"
            },
            self.alpha,
            self.grade
        )
    }
}

/// A target group's share below its benchmark share, with the exact
/// binomial test and its grade.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UnderRepresentationEvidence {
    /// The target group.
    pub group: Group,
    /// Where: the workforce, a rank.
    pub scope: String,
    /// The group's headcount.
    pub headcount: u64,
    /// Everyone in scope with a declared category.
    pub declared: u64,
    /// headcount / declared.
    pub share: f64,
    /// The benchmark share.
    pub benchmark_share: f64,
    /// share / benchmark share, below 1.
    pub ratio: f64,
    /// 100 · (share − benchmark share).
    pub gap_points: f64,
    /// The exact (Clopper-Pearson) interval of the ratio at 1 − alpha;
    /// `None` for a benchmark share of 1, where no test applies.
    pub ratio_ci: Option<[f64; 2]>,
    /// The exact binomial P(X ≤ headcount) under the benchmark share.
    pub p_less: Option<f64>,
    /// The ratio is below the threshold.
    pub below_threshold: bool,
    /// The whole interval lies below 1.
    pub interval_below_one: bool,
    /// The threshold used.
    pub threshold: f64,
    /// The alpha used (the interval is at 1 − alpha).
    pub alpha: f64,
    /// How strongly it shows a gap.
    pub grade: EvidenceGrade,
}

impl UnderRepresentationEvidence {
    /// The figures in a line, with what they were held against.
    pub fn figures(&self) -> String {
        format!(
            "{} in {}: representation ratio {:.3} ({} of {} against a benchmark share of {}), {} the threshold {}; {}% interval {}, {} (grade {})",
            self.group,
            self.scope,
            self.ratio,
            self.headcount,
            self.declared,
            self.benchmark_share,
            if self.below_threshold {
                "below"
            } else {
                "not below"
            },
            self.threshold,
            100.0 * (1.0 - self.alpha),
            ci_text(self.ratio_ci),
            if self.interval_below_one {
                "wholly below 1"
            } else {
                "reaching 1"
            },
            self.grade
        )
    }
}

/// What the figures show for an intervention's lawful basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EvidenceFinding {
    /// Some target group is disadvantaged at a target stage or
    /// under-represented, graded at least [`EvidenceGrade::Weak`].
    Supported,
    /// No figure shows either.
    NoEvidence,
}

/// The evidence that an intervention's target groups are disadvantaged at
/// its target stages or under-represented against a benchmark, graded
/// (see [`EvidenceGrade`]): what s.158(1) and s.159(1) ask an employer to
/// reasonably think before acting.
///
/// Every figure with a ratio below 1 is kept, with its grade, so the
/// record shows what it rests on and what fell short. When no figure shows
/// a gap, the finding says so; [`PositiveActionEvidence::require`] turns
/// that into a refusal.
///
/// ```
/// use positive_action::*;
/// use positive_action::interventions::{Eligibility, EvidenceFinding, EvidenceGrade, Intervention, InterventionKind, LawfulBasis, PositiveActionEvidence, Section158Condition};
///
/// let pipeline = Pipeline::new("PC 2025", PipelineKind::Recruitment, ["assessment_centre"])?;
/// let by_ethnicity = Breakdown::parse(["ethnicity"])?;
/// let rec = |label, passed, failed| -> positive_action::Result<CountRecord> {
///     Ok(CountRecord { stage: Stage::ASSESSMENT_CENTRE, group: Group::parse([("ethnicity", label)])?,
///                      passed, failed, withdrew: 0, pending: 0, exempt: 0 })
/// };
/// let counts = FunnelCounts::from_records(&pipeline, &by_ethnicity, [rec("Black", 45, 75)?, rec("White", 180, 120)?])?;
/// let analysis = ImpactAnalysis::new(&counts, &ImpactOptions::new())?;
///
/// let support = Intervention::new(
///     "assessment centre preparation", InterventionKind::AssessmentCentrePreparation, &pipeline,
///     ["assessment_centre"], Eligibility::any_of([Group::parse([("ethnicity", "Black")])?])?,
///     LawfulBasis::Section158(Section158Condition::Disadvantage),
/// )?;
/// let evidence = PositiveActionEvidence::gather(&support, Some(&analysis), &[])?;
/// assert_eq!(evidence.finding, EvidenceFinding::Supported);
/// assert_eq!(evidence.grade, EvidenceGrade::Strong);
/// assert!((evidence.disadvantage[0].impact_ratio - 0.625).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PositiveActionEvidence {
    /// The intervention's name.
    pub intervention: String,
    /// Its lawful basis.
    pub lawful_basis: LawfulBasis,
    /// Its s.158(1) conditions (empty unless s.158).
    pub conditions: Vec<Section158Condition>,
    /// Its target groups.
    pub target_groups: Vec<Group>,
    /// Its target stages.
    pub target_stages: Vec<Stage>,
    /// Each target group at each target stage with an impact ratio below
    /// 1, graded.
    pub disadvantage: Vec<DisadvantageEvidence>,
    /// Each target group with a representation ratio below 1, graded.
    pub under_representation: Vec<UnderRepresentationEvidence>,
    /// The best grade of any finding.
    pub grade: EvidenceGrade,
    /// Whether any finding shows a gap.
    pub finding: EvidenceFinding,
    /// The finding in a sentence.
    pub summary: String,
    /// What was looked at and found no disadvantage, and what could not be
    /// looked at.
    pub notes: Vec<String>,
}

/// Whether two groups have the same categories on the same
/// characteristics, whatever their order.
pub(crate) fn same_group(a: &Group, b: &Group) -> bool {
    a.entries().len() == b.entries().len() && a.entries().all(|(c, v)| b.category(c) == Some(v))
}

/// The four-fifths threshold used without an impact analysis.
const DEFAULT_THRESHOLD: f64 = 0.8;
/// The alpha used without an impact analysis.
const DEFAULT_ALPHA: f64 = 0.05;

impl PositiveActionEvidence {
    /// Gathers the evidence for an intervention's target groups from an
    /// impact analysis of its pipeline, from representation figures, or
    /// from both.
    ///
    /// A target group is looked for among the analysis's groups with exactly
    /// its characteristics (an analysis by ethnicity for `{ethnicity:
    /// Black}`); a target group the analysis cannot show is noted.
    /// Representation figures of groups the intervention does not target
    /// are noted and otherwise left out.
    ///
    /// ```
    /// use positive_action::*;
    /// use positive_action::interventions::{Eligibility, EvidenceFinding, Intervention, InterventionKind, LawfulBasis, PositiveActionEvidence, RepresentationFigure, Section158Condition};
    ///
    /// let pipeline = Pipeline::police_constable_recruitment("PC 2025/26");
    /// let black = Group::parse([("ethnicity", "Black")])?;
    /// let mentoring = Intervention::new("mentoring", InterventionKind::Mentoring, &pipeline,
    ///     ["assessment_centre"], Eligibility::any_of([black.clone()])?,
    ///     LawfulBasis::Section158(Section158Condition::LowParticipation))?;
    ///
    /// // 4.1% of officers against 3.5% of the population: not under-represented.
    /// let figures = [RepresentationFigure::new(black, "workforce", 41, 1_000, 0.035)?];
    /// let evidence = PositiveActionEvidence::gather(&mentoring, None, &figures)?;
    /// assert_eq!(evidence.finding, EvidenceFinding::NoEvidence);
    /// assert!(evidence.summary.starts_with("no evidence in these figures"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidIntervention`] when the intervention is open to all
    /// (there is no target group to find evidence for), and
    /// [`Error::PipelineMismatch`] when the analysis is of another
    /// pipeline.
    pub fn gather(
        intervention: &Intervention,
        impact: Option<&ImpactAnalysis>,
        representation: &[RepresentationFigure],
    ) -> Result<Self> {
        let targets = intervention.eligibility().target_groups();
        if targets.is_empty() {
            return Err(Error::InvalidIntervention {
                intervention: intervention.name().to_owned(),
                reason: "is open to all: expected target groups to gather evidence for".to_owned(),
            });
        }
        let mut notes = Vec::new();
        let mut disadvantage = Vec::new();
        let (threshold, alpha) = impact.map_or((DEFAULT_THRESHOLD, DEFAULT_ALPHA), |a| {
            (a.options.threshold, a.options.alpha)
        });
        let mut target_stages = intervention.target_stages().to_vec();
        if let Some(analysis) = impact {
            let Some(stages) = intervention.target_stages_on(&analysis.pipeline) else {
                return Err(Error::PipelineMismatch {
                    expected: intervention.pipeline().name().to_owned(),
                    found: analysis.pipeline.clone(),
                });
            };
            target_stages = stages.to_vec();
            for stage in stages {
                let Some(si) = analysis.stages.iter().find(|s| s.stage == stage.name()) else {
                    notes.push(format!("the impact analysis has no stage {stage}"));
                    continue;
                };
                for target in targets {
                    let Some(row) = si.groups.iter().find(|g| same_group(&g.group, target)) else {
                        notes.push(format!(
                            "{target} at {stage}: the impact analysis has no such group (wrong breakdown, or no candidates)"
                        ));
                        continue;
                    };
                    match row.impact_ratio {
                        Some(ratio) if ratio < 1.0 && !row.reference => {
                            let below_threshold = ratio < threshold;
                            let significant = row.fisher.is_some_and(|f| f.two_sided < alpha);
                            disadvantage.push(DisadvantageEvidence {
                                stage: stage.clone(),
                                group: target.clone(),
                                reference: si.reference.clone(),
                                entered: row.entered,
                                passed: row.passed,
                                pass_rate: row.pass_rate,
                                reference_rate: si.reference_rate,
                                impact_ratio: ratio,
                                impact_ratio_ci: row.impact_ratio_ci,
                                fisher: row.fisher,
                                z_test: row.z_test,
                                below_threshold,
                                significant,
                                threshold,
                                alpha,
                                grade: EvidenceGrade::of(below_threshold, significant),
                            });
                        }
                        Some(ratio) => notes.push(format!(
                            "{target} at {stage}: impact ratio {ratio:.3}{}, no disadvantage",
                            if row.reference {
                                " (the reference group)"
                            } else {
                                ""
                            }
                        )),
                        None => notes.push(format!(
                            "{target} at {stage}: the impact ratio is undefined"
                        )),
                    }
                }
            }
        }
        let mut under_representation = Vec::new();
        let mut untargeted = 0usize;
        for figure in representation {
            if !targets.iter().any(|t| same_group(t, &figure.group)) {
                untargeted += 1;
                continue;
            }
            let ratio = figure.ratio();
            if ratio < 1.0 {
                let test: Option<ShareTest> = if figure.benchmark_share < 1.0 {
                    share_against_benchmark(
                        figure.headcount,
                        figure.declared,
                        figure.benchmark_share,
                        1.0 - alpha,
                    )?
                } else {
                    None
                };
                let ratio_ci = test.as_ref().map(|t| {
                    let (lo, hi) = t.representation_ratio_ci;
                    [lo, hi]
                });
                let below_threshold = ratio < threshold;
                let interval_below_one = ratio_ci.is_some_and(|[_, hi]| hi < 1.0);
                under_representation.push(UnderRepresentationEvidence {
                    group: figure.group.clone(),
                    scope: figure.scope.clone(),
                    headcount: figure.headcount,
                    declared: figure.declared,
                    share: figure.share(),
                    benchmark_share: figure.benchmark_share,
                    ratio,
                    gap_points: figure.gap_points(),
                    ratio_ci,
                    p_less: test.map(|t| t.less),
                    below_threshold,
                    interval_below_one,
                    threshold,
                    alpha,
                    grade: EvidenceGrade::of(below_threshold, interval_below_one),
                });
            } else {
                notes.push(format!(
                    "{} in {}: representation ratio {ratio:.3}, not under-represented",
                    figure.group, figure.scope
                ));
            }
        }
        if untargeted > 0 {
            notes.push(format!(
                "{untargeted} representation figure(s) concern groups the intervention does not target, and were not used"
            ));
        }
        if impact.is_none() && representation.is_empty() {
            notes.push("no impact analysis and no representation figures were given".to_owned());
        }
        let stages = target_stages
            .iter()
            .map(Stage::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let basis = intervention.lawful_basis();
        let grade = disadvantage
            .iter()
            .map(|d| d.grade)
            .chain(under_representation.iter().map(|u| u.grade))
            .max()
            .unwrap_or(EvidenceGrade::None);
        let (finding, summary) = if grade.shows_gap() {
            (
                EvidenceFinding::Supported,
                format!(
                    "{grade} evidence for {basis}: {} of {} finding(s) of disadvantage at {stages} and {} of {} of under-representation show a gap",
                    disadvantage.iter().filter(|d| d.grade.shows_gap()).count(),
                    disadvantage.len(),
                    under_representation
                        .iter()
                        .filter(|u| u.grade.shows_gap())
                        .count(),
                    under_representation.len()
                ),
            )
        } else {
            (
                EvidenceFinding::NoEvidence,
                format!(
                    "no evidence in these figures that {} are disadvantaged at {stages} (impact ratio below {threshold}, or a lower rate with Fisher p below {alpha}) or under-represented (representation ratio below {threshold}, or its interval below 1); they do not support {basis} on their own",
                    intervention.eligibility()
                ),
            )
        };
        Ok(Self {
            intervention: intervention.name().to_owned(),
            lawful_basis: basis,
            conditions: intervention.section158_conditions(),
            target_groups: targets.to_vec(),
            target_stages,
            disadvantage,
            under_representation,
            grade,
            finding,
            summary,
            notes,
        })
    }

    /// The evidence, or a refusal when it shows no gap for any target
    /// group: an s.158 or s.159 measure on such figures does not meet
    /// s.158(1) or s.159(1). The error lists the figures that fell short.
    ///
    /// A measure resting only on different needs (s.158(1)(b)) is not
    /// refused: pass rates and headcounts cannot show a need, so its
    /// evidence lies elsewhere. Measures not under s.158 or s.159 are not
    /// refused either.
    ///
    /// ```
    /// use positive_action::*;
    /// use positive_action::interventions::{Eligibility, Intervention, InterventionKind, LawfulBasis, PositiveActionEvidence, RepresentationFigure, Section158Condition};
    ///
    /// let pipeline = Pipeline::police_constable_recruitment("PC 2025/26");
    /// let women = Group::parse([("sex", "female")])?;
    /// let mentoring = Intervention::new("mentoring", InterventionKind::Mentoring, &pipeline,
    ///     ["assessment_centre"], Eligibility::any_of([women.clone()])?,
    ///     LawfulBasis::Section158(Section158Condition::LowParticipation))?;
    /// // 33.9% of 1,000 officers against 34.0% of the population: no gap.
    /// let figures = [RepresentationFigure::new(women, "workforce", 339, 1_000, 0.34)?];
    /// let err = PositiveActionEvidence::gather(&mentoring, None, &figures)?.require().unwrap_err();
    /// assert!(matches!(err, Error::InsufficientEvidence { section: "s.158(1)", .. }));
    /// assert!(err.to_string().contains("representation ratio 0.997"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InsufficientEvidence`] naming the section, the groups and
    /// every figure that fell short.
    pub fn require(self) -> Result<Self> {
        let section = match self.lawful_basis {
            LawfulBasis::Section159TieBreak => "s.159(1)",
            LawfulBasis::Section158(_)
                if self
                    .conditions
                    .iter()
                    .any(|c| *c != Section158Condition::DifferentNeeds) =>
            {
                "s.158(1)"
            }
            _ => return Ok(self),
        };
        if self.grade.shows_gap() {
            return Ok(self);
        }
        Err(Error::InsufficientEvidence {
            subject: format!("intervention {:?}", self.intervention),
            section,
            refusal: Box::new(Refusal {
                group: self
                    .target_groups
                    .iter()
                    .map(Group::to_string)
                    .collect::<Vec<_>>()
                    .join(" or "),
                rule: self.shortfall(None),
                instead: "gather figures that show the gap (more years or cohorts pooled, a representation figure against the relevant benchmark), or run the measure open to all".to_owned(),
            }),
        })
    }

    /// The figures for a group (or every group) in one line each, or why
    /// there are none.
    pub(crate) fn shortfall(&self, group: Option<&Group>) -> String {
        let mine = |g: &Group| group.is_none_or(|x| same_group(x, g));
        let lines: Vec<String> = self
            .disadvantage
            .iter()
            .filter(|d| mine(&d.group))
            .map(DisadvantageEvidence::figures)
            .chain(
                self.under_representation
                    .iter()
                    .filter(|u| mine(&u.group))
                    .map(UnderRepresentationEvidence::figures),
            )
            .collect();
        if lines.is_empty() {
            "no figure shows a rate or a share below the reference or benchmark".to_owned()
        } else {
            lines.join("; ")
        }
    }

    /// The best grade of the findings for a group.
    pub fn grade_for(&self, group: &Group) -> EvidenceGrade {
        self.disadvantage
            .iter()
            .filter(|d| same_group(&d.group, group))
            .map(|d| d.grade)
            .chain(
                self.under_representation
                    .iter()
                    .filter(|u| same_group(&u.group, group))
                    .map(|u| u.grade),
            )
            .max()
            .unwrap_or(EvidenceGrade::None)
    }

    /// Whether the figures show any disadvantage or under-representation.
    pub fn is_supported(&self) -> bool {
        self.finding == EvidenceFinding::Supported
    }

    /// Whether the figures show this group disadvantaged or
    /// under-represented (a grade of at least `Weak`).
    pub fn supports(&self, group: &Group) -> bool {
        self.grade_for(group).shows_gap()
    }
}

fn ci_text(ci: Option<[f64; 2]>) -> String {
    ci.map_or_else(
        || "n/a".to_owned(),
        |[lo, hi]| format!("[{lo:.3}, {hi:.3}]"),
    )
}

fn p_text(p: Option<f64>) -> String {
    p.map_or_else(|| "n/a".to_owned(), |p| format!("{p:.3e}"))
}

impl fmt::Display for PositiveActionEvidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Lawful basis evidence: {} ({})",
            self.intervention, self.lawful_basis
        )?;
        writeln!(f, "{}", self.summary)?;
        if !self.disadvantage.is_empty() {
            writeln!(f)?;
            let mut t = TextTable::new([
                "stage",
                "group",
                "entered",
                "pass rate",
                "reference",
                "ref rate",
                "impact ratio",
                "95% CI",
                "Fisher p",
                "grade",
            ]);
            for d in &self.disadvantage {
                t.row(vec![
                    d.stage.to_string(),
                    d.group.to_string(),
                    d.entered.to_string(),
                    percent(d.pass_rate),
                    d.reference
                        .as_ref()
                        .map_or_else(|| "n/a".to_owned(), Group::to_string),
                    percent(d.reference_rate),
                    decimal(Some(d.impact_ratio), 3),
                    ci_text(d.impact_ratio_ci),
                    p_text(d.fisher.map(|x| x.two_sided)),
                    d.grade.to_string(),
                ]);
            }
            write!(f, "{t}")?;
        }
        if !self.under_representation.is_empty() {
            writeln!(f)?;
            let mut t = TextTable::new([
                "group",
                "scope",
                "headcount",
                "share",
                "benchmark",
                "ratio",
                "exact CI",
                "gap (pp)",
                "grade",
            ]);
            for u in &self.under_representation {
                t.row(vec![
                    u.group.to_string(),
                    u.scope.clone(),
                    u.headcount.to_string(),
                    percent(Some(u.share)),
                    percent(Some(u.benchmark_share)),
                    decimal(Some(u.ratio), 3),
                    ci_text(u.ratio_ci),
                    decimal(Some(u.gap_points), 1),
                    u.grade.to_string(),
                ]);
            }
            write!(f, "{t}")?;
        }
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn representation_figures_validate() {
        let g = Group::parse([("sex", "female")]).unwrap();
        assert!(RepresentationFigure::new(g.clone(), "w", 5, 4, 0.5).is_err());
        assert!(RepresentationFigure::new(g.clone(), "w", 0, 0, 0.5).is_err());
        assert!(RepresentationFigure::new(g.clone(), " ", 1, 4, 0.5).is_err());
        assert!(RepresentationFigure::new(g.clone(), "w", 1, 4, 0.0).is_err());
        assert!(RepresentationFigure::new(g.clone(), "w", 1, 4, f64::NAN).is_err());
        let err = RepresentationFigure::new(
            Group::parse([("sex", "prefer not to say")]).unwrap(),
            "w",
            1,
            4,
            0.5,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "representation of group sex=prefer not to say in \"w\": expected a group of declared categories"
        );
        let f = RepresentationFigure::new(g, "w", 1, 4, 0.5).unwrap();
        assert_eq!((f.share(), f.ratio(), f.gap_points()), (0.25, 0.5, -25.0));
    }

    #[test]
    fn same_group_ignores_order() {
        let a = Group::parse([("sex", "female"), ("ethnicity", "Black")]).unwrap();
        let b = Group::parse([("ethnicity", "Black"), ("sex", "female")]).unwrap();
        let c = Group::parse([("ethnicity", "Black")]).unwrap();
        assert!(same_group(&a, &b));
        assert!(!same_group(&a, &c));
    }
}
