//! The evaluation's accounting, its rules for who counts as a participant,
//! and its errors.

use positive_action::interventions::{
    Completion, DateBasis, Eligibility, EvaluationOptions, GapReference, Intervention,
    InterventionEvaluation, InterventionKind, LawfulBasis, NamedPeriod, ParityChange,
    ParticipantRule, Participation, SELF_SELECTION_CAVEAT, Section158Condition, Stratification,
};
use positive_action::records::Period;
use positive_action::{Counting, Error, Outcome, Pipeline, PipelineKind};

use super::{Builder, TookPart, day, group, path};

fn pipeline() -> Pipeline {
    Pipeline::new(
        "recruitment",
        PipelineKind::Recruitment,
        ["application", "interview", "appointment"],
    )
    .unwrap()
}

fn workshop(p: &Pipeline) -> Intervention {
    Intervention::new(
        "interview workshop",
        InterventionKind::InterviewWorkshop,
        p,
        ["interview"],
        Eligibility::any_of([group(&[("ethnicity", "Black")])]).unwrap(),
        LawfulBasis::Section158(Section158Condition::Disadvantage),
    )
    .unwrap()
}

const BLACK: &[(&str, &str)] = &[("ethnicity", "Black")];
const WHITE: &[(&str, &str)] = &[("ethnicity", "White")];

#[test]
fn the_synthetic_year_accounts_for_every_eligible_candidate() {
    let year = crate::synthetic::recruitment_with_interview_workshop(6_000, 7).unwrap();
    let completed = InterventionEvaluation::new(
        &year.applications,
        &year.workshop,
        &year.participations,
        &EvaluationOptions::new(),
    )
    .unwrap();
    let started = InterventionEvaluation::new(
        &year.applications,
        &year.workshop,
        &year.participations,
        &EvaluationOptions::new().participants(ParticipantRule::Started),
    )
    .unwrap();
    let (c, s) = (&completed.stages[0], &started.stages[0]);
    // Every eligible candidate who entered is compared or set aside, once.
    assert_eq!(
        c.participants
            + c.non_participants
            + c.set_aside.not_completed
            + c.set_aside.took_part_after_stage,
        c.eligible
    );
    assert_eq!(c.set_aside.ineligible_participants, 0);
    assert!(c.set_aside.not_completed > 0);
    // Counting non-completers as participants moves exactly them across.
    assert_eq!(s.set_aside.not_completed, 0);
    assert_eq!(s.participants, c.participants + c.set_aside.not_completed);
    assert_eq!(s.non_participants, c.non_participants);
    // Rates are rates, and the pass-rate table is what the counts say.
    for cmp in [
        &c.pass_rate,
        &c.selected_at_end,
        &s.pass_rate,
        &s.selected_at_end,
    ] {
        for p in [cmp.participants, cmp.non_participants] {
            assert!(p.count <= p.of);
            let r = p.rate.unwrap();
            assert!((0.0..=1.0).contains(&r));
            assert_eq!(r, p.count as f64 / p.of as f64);
        }
        let d = cmp.difference_points.unwrap();
        let want = 100.0 * (cmp.participants.rate.unwrap() - cmp.non_participants.rate.unwrap());
        assert!((d - want).abs() < 1e-9);
    }
    // The summary counts candidates, not records.
    let p = &completed.participation;
    assert_eq!(p.completed + p.not_completed, p.candidates);
    assert_eq!(p.records, year.participations.len() as u64);
    // The caveat is always there, and always printed.
    assert_eq!(completed.caveat, SELF_SELECTION_CAVEAT);
    let text = completed.to_string();
    assert!(
        text.contains("Caveat: participation is self-selected"),
        "{text}"
    );
    assert!(text.contains("pass rate at interview"), "{text}");
}

