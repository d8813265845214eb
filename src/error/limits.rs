//! The limits a service can rely on, in one place.
//!
//! Each is checked before the work it bounds, so an input past one fails
//! fast with [`Error::LimitExceeded`](crate::Error::LimitExceeded), which
//! names the limit (by its constant here), the value met and where (line
//! and column of a CSV input). The CSV reader checks the header, column and
//! cell limits today; the JSON report input does not yet. Within them, every
//! entry point finishes in time roughly proportional to its input: a
//! candidate's rows, a group, a stage or a column costs the same however
//! many others there are.
//!
//! | limit | value | what it bounds |
//! |---|---|---|
//! | [`MAX_HEADER_BYTES`] | 65,536 | a CSV header line |
//! | [`MAX_COLUMNS`] | 1,024 | columns of a CSV header (so characteristic columns ≤ 1,021) |
//! | [`MAX_CELL_BYTES`] | 65,536 | one CSV cell |
//! | [`MAX_STAGES`] | 65,535 | stages of a pipeline |
//! | [`MAX_GROUPS`] | 10,000 | groups of one breakdown in a set of counts or a report (declared; not yet checked) |
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

/// The most groups one breakdown may have in a set of counts, an impact
/// analysis or a published report (groups are the distinct combinations of
/// the breakdown's characteristics met in the data). Small-cell suppression
/// and the chart grow faster than linearly in the groups of a stage; this
/// keeps a report of the largest input to seconds.
pub const MAX_GROUPS: u64 = 10_000;

/// The largest small-cell threshold (`min_cell`) of a published report:
/// published guidance uses 3 to 10 (ONS, NHS Digital), and a threshold
/// above 1,000 would withhold all but the largest counts.
pub const MAX_MIN_CELL: u64 = 1_000;
