//! Arrow dictionary columns to funnel counts: the synthetic force year of
//! 1 million candidates (about 3.4 million rows) as record batches of
//! 65,536 rows, stage, outcome, sex and ethnicity dictionary-encoded,
//! counted by sex × ethnicity on one core ([`ArrowCounter`]), and the same
//! batches read and every journey validated ([`count_arrow`]).
//! Throughput is in rows/s.
//!
//! Target (DESIGN section 7): dictionary columns to counts ≥ 400 M rows/s
//! on one core; the physical limit here is about 740 M four-byte events/s.
//!
//! Measured 4 December 2026 on the shared 2-core AMD EPYC machine, idle
//! (load about 1): 516–518 M rows/s, three runs of 5 s (6.9–7.0 ms for
//! the 3.6 M rows). With other builds on both cores it fell to 310–336 M.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use arrow::array::{ArrayRef, RecordBatch, StringBuilder, StringDictionaryBuilder};
use arrow::datatypes::Int32Type;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use positive_action::io::{ArrowCounter, CsvOptions, count_arrow};
use positive_action::{Breakdown, Category, Characteristic, Counting, Pipeline};

#[path = "../examples/common/synthetic.rs"]
mod synthetic;

const CANDIDATES: usize = 1_000_000;
const SEED: u64 = 7;
const BATCH: usize = 1 << 16;

fn cell(c: &Category) -> &str {
    match c {
        Category::NotRecorded => "",
        c => c.label(),
    }
}

/// The synthetic year as record batches, with every column.
fn batches() -> (Pipeline, Vec<RecordBatch>) {
    let applications =
        synthetic::constable_recruitment(CANDIDATES, SEED).expect("synthetic data is valid");
    let (sex, ethnicity) = (Characteristic::sex(), Characteristic::ethnicity());
    let mut out = Vec::new();
    let mut candidate = StringBuilder::new();
    let mut stage = StringDictionaryBuilder::<Int32Type>::new();
    let mut outcome = StringDictionaryBuilder::<Int32Type>::new();
    let mut date = StringBuilder::new();
    let mut sexes = StringDictionaryBuilder::<Int32Type>::new();
    let mut ethnicities = StringDictionaryBuilder::<Int32Type>::new();
    let mut rows = 0;
    let mut flush = |rows: &mut usize,
                     candidate: &mut StringBuilder,
                     stage: &mut StringDictionaryBuilder<Int32Type>,
                     outcome: &mut StringDictionaryBuilder<Int32Type>,
                     date: &mut StringBuilder,
                     sexes: &mut StringDictionaryBuilder<Int32Type>,
                     ethnicities: &mut StringDictionaryBuilder<Int32Type>| {
        *rows = 0;
        out.push(
            RecordBatch::try_from_iter([
                ("candidate", Arc::new(candidate.finish()) as ArrayRef),
                ("stage", Arc::new(stage.finish()) as ArrayRef),
                ("outcome", Arc::new(outcome.finish()) as ArrayRef),
                ("date", Arc::new(date.finish()) as ArrayRef),
                ("sex", Arc::new(sexes.finish()) as ArrayRef),
                ("ethnicity", Arc::new(ethnicities.finish()) as ArrayRef),
            ])
            .expect("columns of one length"),
        );
    };
    for (n, (c, journey)) in applications.iter().enumerate() {
        let id = format!("APP-{n:07}");
        for step in journey.results() {
            candidate.append_value(&id);
            stage.append_value(step.stage.name());
            outcome.append_value(step.outcome.name());
            date.append_value(step.date.map(|d| d.to_string()).unwrap_or_default());
            sexes.append_value(cell(c.profile.category(&sex)));
            ethnicities.append_value(cell(c.profile.category(&ethnicity)));
            rows += 1;
            if rows == BATCH {
                flush(
                    &mut rows,
                    &mut candidate,
                    &mut stage,
                    &mut outcome,
                    &mut date,
                    &mut sexes,
                    &mut ethnicities,
                );
            }
        }
    }
    if rows > 0 {
        flush(
            &mut rows,
            &mut candidate,
            &mut stage,
            &mut outcome,
            &mut date,
            &mut sexes,
            &mut ethnicities,
        );
    }
    (applications.pipeline().clone(), out)
}

fn arrow(c: &mut Criterion) {
    let (pipeline, batches) = batches();
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let by = Breakdown::parse(["sex", "ethnicity"]).expect("valid breakdown");

    let mut group = c.benchmark_group("arrow");
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("dictionary columns → counts (one core)", |b| {
        b.iter(|| {
            let mut counter = ArrowCounter::new(&pipeline, &by);
            for batch in &batches {
                counter.count_batch(batch).expect("valid cells");
            }
            black_box(counter.finish())
        });
    });
    group.finish();

    let mut group = c.benchmark_group("arrow validated");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(rows as u64));
    let options = CsvOptions::new().pipeline(pipeline.clone());
    group.bench_function("record batches → counts, journeys validated", |b| {
        b.iter(|| {
            black_box(
                count_arrow(
                    batches.iter().cloned(),
                    &options,
                    &by,
                    Counting::Applications,
                )
                .expect("valid journeys"),
            )
        });
    });
    group.finish();
}

criterion_group!(benches, arrow);
criterion_main!(benches);
