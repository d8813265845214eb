//! Funnels from journeys and from counts, checked against hand counts.

use chrono::NaiveDate;
use positive_action::counts::StageTimes;
use positive_action::records::Period;
use positive_action::{
    Applications, Breakdown, Candidate, CandidateId, Counting, Funnel, FunnelCounts, Group,
    Journey, Outcome, Pipeline, PipelineKind, Profile, RateBasis, Stage, StageResult,
};

use crate::synthetic;

fn pipeline() -> Pipeline {
    Pipeline::new(
        "PC recruitment",
        PipelineKind::Recruitment,
        ["application", "interview", "appointment"],
    )
    .unwrap()
}

/// Seven candidates whose funnel is worked out by hand below.
fn seven() -> Applications {
    use Outcome::*;
    let p = pipeline();
    let people: [(&str, &str, &[Outcome]); 7] = [
        ("F1", "female", &[Passed, Passed, Passed]),
        ("F2", "female", &[Passed, Failed]),
        ("F3", "female", &[Withdrew]),
        ("M1", "male", &[Passed, Passed, Pending]),
        ("M2", "male", &[Failed]),
        ("M3", "male", &[Passed, Exempt, Passed]),
        ("U1", "", &[Passed, Withdrew]),
    ];
    let mut candidates = Vec::new();
    let mut journeys = Vec::new();
    for (n, (name, sex, outcomes)) in people.iter().enumerate() {
        let id = CandidateId::from_external(name);
        candidates.push(Candidate::new(id, Profile::parse([("sex", *sex)]).unwrap()));
        let start = NaiveDate::from_ymd_opt(2025, 4, 1 + n as u32).unwrap();
        let results = outcomes.iter().enumerate().map(|(s, &o)| {
            StageResult::new(p.stages()[s].clone(), o).on(start + chrono::Days::new(10 * s as u64))
        });
        journeys.push(Journey::new(&p, id, results).unwrap());
    }
    Applications::new(&p, candidates, journeys).unwrap()
}

#[test]
fn hand_counted_funnel_by_sex() {
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let counts = FunnelCounts::from_applications(&seven(), &by_sex, Counting::Applications);
    let labels: Vec<String> = counts.groups().iter().map(Group::label).collect();
    assert_eq!(labels, ["female", "male", "not recorded"]);
    assert!(counts.groups()[2].is_unknown());

    let funnel = Funnel::new(&counts, RateBasis::Decided).unwrap();
    let row = |s: usize, g: usize| &funnel.stages[s].groups[g];

    // Women: 3 entered the application (one withdrew), 2 the interview, 1 appointed.
    assert_eq!((row(0, 0).entered, row(0, 0).decided), (3, 2));
    assert_eq!(row(0, 0).pass_rate, Some(1.0));
    assert_eq!(row(1, 0).pass_rate, Some(0.5));
    assert_eq!(row(0, 0).drop_off, Some(1.0 - 2.0 / 3.0));
    assert_eq!(row(2, 0).conversion, Some(1.0 / 3.0));

    // Men: M3 was exempt from the interview, so more enter the appointment
    // stage than the interview: a negative drop-off (a net inflow).
    assert_eq!(row(0, 1).pass_rate, Some(2.0 / 3.0));
    assert_eq!(row(1, 1).entered, 1);
    assert_eq!(row(1, 1).counts.exempt, 1);
    assert_eq!(row(1, 1).drop_off, Some(1.0 - 2.0));
    assert_eq!(row(2, 1).entered, 2);
    assert_eq!(row(2, 1).pass_rate, Some(1.0)); // pending is not decided
    assert_eq!(row(2, 1).drop_off, None); // the last stage has no next stage

    // Not recorded: withdrew at interview, so nothing was decided there.
    assert_eq!(row(1, 2).pass_rate, None);

    // Totals over all groups.
    assert_eq!(funnel.stages[0].total.entered, 7);
    assert_eq!(funnel.stages[0].total.pass_rate, Some(5.0 / 6.0));

    // Bottom line: passed the last stage over entered the first.
    let bottom: Vec<_> = funnel
        .bottom_line
        .iter()
        .map(|b| {
            (
                b.passed_last_stage,
                b.entered_first_stage,
                b.pending,
                b.selection_rate,
            )
        })
        .collect();
    assert_eq!(
        bottom,
        [
            (1, 3, 0, Some(1.0 / 3.0)),
            (1, 3, 1, Some(1.0 / 3.0)),
            (0, 1, 0, Some(0.0)),
            (2, 7, 1, Some(2.0 / 7.0)),
        ]
    );

    // On the entered basis the pending candidate counts in the denominator.
    let entered = Funnel::new(&counts, RateBasis::Entered).unwrap();
    assert_eq!(entered.stages[2].groups[1].pass_rate, Some(0.5));
    assert_eq!(entered.stages[0].groups[0].pass_rate, Some(2.0 / 3.0));
}

