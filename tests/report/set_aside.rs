//! A lenient load that sets aside most of a large file: the report counts
//! the rows set aside by reason with the first few of each, so its size
//! does not grow with the number of bad rows, and the example writes every
//! row to a file when asked.

use std::fmt::Write as _;
use std::path::PathBuf;

use positive_action::io::{CsvOptions, Mode, read_csv};
use positive_action::report::{LoadSummary, Report, ReportOptions, SET_ASIDE_EXAMPLES};
use positive_action::{Breakdown, Counting, FunnelCounts, ImpactOptions};

use super::run;

/// A CSV with 40 good candidates and `bad` bad rows, one candidate each,
/// in turn: an unknown outcome, a bad date and a ragged row, each with its
/// own value, so the reasons differ in their text but not their kind.
fn mostly_bad(bad: usize) -> String {
    let mut csv = String::from("candidate,stage,outcome,date,sex\n");
    for i in 0..40 {
        let sex = if i % 2 == 0 { "female" } else { "male" };
        let out = if i % 3 == 0 { "failed" } else { "passed" };
        writeln!(csv, "G{i},application,passed,2025-04-01,{sex}").unwrap();
        writeln!(csv, "G{i},sift,{out},2025-04-09,{sex}").unwrap();
    }
    for i in 0..bad {
        match i % 3 {
            0 => writeln!(csv, "B{i},sift,maybe{i},2025-04-09,female").unwrap(),
            1 => writeln!(csv, "B{i},sift,passed,2025-02-{},male", 30 + i % 70).unwrap(),
            _ => writeln!(csv, "B{i},sift,passed").unwrap(),
        }
    }
    csv
}

/// The report's text for a lenient load of `mostly_bad(bad)`, with the
/// load's summary and the number of rows the in-memory load holds.
fn report_of(bad: usize) -> (String, LoadSummary, usize) {
    let csv = mostly_bad(bad);
    let options = CsvOptions::new()
        .stages(["application", "sift"])
        .mode(Mode::Lenient);
    let loaded = read_csv(csv.as_bytes(), &options).unwrap();
    let breakdown = Breakdown::parse(["sex"]).unwrap();
    let counts =
        FunnelCounts::from_applications(&loaded.applications, &breakdown, Counting::Applications);
    let options = ReportOptions {
        breakdown,
        impact: ImpactOptions::new(),
        min_cell: 0,
    };
    let mut report = Report::new(&counts, &options, &[]).unwrap();
    let summary = LoadSummary::from(&loaded.load);
    report.load = Some(summary.clone());
    (report.to_string(), summary, loaded.load.set_aside.len())
}

#[test]
fn a_load_mostly_set_aside_is_summarised_by_reason() {
    let (small, _, _) = report_of(1_000);
    let (text, summary, held) = report_of(100_000);
    // Nothing is lost in memory: the load report keeps every row.
    assert_eq!(held, 100_000);
    assert_eq!(summary.set_aside_total, 100_000);
    assert_eq!(summary.read, summary.used + summary.set_aside_total);
    assert_eq!(summary.used, 80);
    // Three kinds of reason, whatever the values; counts add up.
    assert_eq!(summary.set_aside_by_reason.len(), 3, "{text}");
    let counts: Vec<u64> = summary
        .set_aside_by_reason
        .iter()
        .map(|r| r.count)
        .collect();
    assert_eq!(counts, [33_334, 33_333, 33_333]);
    assert_eq!(counts.iter().sum::<u64>(), summary.set_aside_total);
    assert!(
        summary.set_aside_by_reason[0]
            .reason
            .contains("unknown outcome")
    );
    assert!(
        summary.set_aside_by_reason[1]
            .reason
            .contains("invalid date")
    );
    assert!(
        summary.set_aside_by_reason[2]
            .reason
            .contains("csv line #: # fields, expected # as in the header")
    );
    for r in &summary.set_aside_by_reason {
        assert_eq!(r.examples.len(), SET_ASIDE_EXAMPLES);
    }
    // The examples are the first rows of each reason, in file order.
    assert_eq!(summary.set_aside.len(), 3 * SET_ASIDE_EXAMPLES);
    assert_eq!(summary.set_aside[0].location, "line 82 (B0)");
    assert!(
        summary.set_aside[0]
            .reason
            .contains("unknown outcome \"maybe0\"")
    );
    // The text stays small: a hundred times the bad rows adds only digits.
    let load = &text[text.find("Loaded ").unwrap()..text.find("\nNotes").unwrap()];
    assert!(load.len() < 4_096, "{} bytes:\n{load}", load.len());
    assert!(load.starts_with("Loaded 100080 records: 80 used, 100000 set aside\n"));
    assert!(load.contains("  33334 set aside: "), "{load}");
    assert!(load.contains("and 33329 more"), "{load}");
    assert!(
        text.len() < small.len() + 64,
        "{} bytes for 100,000 bad rows, {} for 1,000",
        text.len(),
        small.len()
    );
    // Each row set aside is no longer listed.
    assert_eq!(
        text.matches("unknown outcome \"maybe").count(),
        SET_ASIDE_EXAMPLES
    );
}

#[test]
fn the_example_writes_every_row_set_aside_to_a_file() {
    let dir =
        std::env::temp_dir().join(format!("positive-action-set-aside-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("mostly_bad.csv");
    std::fs::write(&input, mostly_bad(300)).unwrap();
    let input = input.to_str().unwrap();
    let out: PathBuf = dir.join("aside.csv");
    let _ = std::fs::remove_file(&out);

    // Without --set-aside: a note says how to get every row.
    let r = run(&["--csv", input, "--lenient", "--by", "sex", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let load = &v["load"];
    assert_eq!(load["set_aside_total"], 300);
    assert_eq!(load["read"], 380);
    assert_eq!(load["used"], 80);
    assert_eq!(load["set_aside"].as_array().unwrap().len(), 15);
    let by: u64 = load["set_aside_by_reason"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(by, 300);
    let notes = v["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains(
            "15 of the 300 rows set aside, the first 5 of each reason; give --set-aside FILE.csv"
        )),
        "{notes:?}"
    );
    assert!(!out.exists());

    // With it: every row, in file order, and the note says where.
    let r = run(&[
        "--csv",
        input,
        "--lenient",
        "--by",
        "sex",
        "--set-aside",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Loaded 380 records: 80 used, 300 set aside")
    );
    assert!(
        r.stdout.contains("wrote all 300 rows set aside"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("give --set-aside"), "{}", r.stdout);
    let written = std::fs::read_to_string(&out).unwrap();
    let mut lines = written.lines();
    assert_eq!(lines.next(), Some("line,candidate,reason"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 300);
    // Reasons holding commas and quotes are quoted, quotes doubled.
    assert_eq!(
        rows[0],
        "82,B0,\"csv line 82, column outcome (candidate B0): unknown outcome \"\"maybe0\"\": expected passed, failed, withdrew, pending or exempt\""
    );
    assert_eq!(
        rows[2],
        "84,B2,\"csv line 84: 3 fields, expected 5 as in the header\""
    );
    assert!(rows[299].starts_with("381,B299,"), "{}", rows[299]);

    // Only for CSV input, and never over the input.
    let r = run(&["--set-aside", out.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--set-aside applies to --csv and --parquet input only"),
        "{}",
        r.stderr
    );
    let r = run(&["--csv", input, "--lenient", "--set-aside", input]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is the input file"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(input).unwrap(), mostly_bad(300));
    std::fs::remove_dir_all(&dir).unwrap();
}
