//! The impact analysis at the edges of its rules: option ranges, reference
//! ties and shares, the small-reference warning, flagging, the notes of a
//! clean analysis, and the bottom-line decomposition.

use positive_action::{
    AdverseImpactRule, Breakdown, CountRecord, FunnelCounts, Group, ImpactAnalysis, ImpactOptions,
    Pipeline, PipelineKind, ReferencePolicy, Stage,
};

/// One stage by ethnicity: (label, passed, failed).
fn one_stage(rows: &[(&str, u64, u64)]) -> FunnelCounts {
    let pipeline = Pipeline::new("selection", PipelineKind::Recruitment, ["selection"]).unwrap();
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let records = rows.iter().map(|&(label, passed, failed)| {
        CountRecord::new(
            Stage::new("selection").unwrap(),
            Group::parse([("ethnicity", label)]).unwrap(),
            passed,
            failed,
        )
    });
    FunnelCounts::from_records(&pipeline, &by, records).unwrap()
}

/// Two stages by ethnicity: (stage, label, passed, failed, pending).
fn two_stages(cells: &[(&str, &str, u64, u64, u64)]) -> FunnelCounts {
    let pipeline = Pipeline::new("year", PipelineKind::Recruitment, ["sift", "interview"]).unwrap();
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let records = cells
        .iter()
        .map(|&(stage, label, passed, failed, pending)| {
            CountRecord::new(
                Stage::new(stage).unwrap(),
                Group::parse([("ethnicity", label)]).unwrap(),
                passed,
                failed,
            )
            .pending(pending)
        });
    FunnelCounts::from_records(&pipeline, &by, records).unwrap()
}

fn group(label: &str) -> Group {
    Group::parse([("ethnicity", label)]).unwrap()
}

fn reference_of(counts: &FunnelCounts, policy: ReferencePolicy) -> Option<Group> {
    let options = ImpactOptions::new().reference(policy);
    ImpactAnalysis::new(counts, &options).unwrap().stages[0]
        .reference
        .clone()
}

#[test]
fn each_option_is_accepted_exactly_on_its_documented_range() {
    let counts = one_stage(&[("A", 6, 4), ("B", 4, 6)]);
    let ok = |o: ImpactOptions| ImpactAnalysis::new(&counts, &o).is_ok();
    let new = ImpactOptions::new;
    // threshold in (0, 1]
    for (t, valid) in [
        (-0.5, false),
        (0.0, false),
        (1e-300, true),
        (0.5, true),
        (1.0, true),
    ] {
        assert_eq!(ok(new().threshold(t)), valid, "threshold {t}");
    }
    assert!(!ok(new().threshold(1.0 + f64::EPSILON)));
    // alpha and confidence in (0, 1)
    for (x, valid) in [
        (-0.1, false),
        (0.0, false),
        (1e-300, true),
        (0.5, true),
        (1.0, false),
        (1.5, false),
    ] {
        assert_eq!(ok(new().alpha(x)), valid, "alpha {x}");
        assert_eq!(ok(new().confidence(x)), valid, "confidence {x}");
    }
    // min_share in [0, 1)
    for (m, valid) in [
        (-0.01, false),
        (0.0, true),
        (0.5, true),
        (1.0, false),
        (2.0, false),
    ] {
        let policy = ReferencePolicy::HighestRateAmong { min_share: m };
        assert_eq!(ok(new().reference(policy)), valid, "min_share {m}");
    }
    // A known group may be the fixed reference.
    assert!(ok(new().reference(ReferencePolicy::Group(group("B")))));
}

