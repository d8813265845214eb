//! Records: the validated inputs every analysis starts from.
//!
//! Each record is checked when it is built, so no analysis ever meets a bad
//! one: a [`Journey`] whose results are out of order, a [`Profile`] with an
//! empty category, a [`Pipeline`] with a repeated stage. The most used of
//! them are re-exported at the crate root.
//!
//! | record | what it is |
//! |---|---|
//! | [`Characteristic`], [`Category`] | a dimension of equality monitoring (the nine protected characteristics, or a local one) and a candidate's value for it: declared, prefer not to say, or not recorded |
//! | [`Profile`] | a candidate's categories; its `Debug` never prints them |
//! | [`Candidate`], [`CandidateId`] | a person, identified by a UUID or by any external id |
//! | [`Pipeline`], [`Stage`], [`Rank`] | the ordered decision points of a recruitment, promotion or specialist selection |
//! | [`Journey`], [`StageResult`], [`Outcome`] | one application through a pipeline, validated in order |
//! | [`Applications`] | the candidates and journeys of one pipeline, with a period filter |
//! | [`Breakdown`], [`Group`] | how candidates are split: by sex, by ethnicity, or intersectionally |
//! | [`Period`] | a span of days: a financial year, a campaign |
//!
//! The workforce records (people in post, units, ranks, benchmarks) are in
//! [`workforce`](super::workforce), and the positive action records
//! (interventions, lawful bases, participation) in
//! [`interventions`](super::interventions).
//!
//! ```
//! use positive_action::records::{CandidateId, Outcome, Pipeline, Stage, StageResult};
//! use positive_action::Journey;
//!
//! let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025");
//! let id = CandidateId::from_external("APP-0042");
//! // A result after a failure is refused, naming the candidate and stage.
//! let broken = Journey::new(&pipeline, id, [
//!     StageResult::new(Stage::APPLICATION, Outcome::Failed),
//!     StageResult::new(Stage::SIFT, Outcome::Passed),
//! ]);
//! assert!(broken.is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod applications;
pub(crate) mod benchmark;
pub(crate) mod breakdown;
pub(crate) mod candidate;
pub(crate) mod characteristic;
pub(crate) mod cohort;
pub(crate) mod intervention;
pub(crate) mod journey;
pub(crate) mod lawful_basis;
pub(crate) mod participation;
pub(crate) mod period;
pub(crate) mod pipeline;
pub(crate) mod profile;
pub(crate) mod rank_structure;
pub(crate) mod workforce;

pub use applications::{Applications, PeriodSelection};
pub use breakdown::{Breakdown, Group};
pub use candidate::{Candidate, CandidateId};
pub use characteristic::{
    Category, Characteristic, NOT_RECORDED, PREFER_NOT_TO_SAY, ProtectedCharacteristic,
};
pub use journey::{Journey, JourneyRecord, JourneyStep, Outcome, StageResult};
pub use period::Period;
pub use pipeline::{MAX_STAGES, Pipeline, PipelineKind, Rank, Stage};
pub use profile::{Disclosed, Profile};
