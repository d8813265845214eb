//! Issue 11: a lawful basis that cannot be bypassed, and evidence that
//! means something. Each test names the case a force's legal adviser would
//! try; every one of them was accepted (and recorded as lawful) before.

use positive_action::interventions::{
    Banding, Completion, Delivery, Eligibility, EvaluationOptions, EvidenceFinding, EvidenceGrade,
    Intervention, InterventionEvaluation, InterventionKind, LawfulBasis, MeasureEffect, Merit,
    Participation, PositiveActionEvidence, PreferentialTreatment, QualificationRule,
    RepresentationFigure, RuleApplication, Section158Condition, TieBreak, TieBreakCase,
    TieBreakCondition, TieBreakRule,
};
use positive_action::records::Rank;
use positive_action::report::{Report, ReportOptions};
use positive_action::workforce::{TARGET_CAVEAT, TargetPlan};
use positive_action::{
    Breakdown, Candidate, CandidateId, CountRecord, Error, Funnel, FunnelCounts, Group,
    ImpactAnalysis, ImpactOptions, Outcome, Pipeline, PipelineKind, Profile, RateBasis, Stage,
};

use super::{Builder, TookPart, day, group, path};

fn recruitment() -> Pipeline {
    Pipeline::police_constable_recruitment("PC 2025/26")
}

fn promotion() -> Pipeline {
    Pipeline::police_promotion("sergeant 2025", Rank::CONSTABLE, Rank::SERGEANT).unwrap()
}

fn only(g: &[(&str, &str)]) -> Eligibility {
    Eligibility::any_of([group(g)]).unwrap()
}

fn unlawful(err: Error) -> (&'static str, String) {
    let text = err.to_string();
    match err {
        Error::UnlawfulMeasure { section, .. } => (section, text),
        other => panic!("expected an unlawful measure, got {other}"),
    }
}

// ---------------------------------------------------------------------
// 1. s.13(3) is for disabled people, all of them, and nothing else.
// ---------------------------------------------------------------------

fn favourable(eligibility: Eligibility) -> positive_action::Result<Intervention> {
    Intervention::new(
        "disability sift",
        InterventionKind::GuaranteedInterview,
        &recruitment(),
        ["sift"],
        eligibility,
        LawfulBasis::DisabilityFavourableTreatment,
    )
}

#[test]
fn s13_3_for_people_who_are_not_disabled_is_refused() {
    let (section, msg) = unlawful(favourable(only(&[("disability", "no")])).unwrap_err());
    assert_eq!(section, "s.13(3)");
    assert!(msg.contains("for disability=no"), "{msg}");
    assert!(msg.contains("are not disabled people"), "{msg}");
    assert!(
        msg.contains("lawful instead: eligibility disability=yes"),
        "{msg}"
    );
    // A lower pass mark or reserved places can never be attached to it.
    let mentoring = Intervention::new(
        "m",
        InterventionKind::Mentoring,
        &recruitment(),
        ["sift"],
        only(&[("disability", "no")]),
        LawfulBasis::DisabilityFavourableTreatment,
    );
    assert!(matches!(
        mentoring,
        Err(Error::UnlawfulMeasure {
            section: "s.13(3)",
            ..
        })
    ));
}

