//! CSV input: a force's long-format export through `io::read_csv`, every
//! bad input the loader must name, lenient loads that account for every
//! row, and fuzzing that no input panics.

use crate::synthetic;
#[path = "../../examples/common/synthetic_csv.rs"]
mod synthetic_csv;

mod fuzz_found;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use positive_action::io::{
    CsvOptions, Loaded, Mode, Progress, StageOrder, read_csv, read_csv_path,
};
use positive_action::{
    Breakdown, CandidateId, Category, Characteristic, Counting, Error, Funnel, FunnelCounts,
    Journey, Outcome, Pipeline, RateBasis, Stage,
};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name)
}

fn strict(csv: &str) -> Result<Loaded, Error> {
    read_csv(csv.as_bytes(), &CsvOptions::new())
}

fn lenient(csv: &[u8]) -> Result<Loaded, Error> {
    read_csv(csv, &CsvOptions::new().mode(Mode::Lenient))
}

/// The error inside an `InFile`.
fn inner(error: Error) -> Error {
    match error {
        Error::InFile { error, .. } => *error,
        other => other,
    }
}

/// Every row read is used or set aside, and the set-aside rows are listed
/// once each, in line order.
fn assert_accounted(loaded: &Loaded) {
    let load = &loaded.load;
    assert_eq!(
        load.rows_read,
        load.rows_used + load.rows_set_aside,
        "{load:?}"
    );
    assert_eq!(load.rows_set_aside, load.set_aside.len() as u64);
    let used: u64 = loaded
        .applications
        .journeys()
        .iter()
        .map(|j| j.len() as u64)
        .sum();
    assert_eq!(used, load.rows_used);
    // In line order. Two records can share a line: the csv crate counts
    // lines by `\n`, and a lone `\r` also ends a record.
    assert!(
        load.set_aside.windows(2).all(|w| w[0].line <= w[1].line),
        "{load:?}"
    );
}

fn stage_names(loaded: &Loaded) -> Vec<&str> {
    loaded
        .applications
        .pipeline()
        .stages()
        .iter()
        .map(Stage::name)
        .collect()
}

const RECRUITMENT: [&str; 5] = [
    "application",
    "sift",
    "assessment_centre",
    "interview",
    "appointment",
];

// A recruitment year, read as an analyst would.

#[test]
fn a_recruitment_export_loads_with_the_order_inferred() {
    let loaded = read_csv_path(fixture("recruitment.csv"), &CsvOptions::new()).unwrap();
    assert_eq!(stage_names(&loaded), RECRUITMENT);
    assert_eq!(loaded.load.stage_order, StageOrder::Inferred);
    assert_eq!(loaded.applications.pipeline().name(), "recruitment");
    assert_eq!((loaded.load.rows_read, loaded.load.rows_used), (26, 26));
    assert_accounted(&loaded);
    assert_eq!(loaded.applications.candidates().len(), 8);
    // Candidates in order of first appearance, under their external ids.
    assert_eq!(
        loaded.external_ids().collect::<Vec<_>>(),
        [
            "APP-001", "APP-002", "APP-007", "APP-003", "APP-004", "APP-005", "APP-006", "APP-008"
        ]
    );
    for (i, candidate) in loaded.applications.candidates().iter().enumerate() {
        let external = loaded.external_id(i).unwrap();
        assert_eq!(candidate.id, CandidateId::from_external(external));
    }

    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let counts =
        FunnelCounts::from_applications(&loaded.applications, &by_sex, Counting::Applications);
    let total = |s| counts.stage_total(s).unwrap();
    let (application, sift, centre, interview, appointment) =
        (total(0), total(1), total(2), total(3), total(4));
    assert_eq!((application.passed, application.withdrew), (7, 1));
    assert_eq!((sift.passed, sift.failed, sift.exempt), (4, 2, 1));
    assert_eq!((centre.passed, centre.failed), (4, 1));
    assert_eq!(
        (interview.passed, interview.failed, interview.pending),
        (2, 1, 1)
    );
    assert_eq!((appointment.passed, appointment.withdrew), (1, 1));
    let funnel = Funnel::new(&counts, RateBasis::Decided).unwrap();
    assert_eq!(funnel.stages[1].total.pass_rate, Some(4.0 / 6.0));
}

#[test]
fn rows_in_any_order_form_journeys_in_pipeline_order() {
    let loaded = read_csv_path(fixture("recruitment.csv"), &CsvOptions::new()).unwrap();
    // APP-007's interview row comes before their application row in the file.
    let journey = &loaded.applications.journeys()[2];
    assert_eq!(journey.candidate(), CandidateId::from_external("APP-007"));
    let stages: Vec<&str> = journey.results().map(|r| r.stage.name()).collect();
    assert_eq!(stages, RECRUITMENT);
    assert_eq!(journey.final_outcome(), Outcome::Withdrew);
}

