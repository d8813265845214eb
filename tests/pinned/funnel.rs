//! Exemption notes: which groups are pointed out, at the boundaries of
//! "exempt more often than the others".

use positive_action::funnel::exemption_notes;
use positive_action::{Breakdown, CountRecord, FunnelCounts, Group, Pipeline, PipelineKind, Stage};

/// The sift of a two-stage pipeline by sex: (label, entered, exempt).
fn sift(rows: &[(&str, u64, u64)]) -> FunnelCounts {
    let pipeline = Pipeline::new("p", PipelineKind::Recruitment, ["sift", "interview"]).unwrap();
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let records = rows.iter().map(|&(label, entered, exempt)| CountRecord {
        stage: Stage::SIFT,
        group: Group::parse([("sex", label)]).unwrap(),
        passed: entered / 2,
        failed: entered - entered / 2,
        withdrew: 0,
        pending: 0,
        exempt,
    });
    FunnelCounts::from_records(&pipeline, &by_sex, records).unwrap()
}

#[test]
fn two_of_five_against_one_of_three_is_pointed_out() {
    // 2/5 > 1/3 exactly: 2·3 = 6 > 1·5 = 5. The men, 1/3 < 2/5, are not.
    let notes = exemption_notes(&sift(&[("female", 3, 2), ("male", 2, 1)]));
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0]
            .starts_with("sift: 2 of 5 sex=female candidates were exempt, against 1 of 3 others: "),
        "{}",
        notes[0]
    );
}

#[test]
fn an_equal_share_exempt_is_not_pointed_out() {
    // 6 of 30 and 10 of 50 are both a fifth: neither is exempt more often.
    let notes = exemption_notes(&sift(&[("female", 24, 6), ("male", 40, 10)]));
    assert_eq!(notes, Vec::<String>::new());
}

#[test]
fn exemptions_of_candidates_whose_sex_is_not_recorded_are_not_pointed_out() {
    // Half the not-recorded candidates were exempt and no one else: that
    // group is never judged, so there is no note.
    let notes = exemption_notes(&sift(&[("female", 50, 0), ("", 5, 5)]));
    assert_eq!(notes, Vec::<String>::new());
}
