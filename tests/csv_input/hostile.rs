//! Inputs that used to give a wrong answer without a word, or run for a
//! minute: breakdown columns that are not there, headers in capitals, an
//! order the rows' order would decide, and a header of 10 MB.

use positive_action::io::{CsvOptions, Mode, StageOrder, count_csv};
use positive_action::{Breakdown, Counting, Error, Group};

use super::{assert_accounted, fixture, inner, lenient, stage_names, strict};

const UPPER: &str = "candidate,stage,outcome,ETHNICITY,Sex
A,application,passed,Black,female
A,sift,passed,Black,female
B,application,failed,White,male
C,application,passed,White,male
C,sift,failed,White,male
";

fn count(csv: &str, by: &[&str]) -> Result<positive_action::io::CsvCounts, Error> {
    count_csv(
        csv.as_bytes(),
        &CsvOptions::new(),
        &Breakdown::parse(by.iter().copied()).unwrap(),
        Counting::Applications,
    )
}

#[test]
fn a_header_in_capitals_meets_the_breakdown_of_its_name() {
    let counted = count(UPPER, &["ethnicity"]).unwrap();
    let counts = &counted.counts;
    // The groups carry the breakdown's name, and the categories are read.
    let black = Group::parse([("ethnicity", "Black")]).unwrap();
    let white = Group::parse([("ethnicity", "White")]).unwrap();
    assert_eq!(counts.groups(), [black.clone(), white.clone()]);
    assert_eq!(counts.get("application", &black).unwrap().passed, 1);
    assert_eq!(counts.get("application", &white).unwrap().entered(), 2);
    assert_eq!(counts.get("sift", &white).unwrap().failed, 1);
    // `sex` meets the column `Sex` the same way.
    let by_sex = count(UPPER, &["sex"]).unwrap().counts;
    let female = Group::parse([("sex", "female")]).unwrap();
    assert_eq!(by_sex.get("sift", &female).unwrap().passed, 1);
}

#[test]
fn a_breakdown_column_that_is_not_there_is_an_error_listing_the_columns() {
    for (by, reserved) in [("ethnicty", false), ("date", true), ("disability", false)] {
        let error = count(UPPER, &[by]).unwrap_err();
        match &error {
            Error::UnknownBreakdownColumn {
                column,
                reserved: r,
                columns,
            } => {
                assert_eq!(column, by);
                assert_eq!(*r, reserved);
                assert_eq!(columns, &["ETHNICITY", "Sex"]);
            }
            other => panic!("expected an unknown breakdown column, got {other}"),
        }
        let text = error.to_string();
        assert!(
            text.contains(&format!("{by:?}")) && text.contains("\"ETHNICITY\", \"Sex\""),
            "{text}"
        );
    }
    // Lenient mode too: a breakdown is not a row to set aside.
    let error = count_csv(
        UPPER.as_bytes(),
        &CsvOptions::new().mode(Mode::Lenient),
        &Breakdown::parse(["religion"]).unwrap(),
        Counting::Applications,
    )
    .unwrap_err();
    assert!(
        matches!(error, Error::UnknownBreakdownColumn { .. }),
        "{error}"
    );
}

#[test]
fn an_ambiguous_inferred_order_is_refused_in_strict_mode() {
    // No candidate goes between vetting and sift: the file's row order
    // alone would put vetting first.
    let csv = "candidate,stage,outcome\nV,vetting,passed\nA,sift,passed\nA,interview,passed\n";
    let error = inner(strict(csv).unwrap_err());
    match &error {
        Error::AmbiguousStageOrder {
            first,
            second,
            order,
        } => {
            assert_eq!((first.as_str(), second.as_str()), ("vetting", "sift"));
            assert_eq!(order, &["vetting", "sift", "interview"]);
        }
        other => panic!("expected an ambiguous order, got {other}"),
    }
    assert!(error.to_string().contains("--stages"), "{error}");
    // The same rows in another order are refused the same way, not given
    // another order.
    let reordered =
        "candidate,stage,outcome\nA,sift,passed\nA,interview,passed\nV,vetting,passed\n";
    assert!(matches!(
        inner(strict(reordered).unwrap_err()),
        Error::AmbiguousStageOrder { .. }
    ));
    // Given stages settle it.
    let given = positive_action::io::read_csv(
        csv.as_bytes(),
        &CsvOptions::new().stages(["vetting", "sift", "interview"]),
    )
    .unwrap();
    assert_eq!(given.load.stage_order, StageOrder::Given);
    assert_eq!(stage_names(&given), ["vetting", "sift", "interview"]);
    // Lenient mode keeps the tie-break and says so.
    let loaded = lenient(csv.as_bytes()).unwrap();
    assert_eq!(loaded.load.stage_order, StageOrder::InferredWithTies);
    assert_eq!(stage_names(&loaded), ["vetting", "sift", "interview"]);
    // A chain every journey agrees on is not ambiguous.
    let chain = "candidate,stage,outcome\nA,sift,passed\nA,interview,failed\nB,sift,failed\n";
    assert_eq!(
        strict(chain).unwrap().load.stage_order,
        StageOrder::Inferred
    );
}

