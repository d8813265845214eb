//! Journeys: one application of one candidate to one pipeline, validated.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::records::candidate::CandidateId;
use crate::records::pipeline::{Pipeline, Stage};

/// The result of a candidate at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[repr(u8)]
pub enum Outcome {
    /// Passed the stage.
    Passed = 0,
    /// Failed the stage.
    Failed = 1,
    /// Withdrew at the stage: attrition, not selection.
    #[cfg_attr(feature = "serde", serde(alias = "withdrawn"))]
    Withdrew = 2,
    /// Entered the stage, with no decision yet.
    Pending = 3,
    /// Skipped the stage by rule (a guaranteed interview, say); not entered.
    Exempt = 4,
}

impl Outcome {
    /// All five, in the order counts are kept.
    pub const ALL: [Outcome; 5] = [
        Outcome::Passed,
        Outcome::Failed,
        Outcome::Withdrew,
        Outcome::Pending,
        Outcome::Exempt,
    ];

    /// The lowercase name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Withdrew => "withdrew",
            Self::Pending => "pending",
            Self::Exempt => "exempt",
        }
    }

    /// Whether the candidate left the pipeline here: failed or withdrew.
    pub const fn is_exit(self) -> bool {
        matches!(self, Self::Failed | Self::Withdrew)
    }
}

impl FromStr for Outcome {
    type Err = Error;

    /// Reads an outcome, ignoring case, and accepting `pass`, `fail` and
    /// `withdrawn` as exports often write them.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "passed" | "pass" => Self::Passed,
            "failed" | "fail" => Self::Failed,
            "withdrew" | "withdrawn" => Self::Withdrew,
            "pending" => Self::Pending,
            "exempt" => Self::Exempt,
            _ => {
                return Err(Error::UnknownOutcome {
                    value: s.to_owned(),
                });
            }
        })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One stage result as input gives it: a stage by name, an outcome, and
/// perhaps a date. [`Journey::new`] validates a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct StageResult {
    /// The stage.
    pub stage: Stage,
    /// The result there.
    pub outcome: Outcome,
    /// When the result was given, if known.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "iso_date"
        )
    )]
    pub date: Option<NaiveDate>,
}

/// A result's date from input: `YYYY-MM-DD` or null. A bad one is named
/// with the field, the value and what was expected, not chrono's bare
/// "input is out of range" or "trailing input"; the JSON reader
/// (`ReportInput::from_json`) adds the line and column, and the journey and
/// result that hold the date.
#[cfg(feature = "serde")]
fn iso_date<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<NaiveDate>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(d)?;
    text.map(|t| parse_iso_date(&t).map_err(serde::de::Error::custom))
        .transpose()
}

/// A date as `YYYY-MM-DD`, or a message that names the value and says what
/// was expected: "date \"2025-02-30\" is not a calendar date: expected
/// YYYY-MM-DD".
#[cfg(feature = "serde")]
pub(crate) fn parse_iso_date(text: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| {
        if e.kind() == chrono::format::ParseErrorKind::TooLong {
            format!(
                "date {text:?} has more than a date (a time?): expected YYYY-MM-DD, without a time"
            )
        } else {
            format!("date {text:?} is not a calendar date: expected YYYY-MM-DD")
        }
    })
}

impl StageResult {
    /// A result with no date.
    pub fn new(stage: Stage, outcome: Outcome) -> Self {
        Self {
            stage,
            outcome,
            date: None,
        }
    }

    /// The same result, dated.
    pub fn on(mut self, date: NaiveDate) -> Self {
        self.date = Some(date);
        self
    }
}

/// An unvalidated journey, as input holds it: the serde form of
/// [`Journey`]. Validate it with [`Journey::from_record`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct JourneyRecord {
    /// The candidate.
    pub candidate: CandidateId,
    /// The stage results, in the order they happened.
    pub results: Vec<StageResult>,
}

/// A validated stage result: the stage by its position in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Step {
    pub(crate) date: Option<NaiveDate>,
    pub(crate) stage: u16,
    pub(crate) outcome: Outcome,
}

/// The rules of a journey, checked one coded step at a time: the stage
/// indices increase without gaps unless exempt, nothing follows failed or
/// withdrew, pending is last, and dates do not go backwards.
///
/// [`Journey::new`] checks its steps with these, and so does the CSV
/// loader, on steps it has coded itself, before any journey is built.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Rules {
    last_dated: Option<(u16, NaiveDate)>,
}

