//! The s.159 tie-break: a decision and its record, and each refusal naming
//! the condition that failed. The setting is West Mercia's Step Up board.

use chrono::NaiveDate;
use positive_action::interventions::{
    Banding, Eligibility, EvidenceFinding, Intervention, InterventionKind, LawfulBasis, Merit,
    PositiveActionEvidence, QualificationRule, RepresentationFigure, RuleApplication,
    Section158Condition, TieBreak, TieBreakCase, TieBreakCondition, TieBreakRule,
};
use positive_action::records::Rank;
use positive_action::{Candidate, CandidateId, Error, Group, Pipeline, Profile, Stage};

use super::{day, group};

fn board() -> Pipeline {
    Pipeline::police_promotion(
        "Step Up: Constable to Sergeant",
        Rank::CONSTABLE,
        Rank::SERGEANT,
    )
    .unwrap()
}

fn women() -> Group {
    group(&[("sex", "female")])
}

fn tie_break(p: &Pipeline) -> Intervention {
    Intervention::new(
        "board tie-break",
        InterventionKind::TieBreak,
        p,
        ["board"],
        Eligibility::any_of([women(), group(&[("ethnicity", "Black")])]).unwrap(),
        LawfulBasis::Section159TieBreak,
    )
    .unwrap()
}

/// Women are 28% of sergeants with a declared sex, against 34% of the
/// constables they are promoted from.
fn evidence(i: &Intervention) -> PositiveActionEvidence {
    PositiveActionEvidence::gather(
        i,
        None,
        &[RepresentationFigure::new(women(), "sergeant", 140, 500, 0.34).unwrap()],
    )
    .unwrap()
}

fn person(n: &str, sex: &str) -> Candidate {
    Candidate::new(
        CandidateId::from_external(n),
        Profile::parse([("sex", sex), ("ethnicity", "White")]).unwrap(),
    )
}

fn date() -> NaiveDate {
    day(2025, 6, 2)
}

fn rule(q: QualificationRule) -> TieBreakRule {
    TieBreakRule::new("board tie-break rule", q, RuleApplication::CaseByCase).unwrap()
}

fn case(reference: &str) -> TieBreakCase {
    TieBreakCase::new(reference, Stage::BOARD, women(), date())
        .unwrap()
        .with_reasons("women are under-represented at sergeant; both candidates met every criterion of the board")
}

fn refused(err: Error) -> TieBreakCondition {
    match err {
        Error::TieBreakRefused { condition, .. } => condition,
        other => panic!("expected a refusal, got {other}"),
    }
}

#[test]
fn a_tie_is_decided_and_recorded() {
    let p = board();
    let i = tie_break(&p);
    let ev = evidence(&i);
    assert_eq!(ev.finding, EvidenceFinding::Supported);
    let decider = TieBreak::new(&i, rule(QualificationRule::EqualScores)).unwrap();
    let (asha, ben) = (person("PC-1", "female"), person("PC-2", "male"));
    let c = case("board 2025/17")
        .with_candidate(ben.clone(), Merit::Score(71.5))
        .with_candidate(asha.clone(), Merit::Score(71.5));
    let d = decider.decide(&c, &ev).unwrap();
    assert_eq!(d.selected, asha.id);
    assert_eq!(d.case, "board 2025/17");
    assert_eq!(d.date, date());
    assert_eq!(d.stage, Stage::BOARD);
    assert_eq!(d.preferred_group, women());
    assert_eq!(d.candidates.len(), 2);
    assert_eq!(d.candidates[0].candidate, ben.id);
    assert!(!d.candidates[0].in_preferred_group && !d.candidates[0].selected);
    assert!(d.candidates[1].in_preferred_group && d.candidates[1].selected);
    assert_eq!(d.candidates[1].merit, Merit::Score(71.5));
    assert_eq!(d.under_representation.len(), 1);
    assert!((d.under_representation[0].ratio - 0.28 / 0.34).abs() < 1e-12);
    assert_eq!(d.conditions.len(), 5);
    assert!(d.conditions[1].contains("equal scores of 71.5"));
    assert_eq!(d.basis, "Equality Act 2010, s.159");
    let text = d.to_string();
    assert!(
        text.contains("board 2025/17") && text.contains("reasons:"),
        "{text}"
    );
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_value(&d).unwrap();
        for key in [
            "case",
            "candidates",
            "rule",
            "date",
            "under_representation",
            "disadvantage",
            "conditions",
            "reasons",
            "selected",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(json["date"], "2025-06-02");
        assert_eq!(json["rule"]["qualification"], "equal_scores");
        // The record never carries a profile.
        assert!(!json.to_string().contains("White"));
        let back: positive_action::interventions::TieBreakDecision =
            serde_json::from_value(json).unwrap();
        assert_eq!(back, d);
    }
}

