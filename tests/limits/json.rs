//! The JSON report input against the limits: `min_cell`, name lengths,
//! groups in counts, strata and candidates, and stages.

use positive_action::limits::{MAX_CELL_BYTES, MAX_GROUPS, MAX_MIN_CELL, MAX_STAGES};
use positive_action::report::{PreparedInput, Report, ReportInput, ReportOptions};
use positive_action::{Breakdown, Error, ImpactOptions};

use super::{limit_of, padded};

const PIPELINE: &str =
    r#"{"name": "limits", "kind": "recruitment", "stages": ["sift", "interview"]}"#;

/// A counts record at the sift for ethnicity `label`.
fn record(label: &str) -> String {
    format!(r#"{{"stage": "sift", "group": {{"ethnicity": "{label}"}}, "passed": 3, "failed": 2}}"#)
}

fn counts_input(labels: impl Iterator<Item = String>, analysis: &str) -> String {
    let records: Vec<String> = labels.map(|l| record(&l)).collect();
    format!(
        r#"{{"pipeline": {PIPELINE}, "counts": [{}], "analysis": {analysis}}}"#,
        records.join(",")
    )
}

fn prepare(json: &str) -> Result<PreparedInput, Error> {
    ReportInput::from_json(json)?.prepare(false)
}

fn labels(n: u64) -> impl Iterator<Item = String> {
    (0..n).map(|i| format!("g{i:05}"))
}

#[test]
fn min_cell_up_to_max_min_cell_is_taken_and_one_more_is_refused() {
    let two = || labels(2);
    let at = prepare(&counts_input(
        two(),
        &format!(r#"{{"min_cell": {MAX_MIN_CELL}}}"#),
    ))
    .unwrap();
    assert_eq!(at.options.min_cell, MAX_MIN_CELL);

    let over = counts_input(two(), &format!(r#"{{"min_cell": {}}}"#, MAX_MIN_CELL + 1));
    let error = prepare(&over).unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_MIN_CELL", MAX_MIN_CELL + 1, MAX_MIN_CELL)
    );
    assert_eq!(location, r#""analysis"."min_cell""#);
}

/// `Report::new` refuses the same threshold, as an option out of range.
#[test]
fn report_new_refuses_a_min_cell_past_the_limit() {
    let counts = prepare(&counts_input(labels(2), "{}")).unwrap().counts;
    let options = |min_cell| ReportOptions {
        breakdown: Breakdown::parse(["ethnicity"]).unwrap(),
        impact: ImpactOptions::new(),
        min_cell,
    };
    Report::new(&counts, &options(MAX_MIN_CELL), &[]).unwrap();
    let error = Report::new(&counts, &options(MAX_MIN_CELL + 1), &[]).unwrap_err();
    assert!(error.to_string().contains("min_cell"), "{error}");
}

#[test]
fn names_up_to_max_cell_bytes_are_taken_and_one_byte_more_is_refused() {
    let long = |n: usize| [padded(0, n), "short".to_owned()].into_iter();
    let at = prepare(&counts_input(long(MAX_CELL_BYTES as usize), "{}")).unwrap();
    assert_eq!(at.counts.groups().len(), 2);

    let error = prepare(&counts_input(long(MAX_CELL_BYTES as usize + 1), "{}")).unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_CELL_BYTES", MAX_CELL_BYTES + 1, MAX_CELL_BYTES)
    );
    assert_eq!(location, r#""counts"[0]."group""#);

    // A stage name and a stratum name are checked the same way.
    let stage = padded(2, MAX_CELL_BYTES as usize + 1);
    let json = format!(
        r#"{{"pipeline": {{"name": "p", "kind": "recruitment", "stages": ["sift", "{stage}"]}}, "counts": [{}]}}"#,
        record("a")
    );
    let error = prepare(&json).unwrap_err();
    let (limit, _, _, location) = limit_of(&error);
    assert_eq!(
        (limit, location),
        ("MAX_CELL_BYTES", r#""pipeline"."stages"[1]"#)
    );

    let name = padded(3, MAX_CELL_BYTES as usize + 1);
    let json = format!(
        r#"{{"pipeline": {PIPELINE}, "strata": [{{"name": "{name}", "counts": [{}]}}]}}"#,
        record("a")
    );
    let error = prepare(&json).unwrap_err();
    let (limit, _, _, location) = limit_of(&error);
    assert_eq!(
        (limit, location),
        ("MAX_CELL_BYTES", r#""strata"[0]."name""#)
    );
}

#[test]
fn counts_of_max_groups_are_taken_and_one_more_group_is_refused() {
    let at = prepare(&counts_input(labels(MAX_GROUPS), "{}")).unwrap();
    assert_eq!(at.counts.groups().len() as u64, MAX_GROUPS);

    let error = prepare(&counts_input(labels(MAX_GROUPS + 1), "{}")).unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_GROUPS", MAX_GROUPS + 1, MAX_GROUPS)
    );
    assert_eq!(
        location,
        r#""counts", counts record 10001 (stage sift, group ethnicity=g10000)"#
    );
}

#[test]
fn strata_together_past_max_groups_are_refused_at_the_stratum_that_brings_them() {
    let stratum = |name: &str, range: std::ops::Range<u64>| {
        let records: Vec<String> = range.map(|i| record(&format!("g{i:05}"))).collect();
        format!(r#"{{"name": "{name}", "counts": [{}]}}"#, records.join(","))
    };
    let half = MAX_GROUPS / 2;
    let json = |end| {
        format!(
            r#"{{"pipeline": {PIPELINE}, "strata": [{}, {}]}}"#,
            stratum("2024", 0..half),
            stratum("2025", half..end)
        )
    };
    let at = prepare(&json(MAX_GROUPS)).unwrap();
    assert_eq!(at.counts.groups().len() as u64, MAX_GROUPS);

    let error = prepare(&json(MAX_GROUPS + 1)).unwrap_err();
    let (limit, value, _, location) = limit_of(&error);
    assert_eq!((limit, value), ("MAX_GROUPS", MAX_GROUPS + 1));
    assert!(
        location.starts_with(r#"strata up to stratum "2025", merging counts"#),
        "{location}"
    );
}

#[test]
fn candidates_in_more_than_max_groups_are_refused() {
    let json = |groups: u64| {
        let id = |i: u64| format!("00000000-0000-4000-8000-{i:012}");
        let candidates: Vec<String> = (0..groups)
            .map(|i| {
                format!(
                    r#"{{"id": "{}", "profile": {{"ethnicity": "g{i:05}"}}}}"#,
                    id(i)
                )
            })
            .collect();
        let journeys: Vec<String> = (0..groups)
            .map(|i| {
                format!(
                    r#"{{"candidate": "{}", "results": [{{"stage": "sift", "outcome": "passed"}}]}}"#,
                    id(i)
                )
            })
            .collect();
        format!(
            r#"{{"pipeline": {PIPELINE}, "candidates": [{}], "journeys": [{}]}}"#,
            candidates.join(","),
            journeys.join(",")
        )
    };
    let at = prepare(&json(MAX_GROUPS)).unwrap();
    assert_eq!(at.counts.groups().len() as u64, MAX_GROUPS);

    let error = prepare(&json(MAX_GROUPS + 1)).unwrap_err();
    let (limit, value, _, location) = limit_of(&error);
    assert_eq!((limit, value), ("MAX_GROUPS", MAX_GROUPS + 1));
    assert_eq!(location, r#""candidates", by the breakdown ethnicity"#);
}

#[test]
fn a_pipeline_of_more_than_max_stages_is_refused_while_it_is_read() {
    let json = |n: usize| {
        let stages: Vec<String> = (0..n).map(|i| format!("\"s{i}\"")).collect();
        format!(
            r#"{{"pipeline": {{"name": "p", "kind": "recruitment", "stages": [{}]}}, "counts": [{{"stage": "s0", "group": {{"ethnicity": "a"}}, "passed": 1, "failed": 1}}]}}"#,
            stages.join(",")
        )
    };
    let at = prepare(&json(MAX_STAGES)).unwrap();
    assert_eq!(at.counts.pipeline().stages().len(), MAX_STAGES);

    match prepare(&json(MAX_STAGES + 1)).unwrap_err() {
        Error::InvalidJson { line, message, .. } => {
            assert_eq!(line, 1);
            assert!(
                message.contains(
                    "the number of stages is 65536, over the limit of 65535 (MAX_STAGES)"
                ),
                "{message}"
            );
        }
        other => panic!("expected InvalidJson, got {other:?}"),
    }
}
