//! The generated data sets: a recruitment year of 40 to 150 candidates
//! through three stages, broken down by ethnicity (and sometimes sex), with
//! an interview workshop for one or two ethnicities at the interview.

use chrono::NaiveDate;
use positive_action::interventions::{
    Completion, DateBasis, Eligibility, EvaluationOptions, GapReference, Intervention,
    InterventionEvaluation, InterventionKind, LawfulBasis, NamedPeriod, ParticipantRule,
    Participation, Section158Condition, Stratification,
};
use positive_action::records::Period;
use positive_action::report::{Report, ReportOptions};
use positive_action::{
    Applications, Breakdown, Candidate, CandidateId, Counting, FunnelCounts, Group, ImpactOptions,
    Journey, Outcome, Pipeline, PipelineKind, Profile, RateBasis, ReferencePolicy, Stage,
    StageResult,
};
use serde_json::Value;

pub const STAGES: [&str; 3] = ["sift", "interview", "appointment"];
const TARGET_STAGE: &str = "interview";
const ETHNICITIES: [&str; 4] = ["White", "Black", "Asian", "Mixed"];
const SEXES: [&str; 2] = ["female", "male"];

/// SplitMix64: a small seeded generator, so every case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn group(pairs: &[(&str, &str)]) -> Group {
    Group::parse(pairs.iter().copied()).unwrap()
}

/// One generated recruitment year with an interview workshop.
pub struct DataSet {
    pub seed: u64,
    pub pipeline: Pipeline,
    pub breakdown: Breakdown,
    pub impact: ImpactOptions,
    pub intervention: Intervention,
    pub options: EvaluationOptions,
    pub candidates: Vec<Candidate>,
    pub journeys: Vec<Journey>,
    /// Each candidate's participation records.
    pub took_part: Vec<Vec<Participation>>,
}

