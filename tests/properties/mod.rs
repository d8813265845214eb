//! Property tests of the invariants: merge is a commutative monoid, counts
//! from journeys equal a brute-force count, rates lie in [0, 1], entered is
//! the sum of its parts, and no journey input panics.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use positive_action::{
    Applications, Breakdown, Candidate, CandidateId, CountRecord, Counting, Funnel, FunnelCounts,
    Group, Journey, Outcome, Pipeline, PipelineKind, Profile, RateBasis, Stage, StageResult,
};
use proptest::prelude::*;

const STAGES: [&str; 5] = [
    "application",
    "sift",
    "assessment_centre",
    "interview",
    "appointment",
];

fn pipeline() -> Pipeline {
    Pipeline::new("p", PipelineKind::Recruitment, STAGES).unwrap()
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop::sample::select(Outcome::ALL.to_vec())
}

fn category() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["female", "male", "prefer not to say", ""])
}

fn ethnicity() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["Asian", "Black", "White", "prefer not to say", ""])
}

/// Counts of a few groups at random stages, as typed-in records.
fn counts() -> impl Strategy<Value = FunnelCounts> {
    prop::collection::vec(
        (
            0..STAGES.len(),
            category(),
            prop::array::uniform5(0u64..1_000_000),
        ),
        0..12,
    )
    .prop_map(|rows| {
        let p = pipeline();
        let b = Breakdown::parse(["sex"]).unwrap();
        let mut seen = std::collections::HashSet::new();
        let records: Vec<CountRecord> = rows
            .into_iter()
            .filter(|(s, g, _)| seen.insert((*s, *g)))
            .map(|(s, g, c)| CountRecord {
                stage: Stage::new(STAGES[s]).unwrap(),
                group: Group::parse([("sex", g)]).unwrap(),
                passed: c[0],
                failed: c[1],
                withdrew: c[2],
                pending: c[3],
                exempt: c[4],
            })
            .collect();
        FunnelCounts::from_records(&p, &b, records).unwrap()
    })
}

/// A valid journey: starts at `start`, passes or is exempt until its last
/// result, which may be anything; dates never go backwards.
fn valid_results() -> impl Strategy<Value = Vec<StageResult>> {
    (
        0..STAGES.len(),
        1..=STAGES.len(),
        prop::collection::vec((any::<bool>(), 0u64..40, any::<bool>()), STAGES.len()),
        outcome(),
    )
        .prop_map(|(start, len, steps, last)| {
            let len = len.min(STAGES.len() - start);
            let mut date = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
            (0..len)
                .map(|i| {
                    let (exempt, gap, dated) = steps[i];
                    date = date + Days::new(gap);
                    let outcome = if i + 1 == len {
                        last
                    } else if exempt && i > 0 {
                        Outcome::Exempt
                    } else {
                        Outcome::Passed
                    };
                    let r = StageResult::new(Stage::new(STAGES[start + i]).unwrap(), outcome);
                    if dated { r.on(date) } else { r }
                })
                .collect()
        })
}

type People = Vec<(&'static str, &'static str, Vec<StageResult>)>;

fn people() -> impl Strategy<Value = People> {
    prop::collection::vec((category(), ethnicity(), valid_results()), 0..60)
}

