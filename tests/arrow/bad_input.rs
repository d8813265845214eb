//! Bad Arrow and Parquet input: a column of the wrong type, a missing
//! column, nulls where a value is required, a file that is not Parquet or
//! is cut short, a folder that cannot be read. Each is an error naming
//! the file, column and row; none panics.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use positive_action::io::{
    ArrowCounter, ArrowPlace, CsvOptions, Mode, count_arrow, count_parquet,
    count_parquet_unchecked, read_arrow, read_parquet,
};
use positive_action::{Breakdown, Counting, Error, Pipeline, PipelineKind};

use super::{Encoding, batch, column, temp_folder, write_parquet};

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

fn good(encoding: Encoding) -> RecordBatch {
    batch(
        &[
            ("candidate", &["A", "A", "B"]),
            ("stage", &["sift", "interview", "sift"]),
            ("outcome", &["passed", "failed", "failed"]),
            ("sex", &["female", "female", "male"]),
        ],
        encoding,
    )
}

fn text(values: &[Option<&str>]) -> ArrayRef {
    column(values, Encoding::Utf8)
}

#[test]
fn a_column_of_the_wrong_type_is_named_with_its_type() {
    let batch = RecordBatch::try_from_iter([
        ("candidate", text(&[Some("A")])),
        ("stage", text(&[Some("sift")])),
        (
            "outcome",
            Arc::new(Float64Array::from(vec![1.0])) as ArrayRef,
        ),
    ])
    .expect("one length");
    let err = read_arrow([batch.clone()], &CsvOptions::new()).unwrap_err();
    assert_eq!(err.code(), "arrow_input");
    let text = err.to_string();
    assert!(
        text.starts_with("arrow input, column \"outcome\": has type Float64: expected text"),
        "{text}"
    );

    let mut counter = ArrowCounter::new(&pipeline(), &Breakdown::default());
    let err = counter.count_batch(&batch).unwrap_err();
    assert!(
        err.to_string()
            .contains("column \"outcome\": has type Float64"),
        "{err}"
    );
    assert_eq!(counter.rows(), 0);
}

#[test]
fn integer_candidate_ids_are_their_decimal_text() {
    let batch = RecordBatch::try_from_iter([
        (
            "candidate",
            Arc::new(Int64Array::from(vec![17, 17, 42])) as ArrayRef,
        ),
        (
            "stage",
            text(&[Some("sift"), Some("interview"), Some("sift")]),
        ),
        (
            "outcome",
            text(&[Some("passed"), Some("passed"), Some("failed")]),
        ),
    ])
    .expect("one length");
    let loaded = read_arrow([batch], &CsvOptions::new()).expect("valid journeys");
    assert_eq!(loaded.external_ids().collect::<Vec<_>>(), ["17", "42"]);
}

#[test]
fn a_missing_column_is_named_with_the_columns_there_are() {
    let batch = batch(
        &[("candidate", &["A"]), ("stage", &["sift"])],
        Encoding::Dictionary,
    );
    let err = read_arrow([batch.clone()], &CsvOptions::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "arrow input, column \"outcome\": no such column: expected candidate, stage and outcome columns, found candidate, stage"
    );
    let err = ArrowCounter::new(&pipeline(), &by_sex())
        .count_batch(&batch)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("arrow input, column \"outcome\": no such column"),
        "{err}"
    );
    // A breakdown characteristic no column holds, as the CSV reader says it.
    let err = ArrowCounter::new(&pipeline(), &by_sex())
        .count_batch(&good(Encoding::Utf8).project(&[1, 2]).expect("columns"))
        .unwrap_err();
    assert!(matches!(err, Error::UnknownBreakdownColumn { .. }), "{err}");
}

#[test]
fn batches_with_different_columns_are_refused() {
    let other = batch(
        &[
            ("candidate", &["C"]),
            ("stage", &["sift"]),
            ("outcome", &["passed"]),
            ("gender", &["x"]),
        ],
        Encoding::Utf8,
    );
    let err = read_arrow([good(Encoding::Utf8), other], &CsvOptions::new()).unwrap_err();
    assert!(
        err.to_string()
            .contains("column \"sex\": missing from batch 1"),
        "{err}"
    );
}

