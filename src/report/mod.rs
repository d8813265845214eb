//! The report: what leaves the library, as plain data.
//!
//! A [`Report`] holds the adverse impact of every stage and of the bottom
//! line, the pinch points, strata if any, and notes, in the stable JSON form
//! other tools rely on. It knows nothing of rendering: [`Report::to_text`]
//! and [`Report::to_svg`] sit beside it. A report built with a minimum cell
//! size (`min_cell`) is safe to publish: small counts, and everything that
//! would let them be worked out, are withheld.
//!
//! The workforce sections (representation, disproportionality, attrition
//! and declaration, added with [`Report::with_representation`],
//! [`Report::with_disproportionality`], [`Report::with_attrition`] and
//! [`Report::with_declaration`]) are kept in a suppressed report, with
//! their own primary and secondary suppression: their JSON is the
//! analysis's, with counts that may be `null` and a `withheld` list on each
//! row (see [`PublishedRepresentation`] and the others, whose module docs
//! list the linked totals each treats as published). The evaluation of an
//! intervention is not yet covered: a suppressed report leaves it out and
//! says so in its notes.
//!
//! # Limits
//!
//! `min_cell` runs from 0 to 1,000: 0 or 1 turns suppression off, and a
//! larger value is an [`Error::InvalidOption`](crate::error::Error). The
//! suppression search audits one group at a time, so a report takes time
//! proportional to its groups × stages: 100,000 groups × 2 stages with
//! `min_cell` 5 finish in about 10 s in a debug build, and 120 groups ×
//! 8 stages in milliseconds (see `benches/suppression.rs`). The method,
//! and the figures it withholds rather than models, are described in the
//! `disclosure` module.

mod disclosure;
mod input;
mod published;
mod svg;
mod text;

pub use input::{AnalysisSpec, PreparedInput, ReportInput, StratumInput, WorkforceInput};
pub use published::{
    PublishedAttrition, PublishedAttritionRow, PublishedDeclaration, PublishedDeclarationRow,
    PublishedDisproportionality, PublishedDisproportionalityRow, PublishedRepresentation,
    PublishedRepresentationRow, PublishedRepresentationSection,
};

use crate::counts::funnel_counts::FunnelCounts;
use crate::error::Result;
use crate::impact::analysis::{GroupImpact, ImpactAnalysis, ImpactOptions, StageImpact};
use crate::impact::decomposition::Decomposition;
use crate::impact::strata::{StratifiedImpact, Stratum};
use crate::interventions::evaluation::{InterventionEvaluation, PublishedEvaluation};
use crate::records::breakdown::{Breakdown, Group};
use crate::stats::{FisherExact, Shortfall, ZTest};
use crate::workforce::attrition::Attrition;
use crate::workforce::declaration::Declaration;
use crate::workforce::disproportionality::Disproportionality;
use crate::workforce::representation::Representation;