fn applications(people: &People) -> Applications {
    let p = pipeline();
    let mut candidates = Vec::new();
    let mut journeys = Vec::new();
    for (n, (sex, eth, results)) in people.iter().enumerate() {
        let id = CandidateId::from_external(&n.to_string());
        candidates.push(Candidate::new(
            id,
            Profile::parse([("sex", *sex), ("ethnicity", *eth)]).unwrap(),
        ));
        journeys.push(Journey::new(&p, id, results.clone()).unwrap());
    }
    Applications::new(&p, candidates, journeys).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn merge_is_associative(a in counts(), b in counts(), c in counts()) {
        let mut left = a.clone();
        left.merge(&b).unwrap();
        left.merge(&c).unwrap();
        let mut bc = b.clone();
        bc.merge(&c).unwrap();
        let mut right = a.clone();
        right.merge(&bc).unwrap();
        prop_assert_eq!(left, right);
    }

    #[test]
    fn merge_is_commutative_with_empty_identity(a in counts(), b in counts()) {
        let mut ab = a.clone();
        ab.merge(&b).unwrap();
        let mut ba = b.clone();
        ba.merge(&a).unwrap();
        prop_assert_eq!(&ab, &ba);

        let empty = FunnelCounts::empty(a.pipeline(), a.breakdown());
        let mut a_empty = a.clone();
        a_empty.merge(&empty).unwrap();
        prop_assert_eq!(&a_empty, &a);
        let mut empty_a = empty.clone();
        empty_a.merge(&a).unwrap();
        prop_assert_eq!(&empty_a, &a);
    }

    #[test]
    fn counts_from_journeys_equal_a_brute_force_count(people in people()) {
        let apps = applications(&people);
        let b = Breakdown::parse(["sex", "ethnicity"]).unwrap();
        let counts = FunnelCounts::from_applications(&apps, &b, Counting::Applications);
        let mut brute: HashMap<(String, String, usize), [u64; 5]> = HashMap::new();
        for (sex, eth, results) in &people {
            let key = |s: &str| {
                let g = Group::parse([("sex", *sex), ("ethnicity", *eth)]).unwrap();
                (g.to_string(), s.to_owned())
            };
            for r in results {
                let (g, s) = key(r.stage.name());
                let stage = STAGES.iter().position(|x| *x == s).unwrap();
                brute.entry((g, s, stage)).or_default()[r.outcome as usize] += 1;
            }
        }
        let mut nonzero = 0;
        for (gi, group) in counts.groups().iter().enumerate() {
            for (s, stage) in STAGES.iter().enumerate() {
                let c = counts.counts(s, gi).unwrap();
                let expected = brute.get(&(group.to_string(), stage.to_string(), s)).copied().unwrap_or_default();
                prop_assert_eq!([c.passed, c.failed, c.withdrew, c.pending, c.exempt], expected);
                nonzero += usize::from(expected != [0; 5]);
            }
        }
        prop_assert_eq!(nonzero, brute.len());
    }

    #[test]
    fn rates_lie_in_unit_interval_and_entered_is_the_sum(people in people(), basis in prop::sample::select(vec![RateBasis::Decided, RateBasis::Entered])) {
        // Everyone applies at the first stage and is decided or leaves there.
        let people: People = people
            .into_iter()
            .filter(|(_, _, r)| r[0].stage.name() == STAGES[0] && r[0].outcome != Outcome::Exempt)
            .collect();
        let apps = applications(&people);
        let counts = FunnelCounts::from_applications(&apps, &Breakdown::parse(["ethnicity"]).unwrap(), Counting::Applications);
        let funnel = Funnel::new(&counts, basis).unwrap();
        let unit = |x: Option<f64>| x.is_none_or(|x| (0.0..=1.0).contains(&x));
        for stage in &funnel.stages {
            for row in stage.groups.iter().chain([&stage.total]) {
                let c = row.counts;
                prop_assert_eq!(row.entered, c.passed + c.failed + c.withdrew + c.pending);
                prop_assert_eq!(row.decided, c.passed + c.failed);
                prop_assert!(unit(row.pass_rate), "{:?}", row);
                prop_assert!(unit(row.conversion), "{:?}", row);
                prop_assert!(row.drop_off.is_none_or(|d| d <= 1.0 && d.is_finite()));
                prop_assert_eq!(row.pass_rate.is_none(), basis.denominator(&c) == 0);
            }
        }
        for b in &funnel.bottom_line {
            prop_assert!(unit(b.selection_rate));
        }
    }

    #[test]
    fn any_journey_validates_or_errs_and_never_panics(
        raw in prop::collection::vec((0..STAGES.len() + 2, outcome(), prop::option::of(0u64..400)), 0..9)
    ) {
        let p = pipeline();
        let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let results: Vec<StageResult> = raw
            .iter()
            .map(|&(s, o, d)| {
                let name = STAGES.get(s).copied().unwrap_or("unknown stage");
                let r = StageResult::new(Stage::new(name).unwrap(), o);
                match d { Some(d) => r.on(base + Days::new(d)), None => r }
            })
            .collect();
        let id = CandidateId::from_external("x");
        match Journey::new(&p, id, results.clone()) {
            Ok(j) => {
                // A valid journey obeys every rule.
                let steps: Vec<_> = j.results().collect();
                for w in steps.windows(2) {
                    prop_assert_eq!(w[1].stage_index, w[0].stage_index + 1);
                    prop_assert!(!w[0].outcome.is_exit() && w[0].outcome != Outcome::Pending);
                }
                let dates: Vec<_> = steps.iter().filter_map(|s| s.date).collect();
                prop_assert!(dates.windows(2).all(|w| w[0] <= w[1]));
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with(&format!("candidate {id}: ")), "{}", msg);
            }
        }
    }
}