impl Rules {
    /// Checks `next` against the steps before it (all checked already).
    #[inline]
    pub(crate) fn check(&mut self, before: &[Step], next: Step) -> std::result::Result<(), Broken> {
        if let Some(prev) = before.last() {
            if next.stage <= prev.stage {
                return Err(if before.iter().any(|s| s.stage == next.stage) {
                    Broken::Repeated { stage: next.stage }
                } else {
                    Broken::OutOfOrder {
                        stage: next.stage,
                        after: prev.stage,
                    }
                });
            }
            if prev.outcome.is_exit() {
                return Err(Broken::AfterExit {
                    stage: next.stage,
                    exit_stage: prev.stage,
                    exit: prev.outcome,
                });
            }
            if prev.outcome == Outcome::Pending {
                return Err(Broken::PendingNotLast { stage: prev.stage });
            }
            if u32::from(next.stage) > u32::from(prev.stage) + 1 {
                // Below next.stage, so it fits a u16.
                return Err(Broken::Missing {
                    stage: prev.stage + 1,
                });
            }
        }
        if let Some(date) = next.date {
            if let Some((previous_stage, previous_date)) = self.last_dated {
                if date < previous_date {
                    return Err(Broken::DateBackwards {
                        stage: next.stage,
                        date,
                        previous_stage,
                        previous_date,
                    });
                }
            }
            self.last_dated = Some((next.stage, date));
        }
        Ok(())
    }
}

/// A broken journey rule, by stage index: [`Broken::error`] names the
/// candidate and the stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Broken {
    Repeated {
        stage: u16,
    },
    OutOfOrder {
        stage: u16,
        after: u16,
    },
    AfterExit {
        stage: u16,
        exit_stage: u16,
        exit: Outcome,
    },
    PendingNotLast {
        stage: u16,
    },
    Missing {
        stage: u16,
    },
    DateBackwards {
        stage: u16,
        date: NaiveDate,
        previous_stage: u16,
        previous_date: NaiveDate,
    },
}

impl Broken {
    /// The error [`Journey::new`] gives for this broken rule.
    pub(crate) fn error(self, candidate: CandidateId, pipeline: &Pipeline) -> Error {
        let stage = |i: u16| {
            pipeline
                .stages()
                .get(usize::from(i))
                .cloned()
                // Indices come from checked steps of this pipeline; a name
                // that still says which stage, should one not.
                .unwrap_or_else(|| {
                    Stage::new(&format!("stage {}", u32::from(i) + 1)).unwrap_or(Stage::APPLICATION)
                })
        };
        match self {
            Self::Repeated { stage: s } => Error::RepeatedStage {
                candidate,
                stage: stage(s),
            },
            Self::OutOfOrder { stage: s, after } => Error::StageOutOfOrder {
                candidate,
                stage: stage(s),
                after: stage(after),
            },
            Self::AfterExit {
                stage: s,
                exit_stage,
                exit,
            } => Error::ResultAfterExit {
                candidate,
                stage: stage(s),
                exit_stage: stage(exit_stage),
                exit,
            },
            Self::PendingNotLast { stage: s } => Error::PendingNotLast {
                candidate,
                stage: stage(s),
            },
            Self::Missing { stage: s } => Error::MissingStage {
                candidate,
                stage: stage(s),
            },
            Self::DateBackwards {
                stage: s,
                date,
                previous_stage,
                previous_date,
            } => Error::DateBackwards {
                candidate,
                stage: stage(s),
                date,
                previous_stage: stage(previous_stage),
                previous_date,
            },
        }
    }

    /// The stages the rule names, for pointing at their rows: the earlier
    /// one first.
    pub(crate) fn stages(self) -> Vec<u16> {
        match self {
            Self::AfterExit {
                stage, exit_stage, ..
            } => vec![exit_stage, stage],
            Self::DateBackwards {
                stage,
                previous_stage,
                ..
            } => vec![previous_stage, stage],
            Self::PendingNotLast { stage }
            | Self::OutOfOrder { stage, .. }
            | Self::Repeated { stage } => vec![stage],
            Self::Missing { .. } => Vec::new(),
        }
    }
}

