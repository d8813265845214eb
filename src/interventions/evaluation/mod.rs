//! The effect of an intervention at the stage it targets: participants
//! against non-participants, whether the gap to the reference group closed,
//! per cohort or year, and before and after its launch.
//!
//! Every statistic comes from [`crate::stats`]; this module only arranges
//! the tables. Participation is self-selected, so every figure here is an
//! association, not an effect caused by the intervention, and every
//! evaluation says so.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::counts::RateBasis;
use crate::counts::funnel_counts::Counting;
use crate::error::{Error, Result};
use crate::impact::reference::highest_rate;
use crate::records::applications::Applications;
use crate::records::breakdown::{Breakdown, Group};
use crate::records::candidate::{Candidate, CandidateId};
use crate::records::intervention::{
    Intervention, InterventionKind, LawfulBasis, Participation, Section158Condition, group_admits,
};
use crate::records::journey::{Journey, Outcome};
use crate::records::period::Period;
use crate::records::pipeline::Stage;
use crate::stats::{BreslowDay, FisherExact, MantelHaenszel, Strata, TwoByTwo, ZTest};
use crate::text_table::{TextTable, decimal, percent};

mod options;
mod published;
mod text;

pub use options::{
    DateBasis, EvaluationOptions, GapReference, NamedPeriod, ParticipantRule, Stratification,
};
pub use published::{
    PublishedBeforeAfter, PublishedComparison, PublishedEvaluation, PublishedGapClosure,
    PublishedGroupComparison, PublishedLeftOut, PublishedParticipation, PublishedProportion,
    PublishedRatioToReference, PublishedStageEvaluation, PublishedStratifiedComparison,
    PublishedStratumComparison,
};

/// The caveat every evaluation carries.
pub const SELF_SELECTION_CAVEAT: &str = "participation is self-selected: candidates chose to take part, and may differ from those who did not in motivation, preparation or circumstances, so these figures show an association with taking part, not an effect caused by the intervention";

/// A count out of a total, and their ratio (`None` when the total is 0).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Proportion {
    /// The count: passed, or converted.
    pub count: u64,
    /// Out of.
    pub of: u64,
    /// count / of.
    pub rate: Option<f64>,
}

impl Proportion {
    fn new(count: u64, of: u64) -> Self {
        Self {
            count,
            of,
            rate: (of > 0).then(|| count as f64 / of as f64),
        }
    }
}

impl fmt::Display for Proportion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{} ({})", self.count, self.of, percent(self.rate))
    }
}

/// A tally of (count, of), added up row by row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    count: u64,
    of: u64,
}

impl Tally {
    fn add(&mut self, hit: bool) {
        self.of += 1;
        self.count += u64::from(hit);
    }

    fn proportion(self) -> Proportion {
        Proportion::new(self.count, self.of)
    }
}

/// A table with `focal` in row 1 and `other` in row 2.
fn table(focal: Tally, other: Tally) -> Result<TwoByTwo> {
    TwoByTwo::new(
        focal.count,
        focal.of - focal.count,
        other.count,
        other.of - other.count,
    )
}

/// Participants against non-participants on one measure.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Comparison {
    /// Participants: passed (or converted) out of those rated.
    pub participants: Proportion,
    /// Non-participants.
    pub non_participants: Proportion,
    /// 100 · (participants' rate − non-participants'), in percentage points.
    pub difference_points: Option<f64>,
    /// Participants' rate / non-participants'.
    pub ratio: Option<f64>,
    /// The log-method confidence interval of the ratio.
    pub ratio_ci: Option<[f64; 2]>,
    /// The odds ratio.
    pub odds_ratio: Option<f64>,
    /// Fisher's exact test; `None` when either side is empty or the table
    /// is beyond [`FISHER_EXACT_MAX_TOTAL`](crate::stats::FISHER_EXACT_MAX_TOTAL).
    pub fisher: Option<FisherExact>,
    /// The pooled two-proportion z test.
    pub z_test: Option<ZTest>,
}

impl Comparison {
    fn new(participants: Tally, non_participants: Tally, confidence: f64) -> Result<Self> {
        let t = table(participants, non_participants)?;
        let rows = participants.of > 0 && non_participants.of > 0;
        Ok(Self {
            participants: participants.proportion(),
            non_participants: non_participants.proportion(),
            difference_points: t
                .focal_rate()
                .zip(t.reference_rate())
                .map(|(a, b)| 100.0 * (a - b)),
            ratio: t.impact_ratio(),
            ratio_ci: t.impact_ratio_ci(confidence)?.map(|(lo, hi)| [lo, hi]),
            odds_ratio: t.odds_ratio(),
            fisher: rows.then(|| t.fisher_exact_bounded()).flatten(),
            z_test: t.z_test(),
        })
    }
}

/// A group's rate against a reference group's: the impact ratio with its
/// interval and tests.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RatioToReference {
    /// The group: passed out of those rated.
    pub group: Proportion,
    /// The reference group.
    pub reference: Proportion,
    /// The group's rate / the reference rate.
    pub impact_ratio: Option<f64>,
    /// Its log-method confidence interval.
    pub impact_ratio_ci: Option<[f64; 2]>,
    /// Fisher's exact test; `None` when either side is empty or the table
    /// is beyond [`FISHER_EXACT_MAX_TOTAL`](crate::stats::FISHER_EXACT_MAX_TOTAL).
    pub fisher: Option<FisherExact>,
    /// The pooled two-proportion z test.
    pub z_test: Option<ZTest>,
}

