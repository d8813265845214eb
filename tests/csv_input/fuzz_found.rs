//! Inputs the fuzzers found, each kept as an ordinary test so `cargo test`
//! (stable) keeps it right. Each file under `tests/fixtures/fuzz/` is the
//! fuzz target's input exactly: its first byte chooses the options, as the
//! target does.

use std::path::PathBuf;

use positive_action::io::{CsvOptions, Mode, count_csv, read_csv};
use positive_action::{Breakdown, Counting, Error, FunnelCounts};

fn fuzz_input(name: &str) -> Vec<u8> {
    // (the fixtures are the fuzz target's inputs byte for byte)
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The options and the CSV of a `csv_counts` or `csv_records` input: its
/// first byte chooses lenient mode (bit 0) and a stage order (bit 1), as
/// the targets do.
fn target_input(data: &[u8]) -> (CsvOptions, &[u8]) {
    let (&flags, csv) = data.split_first().expect("a flags byte");
    let mut options = CsvOptions::new();
    if flags & 1 == 1 {
        options = options.mode(Mode::Lenient);
    }
    if flags & 2 == 2 {
        options = options.stages(["application", "sift", "interview", "appointment"]);
    }
    (options, csv)
}

/// `csv_counts`: the counting path and the records path over one input must
/// agree, except that only the counting path takes a breakdown, so only it
/// can find that no column is called by the breakdown's name. The fuzz
/// target once demanded the same answer of both and failed on a file
/// without a `sex` column; the library's answers were right: a clear error
/// naming the missing column and the columns there are, and a records load
/// that does not need it.
#[test]
fn a_breakdown_with_no_column_is_an_error_only_where_a_breakdown_is_taken() {
    let data = fuzz_input("csv_counts-no-breakdown-column-077bbb85");
    let (options, csv) = target_input(&data);
    let by = Breakdown::parse(["sex"]).expect("breakdown");
    let counted = count_csv(csv, &options, &by, Counting::Applications);
    let err = counted.expect_err("no sex column");
    assert!(
        matches!(err, Error::UnknownBreakdownColumn { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("\"sex\""), "{message}");
    assert!(message.contains("\"notes\""), "{message}");
    let loaded = read_csv(csv, &options).expect("records need no breakdown");
    // By a breakdown the input has, the two paths count alike.
    let by_notes = Breakdown::parse(["notes"]).expect("breakdown");
    let counted = count_csv(csv, &options, &by_notes, Counting::Applications).expect("counts");
    let from_records =
        FunnelCounts::from_applications(&loaded.applications, &by_notes, Counting::Applications);
    assert_eq!(counted.counts, from_records);
    assert_eq!(counted.load, loaded.load);
}

/// `csv_counts`: a header `sEx` and a breakdown `sex`. Counting straight
/// from the file matched the column ignoring case and counted the candidate
/// as male; reading records first kept the characteristic as `sEx`, so the
/// breakdown found no `sex` in the profile and counted the same candidate
/// as not recorded, without a word. A profile now finds a characteristic
/// ignoring case, as the reader finds a column, and the paths agree.
#[test]
fn a_column_named_in_another_case_counts_alike_on_both_paths() {
    let data = fuzz_input("csv_counts-column-case-a437cef7");
    let (options, csv) = target_input(&data);
    let by = Breakdown::parse(["sex"]).expect("breakdown");
    let counted = count_csv(csv, &options, &by, Counting::Applications).expect("counts");
    let loaded = read_csv(csv, &options).expect("records");
    let from_records =
        FunnelCounts::from_applications(&loaded.applications, &by, Counting::Applications);
    assert_eq!(counted.counts, from_records);
    assert_eq!(counted.load, loaded.load);
    let male = positive_action::Group::parse([("sex", "male")]).expect("group");
    assert!(
        from_records.groups().contains(&male),
        "{:?}",
        from_records.groups()
    );
}
