//! Lawful-basis checks: the evidence an s.158 intervention rests on, and
//! the s.159 tie-break with its auditable record.
//!
//! These are aids, not legal advice. Section 158 of the Equality Act 2010
//! allows positive action when the employer reasonably thinks that people
//! who share a protected characteristic are disadvantaged, have different
//! needs, or participate disproportionately little; section 159 allows
//! preferring a candidate in recruitment or promotion only when the
//! candidates are as qualified as each other, the preferred group is
//! disadvantaged or under-represented, and there is no policy of automatic
//! preference. The functions here gather what the data shows and refuse
//! what the Act does not allow.

use std::fmt;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::impact::analysis::ImpactAnalysis;
use crate::records::breakdown::Group;
use crate::records::candidate::{Candidate, CandidateId};
use crate::records::intervention::{Intervention, LawfulBasis, TieBreakCondition, group_admits};
use crate::records::pipeline::Stage;
use crate::stats::{FisherExact, ZTest};
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

/// A target group's disadvantage at a target stage: its impact ratio is
/// below 1, with the tests of the impact analysis.
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
}

/// A target group's under-representation: its representation ratio is
/// below 1.
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
}

/// What the figures show for an intervention's lawful basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EvidenceFinding {
    /// Some target group is disadvantaged at a target stage or
    /// under-represented.
    Supported,
    /// No figure shows either.
    NoEvidence,
}

/// The evidence that an intervention's target groups are disadvantaged at
/// its target stages (impact ratio < 1, with Fisher's test and the ratio's
/// interval) or under-represented against a benchmark (representation
/// ratio < 1): what s.158(1) and s.159(1) ask an employer to reasonably
/// think before acting.
///
/// When the figures show neither, the finding says so: that is a result,
/// not an error.
///
/// ```
/// use positive_action::*;
/// use positive_action::workforce::Representation;
/// use positive_action::interventions::{DisadvantageEvidence, Eligibility, EvidenceFinding, Intervention, InterventionKind, LawfulBasis, Merit, PositiveActionEvidence, QualificationRule, RecordedCandidate, RuleApplication, ScoreBand, Section158Condition, TieBreak, TieBreakCase, TieBreakCondition, TieBreakDecision, TieBreakRule, TiedCandidate, UnderRepresentationEvidence};
/// use positive_action::records::Rank;
/// use positive_action::stats::{FisherExact, ZTest, rate};
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
    /// Its target groups.
    pub target_groups: Vec<Group>,
    /// Its target stages.
    pub target_stages: Vec<Stage>,
    /// Each target group at each target stage with an impact ratio below 1.
    pub disadvantage: Vec<DisadvantageEvidence>,
    /// Each target group with a representation ratio below 1.
    pub under_representation: Vec<UnderRepresentationEvidence>,
    /// Whether any of it is there.
    pub finding: EvidenceFinding,
    /// The finding in a sentence.
    pub summary: String,
    /// What was looked at and found no disadvantage, and what could not be
    /// looked at.
    pub notes: Vec<String>,
}

