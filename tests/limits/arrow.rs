//! MAX_GROUPS in the Arrow counter: counting a batch, and merging.

use std::sync::Arc;

use arrow::array::{ArrayRef, DictionaryArray, RecordBatch};
use arrow::datatypes::Int32Type;
use positive_action::io::ArrowCounter;
use positive_action::limits::MAX_GROUPS;
use positive_action::{Breakdown, Pipeline, PipelineKind};

use super::limit_of;

fn pipeline() -> Pipeline {
    Pipeline::new("limits", PipelineKind::Recruitment, ["sift", "interview"]).unwrap()
}

fn by() -> Breakdown {
    Breakdown::parse(["ethnicity"]).unwrap()
}

/// One row at the sift for each of groups `g{from}` to `g{to - 1}`.
fn batch(groups: std::ops::Range<u64>) -> RecordBatch {
    let n = (groups.end - groups.start) as usize;
    let dict = |v: Vec<String>| {
        Arc::new(
            v.iter()
                .map(String::as_str)
                .collect::<DictionaryArray<Int32Type>>(),
        ) as ArrayRef
    };
    RecordBatch::try_from_iter([
        ("stage", dict(vec!["sift".to_owned(); n])),
        ("outcome", dict(vec!["passed".to_owned(); n])),
        (
            "ethnicity",
            dict(groups.map(|i| format!("g{i:05}")).collect()),
        ),
    ])
    .unwrap()
}

#[test]
fn a_batch_takes_max_groups_and_one_more_is_refused_with_nothing_counted() {
    let mut counter = ArrowCounter::new(&pipeline(), &by());
    counter.count_batch(&batch(0..MAX_GROUPS)).unwrap();
    assert_eq!(counter.finish().groups().len() as u64, MAX_GROUPS);
    // A group already counted still takes rows.
    counter.count_batch(&batch(5..6)).unwrap();
    let before = counter.finish();

    let error = counter
        .count_batch(&batch(MAX_GROUPS..MAX_GROUPS + 1))
        .unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_GROUPS", MAX_GROUPS + 1, MAX_GROUPS)
    );
    assert_eq!(location, "arrow batch 2");
    assert_eq!(
        counter.finish(),
        before,
        "nothing of the refused batch is counted"
    );
    assert_eq!(counter.rows(), MAX_GROUPS + 1);

    // In one batch as well.
    let mut counter = ArrowCounter::new(&pipeline(), &by());
    let error = counter.count_batch(&batch(0..MAX_GROUPS + 1)).unwrap_err();
    assert_eq!(limit_of(&error).1, MAX_GROUPS + 1);
    assert_eq!(counter.rows(), 0);
    assert!(counter.finish().groups().is_empty());
}

#[test]
fn merging_counters_stops_at_max_groups() {
    let half = MAX_GROUPS / 2;
    let mut left = ArrowCounter::new(&pipeline(), &by());
    left.count_batch(&batch(0..half)).unwrap();
    let mut right = ArrowCounter::new(&pipeline(), &by());
    right.count_batch(&batch(half..MAX_GROUPS)).unwrap();
    let mut whole = left.clone();
    whole.merge(&right).unwrap();
    assert_eq!(whole.finish().groups().len() as u64, MAX_GROUPS);
    // Overlapping groups merge into one.
    whole.merge(&left).unwrap();
    assert_eq!(whole.finish().groups().len() as u64, MAX_GROUPS);

    let mut one_more = ArrowCounter::new(&pipeline(), &by());
    one_more
        .count_batch(&batch(MAX_GROUPS..MAX_GROUPS + 1))
        .unwrap();
    let error = whole.merge(&one_more).unwrap_err();
    let (limit, value, _, location) = limit_of(&error);
    assert_eq!((limit, value), ("MAX_GROUPS", MAX_GROUPS + 1));
    assert_eq!(location, "merging arrow counts");
    assert_eq!(whole.finish().groups().len() as u64, MAX_GROUPS);
}
