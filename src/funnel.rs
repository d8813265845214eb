//! The conversion funnel: pass rates, conversion, drop-off and the bottom
//! line, per stage and group.

use std::fmt;

use crate::counts::RateBasis;
use crate::counts::funnel_counts::{FunnelCounts, StageCounts};
use crate::counts::stage_time::{DaysSummary, StageTimes};
use crate::error::Result;
use crate::records::breakdown::{Breakdown, Group};
use crate::records::characteristic::ProtectedCharacteristic;
use crate::records::intervention::is_disabled_group;
use crate::records::pipeline::Stage;
use crate::stats::rate as ratio;
use crate::text_table::{TextTable, decimal, percent};

/// One group at one stage.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FunnelRow {
    /// The group ([`Group::default`], "all candidates", on a total row).
    pub group: Group,
    /// The raw counts.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub counts: StageCounts,
    /// passed + failed + withdrew + pending.
    pub entered: u64,
    /// passed + failed.
    pub decided: u64,
    /// Passed over the basis's denominator.
    pub pass_rate: Option<f64>,
    /// entered here / entered at the first stage. It can pass 1 when some
    /// candidates join after the first stage.
    pub conversion: Option<f64>,
    /// 1 − entered at the next stage / entered here; `None` at the last
    /// stage, which has no next stage (see the bottom line).
    pub drop_off: Option<f64>,
    /// Days since the previous dated result, where dates exist.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub days: Option<DaysSummary>,
}

/// One stage of the funnel: a row per group, and the total.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FunnelStage {
    /// The stage.
    pub stage: Stage,
    /// A row per group, in the counts' canonical group order.
    pub groups: Vec<FunnelRow>,
    /// All candidates together.
    pub total: FunnelRow,
}

/// The bottom line of one group: passed at the last stage over entered at
/// the first.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BottomLine {
    /// The group.
    pub group: Group,
    /// Entered the first stage.
    pub entered_first_stage: u64,
    /// Passed the last stage.
    pub passed_last_stage: u64,
    /// Pending anywhere in the pipeline: not yet through it.
    pub pending: u64,
    /// passed(last) / entered(first).
    pub selection_rate: Option<f64>,
}

/// The conversion funnel of a pipeline, per stage and group.
///
/// Every figure is derived from exact counts at analysis time and none is
/// rounded before another is computed from it. A rate whose denominator is
/// zero is `None`, never 0 or NaN.
///
/// ```
/// use positive_action::{Breakdown, CountRecord, Funnel, FunnelCounts, Group, Pipeline, PipelineKind, RateBasis, Stage};
///
/// let pipeline = Pipeline::new("p", PipelineKind::Recruitment, ["application", "interview"])?;
/// let by_sex = Breakdown::parse(["sex"])?;
/// let women = Group::parse([("sex", "female")])?;
/// let rec = |stage: &str, passed, failed, withdrew| -> positive_action::Result<CountRecord> {
///     Ok(CountRecord { stage: Stage::new(stage)?, group: women.clone(), passed, failed, withdrew, pending: 0, exempt: 0 })
/// };
/// let counts = FunnelCounts::from_records(&pipeline, &by_sex, [rec("application", 80, 40, 3)?, rec("interview", 30, 45, 5)?])?;
/// let funnel = Funnel::new(&counts, RateBasis::Decided)?;
/// let application = &funnel.stages[0].groups[0];
/// assert_eq!(application.entered, 123);
/// assert_eq!(application.pass_rate, Some(80.0 / 120.0));
/// assert_eq!(application.drop_off, Some(1.0 - 80.0 / 123.0));
/// assert_eq!(funnel.bottom_line[0].selection_rate, Some(30.0 / 123.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Funnel {
    /// The pipeline's name.
    pub pipeline: String,
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The basis of the pass rates.
    pub basis: RateBasis,
    /// The stages, in pipeline order.
    pub stages: Vec<FunnelStage>,
    /// The bottom line per group, then for all candidates.
    pub bottom_line: Vec<BottomLine>,
    /// What a reader must know: exemptions concentrated in one group (see
    /// [`exemption_notes`]).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub notes: Vec<String>,
}