/// Whether two groups have the same categories on the same
/// characteristics, whatever their order.
fn same_group(a: &Group, b: &Group) -> bool {
    a.entries().len() == b.entries().len() && a.entries().all(|(c, v)| b.category(c) == Some(v))
}

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
        if let Some(analysis) = impact {
            if analysis.pipeline != intervention.pipeline().name() {
                return Err(Error::PipelineMismatch {
                    expected: intervention.pipeline().name().to_owned(),
                    found: analysis.pipeline.clone(),
                });
            }
            for stage in intervention.target_stages() {
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
                                below_threshold: ratio < analysis.options.threshold,
                                significant: row
                                    .fisher
                                    .is_some_and(|f| f.two_sided < analysis.options.alpha),
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
                under_representation.push(UnderRepresentationEvidence {
                    group: figure.group.clone(),
                    scope: figure.scope.clone(),
                    headcount: figure.headcount,
                    declared: figure.declared,
                    share: figure.share(),
                    benchmark_share: figure.benchmark_share,
                    ratio,
                    gap_points: figure.gap_points(),
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
        let stages = intervention
            .target_stages()
            .iter()
            .map(Stage::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let basis = intervention.lawful_basis();
        let (finding, summary) = if disadvantage.is_empty() && under_representation.is_empty() {
            (
                EvidenceFinding::NoEvidence,
                format!(
                    "no evidence in these figures that {} are disadvantaged at {stages} (impact ratio < 1) or under-represented (representation ratio < 1); they do not support {basis} on their own",
                    intervention.eligibility()
                ),
            )
        } else {
            (
                EvidenceFinding::Supported,
                format!(
                    "evidence for {basis}: {} finding(s) of disadvantage at {stages} and {} of under-representation",
                    disadvantage.len(),
                    under_representation.len()
                ),
            )
        };
        Ok(Self {
            intervention: intervention.name().to_owned(),
            lawful_basis: basis,
            target_groups: targets.to_vec(),
            target_stages: intervention.target_stages().to_vec(),
            disadvantage,
            under_representation,
            finding,
            summary,
            notes,
        })
    }

    /// Whether the figures show any disadvantage or under-representation.
    pub fn is_supported(&self) -> bool {
        self.finding == EvidenceFinding::Supported
    }

    /// Whether the figures show this group disadvantaged or
    /// under-represented.
    pub fn supports(&self, group: &Group) -> bool {
        self.disadvantage
            .iter()
            .any(|d| same_group(&d.group, group))
            || self
                .under_representation
                .iter()
                .any(|u| same_group(&u.group, group))
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
                "gap (pp)",
            ]);
            for u in &self.under_representation {
                t.row(vec![
                    u.group.to_string(),
                    u.scope.clone(),
                    u.headcount.to_string(),
                    percent(Some(u.share)),
                    percent(Some(u.benchmark_share)),
                    decimal(Some(u.ratio), 3),
                    decimal(Some(u.gap_points), 1),
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

/// A band of assessed scores: scores from `from` up to the next band's
/// `from` fall in it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScoreBand {
    /// The band's label.
    pub label: String,
    /// The least score in the band.
    pub from: f64,
}

/// A stated rule that puts scores into bands, under which candidates in the
/// same band count as equally qualified.
///
/// ```
/// use positive_action::interventions::Banding;
///
/// let banding = Banding::new("board scores in bands of 10 from 50", [("C", 50.0), ("B", 60.0), ("A", 70.0)])?;
/// assert_eq!(banding.band_of(64.5), Some("B"));
/// assert_eq!(banding.band_of(49.0), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "BandingSpec", into = "BandingSpec")
)]
pub struct Banding {
    statement: String,
    bands: Vec<ScoreBand>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BandingSpec {
    statement: String,
    bands: Vec<ScoreBand>,
}

#[cfg(feature = "serde")]
impl TryFrom<BandingSpec> for Banding {
    type Error = Error;
    fn try_from(s: BandingSpec) -> Result<Self> {
        Self::new(
            &s.statement,
            s.bands.iter().map(|b| (b.label.as_str(), b.from)),
        )
    }
}

#[cfg(feature = "serde")]
impl From<Banding> for BandingSpec {
    fn from(b: Banding) -> Self {
        Self {
            statement: b.statement,
            bands: b.bands,
        }
    }
}

impl Banding {
    /// A banding rule: its statement, as the selection policy words it, and
    /// its bands as (label, least score), lowest first.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a blank statement or label, no band, a
    /// label given twice, or least scores that are not finite and strictly
    /// increasing.
    pub fn new<'a>(
        statement: &str,
        bands: impl IntoIterator<Item = (&'a str, f64)>,
    ) -> Result<Self> {
        let invalid = |value: String, expected| Error::InvalidOption {
            name: "banding",
            value,
            expected,
        };
        let statement = statement.trim();
        if statement.is_empty() {
            return Err(invalid(
                "a blank statement".to_owned(),
                "the rule stated in words, as the selection policy gives it",
            ));
        }
        let bands: Vec<ScoreBand> = bands
            .into_iter()
            .map(|(l, from)| ScoreBand {
                label: l.trim().to_owned(),
                from,
            })
            .collect();
        if bands.is_empty() {
            return Err(invalid("no bands".to_owned(), "at least one band"));
        }
        for (i, b) in bands.iter().enumerate() {
            if b.label.is_empty() {
                return Err(invalid("a blank band label".to_owned(), "a label per band"));
            }
            if bands[..i].iter().any(|p| p.label == b.label) {
                return Err(invalid(
                    format!("band {:?} twice", b.label),
                    "distinct band labels",
                ));
            }
            if !b.from.is_finite() || (i > 0 && b.from <= bands[i - 1].from) {
                return Err(invalid(
                    format!("band {:?} from {}", b.label, b.from),
                    "finite least scores, strictly increasing from the lowest band",
                ));
            }
        }
        Ok(Self {
            statement: statement.to_owned(),
            bands,
        })
    }

    /// The rule in words.
    pub fn statement(&self) -> &str {
        &self.statement
    }

    /// The bands, lowest first.
    pub fn bands(&self) -> &[ScoreBand] {
        &self.bands
    }

    /// The band a score falls in; `None` below the lowest band or for a
    /// score that is not a number.
    pub fn band_of(&self, score: f64) -> Option<&str> {
        self.bands
            .iter()
            .rev()
            .find(|b| score >= b.from)
            .map(|b| b.label.as_str())
    }
}

/// When candidates count as equally qualified (s.159(4)(a)).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum QualificationRule {
    /// Exactly equal assessed scores.
    EqualScores,
    /// The same band under a stated banding rule.
    SameBand(Banding),
}

impl fmt::Display for QualificationRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EqualScores => f.write_str("equal scores"),
            Self::SameBand(b) => write!(f, "the same band ({})", b.statement),
        }
    }
}

