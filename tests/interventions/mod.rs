//! Interventions through the public API: the seed scenarios with the
//! forces' published figures, the evaluation's accounting and errors, the
//! s.159 tie-break, and reference values of every statistic the evaluations
//! report.

mod evaluation;
mod lawful;
#[cfg(feature = "serde")]
mod reference;
mod seeds;
mod tie_break;

use chrono::NaiveDate;
use positive_action::interventions::{Completion, Intervention, Participation};
use positive_action::{
    Applications, Candidate, CandidateId, Group, Journey, Outcome, Pipeline, Profile, StageResult,
};

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn group(pairs: &[(&str, &str)]) -> Group {
    Group::parse(pairs.iter().copied()).unwrap()
}

/// Passed at `passed` stages from the first, then `last` (if any).
pub fn path(passed: usize, last: Option<Outcome>) -> Vec<Outcome> {
    let mut v = vec![Outcome::Passed; passed];
    v.extend(last);
    v
}

/// Taking part in an intervention: cohort, date, completion.
#[derive(Clone, Copy)]
pub struct TookPart<'a> {
    pub intervention: &'a Intervention,
    pub cohort: Option<&'a str>,
    pub date: NaiveDate,
    pub completion: Completion,
}

/// Builds candidate-level applications from cells of identical candidates,
/// so every published figure comes from counting journeys.
pub struct Builder {
    pipeline: Pipeline,
    prefix: String,
    candidates: Vec<Candidate>,
    journeys: Vec<Journey>,
    participations: Vec<Participation>,
}

impl Builder {
    pub fn new(pipeline: &Pipeline, prefix: &str) -> Self {
        Self {
            pipeline: pipeline.clone(),
            prefix: prefix.to_owned(),
            candidates: Vec::new(),
            journeys: Vec::new(),
            participations: Vec::new(),
        }
    }

    /// `n` candidates with this profile and these outcomes from the first
    /// stage on, every result dated `date`, each taking part if `took_part`
    /// is given. Returns their ids.
    pub fn add(
        &mut self,
        n: usize,
        profile: &[(&str, &str)],
        outcomes: &[Outcome],
        date: NaiveDate,
        took_part: Option<TookPart<'_>>,
    ) -> Vec<CandidateId> {
        self.add_dated(n, profile, outcomes, &vec![date; outcomes.len()], took_part)
    }

    /// As [`Builder::add`], with a date per result.
    pub fn add_dated(
        &mut self,
        n: usize,
        profile: &[(&str, &str)],
        outcomes: &[Outcome],
        dates: &[NaiveDate],
        took_part: Option<TookPart<'_>>,
    ) -> Vec<CandidateId> {
        let profile = Profile::parse(profile.iter().copied()).unwrap();
        let mut ids = Vec::with_capacity(n);
        for _ in 0..n {
            let id =
                CandidateId::from_external(&format!("{}-{}", self.prefix, self.candidates.len()));
            self.candidates.push(Candidate::new(id, profile.clone()));
            let results = self
                .pipeline
                .stages()
                .iter()
                .zip(outcomes)
                .zip(dates)
                .map(|((s, o), d)| StageResult::new(s.clone(), *o).on(*d));
            self.journeys
                .push(Journey::new(&self.pipeline, id, results).unwrap());
            if let Some(t) = took_part {
                self.participations.push(
                    Participation::new(t.intervention, id, t.cohort, t.date, t.completion).unwrap(),
                );
            }
            ids.push(id);
        }
        ids
    }

    pub fn finish(self) -> (Applications, Vec<Participation>) {
        (
            Applications::new(&self.pipeline, self.candidates, self.journeys).unwrap(),
            self.participations,
        )
    }
}

/// A rate as a whole percentage, the way forces publish it.
pub fn whole_percent(rate: Option<f64>) -> String {
    format!("{:.0}%", 100.0 * rate.unwrap())
}