/// A closed funnel: everyone enters the first stage, everyone who passes a
/// stage has a result at the next, nobody is pending or exempt.
fn closed_funnel() -> impl Strategy<Value = FunnelCounts> {
    let stage = (1u64..=1000, 0u64..=500, 0u64..=50);
    prop::collection::vec(prop::collection::vec(stage, STAGES.len()), 2..4).prop_map(|groups| {
        let labels = ["White", "Black", "Asian"];
        let mut records = Vec::new();
        for (g, stages) in groups.iter().enumerate() {
            // Work backwards so each stage's entered equals the previous
            // stage's passed.
            let mut passed_next_entered = None::<u64>;
            let mut rows = Vec::new();
            for &(passed, failed, withdrew) in stages.iter().rev() {
                let passed = passed_next_entered.unwrap_or(passed);
                rows.push((passed, failed, withdrew));
                passed_next_entered = Some(passed + failed + withdrew);
            }
            rows.reverse();
            for (s, (passed, failed, withdrew)) in rows.into_iter().enumerate() {
                records.push(CountRecord {
                    stage: Stage::new(STAGES[s]).unwrap(),
                    group: Group::parse([("ethnicity", labels[g])]).unwrap(),
                    passed,
                    failed,
                    withdrew,
                    pending: 0,
                    exempt: 0,
                });
            }
        }
        FunnelCounts::from_records(
            &pipeline(),
            &Breakdown::parse(["ethnicity"]).unwrap(),
            records,
        )
        .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn bottom_line_impact_ratio_is_the_product_of_stage_ratios(counts in closed_funnel()) {
        use positive_action::{ImpactAnalysis, ImpactOptions, ReferencePolicy};
        let white = Group::parse([("ethnicity", "White")]).unwrap();
        let options = ImpactOptions::new()
            .reference(ReferencePolicy::Group(white))
            .basis(RateBasis::Entered);
        let a = ImpactAnalysis::new(&counts, &options).unwrap();
        prop_assert_eq!(a.decomposition.len(), counts.groups().len() - 1);
        for d in &a.decomposition {
            let observed = d.bottom_line_impact_ratio.unwrap();
            let product = d.product_of_stage_ratios.unwrap();
            prop_assert!((observed - product).abs() <= 1e-12 * observed, "{} vs {}", observed, product);
            // The stage terms are the stage analyses' own impact ratios.
            let direct: f64 = a.stages.iter().map(|s| {
                s.groups.iter().find(|g| g.group == d.group).unwrap().impact_ratio.unwrap()
            }).product();
            prop_assert!((direct - observed).abs() <= 1e-12 * observed);
            let ln_sum: f64 = d.stages.iter().map(|s| s.ln_impact_ratio.unwrap()).sum();
            prop_assert!((ln_sum - observed.ln()).abs() <= 1e-12_f64.max(1e-12 * ln_sum.abs()));
            if ln_sum.abs() > 1e-9 {
                let shares: f64 = d.stages.iter().map(|s| s.share.unwrap()).sum();
                prop_assert!((shares - 1.0).abs() < 1e-9);
            }
            prop_assert!(d.notes.is_empty(), "{:?}", d.notes);
        }
    }
}
