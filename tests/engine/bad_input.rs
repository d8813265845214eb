//! Bad input to the engine: a missing column, a column of the wrong type,
//! the wrong number of arguments, a null stage, an unknown stage or
//! outcome, a corrupt Parquet file, a result that is not funnel counts.
//! Each is an error naming what is wrong and where (the file too, through
//! `register_parquet` and `locate`); none panics.

use std::sync::Arc;

use arrow::array::{ArrayRef, BinaryArray, Int64Array, RecordBatch, StringArray};
use datafusion::error::DataFusionError;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use positive_action::engine::{self, KeyedCounts};
use positive_action::{Breakdown, Pipeline, PipelineKind};

use super::{dataset, runtime, write_folder};

fn pipeline() -> Pipeline {
    Pipeline::new(
        "sift 2025",
        PipelineKind::Recruitment,
        ["sift", "interview"],
    )
    .expect("valid stages")
}

fn by_sex() -> Breakdown {
    Breakdown::parse(["sex"]).expect("valid breakdown")
}

fn text(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(values.iter().copied().collect::<StringArray>())
}

/// Runs a query over one batch registered as `applications`.
fn query(batch: RecordBatch, sql: &str) -> Result<Vec<RecordBatch>, DataFusionError> {
    let ctx = SessionContext::new();
    engine::register(&ctx, &pipeline(), &by_sex());
    ctx.register_batch("applications", batch)?;
    runtime().block_on(async { ctx.sql(sql).await?.collect().await })
}

const SQL: &str = "SELECT funnel_counts(stage, outcome, sex) FROM applications";

fn batch(stage: &[Option<&str>], outcome: &[Option<&str>], sex: &[Option<&str>]) -> RecordBatch {
    RecordBatch::try_from_iter([
        ("stage", text(stage)),
        ("outcome", text(outcome)),
        ("sex", text(sex)),
    ])
    .expect("one length")
}

fn message(result: Result<Vec<RecordBatch>, DataFusionError>) -> String {
    result.expect_err("a bad input").to_string()
}

#[test]
fn good_rows_count_and_nulls_in_categories_are_not_recorded() {
    let batches = query(
        batch(
            &[Some("sift"), Some("sift"), Some("interview")],
            &[Some("passed"), Some("failed"), Some("withdrew")],
            &[Some("female"), None, Some("")],
        ),
        SQL,
    )
    .expect("valid rows");
    let counts = KeyedCounts::from_batches(&batches, &pipeline(), &by_sex()).expect("counts");
    let all = counts.get(&[]).expect("one grouping");
    let not_recorded = "sex=not recorded".parse().expect("a group");
    assert_eq!(all.get("sift", &not_recorded).map(|c| c.failed), Some(1));
    assert_eq!(
        all.get("interview", &not_recorded).map(|c| c.withdrew),
        Some(1)
    );
}

#[test]
fn a_missing_column_is_named() {
    let err = message(query(
        batch(&[Some("sift")], &[Some("passed")], &[Some("female")]),
        "SELECT funnel_counts(stage, outcome, religion) FROM applications",
    ));
    assert!(err.contains("religion"), "{err}");
}

#[test]
fn the_wrong_number_of_arguments_names_the_expected_ones() {
    let err = message(query(
        batch(&[Some("sift")], &[Some("passed")], &[Some("female")]),
        "SELECT funnel_counts(stage, outcome) FROM applications",
    ));
    assert!(
        err.contains("funnel_counts takes 3 arguments, (stage, outcome, sex)"),
        "{err}"
    );
    assert!(err.contains("2 given"), "{err}");
}

