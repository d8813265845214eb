//! Time in stage: days from one dated result to the next.

use std::collections::{BTreeMap, HashMap};

use crate::counts::funnel_counts::{Counting, ensure_mergeable};
use crate::error::{Error, Result};
use crate::records::applications::Applications;
use crate::records::breakdown::{Breakdown, Group};
use crate::records::pipeline::Pipeline;

/// The days each result at a stage took since the journey's previous dated
/// result, per stage and group: exact, mergeable histograms of whole days.
///
/// A result counts only where it and an earlier result of the same journey
/// both have dates. Durations are never negative, because a journey's dates
/// never go backwards.
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::*;
/// use positive_action::counts::{DaysSummary, StageTimes};
///
/// let pipeline = Pipeline::police_constable_recruitment("p");
/// let day = |d| NaiveDate::from_ymd_opt(2025, 5, d).unwrap();
/// let mut candidates = Vec::new();
/// let mut journeys = Vec::new();
/// for (n, wait) in [(1, 3), (2, 5), (3, 10)] {
///     let id = CandidateId::from_external(&format!("APP-{n}"));
///     candidates.push(Candidate::new(id, Profile::default()));
///     journeys.push(Journey::new(&pipeline, id, [
///         StageResult::new(Stage::APPLICATION, Outcome::Passed).on(day(1)),
///         StageResult::new(Stage::SIFT, Outcome::Passed).on(day(1 + wait)),
///     ])?);
/// }
/// let apps = Applications::new(&pipeline, candidates, journeys)?;
/// let times = StageTimes::from_applications(&apps, &Breakdown::default(), Counting::Applications);
/// let sift = times.summary(1, &Group::default()).unwrap();
/// assert_eq!((sift.results, sift.median_days, sift.p90_days), (3, 5.0, 9.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageTimes {
    pipeline: Pipeline,
    breakdown: Breakdown,
    // Per group, per stage: days → number of results.
    days: HashMap<Group, Vec<BTreeMap<u32, u64>>>,
}

/// The median and 90th percentile of the days a stage's results took.
///
/// Percentiles interpolate linearly between order statistics (Hyndman and
/// Fan type 7, the default of R's `quantile` and numpy's `percentile`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DaysSummary {
    /// How many dated results the figures rest on.
    pub results: u64,
    /// The median number of days.
    pub median_days: f64,
    /// The 90th percentile of days.
    pub p90_days: f64,
}

impl StageTimes {
    /// No durations: the identity of [`StageTimes::merge`].
    pub fn empty(pipeline: &Pipeline, breakdown: &Breakdown) -> Self {
        Self {
            pipeline: pipeline.clone(),
            breakdown: breakdown.clone(),
            days: HashMap::new(),
        }
    }

    /// Collects durations from validated journeys, selecting journeys as
    /// [`FunnelCounts::from_applications`](crate::FunnelCounts::from_applications) does.
    pub fn from_applications(
        applications: &Applications,
        breakdown: &Breakdown,
        counting: Counting,
    ) -> Self {
        let stages = applications.pipeline().stages().len();
        let (group_of, groups) = applications.group_per_candidate(breakdown);
        let mut per_group: Vec<Vec<BTreeMap<u32, u64>>> =
            vec![vec![BTreeMap::new(); stages]; groups.len()];
        let journeys = applications.journeys();
        let owners = applications.owners();
        let mut add = |j: usize| {
            let g = group_of[owners[j] as usize] as usize;
            let mut previous: Option<chrono::NaiveDate> = None;
            for step in journeys[j].steps() {
                if let Some(date) = step.date {
                    if let Some(prev) = previous {
                        // Validated journeys have non-decreasing dates.
                        let days = u32::try_from((date - prev).num_days()).unwrap_or(0);
                        *per_group[g][usize::from(step.stage)]
                            .entry(days)
                            .or_insert(0) += 1;
                    }
                    previous = Some(date);
                }
            }
        };
        match counting {
            Counting::Applications => (0..journeys.len()).for_each(&mut add),
            Counting::UniqueCandidates => applications
                .latest_per_candidate()
                .into_iter()
                .for_each(&mut add),
        }
        Self::from_days(applications.pipeline(), breakdown, groups, per_group)
    }