#[test]
fn a_header_of_ten_megabytes_is_refused_at_the_column_limit() {
    // 100,000 characteristic columns of 100 bytes each: 10 MB of header,
    // past MAX_COLUMNS; refused before any row is read.
    let columns = 100_000;
    let mut csv = String::from("candidate,stage,outcome,ethnicity");
    for i in 0..columns {
        csv.push_str(&format!(",c{i:06}_{}", "x".repeat(92)));
    }
    assert!(csv.len() > 10_000_000);
    csv.push('\n');
    csv.push_str("A,application,passed,Black");
    csv.push_str(&",".repeat(columns));
    csv.push('\n');
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    for options in [
        CsvOptions::new(),
        CsvOptions::new().mode(Mode::Lenient),
        CsvOptions::new().stages(["application", "sift"]),
    ] {
        let err = count_csv(csv.as_bytes(), &options, &by, Counting::Applications).unwrap_err();
        assert_eq!(err.code(), "limit_exceeded", "{options:?}");
        assert!(err.to_string().contains("MAX_COLUMNS"), "{err}");
    }
}

#[test]
fn labels_that_differ_only_by_case_or_invisibly_are_warned_of_and_can_be_folded() {
    let csv = "candidate,stage,outcome,ethnicity
A,sift,passed,White
B,sift,failed,white
C,sift,passed,Black
D,sift,failed,Black\u{200B}
E,sift,failed,Asian
";
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let apart = count_csv(
        csv.as_bytes(),
        &CsvOptions::new(),
        &by,
        Counting::Applications,
    )
    .unwrap();
    assert_eq!(apart.counts.groups().len(), 5);
    assert_eq!(
        apart.load.label_warnings,
        [
            "column ethnicity: labels \"White\" and \"white\" differ only by case or invisible characters; counted as two groups (fold_labels, or --fold-labels in the report, counts them as one)",
            "column ethnicity: labels \"Black\" and \"Black\\u{200b}\" differ only by case or invisible characters; counted as two groups (fold_labels, or --fold-labels in the report, counts them as one)",
        ]
    );
    let folded = count_csv(
        csv.as_bytes(),
        &CsvOptions::new().fold_labels(true),
        &by,
        Counting::Applications,
    )
    .unwrap();
    let counts = &folded.counts;
    assert_eq!(counts.groups().len(), 3);
    let white = Group::parse([("ethnicity", "White")]).unwrap();
    let black = Group::parse([("ethnicity", "Black")]).unwrap();
    assert_eq!(counts.get("sift", &white).unwrap().entered(), 2);
    assert_eq!(counts.get("sift", &black).unwrap().failed, 1);
    assert_eq!(folded.load.label_warnings.len(), 2);
    assert!(folded.load.label_warnings[0].ends_with("counted as one, spelled as first seen"));
}

/// `rows` one-row candidates under a header of four columns; `bad` maps a
/// row (from 0) to the line written in its place. The notes repeat every
/// 1,000 rows, so that counting by them stays within `MAX_GROUPS`.
fn quoted_file(rows: usize, bad: &[(usize, &str)]) -> String {
    let mut text = String::from("candidate,stage,outcome,notes\n");
    for n in 0..rows {
        match bad.iter().find(|(row, _)| *row == n) {
            Some((_, line)) => text.push_str(line),
            None => text.push_str(&format!("C{n},application,passed,note {}", n % 1000)),
        }
        text.push('\n');
    }
    text
}

/// Loads leniently: checks the report adds up, that counting gives the
/// same report, and that only `gone` of the candidates are missing.
fn lenient_checked(csv: &[u8], rows: usize, gone: &[usize]) -> positive_action::io::Loaded {
    let loaded = lenient(csv).unwrap();
    assert_accounted(&loaded);
    let counted = count_csv(
        csv,
        &CsvOptions::new().mode(Mode::Lenient),
        &Breakdown::parse(["notes"]).unwrap(),
        Counting::Applications,
    )
    .unwrap();
    assert_eq!(counted.load, loaded.load);
    let ids: Vec<&str> = loaded.external_ids().collect();
    let expected: Vec<String> = (0..rows)
        .filter(|n| !gone.contains(n))
        .map(|n| format!("C{n}"))
        .collect();
    assert_eq!(ids, expected);
    loaded
}

#[test]
fn an_unterminated_quote_sets_aside_its_line_not_the_rest_of_the_file() {
    let csv = std::fs::read(fixture("unterminated_quote.csv")).unwrap();
    assert_eq!(
        csv,
        quoted_file(100, &[(2, "C2,application,passed,\"note 2")]).as_bytes()
    );
    // Strict: the line the quote opens on, and the 98 lines (4 to 101) to
    // the end of the file that the quoted field would take.
    let err = inner(strict(std::str::from_utf8(&csv).unwrap()).unwrap_err());
    assert_eq!(err, Error::CsvUnterminatedQuote { line: 4, lines: 98 });
    assert!(
        err.to_string()
            .starts_with("csv line 4: a quote opened on this line")
            && err.to_string().contains("would span 98 lines"),
        "{err}"
    );
    // Lenient: the other 99 rows, and that one line set aside.
    let loaded = lenient_checked(&csv, 100, &[2]);
    let load = &loaded.load;
    assert_eq!(
        (load.rows_read, load.rows_used, load.rows_set_aside),
        (100, 99, 1)
    );
    assert_eq!(load.set_aside[0].line, 4);
    assert_eq!(load.set_aside[0].candidate, None);
    assert_eq!(load.set_aside[0].reason, err.to_string());
}

