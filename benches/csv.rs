//! CSV to funnel, end to end: load a long-format CSV of 1 million synthetic
//! candidates (about 3.6 million rows), count it by sex × ethnicity and
//! compute pass rates per stage and group. Throughput is in rows/s and
//! bytes/s (criterion's MiB/s).
//!
//! The file is written once, to the temp directory, by the same code as
//! `cargo run --release --example write_synthetic_csv -- PATH`, so
//! `benches/compare_polars.py PATH` can time pandas and polars on the same
//! bytes. Set `POSITIVE_ACTION_CSV` to bench an existing file instead.
//!
//! Target (DESIGN section 7): faster end to end than polars on the same
//! file.

use std::fs::File;
use std::hint::black_box;
use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use positive_action::ImpactOptions;
use positive_action::io::{CsvOptions, count_csv_path, read_csv_path};
use positive_action::report::{Report, ReportOptions};
use positive_action::{Breakdown, Counting, Funnel, FunnelCounts, RateBasis};

#[path = "../examples/common/synthetic.rs"]
mod synthetic;
#[path = "../examples/common/synthetic_csv.rs"]
mod synthetic_csv;

const CANDIDATES: usize = 1_000_000;
const SEED: u64 = 7;

/// The bench's CSV file: `POSITIVE_ACTION_CSV`, or the synthetic year
/// written to the temp directory (once per run).
fn csv_file() -> PathBuf {
    if let Some(path) = std::env::var_os("POSITIVE_ACTION_CSV") {
        return path.into();
    }
    let path = std::env::temp_dir().join("positive-action-force-year-1m.csv");
    let file = File::create(&path).expect("the temp directory is writable");
    let written = synthetic_csv::write_constable_year(BufWriter::new(file), CANDIDATES, SEED)
        .expect("synthetic data is valid");
    eprintln!(
        "wrote {}: {} candidates, {} rows",
        path.display(),
        written.candidates,
        written.rows
    );
    path
}

fn rows(path: &PathBuf) -> u64 {
    let mut reader = csv::Reader::from_path(path).expect("the bench csv is readable");
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record).expect("valid csv") {
        rows += 1;
    }
    rows
}

fn csv_to_funnel(c: &mut Criterion) {
    let path = csv_file();
    let bytes = std::fs::metadata(&path)
        .expect("the bench csv exists")
        .len();
    let rows = rows(&path);
    eprintln!("{}: {bytes} bytes, {rows} rows", path.display());
    let by = Breakdown::parse(["sex", "ethnicity"]).expect("valid breakdown");
    let options = CsvOptions::new();

    let report_options = ReportOptions {
        breakdown: by.clone(),
        impact: ImpactOptions::new(),
        min_cell: 0,
    };

    let mut group = c.benchmark_group("csv");
    group.throughput(Throughput::ElementsAndBytes {
        elements: rows,
        bytes,
    });
    // A second or more per iteration: ten flat samples of one iteration.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(3));
    group.measurement_time(Duration::from_secs(25));
    group.bench_function("csv crate alone: read every ByteRecord", |b| {
        b.iter(|| {
            let mut reader = csv::Reader::from_path(&path).expect("readable");
            let mut record = csv::ByteRecord::new();
            let mut fields = 0;
            while reader.read_byte_record(&mut record).expect("valid csv") {
                fields += record.len();
            }
            black_box(fields)
        })
    });
    group.bench_function("read_csv: load records, count, pass rates", |b| {
        b.iter(|| {
            let loaded = read_csv_path(black_box(&path), &options).expect("valid csv");
            let counts =
                FunnelCounts::from_applications(&loaded.applications, &by, Counting::Applications);
            Funnel::new(&counts, RateBasis::Decided).expect("counts fit")
        })
    });
    group.bench_function("count_csv: count by sex x ethnicity, pass rates", |b| {
        b.iter(|| {
            let counted = count_csv_path(black_box(&path), &options, &by, Counting::Applications)
                .expect("valid csv");
            Funnel::new(&counted.counts, RateBasis::Decided).expect("counts fit")
        })
    });
    group.bench_function("count_csv: count by sex x ethnicity, full report", |b| {
        b.iter(|| {
            let counted = count_csv_path(black_box(&path), &options, &by, Counting::Applications)
                .expect("valid csv");
            Report::new(&counted.counts, &report_options, &[]).expect("valid report")
        })
    });
    group.bench_function("read_csv: load records, count, full report", |b| {
        b.iter(|| {
            let loaded = read_csv_path(black_box(&path), &options).expect("valid csv");
            let counts =
                FunnelCounts::from_applications(&loaded.applications, &by, Counting::Applications);
            Report::new(&counts, &report_options, &[]).expect("valid report")
        })
    });
    group.finish();
}

criterion_group!(benches, csv_to_funnel);
criterion_main!(benches);