/// One group at one stage, as published. Every field is optional: `null`
/// is either undefined (the stage's notes say why) or withheld by
/// small-cell suppression (listed in `withheld`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReportGroup {
    /// The group.
    pub group: Group,
    /// Entered.
    pub entered: Option<u64>,
    /// Passed.
    pub passed: Option<u64>,
    /// Failed.
    pub failed: Option<u64>,
    /// Withdrew.
    pub withdrew: Option<u64>,
    /// Pending.
    pub pending: Option<u64>,
    /// Exempt.
    pub exempt: Option<u64>,
    /// Prefer not to say or not recorded: never the reference, never flagged.
    pub unknown: bool,
    /// The reference group.
    pub reference: bool,
    /// The pass rate on the analysis's basis.
    pub pass_rate: Option<f64>,
    /// The impact ratio against the reference.
    pub impact_ratio: Option<f64>,
    /// Its log-method confidence interval.
    pub impact_ratio_ci: Option<[f64; 2]>,
    /// Impact ratio below the threshold.
    pub adverse_impact: Option<bool>,
    /// Fisher's exact test.
    pub fisher: Option<FisherExact>,
    /// The pooled two-proportion z test.
    pub z_test: Option<ZTest>,
    /// Pearson's chi-square.
    pub chi2: Option<f64>,
    /// Its p-value.
    pub chi2_p_value: Option<f64>,
    /// Yates-corrected chi-square.
    pub chi2_yates: Option<f64>,
    /// Its p-value.
    pub chi2_yates_p_value: Option<f64>,
    /// Z_IR (Morris and Lobsenz 2000).
    pub z_ir: Option<f64>,
    /// The odds ratio.
    pub odds_ratio: Option<f64>,
    /// Cohen's h.
    pub cohens_h: Option<f64>,
    /// The three named shortfalls.
    pub shortfall: Option<Shortfall>,
    /// The flip-flop rule.
    pub flip_flop: Option<bool>,
    /// Still significant had one more passed.
    pub significant_after_one_more: Option<bool>,
    /// Still significant had two more passed.
    pub significant_after_two_more: Option<bool>,
    /// The figures withheld by small-cell suppression.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&GroupImpact> for ReportGroup {
    fn from(g: &GroupImpact) -> Self {
        Self {
            group: g.group.clone(),
            entered: Some(g.entered),
            passed: Some(g.passed),
            failed: Some(g.failed),
            withdrew: Some(g.withdrew),
            pending: Some(g.pending),
            exempt: Some(g.exempt),
            unknown: g.unknown,
            reference: g.reference,
            pass_rate: g.pass_rate,
            impact_ratio: g.impact_ratio,
            impact_ratio_ci: g.impact_ratio_ci,
            adverse_impact: Some(g.adverse_impact),
            fisher: g.fisher,
            z_test: g.z_test,
            chi2: g.chi2,
            chi2_p_value: g.chi2_p_value,
            chi2_yates: g.chi2_yates,
            chi2_yates_p_value: g.chi2_yates_p_value,
            z_ir: g.z_ir,
            odds_ratio: g.odds_ratio,
            cohens_h: g.cohens_h,
            shortfall: g.shortfall,
            flip_flop: g.flip_flop,
            significant_after_one_more: g.significant_after_one_more,
            significant_after_two_more: g.significant_after_two_more,
            withheld: Vec::new(),
        }
    }
}

/// One stage, or the bottom line, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReportStage {
    /// The stage's name, or `bottom_line`.
    pub stage: String,
    /// The reference group (`{}` for the overall rate).
    pub reference: Option<Group>,
    /// The reference rate.
    pub reference_rate: Option<f64>,
    /// Why the reference is the one it is.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub reference_reason: Option<String>,
    /// A row per group.
    pub groups: Vec<ReportGroup>,
    /// Why figures are undefined, and caveats.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub notes: Vec<String>,
}

impl From<&StageImpact> for ReportStage {
    fn from(s: &StageImpact) -> Self {
        Self {
            stage: s.stage.clone(),
            reference: s.reference.clone(),
            reference_rate: s.reference_rate,
            reference_reason: s.reference_reason.clone(),
            groups: s.groups.iter().map(ReportGroup::from).collect(),
            notes: s.notes.clone(),
        }
    }
}

/// What small-cell suppression withheld, over every section of the
/// report (each section's notes give its own figures).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Suppression {
    /// Counts 1 ≤ c < `min_cell` are withheld.
    pub min_cell: u64,
    /// Counts withheld because they are small.
    pub primary: u64,
    /// Further counts withheld so that no small count can be worked out
    /// from published totals.
    pub secondary: u64,
}

/// The options of a report: the breakdown, the impact options, and the
/// minimum cell size for publication (0 publishes everything).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The impact options.
    pub impact: ImpactOptions,
    /// The minimum publishable count; 0 or 1 withholds nothing.
    pub min_cell: u64,
}