impl DataSet {
    pub fn generate(seed: u64) -> Self {
        let mut rng = Rng(seed);
        let pipeline = Pipeline::new("recruitment", PipelineKind::Recruitment, STAGES).unwrap();
        let ethnicities = &ETHNICITIES[..3 + rng.below(2) as usize];
        let by_sex = rng.chance(30);
        let breakdown = if by_sex {
            Breakdown::parse(["ethnicity", "sex"]).unwrap()
        } else {
            Breakdown::parse(["ethnicity"]).unwrap()
        };
        let white = group(&[("ethnicity", "White")]);
        let funnel_reference = if by_sex {
            group(&[("ethnicity", "White"), ("sex", "male")])
        } else {
            white.clone()
        };
        let mut impact = ImpactOptions::new().reference(ReferencePolicy::Group(funnel_reference));
        let basis = if rng.chance(50) {
            RateBasis::Decided
        } else {
            RateBasis::Entered
        };
        impact.rate_basis = basis;
        // One or two targeted ethnicities, never the reference.
        let mut targets: Vec<Group> = vec![group(&[("ethnicity", ethnicities[1])])];
        if rng.chance(50) {
            targets.push(group(&[("ethnicity", ethnicities[2])]));
        }
        let intervention = Intervention::new(
            "interview workshop",
            InterventionKind::InterviewWorkshop,
            &pipeline,
            [TARGET_STAGE],
            Eligibility::any_of(targets).unwrap(),
            LawfulBasis::Section158(Section158Condition::Disadvantage),
        )
        .unwrap();
        let period = |name: &str, a: NaiveDate, b: NaiveDate| {
            NamedPeriod::new(name, Period::new(a, b).unwrap()).unwrap()
        };
        let mut options = EvaluationOptions::new()
            .reference(GapReference::Group(white))
            .stratification(Stratification::Periods(vec![
                period("first intake", day(2023, 11, 1), day(2024, 6, 30)),
                period("second intake", day(2024, 7, 1), day(2025, 3, 31)),
            ]))
            .launch(day(2024, 7, 1));
        options.rate_basis = basis;
        if rng.chance(25) {
            options = options.participants(ParticipantRule::Started);
        }
        if rng.chance(25) {
            options = options.date_basis(DateBasis::Application);
        }

        let n = 40 + rng.below(111) as usize;
        let (mut candidates, mut journeys, mut took_part) = (vec![], vec![], vec![]);
        for i in 0..n {
            let id = CandidateId::from_external(&format!("oracle-{seed}-{i}"));
            // The first few are the reference group, so it is never empty.
            let ethnicity = if i < 4 {
                "White"
            } else {
                ethnicities[rng.below(ethnicities.len() as u64) as usize]
            };
            let sex = if i < 4 {
                "male"
            } else {
                SEXES[rng.below(2) as usize]
            };
            let profile = Profile::parse([("ethnicity", ethnicity), ("sex", sex)]).unwrap();
            candidates.push(Candidate::new(id, profile.clone()));
            let eligible = intervention.eligibility().admits(&profile);
            // The journey: pass on, or stop with a fail, withdrawal or
            // pending; dated (mostly) and never backwards.
            let dated = !rng.chance(5);
            let mut date = day(2023, 10, 1) + chrono::Days::new(rng.below(640));
            let mut results = Vec::new();
            let mut target_date = None;
            for stage in STAGES {
                let roll = rng.below(100);
                let outcome = match roll {
                    // A guaranteed interview, now and then.
                    0..=3 if stage == TARGET_STAGE => Outcome::Exempt,
                    0..=59 => Outcome::Passed,
                    60..=84 => Outcome::Failed,
                    85..=92 => Outcome::Withdrew,
                    _ => Outcome::Pending,
                };
                let result = StageResult::new(Stage::new(stage).unwrap(), outcome);
                results.push(if dated { result.on(date) } else { result });
                if stage == TARGET_STAGE {
                    target_date = Some(date);
                }
                if !matches!(outcome, Outcome::Passed | Outcome::Exempt) {
                    break;
                }
                date = date + chrono::Days::new(rng.below(45));
            }
            journeys.push(Journey::new(&pipeline, id, results).unwrap());
            // Taking part: mostly the eligible, mostly before the interview,
            // some not completing, a few twice.
            let mut records = Vec::new();
            if rng.chance(if eligible { 45 } else { 6 }) {
                let around = target_date.unwrap_or(date);
                for _ in 0..1 + usize::from(rng.chance(8)) {
                    let when = if rng.chance(15) {
                        around + chrono::Days::new(1 + rng.below(20))
                    } else {
                        around - chrono::Days::new(rng.below(30))
                    };
                    let completion = if rng.chance(80) {
                        Completion::Completed
                    } else {
                        Completion::NotCompleted
                    };
                    records.push(
                        Participation::new(&intervention, id, None, when, completion).unwrap(),
                    );
                }
            }
            took_part.push(records);
        }
        Self {
            seed,
            pipeline,
            breakdown,
            impact,
            intervention,
            options,
            candidates,
            journeys,
            took_part,
        }
    }

    /// The report of some candidates with the evaluation of the
    /// intervention on them, as JSON. `counts` are given, so that a lone
    /// candidate's report can list every group of the year.
    pub fn report(
        &self,
        counts: &FunnelCounts,
        applications: &Applications,
        records: &[Participation],
        min_cell: u64,
    ) -> Value {
        let evaluation =
            InterventionEvaluation::new(applications, &self.intervention, records, &self.options)
                .unwrap_or_else(|e| panic!("seed {}: {e}", self.seed));
        let options = ReportOptions {
            breakdown: self.breakdown.clone(),
            impact: self.impact.clone(),
            min_cell,
        };
        let report = Report::new(counts, &options, &[])
            .unwrap_or_else(|e| panic!("seed {}: {e}", self.seed))
            .with_intervention(evaluation);
        serde_json::to_value(report).unwrap()
    }

