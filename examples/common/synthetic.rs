//! A synthetic force year for the examples, benchmarks and tests.
//!
//! Deterministic for a seed, with the pattern British Transport Police found
//! in its own recruitment data: women apply less but pass more often after
//! the application stage; ethnic minority candidates apply at a higher rate
//! than their share of the population but pass the assessment centre less
//! often. The figures are invented; only the pattern is realistic.
#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use positive_action::{
    Applications, Candidate, CandidateId, Journey, Outcome, Pipeline, Profile, Result, StageResult,
};

/// SplitMix64: a tiny, well-known generator, enough for reproducible
/// synthetic data (not for anything that needs real randomness).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in lo..=hi.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// One of the labels, by weight.
    pub fn pick<'a>(&mut self, weighted: &[(&'a str, f64)]) -> &'a str {
        let total: f64 = weighted.iter().map(|(_, w)| w).sum();
        let mut u = self.unit() * total;
        for (label, w) in weighted {
            if u < *w {
                return label;
            }
            u -= w;
        }
        weighted[weighted.len() - 1].0
    }
}

/// Sex of applicants: women apply less.
pub const SEX: [(&str, f64); 3] = [
    ("male", 0.66),
    ("female", 0.325),
    ("prefer not to say", 0.015),
];

/// Ethnicity of applicants: ethnic minority candidates apply at a higher rate
/// than their share of the local population.
pub const ETHNICITY: [(&str, f64); 7] = [
    ("White", 0.70),
    ("Asian", 0.11),
    ("Black", 0.08),
    ("Mixed", 0.05),
    ("Other", 0.025),
    ("prefer not to say", 0.02),
    ("", 0.015), // not recorded
];

/// Base pass probability of each of the eight constable recruitment stages.
const PASS: [f64; 8] = [0.88, 0.78, 0.68, 0.62, 0.78, 0.90, 0.86, 0.96];
/// Withdrawal probability at each stage.
const WITHDRAW: [f64; 8] = [0.02, 0.04, 0.05, 0.04, 0.03, 0.03, 0.04, 0.02];
/// Days from the previous result to this stage's result: (min, max).
const DAYS: [(u64, u64); 8] = [
    (0, 0),
    (5, 21),
    (7, 28),
    (14, 45),
    (3, 21),
    (7, 35),
    (21, 90),
    (14, 60),
];

fn pass_probability(stage: usize, sex: &str, ethnicity: &str) -> f64 {
    let mut p = PASS[stage];
    if sex == "female" && stage > 0 {
        // Women pass more often after the application stage, except the
        // fitness test.
        p *= if stage == 5 { 0.97 } else { 1.07 };
    }
    let minority = matches!(ethnicity, "Asian" | "Black" | "Mixed" | "Other");
    if minority {
        p *= match stage {
            2 => 0.92, // online assessment
            3 => 0.70, // assessment centre: the pinch point
            6 => 0.96, // vetting
            _ => 1.0,
        };
    }
    p.min(0.99)
}

/// One synthetic candidate's profile.
pub fn profile(rng: &mut SplitMix64) -> Result<Profile> {
    let sex = rng.pick(&SEX);
    let ethnicity = rng.pick(&ETHNICITY);
    Profile::parse([("sex", sex), ("ethnicity", ethnicity)])
}

impl WorkshopYear {
    /// The workshop's evaluation as the `report` example runs it: by
    /// cohort, and before and after the launch.
    pub fn evaluation(&self) -> Result<positive_action::interventions::InterventionEvaluation> {
        use positive_action::interventions::{
            EvaluationOptions, InterventionEvaluation, Stratification,
        };
        InterventionEvaluation::new(
            &self.applications,
            &self.workshop,
            &self.participations,
            &EvaluationOptions::new()
                .stratification(Stratification::Cohorts)
                .launch(self.launch),
        )
    }
}