#[test]
fn categories_empty_prefer_not_to_say_and_agreeing_rows() {
    let loaded = read_csv_path(fixture("recruitment.csv"), &CsvOptions::new()).unwrap();
    let profile = |external: &str| {
        let i = loaded.external_ids().position(|e| e == external).unwrap();
        loaded.applications.candidates()[i].profile.clone()
    };
    let (sex, ethnicity) = (Characteristic::sex(), Characteristic::ethnicity());
    assert_eq!(
        profile("APP-001").category(&ethnicity),
        &Category::declared("Black").unwrap()
    );
    assert_eq!(
        profile("APP-004").category(&ethnicity),
        &Category::PreferNotToSay
    );
    // An empty cell on every row is not recorded.
    assert_eq!(profile("APP-005").category(&sex), &Category::NotRecorded);
    // One row empty, another filled: the filled one.
    assert_eq!(
        profile("APP-008").category(&ethnicity),
        &Category::declared("White").unwrap()
    );
    assert_eq!(profile("APP-008").category(&sex), &Category::PreferNotToSay);
}

#[test]
fn interventions_are_kept_per_journey_and_stage() {
    let loaded = read_csv_path(fixture("recruitment.csv"), &CsvOptions::new()).unwrap();
    assert_eq!(
        loaded.intervention_names(),
        [
            "application workshop",
            "interview workshop",
            "mentoring",
            "assessment workshop"
        ]
    );
    let of = |j: usize| -> Vec<(String, String)> {
        loaded
            .interventions(j)
            .map(|(s, n)| (s.name().to_owned(), n.to_owned()))
            .collect()
    };
    let pair = |s: &str, n: &str| (s.to_owned(), n.to_owned());
    assert_eq!(
        of(0),
        [
            pair("application", "application workshop"),
            pair("interview", "interview workshop"),
            pair("interview", "mentoring"),
        ]
    );
    assert_eq!(of(1), []);
    assert_eq!(of(3), [pair("assessment_centre", "assessment workshop")]);
    assert_eq!(of(99), []);
}

#[cfg(feature = "serde")]
#[test]
fn a_pipeline_from_json_gives_the_order_name_and_kind() {
    let json = std::fs::read_to_string(fixture("pipeline.json")).unwrap();
    let pipeline: Pipeline = serde_json::from_str(&json).unwrap();
    let loaded = read_csv_path(
        fixture("recruitment.csv"),
        &CsvOptions::from(pipeline.clone()),
    )
    .unwrap();
    assert_eq!(loaded.applications.pipeline(), &pipeline);
    assert_eq!(loaded.applications.pipeline().name(), "PC recruitment 2025");
    assert_eq!(loaded.load.stage_order, StageOrder::Given);
    assert_eq!(loaded.load.rows_used, 26);
}

#[test]
fn given_stages_may_include_stages_nobody_reached() {
    let stages = [
        "application",
        "sift",
        "assessment_centre",
        "interview",
        "vetting",
        "appointment",
    ];
    let options = CsvOptions::new().stages(stages).name("PC recruitment 2025");
    let err = read_csv_path(fixture("recruitment.csv"), &options).unwrap_err();
    // APP-001 and APP-007 go interview → appointment, skipping vetting.
    let err = inner(err);
    assert!(
        matches!(&err, Error::CsvJourney { candidate, .. } if candidate == "APP-001"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "candidate APP-001, csv lines 2, 3, 4, 5 and 6: stage vetting has no result, but the journey goes past it; record it, as exempt if the candidate skipped it by rule"
    );
    let stages = [
        "eligibility",
        "application",
        "sift",
        "assessment_centre",
        "interview",
        "appointment",
    ];
    let loaded = read_csv_path(
        fixture("recruitment.csv"),
        &CsvOptions::new().stages(stages),
    )
    .unwrap();
    assert_eq!(loaded.applications.pipeline().stages().len(), 6);
    assert_eq!(loaded.load.rows_used, 26);
}

#[test]
fn a_second_application_needs_an_application_column() {
    let loaded = read_csv_path(fixture("two_applications.csv"), &CsvOptions::new()).unwrap();
    assert_eq!(loaded.applications.candidates().len(), 2);
    assert_eq!(loaded.applications.journeys().len(), 3);
    assert_eq!(loaded.application(0), Some("2024"));
    assert_eq!(loaded.application(1), Some("2025"));
    assert_eq!(loaded.application(2), Some("2025"));
    let unique = FunnelCounts::from_applications(
        &loaded.applications,
        &Breakdown::default(),
        Counting::UniqueCandidates,
    );
    // APP-1 counts once, by the 2025 application: both passed the sift.
    assert_eq!(unique.stage_total(1).unwrap().passed, 1);
    assert_eq!(unique.stage_total(0).unwrap().passed, 2);

    // Without the column, the same rows are two results for one stage.
    let text = std::fs::read_to_string(fixture("two_applications.csv")).unwrap();
    let without: String = text
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            cells.remove(1);
            cells.join(",") + "\n"
        })
        .collect();
    let err = strict(&without).unwrap_err();
    assert_eq!(
        err.to_string(),
        "candidate APP-1: stage application is given on csv lines 2 and 4: expected one row per candidate and stage (give a second application its own application column value)"
    );
}

#[test]
fn the_header_is_forgiving_about_case_spaces_bom_and_line_endings() {
    let csv = "\u{feff} Candidate ,STAGE,Outcome,Date,Welsh Language\r\nAPP-1,sift,Pass,2025-01-02,yes\r\nAPP-1,interview,FAILED,2025-01-09,yes\r\n";
    let loaded = strict(csv).unwrap();
    assert_eq!(stage_names(&loaded), ["sift", "interview"]);
    let welsh = Characteristic::new("Welsh Language").unwrap();
    assert!(welsh.is_local());
    assert_eq!(
        loaded.applications.candidates()[0].profile.category(&welsh),
        &Category::declared("yes").unwrap()
    );
}

