//! Counts: the mergeable aggregates the analyses read.
//!
//! [`FunnelCounts`] holds, for each stage and group, how many candidates
//! passed, failed, withdrew, were pending or exempt ([`StageCounts`]). It is
//! the only thing the pipeline analyses read, and it comes from three places:
//!
//! - validated journeys ([`FunnelCounts::from_applications`]),
//! - already-aggregated counts, as the spreadsheet tools take them
//!   ([`FunnelCounts::from_records`], [`CountRecord`]),
//! - other counts, merged: months, partitions or forces
//!   ([`FunnelCounts::merge`]). Merging is associative and commutative with
//!   an empty identity, so partial counts combine exactly in any order.
//!
//! Rates are never stored or merged: they are derived when an analysis
//! runs, on a [`RateBasis`]. [`StageTimes`] holds time in stage as exact,
//! mergeable day histograms.
//!
//! ```
//! use positive_action::{Breakdown, CountRecord, FunnelCounts, Group, Pipeline, PipelineKind, Stage};
//!
//! let pipeline = Pipeline::new("sift", PipelineKind::Recruitment, ["sift"])?;
//! let by_sex = Breakdown::parse(["sex"])?;
//! let month = |f, m| -> positive_action::Result<FunnelCounts> {
//!     FunnelCounts::from_records(&pipeline, &by_sex, [
//!         CountRecord::new(Stage::new("sift")?, Group::parse([("sex", "female")])?, f, 10 - f),
//!         CountRecord::new(Stage::new("sift")?, Group::parse([("sex", "male")])?, m, 10 - m),
//!     ])
//! };
//! let mut quarter = month(6, 7)?;
//! quarter.merge(&month(5, 8)?)?;
//! let female = quarter.group_index(&Group::parse([("sex", "female")])?).ok_or("no group")?;
//! assert_eq!(quarter.counts(0, female).map(|c| c.passed), Some(11));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod coded;
pub(crate) mod funnel_counts;
pub(crate) mod headcount;
pub(crate) mod rate_basis;
pub(crate) mod selection;
pub(crate) mod stage_time;

pub use coded::CodedCounts;
pub use funnel_counts::{CountRecord, Counting, FunnelCounts, StageCounts};
pub use rate_basis::RateBasis;
pub use selection::SELECTION;
pub use stage_time::{DaysSummary, StageTimes};