impl RatioToReference {
    fn new(group: Tally, reference: Tally, confidence: f64) -> Result<(Self, TwoByTwo)> {
        let t = table(group, reference)?;
        let rows = group.of > 0 && reference.of > 0;
        Ok((
            Self {
                group: group.proportion(),
                reference: reference.proportion(),
                impact_ratio: t.impact_ratio(),
                impact_ratio_ci: t.impact_ratio_ci(confidence)?.map(|(lo, hi)| [lo, hi]),
                fisher: rows.then(|| t.fisher_exact_bounded()).flatten(),
                z_test: t.z_test(),
            },
            t,
        ))
    }
}

/// How one impact ratio stands to parity (1) against another: the
/// participants' against the non-participants', or after a launch against
/// before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ParityChange {
    /// On the same side of 1, and nearer it on the log scale (where 0.5
    /// and 2 are equally far), or at 1 exactly.
    Closer,
    /// On the other side of 1: the group's rate went from below the
    /// reference's to above it (or the other way).
    PassedParity,
    /// On the same side of 1, and no nearer.
    NotCloser,
}

impl fmt::Display for ParityChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Closer => "closer to parity",
            Self::PassedParity => "passed parity",
            Self::NotCloser => "not closer to parity",
        })
    }
}

/// How ratio `a` stands to parity against ratio `b`. `None` unless both
/// are defined; a ratio of 0 is infinitely far.
fn parity_change(a: Option<f64>, b: Option<f64>) -> Option<ParityChange> {
    let (a, b) = (a?, b?);
    Some(if a == 1.0 {
        ParityChange::Closer
    } else if (a > 1.0) != (b > 1.0) && b != 1.0 {
        ParityChange::PassedParity
    } else if a.ln().abs() < b.ln().abs() {
        ParityChange::Closer
    } else {
        ParityChange::NotCloser
    })
}

/// Fewer than this many on a side of a comparison is too few to tell.
pub const MIN_SIDE: u64 = 10;

/// An interval whose upper bound is more than this many times its lower
/// bound is too wide to tell.
pub const WIDE_INTERVAL: f64 = 2.0;

/// A note when a comparison has fewer than [`MIN_SIDE`] on a side or an
/// interval wider than [`WIDE_INTERVAL`]: such figures cannot tell a gap
/// from none, and should not be read as "equal" or "no change".
fn small_numbers(
    what: &str,
    sides: [(&str, u64); 2],
    ci: Option<[f64; 2]>,
    notes: &mut Vec<String>,
) {
    let few: Vec<String> = sides
        .iter()
        .filter(|(_, n)| *n < MIN_SIDE)
        .map(|(side, n)| format!("{n} {side}"))
        .collect();
    if !few.is_empty() {
        notes.push(format!(
            "{what}: too few to tell ({}, fewer than {MIN_SIDE} on a side); read it as undecided, not as equal or no change",
            few.join(", ")
        ));
    } else if let Some([lo, hi]) = ci {
        if !(lo > 0.0 && hi / lo <= WIDE_INTERVAL) {
            notes.push(format!(
                "{what}: too few to tell: the interval [{lo:.3}, {hi:.3}] is wide (its ends more than {WIDE_INTERVAL} times apart)"
            ));
        }
    }
}

/// Gap closure for one target group: its impact ratio against the
/// reference, for participants and for non-participants.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GapClosure {
    /// The target group.
    pub group: Group,
    /// The reference group; `None` when there is none to compare with.
    pub reference: Option<Group>,
    /// The group's participants against the reference.
    pub participants: RatioToReference,
    /// The group's non-participants against the reference.
    pub non_participants: RatioToReference,
    /// How the participants' impact ratio stands to parity against the
    /// non-participants': closer (the gap is smaller for those who took
    /// part), passed parity (they did better than the reference), or not
    /// closer.
    pub parity: Option<ParityChange>,
}

/// Participants against non-participants within one target group.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GroupComparison {
    /// The target group.
    pub group: Group,
    /// Pass rate at the stage.
    pub pass_rate: Comparison,
    /// Selected at the end of the pipeline (see
    /// [`StageEvaluation::selected_at_end`]).
    pub selected_at_end: Comparison,
}

/// One target group's impact ratio before and after the launch, and
/// whether the disparity changed.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BeforeAfter {
    /// The target group: everyone in it who entered the stage, whether
    /// they took part or not.
    pub group: Group,
    /// The reference group.
    pub reference: Option<Group>,
    /// The launch date: before is strictly earlier, after is on or later.
    pub launch: NaiveDate,
    /// Before the launch.
    pub before: RatioToReference,
    /// On or after the launch.
    pub after: RatioToReference,
    /// Breslow-Day (Tarone) across the two periods: whether the odds ratio
    /// of the group against the reference differs between them.
    pub breslow_day: Option<BreslowDay>,
    /// Breslow-Day's p is below alpha.
    pub disparity_changed: Option<bool>,
    /// How the impact ratio after stands to parity against before.
    pub parity_after: Option<ParityChange>,
    /// After the launch: the group's participants out of its candidates.
    pub participation_after: Proportion,
}

/// One stratum's comparison.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StratumComparison {
    /// The stratum: a cohort, year or period.
    pub name: String,
    /// Pass rate at the stage.
    pub pass_rate: Comparison,
    /// Selected at the end of the pipeline (see
    /// [`StageEvaluation::selected_at_end`]).
    pub selected_at_end: Comparison,
}

/// The comparison per stratum, pooled with Mantel-Haenszel.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StratifiedComparison {
    /// Each stratum, in date order.
    pub strata: Vec<StratumComparison>,
    /// The common odds ratio of passing, participants against
    /// non-participants, and the CMH test.
    pub pass_rate_mantel_haenszel: Option<MantelHaenszel>,
    /// Whether the strata agree on that odds ratio.
    pub pass_rate_breslow_day: Option<BreslowDay>,
    /// The same for selection at the end of the pipeline.
    pub selected_at_end_mantel_haenszel: Option<MantelHaenszel>,
    /// Whether the strata agree on it.
    pub selected_at_end_breslow_day: Option<BreslowDay>,
    /// Compared candidates with no date to place them.
    pub undated: u64,
    /// Compared candidates whose date falls in no stratum.
    pub outside: u64,
}