    /// Stage times from per group, per stage day histograms.
    pub(crate) fn from_days(
        pipeline: &Pipeline,
        breakdown: &Breakdown,
        groups: Vec<Group>,
        per_group: Vec<Vec<BTreeMap<u32, u64>>>,
    ) -> Self {
        Self {
            pipeline: pipeline.clone(),
            breakdown: breakdown.clone(),
            days: groups.into_iter().zip(per_group).collect(),
        }
    }

    /// Adds `other`'s durations into these.
    ///
    /// # Errors
    /// [`Error::PipelineMismatch`], [`Error::BreakdownMismatch`] and
    /// [`Error::CountOverflow`]; on error `self` is unchanged.
    pub fn merge(&mut self, other: &StageTimes) -> Result<()> {
        ensure_mergeable(
            (&self.pipeline, &self.breakdown),
            (&other.pipeline, &other.breakdown),
        )?;
        let mut merged = self.days.clone();
        let stages = self.pipeline.stages().len();
        for (group, hist) in &other.days {
            let mine = merged
                .entry(group.clone())
                .or_insert_with(|| vec![BTreeMap::new(); stages]);
            for (s, (target, source)) in mine.iter_mut().zip(hist).enumerate() {
                for (&d, &n) in source {
                    let slot = target.entry(d).or_insert(0);
                    *slot = slot.checked_add(n).ok_or_else(|| Error::CountOverflow {
                        stage: self.pipeline.stages()[s].clone(),
                        group: group.to_string(),
                    })?;
                }
            }
        }
        self.days = merged;
        Ok(())
    }

    /// The median and 90th percentile of days at a stage (by position) for
    /// a group; `None` where no dated result exists.
    pub fn summary(&self, stage: usize, group: &Group) -> Option<DaysSummary> {
        summarise(self.days.get(group)?.get(stage)?)
    }

    /// The same for all candidates together.
    pub fn summary_all(&self, stage: usize) -> Option<DaysSummary> {
        let mut all: BTreeMap<u32, u64> = BTreeMap::new();
        for hist in self.days.values().filter_map(|h| h.get(stage)) {
            for (&d, &n) in hist {
                let slot = all.entry(d).or_insert(0);
                // Beyond u64::MAX results the summary would be meaningless
                // anyway; saturate rather than wrap.
                *slot = slot.saturating_add(n);
            }
        }
        summarise(&all)
    }
}

fn summarise(hist: &BTreeMap<u32, u64>) -> Option<DaysSummary> {
    let results: u64 = hist.values().fold(0, |a, &n| a.saturating_add(n));
    if results == 0 {
        return None;
    }
    Some(DaysSummary {
        results,
        median_days: quantile(hist, results, 0.5),
        p90_days: quantile(hist, results, 0.9),
    })
}

/// Type 7 quantile of a histogram of `n > 0` values.
fn quantile(hist: &BTreeMap<u32, u64>, n: u64, q: f64) -> f64 {
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as u64;
    let frac = h - lo as f64;
    let x_lo = order_statistic(hist, lo);
    if frac == 0.0 {
        return f64::from(x_lo);
    }
    let x_hi = order_statistic(hist, lo + 1);
    f64::from(x_lo) + frac * (f64::from(x_hi) - f64::from(x_lo))
}

/// The k-th smallest value (0-based) of a histogram.
fn order_statistic(hist: &BTreeMap<u32, u64>, k: u64) -> u32 {
    let mut seen = 0;
    for (&d, &n) in hist {
        seen += n;
        if k < seen {
            return d;
        }
    }
    // k < total by construction; the last key is the maximum.
    hist.keys().next_back().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_type_7() {
        // numpy.percentile([1, 2, 2, 7, 30], [50, 90]) == [2.0, 20.8]
        let hist: BTreeMap<u32, u64> = [(1, 1), (2, 2), (7, 1), (30, 1)].into_iter().collect();
        assert_eq!(quantile(&hist, 5, 0.5), 2.0);
        assert!((quantile(&hist, 5, 0.9) - 20.8).abs() < 1e-12);
        let one: BTreeMap<u32, u64> = [(4, 1)].into_iter().collect();
        assert_eq!(quantile(&one, 1, 0.9), 4.0);
    }
}
