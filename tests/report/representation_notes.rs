//! The report's representation section, from JSON input, names a headcount
//! group that the benchmark leaves out and keeps the benchmark's shares as
//! given (issue 15).

use positive_action::Group;
use positive_action::report::ReportInput;

#[test]
fn a_group_missing_from_the_benchmark_is_noted_in_the_representation_section() {
    let text = std::fs::read_to_string(super::fixture("workforce.json")).unwrap();
    let mixed = ",\n    {\n     \"group\": {\n      \"ethnicity\": \"Mixed\"\n     },\n     \"population\": 25000\n    }";
    assert!(text.contains(mixed));
    let text = text.replacen(mixed, "", 1);
    let prepared = ReportInput::from_json(&text)
        .unwrap()
        .prepare(false)
        .unwrap();
    let representation = prepared.representation.unwrap();
    let w = representation.workforce().unwrap();
    let g = |label| Group::parse([("ethnicity", label)]).unwrap();
    let mixed = w.row(&g("Mixed")).unwrap();
    assert!(mixed.headcount > 0);
    assert_eq!(mixed.benchmark_share, None);
    // Asian: 95,000 of the benchmark's own 945,000, not rescaled.
    assert_eq!(
        w.row(&g("Asian")).unwrap().benchmark_share,
        Some(95_000.0 / 945_000.0)
    );
    assert!(
        w.notes
            .iter()
            .any(|n| n.starts_with("ethnicity=Mixed: not in benchmark \"census 2021\"")),
        "{:?}",
        w.notes
    );
    assert!(
        representation
            .to_string()
            .contains("note: ethnicity=Mixed: not in benchmark")
    );
}