/// Notes on `exempt` outcomes concentrated in a group other than disabled
/// candidates: one per stage and group whose share of exemptions among
/// those who reached the stage is above everyone else's.
///
/// Skipping a stage by rule is lawful for disabled candidates as more
/// favourable treatment under s.13(3) of the Equality Act 2010 (a
/// guaranteed interview). For any other group it is, in effect, a
/// guaranteed interview or an automatic pass for that group: positive
/// discrimination, which s.158(4) and s.159 do not allow. Groups of
/// unknown category are not flagged.
///
/// ```
/// use positive_action::{Breakdown, CountRecord, FunnelCounts, Group, Pipeline, PipelineKind, Stage};
/// use positive_action::funnel::exemption_notes;
///
/// let pipeline = Pipeline::new("p", PipelineKind::Recruitment, ["sift", "interview"])?;
/// let by_sex = Breakdown::parse(["sex"])?;
/// let rec = |sex, passed, exempt| -> positive_action::Result<CountRecord> {
///     Ok(CountRecord { stage: Stage::new("sift")?, group: Group::parse([("sex", sex)])?,
///                      passed, failed: 10, withdrew: 0, pending: 0, exempt })
/// };
/// let counts = FunnelCounts::from_records(&pipeline, &by_sex, [rec("female", 20, 12)?, rec("male", 40, 0)?])?;
/// let notes = exemption_notes(&counts);
/// assert!(notes[0].starts_with("sift: 12 of 42 sex=female candidates were exempt, against 0 of 50 others"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn exemption_notes(counts: &FunnelCounts) -> Vec<String> {
    exemption_notes_with(counts, true)
}

/// The same, without the counts when `show_counts` is false: a published
/// report must not disclose small cells in its notes.
pub(crate) fn exemption_notes_with(counts: &FunnelCounts, show_counts: bool) -> Vec<String> {
    let shows_disability = counts
        .breakdown()
        .characteristics()
        .iter()
        .any(|c| c.protected() == Some(ProtectedCharacteristic::Disability));
    let mut notes = Vec::new();
    for (s, stage) in counts.pipeline().stages().iter().enumerate() {
        let arrived = |c: &StageCounts| c.entered().saturating_add(c.exempt);
        let (mut all_exempt, mut all_arrived) = (0u64, 0u64);
        for g in 0..counts.groups().len() {
            let c = counts.cell(s, g);
            all_exempt = all_exempt.saturating_add(c.exempt);
            all_arrived = all_arrived.saturating_add(arrived(c));
        }
        for (g, group) in counts.groups().iter().enumerate() {
            let c = counts.cell(s, g);
            if c.exempt == 0 || group.is_unknown() || is_disabled_group(group) {
                continue;
            }
            let (others_exempt, others_arrived) = (all_exempt - c.exempt, all_arrived - arrived(c));
            // Compare exempt / arrived across the two sides exactly, in
            // integers: x/n > y/m exactly when x·m > y·n.
            let concentrated = u128::from(c.exempt) * u128::from(others_arrived)
                > u128::from(others_exempt) * u128::from(arrived(c));
            if !concentrated {
                continue;
            }
            let figures = if show_counts {
                format!(
                    "{} of {} {group} candidates were exempt, against {others_exempt} of {others_arrived} others",
                    c.exempt,
                    arrived(c)
                )
            } else {
                format!("{group} candidates were exempt more often than others")
            };
            notes.push(format!(
                "{stage}: {figures}: an exemption for one group that is not favourable treatment of disabled candidates under s.13(3) is, in effect, a guaranteed interview or an automatic pass for that group, which the Equality Act 2010 does not allow (s.13(1); s.158(4)){}",
                if shows_disability {
                    ""
                } else {
                    "; this breakdown does not show disability: if they are disabled candidates under s.13(3), break down by disability to show it"
                }
            ));
        }
    }
    notes
}

