//! The one error type of the crate.

use chrono::NaiveDate;

mod findings;
pub mod limits;
mod load;
mod message;
pub use findings::{AdverseImpactFinding, AdverseImpactFindings};
pub use load::{ArrowPlace, OrderConflict, SetAside};
pub(crate) use message::*;

use crate::records::candidate::CandidateId;
use crate::records::journey::Outcome;
use crate::records::pipeline::Stage;

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
    /// A pre-coded stage or group index is past the end.
    #[error("{what} index {index} is out of range for {pipeline:?}: expected an index below {len}")]
    CodeOutOfRange {
        /// `stage` or `group`.
        what: &'static str,
        /// The index given.
        index: usize,
        /// How many there are.
        len: usize,
        /// The pipeline counted.
        pipeline: String,
    },
    /// A stage was given the name the bottom line goes by.
    #[error(
        "stage name {name:?} is reserved for the bottom line: expected another name for the stage"
    )]
    ReservedStageName {
        /// The name as given.
        name: String,
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
    #[error("{name} is {value}: expected {expected}")]
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
    AdverseImpact(Box<AdverseImpactFindings>),
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
    // Workforce: representation, attrition, declaration.
    /// A person's leaving date is before their start date.
    #[error(
        "person {person}: leaving date {left} is before start date {started}; expected a leaving date on or after the start date"
    )]
    LeftBeforeStart {
        /// The person.
        person: CandidateId,
        /// The start date.
        started: NaiveDate,
        /// The leaving date as given.
        left: NaiveDate,
    },
    /// A rank or grade is not in the rank structure.
    #[error("rank {rank:?} {context} is not in the rank structure: expected one of {expected}")]
    UnknownRank {
        /// The rank as given.
        rank: String,
        /// Where it was given: a band, a person, a headcount record.
        context: String,
        /// The ranks of the structure.
        expected: String,
    },
    /// A rank band is empty or malformed.
    #[error("rank band {band:?} {reason}")]
    InvalidBand {
        /// The band's name.
        band: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A share or rate is not a number in [0, 1].
    #[error("{what} is {value}: expected a number in [0, 1]")]
    InvalidShare {
        /// Whose share or rate it is.
        what: String,
        /// The value as given.
        value: f64,
    },
    /// A benchmark's shares do not sum to 1.
    #[error("benchmark {benchmark:?}: shares sum to {sum}, expected 1 within 1e-6")]
    SharesDoNotSumToOne {
        /// The benchmark's name.
        benchmark: String,
        /// The sum of the shares as given.
        sum: f64,
    },
    /// A benchmark has no population at all.
    #[error(
        "benchmark {benchmark:?} has no population: expected at least one group with a positive count or share"
    )]
    EmptyBenchmark {
        /// The benchmark's name.
        benchmark: String,
    },
    /// A group cannot be used where it was given.
    #[error("group {group} {reason}")]
    InvalidGroup {
        /// The group as given.
        group: String,
        /// Why it cannot be used there.
        reason: &'static str,
    },
    /// The same entry (a person, a group, a rank, a band) was given twice.
    #[error("{entry} is given more than once in the {context}")]
    DuplicateEntry {
        /// The entry, named.
        entry: String,
        /// Where it was given.
        context: &'static str,
    },
    /// A part is larger than the whole it belongs to.
    #[error("{part} ({count}) exceeds {whole} ({total})")]
    CountExceedsTotal {
        /// The part, named.
        part: String,
        /// Its count.
        count: u64,
        /// The whole, named.
        whole: String,
        /// Its count.
        total: u64,
    },
    /// A total would exceed `u64::MAX`.
    #[error("count overflow in {context}: the total exceeds {max}", max = u64::MAX)]
    TotalOverflow {
        /// What was being added up.
        context: String,
    },
    // Input: CSV.
    /// A CSV file could not be opened, or its bytes could not be read.
    #[error("cannot read {}: {reason}", describe_input(path.as_deref(), *line))]
    CsvIo {
        /// The file, when the input was a file.
        path: Option<String>,
        /// The line reading had reached, if it had started.
        line: Option<u64>,
        /// What the operating system or the CSV parser said.
        reason: String,
    },
    /// A CSV input is empty: it has no header line.
    #[error(
        "csv input is empty: expected a header line naming at least the candidate, stage and outcome columns"
    )]
    CsvNoHeader,
    /// A CSV header lacks one of the columns every row needs.
    #[error(
        "csv header has no {column} column: expected candidate, stage and outcome columns, found {}",
        list_columns(header)
    )]
    CsvMissingColumn {
        /// The missing column.
        column: &'static str,
        /// The header's column names, as given.
        header: Vec<String>,
    },
    /// A CSV header names a column twice, or has a blank or unreadable name.
    #[error("csv header, column {position} ({name:?}): {reason}")]
    CsvBadColumn {
        /// The column's position, counting from 1.
        position: usize,
        /// The name as given (lossily decoded if it was not UTF-8).
        name: String,
        /// What is wrong with it, and what was expected.
        reason: &'static str,
    },
    /// A CSV row has more or fewer fields than the header.
    #[error("csv line {line}: {fields} fields, expected {expected} as in the header")]
    CsvRaggedRow {
        /// The line the row starts on.
        line: u64,
        /// The fields found.
        fields: usize,
        /// The header's number of columns.
        expected: usize,
    },
    /// A CSV row opens a quoted field that runs on past its line and is
    /// never closed where the row should end: the row does not fit the
    /// header, or the quote is still open at the end of the input.
    #[error(
        "csv line {line}: a quote opened on this line is not closed where the row ends; the quoted field would span {lines} lines; expected a closing quote before the line break"
    )]
    CsvUnterminatedQuote {
        /// The line the quote opens on.
        line: u64,
        /// The lines the quoted field would span, counting its own.
        lines: u64,
    },
    /// A CSV cell is not UTF-8 text: binary garbage, or another encoding.
    #[error(
        "csv line {line}, column {column}: not utf-8 text; expected a csv file encoded as utf-8"
    )]
    CsvNotUtf8 {
        /// The line the row starts on.
        line: u64,
        /// The column.
        column: String,
    },
    /// A CSV cell holds a value its column does not accept: an unknown
    /// outcome or stage, a bad date, a blank candidate id.
    #[error(
        "csv line {line}, column {column}{}: {reason}",
        candidate_note(candidate.as_deref())
    )]
    CsvCell {
        /// The line the row starts on.
        line: u64,
        /// The column.
        column: String,
        /// The row's candidate (external id), when it could be read.
        candidate: Option<String>,
        /// What is wrong with the value.
        reason: Box<Error>,
    },
    /// A date is not an ISO 8601 calendar date.
    #[error("invalid date {value:?}: expected a date as YYYY-MM-DD")]
    InvalidDate {
        /// The value as given.
        value: String,
    },
    /// A candidate has two CSV rows for one stage of one application.
    #[error(
        "candidate {candidate}{}: stage {stage} is given on csv lines {first_line} and {line}: expected one row per candidate and stage{}",
        application_note(application.as_deref()),
        if application.is_none() { " (give a second application its own application column value)" } else { "" }
    )]
    CsvDuplicateResult {
        /// The candidate (external id).
        candidate: String,
        /// The application, when the CSV has an application column.
        application: Option<String>,
        /// The stage.
        stage: String,
        /// The line of the first row for the stage.
        first_line: u64,
        /// The line of the second.
        line: u64,
    },
    /// A candidate's CSV rows give different categories for one
    /// characteristic. The categories are not printed: they are special
    /// category data.
    #[error(
        "candidate {candidate}: column {column} on csv line {line} contradicts line {first_line}: expected the same category on every row of a candidate"
    )]
    CsvContradictoryCategory {
        /// The candidate (external id).
        candidate: String,
        /// The characteristic's column.
        column: String,
        /// The line that first gave the category.
        first_line: u64,
        /// The line that contradicts it.
        line: u64,
    },
    /// A journey read from CSV breaks a rule of a consistent journey (see
    /// [`Journey::new`](crate::Journey::new)).
    #[error(
        "candidate {candidate}{}, csv {}: {}",
        application_note(application.as_deref()),
        list_lines(lines),
        without_candidate(reason)
    )]
    CsvJourney {
        /// The candidate (external id).
        candidate: String,
        /// The application, when the CSV has an application column.
        application: Option<String>,
        /// The lines of the rows the rule concerns.
        lines: Vec<u64>,
        /// The rule broken, as [`Journey::new`](crate::Journey::new) gives it.
        reason: Box<Error>,
    },
    /// Two CSV candidate ids are the same candidate: two spellings of one
    /// UUID.
    #[error(
        "candidate ids {first:?} (csv line {first_line}) and {second:?} (line {line}) are the same uuid: expected one id per candidate"
    )]
    CsvSameCandidate {
        /// The first id, as given.
        first: String,
        /// Its first line.
        first_line: u64,
        /// The second id, as given.
        second: String,
        /// Its first line.
        line: u64,
    },
    /// Candidates pass through stages in orders that contradict each other,
    /// so no stage order can be inferred.
    #[error(
        "stage order is contradictory: {}; give the stage order explicitly, or correct these candidates",
        list_conflicts(conflicts)
    )]
    ContradictoryStageOrder {
        /// The steps of a cycle in the order, each with candidates who take it.
        conflicts: Vec<OrderConflict>,
    },
    /// A CSV input has no row a stage order can be inferred from: no rows,
    /// or (lenient) every row set aside.
    #[error(
        "csv input has no usable rows ({rows_read} read{}): expected at least one to infer the stage order from, or the stages given",
        first_set_aside(set_aside)
    )]
    CsvNoRows {
        /// The data rows read.
        rows_read: u64,
        /// Every row set aside, in line order (lenient mode).
        set_aside: Vec<SetAside>,
    },
    /// The inferred stage order is not the only one the journeys allow:
    /// two neighbouring stages are never taken one straight after the
    /// other, so the rows' order in the file would decide between them.
    #[error(
        "stage order is ambiguous: no candidate goes from {first} straight to {second} or back, so the order of the rows would decide it (inferred: {}); give the stage order explicitly (--stages in the report example)",
        order.join(", ")
    )]
    AmbiguousStageOrder {
        /// The stage first in the order inferred.
        first: String,
        /// The stage after it, which could come before it.
        second: String,
        /// The order inferred, by first appearance where tied.
        order: Vec<String>,
    },
    /// A breakdown names a characteristic no column of the input holds
    /// (a typo, or a reserved column such as `date`).
    #[error(
        "the breakdown names {column:?}, {}: expected one of the characteristic columns {}",
        if *reserved { "a column with a meaning of its own, not a characteristic" } else { "which no column of the input is called, in any case" },
        list_names(columns)
    )]
    UnknownBreakdownColumn {
        /// The characteristic as the breakdown names it.
        column: String,
        /// Whether it names a reserved column (candidate, stage, outcome,
        /// date, interventions, application).
        reserved: bool,
        /// The characteristic columns there are.
        columns: Vec<String>,
    },
    /// The counts describe a funnel that cannot have happened: more
    /// candidates entered a stage than passed (or were exempt from) the
    /// stage before.
    #[error(
        "group {group}: {entered} reached stage {stage} (entered or exempt), but only {before} passed or were exempt from {previous}, the stage before: expected no more candidates at a stage than came through the one before"
    )]
    ImpossibleFlow {
        /// The group.
        group: String,
        /// The stage entered.
        stage: String,
        /// Entered plus exempt at it.
        entered: u64,
        /// The stage before.
        previous: String,
        /// Passed plus exempt at the stage before.
        before: u64,
    },
    // Input: Arrow and Parquet.
    /// A row of Arrow or Parquet input holds what its column does not
    /// accept, or a candidate's rows disagree: the problem the CSV reader
    /// reports for such a row, at the row's place in the batches.
    #[error(
        "{place}{}{}: {reason}",
        column.as_deref().map(|c| format!(", column {c}")).unwrap_or_default(),
        candidate_note(candidate.as_deref())
    )]
    ArrowRow {
        /// Where the row is: file, batch and row.
        place: Box<ArrowPlace>,
        /// The column, when one cell is at fault.
        column: Option<String>,
        /// The row's candidate (external id), when it could be read.
        candidate: Option<String>,
        /// What is wrong, and what was expected.
        reason: String,
        /// The [`Error::code`] the CSV reader gives the same problem
        /// (`csv_cell`, `csv_journey`, ...).
        kind: &'static str,
    },
    /// Arrow or Parquet input cannot be read as candidate journeys: a
    /// missing column or one of the wrong type, batches that disagree on
    /// their columns, a file that is not Parquet, a folder that cannot be
    /// listed.
    #[error(
        "{}{}: {reason}",
        file.as_deref().map_or_else(|| "arrow input".to_owned(), |f| format!("parquet {f}")),
        column.as_deref().map(|c| format!(", column {c:?}")).unwrap_or_default()
    )]
    ArrowInput {
        /// The file or folder, for Parquet input.
        file: Option<String>,
        /// The column, when one is at fault.
        column: Option<String>,
        /// What is wrong, and what was expected.
        reason: String,
    },
    /// An error in a named input file.
    #[error("{path}: {error}")]
    InFile {
        /// The file.
        path: String,
        /// The error.
        error: Box<Error>,
    },
    /// A query engine (DataFusion, Ballista) failed for a reason of its
    /// own, not one this crate found in the data: a query that does not
    /// plan, a cluster that cannot be reached. With the `datafusion`
    /// feature, `engine::locate` turns a failed
    /// query over Parquet into the error naming file, row and column where
    /// the data is at fault, and into this only where it is not.
    #[error("query engine: {reason}")]
    Engine {
        /// The engine's message.
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
        condition: crate::records::intervention::TieBreakCondition,
        /// What was found and what was expected.
        detail: String,
    },
    /// A measure the Equality Act 2010 does not allow as recorded: it is
    /// refused with the section it breaks, the group it concerns, the rule,
    /// and what would be lawful instead.
    #[error(
        "intervention {intervention:?} for {}: {}, so it breaks {section} of the Equality Act 2010; lawful instead: {}",
        .refusal.group, .refusal.rule, .refusal.instead
    )]
    UnlawfulMeasure {
        /// The intervention.
        intervention: String,
        /// The section the measure breaks, such as `s.13(3)` or `s.158(4)`.
        section: &'static str,
        /// The group, the rule broken and what would be lawful instead.
        refusal: Box<Refusal>,
    },
    /// A positive action measure rests on figures that show no gap for its
    /// group: s.158(1) and s.159(1) need the employer to reasonably think
    /// the group is disadvantaged or under-represented.
    #[error(
        "{subject} for {}: the evidence shows no gap, so it does not meet {section} of the Equality Act 2010: {}; lawful instead: {}",
        .refusal.group, .refusal.rule, .refusal.instead
    )]
    InsufficientEvidence {
        /// The intervention or tie-break case, as text.
        subject: String,
        /// The section whose condition is not met (`s.158(1)`, `s.159(1)`).
        section: &'static str,
        /// The group; as the rule, the figures that fell short with the
        /// thresholds they missed; and what would be lawful instead.
        refusal: Box<Refusal>,
    },
    /// A banding that cannot stand for "as qualified as each other" under
    /// s.159(4)(a).
    #[error(
        "banding {statement:?}: {rule}, so it breaks s.159(4)(a) of the Equality Act 2010 (candidates as qualified as each other); lawful instead: {instead}"
    )]
    InvalidBanding {
        /// The banding's statement.
        statement: String,
        /// The rule broken, with what was found.
        rule: String,
        /// What would be lawful instead.
        instead: Box<str>,
    },
    /// A period ends before it starts.
    #[error("period from {start} to {end} ends before it starts")]
    InvalidPeriod {
        /// The first day.
        start: NaiveDate,
        /// The last day.
        end: NaiveDate,
    },
    // Limits.
    /// An input goes past one of the documented limits in
    /// [`limits`](crate::error::limits): too many groups, stages or columns, a
    /// header or cell too long, a table too large for an exact test. The
    /// check comes before the slow work, so a small hostile file fails fast.
    #[error(
        "{location}: {what} is {value}, over the limit of {max} ({limit}); expected at most {max}"
    )]
    LimitExceeded {
        /// The limit's constant in [`limits`](crate::error::limits), e.g. `"MAX_GROUPS"`.
        limit: &'static str,
        /// What was counted or measured, e.g. "the number of groups".
        what: &'static str,
        /// The value met; a scan that stops at the limit gives the first
        /// value past it.
        value: u64,
        /// The largest value allowed.
        max: u64,
        /// Where: the line and column of a CSV input, the field of a JSON
        /// input, or the analysis.
        location: String,
    },
}