#[test]
fn quoted_cells_may_hold_commas_and_newlines_and_lines_stay_true() {
    let csv = "candidate,stage,outcome,notes\nAPP-1,sift,passed,\"said \"\"hi\"\",\nthen left\"\nAPP-1,interview,maybe,\n";
    let err = strict(csv).unwrap_err();
    // The second row starts on line 4: the first spans lines 2 and 3.
    assert!(matches!(err, Error::CsvCell { line: 4, .. }), "{err:?}");
}

#[test]
fn uuid_candidate_ids_are_kept() {
    let csv = "candidate,stage,outcome\n67e55044-10b1-426f-9247-bb680e5fe0c8,sift,passed\n";
    let loaded = strict(csv).unwrap();
    let id: CandidateId = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
    assert_eq!(loaded.applications.candidates()[0].id, id);
}

#[test]
fn inferred_order_follows_dates_and_breaks_ties_by_first_appearance() {
    // APP-1's rows are out of date order; the undated pending row keeps its
    // place. Vetting is never in sequence with another stage, so it goes
    // where it first appeared: first.
    let csv = "candidate,stage,outcome,date
APP-3,vetting,passed,
APP-1,interview,passed,2025-03-01
APP-1,sift,passed,2025-02-01
APP-1,medical,pending,
APP-2,sift,passed,2025-02-02
APP-2,interview,failed,2025-03-02
";
    // Strict mode refuses that tie (hostile::an_ambiguous_order_...);
    // lenient mode keeps it and says the order had ties.
    let loaded = lenient(csv.as_bytes()).unwrap();
    assert_eq!(loaded.load.stage_order, StageOrder::InferredWithTies);
    assert_eq!(
        stage_names(&loaded),
        ["vetting", "sift", "interview", "medical"]
    );
    // Without dates, row order decides.
    let undated =
        "candidate,stage,outcome\nA,interview,passed\nA,sift,passed\nB,interview,failed\n";
    assert_eq!(
        stage_names(&strict(undated).unwrap()),
        ["interview", "sift"]
    );
}

#[test]
fn progress_is_reported_every_n_rows_and_at_the_end() {
    let seen = Arc::new(AtomicU64::new(0));
    let last = Arc::new(AtomicU64::new(0));
    let (s, l) = (seen.clone(), last.clone());
    let options = CsvOptions::new().progress(10, move |p: Progress| {
        s.fetch_add(1, Ordering::Relaxed);
        l.store(p.rows_read, Ordering::Relaxed);
        assert!(p.bytes_read > 0);
    });
    read_csv_path(fixture("recruitment.csv"), &options).unwrap();
    // 26 rows: at 10, at 20, and at the end.
    assert_eq!(seen.load(Ordering::Relaxed), 3);
    assert_eq!(last.load(Ordering::Relaxed), 26);
}

// Every bad input is an error that names it.

#[test]
fn an_empty_file_has_no_header() {
    let err = inner(read_csv_path(fixture("no_header.csv"), &CsvOptions::new()).unwrap_err());
    assert_eq!(err, Error::CsvNoHeader);
    assert!(matches!(strict("\n\n"), Err(Error::CsvNoHeader)));
    // A header and no rows: nothing to infer a stage order from.
    assert!(matches!(
        strict("candidate,stage,outcome\n"),
        Err(Error::CsvNoRows { rows_read: 0, .. })
    ));
    // With the stages given, it is an empty year.
    let loaded = read_csv(
        &b"candidate,stage,outcome\n"[..],
        &CsvOptions::new().stages(["sift"]),
    )
    .unwrap();
    assert!(loaded.applications.journeys().is_empty());
}

