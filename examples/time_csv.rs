//! Times CSV to report the way `benches/compare_polars.py` times pandas
//! and polars: best of N runs, end to end in one process, on the same file.
//! Run the two in turn to compare them on a shared, noisy machine:
//!
//! ```sh
//! cargo run --release --example write_synthetic_csv -- /tmp/force-year.csv
//! cargo run --release --example time_csv -- /tmp/force-year.csv
//! /path/to/python benches/compare_polars.py /tmp/force-year.csv
//! ```
//!
//! Criterion (`cargo bench --bench csv`) gives the same figures with their
//! spread; this gives a best-of figure to set beside the script's.

use std::process::ExitCode;
use std::time::Instant;

use positive_action::io::{CsvOptions, count_csv_path, read_csv_path};
use positive_action::report::{Report, ReportOptions};
use positive_action::{Breakdown, Counting, FunnelCounts, ImpactOptions};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), repeat) = (args.next(), args.next()) else {
        eprintln!("usage: time_csv FILE.csv [RUNS]");
        return ExitCode::from(2);
    };
    let runs = match repeat.map(|r| r.parse::<u32>()) {
        None => 5,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("error: RUNS must be a whole number of at least 1");
            return ExitCode::from(2);
        }
    };
    match time(&path, runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Outcome<T> = Result<T, Box<dyn std::error::Error>>;

/// A job to time: it gives the rows it read.
type Job<'a> = &'a dyn Fn() -> Outcome<u64>;

fn time(path: &str, runs: u32) -> Outcome<()> {
    let bytes = std::fs::metadata(path)?.len() as f64;
    let by = Breakdown::parse(["sex", "ethnicity"])?;
    let options = ReportOptions {
        breakdown: by.clone(),
        impact: ImpactOptions::new(),
        min_cell: 0,
    };
    let csv = CsvOptions::new();
    let best = |job: Job<'_>| {
        let mut best = f64::INFINITY;
        let mut rows = 0;
        for _ in 0..runs {
            let start = Instant::now();
            rows = job()?;
            best = best.min(start.elapsed().as_secs_f64());
        }
        Outcome::Ok((best, rows))
    };
    println!(
        "{path}: {bytes} bytes ({:.1} MB), best of {runs}",
        bytes / 1e6
    );
    println!(
        "{:<34} {:>8} {:>8} {:>9}",
        "job", "seconds", "MB/s", "M rows/s"
    );
    let jobs: [(&str, Job<'_>); 2] = [
        ("count_csv_path → full report", &|| {
            let counted = count_csv_path(path, &csv, &by, Counting::Applications)?;
            Report::new(&counted.counts, &options, &[])?;
            Ok(counted.load.rows_read)
        }),
        ("read_csv_path → full report", &|| {
            let loaded = read_csv_path(path, &csv)?;
            let counts =
                FunnelCounts::from_applications(&loaded.applications, &by, Counting::Applications);
            Report::new(&counts, &options, &[])?;
            Ok(loaded.load.rows_read)
        }),
    ];
    for (name, job) in jobs {
        let (seconds, rows) = best(job)?;
        println!(
            "{name:<34} {seconds:>8.3} {:>8.1} {:>9.2}",
            bytes / seconds / 1e6,
            rows as f64 / seconds / 1e6
        );
    }
    Ok(())
}
