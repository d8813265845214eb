//! The one-line paths a new user reaches for first: a selection from the
//! spreadsheet's two numbers, decisions, incremental and pre-coded
//! counting, lookups that never panic, parsing, and errors as JSON.

use positive_action::counts::CodedCounts;
use positive_action::records::Period;
use positive_action::{
    Breakdown, CandidateId, CountRecord, Counting, Error, FunnelCounts, Group, ImpactAnalysis,
    ImpactOptions, Outcome, Pipeline, PipelineKind, Stage, check_no_adverse_impact,
};

use crate::synthetic;

#[test]
fn the_four_fifths_case_is_one_line_from_counts_or_decisions() {
    // 30/100 against 50/100: impact ratio 0.6.
    let counts = FunnelCounts::selection([("sex=female", 100, 30), ("sex=male", 100, 50)]).unwrap();
    let err = check_no_adverse_impact(&counts, &ImpactOptions::default()).unwrap_err();
    let Error::AdverseImpact(findings) = &err else {
        panic!("expected adverse impact, got {err}");
    };
    assert_eq!(
        findings.findings.len(),
        1,
        "reported once, not again as the bottom line"
    );
    let finding = &findings.findings[0];
    assert_eq!((finding.passed, finding.considered), (30, 100));
    assert_eq!(
        (finding.reference_passed, finding.reference_considered),
        (50, 100)
    );
    assert_eq!(finding.impact_ratio, Some(0.6));
    let text = err.to_string();
    assert!(
        text.starts_with(
            "adverse impact in \"selection\": 1 group at 1 stage where impact ratio < 0.8"
        ),
        "{text}"
    );

    // The same from each candidate's decision.
    let decisions = (0..100)
        .map(|i| ("sex=female", i < 30))
        .chain((0..100).map(|i| ("sex=male", i < 50)));
    assert_eq!(FunnelCounts::from_decisions(decisions).unwrap(), counts);
}

#[test]
fn a_failure_header_counts_groups_not_rows() {
    // Two groups flagged at two stages each: 2 groups, 3 stages with the
    // bottom line, 6 rows.
    let pipeline = Pipeline::new(
        "two stages",
        PipelineKind::Recruitment,
        ["sift", "interview"],
    )
    .unwrap();
    let by_eth = Breakdown::parse(["ethnicity"]).unwrap();
    let rec = |stage: &str, g: &str, p, f| {
        CountRecord::new(Stage::new(stage).unwrap(), g.parse().unwrap(), p, f)
    };
    let counts = FunnelCounts::from_records(
        &pipeline,
        &by_eth,
        [
            rec("sift", "ethnicity=White", 80, 20),
            rec("sift", "ethnicity=Black", 40, 60),
            rec("sift", "ethnicity=Asian", 40, 60),
            rec("interview", "ethnicity=White", 60, 20),
            rec("interview", "ethnicity=Black", 10, 30),
            rec("interview", "ethnicity=Asian", 10, 30),
        ],
    )
    .unwrap();
    let err = check_no_adverse_impact(&counts, &ImpactOptions::default()).unwrap_err();
    let Error::AdverseImpact(findings) = &err else {
        panic!("{err}")
    };
    assert_eq!(findings.findings.len(), 6);
    assert_eq!(findings.groups(), 2);
    assert!(
        err.to_string().contains(": 2 groups at 3 stages where"),
        "{err}"
    );
}

#[test]
fn selections_refuse_impossible_counts_by_name() {
    let err = FunnelCounts::selection([("sex=female", 10, 11)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "selected in group sex=female (11) exceeds applied (10)"
    );
    let err = FunnelCounts::selection([("female", 10, 1)]).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected characteristic=category pairs"),
        "{err}"
    );
}

#[test]
fn incremental_counting_equals_counting_at_once() {
    let pipeline = Pipeline::new("sift", PipelineKind::Recruitment, ["sift", "interview"]).unwrap();
    let by_sex: Breakdown = "sex".parse().unwrap();
    let records = [
        CountRecord::new(
            Stage::new("sift").unwrap(),
            "sex=male".parse().unwrap(),
            5,
            2,
        )
        .withdrew(1),
        CountRecord::new(
            Stage::new("interview").unwrap(),
            "sex=female".parse().unwrap(),
            3,
            4,
        )
        .pending(2)
        .exempt(1),
        CountRecord::new(
            Stage::new("sift").unwrap(),
            "sex=female".parse().unwrap(),
            9,
            1,
        ),
    ];
    let at_once = FunnelCounts::from_records(&pipeline, &by_sex, records.clone()).unwrap();

    let mut one_by_one = FunnelCounts::empty(&pipeline, &by_sex);
    for r in &records {
        let group = &r.group;
        let stage = r.stage.name();
        for (outcome, n) in [
            (Outcome::Passed, r.passed),
            (Outcome::Failed, r.failed),
            (Outcome::Withdrew, r.withdrew),
            (Outcome::Pending, r.pending),
            (Outcome::Exempt, r.exempt),
        ] {
            for _ in 0..n {
                one_by_one.add(stage, group, outcome).unwrap();
            }
        }
    }
    assert_eq!(
        one_by_one, at_once,
        "groups land in canonical order however they arrive"
    );

    let mut batched = FunnelCounts::empty(&pipeline, &by_sex);
    batched.add_records(&records).unwrap();
    assert_eq!(batched, at_once);
    // Adding sums, where from_records refuses a repeat.
    batched.add_record(&records[0]).unwrap();
    assert_eq!(
        batched
            .get("sift", &"sex=male".parse().unwrap())
            .unwrap()
            .passed,
        10
    );
}