#[test]
fn s13_3_narrowed_to_disabled_men_or_disabled_white_people_is_refused() {
    for (other, label, what) in [("sex", "male", "sex"), ("ethnicity", "White", "ethnicity")] {
        let narrowed = only(&[("disability", "yes"), (other, label)]);
        let (section, msg) = unlawful(favourable(narrowed.clone()).unwrap_err());
        assert_eq!(section, "s.13(3)");
        assert!(
            msg.contains(&format!("narrows disabled people by {what}")),
            "{msg}"
        );
        assert!(msg.contains("s.13(1)"), "{msg}");
        // With reserved places or a lower pass mark, still refused: it never
        // gets built.
        let with_places = Intervention::new(
            "reserved",
            InterventionKind::other("reserved places", MeasureEffect::SelectionDecision).unwrap(),
            &recruitment(),
            ["sift"],
            narrowed,
            LawfulBasis::DisabilityFavourableTreatment,
        );
        assert!(with_places.is_err());
    }
    // Disabled people as a class may be treated more favourably.
    let gi = favourable(only(&[("disability", "yes")])).unwrap();
    assert!(
        gi.with_preferential_treatment(PreferentialTreatment::LowerPassMark {
            stage: Stage::SIFT,
            standard: 60.0,
            lowered: 50.0,
        })
        .is_ok()
    );
    // A cohort cannot narrow it either.
    let cohort = positive_action::interventions::Cohort::new("c", day(2025, 1, 1), day(2025, 2, 1))
        .unwrap()
        .with_eligibility(only(&[("disability", "yes"), ("sex", "male")]));
    let err = favourable(only(&[("disability", "yes")]))
        .unwrap()
        .with_cohort(cohort)
        .unwrap_err();
    assert!(err.to_string().contains("(cohort c)"), "{err}");
}

#[test]
fn a_reasonable_adjustment_for_people_who_are_not_disabled_is_refused() {
    let make = |e| {
        Intervention::new(
            "adjustment",
            InterventionKind::ReasonableAdjustment,
            &recruitment(),
            ["assessment_centre"],
            e,
            LawfulBasis::ReasonableAdjustment,
        )
    };
    let (section, msg) = unlawful(make(only(&[("disability", "no")])).unwrap_err());
    assert_eq!(section, "s.20");
    assert!(msg.contains("owed to disabled people"), "{msg}");
    assert!(make(only(&[("disability", "yes")])).is_ok());
    assert!(make(Eligibility::open_to_all()).is_ok());
}

#[test]
fn a_guaranteed_interview_at_the_interview_board_or_appointment_is_refused() {
    let disabled = only(&[("disability", "yes")]);
    for (pipeline, stage) in [
        (recruitment(), "interview"),
        (recruitment(), "appointment"),
        (promotion(), "board"),
    ] {
        let err = Intervention::new(
            "gi",
            InterventionKind::GuaranteedInterview,
            &pipeline,
            [stage],
            disabled.clone(),
            LawfulBasis::DisabilityFavourableTreatment,
        )
        .unwrap_err();
        let (section, msg) = unlawful(err);
        assert_eq!(section, "s.13(3)");
        assert!(
            msg.contains("target the sift or shortlisting stage"),
            "{msg}"
        );
    }
    let shortlisting = Pipeline::new(
        "specialist",
        PipelineKind::SpecialistSelection {
            role: "dog handler".into(),
        },
        ["application", "shortlisting", "interview"],
    )
    .unwrap();
    assert!(
        Intervention::new(
            "gi",
            InterventionKind::GuaranteedInterview,
            &shortlisting,
            ["shortlisting"],
            disabled,
            LawfulBasis::DisabilityFavourableTreatment,
        )
        .is_ok()
    );
}

// ---------------------------------------------------------------------
// 2. A selection measure cannot hide in a support measure.
// ---------------------------------------------------------------------

