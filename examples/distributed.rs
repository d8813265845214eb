//! Funnel counts on an Apache Ballista cluster: `funnel_counts` by force
//! over a folder of Parquet files (one per force and month, as
//! `write_synthetic_parquet` writes them or an HR platform exports them),
//! then the impact analysis of each force.
//!
//! ```text
//! cargo run --features ballista --example distributed -- DIR
//! cargo run --features ballista --example distributed -- DIR df://scheduler-host:50050
//! ```
//!
//! A `DIR` that does not exist is first filled with a synthetic data set:
//! three forces' constable recruitment years, a file per force and month,
//! with `force` and `month` columns beside the long format's.
//!
//! With only `DIR`, it starts a cluster in this process on loopback: a
//! scheduler and two executors, as `tests/engine/ballista.rs` does. With
//! a `df://host:port` URL, it sends the query to that cluster's
//! scheduler instead.
//!
//! # Pointing it at an existing cluster
//!
//! The scheduler plans `funnel_counts` and every executor runs it, so
//! each must have the function in its registry: the stock
//! `ballista-scheduler` and `ballista-executor` binaries do not. Build
//! them as small binaries of your own, with the same pipeline and
//! breakdown as the client:
//!
//! - the scheduler with `ballista_scheduler::config::SchedulerConfig`'s
//!   `override_session_builder` returning a `SessionState` on which
//!   `positive_action::engine::funnel_counts(&pipeline, &breakdown)` is
//!   registered (`state.register_udaf(...)`);
//! - each executor with `ballista_executor::executor_process::
//!   ExecutorProcessConfig`'s `override_function_registry` set to
//!   `BallistaFunctionRegistry::from(&state)` of such a state, started
//!   with `start_executor_process`.
//!
//! Then run this example with the scheduler's `df://host:port`. The
//! Parquet path must be readable by every executor at the same path (a
//! shared file system, or an object store URL registered on each).

#[path = "common/synthetic.rs"]
mod synthetic;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{ArrayRef, RecordBatch, StringBuilder, StringDictionaryBuilder};
use arrow::datatypes::Int32Type;
use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use datafusion::execution::{FunctionRegistry, SessionState, SessionStateBuilder};
use datafusion::prelude::{SessionConfig, SessionContext};
use parquet::arrow::ArrowWriter;
use positive_action::engine::{self, KeyedCounts};
use positive_action::{
    Breakdown, Category, Characteristic, ImpactAnalysis, ImpactOptions, Pipeline,
};

type Failure = Box<dyn std::error::Error>;

const BY_FORCE: &str = "SELECT force, funnel_counts(stage, outcome, sex, ethnicity) AS counts \
                        FROM applications GROUP BY force";

const FORCES: [&str; 3] = ["Kent", "Essex", "Surrey"];
const MONTHS: usize = 12;

fn cell(c: &Category) -> &str {
    match c {
        Category::NotRecorded => "",
        c => c.label(),
    }
}

/// A row: candidate, stage, outcome, sex and ethnicity.
type Row<'a> = (String, &'a str, &'a str, &'a str, &'a str);