#[test]
fn participation_after_the_stage_and_ineligible_participants_are_set_aside() {
    let p = pipeline();
    let w = workshop(&p);
    let mut b = Builder::new(&p, "T");
    let before = TookPart {
        intervention: &w,
        cohort: None,
        date: day(2025, 5, 1),
        completion: Completion::Completed,
    };
    let after = TookPart {
        date: day(2025, 7, 1),
        ..before
    };
    let quit = TookPart {
        completion: Completion::NotCompleted,
        ..before
    };
    let d = day(2025, 6, 1);
    b.add(3, BLACK, &path(3, None), d, Some(before));
    b.add(1, BLACK, &path(1, Some(Outcome::Failed)), d, Some(before));
    b.add(2, BLACK, &path(1, Some(Outcome::Failed)), d, Some(after));
    b.add(4, BLACK, &path(1, Some(Outcome::Failed)), d, Some(quit));
    b.add(5, BLACK, &path(3, None), d, None);
    b.add(5, BLACK, &path(1, Some(Outcome::Failed)), d, None);
    b.add(2, WHITE, &path(2, None), d, Some(before));
    b.add(8, WHITE, &path(3, None), d, None);
    b.add(2, WHITE, &path(1, Some(Outcome::Failed)), d, None);
    // Withdrew at the interview: entered, not decided.
    b.add(1, BLACK, &path(1, Some(Outcome::Withdrew)), d, None);
    // Still pending at appointment: compared at the interview, not yet ended.
    b.add(1, BLACK, &path(2, Some(Outcome::Pending)), d, None);
    let (applications, participations) = b.finish();
    let e = InterventionEvaluation::new(
        &applications,
        &w,
        &participations,
        &EvaluationOptions::new(),
    )
    .unwrap();
    let s = &e.stages[0];
    assert_eq!(s.entered, 34);
    assert_eq!(s.eligible, 22);
    assert_eq!(s.set_aside.took_part_after_stage, 2);
    assert_eq!(s.set_aside.not_completed, 4);
    assert_eq!(s.set_aside.ineligible_participants, 2);
    assert_eq!((s.participants, s.non_participants), (4, 12));
    assert_eq!(
        (s.pass_rate.participants.count, s.pass_rate.participants.of),
        (3, 4)
    );
    // Decided basis: the withdrawal is not rated.
    // The pending candidate passed the interview and is rated there.
    assert_eq!(
        (
            s.pass_rate.non_participants.count,
            s.pass_rate.non_participants.of
        ),
        (6, 11)
    );
    assert_eq!(s.set_aside.not_yet_ended, 1);
    assert_eq!(
        (
            s.selected_at_end.non_participants.count,
            s.selected_at_end.non_participants.of
        ),
        (5, 11)
    );
    // On the entered basis the withdrawal counts against.
    let entered = InterventionEvaluation::new(
        &applications,
        &w,
        &participations,
        &EvaluationOptions::new().basis(positive_action::RateBasis::Entered),
    )
    .unwrap();
    let s = &entered.stages[0];
    assert_eq!(
        (
            s.pass_rate.non_participants.count,
            s.pass_rate.non_participants.of
        ),
        (6, 12)
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("only after their result"))
    );
    // Gap closure: Black participants 3/4 and non-participants 6/11 against
    // White non-participants 8/10. Issue 11: the two White participants
    // (both passed) are not part of the reference; with them it was 10/12.
    let gap = &e.stages[0].gap_closure[0];
    assert_eq!(gap.reference, Some(group(&[("ethnicity", "White")])));
    assert_eq!(
        (
            gap.participants.reference.count,
            gap.participants.reference.of
        ),
        (8, 10)
    );
    assert!((gap.participants.impact_ratio.unwrap() - 0.75 / 0.8).abs() < 1e-12);
    assert!((gap.non_participants.impact_ratio.unwrap() - (6.0 / 11.0) / 0.8).abs() < 1e-12);
    assert_eq!(gap.parity, Some(ParityChange::Closer));
}