#[test]
fn nulls_where_a_value_is_required_name_the_batch_row_and_column() {
    let with_null = |stage: Option<&str>, outcome: Option<&str>| {
        RecordBatch::try_from_iter([
            ("candidate", text(&[Some("A"), Some("B")])),
            (
                "stage",
                column(&[Some("sift"), stage], Encoding::Dictionary),
            ),
            (
                "outcome",
                column(&[Some("passed"), outcome], Encoding::Dictionary),
            ),
            ("sex", column(&[None, Some("male")], Encoding::Dictionary)),
        ])
        .expect("one length")
    };
    let err = read_arrow(
        [good(Encoding::Utf8), with_null(None, Some("passed"))],
        &CsvOptions::new(),
    )
    .unwrap_err();
    match &err {
        Error::ArrowRow { place, column, .. } => {
            assert_eq!(
                &**place,
                &ArrowPlace {
                    file: None,
                    batch: 1,
                    row: 1
                }
            );
            assert_eq!(column.as_deref(), Some("stage"));
        }
        other => panic!("expected an arrow row error, got {other}"),
    }
    assert!(
        err.to_string()
            .starts_with("arrow batch 1, row 1, column stage (candidate B): "),
        "{err}"
    );

    let mut counter = ArrowCounter::new(&pipeline(), &by_sex());
    counter
        .count_batch(&good(Encoding::Dictionary))
        .expect("valid cells");
    let err = counter
        .count_batch(&with_null(Some("sift"), None))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "arrow batch 1, row 1, column outcome: null: expected an outcome"
    );
    // Nothing of the failed call was counted.
    assert_eq!(counter.rows(), 3);
    let counts = counter.finish();
    assert_eq!(
        counts
            .get("sift", &"sex=male".parse().expect("group"))
            .map(|c| c.failed),
        Some(1)
    );
    // A null category is not recorded, as an empty cell is.
    counter
        .count_batch(&with_null(Some("sift"), Some("passed")))
        .expect("valid cells");
    assert_eq!(counter.rows(), 5);
}

#[test]
fn a_bad_dictionary_value_is_an_error_only_where_a_row_uses_it() {
    use arrow::array::{DictionaryArray, Int32Array};
    use arrow::datatypes::Int32Type;
    let values = Arc::new(StringArray::from(vec!["sift", "orientation", "interview"]));
    let stage =
        DictionaryArray::<Int32Type>::try_new(Int32Array::from(vec![0, 2, 0]), values.clone())
            .expect("valid keys");
    let outcome = text(&[Some("passed"), Some("failed"), Some("failed")]);
    let mut counter = ArrowCounter::new(&pipeline(), &Breakdown::default());
    counter
        .count_arrays(&stage, outcome.as_ref(), &[])
        .expect("orientation is never used");
    let used = DictionaryArray::<Int32Type>::try_new(Int32Array::from(vec![0, 1, 0]), values)
        .expect("valid keys");
    let err = counter
        .count_arrays(&used, outcome.as_ref(), &[])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "arrow batch 1, row 1, column stage: stage \"orientation\" is not a stage of pipeline \"sift 2025\""
    );
    assert_eq!(counter.rows(), 3);
}

#[test]
fn lenient_arrow_sets_bad_rows_aside_naming_batch_and_row() {
    let bad = batch(
        &[
            ("candidate", &["C", "D"]),
            ("stage", &["sift", "sift"]),
            ("outcome", &["maybe", "passed"]),
            ("sex", &["male", "female"]),
        ],
        Encoding::Dictionary,
    );
    let options = CsvOptions::new().mode(Mode::Lenient);
    let counted = count_arrow(
        [good(Encoding::View), bad],
        &options,
        &by_sex(),
        Counting::Applications,
    )
    .expect("lenient");
    assert_eq!(
        (counted.load.rows_used, counted.load.rows_set_aside),
        (4, 1)
    );
    let aside = &counted.load.set_aside[0];
    assert_eq!(aside.line, 4, "the row's number in the input");
    assert!(
        aside
            .reason
            .starts_with("arrow batch 1, row 0, column outcome (candidate C): unknown outcome"),
        "{}",
        aside.reason
    );
}

