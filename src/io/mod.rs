//! Input: candidate journeys from files.
//!
//! An equality analyst usually has an export from an applicant tracking
//! system, not typed-in counts. [`read_csv`] and [`read_csv_path`] turn a
//! long-format CSV of that export into validated [`Applications`](crate::Applications), ready for
//! [`FunnelCounts::from_applications`](crate::FunnelCounts::from_applications).
//!
//! # The CSV format (v1)
//!
//! One row per candidate and stage:
//!
//! ```text
//! candidate,stage,outcome,date,sex,ethnicity,interventions
//! APP-00123,application,passed,2025-04-02,female,Black,
//! APP-00123,sift,passed,2025-04-20,female,Black,application workshop
//! APP-00123,interview,pending,,female,Black,interview workshop;mentoring
//! APP-00124,application,failed,2025-04-03,male,prefer not to say,
//! ```
//!
//! - The header names the columns, in any order, ignoring case and
//!   surrounding spaces. It must have `candidate`, `stage` and `outcome`,
//!   and may have `date`, `interventions` and `application`. Every other
//!   column is a characteristic named by its header
//!   ([`Characteristic::new`](crate::Characteristic::new)), so `ethnicity`
//!   is recognised as race and `welsh language` is a local characteristic.
//! - `candidate` holds any external id. One that is not a UUID becomes a
//!   UUID v5 ([`CandidateId::from_external`](crate::CandidateId::from_external)),
//!   and errors name the external id as given.
//! - `outcome` is `passed`, `failed`, `withdrew`, `pending` or `exempt`, in
//!   any case (`pass`, `fail` and `withdrawn` are accepted too).
//! - `date` is an ISO date, `YYYY-MM-DD`, or empty.
//! - `interventions` lists the positive action a candidate took part in for
//!   that stage, separated by `;`. [`Loaded::interventions`] gives them back
//!   per journey, for evaluating the intervention later.
//! - A characteristic cell that is empty gives no category, and `prefer not
//!   to say` is prefer not to say. A candidate's rows must agree: one row may
//!   leave a cell empty that another fills, but two rows may not give two
//!   different categories. A candidate no row gives a category for is not
//!   recorded.
//! - The rows of a candidate form one journey, in any row order. A
//!   candidate who applied twice in the file needs an `application` column
//!   (any label, such as a requisition number or a date): each distinct
//!   (candidate, application) pair is one journey. Without one, two rows for
//!   the same candidate and stage are an error.
//!
//! # Stage order
//!
//! The stage order comes from [`CsvOptions::stages`] or
//! [`CsvOptions::pipeline`] (a pipeline from JSON, say). Without either it is
//! inferred from the order each candidate went through the stages: their
//! rows by date where dated (undated rows keep their place), otherwise by
//! row order. Each consecutive pair is a precedence, and the order is a
//! topological sort of all of them; stages no precedence orders keep the
//! order they first appear in the file. Candidates who contradict each
//! other (one goes sift → interview, another interview → sift) are an
//! [`Error::ContradictoryStageOrder`](crate::Error::ContradictoryStageOrder) that names them; a lenient load
//! instead settles on the order most journeys take and sets aside the
//! journeys that step backwards against it.
//!
//! Once the order is known, each candidate's rows are put in that order and
//! validated by [`Journey::new`](crate::Journey::new): nothing follows
//! failed or withdrew, pending is last, no stage is skipped unless exempt,
//! and dates do not go backwards.
//!
//! # Strict and lenient
//!
//! In [`Mode::Strict`], the default, the first bad row stops the load with
//! an error naming its line, column and candidate. Problems with a whole
//! journey (a result after failed, a skipped stage, two rows for one stage)
//! can only be seen once every row is in, so they come after the row
//! problems. In [`Mode::Lenient`] bad rows, and the other rows of their
//! journeys, are set aside, each with its line and reason, and the rest is
//! loaded. Nothing is dropped silently:
//! [`LoadReport::rows_read`] = [`LoadReport::rows_used`] +
//! [`LoadReport::rows_set_aside`] always.
//!
//! # Hostile input
//!
//! - A breakdown characteristic is matched to a column by name, or else by
//!   name ignoring case (`ETHNICITY` meets `ethnicity`; the header cannot
//!   hold two names that differ only by case). One no column holds is an
//!   [`Error::UnknownBreakdownColumn`](crate::Error::UnknownBreakdownColumn)
//!   listing the characteristic columns, never a report of everyone "not
//!   recorded".
//! - An inferred stage order must be the only one the journeys allow; when
//!   two neighbouring stages are never taken one straight after the other,
//!   strict mode refuses with
//!   [`Error::AmbiguousStageOrder`](crate::Error::AmbiguousStageOrder), and
//!   lenient mode keeps the file order and says so
//!   ([`StageOrder::InferredWithTies`]).
//! - Category labels that differ only by case or invisible characters are
//!   named in [`LoadReport::label_warnings`];
//!   [`CsvOptions::fold_labels`] counts them as one.
//! - A header of 10 MB (100,000 columns) is read in linear time.
//! - Reading a FIFO or a device blocks until its writer writes or closes
//!   it, as `cat` does: there is no time-out, because a slow producer (an
//!   export piped from a database) is legitimate. Give a regular file, or
//!   wrap the read in your own deadline, when a writer may never come.
//!
//! # Records or counts
//!
//! [`read_csv`] gives the candidates and validated journeys
//! ([`Loaded::applications`]), for anything that needs records: an
//! intervention evaluation, a period filter, regrouping later. When the
//! funnel or the report is all you need, [`count_csv`] reads and validates
//! exactly the same way and counts straight into [`FunnelCounts`](crate::FunnelCounts)
//! and [`StageTimes`](crate::counts::StageTimes) by one breakdown, without building
//! a record per candidate; it is several times faster on a large export.
//!
//! # Arrow and Parquet
//!
//! With the `arrow` feature, the same long format comes in as Arrow
//! record batches (`read_arrow`, `count_arrow`) or Parquet files and
//! folders of them (`read_parquet`, `count_parquet`), read by the same
//! reader with the same rules, modes and load report; errors name the
//! batch (or file and row group) and row, as an [`ArrowPlace`]. For large
//! or partitioned data whose journeys are known to be valid,
//! `ArrowCounter` and `count_parquet_unchecked` count dictionary columns
//! straight into mergeable counts, checking every cell but not journeys.
//!
//! # Performance
//!
//! - **Splitting on every core.** The input is cut into chunks of about a
//!   megabyte, each ending after a line break, and each chunk is split into
//!   records by its own `csv_core` reader on whichever thread is free. A
//!   chunk whose cut fell inside a quoted field is split again, in order,
//!   so records, lines and byte offsets are always exactly those of one
//!   reader over the whole input. Memory stays at a few chunks.
//! - **Decoding in order.** Records are decoded on one thread, in input
//!   order. Stage names, outcomes, categories and intervention lists are
//!   interned from their raw bytes, so a repeated value costs a comparison,
//!   not an allocation. The candidate id is the only cell looked up per
//!   row, and not even that when the row belongs to the same candidate as
//!   the row before or, in a file sorted by candidate, to a new one. Rows
//!   are kept as 24-byte records until every row is in.
//! - **Checking in parallel.** Journeys are then put in pipeline order and
//!   checked as coded steps by the rules of [`Journey::new`](crate::Journey::new),
//!   on every core. [`count_csv`] counts them as they are checked;
//!   [`read_csv`] goes on to build candidate ids (a UUID v5 each),
//!   profiles and journeys.

#[cfg(feature = "arrow")]
mod arrow;
mod csv;
mod intern;
mod order;
#[cfg(feature = "arrow")]
mod parquet;

#[cfg(feature = "arrow")]
pub use self::arrow::{ArrowCounter, count_arrow, read_arrow};
#[cfg(feature = "datafusion")]
pub(crate) use self::parquet::checked_parquet_files;
#[cfg(feature = "arrow")]
pub use self::parquet::{count_parquet, count_parquet_unchecked, read_parquet};
pub use crate::error::ArrowPlace;

pub use self::csv::{
    CsvCounts, CsvOptions, LoadReport, Loaded, Mode, Progress, StageOrder, count_csv,
    count_csv_path, read_csv, read_csv_path,
};
pub use crate::error::{OrderConflict, SetAside};
