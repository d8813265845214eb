//! Journeys and applications as a force's data would give them.

use chrono::NaiveDate;
use positive_action::records::{JourneyRecord, Rank};
use positive_action::{
    Applications, Candidate, CandidateId, Error, Journey, Outcome, Pipeline, PipelineKind, Profile,
    Stage, StageResult,
};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

fn step_up() -> Pipeline {
    Pipeline::police_promotion("sergeant promotion 2025", Rank::CONSTABLE, Rank::SERGEANT).unwrap()
}

#[test]
fn a_promotion_journey_through_the_npf_stages() {
    let pipeline = step_up();
    let id = CandidateId::from_external("PC-4471");
    let journey = Journey::new(
        &pipeline,
        id,
        [
            StageResult::new(Stage::ELIGIBILITY, Outcome::Passed).on(day(1, 6)),
            StageResult::new(Stage::LEGAL_EXAM, Outcome::Passed).on(day(3, 11)),
            StageResult::new(Stage::WORK_BASED_ASSESSMENT, Outcome::Passed).on(day(6, 2)),
            StageResult::new(Stage::BOARD, Outcome::Pending),
        ],
    )
    .unwrap();
    assert_eq!(journey.len(), 4);
    assert_eq!(journey.final_outcome(), Outcome::Pending);
    assert_eq!(journey.application_date(), Some(day(1, 6)));
    let stages: Vec<&str> = journey.results().map(|r| r.stage.name()).collect();
    assert_eq!(
        stages,
        [
            "eligibility",
            "legal_exam",
            "work_based_assessment",
            "board"
        ]
    );
}

#[test]
fn a_guaranteed_interview_skips_the_sift_as_exempt() {
    let pipeline = Pipeline::police_constable_recruitment("PC recruitment");
    let id = CandidateId::from_external("APP-DIS-1");
    let j = Journey::new(
        &pipeline,
        id,
        [
            StageResult::new(Stage::APPLICATION, Outcome::Passed),
            StageResult::new(Stage::SIFT, Outcome::Exempt),
            StageResult::new(Stage::ONLINE_ASSESSMENT, Outcome::Passed),
        ],
    );
    assert!(j.is_ok());
    // Leaving the sift out instead is a gap, and names the missing stage.
    let err = Journey::new(
        &pipeline,
        id,
        [
            StageResult::new(Stage::APPLICATION, Outcome::Passed),
            StageResult::new(Stage::ONLINE_ASSESSMENT, Outcome::Passed),
        ],
    )
    .unwrap_err();
    assert!(matches!(err, Error::MissingStage { ref stage, .. } if *stage == Stage::SIFT));
}

#[cfg(feature = "serde")]
#[test]
fn journey_records_from_json_are_validated_with_named_errors() {
    let pipeline = Pipeline::police_constable_recruitment("PC recruitment");
    let cases = [
        (
            r#"{"candidate": "67e55044-10b1-426f-9247-bb680e5fe0c8", "results": [
                {"stage": "application", "outcome": "passed", "date": "2025-03-01"},
                {"stage": "sift", "outcome": "failed", "date": "2025-03-09"},
                {"stage": "online_assessment", "outcome": "passed"}]}"#,
            "candidate 67e55044-10b1-426f-9247-bb680e5fe0c8: stage online_assessment has a result after the candidate failed at sift; nothing may follow failed or withdrew",
        ),
        (
            r#"{"candidate": "67e55044-10b1-426f-9247-bb680e5fe0c8", "results": [
                {"stage": "application", "outcome": "passed", "date": "2025-03-01"},
                {"stage": "sift", "outcome": "passed", "date": "2025-02-09"}]}"#,
            "candidate 67e55044-10b1-426f-9247-bb680e5fe0c8: stage sift is dated 2025-02-09, before application on 2025-03-01; dates must not go backwards",
        ),
        (
            r#"{"candidate": "67e55044-10b1-426f-9247-bb680e5fe0c8", "results": [
                {"stage": "application", "outcome": "passed"},
                {"stage": "psychometric", "outcome": "passed"}]}"#,
            "candidate 67e55044-10b1-426f-9247-bb680e5fe0c8: stage \"psychometric\" is not a stage of pipeline \"PC recruitment\"",
        ),
    ];
    for (json, expected) in cases {
        let record: JourneyRecord = serde_json::from_str(json).unwrap();
        let err = Journey::from_record(&pipeline, record).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    let bad_outcome = r#"{"candidate": "67e55044-10b1-426f-9247-bb680e5fe0c8",
                          "results": [{"stage": "application", "outcome": "maybe"}]}"#;
    let err = serde_json::from_str::<JourneyRecord>(bad_outcome)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown variant `maybe`"), "{err}");
}

#[test]
fn applications_refuse_unknown_and_duplicate_candidates_and_other_pipelines() {
    let pipeline = Pipeline::police_constable_recruitment("PC recruitment");
    let a = CandidateId::from_external("A");
    let b = CandidateId::from_external("B");
    let candidate = |id| Candidate::new(id, Profile::default());
    let journey = |p: &Pipeline, id| {
        Journey::new(
            p,
            id,
            [StageResult::new(Stage::APPLICATION, Outcome::Passed)],
        )
        .unwrap()
    };

    let err =
        Applications::new(&pipeline, vec![candidate(a)], vec![journey(&pipeline, b)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("candidate {b}: journey refers to a candidate with no profile")
    );

    let err = Applications::new(&pipeline, vec![candidate(a), candidate(a)], vec![]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("candidate {a} is listed more than once")
    );

    let other = Pipeline::new(
        "detective selection",
        PipelineKind::SpecialistSelection {
            role: "detective".into(),
        },
        ["application"],
    )
    .unwrap();
    let err =
        Applications::new(&pipeline, vec![candidate(a)], vec![journey(&other, a)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pipeline mismatch: expected \"PC recruitment\", found \"detective selection\""
    );

    // An equal pipeline built separately is the same pipeline.
    let twin = Pipeline::police_constable_recruitment("PC recruitment");
    assert!(Applications::new(&pipeline, vec![candidate(a)], vec![journey(&twin, a)]).is_ok());
}