/// One application of one candidate to one pipeline: stage results in
/// pipeline order, validated on construction.
///
/// Validation follows the rules of a consistent journey:
/// - results come in pipeline order, each stage at most once, and every
///   stage between the first and the last result has one (record a stage
///   skipped by rule as [`Outcome::Exempt`]);
/// - nothing follows failed or withdrew, and pending is last;
/// - dates, where given, do not go backwards.
///
/// A journey may start after the pipeline's first stage (a direct-entry
/// route, or an extract that starts at the assessment centre).
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::{CandidateId, Error, Journey, Outcome, Pipeline, Stage, StageResult};
///
/// let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025");
/// let id = CandidateId::from_external("APP-00123");
/// let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
/// let journey = Journey::new(&pipeline, id, [
///     StageResult::new(Stage::APPLICATION, Outcome::Passed).on(day(1)),
///     StageResult::new(Stage::SIFT, Outcome::Passed).on(day(9)),
///     StageResult::new(Stage::ONLINE_ASSESSMENT, Outcome::Failed).on(day(20)),
/// ])?;
/// assert_eq!(journey.final_outcome(), Outcome::Failed);
///
/// // Nothing may follow a failure, and the error names candidate and stage.
/// let err = Journey::new(&pipeline, id, [
///     StageResult::new(Stage::APPLICATION, Outcome::Failed),
///     StageResult::new(Stage::SIFT, Outcome::Passed),
/// ]).unwrap_err();
/// assert!(matches!(err, Error::ResultAfterExit { .. }));
/// assert!(err.to_string().contains("stage sift"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Journey {
    candidate: CandidateId,
    pipeline: Pipeline,
    steps: Vec<Step>,
}

impl Journey {
    /// Validates a candidate's stage results against a pipeline.
    ///
    /// # Errors
    /// One error variant per rule broken, naming the candidate and the
    /// stage: [`Error::EmptyJourney`], [`Error::UnknownStage`],
    /// [`Error::RepeatedStage`], [`Error::StageOutOfOrder`],
    /// [`Error::ResultAfterExit`], [`Error::PendingNotLast`],
    /// [`Error::MissingStage`] and [`Error::DateBackwards`].
    pub fn new(
        pipeline: &Pipeline,
        candidate: CandidateId,
        results: impl IntoIterator<Item = StageResult>,
    ) -> Result<Self> {
        let results = results.into_iter();
        let mut steps: Vec<Step> = Vec::with_capacity(results.size_hint().0);
        let mut rules = Rules::default();
        for result in results {
            let index =
                pipeline
                    .stage_index(result.stage.name())
                    .ok_or_else(|| Error::UnknownStage {
                        candidate: Some(candidate),
                        stage: result.stage.name().to_owned(),
                        pipeline: pipeline.name().to_owned(),
                    })?;
            let step = Step {
                date: result.date,
                // Pipeline::new caps stages at u16::MAX, so the index fits.
                stage: index as u16,
                outcome: result.outcome,
            };
            rules
                .check(&steps, step)
                .map_err(|broken| broken.error(candidate, pipeline))?;
            steps.push(step);
        }
        if steps.is_empty() {
            return Err(Error::EmptyJourney { candidate });
        }
        Ok(Self {
            candidate,
            pipeline: pipeline.clone(),
            steps,
        })
    }

    /// A journey from steps already checked by [`Rules`], in pipeline order:
    /// for loaders that validate coded steps and build journeys afterwards.
    pub(crate) fn from_checked(
        pipeline: &Pipeline,
        candidate: CandidateId,
        steps: Vec<Step>,
    ) -> Self {
        debug_assert!(!steps.is_empty());
        Self {
            candidate,
            pipeline: pipeline.clone(),
            steps,
        }
    }

    /// Validates a journey record, as read from input.
    ///
    /// # Errors
    /// As [`Journey::new`].
    pub fn from_record(pipeline: &Pipeline, record: JourneyRecord) -> Result<Self> {
        Self::new(pipeline, record.candidate, record.results)
    }

    /// The record form: stages by name.
    pub fn to_record(&self) -> JourneyRecord {
        JourneyRecord {
            candidate: self.candidate,
            results: self
                .results()
                .map(|r| StageResult {
                    stage: r.stage.clone(),
                    outcome: r.outcome,
                    date: r.date,
                })
                .collect(),
        }
    }

    /// The candidate.
    pub fn candidate(&self) -> CandidateId {
        self.candidate
    }

    /// The pipeline the journey was validated against.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The stage results, in pipeline order.
    pub fn results(&self) -> impl ExactSizeIterator<Item = JourneyStep<'_>> + '_ {
        let stages = self.pipeline.stages();
        self.steps.iter().map(move |s| JourneyStep {
            stage: &stages[usize::from(s.stage)],
            stage_index: usize::from(s.stage),
            outcome: s.outcome,
            date: s.date,
        })
    }