/// Writes each force's synthetic year into `dir`, a file per force and
/// month (of application).
fn write_synthetic(dir: &Path, per_force: usize) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)?;
    let (sex, ethnicity) = (Characteristic::sex(), Characteristic::ethnicity());
    for (f, force) in FORCES.iter().enumerate() {
        let applications = synthetic::constable_recruitment(per_force, 7 + f as u64)?;
        let mut months: Vec<Vec<Row>> = vec![Vec::new(); MONTHS];
        for (n, (candidate, journey)) in applications.iter().enumerate() {
            let month = n % MONTHS;
            for step in journey.results() {
                months[month].push((
                    format!("{force}-APP-{n:07}"),
                    step.stage.name(),
                    step.outcome.name(),
                    cell(candidate.profile.category(&sex)),
                    cell(candidate.profile.category(&ethnicity)),
                ));
            }
        }
        for (month, rows) in months.iter().enumerate() {
            let mut plain: [StringBuilder; 3] = Default::default();
            let mut dict: [StringDictionaryBuilder<Int32Type>; 4] = Default::default();
            for (id, stage, outcome, sex, ethnicity) in rows {
                plain[0].append_value(force);
                plain[1].append_value(format!("2025-{:02}", month + 1));
                plain[2].append_value(id);
                dict[0].append_value(stage);
                dict[1].append_value(outcome);
                dict[2].append_value(sex);
                dict[3].append_value(ethnicity);
            }
            let [force_column, month_column, candidate] =
                plain.map(|mut b| Arc::new(b.finish()) as ArrayRef);
            let [stage, outcome, sex, ethnicity] =
                dict.map(|mut b| Arc::new(b.finish()) as ArrayRef);
            let batch = RecordBatch::try_from_iter([
                ("force", force_column),
                ("month", month_column),
                ("candidate", candidate),
                ("stage", stage),
                ("outcome", outcome),
                ("sex", sex),
                ("ethnicity", ethnicity),
            ])?;
            let file =
                std::fs::File::create(dir.join(format!("{force}-2025-{:02}.parquet", month + 1)))?;
            let mut writer = ArrowWriter::try_new(file, batch.schema(), None)?;
            writer.write(&batch)?;
            writer.close()?;
        }
    }
    Ok(())
}

/// Starts a scheduler and two executors in this process; the scheduler's
/// `df://` URL.
async fn local_cluster(state: &SessionState) -> Result<String, Failure> {
    let address =
        ballista_scheduler::standalone::new_standalone_scheduler_from_state(state).await?;
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
        ballista_executor::new_standalone_executor_from_state(scheduler.clone(), 1, state).await?;
    }
    Ok(format!("df://localhost:{}", address.port()))
}

async fn run(dir: &str, cluster: Option<&str>) -> Result<(), Failure> {
    if !Path::new(dir).exists() {
        write_synthetic(Path::new(dir), 100_000)?;
        eprintln!("wrote a synthetic data set to {dir}: 3 forces, a file per force and month");
    }
    // The pipeline of `write_synthetic_parquet`'s files; a real export
    // names its own.
    let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025/26");
    let by = Breakdown::parse(["sex", "ethnicity"])?;

    let mut state = SessionStateBuilder::new()
        .with_config(SessionConfig::new_with_ballista().with_target_partitions(4))
        .with_default_features()
        .build();
    state.register_udaf(Arc::new(engine::funnel_counts(&pipeline, &by)))?;
    let url = match cluster {
        Some(url) => url.to_owned(),
        None => local_cluster(&state).await?,
    };
    let ctx = SessionContext::remote_with_state(&url, state).await?;
    // Connecting upgrades the state to Ballista's and resets its aggregates
    // to Ballista's own: register the function again, for the client's
    // planning.
    engine::register(&ctx, &pipeline, &by);
    // Each file is checked (footer, page headers) before it is registered,
    // so a corrupt one is an error naming it; the client plans over the
    // same path the executors read, as Ballista needs.
    engine::register_parquet(&ctx, "applications", dir).await?;

    let start = Instant::now();
    let query = async { ctx.sql(BY_FORCE).await?.collect().await };
    // A failure in the data is found again in the files, naming file, row
    // group, row and column.
    let batches = query
        .await
        .map_err(|e| engine::locate(e, dir, &pipeline, &by))?;
    let by_force = KeyedCounts::from_batches(&batches, &pipeline, &by)?;
    eprintln!(
        "{url}: {} forces counted in {:.2} s (journeys checked: {})",
        by_force.counts.len(),
        start.elapsed().as_secs_f64(),
        by_force.journeys_checked
    );
    for (force, counts) in &by_force.counts {
        let force = force.first().cloned().flatten().unwrap_or_default();
        let analysis = ImpactAnalysis::new(counts, &ImpactOptions::new())?;
        println!("== {force}\n{analysis}");
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: distributed DIR [df://HOST:PORT]");
        return ExitCode::FAILURE;
    };
    let cluster = args.next();
    let result = tokio::runtime::Runtime::new()
        .map_err(Failure::from)
        .and_then(|runtime| runtime.block_on(run(&dir, cluster.as_deref())));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