impl Funnel {
    /// The funnel of a set of counts.
    ///
    /// # Errors
    /// [`Error::CountOverflow`](crate::Error::CountOverflow) if a total over groups passes `u64::MAX`.
    pub fn new(counts: &FunnelCounts, basis: RateBasis) -> Result<Self> {
        let stages = counts.stages();
        let groups = counts.groups();
        let mut totals = Vec::with_capacity(stages);
        for s in 0..stages {
            totals.push(counts.stage_total(s)?);
        }
        let column = |cell: &dyn Fn(usize) -> StageCounts| -> Vec<StageCounts> {
            (0..stages).map(cell).collect()
        };
        let row_set = |group: &Group, cells: &[StageCounts]| -> Vec<FunnelRow> {
            let first = cells[0].entered();
            cells
                .iter()
                .enumerate()
                .map(|(s, c)| FunnelRow {
                    group: group.clone(),
                    counts: *c,
                    entered: c.entered(),
                    decided: c.decided(),
                    pass_rate: basis.pass_rate(c),
                    conversion: ratio(c.entered(), first),
                    drop_off: cells
                        .get(s + 1)
                        .and_then(|next| ratio(next.entered(), c.entered()))
                        .map(|kept| 1.0 - kept),
                    days: None,
                })
                .collect()
        };
        let bottom = |group: &Group, cells: &[StageCounts]| BottomLine {
            group: group.clone(),
            entered_first_stage: cells[0].entered(),
            passed_last_stage: cells[stages - 1].passed,
            pending: cells.iter().map(|c| c.pending).fold(0, u64::saturating_add),
            selection_rate: ratio(cells[stages - 1].passed, cells[0].entered()),
        };
        let mut per_group: Vec<Vec<FunnelRow>> = Vec::with_capacity(groups.len());
        let mut bottom_line = Vec::with_capacity(groups.len() + 1);
        for (g, group) in groups.iter().enumerate() {
            let cells = column(&|s| *counts.cell(s, g));
            per_group.push(row_set(group, &cells));
            bottom_line.push(bottom(group, &cells));
        }
        let all = Group::default();
        let total_rows = row_set(&all, &totals);
        bottom_line.push(bottom(&all, &totals));
        let stages = counts
            .pipeline()
            .stages()
            .iter()
            .zip(total_rows)
            .enumerate()
            .map(|(s, (stage, total))| FunnelStage {
                stage: stage.clone(),
                groups: per_group.iter().map(|rows| rows[s].clone()).collect(),
                total,
            })
            .collect();
        Ok(Self {
            pipeline: counts.pipeline().name().to_owned(),
            breakdown: counts.breakdown().clone(),
            basis,
            stages,
            bottom_line,
            notes: exemption_notes(counts),
        })
    }

    /// Adds time in stage to every row from matching durations.
    pub fn with_stage_times(mut self, times: &StageTimes) -> Self {
        for (s, stage) in self.stages.iter_mut().enumerate() {
            for row in &mut stage.groups {
                row.days = times.summary(s, &row.group);
            }
            stage.total.days = times.summary_all(s);
        }
        self
    }
}

impl fmt::Display for Funnel {
    /// An aligned funnel table per group, then the bottom line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Funnel: {} (pass rate basis: {}; by {})",
            self.pipeline,
            self.basis,
            if self.breakdown.characteristics().is_empty() {
                "nothing".to_owned()
            } else {
                self.breakdown.to_string()
            }
        )?;
        let groups = self.stages.first().map_or(0, |s| s.groups.len());
        for g in 0..=groups {
            let rows: Vec<&FunnelRow> = self
                .stages
                .iter()
                .map(|s| s.groups.get(g).unwrap_or(&s.total))
                .collect();
            let Some(first) = rows.first() else {
                continue;
            };
            writeln!(f)?;
            writeln!(f, "{}", first.group)?;
            let mut table = TextTable::new([
                "stage",
                "entered",
                "passed",
                "failed",
                "withdrew",
                "pending",
                "exempt",
                "pass rate",
                "conversion",
                "drop-off",
                "median days",
                "p90 days",
            ]);
            for (stage, row) in self.stages.iter().zip(&rows) {
                table.row(vec![
                    stage.stage.to_string(),
                    row.entered.to_string(),
                    row.counts.passed.to_string(),
                    row.counts.failed.to_string(),
                    row.counts.withdrew.to_string(),
                    row.counts.pending.to_string(),
                    row.counts.exempt.to_string(),
                    percent(row.pass_rate),
                    percent(row.conversion),
                    percent(row.drop_off),
                    decimal(row.days.map(|d| d.median_days), 1),
                    decimal(row.days.map(|d| d.p90_days), 1),
                ]);
            }
            write!(f, "{table}")?;
        }
        writeln!(f)?;
        writeln!(f, "Bottom line (passed the last stage / entered the first)")?;
        let mut table = TextTable::new([
            "group",
            "entered first",
            "passed last",
            "pending",
            "selection rate",
        ]);
        for b in &self.bottom_line {
            table.row(vec![
                b.group.to_string(),
                b.entered_first_stage.to_string(),
                b.passed_last_stage.to_string(),
                b.pending.to_string(),
                percent(b.selection_rate),
            ]);
        }
        write!(f, "{table}")?;
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        Ok(())
    }
}
