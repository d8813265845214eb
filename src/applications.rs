//! A validated set of candidates and their journeys through one pipeline.

use std::collections::HashMap;

use crate::candidate::{Candidate, CandidateId};
use crate::error::{Error, Result};
use crate::journey::Journey;
use crate::period::Period;
use crate::pipeline::Pipeline;

/// The candidates of one pipeline and their journeys, validated together:
/// every journey belongs to the pipeline and to a listed candidate, and no
/// candidate is listed twice.
///
/// A candidate may have several journeys (they applied twice in the year).
/// Resolving each journey to its candidate happens once, here, so that
/// counting afterwards never hashes an id.
///
/// ```
/// use positive_action::{Applications, Candidate, CandidateId, Journey, Outcome, Pipeline, Profile, Stage, StageResult};
///
/// let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025");
/// let id = CandidateId::from_external("APP-1");
/// let candidate = Candidate::new(id, Profile::parse([("sex", "female")])?);
/// let journey = Journey::new(&pipeline, id, [StageResult::new(Stage::APPLICATION, Outcome::Passed)])?;
/// let applications = Applications::new(&pipeline, vec![candidate], vec![journey])?;
/// assert_eq!(applications.journeys().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Applications {
    pipeline: Pipeline,
    candidates: Vec<Candidate>,
    journeys: Vec<Journey>,
    // owner[j] is the index in `candidates` of journey j's candidate.
    owner: Vec<u32>,
}

impl Applications {
    /// Validates candidates and journeys together.
    ///
    /// # Errors
    /// [`Error::DuplicateCandidate`], [`Error::UnknownCandidate`] for a
    /// journey of an unlisted candidate, [`Error::PipelineMismatch`] for a
    /// journey validated against another pipeline, and
    /// [`Error::InvalidOption`] beyond `u32::MAX` candidates.
    pub fn new(
        pipeline: &Pipeline,
        candidates: Vec<Candidate>,
        journeys: Vec<Journey>,
    ) -> Result<Self> {
        if candidates.len() > u32::MAX as usize {
            return Err(Error::InvalidOption {
                name: "candidates",
                value: candidates.len().to_string(),
                expected: "at most 4294967295 candidates",
            });
        }
        let mut index: HashMap<CandidateId, u32> = HashMap::with_capacity(candidates.len());
        for (i, c) in candidates.iter().enumerate() {
            // Bounded by the check above.
            if index.insert(c.id, i as u32).is_some() {
                return Err(Error::DuplicateCandidate { candidate: c.id });
            }
        }
        let mut owner = Vec::with_capacity(journeys.len());
        for j in &journeys {
            if !j.pipeline().same_as(pipeline) {
                return Err(Error::PipelineMismatch {
                    expected: pipeline.name().to_owned(),
                    found: j.pipeline().name().to_owned(),
                });
            }
            let i = index.get(&j.candidate()).ok_or(Error::UnknownCandidate {
                candidate: j.candidate(),
            })?;
            owner.push(*i);
        }
        Ok(Self {
            pipeline: pipeline.clone(),
            candidates,
            journeys,
            owner,
        })
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The candidates.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The journeys, in input order.
    pub fn journeys(&self) -> &[Journey] {
        &self.journeys
    }

    /// Each journey with its candidate.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Candidate, &Journey)> {
        self.journeys
            .iter()
            .zip(&self.owner)
            .map(|(j, &o)| (&self.candidates[o as usize], j))
    }

    /// The journeys whose application date falls in `period`: a cohort such
    /// as a financial year. Journeys with no date at all cannot be placed,
    /// and are counted apart, never silently dropped.
    ///
    /// ```
    /// # use positive_action::*;
    /// # use chrono::NaiveDate;
    /// # let pipeline = Pipeline::police_constable_recruitment("p");
    /// # let mk = |n: &str, d: Option<NaiveDate>| -> Result<(Candidate, Journey)> {
    /// #     let id = CandidateId::from_external(n);
    /// #     let mut r = StageResult::new(Stage::APPLICATION, Outcome::Passed);
    /// #     r.date = d;
    /// #     Ok((Candidate::new(id, Profile::default()), Journey::new(&pipeline, id, [r])?))
    /// # };
    /// # let (c1, j1) = mk("a", NaiveDate::from_ymd_opt(2024, 5, 1))?;
    /// # let (c2, j2) = mk("b", NaiveDate::from_ymd_opt(2025, 5, 1))?;
    /// # let (c3, j3) = mk("c", None)?;
    /// let applications = Applications::new(&pipeline, vec![c1, c2, c3], vec![j1, j2, j3])?;
    /// let fy = applications.in_period(&Period::financial_year(2024)?);
    /// assert_eq!((fy.applications.journeys().len(), fy.outside, fy.undated), (1, 1, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_period(&self, period: &Period) -> PeriodSelection {
        let mut journeys = Vec::new();
        let mut owner = Vec::new();
        let (mut outside, mut undated) = (0, 0);
        for (j, &o) in self.journeys.iter().zip(&self.owner) {
            match j.application_date() {
                Some(d) if period.contains(d) => {
                    journeys.push(j.clone());
                    owner.push(o);
                }
                Some(_) => outside += 1,
                None => undated += 1,
            }
        }
        PeriodSelection {
            applications: Self {
                pipeline: self.pipeline.clone(),
                candidates: self.candidates.clone(),
                journeys,
                owner,
            },
            period: *period,
            outside,
            undated,
        }
    }

    pub(crate) fn owners(&self) -> &[u32] {
        &self.owner
    }
}

/// The journeys of a period, and how many were left out and why.
///
/// `applications.journeys().len() + outside + undated` equals the number
/// of journeys selected from.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodSelection {
    /// The journeys that applied in the period.
    pub applications: Applications,
    /// The period.
    pub period: Period,
    /// Journeys whose application date falls outside the period.
    pub outside: usize,
    /// Journeys with no date, which no period can place.
    pub undated: usize,
}

impl Applications {
    /// For each candidate with a journey, the index of their latest
    /// application: the latest application date, with undated journeys
    /// before dated ones and ties going to the later journey in input
    /// order. Returned in input order.
    pub(crate) fn latest_per_candidate(&self) -> Vec<usize> {
        let mut best: Vec<Option<usize>> = vec![None; self.candidates.len()];
        for (j, (journey, &o)) in self.journeys.iter().zip(&self.owner).enumerate() {
            let slot = &mut best[o as usize];
            let replace = match *slot {
                None => true,
                Some(b) => journey.application_date() >= self.journeys[b].application_date(),
            };
            if replace {
                *slot = Some(j);
            }
        }
        let mut chosen: Vec<usize> = best.into_iter().flatten().collect();
        chosen.sort_unstable();
        chosen
    }
}
