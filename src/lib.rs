//! # positive-action
//!
//! Models **positive action pipelines**, the recruitment, promotion and
//! specialist-selection processes that employers run, and the positive
//! action that helps under-represented groups through them. It computes what
//! equality monitoring needs, exactly and fast: stage pass rates, conversion
//! funnels, adverse impact ratios and the statistics that make them
//! defensible.
//!
//! UK police forces are the first users: they must show, stage by stage,
//! where candidates from each group fall away, whether a stage has adverse
//! impact, and whether their positive action (Step In, Step Up, Step Across,
//! mentoring, workshops, development programmes) closed the gap, all within
//! the Equality Act 2010.
//!
//! ## The domain in five minutes
//!
//! - A [`Candidate`] is a person, identified by a [`CandidateId`] (a UUID;
//!   [`CandidateId::from_external`] turns any applicant-tracking id into a
//!   stable one).
//! - A [`Characteristic`] is a dimension of equality monitoring: one of the
//!   nine protected characteristics of the Act ([`ProtectedCharacteristic`](crate::records::ProtectedCharacteristic))
//!   or a local one (Welsh language, neurodivergence).
//! - A [`Category`] is a candidate's value for it: a declared label,
//!   **prefer not to say**, or **not recorded**. The last two are distinct
//!   states, never empty strings, never dropped.
//! - A [`Profile`] holds a candidate's categories. Its `Debug` output never
//!   prints them: equality data is special category personal data.
//! - A [`Pipeline`] is an ordered list of [`Stage`]s with a [`PipelineKind`]:
//!   recruitment (Step In), promotion from one [`Rank`](crate::records::Rank) to the next (Step
//!   Up), specialist selection (Step Across), or selection into a
//!   development programme.
//! - A [`Journey`] is one application of one candidate to one pipeline: an
//!   [`Outcome`] per stage (passed, failed, withdrew, pending, exempt),
//!   validated on construction. [`Applications`] holds the candidates and
//!   journeys of one pipeline.
//! - A [`Breakdown`] (by sex, by ethnicity, or intersectional by both)
//!   splits candidates into [`Group`]s.
//!
//! Data flows one way:
//!
//! ```text
//! records   Candidate, Profile, Pipeline, Journey, Intervention, Participation   (validated on construction)
//!    |
//! aggregate FunnelCounts: dense counts per (stage, group, outcome); mergeable
//!    |
//! analyses  Funnel · ImpactAnalysis (per stage, bottom line, pinch points) · StratifiedImpact
//!           InterventionEvaluation · Representation, Attrition, TargetPlan, Declaration
//!    |
//! report    report::Report: plain data (serde), rendered as text, JSON and SVG; small-cell suppression
//! stats     TwoByTwo and Strata tests, no domain knowledge, used by the analyses
//! ```
//!
//! [`FunnelCounts`] is the only thing the pipeline analyses read. Build it
//! from journeys, from already-aggregated counts (as the spreadsheet tools
//! take typed-in numbers), or by merging counts from months, partitions or
//! forces. [`io::read_csv`] reads a long-format export into validated
//! journeys.
//!
//! What the crate answers:
//!
//! - **Where do candidates fall away?** [`Funnel`]: pass rates, conversion,
//!   drop-off and time in stage, per stage and group.
//! - **Does a stage have adverse impact?** [`ImpactAnalysis`]: impact ratios
//!   against a reference group ([`ReferencePolicy`]), the four-fifths flag,
//!   Fisher's exact test, z, chi-square, intervals, shortfalls, the
//!   flip-flop and n-person rules, and the pinch point of the bottom line
//!   ([`Decomposition`](crate::impact::Decomposition)); across years or sites, [`StratifiedImpact`](crate::impact::StratifiedImpact).
//! - **Is my selection procedure fair?** [`check_no_adverse_impact`], for
//!   another crate's test suite.
//! - **Did our positive action close the gap, and is it lawful?**
//!   [`Intervention`](crate::interventions::Intervention) (which refuses to represent positive discrimination),
//!   [`PositiveActionEvidence`](crate::interventions::PositiveActionEvidence) for s.158, [`TieBreak`](crate::interventions::TieBreak) for s.159, and
//!   [`InterventionEvaluation`](crate::interventions::InterventionEvaluation).
//! - **Does the workforce reflect the community?** [`Representation`](crate::workforce::Representation)
//!   against a [`Benchmark`](crate::workforce::Benchmark), [`Disproportionality`](crate::workforce::Disproportionality), [`Attrition`](crate::workforce::Attrition),
//!   [`TargetPlan`](crate::workforce::TargetPlan) and [`Declaration`](crate::workforce::Declaration) completeness.
//! - **What can be published?** [`report::Report`] with a minimum cell size.
//!
//! ## Definitions
//!
//! For a stage and a group: entered = passed + failed + withdrew + pending
//! (exempt candidates are counted apart); the **pass rate** is passed /
//! (passed + failed) by default ([`RateBasis::Decided`]: withdrawals are
//! attrition, not selection) or passed / entered; **conversion** to a stage
//! is entered there / entered at the first stage; **drop-off** is 1 −
//! entered at the next stage / entered here; the **bottom-line selection
//! rate** is passed at the last stage / entered at the first. A rate with a
//! zero denominator is `None`: never 0, never NaN.
//!
//! ## Example
//!
//! ```
//! use chrono::NaiveDate;
//! use positive_action::*;
//! use positive_action::workforce::{Attrition, Benchmark, Declaration, Disproportionality, Representation, TargetPlan};
//! use positive_action::interventions::{Intervention, InterventionEvaluation, Participation, PositiveActionEvidence, TieBreak};
//! use positive_action::impact::{Decomposition, StratifiedImpact};
//! use positive_action::records::{ProtectedCharacteristic, Rank};
//! use positive_action::stats::{Strata, TwoByTwo, rate};
//!
//! let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025/26");
//! let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
//!
//! let asha = Candidate::new(CandidateId::from_external("APP-0001"),
//!                           Profile::parse([("sex", "female"), ("ethnicity", "Asian")])?);
//! let ben = Candidate::new(CandidateId::from_external("APP-0002"),
//!                          Profile::parse([("sex", "male"), ("ethnicity", "prefer not to say")])?);
//! let journeys = vec![
//!     Journey::new(&pipeline, asha.id, [
//!         StageResult::new(Stage::APPLICATION, Outcome::Passed).on(day(4, 2)),
//!         StageResult::new(Stage::SIFT, Outcome::Passed).on(day(4, 20)),
//!         StageResult::new(Stage::ONLINE_ASSESSMENT, Outcome::Pending),
//!     ])?,
//!     Journey::new(&pipeline, ben.id, [
//!         StageResult::new(Stage::APPLICATION, Outcome::Passed).on(day(4, 3)),
//!         StageResult::new(Stage::SIFT, Outcome::Failed).on(day(4, 21)),
//!     ])?,
//! ];
//! let applications = Applications::new(&pipeline, vec![asha, ben], journeys)?;
//!
//! let by_ethnicity = Breakdown::parse(["ethnicity"])?;
//! let counts = FunnelCounts::from_applications(&applications, &by_ethnicity, Counting::Applications);
//! let funnel = Funnel::new(&counts, RateBasis::Decided)?;
//!
//! let sift = &funnel.stages[1];
//! assert_eq!(sift.total.entered, 2);
//! assert_eq!(sift.total.pass_rate, Some(0.5));
//! // Prefer-not-to-say is its own, unknown, group: reported, never dropped.
//! assert!(sift.groups[1].group.is_unknown());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Errors
//!
//! Every constructor validates and returns an [`Error`] that names the
//! candidate, stage, group or option at fault and says what was expected.
//! No input makes the library panic, and nothing is silently dropped.
//!
//! ## Crate features
//!
//! - `serde` (default): `Serialize` and `Deserialize` for records,
//!   aggregates, analyses and the report, in the stable JSON form other
//!   tools rely on, and JSON input ([`report::ReportInput::from_json`]).
//! - `arrow`: Arrow record batches and Parquet files as input
//!   (`io::read_arrow`, `io::count_parquet`, `io::ArrowCounter`).
//! - `datafusion` (implies `arrow`): a `funnel_counts` aggregate for
//!   Apache DataFusion, so SQL or DataFrames over any source give funnel
//!   counts per grouping (the `engine` module).
//! - `ballista` (implies `datafusion`): the same aggregate on an Apache
//!   Ballista cluster (see `examples/distributed.rs`).
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

mod error;
mod text_table;

pub mod counts;
#[cfg(feature = "datafusion")]
pub mod engine;
pub mod funnel;
pub mod impact;
pub mod interventions;
pub mod io;
pub mod records;
pub mod report;
pub mod stats;
pub mod workforce;

pub use counts::{CountRecord, Counting, FunnelCounts, RateBasis, StageCounts};
pub use error::{Error, Result, limits};
pub use funnel::Funnel;
pub use impact::{
    AdverseImpactRule, ImpactAnalysis, ImpactOptions, ReferencePolicy, check_no_adverse_impact,
};
pub use records::{
    Applications, Breakdown, Candidate, CandidateId, Category, Characteristic, Group, Journey,
    Outcome, Pipeline, PipelineKind, Profile, Stage, StageResult,
};

/// Every Rust snippet of the README, compiled and run as a doctest so the
/// README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