/// Candidates left out of the participant comparison, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LeftOut {
    /// Took part but did not complete, under [`ParticipantRule::Completed`].
    pub not_completed: u64,
    /// Took part only after their result at the stage, so it could not
    /// have helped there.
    pub took_part_after_stage: u64,
    /// Took part though their profile is not in any target group.
    pub ineligible_participants: u64,
    /// Compared at the stage, but whose journey has not ended (pending, or
    /// passed a stage with no later result): left out of selection at the end only.
    pub not_yet_ended: u64,
}

/// The evaluation at one target stage.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StageEvaluation {
    /// The stage.
    pub stage: Stage,
    /// Journeys that entered the stage.
    pub entered: u64,
    /// Journeys exempt from the stage, not entered.
    pub exempt: u64,
    /// Entered, and eligible for the intervention.
    pub eligible: u64,
    /// Eligible participants compared.
    pub participants: u64,
    /// Eligible non-participants compared.
    pub non_participants: u64,
    /// Left out of the comparison, and why.
    pub set_aside: LeftOut,
    /// The pass rate at the stage.
    pub pass_rate: Comparison,
    /// Selected at the end of the pipeline: of the compared candidates whose
    /// journey has ended, those who passed the last stage. This is not the
    /// funnel's conversion (entered a stage over entered the first stage)
    /// nor its bottom-line selection rate (passed the last stage over
    /// entered the first): it counts from the target stage, and leaves out
    /// journeys not yet ended. In full: passed the last stage, out of
    /// those whose journey has ended.
    pub selected_at_end: Comparison,
    /// Per target group: its participants against its non-participants.
    pub by_target_group: Vec<GroupComparison>,
    /// Per target group, against the reference.
    pub gap_closure: Vec<GapClosure>,
    /// Per stratum, when stratified.
    pub strata: Option<StratifiedComparison>,
    /// Per target group, when a launch date is given.
    pub before_after: Vec<BeforeAfter>,
    /// Caveats, and why figures are undefined.
    pub notes: Vec<String>,
}

/// The participation records, summarised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParticipationSummary {
    /// Records given.
    pub records: u64,
    /// Distinct candidates in them.
    pub candidates: u64,
    /// Candidates with a completed record.
    pub completed: u64,
    /// Candidates with records, none completed.
    pub not_completed: u64,
    /// Candidates who took part but have no application in the pipeline.
    pub without_application: u64,
    /// Candidates whose attendance is recorded, at fewer sessions than the
    /// intervention has (a menu of sessions, partly attended); their most
    /// sessions are counted.
    pub partial_attendance: u64,
    /// Candidates whose attendance is recorded, at every session.
    pub full_attendance: u64,
}

/// The evaluation of an intervention at each of its target stages.
///
/// Among eligible candidates who entered the stage, participants are
/// compared with non-participants on the pass rate there and on selection at the end
/// to the end of the pipeline (the difference in percentage points, the
/// ratio with its interval, the odds ratio, Fisher's exact and the z test).
/// Gap closure compares each target group's impact ratio against the
/// reference group for its participants and non-participants. With strata
/// (cohorts, years, periods) the comparison is pooled by Mantel-Haenszel,
/// and with a launch date each target group's impact ratio before and after
/// is tested for a change by Breslow-Day.
///
/// Who counts as a participant is [`ParticipantRule`]: by default those who
/// completed it, with non-completers set aside. A participation dated after
/// the candidate's result at the stage does not count there. Every
/// evaluation carries [`SELF_SELECTION_CAVEAT`].
///
/// See [`InterventionEvaluation::new`] for an example.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InterventionEvaluation {
    /// The intervention's name.
    pub intervention: String,
    /// Its kind.
    pub kind: InterventionKind,
    /// Its lawful basis.
    pub lawful_basis: LawfulBasis,
    /// Every s.158(1) condition it rests on (empty unless s.158).
    pub conditions: Vec<Section158Condition>,
    /// The pipeline's name.
    pub pipeline: String,
    /// The pipeline's last stage: the end that selection at the end counts to.
    pub final_stage: Stage,
    /// The options used.
    pub options: EvaluationOptions,
    /// The participation records, summarised.
    pub participation: ParticipationSummary,
    /// Each target stage, in pipeline order.
    pub stages: Vec<StageEvaluation>,
    /// Association, not causation.
    pub caveat: String,
    /// Notes that concern every stage.
    pub notes: Vec<String>,
}

/// Where a compared journey stands with the intervention at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Participant,
    NonParticipant,
    NotCompleted,
    After,
}

/// One journey that entered the target stage.
#[derive(Debug, Clone, Copy)]
struct Row<'a> {
    candidate: &'a Candidate,
    eligible: bool,
    status: Status,
    /// Rated at the stage on the basis, and passed.
    rated: bool,
    passed: bool,
    /// Passed the last stage, or left; `None` while the journey goes on.
    converted: Option<bool>,
    date: Option<NaiveDate>,
}