#[test]
fn a_quote_closed_many_lines_later_sets_aside_only_its_line() {
    let csv = std::fs::read(fixture("quote_closed_late.csv")).unwrap();
    let bad = [
        (2, "C2,application,passed,\"note 2"),
        (49, "C49,application,passed,\"note, 49\""),
    ];
    assert_eq!(csv, quoted_file(100, &bad).as_bytes());
    // Read from line 4, the quote closes on line 51 and the row has five
    // fields: lines 4 to 51 are 48 lines.
    let err = inner(strict(std::str::from_utf8(&csv).unwrap()).unwrap_err());
    assert_eq!(err, Error::CsvUnterminatedQuote { line: 4, lines: 48 });
    // Re-read from line 5, line 51 is a well-formed row of its own.
    let loaded = lenient_checked(&csv, 100, &[2]);
    let load = &loaded.load;
    assert_eq!(
        (load.rows_read, load.rows_used, load.rows_set_aside),
        (100, 99, 1)
    );
    assert_eq!(load.set_aside[0].line, 4);
    assert!(load.set_aside[0].reason.contains("48 lines"), "{load:?}");
}

#[test]
fn bad_quotes_are_resynchronised_one_after_another_and_across_chunks() {
    // Larger than a chunk (1 MiB), so the open quote crosses chunk cuts;
    // two more bad quotes follow, one of them on the last line.
    let rows = 60_000;
    let last = format!("C{},application,passed,\"never closed", rows - 1);
    let bad = [
        (2, "C2,application,passed,\"note 2"),
        (30_000, "C30000,\"application,passed,note"),
        (rows - 1, last.as_str()),
    ];
    let csv = quoted_file(rows, &bad);
    assert!(csv.len() > 1 << 20);
    // Read from line 4, the quote closes on line 30,002, in a row of two
    // fields.
    let err = inner(strict(&csv).unwrap_err());
    assert_eq!(
        err,
        Error::CsvUnterminatedQuote {
            line: 4,
            lines: 29_999
        }
    );
    let loaded = lenient_checked(csv.as_bytes(), rows, &[2, 30_000, rows - 1]);
    let lines: Vec<u64> = loaded.load.set_aside.iter().map(|s| s.line).collect();
    assert_eq!(lines, [4, 30_002, rows as u64 + 1]);
    assert_eq!(loaded.load.rows_read, rows as u64);
    assert!(loaded.load.set_aside[2].reason.contains("span 1 lines"));
}

#[test]
fn a_well_formed_quoted_line_break_is_still_one_row() {
    let csv = quoted_file(5, &[(1, "C1,application,passed,\"two\nlines\"")]);
    for loaded in [strict(&csv).unwrap(), lenient(csv.as_bytes()).unwrap()] {
        assert_accounted(&loaded);
        assert_eq!((loaded.load.rows_read, loaded.load.rows_set_aside), (5, 0));
        assert_eq!(loaded.external_ids().count(), 5);
    }
    // A ragged row after it is still named on its own line.
    let csv = quoted_file(
        5,
        &[(1, "C1,application,passed,\"two\nlines\""), (3, "C3,x")],
    );
    let err = inner(strict(&csv).unwrap_err());
    assert!(
        matches!(err, Error::CsvRaggedRow { line: 6, .. }),
        "{err:?}"
    );
}

#[test]
fn a_header_without_the_needed_columns_is_an_error_with_a_stage_order_too() {
    // Found by fuzzing (csv_counts) while making the reader cheaper to
    // start: a `csv_core` reader copied with `Clone` lacks part of its state
    // machine and, on a header like this, grew its output without bound.
    let by = Breakdown::parse(["sex"]).unwrap();
    for options in [
        CsvOptions::new(),
        CsvOptions::new().mode(Mode::Lenient),
        CsvOptions::new().stages(["application", "sift", "interview", "appointment"]),
        CsvOptions::new()
            .stages(["application", "sift", "interview", "appointment"])
            .mode(Mode::Lenient),
    ] {
        let csv = b"andi,with\n";
        let counted = count_csv(&csv[..], &options, &by, Counting::Applications);
        assert_eq!(
            counted.unwrap_err().code(),
            "csv_missing_column",
            "{options:?}"
        );
        let loaded = positive_action::io::read_csv(&csv[..], &options);
        assert_eq!(
            loaded.unwrap_err().code(),
            "csv_missing_column",
            "{options:?}"
        );
    }
}