    /// The unsuppressed report of the whole data set, and the one
    /// published with minimum cell `k`.
    pub fn reports(&self, k: u64) -> (Value, Value) {
        let pairs: Vec<_> = self.candidates.iter().zip(&self.journeys).collect();
        let applications = self.applications(&pairs);
        let records: Vec<Participation> = self.took_part.iter().flatten().cloned().collect();
        let counts =
            FunnelCounts::from_applications(&applications, &self.breakdown, Counting::Applications);
        (
            self.report(&counts, &applications, &records, 0),
            self.report(&counts, &applications, &records, k),
        )
    }

    /// The applications of some candidates.
    pub fn applications(&self, pairs: &[(&Candidate, &Journey)]) -> Applications {
        Applications::new(
            &self.pipeline,
            pairs.iter().map(|(c, _)| (*c).clone()).collect(),
            pairs.iter().map(|(_, j)| (*j).clone()).collect(),
        )
        .unwrap()
    }

    /// A candidate of every kind this data set could hold, whether or not
    /// it does: each profile in it, each journey the generator makes, each
    /// way of taking part (none; completed or not before the interview;
    /// completed only after it; not completed then completed before it;
    /// not completed before and completed after), and each place of the
    /// date (undated; before the first period; in the first period, before
    /// the launch; in the second, after it; after the second). Candidates
    /// who never reach the interview, or are exempt from it, are placed in
    /// the first period only: the date places no count of theirs.
    pub fn every_kind(&self) -> Vec<(Candidate, Journey, Vec<Participation>)> {
        use Outcome::{Exempt, Failed, Passed, Pending, Withdrew};
        // One profile per group of the breakdown: nothing else in a
        // profile (sex, when the breakdown is by ethnicity) changes a count.
        let mut profiles: Vec<&Profile> = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        for c in &self.candidates {
            let group = self.breakdown.group_of(&c.profile);
            if !groups.contains(&group) {
                groups.push(group);
                profiles.push(&c.profile);
            }
        }
        let mut shapes: Vec<Vec<Outcome>> = vec![
            vec![Failed],
            vec![Withdrew],
            vec![Pending],
            vec![Passed, Failed],
            vec![Passed, Withdrew],
            vec![Passed, Pending],
        ];
        for middle in [Passed, Exempt] {
            for last in [Passed, Failed, Withdrew, Pending] {
                shapes.push(vec![Passed, middle, last]);
            }
        }
        let places = [
            None,
            Some(day(2023, 10, 15)),
            Some(day(2024, 3, 1)),
            Some(day(2024, 10, 1)),
            Some(day(2025, 5, 1)),
        ];
        let (done, quit) = (Completion::Completed, Completion::NotCompleted);
        let ways: [&[(i64, Completion)]; 6] = [
            &[],
            &[(-5, done)],
            &[(-5, quit)],
            &[(5, done)],
            &[(-5, quit), (-3, done)],
            &[(-5, quit), (5, done)],
        ];
        let mut out = Vec::new();
        for profile in profiles {
            for shape in &shapes {
                let interviewed = shape.len() > 1 && shape[1] != Exempt;
                let (places, ways) = if interviewed {
                    (&places[..], &ways[..])
                } else {
                    (&places[2..3], &ways[..])
                };
                for place in places {
                    for way in ways {
                        let id = CandidateId::from_external(&format!("kind-{}", out.len()));
                        let results = STAGES.iter().zip(shape).map(|(s, o)| {
                            let r = StageResult::new(Stage::new(s).unwrap(), *o);
                            match place {
                                Some(d) => r.on(*d),
                                None => r,
                            }
                        });
                        let journey = Journey::new(&self.pipeline, id, results).unwrap();
                        let around = place.unwrap_or(day(2024, 3, 1));
                        let records = way
                            .iter()
                            .map(|&(offset, completion)| {
                                let date = around + chrono::TimeDelta::days(offset);
                                Participation::new(&self.intervention, id, None, date, completion)
                                    .unwrap()
                            })
                            .collect();
                        out.push((Candidate::new(id, profile.clone()), journey, records));
                    }
                }
            }
        }
        out
    }
}