impl InterventionEvaluation {
    /// Evaluates an intervention on the applications of its pipeline.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use positive_action::*;
    /// use positive_action::interventions::EvaluationOptions;
    /// use positive_action::interventions::{BeforeAfter, Cohort, Comparison, Completion, DateBasis, Eligibility, GapClosure, GapReference, GroupComparison, Intervention, InterventionEvaluation, InterventionKind, LawfulBasis, LeftOut, NamedPeriod, ParityChange, Participation, ParticipationSummary, Proportion, RatioToReference, SELF_SELECTION_CAVEAT, Section158Condition, StageEvaluation, StratifiedComparison, StratumComparison};
    /// use positive_action::records::Period;
    /// use positive_action::stats::{BreslowDay, FisherExact, MantelHaenszel, Strata, TwoByTwo, ZTest, rate};
    ///
    /// let pipeline = Pipeline::new("PC 2025", PipelineKind::Recruitment, ["interview", "appointment"])?;
    /// let black = Group::parse([("ethnicity", "Black")])?;
    /// let workshop = Intervention::new("interview workshop", InterventionKind::InterviewWorkshop, &pipeline,
    ///     ["interview"], Eligibility::any_of([black])?, LawfulBasis::Section158(Section158Condition::Disadvantage))?;
    ///
    /// let day = NaiveDate::from_ymd_opt(2025, 5, 1).ok_or("bad date")?;
    /// let (mut candidates, mut journeys, mut took_part) = (vec![], vec![], vec![]);
    /// // Six Black candidates: three took the workshop and passed; of the rest, one passed.
    /// // Four White candidates: three passed.
    /// for (n, (ethnicity, workshop_done, passed)) in [
    ///     ("Black", true, true), ("Black", true, true), ("Black", true, true),
    ///     ("Black", false, true), ("Black", false, false), ("Black", false, false),
    ///     ("White", false, true), ("White", false, true), ("White", false, true), ("White", false, false),
    /// ].into_iter().enumerate() {
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
    /// let interview = &evaluation.stages[0];
    /// assert_eq!(interview.pass_rate.participants.rate, Some(1.0));
    /// assert_eq!(interview.pass_rate.non_participants.rate, Some(1.0 / 3.0));
    /// let gap = &interview.gap_closure[0];
    /// // Participants passed more often than the White reference: 1.33 against 0.44.
    /// assert_eq!(gap.parity, Some(ParityChange::PassedParity));
    /// // Three against three is too few to tell, and says so.
    /// assert!(interview.notes.iter().any(|n| n.contains("too few to tell")));
    /// assert!(evaluation.caveat.contains("not an effect caused by the intervention"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::PipelineMismatch`] when the applications are of another
    /// pipeline; [`Error::InvalidParticipation`] for a record of another
    /// intervention; the errors of [`EvaluationOptions::validate`]; and
    /// [`Error::InvalidOption`] for stratification by cohorts of an
    /// intervention without cohorts.
    pub fn new(
        applications: &Applications,
        intervention: &Intervention,
        participations: &[Participation],
        options: &EvaluationOptions,
    ) -> Result<Self> {
        options.validate()?;
        // An intervention may run across several pipelines: evaluate it on
        // the one these applications are of, at its target stages there.
        let Some(pipeline) = intervention
            .pipelines()
            .find(|p| applications.pipeline().same_as(p))
        else {
            return Err(Error::PipelineMismatch {
                expected: intervention
                    .pipelines()
                    .map(|p| p.name().to_owned())
                    .collect::<Vec<_>>()
                    .join(" or "),
                found: applications.pipeline().name().to_owned(),
            });
        };
        if options.stratification == Stratification::Cohorts && intervention.cohorts().is_empty() {
            return Err(Error::InvalidOption {
                name: "stratification",
                value: "cohorts".to_owned(),
                expected: "periods or financial years: the intervention has no cohorts",
            });
        }
        let mut by_candidate: HashMap<CandidateId, Vec<&Participation>> = HashMap::new();
        for p in participations {
            if p.intervention() != intervention.name() {
                return Err(Error::InvalidParticipation {
                    candidate: p.candidate(),
                    intervention: p.intervention().to_owned(),
                    reason: format!(
                        "the record is for another intervention: expected {:?}",
                        intervention.name()
                    ),
                });
            }
            by_candidate.entry(p.candidate()).or_default().push(p);
        }
        let applied: std::collections::HashSet<CandidateId> =
            applications.iter().map(|(c, _)| c.id).collect();
        let participation = ParticipationSummary {
            records: participations.len() as u64,
            candidates: by_candidate.len() as u64,
            completed: by_candidate
                .values()
                .filter(|v| v.iter().any(|p| p.is_completed()))
                .count() as u64,
            not_completed: by_candidate
                .values()
                .filter(|v| !v.iter().any(|p| p.is_completed()))
                .count() as u64,
            without_application: by_candidate.keys().filter(|c| !applied.contains(c)).count()
                as u64,
            partial_attendance: 0,
            full_attendance: 0,
        };
        let mut participation = participation;
        if let Some(delivery) = intervention.delivery() {
            for v in by_candidate.values() {
                match v.iter().filter_map(|p| p.sessions_attended()).max() {
                    Some(n) if n < delivery.session_count() => {
                        participation.partial_attendance += 1;
                    }
                    Some(_) => participation.full_attendance += 1,
                    None => {}
                }
            }
        }
        let pairs: Vec<(&Candidate, &Journey)> = applications.iter().collect();
        let selected: Vec<usize> = match options.counting {
            Counting::Applications => (0..pairs.len()).collect(),
            Counting::UniqueCandidates => applications.latest_per_candidate(),
        };
        // A pipeline has at least one stage, so this cannot underflow.
        let last = pipeline.stages().len() - 1;
        // The pipeline was found among the intervention's just above.
        let target_stages = intervention
            .target_stages_on(pipeline.name())
            .unwrap_or_default();
        let mut stages = Vec::with_capacity(target_stages.len());
        for stage in target_stages {
            // Target stages were validated against this pipeline.
            let Some(s) = pipeline.stage_index(stage.name()) else {
                continue;
            };
            let mut exempt = 0;
            let mut rows = Vec::new();
            for &j in &selected {
                let (candidate, journey) = pairs[j];
                let Some(step) = journey.results().find(|r| r.stage_index == s) else {
                    continue;
                };
                if step.outcome == Outcome::Exempt {
                    exempt += 1;
                    continue;
                }
                let status = status_at(
                    by_candidate
                        .get(&candidate.id)
                        .map_or(&[][..], Vec::as_slice),
                    step.date,
                    options.participants,
                );
                let rated = match options.rate_basis {
                    RateBasis::Decided => matches!(step.outcome, Outcome::Passed | Outcome::Failed),
                    RateBasis::Entered => true,
                };
                let end = journey.results().last();
                let converted = match end {
                    Some(e) if e.outcome.is_exit() => Some(false),
                    Some(e) if e.stage_index == last && e.outcome == Outcome::Passed => Some(true),
                    _ => None,
                };
                rows.push(Row {
                    candidate,
                    eligible: intervention.eligibility().admits(&candidate.profile),
                    status,
                    rated,
                    passed: step.outcome == Outcome::Passed,
                    converted,
                    date: match options.date_basis {
                        DateBasis::TargetStage => step.date,
                        DateBasis::Application => journey.application_date(),
                    },
                });
            }
            stages.push(evaluate_stage(stage, exempt, &rows, intervention, options)?);
        }
        let mut notes = Vec::new();
        if participation.without_application > 0 {
            notes.push(format!(
                "{} candidate(s) took part but have no application in this pipeline",
                participation.without_application
            ));
        }
        Ok(Self {
            intervention: intervention.name().to_owned(),
            kind: intervention.kind().clone(),
            lawful_basis: intervention.lawful_basis(),
            conditions: intervention.section158_conditions(),
            pipeline: pipeline.name().to_owned(),
            final_stage: pipeline.stages()[last].clone(),
            options: options.clone(),
            participation,
            stages,
            caveat: SELF_SELECTION_CAVEAT.to_owned(),
            notes,
        })
    }
}