#[test]
fn incremental_counting_reports_overflow_and_bad_names_and_changes_nothing() {
    let pipeline = Pipeline::new("sift", PipelineKind::Recruitment, ["sift"]).unwrap();
    let by_sex: Breakdown = "sex".parse().unwrap();
    let women: Group = "sex=female".parse().unwrap();
    let mut counts = FunnelCounts::empty(&pipeline, &by_sex);
    counts
        .add_n("sift", &women, Outcome::Passed, u64::MAX - 1)
        .unwrap();
    let before = counts.clone();
    let err = counts
        .add_n("sift", &women, Outcome::Failed, 2)
        .unwrap_err();
    assert!(matches!(err, Error::CountOverflow { .. }), "{err}");
    assert_eq!(counts, before);
    let err = counts.add("board", &women, Outcome::Passed).unwrap_err();
    assert!(matches!(err, Error::UnknownStage { .. }), "{err}");
    let err = counts
        .add("sift", &"ethnicity=Black".parse().unwrap(), Outcome::Passed)
        .unwrap_err();
    assert!(matches!(err, Error::GroupShape { .. }), "{err}");
    assert_eq!(counts, before);
}

#[test]
fn precoded_results_count_exactly_as_journeys_do() {
    let year = synthetic::constable_recruitment(2_000, 7).unwrap();
    let by_eth: Breakdown = "ethnicity".parse().unwrap();
    let pipeline = year.pipeline();
    let from_journeys = FunnelCounts::from_applications(&year, &by_eth, Counting::Applications);

    // Code every result as a data platform would hold it, groups in an
    // order of its own.
    let groups: Vec<Group> = from_journeys.groups().iter().rev().cloned().collect();
    let mut coded = CodedCounts::new(pipeline, &by_eth, groups.clone()).unwrap();
    for journey in year.journeys() {
        let candidate = year
            .candidates()
            .iter()
            .find(|c| c.id == journey.candidate())
            .unwrap();
        let g = groups
            .iter()
            .position(|g| *g == by_eth.group_of(&candidate.profile))
            .unwrap();
        for r in journey.results() {
            coded.add(r.stage_index, r.outcome, g).unwrap();
        }
    }
    assert_eq!(coded.finish(), from_journeys);
}

#[test]
fn precoded_indices_out_of_range_are_errors_not_panics() {
    let pipeline = Pipeline::new("sift", PipelineKind::Recruitment, ["sift", "interview"]).unwrap();
    let by_sex: Breakdown = "sex".parse().unwrap();
    let mut coded = CodedCounts::new(&pipeline, &by_sex, ["sex=female".parse().unwrap()]).unwrap();
    let err = coded.add(2, Outcome::Passed, 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "stage index 2 is out of range for \"sift\": expected an index below 2"
    );
    let err = coded
        .add_all([(0, Outcome::Passed, 0), (0, Outcome::Passed, 1)])
        .unwrap_err();
    assert!(
        err.to_string().starts_with("group index 1 is out of range"),
        "{err}"
    );
    let err = CodedCounts::new(
        &pipeline,
        &by_sex,
        ["sex=female".parse().unwrap(), "sex=female".parse().unwrap()],
    )
    .unwrap_err();
    assert!(matches!(err, Error::DuplicateEntry { .. }), "{err}");
}

#[test]
fn lookups_never_panic() {
    let counts = FunnelCounts::selection([("sex=female", 10, 4), ("sex=male", 10, 5)]).unwrap();
    assert!(counts.counts(0, 1).is_some());
    assert_eq!(counts.counts(0, 2), None);
    assert_eq!(counts.counts(1, 0), None);
    assert_eq!(counts.counts(usize::MAX, usize::MAX), None);
    assert_eq!(counts.get("selection", &"sex=other".parse().unwrap()), None);
    assert_eq!(
        counts.get("no such stage", &"sex=male".parse().unwrap()),
        None
    );
}