#[test]
fn a_missing_file_is_named() {
    let err = read_csv_path(fixture("no_such_file.csv"), &CsvOptions::new()).unwrap_err();
    assert!(matches!(err, Error::CsvIo { path: Some(_), .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("cannot read csv file \""), "{text}");
    assert!(text.contains("no_such_file.csv\": no such file"), "{text}");
}

#[test]
fn errors_from_a_file_name_the_file() {
    let err = read_csv_path(fixture("unknown_outcome.csv"), &CsvOptions::new()).unwrap_err();
    let text = err.to_string();
    assert!(text.ends_with(
        "unknown_outcome.csv: csv line 3, column outcome (candidate APP-1): unknown outcome \"maybe\": expected passed, failed, withdrew, pending or exempt"
    ), "{text}");
}

#[test]
fn a_missing_column_is_named_with_what_was_found() {
    let err = inner(read_csv_path(fixture("missing_column.csv"), &CsvOptions::new()).unwrap_err());
    assert_eq!(
        err.to_string(),
        "csv header has no outcome column: expected candidate, stage and outcome columns, found \"candidate\", \"stage\", \"result\""
    );
    for (header, missing) in [
        ("stage,outcome", "candidate"),
        ("candidate,outcome", "stage"),
    ] {
        let err = strict(&format!("{header}\nx,y\n")).unwrap_err();
        assert!(matches!(err, Error::CsvMissingColumn { column, .. } if column == missing));
    }
}

#[test]
fn a_repeated_or_blank_column_is_refused() {
    let err = strict("candidate,stage,outcome,Sex,sex\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "csv header, column 5 (\"sex\"): names a column an earlier column already names: expected each column once"
    );
    let err = strict("candidate,stage,outcome,\n").unwrap_err();
    assert!(
        matches!(err, Error::CsvBadColumn { position: 4, .. }),
        "{err:?}"
    );
    let err = strict("candidate,Stage,outcome,stage\n").unwrap_err();
    assert!(
        matches!(err, Error::CsvBadColumn { position: 4, .. }),
        "{err:?}"
    );
}

#[test]
fn a_ragged_row_is_named() {
    let err = inner(read_csv_path(fixture("ragged_row.csv"), &CsvOptions::new()).unwrap_err());
    assert_eq!(
        err,
        Error::CsvRaggedRow {
            line: 3,
            fields: 2,
            expected: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "csv line 3: 2 fields, expected 3 as in the header"
    );
    let err = strict("candidate,stage,outcome\nAPP-1,sift,passed,extra\n").unwrap_err();
    assert_eq!(
        err,
        Error::CsvRaggedRow {
            line: 2,
            fields: 4,
            expected: 3
        }
    );
}

#[test]
fn an_unknown_outcome_is_named() {
    let err = inner(read_csv_path(fixture("unknown_outcome.csv"), &CsvOptions::new()).unwrap_err());
    let Error::CsvCell {
        line,
        column,
        candidate,
        reason,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (*line, column.as_str(), candidate.as_deref()),
        (3, "outcome", Some("APP-1"))
    );
    assert!(matches!(**reason, Error::UnknownOutcome { .. }));
}

#[test]
fn an_unknown_stage_is_named_when_stages_are_given() {
    let options = CsvOptions::new()
        .stages(["application", "interview"])
        .name("PC 2025");
    let err = read_csv(
        &b"candidate,stage,outcome\nAPP-9,application,passed\nAPP-9,sift,passed\n"[..],
        &options,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "csv line 3, column stage (candidate APP-9): stage \"sift\" is not a stage of pipeline \"PC 2025\""
    );
    let err = strict("candidate,stage,outcome\nAPP-9,  ,passed\n").unwrap_err();
    assert!(
        err.to_string()
            .contains("column stage (candidate APP-9): empty stage name"),
        "{err}"
    );
}

#[test]
fn given_stages_are_validated() {
    let csv = &b"candidate,stage,outcome\nA,a,passed\n"[..];
    let err = read_csv(csv, &CsvOptions::new().stages(["a", "b", "a"])).unwrap_err();
    assert!(
        matches!(err, Error::DuplicatePipelineStage { .. }),
        "{err:?}"
    );
    let none: [&str; 0] = [];
    let err = read_csv(csv, &CsvOptions::new().stages(none)).unwrap_err();
    assert!(matches!(err, Error::EmptyPipeline { .. }), "{err:?}");
}

#[test]
fn a_bad_date_is_named() {
    let err = inner(read_csv_path(fixture("bad_date.csv"), &CsvOptions::new()).unwrap_err());
    assert_eq!(
        err.to_string(),
        "csv line 3, column date (candidate APP-1): invalid date \"2025-04-31\": expected a date as YYYY-MM-DD"
    );
    for bad in ["01/04/2025", "2025-4-1", "yesterday", "2025-04-01T10:00"] {
        let csv = format!("candidate,stage,outcome,date\nA,sift,passed,{bad}\n");
        assert!(
            matches!(strict(&csv), Err(Error::CsvCell { line: 2, ref column, .. }) if column == "date"),
            "{bad}"
        );
    }
}

#[test]
fn a_blank_candidate_is_named() {
    let err = strict("candidate,stage,outcome\n  ,sift,passed\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "csv line 2, column candidate: empty candidate name: expected at least one non-blank character"
    );
}

#[test]
fn a_result_after_failed_names_the_candidate_and_both_lines() {
    let err =
        inner(read_csv_path(fixture("result_after_failed.csv"), &CsvOptions::new()).unwrap_err());
    assert_eq!(
        err.to_string(),
        "candidate APP-2, csv lines 3 and 5: stage sift has a result after the candidate failed at application; nothing may follow failed or withdrew"
    );
    let Error::CsvJourney { reason, .. } = err else {
        panic!("expected a journey error");
    };
    assert!(matches!(
        *reason,
        Error::ResultAfterExit {
            exit: Outcome::Failed,
            ..
        }
    ));
}

#[test]
fn every_journey_rule_names_the_external_id_and_lines() {
    let options = CsvOptions::new().stages(["a", "b", "c"]);
    let cases = [
        (
            "A,a,pending,\nA,b,passed,\n",
            "candidate A, csv lines 2 and 3: stage a is pending but is not the last result; pending must be last",
        ),
        (
            "A,a,passed,\nA,c,passed,\n",
            "candidate A, csv lines 2 and 3: stage b has no result, but the journey goes past it",
        ),
        (
            "A,a,passed,2025-02-03\nA,b,passed,2025-02-01\n",
            "candidate A, csv lines 2 and 3: stage b is dated 2025-02-01, before a on 2025-02-03; dates must not go backwards",
        ),
        (
            "A,a,withdrew,2025-02-03\nA,b,failed,\nA,c,passed,\n",
            "candidate A, csv lines 2 and 3: stage b has a result after the candidate withdrew at a",
        ),
    ];
    for (rows, expected) in cases {
        let csv = format!("candidate,stage,outcome,date\n{rows}");
        let err = read_csv(csv.as_bytes(), &options).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(expected),
            "{text:?} should start with {expected:?}"
        );
        assert!(
            !text.contains(&CandidateId::from_external("A").to_string()),
            "{text}"
        );
    }
}

#[test]
fn binary_garbage_is_an_error_not_a_panic() {
    let err = inner(read_csv_path(fixture("binary_garbage.bin"), &CsvOptions::new()).unwrap_err());
    assert!(err.to_string().contains("not utf-8"), "{err}");
    let lenient_err = inner(
        read_csv_path(
            fixture("binary_garbage.bin"),
            &CsvOptions::new().mode(Mode::Lenient),
        )
        .unwrap_err(),
    );
    assert!(
        matches!(lenient_err, Error::CsvBadColumn { .. }),
        "{lenient_err:?}"
    );
}

#[test]
fn text_in_another_encoding_is_named() {
    let err = inner(read_csv_path(fixture("not_utf8.csv"), &CsvOptions::new()).unwrap_err());
    assert_eq!(
        err.to_string(),
        "csv line 2, column name: not utf-8 text; expected a csv file encoded as utf-8"
    );
}

#[test]
fn two_rows_for_one_stage_are_named() {
    let err = inner(read_csv_path(fixture("duplicate_stage.csv"), &CsvOptions::new()).unwrap_err());
    assert_eq!(
        err,
        Error::CsvDuplicateResult {
            candidate: "APP-1".into(),
            application: None,
            stage: "application".into(),
            first_line: 2,
            line: 4,
        }
    );
}

#[test]
fn contradictory_categories_are_named_without_printing_them() {
    let err = inner(
        read_csv_path(fixture("contradictory_category.csv"), &CsvOptions::new()).unwrap_err(),
    );
    let text = err.to_string();
    assert_eq!(
        text,
        "candidate APP-1: column sex on csv line 4 contradicts line 2: expected the same category on every row of a candidate"
    );
    assert!(!text.contains("female") && !text.contains("male"));
}

#[test]
fn a_contradictory_stage_order_names_candidates_on_both_sides() {
    let err =
        inner(read_csv_path(fixture("contradictory_order.csv"), &CsvOptions::new()).unwrap_err());
    assert_eq!(
        err.to_string(),
        "stage order is contradictory: APP-1 and APP-2 go sift → interview, APP-7 goes interview → sift; give the stage order explicitly, or correct these candidates"
    );
    // A longer cycle is reported step by step.
    let csv = "candidate,stage,outcome\nA,x,passed\nA,y,passed\nB,y,passed\nB,z,passed\nC,z,passed\nC,x,passed\n";
    let Err(Error::ContradictoryStageOrder { conflicts }) = strict(csv) else {
        panic!("expected a contradiction");
    };
    assert_eq!(conflicts.len(), 3);
    let named: Vec<&str> = conflicts
        .iter()
        .flat_map(|c| c.candidates.iter().map(String::as_str))
        .collect();
    for who in ["A", "B", "C"] {
        assert!(named.contains(&who), "{conflicts:?}");
    }
    // Many candidates on a side: two named, the rest counted.
    let mut csv = String::from("candidate,stage,outcome\n");
    for n in 0..5 {
        csv.push_str(&format!("S{n},sift,passed\nS{n},interview,passed\n"));
    }
    csv.push_str("R1,interview,passed\nR1,sift,passed\n");
    let err = strict(&csv).unwrap_err();
    assert!(
        err.to_string()
            .contains("S0 and S1 and 3 others go sift → interview, R1 goes interview → sift"),
        "{err}"
    );
}

#[test]
fn two_spellings_of_one_uuid_are_one_candidate_twice() {
    let csv = "candidate,stage,outcome\n67e55044-10b1-426f-9247-bb680e5fe0c8,a,passed\n67E55044-10B1-426F-9247-BB680E5FE0C8,a,passed\n";
    let err = strict(csv).unwrap_err();
    assert!(
        matches!(
            err,
            Error::CsvSameCandidate {
                first_line: 2,
                line: 3,
                ..
            }
        ),
        "{err:?}"
    );
    let loaded = lenient(csv.as_bytes()).unwrap();
    assert_eq!(loaded.load.rows_used, 1);
    assert_eq!(loaded.load.set_aside[0].line, 3);
    assert_accounted(&loaded);
}

#[test]
fn strict_mode_reports_the_first_bad_journey_of_a_large_file() {
    // Large enough that journeys are validated on several threads.
    let csv = |bad: &[usize]| {
        let mut text = String::from("candidate,stage,outcome\n");
        for n in 0..40_000 {
            let first = if bad.contains(&n) { "failed" } else { "passed" };
            text.push_str(&format!("C{n},sift,{first}\nC{n},interview,passed\n"));
        }
        text
    };
    let first_bad = |bad: &[usize]| match strict(&csv(bad)) {
        Err(Error::CsvJourney { candidate, .. }) => candidate,
        other => panic!("{other:?}"),
    };
    assert_eq!(first_bad(&[39_000]), "C39000");
    assert_eq!(first_bad(&[30_000, 150]), "C150");
    let loaded = lenient(csv(&[7, 30_000, 39_999]).as_bytes()).unwrap();
    assert_accounted(&loaded);
    assert_eq!(loaded.applications.journeys().len(), 40_000 - 3);
    let set_aside: Vec<_> = loaded.load.set_aside.iter().map(|s| s.line).collect();
    assert_eq!(set_aside, [16, 17, 60_002, 60_003, 80_000, 80_001]);
    assert_eq!(loaded.external_id(7), Some("C8"));
}

#[test]
fn a_large_file_names_the_first_duplicates_and_contradictions_in_file_order() {
    // Large enough that duplicates and stage order are found on several
    // threads: what they report must still follow the file.
    let csv = |duplicated: &[usize], backwards: &[usize]| {
        let mut text = String::from("candidate,stage,outcome\n");
        for n in 0..40_000 {
            let (a, b) = if backwards.contains(&n) {
                ("interview", "sift")
            } else {
                ("sift", "interview")
            };
            text.push_str(&format!("C{n},{a},passed\nC{n},{b},passed\n"));
            if duplicated.contains(&n) {
                text.push_str(&format!("C{n},{b},failed\n"));
            }
        }
        text
    };
    match strict(&csv(&[30_000, 150], &[])) {
        Err(Error::CsvDuplicateResult { candidate, .. }) => assert_eq!(candidate, "C150"),
        other => panic!("{other:?}"),
    }
    let loaded = lenient(csv(&[30_000, 150], &[]).as_bytes()).unwrap();
    assert_accounted(&loaded);
    assert_eq!(loaded.applications.journeys().len(), 40_000 - 2);
    let error = strict(&csv(&[], &[20_000, 39_000, 39_001])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "stage order is contradictory: C0 and C1 and 39995 others go sift → interview, \
         C20000 and C39000 and 1 other go interview → sift; give the stage order explicitly, \
         or correct these candidates"
    );
}

// Lenient loads set aside what is bad, and account for every row.

#[test]
fn a_lenient_load_sets_aside_bad_rows_with_their_journeys() {
    let loaded = read_csv_path(
        fixture("lenient_mix.csv"),
        &CsvOptions::new().mode(Mode::Lenient),
    )
    .unwrap();
    assert_accounted(&loaded);
    assert_eq!(
        (
            loaded.load.rows_read,
            loaded.load.rows_used,
            loaded.load.rows_set_aside
        ),
        (15, 4, 11)
    );
    assert_eq!(loaded.external_ids().collect::<Vec<_>>(), ["A1", "A8"]);
    assert_eq!(stage_names(&loaded), ["application", "sift"]);
    let lines: Vec<u64> = loaded.load.set_aside.iter().map(|s| s.line).collect();
    assert_eq!(lines, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    let reason = |line: u64| {
        loaded
            .load
            .set_aside
            .iter()
            .find(|s| s.line == line)
            .map(|s| (s.candidate.clone(), s.reason.clone()))
            .unwrap()
    };
    assert_eq!(
        reason(5),
        (
            Some("A2".to_owned()),
            "csv line 5, column outcome (candidate A2): unknown outcome \"maybe\": expected passed, failed, withdrew, pending or exempt".to_owned()
        )
    );
    assert!(
        reason(4)
            .1
            .starts_with("set aside with its journey: csv line 5, column outcome")
    );
    assert!(
        reason(7)
            .1
            .starts_with("set aside with its journey: csv line 6, column date")
    );
    assert!(
        reason(8)
            .1
            .starts_with("candidate A4, csv lines 8 and 9: stage sift has a result after")
    );
    assert_eq!(
        reason(10),
        (
            Some("A5".to_owned()),
            "csv line 10: 3 fields, expected 5 as in the header".to_owned()
        )
    );
    assert!(
        reason(11)
            .1
            .starts_with("set aside with its candidate: candidate A6: column sex on csv line 12")
    );
    assert!(
        reason(13)
            .1
            .starts_with("candidate A7: stage application is given on csv lines 13 and 14")
    );
}

#[test]
fn a_lenient_load_sets_aside_the_minority_of_a_contradictory_order() {
    let loaded = read_csv_path(
        fixture("contradictory_order.csv"),
        &CsvOptions::new().mode(Mode::Lenient),
    )
    .unwrap();
    assert_accounted(&loaded);
    assert_eq!(stage_names(&loaded), ["sift", "interview"]);
    assert_eq!(
        loaded.external_ids().collect::<Vec<_>>(),
        ["APP-1", "APP-2"]
    );
    let set_aside = &loaded.load.set_aside;
    assert_eq!(set_aside.len(), 2);
    assert!(
        set_aside
            .iter()
            .all(|s| s.candidate.as_deref() == Some("APP-7"))
    );
    assert!(
        set_aside[0]
            .reason
            .contains("this journey goes interview → sift"),
        "{}",
        set_aside[0].reason
    );
}

#[test]
fn a_lenient_load_resolves_a_tangle_of_orders_in_one_pass() {
    // 3,000 candidates, each through 6 of 40 stages in a random order: no
    // order fits them all. The load must settle quickly and keep only
    // journeys that agree with the order it settles on.
    let mut rng = synthetic::SplitMix64::new(3);
    let mut csv = String::from("candidate,stage,outcome\n");
    for n in 0..3_000 {
        let mut stages: Vec<u64> = Vec::new();
        while stages.len() < 6 {
            let s = rng.between(0, 39);
            if !stages.contains(&s) {
                stages.push(s);
            }
        }
        for s in stages {
            csv.push_str(&format!("C{n},stage {s},passed\n"));
        }
    }
    let started = std::time::Instant::now();
    let loaded = lenient(csv.as_bytes()).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_accounted(&loaded);
    assert!(loaded.load.rows_set_aside > 0);
    let pipeline = loaded.applications.pipeline();
    for journey in loaded.applications.journeys() {
        let places: Vec<usize> = journey.results().map(|r| r.stage_index).collect();
        assert!(places.windows(2).all(|w| w[0] < w[1]));
    }
    assert!(pipeline.stages().len() <= 40);
}

#[test]
fn a_lenient_load_with_nothing_usable_says_why() {
    let err = lenient(b"candidate,stage,outcome\nA,sift,perhaps\nB,sift\n").unwrap_err();
    let Error::CsvNoRows {
        rows_read,
        set_aside,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((*rows_read, set_aside.len()), (2, 2));
    assert!(
        err.to_string()
            .contains("all set aside, the first at line 2"),
        "{err}"
    );
}

#[cfg(feature = "serde")]
#[test]
fn the_load_report_serialises_for_the_report() {
    let loaded = read_csv_path(
        fixture("ragged_row.csv"),
        &CsvOptions::new().mode(Mode::Lenient),
    )
    .unwrap();
    let json = serde_json::to_value(&loaded.load).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "rows_read": 3, "rows_used": 1, "rows_set_aside": 2,
            "set_aside": [
                {"line": 2, "candidate": "APP-1", "reason": "set aside with its journey: csv line 3: 2 fields, expected 3 as in the header"},
                {"line": 3, "candidate": "APP-1", "reason": "csv line 3: 2 fields, expected 3 as in the header"}
            ],
            "stage_order": "inferred"
        })
    );
}

// The synthetic force year round-trips through CSV.

fn synthetic_csv(candidates: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    synthetic_csv::write_constable_year(&mut out, candidates, seed).unwrap();
    out
}

#[test]
fn the_synthetic_year_round_trips_through_csv() {
    // About 2.3 MB: several of the chunks reading splits on every core.
    let applications = synthetic::constable_recruitment(12_000, 11).unwrap();
    let csv = synthetic_csv(12_000, 11);
    assert!(csv.len() > 2 << 20, "{} bytes", csv.len());
    let pipeline = applications.pipeline().clone();
    let by = Breakdown::parse(["sex", "ethnicity"]).unwrap();
    let expected = FunnelCounts::from_applications(&applications, &by, Counting::Applications);

    let inferred = read_csv(&csv[..], &CsvOptions::new().name(pipeline.name())).unwrap();
    assert_eq!(inferred.applications.pipeline(), &pipeline);
    let counts =
        FunnelCounts::from_applications(&inferred.applications, &by, Counting::Applications);
    assert_eq!(counts, expected);
    assert_eq!(inferred.applications.journeys(), applications.journeys());

    // With the stages given, row order does not matter at all.
    let text = std::str::from_utf8(&csv).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let reversed = lines.join("\n");
    let given = read_csv(reversed.as_bytes(), &CsvOptions::from(pipeline.clone())).unwrap();
    let counts = FunnelCounts::from_applications(&given.applications, &by, Counting::Applications);
    assert_eq!(counts, expected);
    assert_eq!(given.applications.candidates().len(), 12_000);
}

// No input panics, and lenient loads account for every row.

/// Each record the csv crate reads from `bytes`: its number of fields,
/// whether a field holds a line break, and its byte offset; and the end.
fn csv_records(bytes: &[u8]) -> (Vec<(usize, bool, usize)>, usize) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut records = Vec::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        let byte = record.position().map_or(0, |p| p.byte()) as usize;
        let broken = record.iter().any(|field| field.contains(&b'\n'));
        records.push((record.len(), broken, byte));
    }
    (records, reader.position().byte() as usize)
}

