//! JSON input errors that name the record: a bad result date is placed by
//! journey (index and candidate) and result (index and stage), as well as
//! by line and column (issue 15, part 4).

use positive_action::report::ReportInput;

/// Three journeys; the third's second result has the date `date`.
fn journeys_with(date: &str) -> String {
    format!(
        r#"{{
  "pipeline": {{"name": "p", "kind": "recruitment", "stages": ["application", "interview"]}},
  "candidates": [
    {{"id": "00000000-0000-4000-8000-000000000001", "profile": {{"sex": "female"}}}},
    {{"id": "00000000-0000-4000-8000-000000000002", "profile": {{"sex": "male"}}}},
    {{"id": "00000000-0000-4000-8000-000000000003", "profile": {{"sex": "male"}}}}
  ],
  "journeys": [
    {{"candidate": "00000000-0000-4000-8000-000000000001", "results": [{{"stage": "application", "outcome": "passed", "date": "2025-02-01"}}]}},
    {{"candidate": "00000000-0000-4000-8000-000000000002", "results": [{{"stage": "application", "outcome": "failed"}}]}},
    {{"candidate": "00000000-0000-4000-8000-000000000003", "results": [{{"stage": "application", "outcome": "passed", "date": "2025-02-01"}}, {{"stage": "interview", "outcome": "passed", "date": "{date}"}}]}}
  ]
}}"#
    )
}

fn error_of(date: &str) -> String {
    ReportInput::from_json(&journeys_with(date))
        .unwrap_err()
        .to_string()
}

#[test]
fn a_date_that_is_not_on_the_calendar_names_its_journey_and_result() {
    assert!(ReportInput::from_json(&journeys_with("2025-02-03")).is_ok());
    let e = error_of("2025-02-30");
    assert!(e.starts_with("invalid json at line 11, column "), "{e}");
    assert!(
        e.ends_with(
            r#": journey 3 (candidate 00000000-0000-4000-8000-000000000003), result 2 (stage interview): date "2025-02-30" is not a calendar date: expected YYYY-MM-DD"#
        ),
        "{e}"
    );
}

#[test]
fn a_datetime_names_its_journey_and_result_and_says_a_time_is_not_wanted() {
    let e = error_of("2025-02-03T10:00:00");
    assert!(
        e.ends_with(
            r#": journey 3 (candidate 00000000-0000-4000-8000-000000000003), result 2 (stage interview): date "2025-02-03T10:00:00" has more than a date (a time?): expected YYYY-MM-DD, without a time"#
        ),
        "{e}"
    );
    assert!(!e.contains("trailing input"), "{e}");
}

/// The first bad date in the text is the one named, when there are two.
#[test]
fn the_first_of_two_bad_dates_is_named() {
    let text = journeys_with("2025-13-01").replacen("\"2025-02-01\"", "\"2025-02-29\"", 1);
    let e = ReportInput::from_json(&text).unwrap_err().to_string();
    assert!(
        e.contains(r#"journey 1 (candidate 00000000-0000-4000-8000-000000000001), result 1 (stage application): date "2025-02-29""#),
        "{e}"
    );
}