#[test]
fn time_in_stage_from_dated_results() {
    let apps = seven();
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let counts = FunnelCounts::from_applications(&apps, &by_sex, Counting::Applications);
    let times = StageTimes::from_applications(&apps, &by_sex, Counting::Applications);
    let funnel = Funnel::new(&counts, RateBasis::Decided)
        .unwrap()
        .with_stage_times(&times);
    // Every dated step is ten days after the previous one.
    let interview = funnel.stages[1].groups[0].days.unwrap();
    assert_eq!(
        (interview.results, interview.median_days, interview.p90_days),
        (2, 10.0, 10.0)
    );
    assert_eq!(funnel.stages[0].groups[0].days, None); // nothing precedes the first stage
    // F1, M1 (pending, but dated) and M3 (after a dated exempt interview).
    let appointment = funnel.stages[2].total.days.unwrap();
    assert_eq!((appointment.results, appointment.median_days), (3, 10.0));
}

#[test]
fn unique_candidates_count_the_latest_application() {
    let p = pipeline();
    let id = CandidateId::from_external("TWICE");
    let candidate = Candidate::new(id, Profile::parse([("sex", "female")]).unwrap());
    let first = Journey::new(
        &p,
        id,
        [StageResult::new(Stage::APPLICATION, Outcome::Failed)
            .on(NaiveDate::from_ymd_opt(2025, 5, 1).unwrap())],
    )
    .unwrap();
    let second = Journey::new(
        &p,
        id,
        [
            StageResult::new(Stage::APPLICATION, Outcome::Passed)
                .on(NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()),
            StageResult::new(Stage::INTERVIEW, Outcome::Pending),
        ],
    )
    .unwrap();
    // Input order is not date order: the later application still wins.
    let apps = Applications::new(&p, vec![candidate], vec![second, first]).unwrap();
    let b = Breakdown::default();
    let all = FunnelCounts::from_applications(&apps, &b, Counting::Applications);
    assert_eq!(all.counts(0, 0).unwrap().entered(), 2);
    let unique = FunnelCounts::from_applications(&apps, &b, Counting::UniqueCandidates);
    assert_eq!(unique.counts(0, 0).unwrap().entered(), 1);
    assert_eq!(unique.counts(0, 0).unwrap().passed, 1);
    assert_eq!(unique.counts(1, 0).unwrap().pending, 1);
}

#[test]
fn monthly_counts_merge_to_the_year() {
    let apps = synthetic::constable_recruitment(3_000, 11).unwrap();
    let b = Breakdown::parse(["sex", "ethnicity"]).unwrap();
    let year = FunnelCounts::from_applications(&apps, &b, Counting::Applications);
    let mut merged = FunnelCounts::empty(apps.pipeline(), &b);
    let mut placed = 0;
    for m in 0..12u32 {
        let (y, month) = if m < 9 { (2025, 4 + m) } else { (2026, m - 8) };
        let start = NaiveDate::from_ymd_opt(y, month, 1).unwrap();
        let end = start
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .pred_opt()
            .unwrap();
        let month = apps.in_period(&Period::new(start, end).unwrap());
        assert_eq!(month.undated, 0);
        placed += month.applications.journeys().len();
        let counts =
            FunnelCounts::from_applications(&month.applications, &b, Counting::Applications);
        merged.merge(&counts).unwrap();
    }
    assert_eq!(placed, 3_000);
    assert_eq!(merged, year);
    // A financial year holds every synthetic application.
    let fy = apps.in_period(&Period::financial_year(2025).unwrap());
    assert_eq!(
        (fy.applications.journeys().len(), fy.outside, fy.undated),
        (3_000, 0, 0)
    );
}

