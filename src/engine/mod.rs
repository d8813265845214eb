//! Query engines underneath: funnel counts from Apache DataFusion (and,
//! with the `ballista` feature, Apache Ballista clusters), over any
//! source they read: Parquet folders, CSV, table providers.
//!
//! [`register`] adds an aggregate function, `funnel_counts(stage,
//! outcome, <characteristics>...)`, to a [`SessionContext`]; a query
//! groups by whatever it likes (force, year) and
//! [`KeyedCounts::from_batches`] turns its result back into
//! [`FunnelCounts`](crate::FunnelCounts) per grouping, ready for every
//! analysis.
//!
//! # What is checked where
//!
//! - **Cells, everywhere.** Each partition's accumulator checks every
//!   row it counts as [`ArrowCounter`](crate::io::ArrowCounter) does: the
//!   stage is one of the pipeline's, the outcome a known one, neither is
//!   null; a characteristic cell is a category (empty or null: not
//!   recorded). A bad cell fails the query with [`Error::ArrowRow`]
//!   naming the column, the row (among the rows of one group in one
//!   batch an accumulator was given) and the value. Columns of the wrong
//!   type, or the wrong number of them, fail at planning, naming the
//!   argument and column.
//! - **Counting is exact in any partitioning.** Partial counts travel as
//!   a `Binary` state and merge by adding counters, so any split into
//!   files, row groups, batches and partitions, merged in any order,
//!   gives the counts of one pass.
//! - **Files, before and after.** The engine's Parquet reader and the
//!   accumulator cannot say which file a row came from.
//!   [`register_parquet`] checks every file as the crate's own readers do
//!   before registering it, so a corrupt one is an error naming it; when
//!   a query fails, [`locate`] reads the same files with the crate's
//!   reader and returns the error naming file, row group, row and column.
//! - **Journeys are not checked.** A candidate's rows may sit in
//!   different partitions, so nothing checks that each stage was passed
//!   before the next was entered. [`KeyedCounts::journeys_checked`] is
//!   `false` to say so; check journeys with
//!   [`count_parquet`](crate::io::count_parquet), which reads a
//!   candidate's rows together.
//!
//! ```
//! use std::sync::Arc;
//! use arrow::array::{ArrayRef, RecordBatch, StringArray};
//! use datafusion::prelude::SessionContext;
//! use positive_action::engine::{self, KeyedCounts};
//! use positive_action::{Breakdown, Pipeline, PipelineKind};
//!
//! let text = |v: &[&str]| Arc::new(StringArray::from(v.to_vec())) as ArrayRef;
//! let batch = RecordBatch::try_from_iter([
//!     ("force", text(&["Kent", "Kent", "Essex"])),
//!     ("stage", text(&["sift", "interview", "sift"])),
//!     ("outcome", text(&["passed", "failed", "passed"])),
//!     ("sex", text(&["female", "female", "male"])),
//! ])?;
//! let pipeline = Pipeline::new("PC 2025", PipelineKind::Recruitment, ["sift", "interview"])?;
//! let by_sex = Breakdown::parse(["sex"])?;
//!
//! let ctx = SessionContext::new();
//! engine::register(&ctx, &pipeline, &by_sex);
//! ctx.register_batch("applications", batch)?;
//! let runtime = tokio::runtime::Runtime::new()?;
//! let batches = runtime.block_on(async {
//!     let sql = "SELECT force, funnel_counts(stage, outcome, sex) FROM applications GROUP BY force";
//!     ctx.sql(sql).await?.collect().await
//! })?;
//! let by_force = KeyedCounts::from_batches(&batches, &pipeline, &by_sex)?;
//! let kent = by_force.get(&["Kent"]).ok_or("no Kent")?;
//! assert_eq!(kent.get("interview", &"sex=female".parse()?).map(|c| c.failed), Some(1));
//! assert!(!by_force.journeys_checked);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Error::ArrowRow`]: crate::Error::ArrowRow

use datafusion::logical_expr::AggregateUDF;
use datafusion::prelude::SessionContext;

use crate::records::breakdown::Breakdown;
use crate::records::pipeline::Pipeline;

mod keyed;
mod parquet;
mod state;
mod udaf;

pub use keyed::KeyedCounts;
pub use parquet::{locate, register_parquet};
pub use udaf::{FUNCTION_NAME, FunnelCountsFunction};

/// The `funnel_counts` aggregate for a pipeline and a breakdown, as
/// DataFusion takes user-defined aggregates: to register on a context
/// (see [`register`]) or to call in a DataFrame (`.call(vec![col("stage"),
/// col("outcome"), ...])`).
pub fn funnel_counts(pipeline: &Pipeline, breakdown: &Breakdown) -> AggregateUDF {
    AggregateUDF::new_from_impl(FunnelCountsFunction::new(pipeline, breakdown))
}

/// Registers `funnel_counts(stage, outcome, <characteristics>...)` on a
/// context, for a pipeline and a breakdown (its characteristics are the
/// arguments after the outcome, in order). A function of the same name
/// registered before is replaced.
pub fn register(ctx: &SessionContext, pipeline: &Pipeline, breakdown: &Breakdown) {
    ctx.register_udaf(funnel_counts(pipeline, breakdown));
}