#[test]
fn a_fixed_reference_and_unique_candidates() {
    let p = pipeline();
    let w = workshop(&p);
    let mut b = Builder::new(&p, "U");
    let d = day(2025, 6, 1);
    b.add(4, BLACK, &path(3, None), d, None);
    b.add(4, WHITE, &path(3, None), d, None);
    b.add(
        4,
        &[("ethnicity", "Asian")],
        &path(1, Some(Outcome::Failed)),
        d,
        None,
    );
    let (applications, participations) = b.finish();
    let asian = group(&[("ethnicity", "Asian")]);
    let e = InterventionEvaluation::new(
        &applications,
        &w,
        &participations,
        &EvaluationOptions::new()
            .reference(GapReference::Group(asian.clone()))
            .counting(Counting::UniqueCandidates),
    )
    .unwrap();
    let gap = &e.stages[0].gap_closure[0];
    assert_eq!(gap.reference, Some(asian));
    // The Asian rate is 0, so no ratio is defined.
    assert_eq!(gap.non_participants.impact_ratio, None);
    assert_eq!(gap.parity, None);
    // No participant at all: the comparison is undefined, and says so.
    let s = &e.stages[0];
    assert_eq!(s.pass_rate.participants.rate, None);
    assert_eq!(s.pass_rate.fisher, None);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("no eligible participant"))
    );
}

#[test]
fn periods_strata_and_dates() {
    let p = pipeline();
    let w = workshop(&p)
        .with_cohort(
            positive_action::interventions::Cohort::new("one", day(2025, 1, 1), day(2025, 3, 31))
                .unwrap(),
        )
        .unwrap()
        .with_cohort(
            positive_action::interventions::Cohort::new("two", day(2025, 7, 1), day(2025, 9, 30))
                .unwrap(),
        )
        .unwrap();
    let mut b = Builder::new(&p, "P");
    let cohort = |name, date| TookPart {
        intervention: &w,
        cohort: Some(name),
        date,
        completion: Completion::Completed,
    };
    let (spring, autumn) = (day(2025, 4, 15), day(2025, 10, 15));
    b.add(
        6,
        BLACK,
        &path(3, None),
        spring,
        Some(cohort("one", day(2025, 3, 1))),
    );
    b.add(
        2,
        BLACK,
        &path(1, Some(Outcome::Failed)),
        spring,
        Some(cohort("one", day(2025, 3, 1))),
    );
    b.add(4, BLACK, &path(3, None), spring, None);
    b.add(4, BLACK, &path(1, Some(Outcome::Failed)), spring, None);
    b.add(
        5,
        BLACK,
        &path(3, None),
        autumn,
        Some(cohort("two", day(2025, 9, 1))),
    );
    b.add(
        1,
        BLACK,
        &path(1, Some(Outcome::Failed)),
        autumn,
        Some(cohort("two", day(2025, 9, 1))),
    );
    b.add(3, BLACK, &path(3, None), autumn, None);
    b.add(3, BLACK, &path(1, Some(Outcome::Failed)), autumn, None);
    b.add(2, BLACK, &path(3, None), day(2024, 12, 1), None);
    let (applications, participations) = b.finish();
    let by_cohort = InterventionEvaluation::new(
        &applications,
        &w,
        &participations,
        &EvaluationOptions::new().stratification(Stratification::Cohorts),
    )
    .unwrap();
    let st = by_cohort.stages[0].strata.as_ref().unwrap();
    assert_eq!(st.strata.len(), 2);
    assert_eq!(st.outside, 2, "dated before the first cohort");
    let one = &st.strata[0].pass_rate;
    assert_eq!((one.participants.count, one.participants.of), (6, 8));
    assert_eq!(
        (one.non_participants.count, one.non_participants.of),
        (4, 8)
    );
    let mh = st.pass_rate_mantel_haenszel.unwrap();
    assert_eq!(mh.strata_used, 2);
    // The same strata as named periods give the same pooled figures.
    let half = |n: &str, a, b| NamedPeriod::new(n, Period::new(a, b).unwrap()).unwrap();
    let by_period = InterventionEvaluation::new(
        &applications,
        &w,
        &participations,
        &EvaluationOptions::new().stratification(Stratification::Periods(vec![
            half("H2", day(2025, 7, 1), day(2025, 12, 31)),
            half("H1", day(2025, 1, 1), day(2025, 6, 30)),
        ])),
    )
    .unwrap();
    let sp = by_period.stages[0].strata.as_ref().unwrap();
    assert_eq!(sp.strata[0].name, "H1");
    assert_eq!(sp.pass_rate_mantel_haenszel, st.pass_rate_mantel_haenszel);
    let fy = InterventionEvaluation::new(
        &applications,
        &w,
        &participations,
        &EvaluationOptions::new()
            .stratification(Stratification::FinancialYears)
            .date_basis(DateBasis::Application),
    )
    .unwrap();
    let names: Vec<String> = fy.stages[0]
        .strata
        .as_ref()
        .unwrap()
        .strata
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(names, ["2024/25", "2025/26"]);
}