#[test]
fn banded_merit_under_a_stated_rule() {
    let p = board();
    let i = tie_break(&p);
    let ev = evidence(&i);
    let labels: Vec<String> = (0..10).map(|i| (50 + 5 * i).to_string()).collect();
    let banding = Banding::new(
        "board scores out of 100 banded in fives from the pass mark of 50: candidates in one band are as qualified as each other",
        (0.0, 100.0),
        50.0,
        labels.iter().map(|l| (l.as_str(), l.parse::<f64>().unwrap())),
    )
    .unwrap();
    let decider = TieBreak::new(&i, rule(QualificationRule::SameBand(banding))).unwrap();
    let (asha, ben) = (person("PC-3", "female"), person("PC-4", "male"));
    let same = case("board 2025/18")
        .with_candidate(asha.clone(), Merit::Score(62.0))
        .with_candidate(ben.clone(), Merit::Band("60".into()));
    let d = decider.decide(&same, &ev).unwrap();
    assert_eq!(d.selected, asha.id);
    assert_eq!(d.candidates[0].band.as_deref(), Some("60"));
    let apart = case("board 2025/19")
        .with_candidate(asha.clone(), Merit::Score(59.0))
        .with_candidate(ben.clone(), Merit::Score(61.0));
    let err = decider.decide(&apart, &ev).unwrap_err();
    assert!(err.to_string().contains("in band 55"), "{err}");
    assert_eq!(refused(err), TieBreakCondition::AsQualified);
    let unknown = case("board 2025/20")
        .with_candidate(asha, Merit::Band("Z".into()))
        .with_candidate(ben, Merit::Band("60".into()));
    assert_eq!(
        refused(decider.decide(&unknown, &ev).unwrap_err()),
        TieBreakCondition::AsQualified
    );
}