#[test]
fn journey_problems_name_the_rows_by_batch_and_row() {
    let twice = batch(
        &[
            ("candidate", &["A"]),
            ("stage", &["sift"]),
            ("outcome", &["passed"]),
            ("sex", &["female"]),
        ],
        Encoding::Utf8,
    );
    let err = read_arrow([good(Encoding::Utf8), twice], &CsvOptions::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "arrow batch 1, row 0, column stage (candidate A): stage sift is also given at arrow batch 0, row 0: expected one row per candidate and stage"
    );
    let contradicts = batch(
        &[
            ("candidate", &["B"]),
            ("stage", &["interview"]),
            ("outcome", &["passed"]),
            ("sex", &["female"]),
        ],
        Encoding::Utf8,
    );
    let err = read_arrow([good(Encoding::Utf8), contradicts], &CsvOptions::new()).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "arrow batch 1, row 0, column sex (candidate B): contradicts arrow batch 0, row 2"
        ),
        "{err}"
    );
    let after_failed = batch(
        &[
            ("candidate", &["B", "B"]),
            ("stage", &["sift", "interview"]),
            ("outcome", &["failed", "passed"]),
            ("sex", &["male", "male"]),
        ],
        Encoding::Utf8,
    );
    let err = read_arrow(
        [after_failed],
        &CsvOptions::new().stages(["sift", "interview"]),
    )
    .unwrap_err();
    assert_eq!(err.code(), "arrow_row");
    assert!(
        err.to_string()
            .starts_with("arrow batch 0, row 0 (candidate B): "),
        "{err}"
    );
    assert!(err.to_string().contains("arrow batch 0, row 1"), "{err}");
}

#[test]
fn no_batches_is_an_error() {
    let err = read_arrow(Vec::<RecordBatch>::new(), &CsvOptions::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "arrow input: no record batches: expected at least one, to name the columns"
    );
}