/// A police constable recruitment year (financial year 2025/26) of
/// `applicants` candidates. Applications made late in the year may still be
/// pending on the census date.
pub fn constable_recruitment(applicants: usize, seed: u64) -> Result<Applications> {
    let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025/26");
    let mut rng = SplitMix64::new(seed);
    let year_start = NaiveDate::from_ymd_opt(2025, 4, 1).expect("valid date");
    let census = NaiveDate::from_ymd_opt(2026, 5, 31).expect("valid date");
    let mut candidates = Vec::with_capacity(applicants);
    let mut journeys = Vec::with_capacity(applicants);
    for n in 0..applicants {
        let id = CandidateId::from_external(&format!("APP-{n:07}"));
        let sex = rng.pick(&SEX);
        let ethnicity = rng.pick(&ETHNICITY);
        candidates.push(Candidate::new(
            id,
            Profile::parse([("sex", sex), ("ethnicity", ethnicity)])?,
        ));
        let mut date = year_start + Days::new(rng.between(0, 364));
        let mut results = Vec::with_capacity(8);
        for (s, stage) in pipeline.stages().iter().enumerate() {
            let (lo, hi) = DAYS[s];
            date = date + Days::new(rng.between(lo, hi));
            if date > census {
                results.push(StageResult::new(stage.clone(), Outcome::Pending));
                break;
            }
            let u = rng.unit();
            let outcome = if u < WITHDRAW[s] {
                Outcome::Withdrew
            } else if rng.unit() < pass_probability(s, sex, ethnicity) {
                Outcome::Passed
            } else {
                Outcome::Failed
            };
            results.push(StageResult::new(stage.clone(), outcome).on(date));
            if outcome != Outcome::Passed {
                break;
            }
        }
        journeys.push(Journey::new(&pipeline, id, results)?);
    }
    Applications::new(&pipeline, candidates, journeys)
}

/// Base pass probability of the four promotion stages: eligibility, legal
/// exam, work-based assessment, board.
const PROMOTION_PASS: [f64; 4] = [0.92, 0.55, 0.80, 0.45];

/// A constable-to-sergeant promotion round of `applicants` constables.
/// Women and ethnic minority officers apply less; ethnic minority officers
/// pass the legal exam less often, and women pass the board slightly more
/// often.
pub fn sergeant_promotion(applicants: usize, seed: u64) -> Result<Applications> {
    use positive_action::records::Rank;
    let pipeline = Pipeline::police_promotion(
        "Constable to Sergeant 2025",
        Rank::CONSTABLE,
        Rank::SERGEANT,
    )?;
    let mut rng = SplitMix64::new(seed);
    let exam = NaiveDate::from_ymd_opt(2025, 3, 11).expect("valid date");
    let mut candidates = Vec::with_capacity(applicants);
    let mut journeys = Vec::with_capacity(applicants);
    for n in 0..applicants {
        let id = CandidateId::from_external(&format!("PROMO-{n:06}"));
        let sex = rng.pick(&[
            ("male", 0.70),
            ("female", 0.29),
            ("prefer not to say", 0.01),
        ]);
        let ethnicity = rng.pick(&[
            ("White", 0.90),
            ("Asian", 0.035),
            ("Black", 0.02),
            ("Mixed", 0.025),
            ("Other", 0.01),
            ("prefer not to say", 0.01),
        ]);
        candidates.push(Candidate::new(
            id,
            Profile::parse([("sex", sex), ("ethnicity", ethnicity)])?,
        ));
        let minority = matches!(ethnicity, "Asian" | "Black" | "Mixed" | "Other");
        let mut date = exam - Days::new(60);
        let mut results = Vec::with_capacity(4);
        for (s, stage) in pipeline.stages().iter().enumerate() {
            date = date + Days::new(if s == 0 { 0 } else { rng.between(20, 70) });
            let mut p = PROMOTION_PASS[s];
            if minority && s == 1 {
                p *= 0.78;
            }
            if sex == "female" && s == 3 {
                p *= 1.08;
            }
            let outcome = if rng.unit() < 0.03 {
                Outcome::Withdrew
            } else if rng.unit() < p {
                Outcome::Passed
            } else {
                Outcome::Failed
            };
            results.push(StageResult::new(stage.clone(), outcome).on(date));
            if outcome != Outcome::Passed {
                break;
            }
        }
        journeys.push(Journey::new(&pipeline, id, results)?);
    }
    Applications::new(&pipeline, candidates, journeys)
}

/// A recruitment year with an interview workshop for ethnic minority
/// candidates, launched part-way through: what
/// [`recruitment_with_interview_workshop`] returns.
pub struct WorkshopYear {
    /// The year's candidates and journeys.
    pub applications: Applications,
    /// The interview workshop (s.158, disadvantage), in three cohorts.
    pub workshop: positive_action::interventions::Intervention,
    /// Who took part, and whether they completed it.
    pub participations: Vec<positive_action::interventions::Participation>,
    /// When the workshop started.
    pub launch: NaiveDate,
}