/// A candidate's standing with the intervention at a stage decided on
/// `stage_date`.
fn status_at(
    parts: &[&Participation],
    stage_date: Option<NaiveDate>,
    rule: ParticipantRule,
) -> Status {
    // Undated results cannot be checked for timing: any participation counts.
    let timely = |p: &&Participation| stage_date.is_none_or(|d| p.date() <= d);
    let counts = |p: &&Participation| rule == ParticipantRule::Started || p.is_completed();
    if parts.iter().any(|p| timely(p) && counts(p)) {
        Status::Participant
    } else if parts.iter().any(timely) {
        Status::NotCompleted
    } else if parts.is_empty() {
        Status::NonParticipant
    } else {
        Status::After
    }
}

fn evaluate_stage(
    stage: &Stage,
    exempt: u64,
    rows: &[Row<'_>],
    intervention: &Intervention,
    options: &EvaluationOptions,
) -> Result<StageEvaluation> {
    let mut notes = Vec::new();
    let mut set_aside = LeftOut::default();
    let mut compared: Vec<&Row<'_>> = Vec::new();
    for r in rows {
        match (r.status, r.eligible) {
            (Status::NotCompleted, _) => set_aside.not_completed += 1,
            (Status::After, _) => set_aside.took_part_after_stage += 1,
            (Status::Participant, false) => set_aside.ineligible_participants += 1,
            (Status::NonParticipant, false) => {}
            (_, true) => compared.push(r),
        }
    }
    let (pass, selected_at_end, ended) = compare(&compared, options.confidence)?;
    set_aside.not_yet_ended = compared.len() as u64 - ended;
    let participants = compared
        .iter()
        .filter(|r| r.status == Status::Participant)
        .count() as u64;
    if participants == 0 {
        notes.push(format!(
            "no eligible participant entered {stage}, so the comparison is undefined"
        ));
    }
    if set_aside.not_completed > 0 {
        notes.push(format!(
            "{} candidate(s) took part but did not complete: neither participants nor non-participants",
            set_aside.not_completed
        ));
    }
    if set_aside.took_part_after_stage > 0 {
        notes.push(format!(
            "{} candidate(s) took part only after their result at {stage}, and are left out here",
            set_aside.took_part_after_stage
        ));
    }
    if set_aside.ineligible_participants > 0 {
        notes.push(format!(
            "{} participant(s) are in no target group by their profile, and are left out of the comparison",
            set_aside.ineligible_participants
        ));
    }
    if set_aside.not_yet_ended > 0 {
        notes.push(format!(
            "{} compared candidate(s) have not finished the pipeline, and are left out of selection at the end; where one side is more recent, its finished journeys over-represent quick exits, so read selection at the end once journeys have ended",
            set_aside.not_yet_ended
        ));
    }

    // Each target group with its reference, over every row that entered.
    let targets = intervention.eligibility().target_groups();
    if targets.is_empty() {
        notes.push(
            "the intervention is open to all: there is no target group whose gap could close"
                .to_owned(),
        );
    }
    let mut by_target_group = Vec::with_capacity(targets.len());
    let mut gap_closure = Vec::with_capacity(targets.len());
    let mut before_after = Vec::new();
    for target in targets {
        let in_target: Vec<&Row<'_>> = compared
            .iter()
            .copied()
            .filter(|r| group_admits(target, &r.candidate.profile))
            .collect();
        let (pass_rate, selected_at_end, _) = compare(&in_target, options.confidence)?;
        by_target_group.push(GroupComparison {
            group: target.clone(),
            pass_rate,
            selected_at_end,
        });
        let reference =
            choose_reference(target, rows, intervention, &options.reference, &mut notes)?;
        let in_reference = |r: &Row<'_>| {
            reference
                .as_ref()
                .is_some_and(|g| group_admits(g, &r.candidate.profile))
        };
        let mut reference_tally = Tally::default();
        let (mut took_part, mut did_not) = (Tally::default(), Tally::default());
        for r in rows.iter().filter(|r| r.rated) {
            // The reference is those who did not take part: a White or
            // male reference must not hold the White women or minority men
            // who did.
            if in_reference(r) && r.status == Status::NonParticipant {
                reference_tally.add(r.passed);
            }
            if group_admits(target, &r.candidate.profile) {
                match r.status {
                    Status::Participant => took_part.add(r.passed),
                    Status::NonParticipant => did_not.add(r.passed),
                    Status::NotCompleted | Status::After => {}
                }
            }
        }
        let (p, _) = RatioToReference::new(took_part, reference_tally, options.confidence)?;
        let (n, _) = RatioToReference::new(did_not, reference_tally, options.confidence)?;
        gap_closure.push(GapClosure {
            group: target.clone(),
            reference: reference.clone(),
            parity: parity_change(p.impact_ratio, n.impact_ratio),
            participants: p,
            non_participants: n,
        });
        if let Some(launch) = options.launch {
            before_after.push(around_launch(
                target,
                reference.as_ref(),
                rows,
                launch,
                options,
                &mut notes,
            )?);
        }
    }
    let strata = stratify(&compared, intervention, options, &mut notes)?;
    let sides = |c: &Comparison| {
        [
            ("participants", c.participants.of),
            ("non-participants", c.non_participants.of),
        ]
    };
    if participants > 0 {
        small_numbers(
            &format!("pass rate at {stage}"),
            sides(&pass),
            pass.ratio_ci,
            &mut notes,
        );
        small_numbers(
            "selected at the end",
            sides(&selected_at_end),
            selected_at_end.ratio_ci,
            &mut notes,
        );
    }
    if by_target_group.len() > 1 {
        for g in &by_target_group {
            if g.pass_rate.participants.of > 0 {
                small_numbers(
                    &format!("{} pass rate at {stage}", g.group),
                    sides(&g.pass_rate),
                    g.pass_rate.ratio_ci,
                    &mut notes,
                );
            }
        }
    }
    for x in strata.iter().flat_map(|st| &st.strata) {
        for (what, c) in [
            ("pass rate", &x.pass_rate),
            ("selected at the end", &x.selected_at_end),
        ] {
            if c.participants.of > 0 {
                small_numbers(
                    &format!("{}: {what}", x.name),
                    sides(c),
                    c.ratio_ci,
                    &mut notes,
                );
            }
        }
    }
    for g in &gap_closure {
        if g.reference.is_none() {
            continue;
        }
        for (who, r) in [
            ("participants", &g.participants),
            ("non-participants", &g.non_participants),
        ] {
            if r.group.of == 0 {
                continue;
            }
            small_numbers(
                &format!("{} {who} against the reference at {stage}", g.group),
                [(who, r.group.of), ("in the reference", r.reference.of)],
                r.impact_ratio_ci,
                &mut notes,
            );
        }
    }
    for b in &before_after {
        for (when, r) in [("before", &b.before), ("after", &b.after)] {
            small_numbers(
                &format!("{} {when} the launch at {stage}", b.group),
                [
                    ("in the group", r.group.of),
                    ("in the reference", r.reference.of),
                ],
                r.impact_ratio_ci,
                &mut notes,
            );
        }
    }
    Ok(StageEvaluation {
        stage: stage.clone(),
        entered: rows.len() as u64,
        exempt,
        eligible: rows.iter().filter(|r| r.eligible).count() as u64,
        participants,
        non_participants: compared.len() as u64 - participants,
        set_aside,
        pass_rate: pass,
        selected_at_end,
        by_target_group,
        gap_closure,
        strata,
        before_after,
        notes,
    })
}