#[test]
fn each_condition_is_named_when_it_fails() {
    let p = board();
    let i = tie_break(&p);
    let ev = evidence(&i);
    let decider = TieBreak::new(&i, rule(QualificationRule::EqualScores)).unwrap();
    let (asha, ben, cara) = (
        person("PC-5", "female"),
        person("PC-6", "male"),
        person("PC-7", "female"),
    );
    let tied = |c: TieBreakCase| {
        c.with_candidate(asha.clone(), Merit::Score(70.0))
            .with_candidate(ben.clone(), Merit::Score(70.0))
    };
    let check = |c: TieBreakCase, condition, text: &str| {
        let err = decider.decide(&c, &ev).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("tie-break refused for case"), "{msg}");
        assert!(msg.contains(text), "{msg} should contain {text:?}");
        assert_eq!(refused(err), condition, "{msg}");
    };
    // As qualified as each other (s.159(4)(a)).
    check(
        case("a")
            .with_candidate(asha.clone(), Merit::Score(69.0))
            .with_candidate(ben.clone(), Merit::Score(70.0)),
        TieBreakCondition::AsQualified,
        "expected equal scores",
    );
    check(
        case("a2")
            .with_candidate(asha.clone(), Merit::Score(f64::NAN))
            .with_candidate(ben.clone(), Merit::Score(70.0)),
        TieBreakCondition::AsQualified,
        "expected a finite number",
    );
    check(
        case("a3")
            .with_candidate(asha.clone(), Merit::Band("A".into()))
            .with_candidate(ben.clone(), Merit::Score(70.0)),
        TieBreakCondition::AsQualified,
        "compares equal scores",
    );
    // Each case on its own (s.159(4)(b)): one place per decision.
    check(
        tied(case("b")).with_places(2),
        TieBreakCondition::CaseByCase,
        "2 places at once",
    );
    // Proportionate (s.159(4)(c)): reasons recorded.
    check(
        tied(TieBreakCase::new("c", Stage::BOARD, women(), date()).unwrap()),
        TieBreakCondition::Proportionate,
        "reasons",
    );
    // s.159 applies: a target stage, a targeted group, a real choice.
    check(
        tied(
            TieBreakCase::new("d", Stage::LEGAL_EXAM, women(), date())
                .unwrap()
                .with_reasons("x"),
        ),
        TieBreakCondition::Applies,
        "does not target",
    );
    check(
        tied(
            TieBreakCase::new("e", Stage::BOARD, group(&[("ethnicity", "Asian")]), date())
                .unwrap()
                .with_reasons("x"),
        ),
        TieBreakCondition::Applies,
        "does not target ethnicity=Asian",
    );
    check(
        case("f").with_candidate(asha.clone(), Merit::Score(70.0)),
        TieBreakCondition::Applies,
        "a tie needs at least two",
    );
    check(
        case("g")
            .with_candidate(asha.clone(), Merit::Score(70.0))
            .with_candidate(cara.clone(), Merit::Score(70.0)),
        TieBreakCondition::Applies,
        "every candidate is in sex=female",
    );
    check(
        case("h")
            .with_candidate(asha.clone(), Merit::Score(70.0))
            .with_candidate(cara.clone(), Merit::Score(70.0))
            .with_candidate(ben.clone(), Merit::Score(70.0)),
        TieBreakCondition::Applies,
        "decide between them on other grounds first",
    );
    check(
        case("i")
            .with_candidate(ben.clone(), Merit::Score(70.0))
            .with_candidate(person("PC-8", "male"), Merit::Score(70.0)),
        TieBreakCondition::Applies,
        "no candidate is in sex=female",
    );
    check(
        case("j")
            .with_candidate(asha.clone(), Merit::Score(70.0))
            .with_candidate(asha.clone(), Merit::Score(70.0)),
        TieBreakCondition::Applies,
        "is listed twice",
    );
    // Evidence (s.159(1), (2)): shown for the preferred group, for this
    // intervention.
    let black = group(&[("ethnicity", "Black")]);
    let black_case = TieBreakCase::new("k", Stage::BOARD, black, date())
        .unwrap()
        .with_reasons("x")
        .with_candidate(
            Candidate::new(
                CandidateId::from_external("PC-9"),
                Profile::parse([("sex", "male"), ("ethnicity", "Black")]).unwrap(),
            ),
            Merit::Score(70.0),
        )
        .with_candidate(ben.clone(), Merit::Score(70.0));
    check(
        black_case,
        TieBreakCondition::Evidence,
        "the evidence shows no gap for ethnicity=Black",
    );
    let other = Intervention::new(
        "sergeant development",
        InterventionKind::Mentoring,
        &p,
        ["board"],
        Eligibility::any_of([women()]).unwrap(),
        LawfulBasis::Section158(Section158Condition::Disadvantage),
    )
    .unwrap();
    let elsewhere = evidence(&other);
    let err = decider.decide(&tied(case("l")), &elsewhere).unwrap_err();
    assert!(
        err.to_string()
            .contains("gathered for intervention \"sergeant development\"")
    );
    assert_eq!(refused(err), TieBreakCondition::Evidence);
    // No evidence at all is a finding, not an error; the tie-break then refuses.
    let none = PositiveActionEvidence::gather(
        &i,
        None,
        &[RepresentationFigure::new(women(), "sergeant", 200, 500, 0.34).unwrap()],
    )
    .unwrap();
    assert_eq!(none.finding, EvidenceFinding::NoEvidence);
    assert!(
        none.summary.starts_with("no evidence in these figures"),
        "{}",
        none.summary
    );
    assert_eq!(
        refused(decider.decide(&tied(case("m")), &none).unwrap_err()),
        TieBreakCondition::Evidence
    );
}

#[test]
fn blanket_policies_and_other_bases_are_refused() {
    let p = board();
    let i = tie_break(&p);
    let automatic = TieBreakRule::new(
        "always prefer women at the board",
        QualificationRule::EqualScores,
        RuleApplication::Automatic,
    )
    .unwrap();
    let err = TieBreak::new(&i, automatic).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tie-break refused for rule \"always prefer women at the board\": the case is not decided on its own; a policy of automatic preference is not allowed (s.159(4)(b)): the rule is applied automatically to every tie: expected each case to be considered on its own"
    );
    let mentoring = Intervention::new(
        "mentoring",
        InterventionKind::Mentoring,
        &p,
        ["board"],
        Eligibility::any_of([women()]).unwrap(),
        LawfulBasis::Section158(Section158Condition::Disadvantage),
    )
    .unwrap();
    let err = TieBreak::new(&mentoring, rule(QualificationRule::EqualScores)).unwrap_err();
    assert_eq!(refused(err), TieBreakCondition::Applies);
    assert!(TieBreakCase::new(" ", Stage::BOARD, women(), date()).is_err());
    assert_eq!(
        refused(
            TieBreakCase::new(
                "x",
                Stage::BOARD,
                group(&[("sex", "prefer not to say")]),
                date()
            )
            .unwrap_err()
        ),
        TieBreakCondition::Applies
    );
    assert!(
        TieBreakRule::new(
            " ",
            QualificationRule::EqualScores,
            RuleApplication::CaseByCase
        )
        .is_err()
    );
}

