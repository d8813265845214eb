//! A validated set of candidates and their journeys through one pipeline.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::records::breakdown::{Breakdown, Group, GroupInterner};
use crate::records::candidate::{Candidate, CandidateId};
use crate::records::journey::Journey;
use crate::records::period::Period;
use crate::records::pipeline::Pipeline;
use crate::records::profile::Profile;

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
    // Distinct profiles, and each candidate's index into them: analyses map
    // a few distinct profiles to groups instead of every candidate's.
    profiles: Vec<Profile>,
    profile_of: Vec<u32>,
    // Every stage result of every journey, pre-coded as stage * 5 + outcome
    // in one flat arena; journey j's are codes[bounds[j]..bounds[j + 1]].
    // Counting streams this sequentially instead of chasing a pointer per
    // journey.
    codes: Vec<u32>,
    bounds: Vec<usize>,
    // Each journey's application date, for selecting latest applications.
    applied: Vec<Option<NaiveDate>>,
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
        let mut distinct: HashMap<&Profile, u32> = HashMap::new();
        let mut profiles = Vec::new();
        let mut profile_of = Vec::with_capacity(candidates.len());
        for (i, c) in candidates.iter().enumerate() {
            // Bounded by the check above.
            if index.insert(c.id, i as u32).is_some() {
                return Err(Error::DuplicateCandidate { candidate: c.id });
            }
            let p = *distinct.entry(&c.profile).or_insert_with(|| {
                profiles.push(c.profile.clone());
                // No more distinct profiles than candidates.
                (profiles.len() - 1) as u32
            });
            profile_of.push(p);
        }
        drop(distinct);
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
        Ok(Self::from_parts(
            pipeline, candidates, journeys, owner, profiles, profile_of,
        ))
    }

    /// Candidates and journeys a loader has already validated together:
    /// distinct ids, each journey's candidate at `owner[j]`, and the
    /// distinct profiles with each candidate's index into them. Nothing is
    /// hashed; the loader vouches for what [`Applications::new`] checks.
    pub(crate) fn from_parts(
        pipeline: &Pipeline,
        candidates: Vec<Candidate>,
        journeys: Vec<Journey>,
        owner: Vec<u32>,
        profiles: Vec<Profile>,
        profile_of: Vec<u32>,
    ) -> Self {
        debug_assert_eq!(owner.len(), journeys.len());
        debug_assert_eq!(profile_of.len(), candidates.len());
        let (codes, bounds) = encode(&journeys);
        let applied = journeys.iter().map(Journey::application_date).collect();
        Self {
            pipeline: pipeline.clone(),
            candidates,
            journeys,
            owner,
            profiles,
            profile_of,
            codes,
            bounds,
            applied,
        }
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
    /// use positive_action::records::Period;
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
        let (codes, bounds) = encode(&journeys);
        let applied = journeys.iter().map(Journey::application_date).collect();
        PeriodSelection {
            applications: Self {
                pipeline: self.pipeline.clone(),
                candidates: self.candidates.clone(),
                journeys,
                owner,
                profiles: self.profiles.clone(),
                profile_of: self.profile_of.clone(),
                codes,
                bounds,
                applied,
            },
            period: *period,
            outside,
            undated,
        }
    }

    pub(crate) fn owners(&self) -> &[u32] {
        &self.owner
    }

    /// Journey j's stage results, each coded as `stage * 5 + outcome`.
    pub(crate) fn codes(&self, journey: usize) -> &[u32] {
        &self.codes[self.bounds[journey]..self.bounds[journey + 1]]
    }

    /// Interns every candidate's group: each distinct profile is mapped
    /// once, and each candidate gets a dense group index.
    pub(crate) fn group_per_candidate(&self, breakdown: &Breakdown) -> (Vec<u32>, Vec<Group>) {
        let mut interner = GroupInterner::new(breakdown);
        let per_profile: Vec<u32> = self.profiles.iter().map(|p| interner.intern(p)).collect();
        let per_candidate = self
            .profile_of
            .iter()
            .map(|&p| per_profile[p as usize])
            .collect();
        (per_candidate, interner.into_groups())
    }
}

/// Lays every journey's results out in one arena, coded as
/// `stage * 5 + outcome` (stages are at most `u16::MAX`, so this fits).
fn encode(journeys: &[Journey]) -> (Vec<u32>, Vec<usize>) {
    let total = journeys.iter().map(Journey::len).sum();
    let mut codes = Vec::with_capacity(total);
    let mut bounds = Vec::with_capacity(journeys.len() + 1);
    bounds.push(0);
    for j in journeys {
        codes.extend(
            j.steps()
                .iter()
                .map(|s| u32::from(s.stage) * OUTCOMES + s.outcome as u32),
        );
        bounds.push(codes.len());
    }
    (codes, bounds)
}

/// The number of outcomes: the width of a stage in a coded cell row.
pub(crate) const OUTCOMES: u32 = 5;

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
        for (j, (&applied, &o)) in self.applied.iter().zip(&self.owner).enumerate() {
            let slot = &mut best[o as usize];
            let replace = match *slot {
                None => true,
                Some(b) => applied >= self.applied[b],
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