/// A candidate's assessed merit: a score, or a band already assigned.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Merit {
    /// An assessed score.
    Score(f64),
    /// A band, by label.
    Band(String),
}

impl fmt::Display for Merit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Score(s) => write!(f, "score {s}"),
            Self::Band(b) => write!(f, "band {b}"),
        }
    }
}

/// Whether a rule is applied case by case or automatically.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RuleApplication {
    /// Each tie is considered on its own. The only lawful way.
    #[default]
    CaseByCase,
    /// Applied to every tie without considering each: a policy of
    /// automatic preference, which s.159(4)(b) does not allow.
    Automatic,
}

/// A tie-break rule: its name, when candidates count as equally qualified,
/// and how it is applied.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TieBreakRuleSpec", into = "TieBreakRuleSpec")
)]
pub struct TieBreakRule {
    name: String,
    qualification: QualificationRule,
    application: RuleApplication,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TieBreakRuleSpec {
    name: String,
    qualification: QualificationRule,
    #[serde(default)]
    application: RuleApplication,
}

#[cfg(feature = "serde")]
impl TryFrom<TieBreakRuleSpec> for TieBreakRule {
    type Error = Error;
    fn try_from(s: TieBreakRuleSpec) -> Result<Self> {
        Self::new(&s.name, s.qualification, s.application)
    }
}

#[cfg(feature = "serde")]
impl From<TieBreakRule> for TieBreakRuleSpec {
    fn from(r: TieBreakRule) -> Self {
        Self {
            name: r.name,
            qualification: r.qualification,
            application: r.application,
        }
    }
}

impl TieBreakRule {
    /// A rule by name. An automatic rule can be written down (a policy
    /// document may say so), but [`TieBreak::new`] refuses it.
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank name.
    pub fn new(
        name: &str,
        qualification: QualificationRule,
        application: RuleApplication,
    ) -> Result<Self> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName {
                what: "tie-break rule",
            });
        }
        Ok(Self {
            name: name.to_owned(),
            qualification,
            application,
        })
    }

    /// The rule's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When candidates count as equally qualified.
    pub fn qualification(&self) -> &QualificationRule {
        &self.qualification
    }

    /// How it is applied.
    pub fn application(&self) -> RuleApplication {
        self.application
    }
}

/// A candidate in a tie, with their assessed merit.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TiedCandidate {
    /// The candidate, whose profile says whether they are in the preferred
    /// group.
    pub candidate: Candidate,
    /// Their assessed merit.
    pub merit: Merit,
}