    /// The number of stage results.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Always false: a journey has at least one result.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The outcome of the last result.
    pub fn final_outcome(&self) -> Outcome {
        // A validated journey has at least one step.
        self.steps.last().map_or(Outcome::Pending, |s| s.outcome)
    }

    /// The application date: the first date in the journey, if any.
    pub fn application_date(&self) -> Option<NaiveDate> {
        self.steps.iter().find_map(|s| s.date)
    }

    pub(crate) fn steps(&self) -> &[Step] {
        &self.steps
    }
}

impl fmt::Debug for Journey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journey")
            .field("candidate", &self.candidate)
            .field("pipeline", &self.pipeline.name())
            .field("results", &self.results().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Journey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_record().serialize(s)
    }
}

/// One result of a validated journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JourneyStep<'a> {
    /// The stage.
    pub stage: &'a Stage,
    /// Its position in the pipeline.
    pub stage_index: usize,
    /// The result there.
    pub outcome: Outcome,
    /// When, if known.
    pub date: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::pipeline::PipelineKind;

    fn pipeline() -> Pipeline {
        Pipeline::new("p", PipelineKind::Recruitment, ["a", "b", "c", "d"]).unwrap()
    }

    fn id() -> CandidateId {
        CandidateId::from_external("C1")
    }

    fn r(stage: &str, outcome: Outcome) -> StageResult {
        StageResult::new(Stage::new(stage).unwrap(), outcome)
    }

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, d).unwrap()
    }

    #[test]
    fn a_full_journey_validates() {
        let j = Journey::new(
            &pipeline(),
            id(),
            [
                r("a", Outcome::Passed).on(date(1)),
                r("b", Outcome::Exempt),
                r("c", Outcome::Passed).on(date(3)),
                r("d", Outcome::Pending),
            ],
        )
        .unwrap();
        assert_eq!(j.len(), 4);
        assert_eq!(j.final_outcome(), Outcome::Pending);
        assert_eq!(j.application_date(), Some(date(1)));
        assert_eq!(Journey::from_record(&pipeline(), j.to_record()).unwrap(), j);
    }

    #[test]
    fn a_journey_may_start_late() {
        let j = Journey::new(&pipeline(), id(), [r("c", Outcome::Passed)]).unwrap();
        assert_eq!(j.results().next().unwrap().stage_index, 2);
    }

    #[test]
    fn each_rule_has_its_own_error_naming_candidate_and_stage() {
        let p = pipeline();
        let c = id().to_string();
        let cases: Vec<(Vec<StageResult>, &str)> = vec![
            (vec![], "journey has no stage results"),
            (
                vec![r("zz", Outcome::Passed)],
                "stage \"zz\" is not a stage of pipeline \"p\"",
            ),
            (
                vec![r("a", Outcome::Passed), r("a", Outcome::Passed)],
                "stage a appears more than once",
            ),
            (
                vec![r("b", Outcome::Passed), r("a", Outcome::Passed)],
                "stage a comes after b in the journey",
            ),
            (
                vec![r("a", Outcome::Withdrew), r("b", Outcome::Passed)],
                "stage b has a result after the candidate withdrew at a",
            ),
            (
                vec![r("a", Outcome::Pending), r("b", Outcome::Passed)],
                "stage a is pending but is not the last result",
            ),
            (
                vec![r("a", Outcome::Passed), r("c", Outcome::Passed)],
                "stage b has no result, but the journey goes past it",
            ),
            (
                vec![
                    r("a", Outcome::Passed).on(date(5)),
                    r("b", Outcome::Exempt),
                    r("c", Outcome::Passed).on(date(4)),
                ],
                "stage c is dated 2025-01-04, before a on 2025-01-05",
            ),
        ];
        for (results, expected) in cases {
            let err = Journey::new(&p, id(), results.clone()).unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.contains(expected),
                "{msg:?} should contain {expected:?}"
            );
            assert!(msg.starts_with(&format!("candidate {c}: ")), "{msg}");
        }
    }

    #[test]
    fn outcomes_parse_leniently_but_not_silently() {
        assert_eq!("Withdrawn".parse::<Outcome>().unwrap(), Outcome::Withdrew);
        assert_eq!(" PASS ".parse::<Outcome>().unwrap(), Outcome::Passed);
        let err = "maybe".parse::<Outcome>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown outcome \"maybe\": expected passed, failed, withdrew, pending or exempt"
        );
    }
}
