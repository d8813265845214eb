//! Times Parquet to report the way `benches/compare_duckdb.py` times
//! DuckDB: best of N runs, end to end in one process, on the same file.
//! Run the two in turn to compare them on a shared, noisy machine:
//!
//! ```sh
//! cargo run --release --features arrow --example write_synthetic_parquet -- /tmp/force-year.parquet
//! cargo run --release --features arrow --example time_parquet -- /tmp/force-year.parquet
//! /path/to/python benches/compare_duckdb.py /tmp/force-year.parquet
//! ```
//!
//! Three jobs, each ending in the full report (pass rates, impact ratios
//! and every test, by sex × ethnicity):
//! - `count_parquet_unchecked`: the stage, outcome, sex and ethnicity
//!   columns as dictionaries, every cell checked, on every core: the job
//!   DuckDB's `GROUP BY` does;
//! - `count_parquet`: every column, every journey validated, as the CSV
//!   path does;
//! - with a CSV path as a third argument, `count_csv_path` on the CSV of
//!   the same rows.

use std::process::ExitCode;
use std::time::Instant;

use positive_action::io::{CsvOptions, count_csv_path, count_parquet, count_parquet_unchecked};
use positive_action::report::{Report, ReportOptions};
use positive_action::{Breakdown, Counting, ImpactOptions, Pipeline};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), runs, csv) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: time_parquet FILE.parquet [RUNS] [SAME-ROWS.csv]");
        return ExitCode::from(2);
    };
    let runs = match runs.map(|r| r.parse::<u32>()) {
        None => 5,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("error: RUNS must be a whole number of at least 1");
            return ExitCode::from(2);
        }
    };
    match time(&path, runs, csv.as_deref()) {
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

fn time(path: &str, runs: u32, csv: Option<&str>) -> Outcome<()> {
    let bytes = std::fs::metadata(path)?.len() as f64;
    let by = Breakdown::parse(["sex", "ethnicity"])?;
    let options = ReportOptions {
        breakdown: by.clone(),
        impact: ImpactOptions::new(),
        min_cell: 0,
    };
    let pipeline = Pipeline::police_constable_recruitment("constable recruitment");
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
    println!("{:<40} {:>8} {:>9}", "job", "seconds", "M rows/s");
    let unchecked = || -> Outcome<u64> {
        let counts = count_parquet_unchecked(path, &pipeline, &by)?;
        Report::new(&counts, &options, &[])?;
        let rows = (0..counts.stages())
            .filter_map(|s| counts.stage_total(s).ok())
            .map(|c| c.entered() + c.exempt)
            .sum();
        Ok(rows)
    };
    let validated = || -> Outcome<u64> {
        let counted = count_parquet(path, &CsvOptions::new(), &by, Counting::Applications)?;
        Report::new(&counted.counts, &options, &[])?;
        Ok(counted.load.rows_read)
    };
    let from_csv = || -> Outcome<u64> {
        let csv = csv.ok_or("no csv given")?;
        let counted = count_csv_path(csv, &CsvOptions::new(), &by, Counting::Applications)?;
        Report::new(&counted.counts, &options, &[])?;
        Ok(counted.load.rows_read)
    };
    let mut jobs: Vec<(&str, Job<'_>)> = vec![
        ("count_parquet_unchecked → full report", &unchecked),
        ("count_parquet → full report", &validated),
    ];
    if csv.is_some() {
        jobs.push(("count_csv_path → full report (csv)", &from_csv));
    }
    for (name, job) in jobs {
        let (seconds, rows) = best(job)?;
        println!(
            "{name:<40} {seconds:>8.3} {:>9.2}",
            rows as f64 / seconds / 1e6
        );
    }
    Ok(())
}