#[test]
fn a_selection_decision_declared_as_an_other_kind_is_refused_under_s158() {
    let women = only(&[("sex", "female")]);
    let fast_track =
        InterventionKind::other("fast track to board", MeasureEffect::SelectionDecision).unwrap();
    assert_eq!(fast_track.effect(), MeasureEffect::SelectionDecision);
    for condition in [
        Section158Condition::Disadvantage,
        Section158Condition::DifferentNeeds,
        Section158Condition::LowParticipation,
    ] {
        let err = Intervention::new(
            "fast track",
            fast_track.clone(),
            &promotion(),
            ["work_based_assessment"],
            women.clone(),
            LawfulBasis::Section158(condition),
        )
        .unwrap_err();
        let (section, msg) = unlawful(err);
        assert_eq!(section, "s.158(4)");
        assert!(msg.contains("for sex=female"), "{msg}");
        assert!(msg.contains("changes a selection decision"), "{msg}");
        assert!(msg.contains("lawful instead: support the group"), "{msg}");
    }
    // The same named measure as support is fine, and every built-in kind
    // says what it does.
    let coaching = InterventionKind::other("board coaching", MeasureEffect::Support).unwrap();
    assert!(
        Intervention::new(
            "coaching",
            coaching,
            &promotion(),
            ["board"],
            women,
            LawfulBasis::Section158(Section158Condition::DifferentNeeds),
        )
        .is_ok()
    );
    assert_eq!(InterventionKind::Mentoring.effect(), MeasureEffect::Support);
    assert_eq!(
        InterventionKind::GuaranteedInterview.effect(),
        MeasureEffect::SelectionDecision
    );
}

fn sift_counts(exempt_group: (&str, &str), exempt: u64) -> FunnelCounts {
    let pipeline = Pipeline::new("p", PipelineKind::Recruitment, ["sift", "interview"]).unwrap();
    let (characteristic, _) = exempt_group;
    let breakdown = Breakdown::parse([characteristic]).unwrap();
    let labels: [&str; 2] = if characteristic == "sex" {
        ["female", "male"]
    } else {
        ["yes", "no"]
    };
    let records = labels.iter().map(|label| CountRecord {
        stage: Stage::SIFT,
        group: Group::parse([(characteristic, *label)]).unwrap(),
        passed: 30,
        failed: 20,
        withdrew: 0,
        pending: 0,
        exempt: if *label == exempt_group.1 { exempt } else { 0 },
    });
    FunnelCounts::from_records(&pipeline, &breakdown, records).unwrap()
}

#[test]
fn exempt_women_at_the_sift_are_pointed_out_in_the_funnel_and_the_report() {
    let counts = sift_counts(("sex", "female"), 12);
    let funnel = Funnel::new(&counts, RateBasis::Decided).unwrap();
    assert_eq!(funnel.notes.len(), 1, "{:?}", funnel.notes);
    let note = &funnel.notes[0];
    assert!(
        note.starts_with(
            "sift: 12 of 62 sex=female candidates were exempt, against 0 of 50 others"
        ),
        "{note}"
    );
    assert!(note.contains("in effect, a guaranteed interview or an automatic pass"));
    assert!(note.contains("break down by disability"), "{note}");
    assert!(funnel.to_string().contains("note: sift: 12 of 62"));
    let options = ReportOptions {
        breakdown: Breakdown::parse(["sex"]).unwrap(),
        impact: ImpactOptions::new(),
        min_cell: 0,
    };
    let report = Report::new(&counts, &options, &[]).unwrap();
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("12 of 62 sex=female")),
        "{:?}",
        report.notes
    );
    // A published report says it without the counts.
    let published = Report::new(
        &counts,
        &ReportOptions {
            min_cell: 5,
            ..options
        },
        &[],
    )
    .unwrap();
    assert!(
        published
            .notes
            .iter()
            .any(|n| n.contains("sift: sex=female candidates were exempt more often than others"))
    );
    assert!(!published.notes.iter().any(|n| n.contains("12 of 62")));
}

#[test]
fn exempt_disabled_candidates_are_s13_3_and_not_pointed_out() {
    let counts = sift_counts(("disability", "yes"), 12);
    let funnel = Funnel::new(&counts, RateBasis::Decided).unwrap();
    assert!(funnel.notes.is_empty(), "{:?}", funnel.notes);
    // But exempt candidates who are not disabled are.
    let counts = sift_counts(("disability", "no"), 12);
    let funnel = Funnel::new(&counts, RateBasis::Decided).unwrap();
    assert!(funnel.notes[0].contains("disability=no candidates were exempt"));
    assert!(!funnel.notes[0].contains("break down by disability"));
}

