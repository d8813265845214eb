//! Adverse impact through the public API: the Uniform Guidelines example,
//! reference policies, unknown groups, option errors, the bottom-line
//! decomposition, strata, and the check other test suites call.

use positive_action::impact::{StratifiedImpact, Stratum};
use positive_action::{
    AdverseImpactRule, Breakdown, CountRecord, Counting, Error, FunnelCounts, Group,
    ImpactAnalysis, ImpactOptions, Pipeline, PipelineKind, RateBasis, ReferencePolicy, Stage,
    check_no_adverse_impact,
};

use crate::synthetic;

fn one_stage(rows: &[(&str, u64, u64)]) -> FunnelCounts {
    let pipeline = Pipeline::new("selection", PipelineKind::Recruitment, ["selection"]).unwrap();
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let records = rows.iter().map(|&(label, passed, failed)| CountRecord {
        stage: Stage::new("selection").unwrap(),
        group: Group::parse([("ethnicity", label)]).unwrap(),
        passed,
        failed,
        withdrew: 0,
        pending: 0,
        exempt: 0,
    });
    FunnelCounts::from_records(&pipeline, &by, records).unwrap()
}

fn row<'a>(
    stage: &'a positive_action::impact::StageImpact,
    label: &str,
) -> &'a positive_action::impact::GroupImpact {
    stage
        .groups
        .iter()
        .find(|g| g.group.label() == label)
        .unwrap()
}

