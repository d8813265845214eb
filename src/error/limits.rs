//! The limits a service can rely on, in one place.
//!
//! Each is checked before the work it bounds, so an input past one fails
//! fast with [`Error::LimitExceeded`](crate::Error::LimitExceeded), which
//! names the limit (by its constant here), the value met and where (the
//! line, column or stage of a CSV input, the field of a JSON input, the
//! record of a set of counts). Within them, every entry point finishes in
//! time roughly proportional to its input: a candidate's rows, a group, a
//! stage or a column costs the same however many others there are.
//!
//! Where each is checked:
//!
//! - the CSV reader (`io::read_csv`, `io::count_csv`): the header, column
//!   and cell limits as it reads, [`MAX_STAGES`] distinct stages, and, when
//!   it counts, [`MAX_GROUPS`] groups of the breakdown;
//! - [`Pipeline::new`](crate::Pipeline::new): [`MAX_STAGES`];
//! - [`FunnelCounts`](crate::FunnelCounts): [`MAX_GROUPS`] in
//!   `from_records`, `add` (and its kin) and `merge`.
//!   `from_applications` cannot fail: it has at most a group per candidate,
//!   and the JSON input checks the groups it gives;
//! - the JSON report input (`report::ReportInput::prepare`):
//!   [`MAX_MIN_CELL`], [`MAX_CELL_BYTES`] for every pipeline, stage,
//!   stratum, characteristic and category name, [`MAX_GROUPS`] (counts,
//!   strata, candidates) and [`MAX_STAGES`] (while reading the pipeline);
//! - `report::Report::new`: [`MAX_MIN_CELL`], as `Error::InvalidOption`;
//! - [`TwoByTwo::new`](crate::stats::TwoByTwo::new): [`MAX_TOTAL`], as
//!   `Error::InvalidTable` (a total past it is not an input error: counts
//!   may exceed it, and the analyses drop only the figures that need it);
//! - [`stats::fisher_exact`](crate::stats::fisher_exact):
//!   [`FISHER_EXACT_MAX_TOTAL`].
//!
//! | limit | value | what it bounds |
//! |---|---|---|
//! | [`MAX_HEADER_BYTES`] | 65,536 | a CSV header line |
//! | [`MAX_COLUMNS`] | 1,024 | columns of a CSV header (so characteristic columns ≤ 1,021) |
//! | [`MAX_CELL_BYTES`] | 65,536 | one CSV cell |
//! | [`MAX_STAGES`] | 65,535 | stages of a pipeline |
//! | [`MAX_GROUPS`] | 10,000 | groups of one breakdown in a set of counts |
//! | [`MAX_MIN_CELL`] | 1,000 | the small-cell threshold of a published report |
//! | [`MAX_TOTAL`] | 2⁵³ | any total a statistic divides by: exact integers in `f64` |
//! | [`FISHER_EXACT_MAX_TOTAL`] | 2³⁴ | tables always given Fisher's exact test |
//!
//! Counts are exact throughout: every count is a `u64` and every sum is
//! checked. Every statistic is computed, to the accuracy its own
//! documentation states, for tables of up to [`FISHER_EXACT_MAX_TOTAL`]
//! candidates. Above it and up to [`MAX_TOTAL`], Fisher's exact test (and
//! the n-person rule built on it) is withheld with a note unless the table
//! is lopsided enough to be cheap; every other figure is still given.
//! Above [`MAX_TOTAL`] the figures that need the total are refused with an
//! error, or, in the impact analysis, dropped with a note.

pub use crate::records::pipeline::MAX_STAGES;
pub use crate::stats::{FISHER_EXACT_MAX_TOTAL, MAX_TOTAL};

/// The longest CSV header line accepted, in bytes: room for 1,024 column
/// names of 64 bytes. A longer header is refused as soon as its first
/// 65,537 bytes are read.
pub const MAX_HEADER_BYTES: u64 = 65_536;

/// The most columns a CSV header may have: the candidate, stage and outcome
/// columns, the optional ones, and the characteristic columns.
pub const MAX_COLUMNS: u64 = 1_024;

/// The longest CSV cell accepted, in bytes, and the longest label, group,
/// stage or pipeline name in a JSON report input.
pub const MAX_CELL_BYTES: u64 = 65_536;

/// The most groups one breakdown may have in a set of counts (groups are
/// the distinct combinations of the breakdown's characteristics met in the
/// data), and so in an impact analysis or a published report built from
/// them.
///
/// Suppression and the chart are linear in the groups, so this is a bound
/// on a report's memory and size rather than on a runaway run: measured
/// with the `report` example (2 stages, 3 to 40 candidates a group,
/// `--min-cell 5`, with the chart; release build, shared 2-core machine,
/// 2026-12-03), 10,000 groups took 0.4 to 0.7 s and 118 MB at most, with
/// a 6 MB chart; without the limit 100,000 groups took 5.2 to 5.7 s and
/// 0.9 to 1.0 GB, with a 61 MB chart no one could read.
pub const MAX_GROUPS: u64 = 10_000;

/// The largest small-cell threshold (`min_cell`) of a published report:
/// published guidance uses 3 to 10 (ONS, NHS Digital), and a threshold
/// above 1,000 would withhold all but the largest counts.
pub const MAX_MIN_CELL: u64 = 1_000;
