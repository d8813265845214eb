//! The one error type of the crate.

use chrono::NaiveDate;

use crate::candidate::CandidateId;
use crate::journey::Outcome;
use crate::pipeline::Stage;

/// A specialised `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in this crate.
///
/// Every constructor validates its input and returns one of these rather than
/// panicking. Each message is lowercase, names the offending thing (candidate,
/// stage, group, option) and says what was expected.
#[derive(Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A name (of a characteristic, stage, pipeline, rank or role) was empty.
    #[error("empty {what} name: expected at least one non-blank character")]
    EmptyName {
        /// What kind of name it was.
        what: &'static str,
    },
    /// A declared category label was empty or is one of the reserved words
    /// for the unknown states.
    #[error("invalid category label {label:?}: {reason}")]
    InvalidCategory {
        /// The label as given.
        label: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A string was not a valid candidate id.
    #[error("invalid candidate id {value:?}: expected a uuid")]
    InvalidCandidateId {
        /// The value as given.
        value: String,
    },
    /// A string was not one of the five outcomes.
    #[error("unknown outcome {value:?}: expected passed, failed, withdrew, pending or exempt")]
    UnknownOutcome {
        /// The value as given.
        value: String,
    },
    /// A pipeline was given no stages.
    #[error("pipeline {pipeline:?} has no stages: expected at least one")]
    EmptyPipeline {
        /// The pipeline's name.
        pipeline: String,
    },
    /// A pipeline lists the same stage twice.
    #[error("pipeline {pipeline:?} lists stage {stage} more than once: stage names must be unique")]
    DuplicatePipelineStage {
        /// The pipeline's name.
        pipeline: String,
        /// The repeated stage.
        stage: Stage,
    },
    /// A characteristic appears twice in a profile or a breakdown.
    #[error("characteristic {characteristic} appears more than once in the {context}")]
    DuplicateCharacteristic {
        /// The repeated characteristic's name.
        characteristic: String,
        /// Where it appeared (a breakdown, a profile, a group).
        context: &'static str,
    },
    /// A journey has no stage results.
    #[error("candidate {candidate}: journey has no stage results, expected at least one")]
    EmptyJourney {
        /// The candidate.
        candidate: CandidateId,
    },
    /// A stage result names a stage the pipeline does not have.
    #[error(
        "{}stage {stage:?} is not a stage of pipeline {pipeline:?}",
        candidate_prefix(candidate)
    )]
    UnknownStage {
        /// The candidate, when the stage came from a journey.
        candidate: Option<CandidateId>,
        /// The stage name as given.
        stage: String,
        /// The pipeline's name.
        pipeline: String,
    },
    /// A stage result comes before one that precedes it in the pipeline.
    #[error(
        "candidate {candidate}: stage {stage} comes after {after} in the journey, but before it in the pipeline"
    )]
    StageOutOfOrder {
        /// The candidate.
        candidate: CandidateId,
        /// The stage that is out of order.
        stage: Stage,
        /// The result it follows in the journey.
        after: Stage,
    },
    /// A journey has two results for one stage.
    #[error("candidate {candidate}: stage {stage} appears more than once in the journey")]
    RepeatedStage {
        /// The candidate.
        candidate: CandidateId,
        /// The repeated stage.
        stage: Stage,
    },
    /// A result follows a failed or withdrew result.
    #[error(
        "candidate {candidate}: stage {stage} has a result after the candidate {exit} at {exit_stage}; nothing may follow failed or withdrew"
    )]
    ResultAfterExit {
        /// The candidate.
        candidate: CandidateId,
        /// The stage whose result should not be there.
        stage: Stage,
        /// The stage where the candidate left.
        exit_stage: Stage,
        /// How they left: failed or withdrew.
        exit: Outcome,
    },
    /// A pending result is followed by another result.
    #[error(
        "candidate {candidate}: stage {stage} is pending but is not the last result; pending must be last"
    )]
    PendingNotLast {
        /// The candidate.
        candidate: CandidateId,
        /// The pending stage.
        stage: Stage,
    },
    /// A result's date is before an earlier result's date.
    #[error(
        "candidate {candidate}: stage {stage} is dated {date}, before {previous_stage} on {previous_date}; dates must not go backwards"
    )]
    DateBackwards {
        /// The candidate.
        candidate: CandidateId,
        /// The stage with the earlier date.
        stage: Stage,
        /// Its date.
        date: NaiveDate,
        /// The preceding dated stage.
        previous_stage: Stage,
        /// Its date.
        previous_date: NaiveDate,
    },
    /// A stage between the first and the last result has no result.
    #[error(
        "candidate {candidate}: stage {stage} has no result, but the journey goes past it; record it, as exempt if the candidate skipped it by rule"
    )]
    MissingStage {
        /// The candidate.
        candidate: CandidateId,
        /// The missing stage.
        stage: Stage,
    },
    /// A journey refers to a candidate that was not supplied.
    #[error("candidate {candidate}: journey refers to a candidate with no profile")]
    UnknownCandidate {
        /// The candidate.
        candidate: CandidateId,
    },
    /// The same candidate was supplied twice.
    #[error("candidate {candidate} is listed more than once")]
    DuplicateCandidate {
        /// The candidate.
        candidate: CandidateId,
    },
    /// A journey was validated against a different pipeline.
    #[error("pipeline mismatch: expected {expected:?}, found {found:?}")]
    PipelineMismatch {
        /// The pipeline expected.
        expected: String,
        /// The pipeline found.
        found: String,
    },
    /// Two sets of counts have different breakdowns.
    #[error("breakdown mismatch: expected [{expected}], found [{found}]")]
    BreakdownMismatch {
        /// The breakdown expected.
        expected: String,
        /// The breakdown found.
        found: String,
    },
    /// A group does not have exactly the characteristics of the breakdown.
    #[error(
        "group {group} does not match the breakdown [{expected}]: expected one category for each of its characteristics"
    )]
    GroupShape {
        /// The group as given.
        group: String,
        /// The breakdown's characteristics.
        expected: String,
    },
    /// Counts for the same stage and group were given twice.
    #[error("counts for stage {stage}, group {group} are given more than once")]
    DuplicateCounts {
        /// The stage.
        stage: Stage,
        /// The group.
        group: String,
    },
    /// A count would exceed `u64::MAX`.
    #[error("count overflow at stage {stage}, group {group}: the total exceeds {max}", max = u64::MAX)]
    CountOverflow {
        /// The stage.
        stage: Stage,
        /// The group.
        group: String,
    },
    /// An option is outside its range.
    #[error("{name} = {value} is out of range: expected {expected}")]
    InvalidOption {
        /// The option's name.
        name: &'static str,
        /// The value as given.
        value: String,
        /// The range or form expected.
        expected: &'static str,
    },
    /// A table of counts cannot be analysed.
    #[error("invalid table: {reason}")]
    InvalidTable {
        /// Why.
        reason: String,
    },
    /// A fixed reference group is not among the counts' groups, or is an
    /// unknown group (prefer not to say, not recorded), which is never a
    /// reference.
    #[error("reference group {group} {reason}")]
    InvalidReferenceGroup {
        /// The group as given.
        group: String,
        /// Why it cannot be the reference.
        reason: &'static str,
    },
    /// Adverse impact was found where a caller asserted there was none. The
    /// message is a table of the groups, stages, ratios and p-values.
    #[error("{0}")]
    AdverseImpact(Box<crate::check::AdverseImpactFindings>),
    // Report input.
    /// JSON input is malformed or does not fit the contract.
    #[error("invalid json at line {line}, column {column}: {message}")]
    InvalidJson {
        /// The line (1-based).
        line: usize,
        /// The column (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Input that is well-formed but cannot be analysed as given.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// Why.
        reason: String,
    },
    // Interventions and lawful basis.
    /// An intervention names a target stage its pipeline does not have.
    #[error(
        "intervention {intervention:?}: target stage {stage:?} is not a stage of pipeline {pipeline:?}"
    )]
    UnknownTargetStage {
        /// The intervention.
        intervention: String,
        /// The stage as given.
        stage: String,
        /// The pipeline's name.
        pipeline: String,
    },
    /// An intervention is not consistent with itself: its kind, lawful
    /// basis, eligibility, target stages, cohorts or delivery disagree.
    #[error("intervention {intervention:?}: {reason}")]
    InvalidIntervention {
        /// The intervention.
        intervention: String,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// A cohort ends before it starts, or is otherwise invalid.
    #[error("cohort {cohort:?}: {reason}")]
    InvalidCohort {
        /// The cohort.
        cohort: String,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// A measure that would be positive discrimination, which the Equality
    /// Act 2010 does not allow (other than favourable treatment of disabled
    /// people under s.13(3)).
    #[error(
        "intervention {intervention:?}: {measure} is positive discrimination, which the Equality Act 2010 does not allow: {reason}"
    )]
    PositiveDiscrimination {
        /// The intervention.
        intervention: String,
        /// The measure, as text.
        measure: String,
        /// Why the Act does not allow it.
        reason: String,
    },
    /// A participation record does not fit its intervention.
    #[error("candidate {candidate}: participation in intervention {intervention:?}: {reason}")]
    InvalidParticipation {
        /// The candidate.
        candidate: CandidateId,
        /// The intervention named by the record.
        intervention: String,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// A representation figure cannot be used as evidence.
    #[error("representation of group {group} in {scope:?}: {reason}")]
    InvalidRepresentation {
        /// The group.
        group: String,
        /// The scope (workforce, rank).
        scope: String,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// A tie-break under s.159 was refused: one of its conditions does not
    /// hold.
    #[error("tie-break refused for {subject}: {condition}: {detail}")]
    TieBreakRefused {
        /// The case or rule refused, as text.
        subject: String,
        /// The condition that failed.
        condition: crate::lawful_basis::TieBreakCondition,
        /// What was found and what was expected.
        detail: String,
    },
    /// A period ends before it starts.
    #[error("period from {start} to {end} ends before it starts")]
    InvalidPeriod {
        /// The first day.
        start: NaiveDate,
        /// The last day.
        end: NaiveDate,
    },
}

fn candidate_prefix(candidate: &Option<CandidateId>) -> String {
    candidate.map_or_else(String::new, |c| format!("candidate {c}: "))
}

impl std::fmt::Debug for Error {
    /// The same readable message as `Display`, so that a test that returns
    /// `Err` or calls `unwrap` prints the explanation, not a struct dump.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
