//! A real Ballista cluster on loopback: a scheduler and two executors in
//! this process, each with `funnel_counts` in its function registry, run
//! the query over a Parquet folder of one file per force and month and
//! give the single-process counts to the count.

use std::sync::Arc;
use std::time::Duration;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use datafusion::execution::{FunctionRegistry, SessionStateBuilder};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use positive_action::engine::{self, KeyedCounts};

use super::{by, dataset, runtime, write_folder};

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
            for _ in 0..2 {
                ballista_executor::new_standalone_executor_from_state(scheduler.clone(), 2, &state)
                    .await?;
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
            let batches = ctx.sql(BY_FORCE).await?.collect().await?;
            Ok::<_, Box<dyn std::error::Error>>(batches)
        })
        .expect("the cluster runs the query");
    let distributed =
        KeyedCounts::from_batches(&distributed, &data.pipeline, &by()).expect("counts");
    assert_eq!(distributed, single);
    assert!(!distributed.journeys_checked);
    let _ = std::fs::remove_dir_all(&folder);
}
