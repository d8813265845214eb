//! A real Ballista cluster on loopback: a scheduler and two executors in
//! this process, each with `funnel_counts` in its function registry, run
//! the query over a Parquet folder of one file per force and month and
//! give the single-process counts to the count. Each executor's copy of
//! the function counts the accumulators it makes, so the test knows both
//! executors ran the aggregation, not the client or one executor alone.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use datafusion::arrow::datatypes::{DataType, FieldRef};
use datafusion::common::Result as EngineResult;
use datafusion::execution::{FunctionRegistry, SessionStateBuilder};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Signature};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use positive_action::engine::{self, FunnelCountsFunction, KeyedCounts};

use super::{by, dataset, runtime, write_folder};

/// `funnel_counts` as one executor has it: the crate's function, counting
/// the accumulators it makes there.
#[derive(Debug)]
struct OnExecutor {
    function: FunnelCountsFunction,
    accumulators: Arc<AtomicUsize>,
}

impl PartialEq for OnExecutor {
    fn eq(&self, other: &Self) -> bool {
        self.function == other.function
    }
}

impl Eq for OnExecutor {}

impl Hash for OnExecutor {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.function.hash(state);
    }
}

impl AggregateUDFImpl for OnExecutor {
    fn name(&self) -> &str {
        self.function.name()
    }

    fn signature(&self) -> &Signature {
        self.function.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> EngineResult<DataType> {
        self.function.return_type(arg_types)
    }

    fn return_field(&self, arg_fields: &[FieldRef]) -> EngineResult<FieldRef> {
        self.function.return_field(arg_fields)
    }

    fn accumulator(&self, args: AccumulatorArgs) -> EngineResult<Box<dyn Accumulator>> {
        self.accumulators.fetch_add(1, Ordering::Relaxed);
        self.function.accumulator(args)
    }

    fn state_fields(&self, args: StateFieldsArgs) -> EngineResult<Vec<FieldRef>> {
        self.function.state_fields(args)
    }
}

const BY_FORCE: &str = "SELECT force, funnel_counts(stage, outcome, sex, ethnicity) AS counts \
                        FROM applications GROUP BY force";

#[test]
fn a_cluster_of_two_executors_gives_the_single_process_counts() {
    let data = dataset(300);
    let (folder, files) = write_folder(&data.rows, "ballista", 128);
    assert_eq!(files.len(), 6);
    let path = folder.to_str().expect("a UTF-8 temp path").to_owned();
    let rt = runtime();

    // One process, as the DataFusion tests run it.
    let single = rt
        .block_on(async {
            let ctx = SessionContext::new();
            engine::register(&ctx, &data.pipeline, &by());
            ctx.register_parquet("applications", &path, ParquetReadOptions::default())
                .await?;
            ctx.sql(BY_FORCE).await?.collect().await
        })
        .expect("the single-process query runs");
    let single = KeyedCounts::from_batches(&single, &data.pipeline, &by()).expect("counts");
    assert_eq!(single.counts.len(), 3);

    let distributed = rt
        .block_on(async {
            // The state every part of the cluster shares: Ballista's
            // configuration and the function, so the scheduler plans it
            // and each executor finds it in its registry by name.
            let config = SessionConfig::new_with_ballista().with_target_partitions(4);
            let mut state = SessionStateBuilder::new()
                .with_config(config)
                .with_default_features()
                .build();
            state.register_udaf(Arc::new(engine::funnel_counts(&data.pipeline, &by())))?;

            let address =
                ballista_scheduler::standalone::new_standalone_scheduler_from_state(&state).await?;
            let url = format!("http://localhost:{}", address.port());
            let mut scheduler = None;
            for _ in 0..100 {
                match SchedulerGrpcClient::connect(url.clone()).await {
                    Ok(client) => {
                        scheduler = Some(client);
                        break;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
            let scheduler = scheduler.ok_or("the scheduler did not answer within 10 s")?;
            // Two executors, each with its own counting copy of the
            // function in its registry.
            let mut made = Vec::new();
            for _ in 0..2 {
                let accumulators = Arc::new(AtomicUsize::new(0));
                let mut own = state.clone();
                own.register_udaf(Arc::new(AggregateUDF::new_from_impl(OnExecutor {
                    function: FunnelCountsFunction::new(&data.pipeline, &by()),
                    accumulators: Arc::clone(&accumulators),
                })))?;
                ballista_executor::new_standalone_executor_from_state(scheduler.clone(), 2, &own)
                    .await?;
                made.push(accumulators);
            }

            let ctx = SessionContext::remote_with_state(
                &format!("df://localhost:{}", address.port()),
                state,
            )
            .await?;
            // Connecting upgrades the state to Ballista's and resets its
            // aggregates to Ballista's own: register the function again.
            engine::register(&ctx, &data.pipeline, &by());
            ctx.register_parquet("applications", &path, ParquetReadOptions::default())
                .await?;
            // Executors poll the scheduler for tasks, so which runs what
            // depends on timing: run the query until both have run part of
            // it (nearly always the first time), each run checked.
            let mut runs = Vec::new();
            for _ in 0..10 {
                runs.push(ctx.sql(BY_FORCE).await?.collect().await?);
                if made.iter().all(|m| m.load(Ordering::Relaxed) > 0) {
                    break;
                }
            }
            let made: Vec<usize> = made.iter().map(|m| m.load(Ordering::Relaxed)).collect();
            Ok::<_, Box<dyn std::error::Error>>((runs, made))
        })
        .expect("the cluster runs the query");
    let (runs, made) = distributed;
    for batches in &runs {
        let distributed =
            KeyedCounts::from_batches(batches, &data.pipeline, &by()).expect("counts");
        assert_eq!(distributed, single);
        assert!(!distributed.journeys_checked);
    }
    assert!(
        made.iter().all(|&m| m > 0),
        "accumulators made on each executor over {} runs: {made:?}",
        runs.len()
    );
    eprintln!(
        "accumulators made on each executor over {} runs: {made:?}",
        runs.len()
    );
    let _ = std::fs::remove_dir_all(&folder);
}