#[cfg(feature = "serde")]
#[test]
fn cases_and_rules_deserialise_through_their_constructors() {
    let rule: TieBreakRule = serde_json::from_str(
        r#"{"name": "banded", "qualification": {"same_band": {"statement": "fives from 90", "scale": [0, 100], "pass_mark": 90, "bands": [{"label": "B", "from": 90}, {"label": "A", "from": 95}]}}}"#,
    )
    .unwrap();
    assert_eq!(rule.application(), RuleApplication::CaseByCase);
    let bad = serde_json::from_str::<TieBreakRule>(
        r#"{"name": "banded", "qualification": {"same_band": {"statement": "fives from 90", "scale": [0, 100], "pass_mark": 90, "bands": [{"label": "B", "from": 95}, {"label": "A", "from": 90}]}}}"#,
    );
    assert!(bad.unwrap_err().to_string().contains("strictly increasing"));
    let case = case("board 2025/30").with_candidate(person("PC-1", "female"), Merit::Score(70.0));
    let json = serde_json::to_string(&case).unwrap();
    assert_eq!(serde_json::from_str::<TieBreakCase>(&json).unwrap(), case);
    let blank = json.replace("board 2025/30", " ");
    assert!(serde_json::from_str::<TieBreakCase>(&blank).is_err());
    // A tie-break deserialises through TieBreak::new: an automatic rule is refused.
    let decider = TieBreak::new(&tie_break(&board()), rule).unwrap();
    let json = serde_json::to_string(&decider).unwrap();
    assert_eq!(serde_json::from_str::<TieBreak>(&json).unwrap(), decider);
    let automatic = json.replace(
        r#""application":"case_by_case""#,
        r#""application":"automatic""#,
    );
    assert_ne!(automatic, json);
    let err = serde_json::from_str::<TieBreak>(&automatic)
        .unwrap_err()
        .to_string();
    assert!(err.contains("s.159(4)(b)"), "{err}");
}

/// The s.158 evidence can come straight from a representation analysis:
/// women are 140 of 500 sergeants with a declared sex (28%) against 34% of
/// the population the benchmark describes.
#[test]
fn evidence_from_a_representation_analysis() {
    use positive_action::Breakdown;
    use positive_action::workforce::{
        Benchmark, Headcount, HeadcountRecord, RankStructure, Representation,
    };
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let record = |rank: Rank, sex: &str, headcount| HeadcountRecord {
        rank,
        group: group(&[("sex", sex)]),
        headcount,
    };
    let headcount = Headcount::from_records(
        &RankStructure::police(),
        &by_sex,
        [
            record(Rank::SERGEANT, "female", 140),
            record(Rank::SERGEANT, "male", 360),
            record(Rank::SERGEANT, "prefer not to say", 12),
        ],
    )
    .unwrap();
    let benchmark = Benchmark::from_shares(
        "constables",
        &by_sex,
        [(women(), 0.34), (group(&[("sex", "male")]), 0.66)],
    )
    .unwrap();
    let representation = Representation::new(&headcount, &benchmark).unwrap();
    let figures = RepresentationFigure::from_representation(&representation).unwrap();
    // Whole workforce, middle management and sergeant, each with two
    // declared groups; no figure for the undeclared.
    assert!(
        figures.iter().all(|f| !f.group().is_unknown()),
        "{figures:?}"
    );
    let from_analysis =
        PositiveActionEvidence::gather(&tie_break(&board()), None, &figures).unwrap();
    assert!(from_analysis.is_supported());
    assert!(from_analysis.supports(&women()));
    let sergeant = from_analysis
        .under_representation
        .iter()
        .find(|u| u.scope == "rank sergeant")
        .expect("sergeant evidence");
    let row_ratio = representation
        .section(&positive_action::workforce::Scope::Rank(Rank::SERGEANT))
        .and_then(|s| s.row(&women()))
        .and_then(|r| r.ratio)
        .unwrap();
    assert_eq!((sergeant.headcount, sergeant.declared), (140, 500));
    assert!((sergeant.ratio - row_ratio).abs() <= 1e-12 * row_ratio);
    assert!((sergeant.ratio - (140.0 / 500.0) / 0.34).abs() < 1e-12);
    // The same finding, and the same sergeant figures, as the hand-entered one.
    let by_hand = evidence(&tie_break(&board()));
    assert_eq!(from_analysis.finding, by_hand.finding);
    let hand = &by_hand.under_representation[0];
    assert_eq!(
        (sergeant.headcount, sergeant.declared, sergeant.ratio),
        (hand.headcount, hand.declared, hand.ratio)
    );
}
