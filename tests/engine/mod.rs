//! DataFusion (and Ballista) underneath: `funnel_counts` over registered
//! Parquet folders, in SQL and DataFrames, in any partitioning, gives the
//! counts of the CSV and Arrow/Parquet paths to the count; bad columns,
//! cells and files are clear errors, never panics.

mod bad_input;
#[cfg(feature = "ballista")]
mod ballista;
mod equality;
mod sql;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringBuilder, StringDictionaryBuilder};
use arrow::datatypes::Int32Type;
use positive_action::io::CsvOptions;
use positive_action::{Applications, Breakdown, Category, Characteristic, Pipeline};

use super::arrow::{temp_folder, write_parquet};
use super::synthetic;

/// Forces and months of the data set: a file per force and month.
pub const FORCES: [&str; 3] = ["Kent", "Essex", "Surrey"];
pub const MONTHS: [&str; 2] = ["2025-04", "2025-05"];

/// One row of the long format, with the force and month it belongs to.
#[derive(Debug, Clone)]
pub struct Row {
    pub force: String,
    pub month: String,
    pub candidate: String,
    pub stage: String,
    pub outcome: String,
    pub date: String,
    pub sex: String,
    pub ethnicity: String,
}

/// The synthetic constable recruitment year of each force, its
/// candidates spread over the months.
pub struct Dataset {
    pub pipeline: Pipeline,
    pub forces: Vec<(String, Applications)>,
    pub rows: Vec<Row>,
}

fn cell(c: &Category) -> String {
    match c {
        Category::NotRecorded => String::new(),
        c => c.label().to_owned(),
    }
}

/// `per_force` synthetic candidates in each force.
pub fn dataset(per_force: usize) -> Dataset {
    let (sex, ethnicity) = (Characteristic::sex(), Characteristic::ethnicity());
    let mut forces = Vec::new();
    let mut rows = Vec::new();
    let mut pipeline = None;
    for (f, force) in FORCES.iter().enumerate() {
        let applications =
            synthetic::constable_recruitment(per_force, 11 + f as u64).expect("a valid year");
        pipeline.get_or_insert_with(|| applications.pipeline().clone());
        for (n, (candidate, journey)) in applications.iter().enumerate() {
            let month = MONTHS[n % MONTHS.len()];
            for step in journey.results() {
                rows.push(Row {
                    force: (*force).to_owned(),
                    month: month.to_owned(),
                    candidate: format!("{force}-APP-{n:07}"),
                    stage: step.stage.name().to_owned(),
                    outcome: step.outcome.name().to_owned(),
                    date: step.date.map(|d| d.to_string()).unwrap_or_default(),
                    sex: cell(candidate.profile.category(&sex)),
                    ethnicity: cell(candidate.profile.category(&ethnicity)),
                });
            }
        }
        forces.push(((*force).to_owned(), applications));
    }
    Dataset {
        pipeline: pipeline.expect("one force at least"),
        forces,
        rows,
    }
}

pub fn by() -> Breakdown {
    Breakdown::parse(["sex", "ethnicity"]).expect("valid breakdown")
}

/// CSV options that read the data set's pipeline.
pub fn options(pipeline: &Pipeline) -> CsvOptions {
    CsvOptions::new()
        .stages(pipeline.stages().iter().map(|s| s.name().to_owned()))
        .name(pipeline.name())
}

/// The rows as a CSV, in the long format.
pub fn to_csv<'a>(rows: impl IntoIterator<Item = &'a Row>) -> String {
    let mut csv = String::from("candidate,stage,outcome,date,sex,ethnicity\n");
    for r in rows {
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            r.candidate, r.stage, r.outcome, r.date, r.sex, r.ethnicity
        ));
    }
    csv
}

/// The rows as one batch: force, month and candidate plain text, the
/// rest dictionary-encoded as Parquet writers write them.
pub fn to_batch<'a>(rows: impl IntoIterator<Item = &'a Row>) -> RecordBatch {
    let mut plain: [StringBuilder; 4] = Default::default();
    let mut dict: [StringDictionaryBuilder<Int32Type>; 4] = Default::default();
    for r in rows {
        plain[0].append_value(&r.force);
        plain[1].append_value(&r.month);
        plain[2].append_value(&r.candidate);
        plain[3].append_value(&r.date);
        dict[0].append_value(&r.stage);
        dict[1].append_value(&r.outcome);
        dict[2].append_value(&r.sex);
        dict[3].append_value(&r.ethnicity);
    }
    let [force, month, candidate, date] = plain.map(|mut b| Arc::new(b.finish()) as ArrayRef);
    let [stage, outcome, sex, ethnicity] = dict.map(|mut b| Arc::new(b.finish()) as ArrayRef);
    RecordBatch::try_from_iter([
        ("force", force),
        ("month", month),
        ("candidate", candidate),
        ("stage", stage),
        ("outcome", outcome),
        ("date", date),
        ("sex", sex),
        ("ethnicity", ethnicity),
    ])
    .expect("columns of one length")
}

/// Writes a file per force and month into a fresh folder, in row groups
/// of `row_group_rows`; the files, by force and month.
pub fn write_folder(rows: &[Row], name: &str, row_group_rows: usize) -> (PathBuf, Vec<PathBuf>) {
    let folder = temp_folder(name);
    let mut files = Vec::new();
    for force in FORCES {
        for month in MONTHS {
            let part: Vec<&Row> = rows
                .iter()
                .filter(|r| r.force == force && r.month == month)
                .collect();
            let path = folder.join(format!("{force}-{month}.parquet"));
            write_parquet(&path, &[to_batch(part)], row_group_rows);
            files.push(path);
        }
    }
    (folder, files)
}

/// The files of one force.
pub fn files_of<'a>(files: &'a [PathBuf], force: &str) -> impl Iterator<Item = &'a Path> {
    let prefix = format!("{force}-");
    files.iter().map(PathBuf::as_path).filter(move |p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(&prefix))
    })
}

/// A runtime to drive DataFusion's futures from plain tests.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