/// The whole report: per stage and bottom-line adverse impact, the pinch
/// points, strata, and notes. This is the JSON contract (v1).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Report {
    /// The pipeline's name.
    pub pipeline: String,
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The options used.
    pub options: ImpactOptions,
    /// Each stage.
    pub stages: Vec<ReportStage>,
    /// The bottom line.
    pub bottom_line: ReportStage,
    /// Where each group's bottom-line impact comes from.
    pub decomposition: Vec<Decomposition>,
    /// Mantel-Haenszel and Breslow-Day over strata, when the input has them.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub stratified: Option<StratifiedImpact>,
    /// Small-cell suppression, when applied.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub suppression: Option<Suppression>,
    /// Representation against a benchmark, when the input has workforce
    /// data; under small-cell suppression its headcounts, and every figure
    /// from a withheld one, are withheld (see [`PublishedRepresentation`]).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub representation: Option<PublishedRepresentation>,
    /// Disproportionality tables, one per kind of event.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub disproportionality: Vec<PublishedDisproportionality>,
    /// Attrition in a period.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub attrition: Option<PublishedAttrition>,
    /// Declaration completeness.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub declaration: Option<PublishedDeclaration>,
    /// Evaluations of positive action interventions on this pipeline.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub interventions: Vec<PublishedEvaluation>,
    /// How the input was loaded, when rows were read.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub load: Option<LoadSummary>,
    /// Notes for the reader.
    pub notes: Vec<String>,
    /// The true counts behind a suppressed report, so that sections added
    /// later are suppressed jointly with it; never serialised or printed.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) settled: disclosure::evaluation::Settled,
}

/// How many set-aside records the published report shows for each reason,
/// the first in the input: a lenient load that sets aside most of a large
/// file is summarised by reason rather than listed row by row.
pub const SET_ASIDE_EXAMPLES: usize = 5;

/// Rows read, used and set aside while loading, summarised by reason.
///
/// `read == used + set_aside_total`, always. The in-memory load report
/// ([`crate::io::LoadReport`]) keeps every row set aside; this, the
/// published form, keeps a count per reason and the first
/// [`SET_ASIDE_EXAMPLES`] records of each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LoadSummary {
    /// Records (rows or journeys) read.
    pub read: u64,
    /// Records used.
    pub used: u64,
    /// Records set aside, all of them: `read == used + set_aside_total`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub set_aside_total: u64,
    /// Records set aside, counted by reason (the reason with the record's
    /// own line, candidate, values and numbers taken out), most first, ties
    /// in the order the reason first appears; the counts add up to
    /// `set_aside_total`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub set_aside_by_reason: Vec<SetAsideReason>,
    /// Examples of records set aside, in input order: the first
    /// [`SET_ASIDE_EXAMPLES`] of each reason. It used to list every record
    /// set aside; it is capped now, so count with `set_aside_total`, not
    /// its length.
    pub set_aside: Vec<SetAsideRecord>,
}

/// Records set aside for one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SetAsideReason {
    /// The reason, with the parts that differ from record to record (line
    /// numbers, candidates, quoted values, numbers and ids) replaced by
    /// `#`, `"…"` and `<candidate>`.
    pub reason: String,
    /// How many records were set aside for it.
    pub count: u64,
    /// The first [`SET_ASIDE_EXAMPLES`] of them, each with its full reason.
    pub examples: Vec<SetAsideRecord>,
}

impl LoadSummary {
    /// Summarises records set aside by reason, keeping the first
    /// [`SET_ASIDE_EXAMPLES`] of each; `read` and `used` are as loaded.
    ///
    /// ```
    /// use positive_action::report::{LoadSummary, SetAsideRecord};
    ///
    /// let bad = (0..100).map(|i| SetAsideRecord {
    ///     location: format!("line {}", i + 2),
    ///     reason: format!("csv line {}: 3 fields, expected 4 as in the header", i + 2),
    /// });
    /// let summary = LoadSummary::new(150, 50, bad);
    /// assert_eq!(summary.set_aside_total, 100);
    /// assert_eq!(summary.set_aside_by_reason.len(), 1);
    /// assert_eq!(summary.set_aside_by_reason[0].count, 100);
    /// assert_eq!(summary.set_aside.len(), 5);
    /// ```
    pub fn new(read: u64, used: u64, set_aside: impl IntoIterator<Item = SetAsideRecord>) -> Self {
        Self::summarise(
            read,
            used,
            set_aside
                .into_iter()
                .map(|r| (reason_kind(&r.reason, None), r)),
        )
    }

