//! DataFusion underneath: `funnel_counts` by sex × ethnicity in SQL over
//! the synthetic force year of 1 million candidates (3,617,891 rows) as
//! Parquet, beside the crate's own Parquet paths over the same file:
//! [`count_parquet_unchecked`] (cells checked) and [`count_parquet`]
//! (every journey checked). Throughput is in rows/s.
//!
//! Write the file first, then run this bench and DuckDB's in turn:
//!
//! ```text
//! cargo run --release --features arrow --example write_synthetic_parquet -- /tmp/force-year.parquet
//! cargo bench --features datafusion --bench engine
//! python benches/compare_duckdb.py /tmp/force-year.parquet
//! ```
//!
//! (`POSITIVE_ACTION_PARQUET` names another file.)
//!
//! Measured in one run, one after the other, on this 2-core machine with
//! other builds running (load average 3.9 to 4.4). The Rust side was
//! built in the dev profile (`cargo bench --profile dev --features
//! ballista --bench engine`: opt-level 1, the test build's artifacts),
//! not release: a release build of DataFusion did not fit the time
//! available, so these Rust figures are upper bounds. Medians of 10
//! samples; DuckDB 2.0.1 (2 threads) is `compare_duckdb.py`'s best of 5,
//! connect to close.
//!
//! | job over the 3,617,891-row file (15.1 MB)       | time     | rows/s |
//! |-------------------------------------------------|----------|--------|
//! | DataFusion SQL `funnel_counts`, 2 partitions    | 72.2 ms  | 50.1 M |
//! | DataFusion SQL `funnel_counts`, 1 partition     | 78.0 ms  | 46.4 M |
//! | `count_parquet_unchecked`                       | 72.1 ms  | 50.2 M |
//! | `count_parquet` (every journey checked)         | 1.14 s   | 3.17 M |
//! | DuckDB `GROUP BY stage, sex, ethnicity`         | 125 ms   | 28.9 M |

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use parquet::file::reader::{FileReader, SerializedFileReader};
use positive_action::engine::{self, KeyedCounts};
use positive_action::io::{CsvOptions, count_parquet, count_parquet_unchecked};
use positive_action::{Breakdown, Counting, Pipeline};

const QUERY: &str = "SELECT funnel_counts(stage, outcome, sex, ethnicity) FROM applications";

fn path() -> String {
    std::env::var("POSITIVE_ACTION_PARQUET").unwrap_or_else(|_| "/tmp/force-year.parquet".into())
}

fn engine(c: &mut Criterion) {
    let path = path();
    let Ok(file) = std::fs::File::open(&path) else {
        eprintln!(
            "no {path}: write it with `cargo run --release --features arrow --example \
             write_synthetic_parquet -- {path}`"
        );
        return;
    };
    let rows = SerializedFileReader::new(file)
        .expect("a Parquet file")
        .metadata()
        .file_metadata()
        .num_rows() as u64;
    let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025/26");
    let by = Breakdown::parse(["sex", "ethnicity"]).expect("valid breakdown");
    let options = CsvOptions::new()
        .stages(pipeline.stages().iter().map(|s| s.name().to_owned()))
        .name(pipeline.name());
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");

    let mut group = c.benchmark_group("engine");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(rows));
    for partitions in [2, 1] {
        let ctx = SessionContext::new_with_config(
            SessionConfig::new().with_target_partitions(partitions),
        );
        engine::register(&ctx, &pipeline, &by);
        runtime
            .block_on(ctx.register_parquet("applications", &path, ParquetReadOptions::default()))
            .expect("the file registers");
        group.bench_function(format!("datafusion_sql_{partitions}_partitions"), |b| {
            b.iter(|| {
                let batches = runtime
                    .block_on(async { ctx.sql(QUERY).await?.collect().await })
                    .expect("the query runs");
                black_box(KeyedCounts::from_batches(&batches, &pipeline, &by).expect("counts"))
            })
        });
    }
    group.bench_function("count_parquet_unchecked", |b| {
        b.iter(|| black_box(count_parquet_unchecked(&path, &pipeline, &by).expect("valid cells")))
    });
    group.bench_function("count_parquet", |b| {
        b.iter(|| {
            black_box(
                count_parquet(&path, &options, &by, Counting::Applications)
                    .expect("valid journeys"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