#[test]
fn the_synthetic_year_shows_the_expected_pattern() {
    let apps = synthetic::constable_recruitment(5_000, 2025).unwrap();
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let counts = FunnelCounts::from_applications(&apps, &by_sex, Counting::Applications);
    let funnel = Funnel::new(&counts, RateBasis::Decided).unwrap();
    let female = Group::parse([("sex", "female")]).unwrap();
    let male = Group::parse([("sex", "male")]).unwrap();
    let (f, m) = (
        counts.group_index(&female).unwrap(),
        counts.group_index(&male).unwrap(),
    );
    // Women apply less ...
    assert!(funnel.stages[0].groups[f].entered < funnel.stages[0].groups[m].entered / 2 + 200);
    // ... but convert better to appointment.
    assert!(funnel.bottom_line[f].selection_rate > funnel.bottom_line[m].selection_rate);
    // Entered always equals the sum of its parts, and totals the sum of groups.
    for stage in &funnel.stages {
        let sum: u64 = stage.groups.iter().map(|r| r.entered).sum();
        assert_eq!(stage.total.entered, sum);
    }
}

#[cfg(feature = "serde")]
#[test]
fn counts_in_the_json_input_contract() {
    let json = r#"{
      "pipeline": {"name": "PC recruitment 2025", "kind": "recruitment",
                   "stages": ["application", "assessment_centre", "interview", "vetting", "appointment"]},
      "breakdown": ["ethnicity"],
      "counts": [
        {"stage": "application", "group": {"ethnicity": "Black"}, "passed": 80, "failed": 40, "withdrew": 3, "pending": 0, "exempt": 0},
        {"stage": "application", "group": {"ethnicity": "White"}, "passed": 600, "failed": 150, "withdrew": 20},
        {"stage": "application", "group": {"ethnicity": "prefer not to say"}, "passed": 9, "failed": 2, "withdrew": 0}
      ]
    }"#;
    let counts: FunnelCounts = serde_json::from_str(json).unwrap();
    let funnel = Funnel::new(&counts, RateBasis::Decided).unwrap();
    let black = &funnel.stages[0].groups[0];
    assert_eq!(black.group.label(), "Black");
    assert_eq!(black.entered, 123);
    assert_eq!(black.pass_rate, Some(80.0 / 120.0));
    assert!(funnel.stages[0].groups[2].group.is_unknown());
    // Stages with no records count zero, and their rates are undefined.
    assert_eq!(funnel.stages[1].groups[0].pass_rate, None);
    assert_eq!(funnel.stages[1].groups[0].conversion, Some(0.0));

    // Round trips.
    let again: FunnelCounts =
        serde_json::from_str(&serde_json::to_string(&counts).unwrap()).unwrap();
    assert_eq!(again, counts);
    let funnel_again: Funnel =
        serde_json::from_str(&serde_json::to_string(&funnel).unwrap()).unwrap();
    assert_eq!(funnel_again, funnel);
    let text = serde_json::to_string(&funnel).unwrap();
    assert!(
        text.contains(r#""pass_rate":null"#),
        "undefined is null: {text}"
    );

    let dup = json.replace("\"White\"", "\"Black\"");
    let err = serde_json::from_str::<FunnelCounts>(&dup)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "counts for stage application, group ethnicity=Black are given more than once"
        ),
        "{err}"
    );
}

#[test]
fn funnel_display_is_an_aligned_table() {
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let counts = FunnelCounts::from_applications(&seven(), &by_sex, Counting::Applications);
    let text = Funnel::new(&counts, RateBasis::Decided)
        .unwrap()
        .to_string();
    assert!(text.contains("sex=female"), "{text}");
    assert!(text.contains("sex=not recorded"), "{text}");
    let header = text.lines().find(|l| l.starts_with("stage")).unwrap();
    let first = text.lines().find(|l| l.starts_with("application")).unwrap();
    assert_eq!(header.len(), first.len(), "columns line up:\n{text}");
}