// ---------------------------------------------------------------------
// 3. s.159 "as qualified as each other" must mean it.
// ---------------------------------------------------------------------

fn invalid_banding(err: Error) -> String {
    assert!(matches!(err, Error::InvalidBanding { .. }), "{err}");
    err.to_string()
}

#[test]
fn one_band_for_everyone_who_passes_is_refused_as_in_furlong() {
    let msg = invalid_banding(
        Banding::new("pass at 50 or more", (0.0, 100.0), 50.0, [("pass", 50.0)]).unwrap_err(),
    );
    assert!(msg.contains("holds every candidate who passes"), "{msg}");
    assert!(
        msg.contains("Furlong v Chief Constable of Cheshire Police"),
        "{msg}"
    );
    assert!(msg.contains("s.159(4)(a)"), "{msg}");
    assert!(
        msg.contains("lawful instead: bands no wider than 5 points"),
        "{msg}"
    );
}

#[test]
fn bands_fifty_points_wide_are_refused() {
    let msg = invalid_banding(
        Banding::new(
            "two halves",
            (0.0, 100.0),
            0.0,
            [("low", 0.0), ("high", 50.0)],
        )
        .unwrap_err(),
    );
    assert!(
        msg.contains("50 points wide, more than 5% of the scale"),
        "{msg}"
    );
    // Ten-point bands too, on a scale of 100; five-point bands are the limit.
    assert!(
        Banding::new(
            "tens",
            (0.0, 100.0),
            50.0,
            (0..5).map(|i| ("b", 50.0 + 10.0 * i as f64))
        )
        .is_err()
    );
    let labels: Vec<String> = (0..10).map(|i| format!("b{i}")).collect();
    let fives = Banding::new(
        "fives",
        (0.0, 100.0),
        50.0,
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), 50.0 + 5.0 * i as f64)),
    )
    .unwrap();
    assert_eq!(fives.bands().len(), 10);
    // The rule is a share of the scale: on a scale of 0 to 10, bands of 0.5.
    assert!(Banding::new("s", (0.0, 10.0), 9.0, [("a", 9.0), ("b", 9.5)]).is_ok());
    assert!(Banding::new("s", (0.0, 10.0), 9.0, [("a", 9.0), ("b", 9.6)]).is_err());
}

fn tie_break_setup() -> (Intervention, PositiveActionEvidence) {
    let women = group(&[("sex", "female")]);
    let tie = Intervention::new(
        "board tie-break",
        InterventionKind::TieBreak,
        &promotion(),
        ["board"],
        Eligibility::any_of([women.clone()]).unwrap(),
        LawfulBasis::Section159TieBreak,
    )
    .unwrap();
    // 120 of 1,000 sergeants are women against 34% of constables: strong.
    let evidence = PositiveActionEvidence::gather(
        &tie,
        None,
        &[RepresentationFigure::new(women, "sergeant", 120, 1_000, 0.34).unwrap()],
    )
    .unwrap();
    assert_eq!(evidence.grade, EvidenceGrade::Strong);
    (tie, evidence)
}

fn person(id: &str, sex: &str) -> Candidate {
    Candidate::new(
        CandidateId::from_external(id),
        Profile::parse([("sex", sex)]).unwrap(),
    )
}

fn refused_condition(err: Error) -> TieBreakCondition {
    match err {
        Error::TieBreakRefused { condition, .. } => condition,
        other => panic!("expected a refused tie-break, got {other}"),
    }
}

