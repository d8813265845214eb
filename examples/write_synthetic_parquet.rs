//! Writes the synthetic force year of `write_synthetic_csv` as Parquet,
//! the same rows and columns, for the Parquet path, `time_parquet` and
//! `benches/compare_duckdb.py`:
//!
//! ```text
//! cargo run --release --features arrow --example write_synthetic_parquet -- /tmp/force-year.parquet [CANDIDATES] [SEED]
//! ```
//!
//! Text columns are written dictionary-encoded (as Parquet writers do by
//! default) and compressed with Snappy (the default of pyarrow, Spark and
//! DuckDB), in row groups of 1,048,576 rows. The defaults, 1,000,000
//! candidates and seed 7, give the rows of the CSV bench's file.

#[path = "common/synthetic.rs"]
mod synthetic;

use std::fs::File;
use std::process::ExitCode;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringBuilder, StringDictionaryBuilder};
use arrow::datatypes::Int32Type;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use positive_action::{Category, Characteristic};

/// Rows per record batch written.
const BATCH: usize = 1 << 16;

fn cell(c: &Category) -> &str {
    match c {
        Category::NotRecorded => "",
        c => c.label(),
    }
}

struct Columns {
    candidate: StringBuilder,
    stage: StringDictionaryBuilder<Int32Type>,
    outcome: StringDictionaryBuilder<Int32Type>,
    date: StringBuilder,
    sex: StringDictionaryBuilder<Int32Type>,
    ethnicity: StringDictionaryBuilder<Int32Type>,
    rows: usize,
}

impl Columns {
    fn new() -> Self {
        Self {
            candidate: StringBuilder::new(),
            stage: StringDictionaryBuilder::new(),
            outcome: StringDictionaryBuilder::new(),
            date: StringBuilder::new(),
            sex: StringDictionaryBuilder::new(),
            ethnicity: StringDictionaryBuilder::new(),
            rows: 0,
        }
    }

    fn batch(&mut self) -> Result<RecordBatch, String> {
        self.rows = 0;
        RecordBatch::try_from_iter([
            ("candidate", Arc::new(self.candidate.finish()) as ArrayRef),
            ("stage", Arc::new(self.stage.finish()) as ArrayRef),
            ("outcome", Arc::new(self.outcome.finish()) as ArrayRef),
            ("date", Arc::new(self.date.finish()) as ArrayRef),
            ("sex", Arc::new(self.sex.finish()) as ArrayRef),
            ("ethnicity", Arc::new(self.ethnicity.finish()) as ArrayRef),
        ])
        .map_err(|e| e.to_string())
    }
}

fn write(path: &str, candidates: usize, seed: u64) -> Result<(u64, u64), String> {
    let applications =
        synthetic::constable_recruitment(candidates, seed).map_err(|e| e.to_string())?;
    let (sex, ethnicity) = (Characteristic::sex(), Characteristic::ethnicity());
    let mut columns = Columns::new();
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(1 << 20))
        .build();
    let file = File::create(path).map_err(|e| format!("cannot create {path:?}: {e}"))?;
    let schema = columns.batch()?.schema();
    let mut writer =
        ArrowWriter::try_new(file, schema, Some(properties)).map_err(|e| e.to_string())?;
    let mut rows = 0u64;
    // The synthetic year lists candidate n as APP-n, as the CSV does.
    for (n, (candidate, journey)) in applications.iter().enumerate() {
        let id = format!("APP-{n:07}");
        let profile = &candidate.profile;
        for step in journey.results() {
            columns.candidate.append_value(&id);
            columns.stage.append_value(step.stage.name());
            columns.outcome.append_value(step.outcome.name());
            match step.date {
                Some(d) => columns.date.append_value(d.to_string()),
                None => columns.date.append_value(""),
            }
            columns.sex.append_value(cell(profile.category(&sex)));
            columns
                .ethnicity
                .append_value(cell(profile.category(&ethnicity)));
            columns.rows += 1;
            rows += 1;
            if columns.rows == BATCH {
                writer.write(&columns.batch()?).map_err(|e| e.to_string())?;
            }
        }
    }
    if columns.rows > 0 {
        writer.write(&columns.batch()?).map_err(|e| e.to_string())?;
    }
    writer.close().map_err(|e| e.to_string())?;
    Ok((applications.candidates().len() as u64, rows))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), candidates, seed) = (args.next(), args.next(), args.next()) else {
        eprintln!(
            "usage: write_synthetic_parquet PATH [CANDIDATES (default 1000000)] [SEED (default 7)]"
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
        let (candidates, rows) = write(
            &path,
            usize::try_from(candidates).map_err(|e| e.to_string())?,
            seed,
        )?;
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        eprintln!("wrote {path}: {candidates} candidates, {rows} rows, {bytes} bytes");
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