/// One tie to decide: one place, at one stage, between candidates whose
/// merit is recorded, with the group to prefer and the reasons why
/// preference is proportionate here.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TieBreakCaseSpec", into = "TieBreakCaseSpec")
)]
pub struct TieBreakCase {
    reference: String,
    stage: Stage,
    places: u64,
    candidates: Vec<TiedCandidate>,
    preferred: Group,
    date: NaiveDate,
    reasons: String,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TieBreakCaseSpec {
    reference: String,
    stage: Stage,
    #[serde(default = "one")]
    places: u64,
    candidates: Vec<TiedCandidate>,
    preferred: Group,
    date: NaiveDate,
    #[serde(default)]
    reasons: String,
}

#[cfg(feature = "serde")]
fn one() -> u64 {
    1
}

#[cfg(feature = "serde")]
impl TryFrom<TieBreakCaseSpec> for TieBreakCase {
    type Error = Error;
    fn try_from(s: TieBreakCaseSpec) -> Result<Self> {
        let mut c = Self::new(&s.reference, s.stage, s.preferred, s.date)?;
        c.places = s.places;
        c.candidates = s.candidates;
        c.reasons = s.reasons;
        Ok(c)
    }
}

#[cfg(feature = "serde")]
impl From<TieBreakCase> for TieBreakCaseSpec {
    fn from(c: TieBreakCase) -> Self {
        Self {
            reference: c.reference,
            stage: c.stage,
            places: c.places,
            candidates: c.candidates,
            preferred: c.preferred,
            date: c.date,
            reasons: c.reasons,
        }
    }
}

impl TieBreakCase {
    /// A tie for one place at `stage`, decided on `date`, preferring
    /// `preferred`. Add the candidates and the reasons; [`TieBreak::decide`]
    /// checks the conditions of s.159.
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank reference, and
    /// [`Error::TieBreakRefused`] ([`TieBreakCondition::Applies`]) for a
    /// preferred group that is empty or unknown.
    pub fn new(reference: &str, stage: Stage, preferred: Group, date: NaiveDate) -> Result<Self> {
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(Error::EmptyName {
                what: "tie-break case",
            });
        }
        if preferred.entries().len() == 0 || preferred.is_unknown() {
            return Err(Error::TieBreakRefused {
                subject: format!("case {reference:?}"),
                condition: TieBreakCondition::Applies,
                detail: format!(
                    "the preferred group {preferred} is not a group of declared categories"
                ),
            });
        }
        Ok(Self {
            reference: reference.to_owned(),
            stage,
            places: 1,
            candidates: Vec::new(),
            preferred,
            date,
            reasons: String::new(),
        })
    }

    /// The same case with one more tied candidate.
    pub fn with_candidate(mut self, candidate: Candidate, merit: Merit) -> Self {
        self.candidates.push(TiedCandidate { candidate, merit });
        self
    }

    /// The same case deciding `places` places at once. Only 1 is allowed:
    /// each place is its own case (s.159(4)(b)).
    pub fn with_places(mut self, places: u64) -> Self {
        self.places = places;
        self
    }

    /// The same case with the reasons why preferring is proportionate here
    /// (s.159(4)(c)).
    pub fn with_reasons(mut self, reasons: &str) -> Self {
        reasons.trim().clone_into(&mut self.reasons);
        self
    }

    /// The case's reference.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// The tied candidates.
    pub fn candidates(&self) -> &[TiedCandidate] {
        &self.candidates
    }
}

/// A candidate as the decision record keeps them: id, merit, and whether
/// they are in the preferred group, never their whole profile.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RecordedCandidate {
    /// The candidate.
    pub candidate: CandidateId,
    /// Their assessed merit.
    pub merit: Merit,
    /// Their band under the rule, when it bands.
    pub band: Option<String>,
    /// Whether they are in the preferred group.
    pub in_preferred_group: bool,
    /// Whether the tie-break chose them.
    pub selected: bool,
}

/// The auditable record of one s.159 tie-break: the candidates and their
/// merit, the evidence, the rule, how each condition was met, and the date.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TieBreakDecision {
    /// The case's reference.
    pub case: String,
    /// The tie-break intervention.
    pub intervention: String,
    /// Its pipeline.
    pub pipeline: String,
    /// The stage of the tie.
    pub stage: Stage,
    /// When it was decided.
    pub date: NaiveDate,
    /// The rule used.
    pub rule: TieBreakRule,
    /// The preferred group.
    pub preferred_group: Group,
    /// The candidate chosen.
    pub selected: CandidateId,
    /// Every tied candidate.
    pub candidates: Vec<RecordedCandidate>,
    /// The disadvantage found for the preferred group.
    pub disadvantage: Vec<DisadvantageEvidence>,
    /// The under-representation found for the preferred group.
    pub under_representation: Vec<UnderRepresentationEvidence>,
    /// Why preference is proportionate in this case.
    pub reasons: String,
    /// Each condition of s.159, and how it was met.
    pub conditions: Vec<String>,
    /// The statute.
    pub basis: String,
}