#[test]
fn a_woman_on_51_and_a_man_on_98_are_not_as_qualified_as_each_other() {
    let (tie, evidence) = tie_break_setup();
    let labels: Vec<String> = (0..10).map(|i| (50 + 5 * i).to_string()).collect();
    let banding = Banding::new(
        "board scores in fives from 50",
        (0.0, 100.0),
        50.0,
        labels
            .iter()
            .map(|l| (l.as_str(), l.parse::<f64>().unwrap())),
    )
    .unwrap();
    let rule = TieBreakRule::new(
        "same band",
        QualificationRule::SameBand(banding),
        RuleApplication::CaseByCase,
    )
    .unwrap();
    let decider = TieBreak::new(&tie, rule).unwrap();
    let case = TieBreakCase::new(
        "board 1",
        Stage::BOARD,
        group(&[("sex", "female")]),
        day(2025, 6, 2),
    )
    .unwrap()
    .with_candidate(person("W", "female"), Merit::Score(51.0))
    .with_candidate(person("M", "male"), Merit::Score(98.0))
    .with_reasons("women are under-represented at sergeant");
    let err = decider.decide(&case, &evidence).unwrap_err();
    assert!(err.to_string().contains("band 95"), "{err}");
    assert_eq!(refused_condition(err), TieBreakCondition::AsQualified);
}

#[test]
fn exact_equality_still_refuses_71_9999_against_72() {
    let (tie, evidence) = tie_break_setup();
    let rule = TieBreakRule::new(
        "equal scores",
        QualificationRule::EqualScores,
        RuleApplication::CaseByCase,
    )
    .unwrap();
    let decider = TieBreak::new(&tie, rule).unwrap();
    let case = TieBreakCase::new(
        "board 2",
        Stage::BOARD,
        group(&[("sex", "female")]),
        day(2025, 6, 2),
    )
    .unwrap()
    .with_candidate(person("W", "female"), Merit::Score(71.9999))
    .with_candidate(person("M", "male"), Merit::Score(72.0))
    .with_reasons("women are under-represented at sergeant");
    assert_eq!(
        refused_condition(decider.decide(&case, &evidence).unwrap_err()),
        TieBreakCondition::AsQualified
    );
}

// ---------------------------------------------------------------------
// 4. Evidence is substantive, graded, and shown.
// ---------------------------------------------------------------------

/// An impact analysis of the board: women `w` of `wn`, men `m` of `mn`.
fn board_analysis(w: u64, wn: u64, m: u64, mn: u64) -> ImpactAnalysis {
    let pipeline = promotion();
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let rec = |sex, passed, n: u64| CountRecord {
        stage: Stage::BOARD,
        group: Group::parse([("sex", sex)]).unwrap(),
        passed,
        failed: n - passed,
        withdrew: 0,
        pending: 0,
        exempt: 0,
    };
    let counts = FunnelCounts::from_records(
        &pipeline,
        &by_sex,
        [rec("female", w, wn), rec("male", m, mn)],
    )
    .unwrap();
    ImpactAnalysis::new(&counts, &ImpactOptions::new()).unwrap()
}