#[test]
fn reference_ties_and_edges() {
    // Equal rates: the larger group, whichever comes first.
    let counts = one_stage(&[("A", 5, 5), ("B", 10, 10)]);
    assert_eq!(
        reference_of(&counts, ReferencePolicy::HighestRate),
        Some(group("B"))
    );
    let counts = one_stage(&[("A", 10, 10), ("B", 5, 5)]);
    assert_eq!(
        reference_of(&counts, ReferencePolicy::HighestRate),
        Some(group("A"))
    );
    // Equal rates and sizes: the first in canonical order.
    let counts = one_stage(&[("A", 5, 5), ("B", 5, 5)]);
    assert_eq!(
        reference_of(&counts, ReferencePolicy::HighestRate),
        Some(group("A"))
    );
    assert_eq!(
        reference_of(&counts, ReferencePolicy::Largest),
        Some(group("A"))
    );
    // The largest group, not the best rate.
    let counts = one_stage(&[("A", 9, 1), ("B", 10, 20)]);
    assert_eq!(
        reference_of(&counts, ReferencePolicy::Largest),
        Some(group("B"))
    );

    // A group holding exactly min_share of decided candidates is eligible;
    // one holding less is not.
    let counts = one_stage(&[("A", 1, 0), ("B", 1, 2)]); // A holds 1/4
    let among = |m| ReferencePolicy::HighestRateAmong { min_share: m };
    assert_eq!(reference_of(&counts, among(0.25)), Some(group("A")));
    assert_eq!(reference_of(&counts, among(0.26)), Some(group("B")));
    let counts = one_stage(&[("A", 2, 0), ("B", 50, 50)]); // A holds 2/102
    assert_eq!(reference_of(&counts, among(0.05)), Some(group("B")));
    assert_eq!(reference_of(&counts, among(0.0)), Some(group("A")));

    // A fixed reference with no one to rate gives no reference, and says so.
    let counts = one_stage(&[("A", 0, 0), ("B", 5, 5)]);
    let options = ImpactOptions::new().reference(ReferencePolicy::Group(group("A")));
    let a = ImpactAnalysis::new(&counts, &options).unwrap();
    assert_eq!(a.stages[0].reference, None);
    assert_eq!(
        a.stages[0].notes,
        [
            "the reference group ethnicity=A has no candidates to rate here, so every impact ratio is undefined"
        ]
    );
    // With candidates it is the reference, whatever the rates.
    let counts = one_stage(&[("A", 1, 9), ("B", 5, 5)]);
    assert_eq!(
        reference_of(&counts, ReferencePolicy::Group(group("A"))),
        Some(group("A"))
    );
}

#[test]
fn a_reference_of_thirty_is_not_warned_and_of_twenty_nine_is() {
    let warned = |n: u64| {
        let counts = one_stage(&[("A", n, 0), ("B", 10, 90)]);
        let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
        a.stages[0]
            .notes
            .iter()
            .any(|n| n.contains("fewer than 30"))
    };
    assert!(warned(29));
    assert!(!warned(30));
}

