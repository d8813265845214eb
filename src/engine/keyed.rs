//! A query's result back as counts: one [`FunnelCounts`] per grouping
//! (force, year, ...), keyed by the grouping values.

use std::collections::BTreeMap;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::DataType;
use arrow::util::display::{ArrayFormatter, FormatOptions};

use super::state::decode_into;
use crate::counts::funnel_counts::FunnelCounts;
use crate::error::{Error, Result};
use crate::io::ArrowCounter;
use crate::records::breakdown::Breakdown;
use crate::records::pipeline::Pipeline;

/// Funnel counts per grouping of a query: the rows of
/// `SELECT force, year, funnel_counts(...) ... GROUP BY force, year`,
/// each turned back into [`FunnelCounts`], ready for every analysis.
///
/// **Journeys were not checked.** The aggregate counts stage results
/// row by row, so its counts are exact however the rows are partitioned,
/// but checking a candidate's journey (each stage passed before the next
/// is entered, no stage twice) needs all of that candidate's rows
/// together, which a partitioned query does not promise.
/// [`KeyedCounts::journeys_checked`] says so in the result itself; to
/// check journeys, read each grouping with
/// [`count_parquet`](crate::io::count_parquet) or
/// [`count_arrow`](crate::io::count_arrow), or have the engine
/// repartition by candidate first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedCounts {
    /// The grouping columns, in the query's order.
    pub key_columns: Vec<String>,
    /// The counts of each grouping, keyed by its values as text (a null
    /// as none), in key order.
    pub counts: BTreeMap<Vec<Option<String>>, FunnelCounts>,
    /// Whether per-candidate journeys were checked: always `false` here,
    /// as the aggregate sees rows, not candidates (see the type's docs).
    pub journeys_checked: bool,
}

impl KeyedCounts {
    /// Reads a query's result: every column but the last is a grouping
    /// column, and the last holds `funnel_counts` of the same pipeline
    /// and breakdown. Rows with equal keys are merged.
    ///
    /// # Errors
    /// [`Error::ArrowInput`] when the last column is not the aggregate's
    /// (`Binary`), a cell of it is null or not a state of this pipeline
    /// and breakdown, or a key cannot be shown as text.
    pub fn from_batches(
        batches: &[RecordBatch],
        pipeline: &Pipeline,
        breakdown: &Breakdown,
    ) -> Result<Self> {
        let mut counters: BTreeMap<Vec<Option<String>>, ArrowCounter> = BTreeMap::new();
        let mut key_columns = Vec::new();
        for (b, batch) in batches.iter().enumerate() {
            let schema = batch.schema();
            let Some((last, keys)) = batch.columns().split_last() else {
                return Err(input(None, format!("batch {b} has no columns")));
            };
            let name = schema.field(keys.len()).name().clone();
            let refuse = |reason: String| input(Some(name.clone()), reason);
            let states: Vec<Option<&[u8]>> = match last.data_type() {
                DataType::Binary => last.as_binary::<i32>().iter().collect(),
                DataType::LargeBinary => last.as_binary::<i64>().iter().collect(),
                DataType::BinaryView => last.as_binary_view().iter().collect(),
                other => {
                    return Err(refuse(format!(
                        "has type {other}: expected funnel_counts(...) as the last column"
                    )));
                }
            };
            key_columns = schema.fields()[..keys.len()]
                .iter()
                .map(|f| f.name().clone())
                .collect();
            let options = FormatOptions::default();
            let formatters = keys
                .iter()
                .map(|k| ArrayFormatter::try_new(k.as_ref(), &options))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| input(None, format!("a grouping column cannot be shown: {e}")))?;
            for (row, state) in states.into_iter().enumerate() {
                let Some(state) = state else {
                    return Err(refuse(format!(
                        "batch {b}, row {row} is null: expected counts"
                    )));
                };
                let key: Vec<Option<String>> = keys
                    .iter()
                    .zip(&formatters)
                    .map(|(k, f)| (!k.is_null(row)).then(|| f.value(row).to_string()))
                    .collect();
                let counter = counters
                    .entry(key)
                    .or_insert_with(|| ArrowCounter::new(pipeline, breakdown));
                decode_into(counter, state).map_err(|e| match e {
                    Error::ArrowInput { reason, .. } => {
                        refuse(format!("batch {b}, row {row}: {reason}"))
                    }
                    other => other,
                })?;
            }
        }
        Ok(Self {
            key_columns,
            counts: counters
                .into_iter()
                .map(|(key, counter)| (key, counter.finish()))
                .collect(),
            journeys_checked: false,
        })
    }

    /// The counts of one grouping, by its values as text.
    pub fn get(&self, key: &[&str]) -> Option<&FunnelCounts> {
        let key: Vec<Option<String>> = key.iter().map(|k| Some((*k).to_owned())).collect();
        self.counts.get(&key)
    }

    /// The counts of every grouping together.
    ///
    /// # Errors
    /// [`Error::TotalOverflow`] when a count would pass `u64::MAX`.
    pub fn total(&self, pipeline: &Pipeline, breakdown: &Breakdown) -> Result<FunnelCounts> {
        let mut total = FunnelCounts::empty(pipeline, breakdown);
        for counts in self.counts.values() {
            total.merge(counts)?;
        }
        Ok(total)
    }
}

fn input(column: Option<String>, reason: String) -> Error {
    Error::ArrowInput {
        file: None,
        column,
        reason,
    }
}