/// The s.159 tie-break of a tie-break intervention under a stated rule.
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::*;
/// use positive_action::interventions::{Eligibility, Intervention, InterventionKind, LawfulBasis, Merit, PositiveActionEvidence, QualificationRule, RepresentationFigure, RuleApplication, TieBreak, TieBreakCase, TieBreakRule};
/// use positive_action::records::Rank;
///
/// let pipeline = Pipeline::police_promotion("sergeant 2025", Rank::CONSTABLE, Rank::SERGEANT)?;
/// let women = Group::parse([("sex", "female")])?;
/// let tie_break = Intervention::new("board tie-break", InterventionKind::TieBreak, &pipeline, ["board"],
///                                   Eligibility::any_of([women.clone()])?, LawfulBasis::Section159TieBreak)?;
/// // Women are 31% of sergeants with a declared sex, against 45% of constables.
/// let evidence = PositiveActionEvidence::gather(&tie_break, None, &[
///     RepresentationFigure::new(women.clone(), "sergeant", 310, 1_000, 0.45)?,
/// ])?;
/// let rule = TieBreakRule::new("equal board scores", QualificationRule::EqualScores, RuleApplication::CaseByCase)?;
/// let decider = TieBreak::new(&tie_break, rule)?;
///
/// let asha = Candidate::new(CandidateId::from_external("PC-1"), Profile::parse([("sex", "female")])?);
/// let ben = Candidate::new(CandidateId::from_external("PC-2"), Profile::parse([("sex", "male")])?);
/// let date = NaiveDate::from_ymd_opt(2025, 6, 2).ok_or("bad date")?;
/// let case = TieBreakCase::new("board 2025/17", Stage::BOARD, women, date)?
///     .with_candidate(asha.clone(), Merit::Score(72.0))
///     .with_candidate(ben.clone(), Merit::Score(72.0))
///     .with_reasons("women are under-represented at sergeant; both met every criterion");
/// let decision = decider.decide(&case, &evidence)?;
/// assert_eq!(decision.selected, asha.id);
///
/// // Unequal scores are refused, naming the condition.
/// let unequal = TieBreakCase::new("board 2025/18", Stage::BOARD, Group::parse([("sex", "female")])?, date)?
///     .with_candidate(asha, Merit::Score(70.0))
///     .with_candidate(ben, Merit::Score(72.0))
///     .with_reasons("…");
/// let err = decider.decide(&unequal, &evidence).unwrap_err();
/// assert!(err.to_string().contains("as qualified as each other (s.159(4)(a))"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TieBreakSpec", into = "TieBreakSpec")
)]
pub struct TieBreak {
    intervention: Intervention,
    rule: TieBreakRule,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TieBreakSpec {
    intervention: Intervention,
    rule: TieBreakRule,
}

#[cfg(feature = "serde")]
impl TryFrom<TieBreakSpec> for TieBreak {
    type Error = Error;
    fn try_from(s: TieBreakSpec) -> Result<Self> {
        Self::new(&s.intervention, s.rule)
    }
}

#[cfg(feature = "serde")]
impl From<TieBreak> for TieBreakSpec {
    fn from(t: TieBreak) -> Self {
        Self {
            intervention: t.intervention,
            rule: t.rule,
        }
    }
}

impl TieBreak {
    /// A tie-break for an s.159 intervention under a rule.
    ///
    /// # Errors
    /// [`Error::TieBreakRefused`]: [`TieBreakCondition::Applies`] unless
    /// the intervention's basis is s.159, and
    /// [`TieBreakCondition::CaseByCase`] for an automatic rule.
    pub fn new(intervention: &Intervention, rule: TieBreakRule) -> Result<Self> {
        if intervention.lawful_basis() != LawfulBasis::Section159TieBreak {
            return Err(Error::TieBreakRefused {
                subject: format!("intervention {:?}", intervention.name()),
                condition: TieBreakCondition::Applies,
                detail: format!(
                    "its basis is {}: expected s.159",
                    intervention.lawful_basis()
                ),
            });
        }
        if rule.application == RuleApplication::Automatic {
            return Err(Error::TieBreakRefused {
                subject: format!("rule {:?}", rule.name),
                condition: TieBreakCondition::CaseByCase,
                detail: "the rule is applied automatically to every tie: expected each case to be considered on its own".to_owned(),
            });
        }
        Ok(Self {
            intervention: intervention.clone(),
            rule,
        })
    }