/// A police constable recruitment year (financial year 2025/26) of
/// `applicants` candidates, in which ethnic minority candidates pass the
/// interview less often, and an interview workshop for them starts on
/// 1 October 2025. About 45% of eligible candidates interviewed after the
/// launch take part a few days before their interview, 85% of them complete
/// it, and completers pass the interview more often (non-completers a
/// little more often). The figures are invented; only the pattern is
/// realistic.
pub fn recruitment_with_interview_workshop(applicants: usize, seed: u64) -> Result<WorkshopYear> {
    use positive_action::Group;
    use positive_action::interventions::{
        Cohort, Completion, Eligibility, Intervention, InterventionKind, LawfulBasis,
        Participation, Section158Condition,
    };
    let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025/26");
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let launch = day(2025, 10, 1);
    let census = day(2026, 5, 31);
    let minorities = ["Asian", "Black", "Mixed", "Other"];
    let workshop = Intervention::new(
        "interview workshop",
        InterventionKind::InterviewWorkshop,
        &pipeline,
        ["interview"],
        Eligibility::any_of(
            minorities
                .iter()
                .map(|e| Group::parse([("ethnicity", *e)]))
                .collect::<Result<Vec<_>>>()?,
        )?,
        LawfulBasis::Section158(Section158Condition::Disadvantage),
    )?
    .with_cohort(
        Cohort::new("autumn 2025", launch, day(2025, 12, 31))?
            .with_places(150)?
            .with_applications(131),
    )?
    .with_cohort(
        Cohort::new("winter 2026", day(2026, 1, 1), day(2026, 3, 31))?
            .with_places(150)?
            .with_applications(118),
    )?
    .with_cohort(
        Cohort::new("spring 2026", day(2026, 4, 1), census)?
            .with_places(100)?
            .with_applications(64),
    )?;
    let mut rng = SplitMix64::new(seed);
    let year_start = day(2025, 4, 1);
    let mut candidates = Vec::with_capacity(applicants);
    let mut journeys = Vec::with_capacity(applicants);
    let mut participations = Vec::new();
    for n in 0..applicants {
        let id = CandidateId::from_external(&format!("WS-{n:07}"));
        let sex = rng.pick(&SEX);
        let ethnicity = rng.pick(&ETHNICITY);
        let minority = minorities.contains(&ethnicity);
        candidates.push(Candidate::new(
            id,
            Profile::parse([("sex", sex), ("ethnicity", ethnicity)])?,
        ));
        let mut date = year_start + Days::new(rng.between(0, 364));
        let mut results = Vec::with_capacity(8);
        for (s, stage) in pipeline.stages().iter().enumerate() {
            let (lo, hi) = DAYS[s];
            date = date + Days::new(rng.between(lo, hi));
            if date > census {
                results.push(StageResult::new(stage.clone(), Outcome::Pending));
                break;
            }
            let mut p = pass_probability(s, sex, ethnicity);
            if s == 4 && minority {
                // The interview is where this year's gap opens.
                p *= 0.85;
                let attended = date - Days::new(rng.between(3, 14));
                if attended >= launch && rng.unit() < 0.45 {
                    let cohort = workshop
                        .cohorts()
                        .iter()
                        .find(|c| c.period().contains(attended))
                        .map(|c| c.name().to_owned());
                    let completed = rng.unit() < 0.85;
                    p = (p * if completed { 1.15 } else { 1.05 }).min(0.99);
                    participations.push(Participation::new(
                        &workshop,
                        id,
                        cohort.as_deref(),
                        attended,
                        if completed {
                            Completion::Completed
                        } else {
                            Completion::NotCompleted
                        },
                    )?);
                }
            }
            let outcome = if rng.unit() < WITHDRAW[s] {
                Outcome::Withdrew
            } else if rng.unit() < p {
                Outcome::Passed
            } else {
                Outcome::Failed
            };
            results.push(StageResult::new(stage.clone(), outcome).on(date));
            if outcome != Outcome::Passed {
                break;
            }
        }
        journeys.push(Journey::new(&pipeline, id, results)?);
    }
    Ok(WorkshopYear {
        applications: Applications::new(&pipeline, candidates, journeys)?,
        workshop,
        participations,
        launch,
    })
}