    fn summarise(
        read: u64,
        used: u64,
        records: impl IntoIterator<Item = (String, SetAsideRecord)>,
    ) -> Self {
        let mut by_reason: Vec<SetAsideReason> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut examples = Vec::new();
        let mut total = 0u64;
        for (kind, record) in records {
            total += 1;
            let i = *index.entry(kind).or_insert_with_key(|kind| {
                by_reason.push(SetAsideReason {
                    reason: kind.clone(),
                    count: 0,
                    examples: Vec::new(),
                });
                by_reason.len() - 1
            });
            let entry = &mut by_reason[i];
            entry.count += 1;
            if entry.examples.len() < SET_ASIDE_EXAMPLES {
                entry.examples.push(record.clone());
                examples.push(record);
            }
        }
        // Stable: ties keep the order each reason first appears.
        by_reason.sort_by_key(|r| std::cmp::Reverse(r.count));
        Self {
            read,
            used,
            set_aside_total: total,
            set_aside_by_reason: by_reason,
            set_aside: examples,
        }
    }

    /// Whether the examples leave out records set aside.
    pub fn set_aside_cut(&self) -> bool {
        (self.set_aside.len() as u64) < self.set_aside_total
    }
}

/// A reason with what differs from record to record taken out, so that
/// records set aside for the same cause are counted together: the
/// record's own candidate becomes `<candidate>`, each quoted value `"…"`,
/// and each word holding a digit (a line, a count, a date, a uuid) `#`.
fn reason_kind(reason: &str, candidate: Option<&str>) -> String {
    let mut text = reason.to_owned();
    if let Some(c) = candidate.filter(|c| !c.is_empty()) {
        text = text.replace(&format!("{c:?}"), "<candidate>");
    }
    // Quoted values (Rust's debug quoting, with backslash escapes).
    let mut unquoted = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch != '"' {
            unquoted.push(ch);
            continue;
        }
        unquoted.push_str("\"…\"");
        while let Some(q) = chars.next() {
            match q {
                '\\' => {
                    chars.next();
                }
                '"' => break,
                _ => {}
            }
        }
    }
    // Words holding a digit, keeping their closing punctuation.
    let mut out = String::with_capacity(unquoted.len());
    for (i, word) in unquoted.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = word.trim_end_matches([':', ',', ';', ')', ']', '.']);
        let lead = core.len() - core.trim_start_matches(['(', '[']).len();
        if candidate.is_some_and(|c| !c.is_empty() && &core[lead..] == c) {
            out.push_str(&core[..lead]);
            out.push_str("<candidate>");
            out.push_str(&word[core.len()..]);
        } else if core[lead..].bytes().any(|b| b.is_ascii_digit()) {
            out.push_str(&core[..lead]);
            out.push('#');
            out.push_str(&word[core.len()..]);
        } else {
            out.push_str(word);
        }
    }
    out
}

impl From<&crate::io::LoadReport> for LoadSummary {
    /// A CSV load, as the report shows it: rows read and used, and the rows
    /// set aside counted by reason, with the first few of each (line, the
    /// candidate's external id and the reason).
    fn from(l: &crate::io::LoadReport) -> Self {
        Self::summarise(
            l.rows_read,
            l.rows_used,
            l.set_aside.iter().map(|s| {
                (
                    reason_kind(&s.reason, s.candidate.as_deref()),
                    SetAsideRecord {
                        location: match &s.candidate {
                            Some(c) => format!("line {} ({c})", s.line),
                            None => format!("line {}", s.line),
                        },
                        reason: s.reason.clone(),
                    },
                )
            }),
        )
    }
}