#[test]
fn uniform_guidelines_qa_example() {
    // Selection rates 60%, 45%, 48% and 51%: impact ratios 0.75, 0.80 and
    // 0.85; only 0.75 is adverse, because exactly 0.80 is not.
    let counts = one_stage(&[("A", 60, 40), ("B", 45, 55), ("C", 48, 52), ("D", 51, 49)]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let s = &a.stages[0];
    assert_eq!(
        s.reference,
        Some(Group::parse([("ethnicity", "A")]).unwrap())
    );
    assert_eq!(s.reference_rate, Some(0.6));
    let ratios: Vec<f64> = ["B", "C", "D"]
        .iter()
        .map(|l| row(s, l).impact_ratio.unwrap())
        .collect();
    for (got, want) in ratios.iter().zip([0.75, 0.80, 0.85]) {
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
    assert!(row(s, "B").adverse_impact);
    assert!(!row(s, "C").adverse_impact);
    assert!(!row(s, "D").adverse_impact);
    let reference = row(s, "A");
    assert!(
        reference.reference && reference.impact_ratio == Some(1.0) && reference.fisher.is_none()
    );
    // The shortfall to the threshold is what it takes to clear it: B needs
    // 3 more selections (48/100 = 0.80 of 60%).
    assert_eq!(row(s, "B").shortfall.unwrap().to_threshold, Some(3));
    assert_eq!(row(s, "B").shortfall.unwrap().to_parity, Some(15.0));
}

#[test]
fn exactly_four_fifths_is_not_adverse_even_where_rates_round() {
    // (32/100) / (60/150) is 0.7999999999999999 as a quotient of rates;
    // the ratio is exactly 4/5 and must not be flagged.
    let counts = one_stage(&[("A", 60, 90), ("B", 32, 68)]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let b = row(&a.stages[0], "B");
    assert_eq!(b.impact_ratio, Some(0.8));
    assert!(!b.adverse_impact);
    assert_eq!(b.shortfall.unwrap().to_threshold, Some(0));
}

#[test]
fn reference_policies() {
    // A tiny group with the highest rate: NYC Local Law 144 lets a group
    // under 2% of decided candidates be excluded from being the reference.
    let counts = one_stage(&[("Tiny", 3, 0), ("White", 300, 200), ("Black", 100, 100)]);
    let highest = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    assert_eq!(
        highest.stages[0].reference.as_ref().unwrap().label(),
        "Tiny"
    );

    let nyc = ImpactOptions::new().reference(ReferencePolicy::HighestRateAmong { min_share: 0.02 });
    let a = ImpactAnalysis::new(&counts, &nyc).unwrap();
    assert_eq!(a.stages[0].reference.as_ref().unwrap().label(), "White");
    assert!((row(&a.stages[0], "Black").impact_ratio.unwrap() - 0.5 / 0.6).abs() < 1e-12);

    let fixed = ImpactOptions::new().reference(ReferencePolicy::Group(
        Group::parse([("ethnicity", "Black")]).unwrap(),
    ));
    let a = ImpactAnalysis::new(&counts, &fixed).unwrap();
    assert!(row(&a.stages[0], "Black").reference);
    assert!((row(&a.stages[0], "White").impact_ratio.unwrap() - 1.2).abs() < 1e-12);

    let overall = ImpactOptions::new().reference(ReferencePolicy::Overall);
    let a = ImpactAnalysis::new(&counts, &overall).unwrap();
    let s = &a.stages[0];
    assert_eq!(s.reference, Some(Group::default()));
    assert_eq!(s.reference_rate, Some(403.0 / 703.0));
    assert!((row(s, "Black").impact_ratio.unwrap() - 0.5 / (403.0 / 703.0)).abs() < 1e-12);
    assert!(row(s, "Black").impact_ratio_ci.is_none());
    // Against the overall rate, tests compare with everyone else:
    // Black 100/200 against 303/503.
    let expected = positive_action::stats::TwoByTwo::new(100, 100, 303, 200)
        .unwrap()
        .fisher_exact();
    assert_eq!(
        row(s, "Black").fisher.unwrap().two_sided,
        expected.two_sided
    );
    assert!(
        s.notes.iter().any(|n| n.contains("all other candidates")),
        "{:?}",
        s.notes
    );
}

#[test]
fn unknown_groups_are_never_reference_nor_flagged() {
    let counts = one_stage(&[
        ("prefer not to say", 10, 0),
        ("White", 60, 40),
        ("", 1, 99),
        ("Asian", 20, 80),
    ]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let s = &a.stages[0];
    assert_eq!(s.reference.as_ref().unwrap().label(), "White");
    let unknown = row(s, "not recorded");
    assert!(unknown.unknown && !unknown.adverse_impact);
    assert!(unknown.impact_ratio.unwrap() < 0.8);
    assert!(row(s, "Asian").adverse_impact);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("never the reference and never flagged"))
    );
    let flagged: Vec<String> = a.flagged().iter().map(|(_, g)| g.group.label()).collect();
    // One stage: its bottom line is the same decision, reported once.
    assert_eq!(flagged, ["Asian"]);
}

#[test]
fn options_out_of_range_are_named_errors() {
    let counts = one_stage(&[("A", 6, 4), ("B", 4, 6)]);
    let cases = [
        (
            ImpactOptions::new().threshold(0.0),
            "threshold is 0: expected a number in (0, 1]",
        ),
        (
            ImpactOptions::new().threshold(1.01),
            "threshold is 1.01: expected a number in (0, 1]",
        ),
        (
            ImpactOptions::new().threshold(f64::NAN),
            "threshold is NaN: expected a number in (0, 1]",
        ),
        (
            ImpactOptions::new().alpha(1.0),
            "alpha is 1: expected a number in (0, 1)",
        ),
        (
            ImpactOptions::new().confidence(0.0),
            "confidence is 0: expected a number in (0, 1)",
        ),
        (
            ImpactOptions::new().reference(ReferencePolicy::HighestRateAmong { min_share: 1.0 }),
            "min_share is 1: expected a number in [0, 1)",
        ),
        (
            ImpactOptions::new().reference(ReferencePolicy::Group(
                Group::parse([("ethnicity", "Klingon")]).unwrap(),
            )),
            "reference group ethnicity=Klingon is not among the groups of the counts",
        ),
        (
            ImpactOptions::new().reference(ReferencePolicy::Group(
                Group::parse([("ethnicity", "")]).unwrap(),
            )),
            "reference group ethnicity=not recorded is an unknown group (prefer not to say or not recorded), which is never the reference",
        ),
    ];
    for (options, expected) in cases {
        let err = ImpactAnalysis::new(&counts, &options).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    // Exactly 1 is a valid threshold.
    assert!(ImpactAnalysis::new(&counts, &ImpactOptions::new().threshold(1.0)).is_ok());
}

#[test]
fn undefined_figures_are_none_with_a_note() {
    let counts = one_stage(&[("A", 0, 10), ("B", 0, 5), ("C", 0, 0)]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let s = &a.stages[0];
    // Every rate is 0: the reference rate is 0 and every ratio undefined.
    assert_eq!(s.reference_rate, Some(0.0));
    assert!(row(s, "B").impact_ratio.is_none());
    assert!(row(s, "B").z_test.is_none());
    assert!(row(s, "C").pass_rate.is_none());
    assert!(
        s.notes.iter().any(|n| n.contains("reference rate is 0")),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("ethnicity=C: no candidate to rate")),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes.iter().any(|n| n.contains("z_test")),
        "{:?}",
        s.notes
    );
}

#[test]
fn the_synthetic_year_pinches_at_the_assessment_centre() {
    let apps = synthetic::constable_recruitment(20_000, 3).unwrap();
    let by_ethnicity = Breakdown::parse(["ethnicity"]).unwrap();
    let counts = FunnelCounts::from_applications(&apps, &by_ethnicity, Counting::Applications);
    let white = Group::parse([("ethnicity", "White")]).unwrap();
    let options = ImpactOptions::new()
        .reference(ReferencePolicy::Group(white))
        .basis(RateBasis::Entered);
    let a = ImpactAnalysis::new(&counts, &options).unwrap();
    let centre = &a.stages[3];
    assert_eq!(centre.stage, "assessment_centre");
    for label in ["Asian", "Black"] {
        assert!(
            row(centre, label).adverse_impact,
            "{label} at the assessment centre"
        );
        assert!(row(centre, label).fisher.unwrap().two_sided < 1e-6);
        let d = a
            .decomposition
            .iter()
            .find(|d| d.group.label() == label)
            .unwrap();
        assert_eq!(d.pinch_point.as_deref(), Some("assessment_centre"), "{d:?}");
        let shares: f64 = d.stages.iter().filter_map(|s| s.share).sum();
        assert!((shares - 1.0).abs() < 1e-9);
        // Pending candidates break the exact identity, and the note says so.
        assert!(d.pending > 0);
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("pending candidates are left out"))
        );
    }
}

#[test]
fn uc_berkeley_admissions_pool_without_simpsons_paradox() {
    // UC Berkeley graduate admissions, 1973, by department: pooled, women's
    // admission rate is 0.68 of men's; department by department, women
    // were not at a disadvantage.
    let departments = [
        ("A", (89, 19), (512, 313)),
        ("B", (17, 8), (353, 207)),
        ("C", (202, 391), (120, 205)),
        ("D", (131, 244), (138, 279)),
        ("E", (94, 299), (53, 138)),
        ("F", (24, 317), (22, 351)),
    ];
    let pipeline = Pipeline::new(
        "graduate admissions 1973",
        PipelineKind::Recruitment,
        ["admission"],
    )
    .unwrap();
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let strata: Vec<Stratum> = departments
        .iter()
        .map(|&(name, (fa, fr), (ma, mr))| {
            let rec = |sex: &str, passed, failed| CountRecord {
                stage: Stage::new("admission").unwrap(),
                group: Group::parse([("sex", sex)]).unwrap(),
                passed,
                failed,
                withdrew: 0,
                pending: 0,
                exempt: 0,
            };
            Stratum {
                name: name.to_owned(),
                counts: FunnelCounts::from_records(
                    &pipeline,
                    &by_sex,
                    [rec("female", fa, fr), rec("male", ma, mr)],
                )
                .unwrap(),
            }
        })
        .collect();
    let options = ImpactOptions::new().reference(ReferencePolicy::Group(
        Group::parse([("sex", "male")]).unwrap(),
    ));

    let mut pooled = FunnelCounts::empty(&pipeline, &by_sex);
    for s in &strata {
        pooled.merge(&s.counts).unwrap();
    }
    let crude = ImpactAnalysis::new(&pooled, &options).unwrap();
    let women = row(&crude.stages[0], "female");
    assert!((women.impact_ratio.unwrap() - 0.6818298435630683).abs() < 1e-12);
    assert!(women.adverse_impact);

    let s = StratifiedImpact::new(&strata, &options).unwrap();
    let women = &s.stages[0].groups[0];
    assert_eq!(
        (women.group.label(), women.strata),
        ("female".to_owned(), 6)
    );
    let mh = women.mantel_haenszel.unwrap();
    // statsmodels StratifiedTable (tests/fixtures/stats/generate.py).
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
    assert!(close(mh.common_odds_ratio.unwrap(), 1.1053426615022164));
    assert!(close(mh.statistic, 1.4269462285866952));
    assert!(close(mh.p_value, 0.2322634628170468));
    assert!(close(mh.statistic_uncorrected, 1.5246066604434427));
    assert!(close(mh.p_value_uncorrected, 0.21692369705551717));
    let bd = women.breslow_day.unwrap();
    assert!(close(bd.statistic, 18.82550125205277), "{bd:?}");
    assert!(close(bd.p_value, 0.0020714013978812007), "{bd:?}");
}

#[test]
fn a_sift_algorithm_is_fair_on_its_fixture_population() -> Result<(), Box<dyn std::error::Error>> {
    // What a team that ships a sift asserts in its own test suite.
    let counts = one_stage(&[("White", 400, 600), ("Black", 95, 155), ("Asian", 130, 190)]);
    check_no_adverse_impact(&counts, &ImpactOptions::new())?;
    Ok(())
}

#[test]
fn an_unfair_sift_fails_with_a_readable_table() {
    let counts = one_stage(&[("White", 400, 600), ("Black", 60, 190), ("Asian", 130, 190)]);
    let err = check_no_adverse_impact(
        &counts,
        &ImpactOptions::new().rule(AdverseImpactRule::FourFifthsOrSignificant),
    )
    .unwrap_err();
    let Error::AdverseImpact(findings) = &err else {
        panic!("expected adverse impact, got {err}");
    };
    // One decision: the stage is the bottom line, so it is reported once.
    assert_eq!(findings.findings.len(), 1);
    assert_eq!(findings.groups(), 1);
    let text = format!("{err:?}"); // what `unwrap` and a failing test print
    assert!(
        text.starts_with("adverse impact in \"selection\": 1 group at 1 stage"),
        "{text}"
    );
    assert!(
        text.contains("60/250"),
        "passed of rated beside the rate: {text}"
    );
    assert!(text.contains("ethnicity=Black"), "{text}");
    assert!(text.contains("0.591"), "the ratio 0.24 / (130/320): {text}");
    assert!(text.contains("Fisher p"), "{text}");
}

#[test]
fn a_small_highest_rate_reference_is_warned_and_the_largest_group_is_offered() {
    // The case: the highest rate belongs to a group of 5, and a
    // group of 300 is flagged against it.
    let counts = one_stage(&[("Small", 4, 1), ("Large", 150, 150), ("Other", 90, 60)]);
    let highest = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let s = &highest.stages[0];
    assert_eq!(s.reference.as_ref().unwrap().label(), "Small");
    assert!(row(s, "Large").adverse_impact); // 0.5 / 0.8 = 0.625
    let warning = s
        .notes
        .iter()
        .find(|n| n.contains("fewer than 30 candidates rated"))
        .unwrap_or_else(|| panic!("no small-reference warning in {:?}", s.notes));
    assert!(warning.contains("ethnicity=Small"), "{warning}");
    assert!(
        s.reference_reason
            .as_deref()
            .unwrap()
            .contains("highest rate (Uniform Guidelines, 29 CFR 1607.4(D))"),
        "{:?}",
        s.reference_reason
    );
    assert_eq!(positive_action::impact::SMALL_REFERENCE_GROUP, 30);

    // The largest group: Large (300 rated), so Small is compared with it.
    let largest = ImpactOptions::new().reference(ReferencePolicy::Largest);
    let a = ImpactAnalysis::new(&counts, &largest).unwrap();
    let s = &a.stages[0];
    assert_eq!(s.reference.as_ref().unwrap().label(), "Large");
    assert_eq!(s.reference_rated, Some(300));
    assert_eq!(s.reference_rate, Some(0.5));
    assert_eq!(row(s, "Small").impact_ratio, Some(0.8 / 0.5));
    assert_eq!(row(s, "Other").impact_ratio, Some(0.6 / 0.5));
    assert!(!row(s, "Large").adverse_impact);
    assert!(
        s.notes.iter().all(|n| !n.contains("fewer than 30")),
        "{:?}",
        s.notes
    );
    assert!(
        s.reference_reason
            .as_deref()
            .unwrap()
            .contains("most candidates rated"),
        "{:?}",
        s.reference_reason
    );
    // The bottom line follows the same rule.
    assert_eq!(a.bottom_line.reference.as_ref().unwrap().label(), "Large");

    // Exactly 30 rated is not small; 29 is.
    let at = one_stage(&[("A", 30, 0), ("B", 100, 100)]);
    let a = ImpactAnalysis::new(&at, &ImpactOptions::new()).unwrap();
    assert!(
        a.stages[0]
            .notes
            .iter()
            .all(|n| !n.contains("fewer than 30"))
    );
    let below = one_stage(&[("A", 29, 0), ("B", 100, 100)]);
    let a = ImpactAnalysis::new(&below, &ImpactOptions::new()).unwrap();
    assert!(
        a.stages[0]
            .notes
            .iter()
            .any(|n| n.contains("fewer than 30"))
    );
    // A fixed group that is small is warned about too.
    let fixed = ImpactOptions::new().reference(ReferencePolicy::Group(
        Group::parse([("ethnicity", "A")]).unwrap(),
    ));
    let a = ImpactAnalysis::new(&below, &fixed).unwrap();
    assert!(
        a.stages[0]
            .notes
            .iter()
            .any(|n| n.contains("fewer than 30"))
    );
    assert!(
        a.stages[0]
            .reference_reason
            .as_deref()
            .unwrap()
            .contains("fixed by the analysis options")
    );
}

#[test]
fn the_largest_group_ties_to_canonical_order_and_skips_unknown_groups() {
    let counts = one_stage(&[("B", 10, 90), ("A", 50, 50), ("not recorded", 400, 400)]);
    let a = ImpactAnalysis::new(
        &counts,
        &ImpactOptions::new().reference(ReferencePolicy::Largest),
    )
    .unwrap();
    // A and B both have 100 rated: A comes first; the unknown group of 800
    // is never the reference.
    assert_eq!(a.stages[0].reference.as_ref().unwrap().label(), "A");
    let none = one_stage(&[("not recorded", 1, 1)]);
    let a = ImpactAnalysis::new(
        &none,
        &ImpactOptions::new().reference(ReferencePolicy::Largest),
    )
    .unwrap();
    assert_eq!(a.stages[0].reference, None);
    assert_eq!(a.stages[0].reference_reason, None);
    assert!(
        a.stages[0]
            .notes
            .iter()
            .any(|n| n == "no known group has a candidate to rate, so there is no reference group"),
        "{:?}",
        a.stages[0].notes
    );
    assert_eq!(ReferencePolicy::Largest.to_string(), "largest group");
}

#[cfg(feature = "serde")]
#[test]
fn the_report_says_which_reference_and_why() {
    use positive_action::report::{Report, ReportOptions};
    let counts = one_stage(&[("Small", 4, 1), ("Large", 150, 150)]);
    let options = ReportOptions {
        breakdown: Breakdown::parse(["ethnicity"]).unwrap(),
        impact: ImpactOptions::new(),
        min_cell: 0,
    };
    let report = Report::new(&counts, &options, &[]).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let stage = &json["stages"][0];
    assert!(
        stage["reference_reason"]
            .as_str()
            .unwrap()
            .contains("highest rate"),
        "{stage}"
    );
    assert!(
        stage["notes"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("fewer than 30 candidates rated")),
        "{stage}"
    );
    let text = report.to_text();
    assert!(
        text.contains("reference chosen as: the known group with the highest rate"),
        "{text}"
    );
    assert!(text.contains("fewer than 30 candidates rated"), "{text}");
    // "largest" is accepted in JSON options.
    let policy: ReferencePolicy = serde_json::from_str("\"largest\"").unwrap();
    assert_eq!(policy, ReferencePolicy::Largest);
}

#[test]
fn a_small_largest_group_is_warned_without_suggesting_itself() {
    let counts = one_stage(&[("A", 10, 10), ("B", 3, 2)]);
    let a = ImpactAnalysis::new(
        &counts,
        &ImpactOptions::new().reference(ReferencePolicy::Largest),
    )
    .unwrap();
    let note = a.stages[0]
        .notes
        .iter()
        .find(|n| n.contains("fewer than 30"))
        .unwrap();
    assert!(!note.contains("largest group is a steadier"), "{note}");
}

/// Two stages for two ethnic groups, each cell (stage, group, passed,
/// failed, withdrew).
fn two_stages(cells: &[(&str, &str, u64, u64, u64)]) -> FunnelCounts {
    let pipeline = Pipeline::new("year", PipelineKind::Recruitment, ["sift", "interview"]).unwrap();
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let records = cells
        .iter()
        .map(|&(stage, label, passed, failed, withdrew)| {
            CountRecord::new(
                Stage::new(stage).unwrap(),
                Group::parse([("ethnicity", label)]).unwrap(),
                passed,
                failed,
            )
            .withdrew(withdrew)
        });
    FunnelCounts::from_records(&pipeline, &by, records).unwrap()
}

#[test]
fn the_bottom_line_entered_is_who_entered_the_first_stage() {
    // The case: 123 Black candidates entered the sift and 80
    // passed, but the counts give only 20 at the interview (aggregated
    // counts need not be one funnel). The sum of exits is 10 + 50 + 3 = 63;
    // the bottom line's entered is 123, as its rate 10/123 says.
    let counts = two_stages(&[
        ("sift", "Black", 80, 40, 3),
        ("interview", "Black", 10, 10, 0),
        ("sift", "White", 80, 20, 0),
        ("interview", "White", 40, 40, 0),
    ]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let black = row(&a.bottom_line, "Black");
    assert_eq!(black.entered, 123);
    assert_eq!(black.passed, 10);
    assert_eq!(black.rated, 123);
    assert_eq!(black.pass_rate, Some(10.0 / 123.0));
    let white = row(&a.bottom_line, "White");
    assert_eq!(white.entered, 100);
    assert_eq!(white.pass_rate, Some(40.0 / 100.0));
}

#[test]
fn more_passing_the_last_stage_than_entered_the_first_is_explained() {
    // 30 Black candidates pass the interview though 20 entered the sift:
    // these are not one funnel, and the note must say so rather than
    // "no candidate to rate" beside entered = 20.
    let counts = two_stages(&[
        ("sift", "Black", 10, 10, 0),
        ("interview", "Black", 30, 5, 0),
        ("sift", "White", 80, 20, 0),
        ("interview", "White", 40, 40, 0),
    ]);
    let problems = counts.flow_problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    match &problems[0] {
        Error::ImpossibleFlow {
            group,
            stage,
            entered,
            previous,
            before,
        } => {
            assert_eq!(group, "ethnicity=Black");
            assert_eq!((stage.as_str(), *entered), ("interview", 35));
            assert_eq!((previous.as_str(), *before), ("sift", 10));
        }
        other => panic!("expected an impossible flow, got {other}"),
    }
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let black = row(&a.bottom_line, "Black");
    assert_eq!(black.entered, 20);
    assert_eq!(black.pass_rate, None);
    let notes = a.bottom_line.notes.join("\n");
    assert!(!notes.contains("no candidate to rate"), "{notes}");
    assert!(
        notes.contains("30 passed the last stage (interview) but only 20 entered the first (sift)"),
        "{notes}"
    );
}

#[test]
fn a_real_funnel_has_no_flow_problems_and_exempt_candidates_count_as_coming_through() {
    let pipeline = Pipeline::new("year", PipelineKind::Recruitment, ["sift", "interview"]).unwrap();
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let black = Group::parse([("ethnicity", "Black")]).unwrap();
    // 10 passed the sift and 2 were exempt from it: 12 may reach the
    // interview, whether they enter it or are exempt from it.
    let counts = |interview_exempt: u64| {
        FunnelCounts::from_records(
            &pipeline,
            &by,
            [
                CountRecord::new(Stage::new("sift").unwrap(), black.clone(), 10, 5).exempt(2),
                CountRecord::new(Stage::new("interview").unwrap(), black.clone(), 6, 4)
                    .exempt(interview_exempt),
            ],
        )
        .unwrap()
    };
    assert!(counts(2).flow_problems().is_empty());
    assert_eq!(counts(3).flow_problems().len(), 1);
    let year = synthetic::recruitment_with_interview_workshop(2_000, 7).unwrap();
    let from_records = FunnelCounts::from_applications(
        &year.applications,
        &Breakdown::parse(["ethnicity"]).unwrap(),
        Counting::Applications,
    );
    assert!(from_records.flow_problems().is_empty());
}

#[test]
fn counts_past_two_to_the_53_keep_their_rates_and_say_which_figures_are_dropped() {
    // 2^53 + 1 White candidates passed: no f64 holds that exactly, so the
    // tests are dropped for the comparison, but the analysis stands.
    let big = (1u64 << 53) + 1;
    let counts = one_stage(&[("White", big, big - 1), ("Black", 30, 70)]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let stage = &a.stages[0];
    let black = row(stage, "Black");
    assert_eq!(black.passed, 30);
    assert_eq!(black.pass_rate, Some(0.3));
    // 0.3 / (big / (2 big - 1)), compared exactly and then rounded once.
    let ratio = black.impact_ratio.unwrap();
    assert!((ratio - 0.6).abs() < 1e-12, "{ratio}");
    assert!(black.adverse_impact);
    assert!(black.fisher.is_none() && black.z_test.is_none() && black.shortfall.is_none());
    let notes = stage.notes.join("\n");
    assert!(
        notes.contains(&format!(
            "ethnicity=Black: not given: the interval, every test, the effect sizes and the shortfalls, as the comparison counts {} candidates, past 2^53",
            2 * big - 1 + 100
        )),
        "{notes}"
    );
    // The reference's own row is whole.
    assert_eq!(row(stage, "White").impact_ratio, Some(1.0));
}