#[test]
fn parquet_errors_name_the_file_row_group_row_and_column() {
    let folder = temp_folder("bad-cell");
    let rows = batch(
        &[
            ("candidate", &["A", "A", "B", "C"]),
            ("stage", &["sift", "interview", "sift", "sift"]),
            ("outcome", &["passed", "failed", "failed", "maybe"]),
            ("sex", &["female", "female", "male", "male"]),
        ],
        Encoding::Dictionary,
    );
    let file = folder.join("force-01.parquet");
    write_parquet(&file, &[rows], 3);
    let shown = file.display().to_string();
    let err = read_parquet(&folder, &CsvOptions::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "parquet {shown}, row group 1, row 0, column outcome (candidate C): unknown outcome \"maybe\": expected passed, failed, withdrew, pending or exempt"
        )
    );
    let err = count_parquet_unchecked(&file, &pipeline(), &by_sex()).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "parquet {shown}, row group 1, row 0, column outcome: unknown outcome"
        )),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn a_file_that_is_not_parquet_or_is_cut_short_is_named() {
    let folder = temp_folder("corrupt");
    let junk = folder.join("junk.parquet");
    std::fs::write(&junk, b"candidate,stage,outcome\nA,sift,passed\n").expect("writable");
    let err =
        count_parquet(&junk, &CsvOptions::new(), &by_sex(), Counting::Applications).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "parquet {}: not a readable parquet file (",
            junk.display()
        )),
        "{text}"
    );

    // A whole file, then every way of cutting it short.
    let whole = folder.join("whole.parquet");
    let many: Vec<&str> = (0..200)
        .map(|i| if i % 2 == 0 { "sift" } else { "interview" })
        .collect();
    let ids: Vec<String> = (0..200).map(|i| format!("APP-{}", i / 2)).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    write_parquet(
        &whole,
        &[batch(
            &[
                ("candidate", &ids),
                ("stage", &many),
                ("outcome", &["passed"; 200]),
                ("sex", &["female"; 200]),
            ],
            Encoding::Utf8,
        )],
        64,
    );
    let bytes = std::fs::read(&whole).expect("written");
    let cut = folder.join("cut.parquet");
    for len in (0..bytes.len()).step_by(37) {
        std::fs::write(&cut, &bytes[..len]).expect("writable");
        let err = read_parquet(&cut, &CsvOptions::new()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("parquet {}", cut.display())),
            "{err}"
        );
        assert!(count_parquet_unchecked(&cut, &pipeline(), &by_sex()).is_err());
    }
    // Bytes overwritten inside the data pages: an error or, where the
    // damage is in bytes the reader does not check, counts; never a panic.
    for at in (4..bytes.len().saturating_sub(8)).step_by(23) {
        let mut damaged = bytes.clone();
        for b in damaged.iter_mut().skip(at).take(6) {
            *b ^= 0x5A;
        }
        std::fs::write(&cut, &damaged).expect("writable");
        if let Err(err) = read_parquet(&cut, &CsvOptions::new()) {
            assert!(
                err.to_string().contains(&cut.display().to_string()) || err.code() != "arrow_input",
                "{err}"
            );
        }
        let _ = count_parquet_unchecked(&cut, &pipeline(), &by_sex());
    }
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn a_folder_that_cannot_be_read_is_named() {
    let missing = std::env::temp_dir().join("positive-action-no-such-folder");
    let err = read_parquet(&missing, &CsvOptions::new()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("parquet {}: cannot read: ", missing.display())),
        "{err}"
    );
    let empty = temp_folder("empty");
    std::fs::write(empty.join("_SUCCESS"), b"").expect("writable");
    std::fs::write(empty.join("notes.txt"), b"not data").expect("writable");
    let err = count_parquet_unchecked(&empty, &pipeline(), &by_sex()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "parquet {}: a folder with no .parquet file: expected a parquet file, or a folder of them",
            empty.display()
        )
    );
    let _ = std::fs::remove_dir_all(&empty);
}

#[test]
fn parquet_files_in_subfolders_are_read_in_path_order() {
    let folder = temp_folder("partitioned");
    for (force, rows) in [
        ("force=02", good(Encoding::Utf8)),
        ("force=01", good(Encoding::Dictionary)),
    ] {
        std::fs::create_dir_all(folder.join(force)).expect("writable");
        let ids = match force {
            "force=01" => ["A1", "A1", "B1"],
            _ => ["A2", "A2", "B2"],
        };
        let mut columns: Vec<(String, ArrayRef)> = rows
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .zip(rows.columns().iter().cloned())
            .collect();
        columns[0].1 = column(&ids.map(Some), Encoding::Utf8);
        let batch = RecordBatch::try_from_iter(columns).expect("one length");
        write_parquet(&folder.join(force).join("part-0.parquet"), &[batch], 1024);
    }
    let loaded = read_parquet(&folder, &CsvOptions::new()).expect("valid journeys");
    assert_eq!(
        loaded.external_ids().collect::<Vec<_>>(),
        ["A1", "B1", "A2", "B2"]
    );
    let name = folder.file_name().and_then(|n| n.to_str()).expect("a name");
    assert_eq!(loaded.applications.pipeline().name(), name);
    let _ = std::fs::remove_dir_all(&folder);
}