/// The rows the csv crate sees after the header, re-read after each bad
/// quote as a lenient load re-reads them: what `rows_read` counts. A
/// record whose quoted field holds a line break is a bad quote if it does
/// not fit the header, or if its quote is open at the end of the input
/// (then a record after it and a line break is not read apart from it).
fn records_after_header(bytes: &[u8]) -> u64 {
    let (records, _) = csv_records(bytes);
    let Some(&(expected, _, _)) = records.first() else {
        return 0;
    };
    let (mut n, mut from, mut skip) = (0u64, 0usize, 1usize);
    'read: loop {
        let (records, end) = csv_records(&bytes[from..]);
        for (i, &(len, broken, byte)) in records.iter().enumerate().skip(skip) {
            n += 1;
            let next = records.get(i + 1).map_or(end, |r| r.2);
            let record = &bytes[from + byte..from + next];
            let open_at_end = i + 1 == records.len() && {
                let mut again = record.to_vec();
                again.extend_from_slice(b"\nx");
                csv_records(&again).0.len() < 2
            };
            if broken && (len != expected || open_at_end) {
                let blank = record
                    .iter()
                    .take_while(|&&b| b == b'\r' || b == b'\n')
                    .count();
                let first = record[blank..]
                    .iter()
                    .position(|&b| b == b'\r' || b == b'\n')
                    .map_or(record.len() - blank, |at| at + 1);
                from += byte + blank + first;
                skip = 0;
                continue 'read;
            }
        }
        return n;
    }
}