#[test]
fn a_column_of_the_wrong_type_is_named_with_its_type() {
    let batch = RecordBatch::try_from_iter([
        ("stage", text(&[Some("sift")])),
        ("outcome", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
        ("sex", text(&[Some("female")])),
    ])
    .expect("one length");
    let err = message(query(batch, SQL));
    assert!(err.contains("argument 2 (outcome)"), "{err}");
    assert!(err.contains("has type Int64: expected text"), "{err}");
}

#[test]
fn a_null_stage_is_named_by_column_and_row() {
    let err = message(query(
        batch(
            &[Some("sift"), None],
            &[Some("passed"), Some("failed")],
            &[Some("female"), Some("male")],
        ),
        SQL,
    ));
    assert!(err.contains("row 1, column stage"), "{err}");
    assert!(
        err.contains("null: expected a stage of the pipeline"),
        "{err}"
    );
}

#[test]
fn an_unknown_stage_or_outcome_is_named_by_column_and_row() {
    let err = message(query(
        batch(
            &[Some("sift"), Some("sift"), Some("sift")],
            &[Some("passed"), Some("failed"), Some("maybe")],
            &[Some("female"), Some("male"), Some("male")],
        ),
        SQL,
    ));
    assert!(err.contains("row 2, column outcome"), "{err}");
    assert!(err.contains("maybe"), "{err}");

    let err = message(query(
        batch(
            &[Some("sift"), Some("offer")],
            &[Some("passed"), Some("failed")],
            &[Some("female"), Some("male")],
        ),
        SQL,
    ));
    assert!(err.contains("row 1, column stage"), "{err}");
    assert!(err.contains("offer"), "{err}");
}

/// Registered with DataFusion's own `register_parquet`, a corrupt file is
/// the engine's error (no panic), which need not name the file; the next
/// test registers through the crate, whose error does.
#[test]
fn a_corrupt_parquet_file_is_an_error() {
    let data = dataset(20);
    let (folder, files) = write_folder(&data.rows, "engine-corrupt", 64);
    // One file cut short, one that is not Parquet at all.
    let bytes = std::fs::read(&files[0]).expect("written");
    std::fs::write(&files[0], &bytes[..bytes.len() / 2]).expect("writable");
    std::fs::write(folder.join("notes.parquet"), b"not a parquet file").expect("writable");
    let ctx = SessionContext::new();
    engine::register(&ctx, &data.pipeline, &super::by());
    let result = runtime().block_on(async {
        ctx.register_parquet(
            "applications",
            folder.to_str().expect("a UTF-8 temp path"),
            ParquetReadOptions::default(),
        )
        .await?;
        ctx.sql("SELECT force, funnel_counts(stage, outcome, sex, ethnicity) FROM applications GROUP BY force")
            .await?
            .collect()
            .await
    });
    let err = message(result);
    assert!(err.to_lowercase().contains("parquet"), "{err}");
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn register_parquet_names_the_corrupt_file() {
    let data = dataset(20);
    let (folder, files) = write_folder(&data.rows, "engine-register-corrupt", 64);
    let bytes = std::fs::read(&files[3]).expect("written");
    std::fs::write(&files[3], &bytes[..bytes.len() / 2]).expect("writable");
    let ctx = SessionContext::new();
    let err = runtime()
        .block_on(engine::register_parquet(&ctx, "applications", &folder))
        .expect_err("a file cut short");
    assert_eq!(err.code(), "arrow_input");
    assert!(
        err.to_string().contains(&files[3].display().to_string()),
        "{err}"
    );
    // Nothing was registered.
    assert!(!ctx.table_exist("applications").expect("a table name"));

    // Whole again, the folder registers and the query runs.
    std::fs::write(&files[3], &bytes).expect("writable");
    engine::register(&ctx, &data.pipeline, &super::by());
    let batches = runtime()
        .block_on(async {
            engine::register_parquet(&ctx, "applications", &folder)
                .await
                .map_err(|e| DataFusionError::External(Box::new(e)))?;
            ctx.sql("SELECT force, funnel_counts(stage, outcome, sex, ethnicity) FROM applications GROUP BY force")
                .await?
                .collect()
                .await
        })
        .expect("a clean folder");
    let counts = KeyedCounts::from_batches(&batches, &data.pipeline, &super::by()).expect("counts");
    assert_eq!(counts.counts.len(), 3);
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn register_parquet_names_a_folder_without_parquet_files() {
    let folder = super::super::arrow::temp_folder("engine-register-empty");
    let ctx = SessionContext::new();
    let err = runtime()
        .block_on(engine::register_parquet(&ctx, "applications", &folder))
        .expect_err("no files");
    assert!(err.to_string().contains("no .parquet file"), "{err}");
    assert!(
        err.to_string().contains(&folder.display().to_string()),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

/// Registers the folder's files as `applications` and runs a query that
/// must fail, its failure located in the files.
fn failed_query(
    folder: &std::path::Path,
    pipeline: &Pipeline,
    sql: &str,
) -> positive_action::Error {
    let ctx = SessionContext::new();
    engine::register(&ctx, pipeline, &super::by());
    runtime().block_on(async {
        engine::register_parquet(&ctx, "applications", folder)
            .await
            .expect("every file is sound Parquet");
        let query = async { ctx.sql(sql).await?.collect().await };
        query
            .await
            .map_err(|e| engine::locate(e, folder, pipeline, &super::by()))
            .expect_err("a query that fails")
    })
}

/// A bad cell in one file of a folder fails the query; `locate` names the
/// file, the row group, the row within it, the column and the value.
#[test]
fn locate_names_the_file_row_and_column_of_a_bad_cell() {
    let mut data = dataset(40);
    let in_file: Vec<usize> = (0..data.rows.len())
        .filter(|&i| data.rows[i].force == "Essex" && data.rows[i].month == "2025-05")
        .collect();
    // The 8th row of Essex's May file (row group 1 of groups of 5 rows,
    // row 2 within it, row 7 of the file) names a stage the pipeline
    // does not have.
    let bad = in_file[7];
    data.rows[bad].stage = "fitness retest".to_owned();
    let (folder, files) = write_folder(&data.rows, "engine-locate", 5);
    let err = failed_query(
        &folder,
        &data.pipeline,
        "SELECT force, funnel_counts(stage, outcome, sex, ethnicity) FROM applications GROUP BY force",
    );
    let essex_may = files
        .iter()
        .find(|f| f.ends_with("Essex-2025-05.parquet"))
        .expect("written");
    let text = err.to_string();
    assert_eq!(err.code(), "arrow_row", "{text}");
    assert!(text.contains(&essex_may.display().to_string()), "{text}");
    assert!(text.contains("column stage"), "{text}");
    assert!(text.contains("fitness retest"), "{text}");
    match &err {
        positive_action::Error::ArrowRow { place, .. } => {
            assert_eq!(
                place.file.as_deref(),
                Some(essex_may.display().to_string().as_str())
            );
            assert_eq!((place.batch, place.row), (1, 2), "{text}");
        }
        other => panic!("expected a row error, got {other}"),
    }
    let _ = std::fs::remove_dir_all(&folder);
}

/// A failure that is not in the files (here, a query that does not plan)
/// is the engine's, as `Error::Engine`.
#[test]
fn locate_leaves_a_failure_outside_the_files_to_the_engine() {
    let data = dataset(10);
    let (folder, _) = write_folder(&data.rows, "engine-locate-clean", 64);
    let err = failed_query(
        &folder,
        &data.pipeline,
        "SELECT funnel_counts(stage) FROM applications",
    );
    assert_eq!(err.code(), "engine", "{err}");
    assert!(
        err.to_string().contains("funnel_counts takes 4 arguments"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn a_result_that_is_not_funnel_counts_is_refused() {
    let not_binary =
        RecordBatch::try_from_iter([("force", text(&[Some("Kent")]))]).expect("one column");
    let err =
        KeyedCounts::from_batches(&[not_binary], &pipeline(), &by_sex()).expect_err("not counts");
    assert_eq!(err.code(), "arrow_input");
    assert!(err.to_string().contains("column \"force\""), "{err}");

    let garbage = RecordBatch::try_from_iter([
        ("force", text(&[Some("Kent")])),
        (
            "counts",
            Arc::new(BinaryArray::from(vec![b"PAFC".as_slice()])) as ArrayRef,
        ),
    ])
    .expect("one length");
    let err =
        KeyedCounts::from_batches(&[garbage], &pipeline(), &by_sex()).expect_err("not a state");
    assert!(
        err.to_string()
            .contains("column \"counts\": batch 0, row 0"),
        "{err}"
    );

    // A state of another breakdown.
    let batches = query(
        batch(&[Some("sift")], &[Some("passed")], &[Some("female")]),
        SQL,
    )
    .expect("valid rows");
    let other = Breakdown::parse(["sex", "ethnicity"]).expect("valid");
    let err = KeyedCounts::from_batches(&batches, &pipeline(), &other).expect_err("1 of 2");
    assert!(
        err.to_string()
            .contains("1 characteristics: expected the breakdown's 2"),
        "{err}"
    );
}