impl Error {
    /// A stable, machine-readable name for the kind of error, in
    /// snake_case (`unknown_stage`, `count_overflow`): what a service
    /// matches on, where the message is for people. Codes are never reused
    /// or renamed.
    ///
    /// ```
    /// use positive_action::Stage;
    ///
    /// let err = Stage::new("bottom_line").unwrap_err();
    /// assert_eq!(err.code(), "reserved_stage_name");
    /// assert_eq!(
    ///     serde_json::to_value(&err)?,
    ///     serde_json::json!({"code": "reserved_stage_name", "message": err.to_string()})
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyName { .. } => "empty_name",
            Self::CodeOutOfRange { .. } => "code_out_of_range",
            Self::ReservedStageName { .. } => "reserved_stage_name",
            Self::InvalidCategory { .. } => "invalid_category",
            Self::InvalidCandidateId { .. } => "invalid_candidate_id",
            Self::UnknownOutcome { .. } => "unknown_outcome",
            Self::EmptyPipeline { .. } => "empty_pipeline",
            Self::DuplicatePipelineStage { .. } => "duplicate_pipeline_stage",
            Self::DuplicateCharacteristic { .. } => "duplicate_characteristic",
            Self::EmptyJourney { .. } => "empty_journey",
            Self::UnknownStage { .. } => "unknown_stage",
            Self::StageOutOfOrder { .. } => "stage_out_of_order",
            Self::RepeatedStage { .. } => "repeated_stage",
            Self::ResultAfterExit { .. } => "result_after_exit",
            Self::PendingNotLast { .. } => "pending_not_last",
            Self::DateBackwards { .. } => "date_backwards",
            Self::MissingStage { .. } => "missing_stage",
            Self::UnknownCandidate { .. } => "unknown_candidate",
            Self::DuplicateCandidate { .. } => "duplicate_candidate",
            Self::PipelineMismatch { .. } => "pipeline_mismatch",
            Self::BreakdownMismatch { .. } => "breakdown_mismatch",
            Self::GroupShape { .. } => "group_shape",
            Self::DuplicateCounts { .. } => "duplicate_counts",
            Self::CountOverflow { .. } => "count_overflow",
            Self::InvalidOption { .. } => "invalid_option",
            Self::InvalidTable { .. } => "invalid_table",
            Self::InvalidReferenceGroup { .. } => "invalid_reference_group",
            Self::AdverseImpact(..) => "adverse_impact",
            Self::InvalidJson { .. } => "invalid_json",
            Self::InvalidInput { .. } => "invalid_input",
            Self::LeftBeforeStart { .. } => "left_before_start",
            Self::UnknownRank { .. } => "unknown_rank",
            Self::InvalidBand { .. } => "invalid_band",
            Self::InvalidShare { .. } => "invalid_share",
            Self::SharesDoNotSumToOne { .. } => "shares_do_not_sum_to_one",
            Self::EmptyBenchmark { .. } => "empty_benchmark",
            Self::InvalidGroup { .. } => "invalid_group",
            Self::DuplicateEntry { .. } => "duplicate_entry",
            Self::CountExceedsTotal { .. } => "count_exceeds_total",
            Self::TotalOverflow { .. } => "total_overflow",
            Self::CsvIo { .. } => "csv_io",
            Self::CsvNoHeader => "csv_no_header",
            Self::CsvMissingColumn { .. } => "csv_missing_column",
            Self::CsvBadColumn { .. } => "csv_bad_column",
            Self::CsvRaggedRow { .. } => "csv_ragged_row",
            Self::CsvUnterminatedQuote { .. } => "csv_unterminated_quote",
            Self::CsvNotUtf8 { .. } => "csv_not_utf8",
            Self::CsvCell { .. } => "csv_cell",
            Self::InvalidDate { .. } => "invalid_date",
            Self::CsvDuplicateResult { .. } => "csv_duplicate_result",
            Self::CsvContradictoryCategory { .. } => "csv_contradictory_category",
            Self::CsvJourney { .. } => "csv_journey",
            Self::CsvSameCandidate { .. } => "csv_same_candidate",
            Self::ContradictoryStageOrder { .. } => "contradictory_stage_order",
            Self::CsvNoRows { .. } => "csv_no_rows",
            Self::AmbiguousStageOrder { .. } => "ambiguous_stage_order",
            Self::UnknownBreakdownColumn { .. } => "unknown_breakdown_column",
            Self::ImpossibleFlow { .. } => "impossible_flow",
            Self::ArrowRow { .. } => "arrow_row",
            Self::ArrowInput { .. } => "arrow_input",
            Self::InFile { .. } => "in_file",
            Self::Engine { .. } => "engine",
            Self::UnknownTargetStage { .. } => "unknown_target_stage",
            Self::InvalidIntervention { .. } => "invalid_intervention",
            Self::InvalidCohort { .. } => "invalid_cohort",
            Self::PositiveDiscrimination { .. } => "positive_discrimination",
            Self::InvalidParticipation { .. } => "invalid_participation",
            Self::InvalidRepresentation { .. } => "invalid_representation",
            Self::TieBreakRefused { .. } => "tie_break_refused",
            Self::UnlawfulMeasure { .. } => "unlawful_measure",
            Self::InsufficientEvidence { .. } => "insufficient_evidence",
            Self::InvalidBanding { .. } => "invalid_banding",
            Self::InvalidPeriod { .. } => "invalid_period",
            Self::LimitExceeded { .. } => "limit_exceeded",
        }
    }
}

/// An error serialises as its [`code`](Error::code) and its message, so a
/// service can return it as JSON: `{"code": "unknown_stage", "message":
/// "..."}`.
#[cfg(feature = "serde")]
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut out = s.serialize_struct("Error", 2)?;
        out.serialize_field("code", self.code())?;
        out.serialize_field("message", &self.to_string())?;
        out.end()
    }
}

/// Why a measure is refused: the group it concerns, the rule it breaks
/// (with what was found), and what would be lawful instead. Boxed in
/// [`Error::UnlawfulMeasure`] and [`Error::InsufficientEvidence`] to keep
/// the error small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The group (or eligibility) the measure concerns, as text.
    pub group: String,
    /// The rule broken, with what was found.
    pub rule: String,
    /// What would be lawful instead.
    pub instead: String,
}

/// Names for a message: quoted, at most 20, with how many more.
fn list_names(names: &[String]) -> String {
    if names.is_empty() {
        return "(there are none)".to_owned();
    }
    let shown: Vec<String> = names.iter().take(20).map(|n| format!("{n:?}")).collect();
    let more = names.len().saturating_sub(20);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
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