#[test]
fn ninety_nine_of_a_hundred_against_a_hundred_is_no_evidence_and_decides_no_tie() {
    let (tie, _) = tie_break_setup();
    let evidence =
        PositiveActionEvidence::gather(&tie, Some(&board_analysis(99, 100, 100, 100)), &[])
            .unwrap();
    let d = &evidence.disadvantage[0];
    assert!((d.impact_ratio - 0.99).abs() < 1e-12);
    assert_eq!(d.fisher.unwrap().two_sided, 1.0);
    assert_eq!(d.grade, EvidenceGrade::None);
    assert_eq!(evidence.finding, EvidenceFinding::NoEvidence);
    let decider = TieBreak::new(
        &tie,
        TieBreakRule::new(
            "equal",
            QualificationRule::EqualScores,
            RuleApplication::CaseByCase,
        )
        .unwrap(),
    )
    .unwrap();
    let case = TieBreakCase::new(
        "board 3",
        Stage::BOARD,
        group(&[("sex", "female")]),
        day(2025, 6, 2),
    )
    .unwrap()
    .with_candidate(person("W", "female"), Merit::Score(72.0))
    .with_candidate(person("M", "male"), Merit::Score(72.0))
    .with_reasons("…");
    let err = decider.decide(&case, &evidence).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("(s.159(1) and (2))"), "{msg}");
    assert!(
        msg.contains("sex=female at board: impact ratio 0.990 (99 of 100), not below the threshold 0.8; Fisher p 1.000e0, not below alpha 0.05 (grade none)"),
        "{msg}"
    );
    assert!(msg.contains("lawful instead"), "{msg}");
    assert_eq!(refused_condition(err), TieBreakCondition::Evidence);
    // And as the basis of an s.159 measure.
    let err = evidence.require().unwrap_err();
    assert!(
        matches!(
            err,
            Error::InsufficientEvidence {
                section: "s.159(1)",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_share_of_33_9_percent_against_34_0_is_no_evidence() {
    let women = group(&[("sex", "female")]);
    let mentoring = Intervention::new(
        "mentoring",
        InterventionKind::Mentoring,
        &promotion(),
        ["board"],
        Eligibility::any_of([women.clone()]).unwrap(),
        LawfulBasis::Section158(Section158Condition::LowParticipation),
    )
    .unwrap();
    for (headcount, declared) in [(339, 1_000), (33_900, 100_000)] {
        let evidence = PositiveActionEvidence::gather(
            &mentoring,
            None,
            &[
                RepresentationFigure::new(women.clone(), "sergeant", headcount, declared, 0.34)
                    .unwrap(),
            ],
        )
        .unwrap();
        let u = &evidence.under_representation[0];
        assert!(u.ratio < 1.0 && u.ratio_ci.unwrap()[1] > 1.0, "{u:?}");
        assert_eq!(u.grade, EvidenceGrade::None);
        let err = evidence.require().unwrap_err();
        let msg = err.to_string();
        assert!(matches!(
            err,
            Error::InsufficientEvidence {
                section: "s.158(1)",
                ..
            }
        ));
        assert!(msg.contains("for sex=female"), "{msg}");
        assert!(msg.contains("representation ratio 0.997"), "{msg}");
        assert!(msg.contains("reaching 1"), "{msg}");
    }
    // Different needs alone are not shown by headcounts, so not refused.
    let needs = Intervention::new(
        "mentoring",
        InterventionKind::Mentoring,
        &promotion(),
        ["board"],
        Eligibility::any_of([women.clone()]).unwrap(),
        LawfulBasis::Section158(Section158Condition::DifferentNeeds),
    )
    .unwrap();
    let figures = [RepresentationFigure::new(women, "sergeant", 339, 1_000, 0.34).unwrap()];
    assert!(
        PositiveActionEvidence::gather(&needs, None, &figures)
            .unwrap()
            .require()
            .is_ok()
    );
}

#[test]
fn each_grade_from_the_size_of_the_gap_and_its_uncertainty() {
    let (tie, _) = tie_break_setup();
    let grade = |w, wn, m, mn| {
        PositiveActionEvidence::gather(&tie, Some(&board_analysis(w, wn, m, mn)), &[])
            .unwrap()
            .disadvantage[0]
            .grade
    };
    // 45/120 against 180/300: ratio 0.625, Fisher p < 0.001.
    assert_eq!(grade(45, 120, 180, 300), EvidenceGrade::Strong);
    // 700/1000 against 780/1000: ratio 0.897, but Fisher p < 0.05.
    assert_eq!(grade(700, 1000, 780, 1000), EvidenceGrade::Moderate);
    // 3/10 against 8/10: ratio 0.375, but Fisher p = 0.07 on ten a side.
    assert_eq!(grade(3, 10, 8, 10), EvidenceGrade::Weak);
    let women = group(&[("sex", "female")]);
    let rep = |h, n, b| {
        PositiveActionEvidence::gather(
            &tie,
            None,
            &[RepresentationFigure::new(women.clone(), "sergeant", h, n, b).unwrap()],
        )
        .unwrap()
        .under_representation[0]
            .clone()
    };
    // 12 of 1,000 against 3.5%: ratio 0.34, interval below 1.
    assert_eq!(rep(12, 1_000, 0.035).grade, EvidenceGrade::Strong);
    // 3,000 of 10,000 against 32%: ratio 0.94, interval below 1.
    let moderate = rep(3_000, 10_000, 0.32);
    assert!(moderate.interval_below_one && !moderate.below_threshold);
    assert_eq!(moderate.grade, EvidenceGrade::Moderate);
    // 2 of 100 against 3.5%: ratio 0.57, interval reaching 1.
    assert_eq!(rep(2, 100, 0.035).grade, EvidenceGrade::Weak);
}

#[test]
fn a_tie_break_record_shows_the_figures_it_rests_on() {
    let (tie, evidence) = tie_break_setup();
    let decider = TieBreak::new(
        &tie,
        TieBreakRule::new(
            "equal",
            QualificationRule::EqualScores,
            RuleApplication::CaseByCase,
        )
        .unwrap(),
    )
    .unwrap();
    let case = TieBreakCase::new(
        "board 4",
        Stage::BOARD,
        group(&[("sex", "female")]),
        day(2025, 6, 2),
    )
    .unwrap()
    .with_candidate(person("W", "female"), Merit::Score(72.0))
    .with_candidate(person("M", "male"), Merit::Score(72.0))
    .with_reasons("women are 12% of sergeants against 34% of constables");
    let d = decider.decide(&case, &evidence).unwrap();
    assert_eq!(d.evidence_grade, EvidenceGrade::Strong);
    assert!(
        d.conditions.iter().any(|c| c.contains("strong evidence")
            && c.contains(
                "representation ratio 0.353 (120 of 1000 against a benchmark share of 0.34)"
            )),
        "{:?}",
        d.conditions
    );
    assert!(d.to_string().contains("representation ratio 0.353"));
}

// ---------------------------------------------------------------------
// 5. Evaluations that read true.
// ---------------------------------------------------------------------

fn small_evaluation() -> InterventionEvaluation {
    let pipeline =
        Pipeline::new("p", PipelineKind::Recruitment, ["application", "interview"]).unwrap();
    let workshop = Intervention::new(
        "interview workshop",
        InterventionKind::InterviewWorkshop,
        &pipeline,
        ["interview"],
        only(&[("ethnicity", "Black")]),
        LawfulBasis::Section158(Section158Condition::Disadvantage),
    )
    .unwrap()
    .with_delivery(Delivery::sessions(4).unwrap());
    let d = day(2025, 5, 1);
    let took_part = TookPart {
        intervention: &workshop,
        cohort: None,
        date: d,
        completion: Completion::Completed,
    };
    let black: &[(&str, &str)] = &[("ethnicity", "Black")];
    let white: &[(&str, &str)] = &[("ethnicity", "White")];
    let mut b = Builder::new(&pipeline, "S");
    b.add(3, black, &path(2, None), d, Some(took_part));
    b.add(
        1,
        black,
        &path(1, Some(Outcome::Failed)),
        d,
        Some(took_part),
    );
    b.add(6, black, &path(2, None), d, None);
    b.add(5, black, &path(1, Some(Outcome::Failed)), d, None);
    b.add(10, white, &path(2, None), d, None);
    b.add(2, white, &path(1, Some(Outcome::Failed)), d, None);
    let (applications, mut participations) = b.finish();
    // Partial attendance: the first participant came to 2 of 4 sessions.
    let first = participations.remove(0);
    participations.insert(
        0,
        Participation::new(&workshop, first.candidate(), None, d, Completion::Completed)
            .unwrap()
            .with_sessions_attended(&workshop, 2)
            .unwrap(),
    );
    let second = participations.remove(1);
    participations.insert(
        1,
        Participation::new(
            &workshop,
            second.candidate(),
            None,
            d,
            Completion::Completed,
        )
        .unwrap()
        .with_sessions_attended(&workshop, 4)
        .unwrap(),
    );
    InterventionEvaluation::new(
        &applications,
        &workshop,
        &participations,
        &EvaluationOptions::new(),
    )
    .unwrap()
}

#[test]
fn small_numbers_say_too_few_to_tell() {
    let e = small_evaluation();
    let notes = &e.stages[0].notes;
    assert!(
        notes.iter().any(|n| n.starts_with(
            "pass rate at interview: too few to tell (4 participants, fewer than 10 on a side)"
        )),
        "{notes:?}"
    );
    assert!(notes.iter().any(|n| n.contains(
        "ethnicity=Black participants against the reference at interview: too few to tell"
    )));
    assert!(e.to_string().contains("too few to tell"));
}

#[test]
fn selection_at_the_end_is_named_for_what_it_is() {
    let e = small_evaluation();
    let text = e.to_string();
    assert!(
        text.contains("selected at interview (of ended journeys)"),
        "{text}"
    );
    assert!(!text.contains("conversion"), "{text}");
    let s = &e.stages[0];
    assert_eq!(
        (
            s.selected_at_end.participants.count,
            s.selected_at_end.participants.of
        ),
        (3, 4)
    );
}

#[test]
fn partial_attendance_of_a_menu_of_sessions_is_recorded() {
    let e = small_evaluation();
    assert_eq!(e.participation.partial_attendance, 1);
    assert_eq!(e.participation.full_attendance, 1);
    assert!(
        e.to_string()
            .contains("Attendance: 1 at every session, 1 at some")
    );
    let pipeline = recruitment();
    let no_delivery = Intervention::new(
        "x",
        InterventionKind::Mentoring,
        &pipeline,
        ["sift"],
        Eligibility::open_to_all(),
        LawfulBasis::OpenToAll,
    )
    .unwrap();
    let p = Participation::new(
        &no_delivery,
        CandidateId::from_external("A"),
        None,
        day(2025, 1, 1),
        Completion::Completed,
    )
    .unwrap();
    assert!(matches!(
        p.with_sessions_attended(&no_delivery, 1),
        Err(Error::InvalidParticipation { .. })
    ));
}

#[test]
fn an_intervention_may_rest_on_more_than_one_s158_condition() {
    let women = only(&[("sex", "female")]);
    let programme = Intervention::new(
        "programme",
        InterventionKind::DevelopmentProgramme,
        &promotion(),
        ["board"],
        women.clone(),
        LawfulBasis::Section158(Section158Condition::LowParticipation),
    )
    .unwrap()
    .with_condition(Section158Condition::Disadvantage)
    .unwrap()
    .with_condition(Section158Condition::Disadvantage)
    .unwrap();
    assert_eq!(
        programme.section158_conditions(),
        [
            Section158Condition::Disadvantage,
            Section158Condition::LowParticipation
        ]
    );
    let tie = Intervention::new(
        "tie",
        InterventionKind::TieBreak,
        &promotion(),
        ["board"],
        women,
        LawfulBasis::Section159TieBreak,
    )
    .unwrap();
    assert!(
        tie.with_condition(Section158Condition::Disadvantage)
            .is_err()
    );
}

#[test]
fn target_planning_says_targets_are_aspirations_and_appointments_on_merit() {
    let plan = TargetPlan::new(
        group(&[("ethnicity", "Black")]),
        1_000,
        12,
        0.035,
        day(2030, 3, 31),
    )
    .unwrap();
    let table = plan.table([10, 100, 1_000]);
    assert_eq!(table.caveat, TARGET_CAVEAT);
    let text = table.to_string();
    assert!(
        text.contains("a target is an aspiration, not a quota"),
        "{text}"
    );
    assert!(text.contains("appointments are made on merit"), "{text}");
    assert!(
        text.contains("at 10 recruits the target needs every appointment (or more) from the group: it could be reached only by appointing from one group, which would be unlawful"),
        "{text}"
    );
}