#[test]
fn errors_name_what_is_wrong() {
    let p = pipeline();
    let w = workshop(&p);
    let mut b = Builder::new(&p, "E");
    b.add(1, BLACK, &path(3, None), day(2025, 6, 1), None);
    let (applications, _) = b.finish();
    // Another pipeline.
    let other = Pipeline::police_constable_recruitment("other");
    let elsewhere = Intervention::new(
        "elsewhere",
        InterventionKind::InterviewWorkshop,
        &other,
        ["interview"],
        Eligibility::any_of([group(&[("ethnicity", "Black")])]).unwrap(),
        LawfulBasis::Section158(Section158Condition::Disadvantage),
    )
    .unwrap();
    let err =
        InterventionEvaluation::new(&applications, &elsewhere, &[], &EvaluationOptions::new())
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "pipeline mismatch: expected \"other\", found \"recruitment\""
    );
    // A record of another intervention.
    let mentoring = Intervention::new(
        "mentoring",
        InterventionKind::Mentoring,
        &p,
        ["interview"],
        Eligibility::any_of([group(&[("ethnicity", "Black")])]).unwrap(),
        LawfulBasis::Section158(Section158Condition::Disadvantage),
    )
    .unwrap();
    let id = applications.candidates()[0].id;
    let record =
        Participation::new(&mentoring, id, None, day(2025, 5, 1), Completion::Completed).unwrap();
    let err = InterventionEvaluation::new(&applications, &w, &[record], &EvaluationOptions::new())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParticipation { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "candidate {id}: participation in intervention \"mentoring\": the record is for another intervention: expected \"interview workshop\""
        )
    );
    // Cohort strata of an intervention without cohorts.
    let err = InterventionEvaluation::new(
        &applications,
        &w,
        &[],
        &EvaluationOptions::new().stratification(Stratification::Cohorts),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("the intervention has no cohorts"),
        "{err}"
    );
    // Options out of range.
    let err = InterventionEvaluation::new(
        &applications,
        &w,
        &[],
        &EvaluationOptions::new().confidence(1.5),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "confidence is 1.5: expected a number in (0, 1)"
    );
}

#[cfg(feature = "serde")]
#[test]
fn evaluations_and_records_serialise() {
    let year = crate::synthetic::recruitment_with_interview_workshop(3_000, 11).unwrap();
    let e = InterventionEvaluation::new(
        &year.applications,
        &year.workshop,
        &year.participations,
        &EvaluationOptions::new().launch(year.launch),
    )
    .unwrap();
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["caveat"], SELF_SELECTION_CAVEAT);
    assert_eq!(json["lawful_basis"]["section_158"], "disadvantage");
    assert!(json["stages"][0]["pass_rate"]["fisher"]["two_sided"].is_number());
    let back: InterventionEvaluation = serde_json::from_value(json).unwrap();
    assert_eq!(back, e);
    // Participation serialises as its record, and the record validates back.
    let record = serde_json::to_string(&year.participations[0]).unwrap();
    let parsed: positive_action::interventions::ParticipationRecord =
        serde_json::from_str(&record).unwrap();
    assert_eq!(
        Participation::from_record(&year.workshop, parsed).unwrap(),
        year.participations[0]
    );
    // Options deserialise with defaults for what is missing.
    let options: EvaluationOptions =
        serde_json::from_str(r#"{"participants": "started", "stratification": "financial_years"}"#)
            .unwrap();
    assert_eq!(options.participants, ParticipantRule::Started);
    assert_eq!(options.confidence, 0.95);
}

mod properties {
    use super::*;
    use positive_action::{Applications, Candidate, CandidateId, Journey, Profile, StageResult};
    use proptest::prelude::*;

