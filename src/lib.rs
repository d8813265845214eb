//! positive-action: crate docs are written below once the funnel lands.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod breakdown;
mod candidate;
mod characteristic;
mod error;
mod journey;
mod pipeline;
mod profile;
pub mod stats;

pub use breakdown::{Breakdown, Group};
pub use candidate::{Candidate, CandidateId};
pub use characteristic::{Category, Characteristic, NOT_RECORDED, PREFER_NOT_TO_SAY, ProtectedCharacteristic};
pub use error::{Error, Result};
pub use journey::{Journey, JourneyRecord, JourneyStep, Outcome, StageResult};
pub use pipeline::{MAX_STAGES, Pipeline, PipelineKind, Rank, Stage};
pub use profile::{Disclosed, Profile};
