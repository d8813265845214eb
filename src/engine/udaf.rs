//! `funnel_counts(stage, outcome, characteristics...)`: an aggregate
//! function for DataFusion whose state is the mergeable counts.
//!
//! It follows DataFusion's conventions for user-defined aggregates: an
//! [`AggregateUDFImpl`] describes the function (name, signature, return
//! and state fields) and makes one [`Accumulator`] per group; each
//! accumulator counts its rows in `update_batch`, hands its partial
//! counts on as a `Binary` state in `state`, adds others' in
//! `merge_batch`, and gives the counts, still as bytes, in `evaluate`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{
    DataFusionError, Result as EngineResult, ScalarValue, exec_err, plan_err,
};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDFImpl, Signature, Volatility};

use super::state::{decode_into, encode};
use crate::io::ArrowCounter;
use crate::records::breakdown::Breakdown;
use crate::records::pipeline::Pipeline;

/// The function's name in SQL and DataFrames.
pub const FUNCTION_NAME: &str = "funnel_counts";

/// The `funnel_counts` aggregate for one pipeline and breakdown: its
/// arguments are the stage column, the outcome column and one column per
/// characteristic of the breakdown, in its order; its value, per group
/// of the query, the counts as bytes, which
/// [`KeyedCounts`](super::KeyedCounts) turns back into
/// [`FunnelCounts`](crate::FunnelCounts).
///
/// Every cell is checked as [`ArrowCounter`] checks it (the stage one of
/// the pipeline's, a known outcome, no nulls in either); journeys are not
/// checked, as a candidate's rows may be in different partitions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FunnelCountsFunction {
    pipeline: Pipeline,
    breakdown: Breakdown,
    signature: Signature,
}

impl FunnelCountsFunction {
    /// The function for a pipeline and a breakdown.
    pub fn new(pipeline: &Pipeline, breakdown: &Breakdown) -> Self {
        Self {
            pipeline: pipeline.clone(),
            breakdown: breakdown.clone(),
            // Any types: `return_field` checks them, naming each column.
            signature: Signature::variadic_any(Volatility::Immutable),
        }
    }

    /// The pipeline whose stages the function counts.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The breakdown whose characteristics follow the stage and outcome.
    pub fn breakdown(&self) -> &Breakdown {
        &self.breakdown
    }

    /// The expected arguments, by name.
    fn parameters(&self) -> Vec<String> {
        ["stage", "outcome"]
            .into_iter()
            .map(str::to_owned)
            .chain(
                self.breakdown
                    .characteristics()
                    .iter()
                    .map(|c| c.name().to_owned()),
            )
            .collect()
    }
}

/// Whether the counter reads a column of this type.
fn is_text(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => true,
        DataType::Dictionary(_, values) => matches!(
            values.as_ref(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ),
        _ => false,
    }
}

impl AggregateUDFImpl for FunnelCountsFunction {
    fn name(&self) -> &str {
        FUNCTION_NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> EngineResult<DataType> {
        Ok(DataType::Binary)
    }

    fn return_field(&self, arg_fields: &[FieldRef]) -> EngineResult<FieldRef> {
        let parameters = self.parameters();
        if arg_fields.len() != parameters.len() {
            return plan_err!(
                "{FUNCTION_NAME} takes {} arguments, ({}), for pipeline {:?}: {} given",
                parameters.len(),
                parameters.join(", "),
                self.pipeline.name(),
                arg_fields.len()
            );
        }
        for (i, (field, parameter)) in arg_fields.iter().zip(&parameters).enumerate() {
            if !is_text(field.data_type()) {
                return plan_err!(
                    "{FUNCTION_NAME} argument {} ({parameter}), column {:?}, has type {}: \
                     expected text (Utf8, LargeUtf8, Utf8View or a dictionary of them)",
                    i + 1,
                    field.name(),
                    field.data_type()
                );
            }
        }
        Ok(Arc::new(Field::new(self.name(), DataType::Binary, true)))
    }

    fn accumulator(&self, args: AccumulatorArgs) -> EngineResult<Box<dyn Accumulator>> {
        if args.is_distinct {
            return plan_err!(
                "{FUNCTION_NAME} counts every row: DISTINCT would drop repeated stage results"
            );
        }
        Ok(Box::new(FunnelAccumulator {
            counter: ArrowCounter::new(&self.pipeline, &self.breakdown),
        }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> EngineResult<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format_state_name(args.name, "counts"),
            DataType::Binary,
            true,
        ))])
    }
}

/// One group's counts, as DataFusion feeds it rows and partial states.
#[derive(Debug)]
struct FunnelAccumulator {
    counter: ArrowCounter,
}

/// Our error, carried through DataFusion's.
fn engine_error(error: crate::Error) -> DataFusionError {
    DataFusionError::External(Box::new(error))
}

impl Accumulator for FunnelAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> EngineResult<()> {
        let [stage, outcome, characteristics @ ..] = values else {
            return exec_err!(
                "{FUNCTION_NAME} was given {} columns: expected stage, outcome and the breakdown's",
                values.len()
            );
        };
        let characteristics: Vec<&dyn Array> = characteristics.iter().map(|a| a.as_ref()).collect();
        self.counter
            .count_arrays(stage.as_ref(), outcome.as_ref(), &characteristics)
            .map_err(engine_error)
    }

    fn evaluate(&mut self) -> EngineResult<ScalarValue> {
        Ok(ScalarValue::Binary(Some(encode(&self.counter))))
    }

    fn size(&self) -> usize {
        // The counters dominate: a group of the breakdown is a row of
        // stages × outcomes counters.
        std::mem::size_of_val(self) + self.counter.counters() * size_of::<u64>()
    }

    fn state(&mut self) -> EngineResult<Vec<ScalarValue>> {
        Ok(vec![self.evaluate()?])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> EngineResult<()> {
        let Some(state) = states.first() else {
            return exec_err!("{FUNCTION_NAME} was given no state to merge");
        };
        let Some(states) = state.as_binary_opt::<i32>() else {
            return exec_err!(
                "{FUNCTION_NAME} state has type {}: expected Binary",
                state.data_type()
            );
        };
        for bytes in states.iter().flatten() {
            decode_into(&mut self.counter, bytes).map_err(engine_error)?;
        }
        Ok(())
    }
}