#[test]
fn a_clean_stage_has_no_notes_and_exact_figures() {
    // White 80 of 100, Black 40 of 100: no zero cell, a large reference.
    let counts = one_stage(&[("Black", 40, 60), ("White", 80, 20)]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let stage = &a.stages[0];
    assert_eq!(stage.notes, Vec::<String>::new());
    assert_eq!(stage.reference, Some(group("White")));
    assert_eq!(stage.reference_rate, Some(0.8));
    assert_eq!(
        (stage.reference_passed, stage.reference_rated),
        (Some(80), Some(100))
    );
    let black = &stage.groups[0];
    assert_eq!(black.impact_ratio, Some(0.5));
    assert!(black.adverse_impact);
    assert!(black.impact_ratio_ci.is_some());
    assert!(black.z_ir.is_some() && black.odds_ratio.is_some());
    // The bottom line of a one-stage pipeline carries only its caveat.
    assert_eq!(
        a.bottom_line.notes,
        [
            "the bottom line is passed at the last stage over entered at the first, whatever the rate basis"
        ]
    );
}

#[test]
fn a_rate_of_zero_leaves_the_interval_and_z_ir_undefined_and_says_so() {
    let counts = one_stage(&[("Black", 0, 100), ("White", 80, 20)]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    assert_eq!(
        a.stages[0].notes,
        ["ethnicity=Black: undefined: impact_ratio_ci (a rate of 0); z_ir (a rate of 0)"]
    );
}

#[test]
fn against_the_overall_rate_each_group_is_tested_against_everyone_else() {
    let counts = one_stage(&[("Black", 40, 60), ("White", 80, 20)]);
    let options = ImpactOptions::new().reference(ReferencePolicy::Overall);
    let a = ImpactAnalysis::new(&counts, &options).unwrap();
    let stage = &a.stages[0];
    assert_eq!(stage.reference, Some(Group::default()));
    assert_eq!(
        (stage.reference_passed, stage.reference_rated),
        (Some(120), Some(200))
    );
    let black = &stage.groups[0];
    // 0.4 / 0.6, and no interval: the groups overlap the total.
    assert!((black.impact_ratio.unwrap() - 2.0 / 3.0).abs() <= 1e-15);
    assert_eq!(black.impact_ratio_ci, None);
    // Fisher's test is of Black (40 of 100) against White (80 of 100).
    let table = positive_action::stats::TwoByTwo::new(40, 60, 80, 20).unwrap();
    assert_eq!(black.fisher, Some(table.fisher_exact()));
    assert_eq!(
        stage.notes,
        [
            "against the overall rate, tests and shortfalls compare each group with all other candidates; the impact ratio interval is not given, as the groups overlap"
        ]
    );
    // One group alone has no one else to be tested against.
    let counts = one_stage(&[("Black", 40, 60)]);
    let a = ImpactAnalysis::new(&counts, &options).unwrap();
    assert!(
        a.stages[0]
            .notes
            .iter()
            .any(|n| n.contains("every test (no other candidate to compare with)")),
        "{:?}",
        a.stages[0].notes
    );
}

#[test]
fn flagged_is_known_non_reference_groups_under_the_rule() {
    // A is the reference; B is significantly lower; C is close to A; the
    // not-recorded group is far lower but never flagged.
    let counts = one_stage(&[("A", 60, 40), ("B", 30, 70), ("C", 58, 42), ("", 10, 90)]);
    for rule in [
        AdverseImpactRule::FourFifths,
        AdverseImpactRule::Significant,
        AdverseImpactRule::FourFifthsAndSignificant,
    ] {
        let a = ImpactAnalysis::new(&counts, &ImpactOptions::new().rule(rule)).unwrap();
        let flagged: Vec<String> = a
            .flagged()
            .iter()
            .map(|(s, g)| format!("{}: {}", s.stage, g.group))
            .collect();
        // One stage: the bottom line is the same decision, not repeated.
        assert_eq!(flagged, ["selection: ethnicity=B"], "{rule:?}");
    }
    // Two stages: the bottom line is a finding of its own.
    let counts = two_stages(&[
        ("sift", "A", 80, 20, 0),
        ("interview", "A", 40, 40, 0),
        ("sift", "B", 40, 60, 0),
        ("interview", "B", 8, 32, 0),
    ]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let flagged: Vec<String> = a
        .flagged()
        .iter()
        .map(|(s, g)| format!("{}: {}", s.stage, g.group))
        .collect();
    assert_eq!(
        flagged,
        [
            "sift: ethnicity=B",
            "interview: ethnicity=B",
            "bottom_line: ethnicity=B"
        ]
    );
}

#[test]
fn the_decomposition_splits_ln_ir_by_stage_exactly() {
    // White: 80 of 100 pass the sift, 40 of 80 the interview.
    // Black: 40 of 100 and 8 of 40. Stage ratios 0.5 and 0.4, bottom line
    // 0.08 / 0.4 = 0.2 = 0.5 · 0.4; the interview pinches.
    let counts = two_stages(&[
        ("sift", "Black", 40, 60, 0),
        ("interview", "Black", 8, 32, 0),
        ("sift", "White", 80, 20, 0),
        ("interview", "White", 40, 40, 0),
        ("sift", "", 5, 5, 0),
        ("interview", "", 5, 0, 0),
    ]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    // Neither the reference nor the unknown group is decomposed.
    assert_eq!(a.decomposition.len(), 1);
    let d = &a.decomposition[0];
    assert_eq!(d.group, group("Black"));
    assert_eq!(d.reference, group("White"));
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * y.abs();
    let ratios: Vec<f64> = d.stages.iter().map(|t| t.impact_ratio.unwrap()).collect();
    assert!(close(ratios[0], 0.5) && close(ratios[1], 0.4), "{ratios:?}");
    let shares: Vec<f64> = d.stages.iter().map(|t| t.share.unwrap()).collect();
    assert!(close(shares[0], 0.5f64.ln() / 0.2f64.ln()), "{shares:?}");
    assert!(close(shares[1], 0.4f64.ln() / 0.2f64.ln()), "{shares:?}");
    assert!(close(d.product_of_stage_ratios.unwrap(), 0.2));
    assert!(close(d.bottom_line_impact_ratio.unwrap(), 0.2));
    assert_eq!(d.pinch_point.as_deref(), Some("interview"));
    assert_eq!((d.pending, d.notes.len()), (0, 0), "{:?}", d.notes);

    // Against the overall rate every known group is decomposed.
    let options = ImpactOptions::new().reference(ReferencePolicy::Overall);
    let a = ImpactAnalysis::new(&counts, &options).unwrap();
    let groups: Vec<&Group> = a.decomposition.iter().map(|d| &d.group).collect();
    assert_eq!(groups, [&group("Black"), &group("White")]);
}

#[test]
fn the_decomposition_of_equal_and_empty_stages() {
    // Equal rates at both stages: ratio 1, no pinch point, no shares.
    let counts = two_stages(&[
        ("sift", "Black", 5, 5, 0),
        ("interview", "Black", 2, 3, 0),
        ("sift", "White", 50, 50, 0),
        ("interview", "White", 20, 30, 0),
    ]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let d = &a.decomposition[0];
    assert_eq!(d.pinch_point, None);
    assert!(d.stages.iter().all(|t| t.share.is_none()));
    assert_eq!(
        d.notes,
        ["the bottom-line impact ratio is exactly 1, so there are no shares to split"]
    );
    // No Black candidate passes the interview: its ln is undefined.
    let counts = two_stages(&[
        ("sift", "Black", 5, 5, 0),
        ("interview", "Black", 0, 3, 2),
        ("sift", "White", 50, 50, 0),
        ("interview", "White", 20, 30, 0),
    ]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let d = &a.decomposition[0];
    assert_eq!(d.stages[1].impact_ratio, Some(0.0));
    assert_eq!(d.stages[1].ln_impact_ratio, None);
    assert_eq!(d.pinch_point, None);
    assert_eq!(d.pending, 2);
    assert_eq!(
        d.notes,
        [
            "the decomposition is undefined: the stage impact ratio is undefined or 0 at interview",
            "2 pending candidates are left out of the stage rates",
        ]
    );
}

#[test]
fn everyone_passing_every_stage_is_one_funnel_and_needs_no_explaining() {
    // All 10 of A entered the sift and passed the interview: passed at the
    // last stage equals entered at the first, which is a funnel.
    let counts = two_stages(&[
        ("sift", "A", 10, 0, 0),
        ("interview", "A", 10, 0, 0),
        ("sift", "B", 10, 10, 0),
        ("interview", "B", 5, 5, 0),
    ]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    assert!(
        !a.bottom_line
            .notes
            .iter()
            .any(|n| n.contains("passed the last stage")),
        "{:?}",
        a.bottom_line.notes
    );
    assert_eq!(a.bottom_line.groups[0].pass_rate, Some(1.0));
}

#[test]
fn past_two_to_the_53_exactly_four_fifths_is_still_not_adverse() {
    // 5·2^50 candidates in each group: past 2^53 together, so the tests are
    // dropped, but the impact ratio is exact: 4/5 is not below 0.8.
    let n = 5u64 << 50;
    let counts = one_stage(&[("A", n, 0), ("B", 4 << 50, 1 << 50)]);
    let a = ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap();
    let b = &a.stages[0].groups[1];
    assert_eq!(b.impact_ratio, Some(0.8));
    assert!(b.fisher.is_none());
    assert!(!b.adverse_impact);
    assert!(a.flagged().is_empty());
}