/// A lenient load either accounts for every row, or fails for a reason
/// that stops any load: a bad header, or no usable row.
fn check_lenient(bytes: &[u8]) -> Result<(), TestCaseError> {
    match lenient(bytes) {
        Ok(loaded) => {
            assert_accounted(&loaded);
            prop_assert_eq!(loaded.load.rows_read, records_after_header(bytes));
            for journey in loaded.applications.journeys() {
                prop_assert!(!journey.is_empty());
            }
        }
        Err(Error::CsvNoRows {
            rows_read,
            set_aside,
        }) => {
            prop_assert_eq!(rows_read, set_aside.len() as u64);
            prop_assert_eq!(rows_read, records_after_header(bytes));
        }
        Err(Error::CsvNoHeader | Error::CsvMissingColumn { .. } | Error::CsvBadColumn { .. }) => {}
        Err(other) => prop_assert!(false, "unexpected lenient error: {other}"),
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    Overwrite(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    GarbageLine(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let cell_bytes =
        prop::sample::select(b",\n\r\"; -0123456789abcdeAPPfailedpassed\xff\x00".to_vec());
    prop_oneof![
        (any::<usize>(), cell_bytes.clone()).prop_map(|(i, b)| Mutation::Overwrite(i, b)),
        (any::<usize>(), prop::collection::vec(cell_bytes, 1..6))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1..8usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 0..40))
            .prop_map(|(i, b)| Mutation::GarbageLine(i, b)),
    ]
}

fn mutate(base: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for m in mutations {
        let n = bytes.len().max(1);
        match m {
            Mutation::Overwrite(i, b) => {
                if !bytes.is_empty() {
                    bytes[i % n] = *b;
                }
            }
            Mutation::Insert(i, b) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Delete(i, len) => {
                let at = i % n;
                let end = (at + len).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Mutation::GarbageLine(i, garbage) => {
                let starts: Vec<usize> = std::iter::once(0)
                    .chain(
                        bytes
                            .iter()
                            .enumerate()
                            .filter(|&(_, &b)| b == b'\n')
                            .map(|(i, _)| i + 1),
                    )
                    .filter(|&s| s > 0)
                    .collect();
                if let Some(&at) = starts.get(i % starts.len().max(1)) {
                    let mut line = garbage.clone();
                    line.retain(|&b| b != b'\n' && b != b'\r');
                    line.push(b'\n');
                    bytes.splice(at..at, line);
                }
            }
        }
    }
    bytes
}

fn recruitment_bytes() -> Vec<u8> {
    std::fs::read(fixture("recruitment.csv")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = read_csv(&bytes[..], &CsvOptions::new());
        let _ = read_csv(&bytes[..], &CsvOptions::new().stages(["a", "b"]));
        check_lenient(&bytes)?;
    }

    #[test]
    fn bytes_after_a_valid_header_never_panic(body in prop::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = b"candidate,stage,outcome,date,sex\n".to_vec();
        bytes.extend(body);
        let _ = read_csv(&bytes[..], &CsvOptions::new());
        check_lenient(&bytes)?;
    }

    #[test]
    fn mutated_valid_files_never_panic_and_account_for_every_row(
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let bytes = mutate(&recruitment_bytes(), &mutations);
        let _ = read_csv(&bytes[..], &CsvOptions::new());
        let stages = CsvOptions::new().stages(RECRUITMENT).mode(Mode::Lenient);
        if let Ok(loaded) = read_csv(&bytes[..], &stages) {
            assert_accounted(&loaded);
        }
        check_lenient(&bytes)?;
    }

    #[test]
    fn garbage_lines_are_set_aside_and_good_journeys_kept(
        garbage in prop::collection::vec((any::<usize>(), prop::collection::vec(any::<u8>(), 0..40)), 1..6),
    ) {
        // Lines of one field (no commas or quotes): ragged, whatever else
        // they hold.
        let mutations: Vec<Mutation> = garbage
            .into_iter()
            .map(|(i, mut g)| {
                g.retain(|&b| b != b',' && b != b'"');
                Mutation::GarbageLine(i, g)
            })
            .collect();
        let bytes = mutate(&recruitment_bytes(), &mutations);
        let loaded = read_csv(&bytes[..], &CsvOptions::new().stages(RECRUITMENT).mode(Mode::Lenient))
            .unwrap();
        assert_accounted(&loaded);
        // Each garbage line is set aside on its own; every journey loads.
        prop_assert_eq!(loaded.load.rows_used, 26);
        prop_assert_eq!(loaded.load.rows_set_aside, records_after_header(&bytes) - 26);
        prop_assert_eq!(loaded.applications.journeys().len(), 8);
    }
}

#[test]
fn journeys_are_validated_like_any_other() {
    let loaded = read_csv_path(fixture("recruitment.csv"), &CsvOptions::new()).unwrap();
    for journey in loaded.applications.journeys() {
        let again =
            Journey::from_record(loaded.applications.pipeline(), journey.to_record()).unwrap();
        assert_eq!(&again, journey);
    }
}

mod counting;
mod hostile;
