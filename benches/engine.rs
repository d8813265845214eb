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
//! Measured 4 December 2026 on the shared 2-core AMD EPYC machine (24 GiB,
//! load about 1.5), release profile (`cargo bench --features datafusion
//! --bench engine`), two rounds alternating with `compare_duckdb.py`
//! (DuckDB 2.0.1, 2 threads, best of 5, connect to close). Medians of 10
//! samples, the two rounds' range:
//!
//! | job over the 3,617,891-row file (15.1 MB)               | time           | rows/s |
//! |---------------------------------------------------------|----------------|--------|
//! | `count_parquet_unchecked`                               | 17.4 ms        | 208 M  |
//! | `count_parquet_unchecked` → full report                 | 18.3–18.4 ms   | 197 M  |
//! | DataFusion SQL `funnel_counts`, 2 partitions            | 18.6–19.1 ms   | 190 M  |
//! | DataFusion, fresh context, register, query → full report| 20.2–20.5 ms   | 177 M  |
//! | the same, files checked by `engine::register_parquet`   | 20.6–20.7 ms   | 175 M  |
//! | DataFusion SQL `funnel_counts`, 1 partition             | 31.4–31.8 ms   | 114 M  |
//! | DuckDB `GROUP BY stage, sex, ethnicity`                 | 60–65 ms       | 57 M   |
//! | `count_parquet` (every journey checked)                 | 437–439 ms     | 8.2 M  |
//!
//! (The checked row was measured in a later run of the two "fresh
//! context" cases alone, which gave 20.2 ms for the unchecked one.)
//!
//! The DataFusion rows before the "fresh context" one reuse a context
//! with the file registered; that one builds everything each time, as
//! DuckDB's figure does, and ends in the report DuckDB's `GROUP BY` does
//! not reach (impact ratios and every test per stage and group).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use datafusion::error::DataFusionError;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use parquet::file::reader::{FileReader, SerializedFileReader};
use positive_action::engine::{self, KeyedCounts};
use positive_action::io::{CsvOptions, count_parquet, count_parquet_unchecked};
use positive_action::report::{Report, ReportOptions};
use positive_action::{Breakdown, Counting, ImpactOptions, Pipeline};

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
    // End to end, as DuckDB is timed: a fresh context, the file
    // registered, the query, and the full report of its counts.
    let report_options = ReportOptions {
        breakdown: by.clone(),
        impact: ImpactOptions::new(),
        min_cell: 0,
    };
    // With DataFusion's own registration, and with the crate's, which
    // checks every file's footer and page headers first.
    for (name, checked) in [
        ("datafusion_sql_to_report_fresh_context", false),
        ("datafusion_checked_files_to_report_fresh_context", true),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let batches = runtime
                    .block_on(async {
                        let ctx = SessionContext::new_with_config(
                            SessionConfig::new().with_target_partitions(2),
                        );
                        engine::register(&ctx, &pipeline, &by);
                        if checked {
                            engine::register_parquet(&ctx, "applications", &path)
                                .await
                                .map_err(|e| DataFusionError::External(Box::new(e)))?;
                        } else {
                            ctx.register_parquet(
                                "applications",
                                &path,
                                ParquetReadOptions::default(),
                            )
                            .await?;
                        }
                        ctx.sql(QUERY).await?.collect().await
                    })
                    .expect("the query runs");
                let counts = KeyedCounts::from_batches(&batches, &pipeline, &by)
                    .and_then(|k| k.total(&pipeline, &by))
                    .expect("counts");
                black_box(Report::new(&counts, &report_options, &[]).expect("a report"))
            })
        });
    }
    group.bench_function("count_parquet_unchecked_to_report", |b| {
        b.iter(|| {
            let counts = count_parquet_unchecked(&path, &pipeline, &by).expect("valid cells");
            black_box(Report::new(&counts, &report_options, &[]).expect("a report"))
        })
    });
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