    /// One generated journey: ethnicity, how far it got and how it ended,
    /// its interview date offset, and its participation (none, or a day
    /// offset from the interview and whether it was completed).
    type Spec = (&'static str, usize, Outcome, u32, Option<(i64, bool)>);

    fn spec() -> impl Strategy<Value = Spec> {
        (
            prop::sample::select(vec!["Black", "Asian", "White", "prefer not to say"]),
            0usize..3,
            prop::sample::select(Outcome::ALL.to_vec()),
            0u32..200,
            prop::option::of((-30i64..30, any::<bool>())),
        )
    }

    fn build(specs: &[Spec]) -> (Applications, Intervention, Vec<Participation>) {
        let p = pipeline();
        let w = workshop(&p);
        let (mut candidates, mut journeys, mut took_part) = (vec![], vec![], vec![]);
        for (n, (ethnicity, passed, last, offset, participation)) in specs.iter().enumerate() {
            let id = CandidateId::from_external(&format!("P-{n}"));
            candidates.push(Candidate::new(
                id,
                Profile::parse([("ethnicity", *ethnicity)]).unwrap(),
            ));
            let date = day(2025, 1, 1) + chrono::Days::new(u64::from(*offset));
            // Nothing may follow an exit or pending; an exempt or passed
            // result may be followed.
            let mut outcomes = vec![Outcome::Passed; *passed];
            outcomes.push(*last);
            let results = p
                .stages()
                .iter()
                .zip(&outcomes)
                .map(|(s, o)| StageResult::new(s.clone(), *o).on(date));
            journeys.push(Journey::new(&p, id, results).unwrap());
            if let Some((shift, completed)) = participation {
                let when = date
                    .checked_add_signed(chrono::TimeDelta::days(*shift))
                    .unwrap();
                let completion = if *completed {
                    Completion::Completed
                } else {
                    Completion::NotCompleted
                };
                took_part.push(Participation::new(&w, id, None, when, completion).unwrap());
            }
        }
        (
            Applications::new(&p, candidates, journeys).unwrap(),
            w,
            took_part,
        )
    }

    proptest! {
        #[test]
        fn every_entrant_is_counted_once_and_rates_are_rates(specs in prop::collection::vec(spec(), 0..80)) {
            let (applications, w, took_part) = build(&specs);
            for rule in [ParticipantRule::Completed, ParticipantRule::Started] {
                let options = EvaluationOptions::new()
                    .participants(rule)
                    .launch(day(2025, 3, 1))
                    .stratification(Stratification::FinancialYears);
                let e = InterventionEvaluation::new(&applications, &w, &took_part, &options).unwrap();
                let s = &e.stages[0];
                let interview: Vec<_> = specs
                    .iter()
                    .filter(|(_, passed, last, _, _)| *passed > 1 || (*passed == 1 && *last != Outcome::Exempt))
                    .collect();
                prop_assert_eq!(s.entered, interview.len() as u64);
                let eligible_set_aside = s.set_aside.not_completed + s.set_aside.took_part_after_stage;
                // Everyone set aside here is eligible or an ineligible participant.
                prop_assert!(s.participants + s.non_participants + eligible_set_aside + s.set_aside.ineligible_participants >= s.eligible);
                prop_assert!(s.participants + s.non_participants <= s.eligible);
                if rule == ParticipantRule::Started {
                    prop_assert_eq!(s.set_aside.not_completed, 0);
                }
                for c in [&s.pass_rate, &s.selected_at_end] {
                    for p in [c.participants, c.non_participants] {
                        prop_assert!(p.count <= p.of);
                        prop_assert!(p.rate.is_none_or(|r| (0.0..=1.0).contains(&r)));
                    }
                    prop_assert!(c.fisher.is_none_or(|f| (0.0..=1.0).contains(&f.two_sided)));
                    prop_assert_eq!(c.participants.of + c.non_participants.of <= s.participants + s.non_participants, true);
                }
                for g in &s.gap_closure {
                    prop_assert!(g.participants.impact_ratio.is_none_or(|r| r >= 0.0 && r.is_finite()));
                }
                // The printed report never panics and always carries the caveat.
                prop_assert!(e.to_string().contains("association"));
            }
        }
    }
}
