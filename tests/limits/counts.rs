//! MAX_GROUPS in the counts, MAX_STAGES in a pipeline, MAX_TOTAL and
//! FISHER_EXACT_MAX_TOTAL in the statistics.

use positive_action::limits::{FISHER_EXACT_MAX_TOTAL, MAX_GROUPS, MAX_STAGES, MAX_TOTAL};
use positive_action::stats::TwoByTwo;
use positive_action::{
    Breakdown, CountRecord, Error, FunnelCounts, Group, Outcome, Pipeline, PipelineKind, Stage,
};

use super::limit_of;

fn pipeline() -> Pipeline {
    Pipeline::new("limits", PipelineKind::Recruitment, ["sift", "interview"]).unwrap()
}

fn by() -> Breakdown {
    Breakdown::parse(["ethnicity"]).unwrap()
}

fn group(i: u64) -> Group {
    Group::parse([("ethnicity", format!("g{i:05}").as_str())]).unwrap()
}

fn records(groups: std::ops::Range<u64>) -> Vec<CountRecord> {
    groups
        .map(|i| CountRecord::new(Stage::new("sift").unwrap(), group(i), 3, 2))
        .collect()
}

#[test]
fn counts_from_records_take_max_groups_and_refuse_one_more_at_its_record() {
    let counts = FunnelCounts::from_records(&pipeline(), &by(), records(0..MAX_GROUPS)).unwrap();
    assert_eq!(counts.groups().len() as u64, MAX_GROUPS);

    let error =
        FunnelCounts::from_records(&pipeline(), &by(), records(0..MAX_GROUPS + 1)).unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_GROUPS", MAX_GROUPS + 1, MAX_GROUPS)
    );
    assert_eq!(
        location,
        "counts record 10001 (stage sift, group ethnicity=g10000)"
    );
    assert!(
        error.to_string().contains("over the limit of 10000"),
        "{error}"
    );
}

#[test]
fn adding_counts_stops_at_max_groups_and_leaves_the_counts_unchanged() {
    let mut counts =
        FunnelCounts::from_records(&pipeline(), &by(), records(0..MAX_GROUPS)).unwrap();
    // An existing group still takes counts.
    counts.add("interview", &group(7), Outcome::Passed).unwrap();
    let before = counts.clone();
    let error = counts
        .add("sift", &group(MAX_GROUPS), Outcome::Failed)
        .unwrap_err();
    let (limit, value, _, location) = limit_of(&error);
    assert_eq!((limit, value), ("MAX_GROUPS", MAX_GROUPS + 1));
    assert!(
        location.contains("stage sift, group ethnicity=g10000"),
        "{location}"
    );
    assert_eq!(counts, before);
}

#[test]
fn merging_counts_past_max_groups_is_refused_and_leaves_them_unchanged() {
    let half = MAX_GROUPS / 2;
    // Overlapping groups: 10,000 together, accepted.
    let mut a = FunnelCounts::from_records(&pipeline(), &by(), records(0..half + 10)).unwrap();
    let b = FunnelCounts::from_records(&pipeline(), &by(), records(half..MAX_GROUPS)).unwrap();
    a.merge(&b).unwrap();
    assert_eq!(a.groups().len() as u64, MAX_GROUPS);
    // One more group in the other set: refused, nothing merged.
    let c = FunnelCounts::from_records(&pipeline(), &by(), records(half..MAX_GROUPS + 1)).unwrap();
    let before = a.clone();
    let error = a.merge(&c).unwrap_err();
    let (limit, value, _, location) = limit_of(&error);
    assert_eq!((limit, value), ("MAX_GROUPS", MAX_GROUPS + 1));
    assert!(location.contains("merging counts"), "{location}");
    assert_eq!(a, before);
}

#[test]
fn a_pipeline_takes_max_stages_and_refuses_one_more() {
    let names: Vec<String> = (0..=MAX_STAGES).map(|i| format!("stage {i}")).collect();
    let pipeline = Pipeline::new("long", PipelineKind::Recruitment, &names[..MAX_STAGES]).unwrap();
    assert_eq!(pipeline.stages().len(), MAX_STAGES);

    let error = Pipeline::new("long", PipelineKind::Recruitment, &names).unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_STAGES", MAX_STAGES as u64 + 1, MAX_STAGES as u64)
    );
    assert_eq!(location, "pipeline \"long\"");
}

#[test]
fn a_table_totals_at_most_max_total() {
    let t = TwoByTwo::new(MAX_TOTAL - 3, 1, 1, 1).unwrap();
    assert_eq!(t.total(), MAX_TOTAL);
    match TwoByTwo::new(MAX_TOTAL - 2, 1, 1, 1).unwrap_err() {
        Error::InvalidTable { reason } => {
            assert!(
                reason.contains("exceeds 9007199254740992 (2^53)"),
                "{reason}"
            );
        }
        other => panic!("expected InvalidTable, got {other:?}"),
    }
}

#[test]
fn fishers_test_is_given_at_its_limit_and_refused_just_past_it() {
    // 2^34 candidates split evenly: the most work the limit allows.
    let q = FISHER_EXACT_MAX_TOTAL / 4;
    let at = positive_action::stats::fisher_exact(q, q, q, q).unwrap();
    // A balanced table: the two-sided p is 1.
    assert!((at.two_sided - 1.0).abs() < 1e-12, "{at:?}");

    // Two more candidates, still evenly split: past the variance bound.
    let error = positive_action::stats::fisher_exact(q, q + 1, q + 1, q).unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        (
            "FISHER_EXACT_MAX_TOTAL",
            FISHER_EXACT_MAX_TOTAL + 2,
            FISHER_EXACT_MAX_TOTAL
        )
    );
    assert_eq!(location, "fisher_exact");
}
