//! The main job on input that used to give a wrong answer without a word,
//! a panic or a lost file: switches given values, arguments that are not
//! UTF-8, a chart written over its input, a closed pipe, breakdown columns
//! that are not there, empty and impossible counts, labels with control
//! characters, and file errors worded two ways.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use super::{fixture, report_example, run};

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "positive-action-hostile-{name}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// Asserts a run failed with one clear line containing `expected`.
fn fails_with(args: &[&str], expected: &str) {
    let r = run(args);
    assert_ne!(r.code, 0, "{args:?} should fail: {}", r.stdout);
    assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
    assert_eq!(
        r.stderr.trim_end().lines().count(),
        1,
        "{args:?}: {:?}",
        r.stderr
    );
    assert!(
        r.stderr.contains(expected),
        "{args:?}: {:?} should contain {expected:?}",
        r.stderr
    );
}

const UPPER: &str = "candidate,stage,outcome,ETHNICITY,Sex
A,application,passed,Black,female
A,sift,passed,Black,female
B,application,failed,White,male
C,application,passed,White,male
C,sift,failed,White,male
";

#[test]
fn a_switch_refuses_a_value() {
    for (arg, flag, value) in [
        ("--lenient=no", "--lenient", "no"),
        ("--lenient=false", "--lenient", "false"),
        ("--json=true", "--json", "true"),
        ("--help=yes", "--help", "yes"),
    ] {
        fails_with(
            &[arg],
            &format!("{flag} takes no value, but was given {value:?}"),
        );
    }
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_named_not_a_panic() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let out = report_example()
        .arg("--csv")
        .arg(OsStr::from_bytes(b"year\xff.csv"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("argument 2 (\"year\u{FFFD}.csv\") is not valid UTF-8"),
        "{stderr}"
    );
}

#[test]
fn the_chart_is_not_written_over_its_input() {
    let dir = scratch("svg");
    let good = std::fs::read_to_string(fixture("counts.json")).unwrap();
    let input = write(&dir, "counts.json", &good);
    fails_with(
        &["--input", &input, "--svg", &input],
        "is the input file: expected another path for the chart",
    );
    // Another spelling of the same path is the same file.
    let other = format!("{}/./counts.json", dir.display());
    fails_with(&["--input", &input, "--svg", &other], "is the input file");
    let csv = write(&dir, "year.csv", UPPER);
    fails_with(&["--csv", &csv, "--svg", &csv], "is the input file");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), good);
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), UPPER);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    // `report --json | head -1`: the reader has gone before the report is
    // written.
    let mut child = report_example()
        .arg("--json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn a_breakdown_column_that_is_not_there_is_an_error_listing_the_columns() {
    let dir = scratch("by");
    let csv = write(&dir, "year.csv", UPPER);
    fails_with(
        &["--csv", &csv, "--by", "date"],
        "the breakdown names \"date\", a column with a meaning of its own, not a characteristic: expected one of the characteristic columns \"ETHNICITY\", \"Sex\"",
    );
    fails_with(
        &["--csv", &csv, "--by", "sexx"],
        "the breakdown names \"sexx\", which no column of the input is called",
    );
    // Candidate records: a characteristic no profile has.
    let journeys = fixture("journeys.json");
    fails_with(
        &[
            "--input",
            journeys.to_str().unwrap(),
            "--lenient",
            "--by",
            "ethnicty",
        ],
        "--by: no candidate's profile has the characteristic \"ethnicty\"",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_header_in_capitals_meets_the_default_breakdown() {
    let dir = scratch("upper");
    let csv = write(&dir, "year.csv", UPPER);
    let r = run(&["--csv", &csv, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let groups: Vec<&serde_json::Value> = v["stages"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["group"]["ethnicity"])
        .collect();
    assert_eq!(
        groups,
        [&serde_json::json!("Black"), &serde_json::json!("White")]
    );
    let r = run(&["--csv", &csv, "--by", "Sex", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_and_csv_file_errors_are_in_the_same_words() {
    let dir = scratch("files");
    let missing_json = dir.join("missing.json");
    let missing_csv = dir.join("missing.csv");
    let d = dir.to_str().unwrap();
    let words = |args: &[&str]| {
        let r = run(args);
        assert_ne!(r.code, 0);
        r.stderr.trim_end().to_owned()
    };
    let json_dir = words(&["--input", d]);
    let csv_dir = words(&["--csv", d]);
    assert_eq!(
        json_dir,
        format!("error: cannot read json file {d:?}: is a directory: expected a json file")
    );
    assert_eq!(
        csv_dir,
        format!("error: cannot read csv file {d:?}: is a directory: expected a csv file")
    );
    let json_missing = words(&["--input", missing_json.to_str().unwrap()]);
    let csv_missing = words(&["--csv", missing_csv.to_str().unwrap()]);
    assert_eq!(
        json_missing.replace("json", "csv"),
        csv_missing,
        "{json_missing} / {csv_missing}"
    );
    assert!(
        csv_missing.ends_with(": no such file or directory (os error 2)"),
        "{csv_missing}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_byte_order_mark_in_json_is_accepted() {
    let dir = scratch("bom");
    let good = std::fs::read_to_string(fixture("counts.json")).unwrap();
    let input = write(&dir, "bom.json", &format!("\u{feff}{good}"));
    let with = run(&["--input", &input, "--json"]);
    let without = run(&[
        "--input",
        fixture("counts.json").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert_eq!(with.stdout, without.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

const PIPELINE: &str =
    r#""pipeline": {"name": "year", "kind": "recruitment", "stages": ["sift", "interview"]}"#;

#[test]
fn an_input_with_nothing_to_count_says_so() {
    let dir = scratch("empty");
    for (name, body, says) in [
        ("counts", r#""counts": []"#, "\"counts\" holds no records"),
        ("strata", r#""strata": []"#, "\"strata\" holds no strata"),
        (
            "stratum",
            r#""strata": [{"name": "2024", "counts": []}]"#,
            "stratum \"2024\" holds no counts records",
        ),
        (
            "journeys",
            r#""candidates": [], "journeys": []"#,
            "the input holds no journeys",
        ),
    ] {
        let input = write(
            &dir,
            &format!("{name}.json"),
            &format!("{{{PIPELINE}, {body}}}"),
        );
        fails_with(&["--input", &input], says);
        let r = run(&["--input", &input, "--lenient", "--json"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let notes = v["notes"].to_string();
        assert!(
            notes.contains(&says.replace('"', "\\\"")),
            "{name}: {notes}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_empty_group_in_the_first_counts_record_is_named() {
    let dir = scratch("group");
    let input = write(
        &dir,
        "group.json",
        &format!(
            r#"{{{PIPELINE}, "counts": [{{"stage": "sift", "group": {{}}, "passed": 3, "failed": 1}}]}}"#
        ),
    );
    fails_with(
        &["--input", &input],
        "counts record 1 (stage sift) has an empty group: expected a category for each characteristic of the breakdown",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn counts_no_funnel_could_give_are_an_error_strict_and_a_note_lenient() {
    let dir = scratch("flow");
    // 30 pass the interview of 12 who passed the sift.
    let input = write(
        &dir,
        "flow.json",
        &format!(
            r#"{{{PIPELINE}, "counts": [
  {{"stage": "sift", "group": {{"ethnicity": "Black"}}, "passed": 12, "failed": 8}},
  {{"stage": "interview", "group": {{"ethnicity": "Black"}}, "passed": 30, "failed": 5}},
  {{"stage": "sift", "group": {{"ethnicity": "White"}}, "passed": 50, "failed": 50}},
  {{"stage": "interview", "group": {{"ethnicity": "White"}}, "passed": 20, "failed": 30}}
]}}"#
        ),
    );
    let says = "group ethnicity=Black: 35 reached stage interview (entered or exempt), but only 12 passed or were exempt from sift";
    fails_with(&["--input", &input], says);
    let r = run(&["--input", &input, "--lenient", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["notes"].to_string().contains(says), "{}", v["notes"]);
    // The bottom line: entered is who entered the sift, and the note says
    // why the rate is undefined.
    let black = v["bottom_line"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"]["ethnicity"] == "Black")
        .unwrap();
    assert_eq!(black["entered"], 20);
    assert_eq!(black["pass_rate"], serde_json::Value::Null);
    let bottom = v["bottom_line"]["notes"].to_string();
    assert!(!bottom.contains("no candidate to rate"), "{bottom}");
    assert!(bottom.contains("30 passed the last stage"), "{bottom}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn control_characters_in_labels_are_escaped_in_text_tables() {
    let dir = scratch("control");
    let csv = write(
        &dir,
        "year.csv",
        "candidate,stage,outcome,ethnicity\nA,sift,passed,\"Black\u{1b}[2J\"\nB,sift,failed,\"White\u{0}\"\nC,sift,failed,\"Whi\nte\"\n",
    );
    let r = run(&["--csv", &csv]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Black\\u{1b}[2J"), "{}", r.stdout);
    assert!(r.stdout.contains("White\\u{0}"), "{}", r.stdout);
    assert!(r.stdout.contains("Whi\\u{a}te"), "{}", r.stdout);
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
    assert!(!r.stdout.contains('\u{0}'), "{}", r.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_dates_and_kinds_name_the_field_and_what_was_expected() {
    let dir = scratch("dates");
    let journeys = std::fs::read_to_string(fixture("journeys.json")).unwrap();
    let day = write(
        &dir,
        "day.json",
        &journeys.replacen("\"2025-03-01\"", "\"2025-02-30\"", 1),
    );
    fails_with(
        &["--input", &day],
        "invalid json at line 11, column 137: journey 1 (candidate 00000000-0000-4000-8000-000000000001), result 1 (stage application): date \"2025-02-30\" is not a calendar date: expected YYYY-MM-DD",
    );
    let time = write(
        &dir,
        "time.json",
        &journeys.replacen("\"2025-03-01\"", "\"2025-03-01T10:00:00\"", 1),
    );
    fails_with(
        &["--input", &time],
        "journey 1 (candidate 00000000-0000-4000-8000-000000000001), result 1 (stage application): date \"2025-03-01T10:00:00\" has more than a date (a time?): expected YYYY-MM-DD, without a time",
    );
    let counts = std::fs::read_to_string(fixture("counts.json")).unwrap();
    let promotion = write(
        &dir,
        "promotion.json",
        &counts.replacen("\"kind\": \"recruitment\"", "\"kind\": \"promotion\"", 1),
    );
    fails_with(
        &["--input", &promotion],
        "field \"kind\" is \"promotion\" without its details: expected {\"promotion\": {\"from\": \"Constable\", \"to\": \"Sergeant\"}}",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn labels_differing_only_by_case_are_a_warning_and_can_be_folded() {
    let dir = scratch("fold");
    let csv = write(
        &dir,
        "year.csv",
        "candidate,stage,outcome,ethnicity\nA,sift,passed,White\nB,sift,failed,white\nC,sift,passed,Black\n",
    );
    let r = run(&["--csv", &csv, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "warning: column ethnicity: labels \\\"White\\\" and \\\"white\\\" differ only by case"
        ),
        "{}",
        r.stdout
    );
    let r = run(&["--csv", &csv, "--json", "--fold-labels"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["stages"][0]["groups"].as_array().unwrap().len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_breakdown_mismatch_names_the_file_the_record_and_a_way_out() {
    let dir = scratch("mismatch");
    let counts = fixture("counts.json");
    let path = counts.to_str().unwrap();
    fails_with(
        &["--input", path, "--by", "sex"],
        &format!(
            "{path}: --by sex: the counts in this file are by [ethnicity], and counts cannot be regrouped: expected --by ethnicity or no --by"
        ),
    );
    let good = std::fs::read_to_string(&counts).unwrap();
    let record = write(
        &dir,
        "record.json",
        &good.replacen(
            "{\"stage\": \"interview\", \"group\": {\"ethnicity\": \"Mixed\"}",
            "{\"stage\": \"interview\", \"group\": {\"ethnicity\": \"Mixed\", \"sex\": \"male\"}",
            1,
        ),
    );
    fails_with(
        &["--input", &record],
        "record.json: invalid input: counts record 14 (stage interview, group ethnicity=Mixed, sex=male) is by [ethnicity, sex], but the first record is by [ethnicity]",
    );
    let analysis = write(
        &dir,
        "analysis.json",
        &good.replacen(
            "\"breakdown\": [\"ethnicity\"]",
            "\"breakdown\": [\"sex\"]",
            1,
        ),
    );
    fails_with(
        &["--input", &analysis],
        "analysis.json: invalid input: \"analysis\".\"breakdown\" is [sex], but the counts records are by [ethnicity]: expected the counts' own breakdown, as counts cannot be regrouped (leave \"breakdown\" out, or give counts by [sex])",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// 100,000 groups with `--min-cell 5` and a chart never finished; now the
/// count stops at `MAX_GROUPS` with one line naming the limit, before any
/// suppression or chart. The 60 s bound is a hang guard only.
#[test]
fn a_hundred_thousand_groups_stop_at_the_group_limit() {
    let dir = scratch("groups");
    let mut csv = String::from("candidate,stage,outcome,ethnicity\n");
    for g in 0..100_000 {
        csv.push_str(&format!(
            "c{g},sift,passed,g{g}\nc{g},interview,failed,g{g}\n"
        ));
    }
    let path = write(&dir, "groups.csv", &csv);
    let svg = dir.join("chart.svg");
    let start = std::time::Instant::now();
    fails_with(
        &[
            "--csv",
            &path,
            "--min-cell",
            "5",
            "--svg",
            svg.to_str().unwrap(),
        ],
        "csv, breakdown [ethnicity]: the number of groups is 10001, over the limit of 10000 (MAX_GROUPS)",
    );
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    assert!(!svg.exists());
}

/// A FIFO is read until its writer closes it, as the docs and `--help` say
/// (with no writer it waits, as `cat` does; that is documented, not timed
/// out). The 60 s bound is a hang guard only.
#[cfg(unix)]
#[test]
fn a_fifo_is_read_until_its_writer_closes_it() {
    let help = run(&["--help"]);
    assert!(
        help.stdout
            .contains("A FILE that is a FIFO is read until its writer closes it"),
        "{}",
        help.stdout
    );
    let dir = scratch("fifo");
    let fifo = dir.join("input.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, UPPER).unwrap())
    };
    let mut child = report_example()
        .args(["--csv", fifo.to_str().unwrap(), "--by", "sex"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed().as_secs() >= 60 {
            let _ = child.kill();
            panic!("still reading the FIFO after 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    writer.join().unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("sex=female"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