/// The participant comparison of some compared rows: pass rate, selection at the end,
/// and how many had ended.
fn compare(rows: &[&Row<'_>], confidence: f64) -> Result<(Comparison, Comparison, u64)> {
    let (mut pass_p, mut pass_n) = (Tally::default(), Tally::default());
    let (mut conv_p, mut conv_n) = (Tally::default(), Tally::default());
    let mut ended = 0;
    for r in rows {
        let participant = r.status == Status::Participant;
        if r.rated {
            if participant {
                &mut pass_p
            } else {
                &mut pass_n
            }
            .add(r.passed);
        }
        if let Some(c) = r.converted {
            ended += 1;
            if participant {
                &mut conv_p
            } else {
                &mut conv_n
            }
            .add(c);
        }
    }
    Ok((
        Comparison::new(pass_p, pass_n, confidence)?,
        Comparison::new(conv_p, conv_n, confidence)?,
        ended,
    ))
}

/// The reference group for a target group, or `None` (with a note) when no
/// group can be one.
fn choose_reference(
    target: &Group,
    rows: &[Row<'_>],
    intervention: &Intervention,
    policy: &GapReference,
    notes: &mut Vec<String>,
) -> Result<Option<Group>> {
    let breakdown = Breakdown::new(target.entries().map(|(c, _)| c.clone()))?;
    if let GapReference::Group(g) = policy {
        if let Ok(g) = breakdown.conform(g.clone()) {
            return Ok(Some(g));
        }
        notes.push(format!(
            "{target}: the fixed reference {g} is over other characteristics, so the untargeted group with the highest rate is used"
        ));
    }
    let targets = intervention.eligibility().target_groups();
    let mut tallies: BTreeMap<Group, Tally> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.rated && r.status == Status::NonParticipant)
    {
        let g = breakdown.group_of(&r.candidate.profile);
        if g.is_unknown() || targets.contains(&g) {
            continue;
        }
        tallies.entry(g).or_default().add(r.passed);
    }
    // The crate's one reference rule: the highest rate, compared exactly;
    // ties to the larger group, then the first in canonical order (the map
    // iterates in that order).
    let best = highest_rate(tallies.iter().map(|(g, t)| (g, t.count, t.of)));
    match best {
        Some(g) => Ok(Some(g.clone())),
        None => {
            notes.push(format!(
                "{target}: no untargeted group over {breakdown} has a rate here, so there is no reference group"
            ));
            Ok(None)
        }
    }
}

fn around_launch(
    target: &Group,
    reference: Option<&Group>,
    rows: &[Row<'_>],
    launch: NaiveDate,
    options: &EvaluationOptions,
    notes: &mut Vec<String>,
) -> Result<BeforeAfter> {
    let (mut group_before, mut group_after) = (Tally::default(), Tally::default());
    let (mut ref_before, mut ref_after) = (Tally::default(), Tally::default());
    let mut participation_after = Tally::default();
    let mut undated = 0u64;
    for r in rows {
        let in_group = group_admits(target, &r.candidate.profile);
        // Participants are never part of the reference.
        let in_reference = !in_group
            && r.status == Status::NonParticipant
            && reference.is_some_and(|g| group_admits(g, &r.candidate.profile));
        if !(in_group || in_reference) {
            continue;
        }
        let Some(date) = r.date else {
            undated += 1;
            continue;
        };
        let after = date >= launch;
        if in_group && after {
            participation_after.add(r.status == Status::Participant);
        }
        if !r.rated {
            continue;
        }
        if in_group {
            if after {
                &mut group_after
            } else {
                &mut group_before
            }
            .add(r.passed);
        }
        if in_reference {
            if after {
                &mut ref_after
            } else {
                &mut ref_before
            }
            .add(r.passed);
        }
    }
    if undated > 0 {
        notes.push(format!(
            "{target}: {undated} candidate(s) of the group or its reference have no date, and are left out of before and after"
        ));
    }
    let (before, t_before) = RatioToReference::new(group_before, ref_before, options.confidence)?;
    let (after, t_after) = RatioToReference::new(group_after, ref_after, options.confidence)?;
    let breslow_day = if reference.is_some() {
        Strata::new([t_before, t_after]).breslow_day()
    } else {
        None
    };
    Ok(BeforeAfter {
        group: target.clone(),
        reference: reference.cloned(),
        launch,
        parity_after: parity_change(after.impact_ratio, before.impact_ratio),
        before,
        after,
        disparity_changed: breslow_day.map(|b| b.p_value < options.alpha),
        breslow_day,
        participation_after: participation_after.proportion(),
    })
}

/// The strata of the options, as (name, first day, last day) with `None`
/// for an open end, in date order.
fn strata_of(
    rows: &[&Row<'_>],
    intervention: &Intervention,
    stratification: &Stratification,
) -> Result<Vec<(String, NaiveDate, Option<NaiveDate>)>> {
    Ok(match stratification {
        Stratification::None => Vec::new(),
        Stratification::FinancialYears => {
            let mut years: Vec<i32> = rows
                .iter()
                .filter_map(|r| r.date)
                .map(|d| {
                    if d.month() >= 4 {
                        d.year()
                    } else {
                        d.year() - 1
                    }
                })
                .collect();
            years.sort_unstable();
            years.dedup();
            let mut out = Vec::with_capacity(years.len());
            for y in years {
                let fy = Period::financial_year(y)?;
                let name = fy.financial_year_label().unwrap_or_else(|| fy.to_string());
                out.push((name, fy.start(), Some(fy.end())));
            }
            out
        }
        Stratification::Cohorts => {
            let mut cohorts: Vec<_> = intervention.cohorts().iter().collect();
            cohorts.sort_by_key(|c| c.period().start());
            let mut out: Vec<(String, NaiveDate, Option<NaiveDate>)> = Vec::new();
            for (i, c) in cohorts.iter().enumerate() {
                let end = cohorts
                    .get(i + 1)
                    .and_then(|next| next.period().start().pred_opt());
                out.push((c.name().to_owned(), c.period().start(), end));
            }
            out
        }
        Stratification::Periods(periods) => {
            let mut out: Vec<_> = periods
                .iter()
                .map(|p| (p.name.clone(), p.period.start(), Some(p.period.end())))
                .collect();
            out.sort_by_key(|s| s.1);
            out
        }
    })
}

fn stratify(
    compared: &[&Row<'_>],
    intervention: &Intervention,
    options: &EvaluationOptions,
    notes: &mut Vec<String>,
) -> Result<Option<StratifiedComparison>> {
    let strata = strata_of(compared, intervention, &options.stratification)?;
    if strata.is_empty() {
        return Ok(None);
    }
    let mut members: Vec<Vec<&Row<'_>>> = vec![Vec::new(); strata.len()];
    let (mut undated, mut outside) = (0u64, 0u64);
    for r in compared {
        let Some(d) = r.date else {
            undated += 1;
            continue;
        };
        // Cohort windows can share a start day; the later cohort wins.
        match strata
            .iter()
            .rposition(|(_, start, end)| *start <= d && end.is_none_or(|e| d <= e))
        {
            Some(i) => members[i].push(r),
            None => outside += 1,
        }
    }
    if undated > 0 {
        notes.push(format!(
            "{undated} compared candidate(s) have no date, and are left out of the strata"
        ));
    }
    if outside > 0 {
        notes.push(format!(
            "{outside} compared candidate(s) are dated outside every stratum{}, and are left out of the strata",
            if options.stratification == Stratification::Cohorts {
                " (before the first cohort started)"
            } else {
                ""
            }
        ));
    }
    let mut out = Vec::with_capacity(strata.len());
    let (mut pass_tables, mut conv_tables) = (Vec::new(), Vec::new());
    for ((name, _, _), rows) in strata.into_iter().zip(members) {
        let (pass, selected_at_end, _) = compare(&rows, options.confidence)?;
        pass_tables.push(table_of(&pass)?);
        conv_tables.push(table_of(&selected_at_end)?);
        out.push(StratumComparison {
            name,
            pass_rate: pass,
            selected_at_end,
        });
    }
    let pass = Strata::new(pass_tables);
    let conv = Strata::new(conv_tables);
    Ok(Some(StratifiedComparison {
        strata: out,
        pass_rate_mantel_haenszel: pass.mantel_haenszel(),
        pass_rate_breslow_day: pass.breslow_day(),
        selected_at_end_mantel_haenszel: conv.mantel_haenszel(),
        selected_at_end_breslow_day: conv.breslow_day(),
        undated,
        outside,
    }))
}

/// The two-by-two table a comparison was made from.
fn table_of(c: &Comparison) -> Result<TwoByTwo> {
    let (p, n) = (c.participants, c.non_participants);
    TwoByTwo::new(p.count, p.of - p.count, n.count, n.of - n.count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parity_change_is_symmetric_on_the_log_scale_and_sees_a_crossing() {
        use ParityChange::*;
        assert_eq!(parity_change(Some(0.9), Some(0.7)), Some(Closer));
        assert_eq!(parity_change(Some(0.5), Some(0.7)), Some(NotCloser));
        assert_eq!(parity_change(Some(1.0), Some(0.7)), Some(Closer));
        // Merseyside: 1.33 against 0.8 was "closer to parity: no"; it passed parity.
        assert_eq!(
            parity_change(Some(4.0 / 3.0), Some(0.8)),
            Some(PassedParity)
        );
        assert_eq!(parity_change(Some(2.0), Some(0.5)), Some(PassedParity));
        assert_eq!(parity_change(Some(0.0), Some(0.5)), Some(NotCloser));
        assert_eq!(parity_change(None, Some(0.5)), None);
    }

    #[test]
    fn options_validate() {
        let p = |n: &str, a: (i32, u32, u32), b: (i32, u32, u32)| {
            NamedPeriod::new(
                n,
                Period::new(
                    NaiveDate::from_ymd_opt(a.0, a.1, a.2).unwrap(),
                    NaiveDate::from_ymd_opt(b.0, b.1, b.2).unwrap(),
                )
                .unwrap(),
            )
            .unwrap()
        };
        let overlap = EvaluationOptions::new().stratification(Stratification::Periods(vec![
            p("a", (2024, 1, 1), (2024, 6, 30)),
            p("b", (2024, 6, 30), (2024, 12, 31)),
        ]));
        assert_eq!(
            overlap.validate().unwrap_err().to_string(),
            "stratification is periods \"a\" and \"b\" overlap: expected periods that do not overlap"
        );
        let twice = EvaluationOptions::new().stratification(Stratification::Periods(vec![
            p("a", (2024, 1, 1), (2024, 6, 29)),
            p("a", (2024, 6, 30), (2024, 12, 31)),
        ]));
        assert!(twice.validate().is_err());
        assert!(
            EvaluationOptions::new()
                .stratification(Stratification::Periods(vec![]))
                .validate()
                .is_err()
        );
        assert!(EvaluationOptions::new().alpha(0.0).validate().is_err());
        assert!(EvaluationOptions::new().alpha(f64::NAN).validate().is_err());
        assert!(
            EvaluationOptions::new()
                .reference(GapReference::Group(
                    Group::parse([("sex", "not recorded")]).unwrap()
                ))
                .validate()
                .is_err()
        );
        assert!(NamedPeriod::new(" ", Period::calendar_year(2024).unwrap()).is_err());
    }

    #[test]
    fn status_follows_the_rule_and_the_dates() {
        let pipeline = crate::records::pipeline::Pipeline::police_constable_recruitment("p");
        let i = Intervention::new(
            "w",
            InterventionKind::InterviewWorkshop,
            &pipeline,
            ["interview"],
            crate::records::intervention::Eligibility::any_of([
                Group::parse([("sex", "female")]).unwrap()
            ])
            .unwrap(),
            LawfulBasis::Section158(
                crate::records::intervention::Section158Condition::Disadvantage,
            ),
        )
        .unwrap();
        let d = |day| NaiveDate::from_ymd_opt(2025, 5, day).unwrap();
        let id = CandidateId::from_external("x");
        let done = Participation::new(
            &i,
            id,
            None,
            d(10),
            crate::records::intervention::Completion::Completed,
        )
        .unwrap();
        let quit = Participation::new(
            &i,
            id,
            None,
            d(10),
            crate::records::intervention::Completion::NotCompleted,
        )
        .unwrap();
        use ParticipantRule::*;
        assert_eq!(
            status_at(&[], Some(d(20)), Completed),
            Status::NonParticipant
        );
        assert_eq!(
            status_at(&[&done], Some(d(20)), Completed),
            Status::Participant
        );
        assert_eq!(
            status_at(&[&done], Some(d(10)), Completed),
            Status::Participant
        );
        assert_eq!(status_at(&[&done], Some(d(9)), Completed), Status::After);
        assert_eq!(status_at(&[&done], None, Completed), Status::Participant);
        assert_eq!(
            status_at(&[&quit], Some(d(20)), Completed),
            Status::NotCompleted
        );
        assert_eq!(
            status_at(&[&quit], Some(d(20)), Started),
            Status::Participant
        );
        assert_eq!(
            status_at(&[&quit, &done], Some(d(20)), Completed),
            Status::Participant
        );
    }
}