    /// The rule.
    pub fn rule(&self) -> &TieBreakRule {
        &self.rule
    }

    /// Decides one tie, or refuses it with the condition that failed.
    ///
    /// The tie must be at one of the intervention's target stages, for one
    /// place, between at least two distinct candidates as qualified as each
    /// other under the rule, exactly one of whom is in the preferred group;
    /// the preferred group must be one the intervention targets, and the
    /// evidence (gathered for this intervention) must show it disadvantaged
    /// or under-represented; and the reasons must be recorded.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use positive_action::*;
    /// use positive_action::interventions::{Eligibility, Intervention, InterventionKind, LawfulBasis, Merit, PositiveActionEvidence, QualificationRule, RepresentationFigure, RuleApplication, TieBreak, TieBreakCase, TieBreakCondition, TieBreakRule};
    ///
    /// let pipeline = Pipeline::police_constable_recruitment("PC 2025/26");
    /// let black = Group::parse([("ethnicity", "Black")])?;
    /// let tie_break = Intervention::new("appointment tie-break", InterventionKind::TieBreak, &pipeline,
    ///     ["appointment"], Eligibility::any_of([black.clone()])?, LawfulBasis::Section159TieBreak)?;
    /// let evidence = PositiveActionEvidence::gather(&tie_break, None,
    ///     &[RepresentationFigure::new(black.clone(), "workforce", 12, 1_000, 0.035)?])?;
    /// let decider = TieBreak::new(&tie_break, TieBreakRule::new("equal scores",
    ///     QualificationRule::EqualScores, RuleApplication::CaseByCase)?)?;
    /// let person = |id: &str, ethnicity| -> Result<Candidate> {
    ///     Ok(Candidate::new(CandidateId::from_external(id), Profile::parse([("ethnicity", ethnicity)])?))
    /// };
    /// let date = NaiveDate::from_ymd_opt(2025, 9, 1).ok_or("bad date")?;
    ///
    /// // Filling two places at once is a blanket decision, and is refused.
    /// let batch = TieBreakCase::new("intake 2025/9", Stage::APPOINTMENT, black, date)?
    ///     .with_candidate(person("A-1", "Black")?, Merit::Score(64.0))
    ///     .with_candidate(person("A-2", "White")?, Merit::Score(64.0))
    ///     .with_places(2)
    ///     .with_reasons("Black officers are 1.2% of the force against 3.5% locally");
    /// let err = decider.decide(&batch, &evidence).unwrap_err();
    /// assert!(matches!(err, Error::TieBreakRefused { condition: TieBreakCondition::CaseByCase, .. }));
    ///
    /// // One place is decided, and recorded.
    /// let decision = decider.decide(&batch.with_places(1), &evidence)?;
    /// assert_eq!(decision.selected, CandidateId::from_external("A-1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TieBreakRefused`] naming the [`TieBreakCondition`] that
    /// failed.
    pub fn decide(
        &self,
        case: &TieBreakCase,
        evidence: &PositiveActionEvidence,
    ) -> Result<TieBreakDecision> {
        let refuse = |condition, detail: String| Error::TieBreakRefused {
            subject: format!("case {:?}", case.reference),
            condition,
            detail,
        };
        let iv = &self.intervention;
        if !iv.target_stages().contains(&case.stage) {
            return Err(refuse(
                TieBreakCondition::Applies,
                format!(
                    "the tie is at {}, which intervention {:?} does not target",
                    case.stage,
                    iv.name()
                ),
            ));
        }
        if !iv
            .eligibility()
            .target_groups()
            .iter()
            .any(|g| same_group(g, &case.preferred))
        {
            return Err(refuse(
                TieBreakCondition::Applies,
                format!(
                    "intervention {:?} does not target {}: expected one of {}",
                    iv.name(),
                    case.preferred,
                    iv.eligibility()
                ),
            ));
        }
        if case.candidates.len() < 2 {
            return Err(refuse(
                TieBreakCondition::Applies,
                format!(
                    "{} candidate(s): a tie needs at least two",
                    case.candidates.len()
                ),
            ));
        }
        for (i, c) in case.candidates.iter().enumerate() {
            if case.candidates[..i]
                .iter()
                .any(|p| p.candidate.id == c.candidate.id)
            {
                return Err(refuse(
                    TieBreakCondition::Applies,
                    format!("candidate {} is listed twice", c.candidate.id),
                ));
            }
        }
        if case.places != 1 {
            return Err(refuse(
                TieBreakCondition::CaseByCase,
                format!(
                    "the call would decide {} places at once: expected one place, each tie decided as its own case",
                    case.places
                ),
            ));
        }
        if case.reasons.trim().is_empty() {
            return Err(refuse(
                TieBreakCondition::Proportionate,
                "expected the reasons for preferring in this case to be recorded".to_owned(),
            ));
        }
        let (bands, qualified) = self
            .as_qualified(case)
            .map_err(|d| refuse(TieBreakCondition::AsQualified, d))?;
        let in_group: Vec<bool> = case
            .candidates
            .iter()
            .map(|c| group_admits(&case.preferred, &c.candidate.profile))
            .collect();
        let preferred: Vec<usize> = (0..in_group.len()).filter(|&i| in_group[i]).collect();
        let chosen = match preferred.as_slice() {
            [one] => *one,
            [] => {
                return Err(refuse(
                    TieBreakCondition::Applies,
                    format!(
                        "no candidate is in {}, so there is no one to prefer",
                        case.preferred
                    ),
                ));
            }
            many if many.len() == in_group.len() => {
                return Err(refuse(
                    TieBreakCondition::Applies,
                    format!(
                        "every candidate is in {}, so s.159 cannot choose between them",
                        case.preferred
                    ),
                ));
            }
            many => {
                return Err(refuse(
                    TieBreakCondition::Applies,
                    format!(
                        "{} candidates are in {}, so s.159 cannot choose between them: decide between them on other grounds first",
                        many.len(),
                        case.preferred
                    ),
                ));
            }
        };
        if evidence.intervention != iv.name() {
            return Err(refuse(
                TieBreakCondition::Evidence,
                format!(
                    "the evidence was gathered for intervention {:?}: expected {:?}",
                    evidence.intervention,
                    iv.name()
                ),
            ));
        }
        let disadvantage: Vec<DisadvantageEvidence> = evidence
            .disadvantage
            .iter()
            .filter(|d| same_group(&d.group, &case.preferred))
            .cloned()
            .collect();
        let under_representation: Vec<UnderRepresentationEvidence> = evidence
            .under_representation
            .iter()
            .filter(|u| same_group(&u.group, &case.preferred))
            .cloned()
            .collect();
        if disadvantage.is_empty() && under_representation.is_empty() {
            return Err(refuse(
                TieBreakCondition::Evidence,
                format!(
                    "the evidence shows no impact ratio below 1 and no representation ratio below 1 for {}",
                    case.preferred
                ),
            ));
        }
        let conditions = vec![
            format!(
                "s.159 applies: a tie for one place at {} of {:?}, with exactly one of {} candidates in {}",
                case.stage,
                iv.pipeline().name(),
                case.candidates.len(),
                case.preferred
            ),
            format!("as qualified as each other (s.159(4)(a)): {qualified}"),
            format!(
                "{} shown disadvantaged or under-represented (s.159(1)): {} finding(s) of disadvantage, {} of under-representation",
                case.preferred,
                disadvantage.len(),
                under_representation.len()
            ),
            format!(
                "decided on its own (s.159(4)(b)): one place, rule {:?} applied case by case",
                self.rule.name
            ),
            "reasons recorded for proportionality (s.159(4)(c))".to_owned(),
        ];
        Ok(TieBreakDecision {
            case: case.reference.clone(),
            intervention: iv.name().to_owned(),
            pipeline: iv.pipeline().name().to_owned(),
            stage: case.stage.clone(),
            date: case.date,
            rule: self.rule.clone(),
            preferred_group: case.preferred.clone(),
            selected: case.candidates[chosen].candidate.id,
            candidates: case
                .candidates
                .iter()
                .zip(bands)
                .enumerate()
                .map(|(i, (c, band))| RecordedCandidate {
                    candidate: c.candidate.id,
                    merit: c.merit.clone(),
                    band,
                    in_preferred_group: in_group[i],
                    selected: i == chosen,
                })
                .collect(),
            disadvantage,
            under_representation,
            reasons: case.reasons.clone(),
            conditions,
            basis: "Equality Act 2010, s.159".to_owned(),
        })
    }