#[test]
fn bottom_line_is_not_a_stage_name() {
    for name in ["bottom_line", " Bottom_Line "] {
        let err = Stage::new(name).unwrap_err();
        assert!(matches!(err, Error::ReservedStageName { .. }), "{err}");
    }
    let err = Pipeline::new("p", PipelineKind::Recruitment, ["sift", "bottom_line"]).unwrap_err();
    assert!(
        err.to_string().contains("reserved for the bottom line"),
        "{err}"
    );
}

#[test]
fn groups_breakdowns_and_stages_parse_from_text() {
    let group: Group = "sex=female,ethnicity=Black".parse().unwrap();
    assert_eq!(
        group,
        Group::parse([("sex", "female"), ("ethnicity", "Black")]).unwrap()
    );
    assert_eq!(group.to_string().parse::<Group>().unwrap(), group);
    let owned = vec![(String::from("sex"), String::from("male"))];
    assert!(
        Group::parse(owned).is_ok(),
        "Group::parse takes owned strings too"
    );
    assert_eq!(
        "sex, ethnicity".parse::<Breakdown>().unwrap(),
        Breakdown::parse(["sex", "ethnicity"]).unwrap()
    );
    assert!("sex,sex".parse::<Breakdown>().is_err());
    assert_eq!("interview".parse::<Stage>().unwrap(), Stage::INTERVIEW);
    assert!("  ".parse::<Stage>().is_err());
}

#[test]
fn candidate_ids_from_integers_are_stable_and_cheap() {
    assert_eq!(CandidateId::from(7u64), CandidateId::from_u128(7));
    assert_ne!(CandidateId::from(7u64), CandidateId::from(8u64));
    assert_ne!(CandidateId::from(7u64), CandidateId::from_external("7"));
}

#[test]
fn an_impact_analysis_reads_as_a_table() {
    let counts = FunnelCounts::selection([("sex=female", 100, 30), ("sex=male", 100, 50)]).unwrap();
    let text = ImpactAnalysis::new(&counts, &ImpactOptions::default())
        .unwrap()
        .to_string();
    assert!(
        text.starts_with("selection: reference sex=male (50.0%)"),
        "{text}"
    );
    let women = text.lines().find(|l| l.contains("sex=female")).unwrap();
    for cell in ["30/100", "30.0%", "0.600", "yes"] {
        assert!(women.contains(cell), "{cell} in {women:?}");
    }
    assert!(
        !text.contains("bottom_line"),
        "one stage: no separate bottom line\n{text}"
    );
}

#[cfg(feature = "serde")]
#[test]
fn errors_serialise_with_a_stable_code() {
    let err = FunnelCounts::selection([("sex=female", 1, 2)]).unwrap_err();
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "count_exceeds_total");
    assert_eq!(json["message"], err.to_string());
}

#[cfg(feature = "serde")]
#[test]
fn json_counts_need_only_passed_and_failed() {
    let text = r#"{"stage": "sift", "group": {"sex": "female"}, "passed": 8, "failed": 2}"#;
    let record: CountRecord = serde_json::from_str(text).unwrap();
    assert_eq!(
        record,
        CountRecord::new(
            Stage::new("sift").unwrap(),
            "sex=female".parse().unwrap(),
            8,
            2
        )
    );
}

#[test]
fn period_is_reached_through_records() {
    // The workforce and intervention sides, and less common records, live
    // in public modules rather than at the root.
    assert!(Period::financial_year(2024).is_ok());
}

/// A stage named `bottom_line` could not be told apart from the bottom line
/// in a report's JSON; it is refused, in any case and spacing, wherever a
/// stage is named.
#[test]
fn a_stage_named_bottom_line_is_refused_everywhere() {
    for name in ["bottom_line", "Bottom_Line", " BOTTOM_LINE "] {
        let error = Stage::new(name).unwrap_err();
        assert_eq!(error.code(), "reserved_stage_name", "{name:?}");
        let error = Pipeline::new("p", PipelineKind::Recruitment, ["sift", name]).unwrap_err();
        assert_eq!(error.code(), "reserved_stage_name", "{name:?}");
    }
    let csv = "candidate,stage,outcome\nA,sift,passed\nA,bottom_line,passed\n";
    let error = positive_action::io::read_csv(csv.as_bytes(), &Default::default()).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("line 3") && text.contains("reserved for the bottom line"),
        "{text}"
    );
    #[cfg(feature = "serde")]
    {
        let json = r#"{"pipeline": {"name": "p", "kind": "recruitment", "stages": ["sift", "bottom_line"]}, "counts": []}"#;
        let error = positive_action::report::ReportInput::from_json(json).unwrap_err();
        assert!(
            error.to_string().contains("reserved for the bottom line"),
            "{error}"
        );
    }
}