/// One record set aside by a lenient load.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SetAsideRecord {
    /// Where: a line number, or a journey's position.
    pub location: String,
    /// Why.
    pub reason: String,
}

impl Report {
    /// Analyses counts into a report.
    ///
    /// ```
    /// use positive_action::*;
    /// use positive_action::workforce::Representation;
    /// use positive_action::interventions::InterventionEvaluation;
    /// use positive_action::impact::{Decomposition, GroupImpact, StageImpact, StratifiedImpact, Stratum};
    /// use positive_action::report::{AnalysisSpec, PreparedInput, ReportInput, StratumInput, WorkforceInput};
    /// use positive_action::stats::{FisherExact, Shortfall, ZTest, rate};
    /// use positive_action::report::{Report, ReportOptions};
    ///
    /// let pipeline = Pipeline::new("sift", PipelineKind::Recruitment, ["sift"])?;
    /// let by_sex = Breakdown::parse(["sex"])?;
    /// let rec = |sex, passed, failed| -> positive_action::Result<CountRecord> {
    ///     Ok(CountRecord { stage: Stage::new("sift")?, group: Group::parse([("sex", sex)])?,
    ///                      passed, failed, withdrew: 0, pending: 0, exempt: 0 })
    /// };
    /// let counts = FunnelCounts::from_records(&pipeline, &by_sex, [rec("female", 30, 70)?, rec("male", 50, 50)?])?;
    /// let options = ReportOptions { breakdown: by_sex, impact: ImpactOptions::new(), min_cell: 0 };
    /// let report = Report::new(&counts, &options, &[])?;
    /// assert_eq!(report.stages[0].groups[0].impact_ratio, Some(0.6));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A breakdown that the counts cannot be projected onto, options out of
    /// range, and the errors of [`ImpactAnalysis::new`] and
    /// [`StratifiedImpact::new`].
    pub fn new(counts: &FunnelCounts, options: &ReportOptions, strata: &[Stratum]) -> Result<Self> {
        if options.min_cell > disclosure::MAX_MIN_CELL {
            return Err(crate::error::Error::InvalidOption {
                name: "min_cell",
                value: options.min_cell.to_string(),
                expected: "a minimum cell size from 0 to 1000 (0 or 1 turns suppression off)",
            });
        }
        let counts = if counts.breakdown() == &options.breakdown {
            counts.clone()
        } else {
            counts.project(&options.breakdown)?
        };
        let analysis = ImpactAnalysis::new(&counts, &options.impact)?;
        let strata = strata
            .iter()
            .map(|s| {
                let c = if s.counts.breakdown() == &options.breakdown {
                    s.counts.clone()
                } else {
                    s.counts.project(&options.breakdown)?
                };
                Ok(Stratum {
                    name: s.name.clone(),
                    counts: c,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let stratified = if strata.is_empty() {
            None
        } else {
            Some(StratifiedImpact::new(&strata, &options.impact)?)
        };
        let mut report = Self::from_analysis(&analysis, &options.breakdown);
        report.stratified = stratified;
        // Exemptions concentrated in a group other than disabled candidates
        // are said plainly (issue 11).
        report.notes.extend(crate::funnel::exemption_notes_with(
            &counts,
            options.min_cell <= 1,
        ));
        if options.min_cell > 1 {
            disclosure::suppress(&mut report, options.min_cell, &strata);
        }
        Ok(report)
    }

    /// The minimum cell size, when the report is published with
    /// small-cell suppression.
    fn min_cell(&self) -> Option<u64> {
        self.suppression.as_ref().map(|s| s.min_cell)
    }

    /// Adds a section's suppression figures to the report's.
    fn count_withheld(&mut self, (primary, secondary): (u64, u64)) {
        if let Some(s) = self.suppression.as_mut() {
            s.primary += primary;
            s.secondary += secondary;
        }
    }

    /// Adds the representation section. In a report published with
    /// small-cell suppression its headcounts get primary and secondary
    /// suppression (per rank, band and the whole workforce, with the
    /// declared and undeclared totals), and every share, ratio, interval,
    /// p-value, position and note from a withheld headcount is withheld.
    /// Add it before the declaration section, whose flags quote it.
    ///
    /// ```
    /// use positive_action::*;
    /// use positive_action::records::Rank;
    /// use positive_action::report::{Report, ReportOptions};
    /// use positive_action::workforce::{Benchmark, Headcount, HeadcountRecord, RankStructure, Representation};
    ///
    /// let by_sex = Breakdown::parse(["sex"])?;
    /// let g = |label| Group::parse([("sex", label)]);
    /// let rec = |rank: Rank, label, headcount| -> positive_action::Result<HeadcountRecord> {
    ///     Ok(HeadcountRecord { rank, group: g(label)?, headcount })
    /// };
    /// let headcount = Headcount::from_records(&RankStructure::police(), &by_sex, [
    ///     rec(Rank::CONSTABLE, "female", 700)?, rec(Rank::CONSTABLE, "male", 1_300)?,
    ///     rec(Rank::SERGEANT, "female", 90)?, rec(Rank::SERGEANT, "male", 210)?,
    ///     rec(Rank::CHIEF_SUPERINTENDENT, "female", 3)?, rec(Rank::CHIEF_SUPERINTENDENT, "male", 12)?,
    /// ])?;
    /// let census = Benchmark::from_shares("census", &by_sex, [(g("female")?, 0.51), (g("male")?, 0.49)])?;
    /// let representation = Representation::new(&headcount, &census)?;
    ///
    /// let pipeline = Pipeline::new("sift", PipelineKind::Recruitment, ["sift"])?;
    /// let c = |sex, passed, failed| -> positive_action::Result<CountRecord> {
    ///     Ok(CountRecord { stage: Stage::new("sift")?, group: g(sex)?, passed, failed, withdrew: 0, pending: 0, exempt: 0 })
    /// };
    /// let counts = FunnelCounts::from_records(&pipeline, &by_sex, [c("female", 30, 70)?, c("male", 50, 50)?])?;
    /// let options = ReportOptions { breakdown: by_sex.clone(), impact: ImpactOptions::new(), min_cell: 10 };
    /// let report = Report::new(&counts, &options, &[])?.with_representation(Some(representation));
    ///
    /// let published = report.representation.as_ref().ok_or("the section is kept")?;
    /// let rank = published.sections.iter()
    ///     .find(|s| s.scope.to_string() == "rank chief_superintendent").ok_or("the rank's section")?;
    /// let women = rank.row(&g("female")?).ok_or("the women's row")?;
    /// assert_eq!(women.headcount, None); // 3 is small
    /// assert_eq!(women.share, None);
    /// assert!(women.withheld.contains(&"headcount".to_owned()));
    /// assert!(report.to_text().contains("withheld"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_representation(mut self, representation: Option<Representation>) -> Self {
        let k = self.min_cell();
        self.representation = representation.map(|r| {
            let (published, withheld) = published::publish_representation(&r, k);
            self.count_withheld(withheld);
            published
        });
        if k.is_some() {
            if let Some(d) = self.declaration.as_mut() {
                let flags = d.flags.clone();
                published::reconcile_flags(d, &flags, self.representation.as_ref());
            }
        }
        self
    }

    /// Adds a disproportionality table. In a report published with
    /// small-cell suppression its events and populations (and their totals,
    /// and the events with no recorded group) get primary and secondary
    /// suppression, and every share, rate, rate ratio, interval, p-value,
    /// bound and note from a withheld count is withheld; a withheld
    /// comparator count withholds every rate ratio.
    pub fn with_disproportionality(mut self, disproportionality: &Disproportionality) -> Self {
        let (published, withheld) =
            published::publish_disproportionality(disproportionality, self.min_cell());
        self.count_withheld(withheld);
        self.disproportionality.push(published);
        self
    }

    /// Adds the attrition section. In a report published with small-cell
    /// suppression its headcounts at start, leavers and stayed (and the
    /// total row) get primary and secondary suppression, and every rate and
    /// comparison from a withheld count is withheld.
    pub fn with_attrition(mut self, attrition: &Attrition) -> Self {
        let (published, withheld) = published::publish_attrition(attrition, self.min_cell());
        self.count_withheld(withheld);
        self.attrition = Some(published);
        self
    }

    /// Adds the declaration section. In a report published with small-cell
    /// suppression its counts per unit and characteristic (and the whole
    /// workforce rows) get primary and secondary suppression, every rate
    /// from a withheld count is withheld, and a flag is kept only when the
    /// report's representation section publishes the figures it quotes.
    pub fn with_declaration(mut self, declaration: &Declaration) -> Self {
        let k = self.min_cell();
        let (mut published, withheld) = published::publish_declaration(declaration, k);
        self.count_withheld(withheld);
        if k.is_some() {
            published::reconcile_flags(
                &mut published,
                &declaration.flags,
                self.representation.as_ref(),
            );
        }
        self.declaration = Some(published);
        self
    }

    /// Adds the evaluation of an intervention.
    ///
    /// A report published with small-cell suppression withholds the
    /// evaluation's small counts, and every count and figure that would let
    /// one be worked out, jointly with the funnel: a withheld funnel count
    /// cannot be worked out from the evaluation either (see
    /// [`PublishedEvaluation`]). An evaluation of another pipeline, or of a
    /// stage the funnel lacks, cannot be linked to the funnel's counts; a
    /// suppressed report, and one read back from JSON, which no longer
    /// holds the counts it withheld, leave such an evaluation out and say
    /// so.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use positive_action::*;
    /// use positive_action::interventions::{Completion, Eligibility, EvaluationOptions, Intervention, InterventionEvaluation, InterventionKind, LawfulBasis, Participation, Section158Condition};
    /// use positive_action::report::{Report, ReportOptions};
    ///
    /// let pipeline = Pipeline::new("PC 2025", PipelineKind::Recruitment, ["interview", "appointment"])?;
    /// let black = Group::parse([("ethnicity", "Black")])?;
    /// let workshop = Intervention::new("interview workshop", InterventionKind::InterviewWorkshop, &pipeline,
    ///     ["interview"], Eligibility::any_of([black])?, LawfulBasis::Section158(Section158Condition::Disadvantage))?;
    /// let day = NaiveDate::from_ymd_opt(2025, 5, 1).ok_or("bad date")?;
    /// let (mut candidates, mut journeys, mut took_part) = (vec![], vec![], vec![]);
    /// // 40 White candidates, 30 passing; 14 Black candidates, 4 of them at the workshop.
    /// for n in 0..54 {
    ///     let (ethnicity, workshop_done, passed) = if n < 40 { ("White", false, n < 30) } else { ("Black", n < 44, n % 2 == 0) };
    ///     let id = CandidateId::from_external(&format!("APP-{n}"));
    ///     candidates.push(Candidate::new(id, Profile::parse([("ethnicity", ethnicity)])?));
    ///     let outcome = if passed { Outcome::Passed } else { Outcome::Failed };
    ///     journeys.push(Journey::new(&pipeline, id, [StageResult::new(Stage::INTERVIEW, outcome).on(day)])?);
    ///     if workshop_done {
    ///         took_part.push(Participation::new(&workshop, id, None, day, Completion::Completed)?);
    ///     }
    /// }
    /// let applications = Applications::new(&pipeline, candidates, journeys)?;
    /// let evaluation = InterventionEvaluation::new(&applications, &workshop, &took_part, &EvaluationOptions::new())?;
    /// let breakdown = Breakdown::parse(["ethnicity"])?;
    /// let counts = FunnelCounts::from_applications(&applications, &breakdown, Counting::Applications);
    /// let options = ReportOptions { breakdown, impact: ImpactOptions::new(), min_cell: 10 };
    /// let report = Report::new(&counts, &options, &[])?.with_intervention(evaluation);
    /// let interview = &report.interventions[0].stages[0];
    /// // Four participants are too few to publish, and so is anything that would reveal them.
    /// assert_eq!(interview.pass_rate.participants.of, None);
    /// assert_eq!(interview.pass_rate.ratio, None);
    /// assert!(interview.pass_rate.withheld.iter().any(|w| w == "participants.of"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_intervention(mut self, evaluation: InterventionEvaluation) -> Self {
        let mut published = PublishedEvaluation::from(&evaluation);
        if let Some(s) = &self.suppression {
            let pipeline = self.pipeline.clone();
            if !disclosure::evaluation::suppress_evaluation(
                &mut self.settled,
                &mut published,
                &pipeline,
                s.min_cell,
            ) {
                self.notes.push(format!(
                    "the evaluation of {} is left out of this published report: its counts cannot be linked to this report's funnel (another pipeline, a stage the funnel lacks, or a report read back without the counts it withheld), so small-cell suppression cannot protect them",
                    evaluation.intervention
                ));
                return self;
            }
        }
        self.interventions.push(published);
        self
    }

    /// The unsuppressed report of an analysis.
    pub fn from_analysis(analysis: &ImpactAnalysis, breakdown: &Breakdown) -> Self {
        let mut notes = vec![
            format!(
                "reference: {}; rate basis: {}; four-fifths threshold {} (strictly below is adverse); alpha {}; {}% intervals",
                analysis.options.reference,
                analysis.options.rate_basis,
                analysis.options.threshold,
                analysis.options.alpha,
                100.0 * analysis.options.confidence
            ),
            "statistics show association in these counts; they do not by themselves show why a gap exists".to_owned(),
        ];
        let pinch: Vec<String> = analysis
            .decomposition
            .iter()
            .filter_map(|d| d.pinch_point.as_ref().map(|p| format!("{}: {p}", d.group)))
            .collect();
        if !pinch.is_empty() {
            notes.push(format!(
                "pinch points (the stage contributing most to the bottom-line gap): {}",
                pinch.join("; ")
            ));
        }
        Self {
            pipeline: analysis.pipeline.clone(),
            breakdown: breakdown.clone(),
            options: analysis.options.clone(),
            stages: analysis.stages.iter().map(ReportStage::from).collect(),
            bottom_line: ReportStage::from(&analysis.bottom_line),
            decomposition: analysis.decomposition.clone(),
            stratified: None,
            representation: None,
            disproportionality: Vec::new(),
            attrition: None,
            declaration: None,
            interventions: Vec::new(),
            suppression: None,
            load: None,
            notes,
            settled: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reason_kind;

    #[test]
    fn reasons_lose_what_differs_from_row_to_row() {
        // The candidate only as a whole word: candidate "a" leaves "at" be.
        assert_eq!(
            reason_kind("candidate a: stage sift at line 7 (a)", Some("a")),
            "candidate <candidate>: stage sift at line # (<candidate>)"
        );
        // Quoted values, with escaped quotes inside, and uuids.
        assert_eq!(
            reason_kind(
                r#"invalid category label "x \"y\", z": expected text"#,
                None
            ),
            "invalid category label \"…\": expected text"
        );
        assert_eq!(
            reason_kind(
                "candidate 00000000-0000-4000-8000-000000000004: stage sift",
                None
            ),
            "candidate #: stage sift"
        );
        // A quoted candidate with a space in it.
        assert_eq!(
            reason_kind(
                r#"candidate "Jo Bloggs" is listed more than once"#,
                Some("Jo Bloggs")
            ),
            "candidate <candidate> is listed more than once"
        );
    }
}