    /// Checks the candidates are as qualified as each other under the
    /// rule; returns each one's band (when the rule bands) and how they
    /// were found equal, or why not.
    fn as_qualified(
        &self,
        case: &TieBreakCase,
    ) -> std::result::Result<(Vec<Option<String>>, String), String> {
        match &self.rule.qualification {
            QualificationRule::EqualScores => {
                let mut scores = Vec::with_capacity(case.candidates.len());
                for c in &case.candidates {
                    match c.merit {
                        Merit::Score(s) if s.is_finite() => scores.push(s),
                        Merit::Score(s) => {
                            return Err(format!(
                                "candidate {} has score {s}: expected a finite number",
                                c.candidate.id
                            ));
                        }
                        Merit::Band(ref b) => {
                            return Err(format!(
                                "candidate {} has band {b:?}, but the rule compares equal scores",
                                c.candidate.id
                            ));
                        }
                    }
                }
                // decide() has checked there are at least two candidates.
                let first = scores[0];
                if let Some(i) = scores.iter().position(|&s| s != first) {
                    return Err(format!(
                        "candidate {} scored {} and candidate {} scored {first}: expected equal scores",
                        case.candidates[i].candidate.id, scores[i], case.candidates[0].candidate.id
                    ));
                }
                Ok((vec![None; scores.len()], format!("equal scores of {first}")))
            }
            QualificationRule::SameBand(banding) => {
                let mut bands = Vec::with_capacity(case.candidates.len());
                for c in &case.candidates {
                    let band = match &c.merit {
                        // Banding::new requires at least one band.
                        Merit::Score(s) => banding.band_of(*s).ok_or_else(|| {
                            format!(
                                "candidate {} has score {s}, in no band of the rule: expected at least {}",
                                c.candidate.id, banding.bands[0].from
                            )
                        })?,
                        Merit::Band(b) => banding
                            .bands
                            .iter()
                            .find(|x| x.label == b.trim())
                            .map(|x| x.label.as_str())
                            .ok_or_else(|| {
                                format!(
                                    "candidate {} has band {b:?}, which the rule does not define",
                                    c.candidate.id
                                )
                            })?,
                    };
                    bands.push(band.to_owned());
                }
                // decide() has checked there are at least two candidates.
                let first = bands[0].clone();
                if let Some(i) = bands.iter().position(|b| *b != first) {
                    return Err(format!(
                        "candidate {} is in band {} and candidate {} in band {first}: expected the same band under {:?}",
                        case.candidates[i].candidate.id,
                        bands[i],
                        case.candidates[0].candidate.id,
                        banding.statement
                    ));
                }
                Ok((
                    bands.into_iter().map(Some).collect(),
                    format!("all in band {first} under {:?}", banding.statement),
                ))
            }
        }
    }
}

impl fmt::Display for TieBreakDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Tie-break {:?} at {} of {:?}, {} ({})",
            self.case, self.stage, self.pipeline, self.date, self.basis
        )?;
        let mut t = TextTable::new(["candidate", "merit", "band", "preferred group", "selected"]);
        for c in &self.candidates {
            t.row(vec![
                c.candidate.to_string(),
                c.merit.to_string(),
                c.band.clone().unwrap_or_else(|| "n/a".to_owned()),
                if c.in_preferred_group { "yes" } else { "no" }.to_owned(),
                if c.selected { "yes" } else { "no" }.to_owned(),
            ]);
        }
        write!(f, "{t}")?;
        for c in &self.conditions {
            writeln!(f, "- {c}")?;
        }
        writeln!(f, "reasons: {}", self.reasons)
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
    fn banding_validates_and_bands() {
        assert!(Banding::new("", [("a", 1.0)]).is_err());
        assert!(Banding::new("s", []).is_err());
        assert!(Banding::new("s", [("a", 1.0), ("a", 2.0)]).is_err());
        assert!(Banding::new("s", [("a", 2.0), ("b", 2.0)]).is_err());
        assert!(Banding::new("s", [("a", f64::NAN)]).is_err());
        let b = Banding::new("s", [("low", 0.0), ("high", 10.0)]).unwrap();
        assert_eq!(b.band_of(10.0), Some("high"));
        assert_eq!(b.band_of(9.99), Some("low"));
        assert_eq!(b.band_of(f64::NAN), None);
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
