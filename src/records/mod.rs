//! TODO guide for records.

pub(crate) mod applications;
pub(crate) mod benchmark;
pub(crate) mod breakdown;
pub(crate) mod candidate;
pub(crate) mod characteristic;
pub(crate) mod intervention;
pub(crate) mod journey;
pub(crate) mod period;
pub(crate) mod pipeline;
pub(crate) mod profile;
pub(crate) mod rank_structure;
pub(crate) mod workforce;

pub use applications::{Applications, PeriodSelection};
pub use benchmark::Benchmark;
pub use breakdown::{Breakdown, Group};
pub use candidate::{Candidate, CandidateId};
pub use characteristic::{
    Category, Characteristic, NOT_RECORDED, PREFER_NOT_TO_SAY, ProtectedCharacteristic,
};
pub use intervention::{
    Cohort, Completion, Delivery, Eligibility, Intervention, InterventionKind, LawfulBasis,
    Participation, ParticipationRecord, PreferentialTreatment, Section158Condition,
    TieBreakCondition,
};
pub use journey::{Journey, JourneyRecord, JourneyStep, Outcome, StageResult};
pub use period::Period;
pub use pipeline::{MAX_STAGES, Pipeline, PipelineKind, Rank, Stage};
pub use profile::{Disclosed, Profile};
pub use rank_structure::{RankBand, RankStructure};
pub use workforce::{Person, Unit, Workforce};
