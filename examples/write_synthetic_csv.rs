//! Writes the synthetic force year as a long-format CSV, for the CSV bench
//! and for `benches/compare_polars.py`, so the comparison is reproducible.
//!
//! ```text
//! cargo run --release --example write_synthetic_csv -- /tmp/force-year.csv [CANDIDATES] [SEED]
//! /work/venv/bin/python benches/compare_polars.py /tmp/force-year.csv
//! ```
//!
//! The defaults, 1,000,000 candidates and seed 7, make the file the CSV bench
//! reads (about 3.4 million rows).

#[path = "common/synthetic.rs"]
mod synthetic;
#[path = "common/synthetic_csv.rs"]
mod synthetic_csv;

use std::fs::File;
use std::io::BufWriter;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), candidates, seed) = (args.next(), args.next(), args.next()) else {
        eprintln!(
            "usage: write_synthetic_csv PATH [CANDIDATES (default 1000000)] [SEED (default 7)]"
        );
        return ExitCode::FAILURE;
    };
    let number = |arg: Option<String>, name: &str, default: u64| -> Result<u64, String> {
        arg.map_or(Ok(default), |a| {
            a.parse()
                .map_err(|_| format!("{name} {a:?} is not a number: expected a whole number"))
        })
    };
    let run = || -> Result<(), String> {
        let candidates = number(candidates, "candidates", 1_000_000)?;
        let seed = number(seed, "seed", 7)?;
        let file = File::create(&path).map_err(|e| format!("cannot create {path:?}: {e}"))?;
        let written = synthetic_csv::write_constable_year(
            BufWriter::new(file),
            usize::try_from(candidates).map_err(|e| e.to_string())?,
            seed,
        )
        .map_err(|e| e.to_string())?;
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        eprintln!(
            "wrote {path}: {} candidates, {} rows, {bytes} bytes",
            written.candidates, written.rows
        );
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