/// Found by the `parquet_file` fuzz target: a footer whose column chunk
/// starts at a negative offset made the `parquet` crate panic ("column
/// start and length should not be negative") while reading a row group.
/// The footer is now checked first, and every path gives an error naming
/// the file, row group and column.
#[test]
fn a_footer_pointing_outside_the_file_is_refused_not_a_panic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parquet/negative-chunk-offset.parquet");
    let expected = format!(
        "parquet {}: not a readable parquet file (row group 1, column outcome: its data is said \
         to take 97 bytes from byte -704, outside the file's 2855 bytes): expected a parquet file",
        path.display()
    );
    let errors = [
        read_parquet(&path, &CsvOptions::new()).unwrap_err(),
        count_parquet(&path, &CsvOptions::new(), &by_sex(), Counting::Applications).unwrap_err(),
        count_parquet_unchecked(&path, &pipeline(), &by_sex()).unwrap_err(),
    ];
    for err in errors {
        assert_eq!(err.to_string(), expected);
    }
}

/// Found by the `parquet_file` fuzz target: a 4.6 kB file whose footer
/// declares lists of billions of booleans, which the `parquet` crate's
/// Thrift reader skips one by one at no cost in bytes (350 ms for this
/// file, minutes for others like it). The footer is walked first, in time
/// linear in its length, and refused.
#[test]
fn a_footer_declaring_more_elements_than_bytes_is_refused_at_once() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parquet/boolean-list-footer.parquet");
    let expected = format!(
        "parquet {}: not a readable parquet file (the footer declares a collection of ",
        path.display()
    );
    let errors = [
        read_parquet(&path, &CsvOptions::new()).unwrap_err(),
        count_parquet_unchecked(&path, &pipeline(), &by_sex()).unwrap_err(),
    ];
    for err in errors {
        assert!(err.to_string().starts_with(&expected), "{err}");
    }
}

/// Found by the `parquet_file` fuzz target: the footer's fields are
/// declared with types other than the Parquet schema gives them, which the
/// `parquet` crate (59.3) reads by its schema anyway and then skips what
/// follows as nested lists of booleans (0.4 s in a release build for this
/// 2.8 kB file). The walk now checks each field the schema names against
/// it, and refuses the file before the crate reads it.
#[test]
fn a_footer_with_mistyped_fields_is_an_error_naming_the_file() {
    // The first took 0.4 s; the others 3.3 s (744 bytes, lists nested 64
    // deep past a mistyped field) and, a page header mistyped the same
    // way, 10.5 s (3.7 kB), in the fuzz build.
    for name in [
        "mistyped-footer-fields.parquet",
        "mistyped-footer-nested-lists.parquet",
        "mistyped-page-header.parquet",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/parquet")
            .join(name);
        let err = read_parquet(&path, &CsvOptions::new()).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "parquet {}: not a readable parquet file (",
                path.display()
            )),
            "{name}: {err}"
        );
        assert!(err.to_string().contains(" declares "), "{name}: {err}");
    }
}

/// Found by the `parquet_file` fuzz target: files the `parquet` crate's
/// Thrift reader would skip through for a minute and more. The first
/// declares a statistic's null count (an integer) as a double, after
/// which the crate and a walk by declared types read different bytes; the
/// crate went on to skip byte strings past the end of the file, which
/// over a plain `File` were 2³¹ empty reads (90 s). The second declares a
/// page header's compressed size as a boolean, and then lists of booleans
/// the crate skips as no bytes each (16 s). Both are refused before the
/// crate reads them: fields are checked against the Parquet schema, in
/// the footer and in every page header.
#[test]
fn hostile_page_headers_are_errors_naming_the_file_and_the_column() {
    for (name, reason) in [
        (
            "page-header-past-the-end.parquet",
            "(the footer declares field 3 of Statistics as a double where Parquet gives it an integer)",
        ),
        (
            "page-header-boolean-lists.parquet",
            "(row group 0, column candidate: a page header declares field 3 of PageHeader as a boolean where Parquet gives it an integer (the page at byte 4))",
        ),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/parquet")
            .join(name);
        let err = read_parquet(&path, &CsvOptions::new()).unwrap_err();
        let expected = format!("parquet {}: not a readable parquet file (", path.display());
        assert!(err.to_string().starts_with(&expected), "{name}: {err}");
        assert!(err.to_string().contains(reason), "{name}: {err}");
    }
}
