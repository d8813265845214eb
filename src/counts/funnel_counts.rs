//! `FunnelCounts`: the one aggregate every analysis reads.

use std::collections::HashMap;

use crate::error::limits::MAX_GROUPS;
use crate::error::{Error, Result};
use crate::records::applications::{Applications, OUTCOMES};
use crate::records::breakdown::{Breakdown, Group};
use crate::records::journey::Outcome;
use crate::records::pipeline::{Pipeline, Stage};

/// The error for a set of counts that would have `groups` groups, past
/// [`MAX_GROUPS`], at `location`.
pub(crate) fn too_many_groups(groups: usize, location: String) -> Error {
    Error::LimitExceeded {
        limit: "MAX_GROUPS",
        what: "the number of groups",
        value: groups as u64,
        max: MAX_GROUPS,
        location,
    }
}

/// Aggregates merge only within one pipeline and one breakdown.
pub(crate) fn ensure_mergeable(
    (pipeline, breakdown): (&Pipeline, &Breakdown),
    (other_pipeline, other_breakdown): (&Pipeline, &Breakdown),
) -> Result<()> {
    if !pipeline.same_as(other_pipeline) {
        return Err(Error::PipelineMismatch {
            expected: pipeline.name().to_owned(),
            found: other_pipeline.name().to_owned(),
        });
    }
    if breakdown != other_breakdown {
        return Err(Error::BreakdownMismatch {
            expected: breakdown.to_string(),
            found: other_breakdown.to_string(),
        });
    }
    Ok(())
}

/// Whether a candidate who applied more than once counts once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Counting {
    /// Every application counts: a candidate who applied twice is counted
    /// twice. This is what a recruitment year's funnel usually reports.
    #[default]
    Applications,
    /// Each candidate counts once, by their latest application (latest
    /// application date; undated before dated; then the later in input
    /// order).
    UniqueCandidates,
}

/// The counts of one stage for one group.
///
/// `entered` = passed + failed + withdrew + pending. Exempt candidates
/// skipped the stage by rule and are counted apart, not entered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StageCounts {
    /// Passed.
    pub passed: u64,
    /// Failed.
    pub failed: u64,
    /// Withdrew.
    pub withdrew: u64,
    /// Pending: entered, no decision yet.
    pub pending: u64,
    /// Exempt: skipped the stage by rule.
    pub exempt: u64,
}

impl StageCounts {
    /// Passed + failed + withdrew + pending.
    ///
    /// Inside a [`FunnelCounts`] the five counts never sum past `u64::MAX`
    /// (its constructors refuse that), so this is exact there; on a
    /// hand-made value it saturates.
    pub fn entered(&self) -> u64 {
        self.passed
            .saturating_add(self.failed)
            .saturating_add(self.withdrew)
            .saturating_add(self.pending)
    }

    /// Passed + failed: the candidates a decision was made on.
    pub fn decided(&self) -> u64 {
        self.passed.saturating_add(self.failed)
    }

    /// The count for one outcome.
    pub fn get(&self, outcome: Outcome) -> u64 {
        match outcome {
            Outcome::Passed => self.passed,
            Outcome::Failed => self.failed,
            Outcome::Withdrew => self.withdrew,
            Outcome::Pending => self.pending,
            Outcome::Exempt => self.exempt,
        }
    }

    /// All five counts, or `None` if they sum past `u64::MAX`.
    pub(crate) fn total(&self) -> Option<u64> {
        self.passed
            .checked_add(self.failed)?
            .checked_add(self.withdrew)?
            .checked_add(self.pending)?
            .checked_add(self.exempt)
    }

    /// The sum of two cells, or `None` if any count or the cell's total
    /// would pass `u64::MAX`.
    pub(crate) fn checked_add(&self, other: &Self) -> Option<Self> {
        let sum = Self {
            passed: self.passed.checked_add(other.passed)?,
            failed: self.failed.checked_add(other.failed)?,
            withdrew: self.withdrew.checked_add(other.withdrew)?,
            pending: self.pending.checked_add(other.pending)?,
            exempt: self.exempt.checked_add(other.exempt)?,
        };
        sum.total().map(|_| sum)
    }

    fn from_array(a: [u64; 5]) -> Self {
        Self {
            passed: a[Outcome::Passed as usize],
            failed: a[Outcome::Failed as usize],
            withdrew: a[Outcome::Withdrew as usize],
            pending: a[Outcome::Pending as usize],
            exempt: a[Outcome::Exempt as usize],
        }
    }
}

/// Already-aggregated counts for one stage and group, as a spreadsheet or
/// another system supplies them. This is the `counts` entry of the JSON
/// input contract.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CountRecord {
    /// The stage.
    pub stage: Stage,
    /// The group.
    pub group: Group,
    /// Passed.
    pub passed: u64,
    /// Failed.
    pub failed: u64,
    /// Withdrew (0 if absent from input).
    #[cfg_attr(feature = "serde", serde(default))]
    pub withdrew: u64,
    /// Pending (0 if absent from input).
    #[cfg_attr(feature = "serde", serde(default))]
    pub pending: u64,
    /// Exempt (0 if absent from input).
    #[cfg_attr(feature = "serde", serde(default))]
    pub exempt: u64,
}

impl CountRecord {
    /// A record of `passed` and `failed` at a stage for a group, with no
    /// withdrawals, pending or exempt candidates; add those with
    /// [`CountRecord::withdrew`], [`CountRecord::pending`] and
    /// [`CountRecord::exempt`].
    ///
    /// ```
    /// use positive_action::{CountRecord, Group, Stage};
    ///
    /// let record = CountRecord::new(Stage::new("sift")?, "ethnicity=Black".parse()?, 80, 40).withdrew(3);
    /// assert_eq!(record.counts().entered(), 123);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(stage: Stage, group: Group, passed: u64, failed: u64) -> Self {
        Self {
            stage,
            group,
            passed,
            failed,
            withdrew: 0,
            pending: 0,
            exempt: 0,
        }
    }

    /// The record with `n` withdrawn.
    #[must_use]
    pub fn withdrew(mut self, n: u64) -> Self {
        self.withdrew = n;
        self
    }

    /// The record with `n` pending.
    #[must_use]
    pub fn pending(mut self, n: u64) -> Self {
        self.pending = n;
        self
    }

    /// The record with `n` exempt.
    #[must_use]
    pub fn exempt(mut self, n: u64) -> Self {
        self.exempt = n;
        self
    }

    /// The record's counts.
    pub fn counts(&self) -> StageCounts {
        StageCounts {
            passed: self.passed,
            failed: self.failed,
            withdrew: self.withdrew,
            pending: self.pending,
            exempt: self.exempt,
        }
    }
}

/// Dense counts per (stage, group, outcome) for one pipeline and breakdown.
///
/// This is the only thing analyses read. Build it from validated journeys
/// ([`FunnelCounts::from_applications`]), from already-aggregated counts
/// ([`FunnelCounts::from_records`]), or by merging ([`FunnelCounts::merge`]).
/// Merging is associative and commutative with [`FunnelCounts::empty`] as
/// identity, so counts from months, partitions or forces combine exactly.
/// Counts only ever add; rates are derived at analysis time. Groups are kept
/// in a canonical (sorted) order, so equal counts compare equal however they
/// were built.
///
/// ```
/// use positive_action::{Breakdown, CountRecord, FunnelCounts, Group, Pipeline, PipelineKind, Stage};
///
/// let pipeline = Pipeline::new("sift 2025", PipelineKind::Recruitment, ["sift"])?;
/// let by_ethnicity = Breakdown::parse(["ethnicity"])?;
/// let record = |label, passed, failed| -> Result<CountRecord, positive_action::Error> {
///     Ok(CountRecord {
///         stage: Stage::new("sift")?,
///         group: Group::parse([("ethnicity", label)])?,
///         passed, failed, withdrew: 0, pending: 0, exempt: 0,
///     })
/// };
/// let april = FunnelCounts::from_records(&pipeline, &by_ethnicity, [record("Black", 8, 12)?])?;
/// let may = FunnelCounts::from_records(&pipeline, &by_ethnicity, [record("Black", 4, 6)?, record("White", 50, 30)?])?;
///
/// let mut year = FunnelCounts::empty(&pipeline, &by_ethnicity);
/// year.merge(&april)?;
/// year.merge(&may)?;
/// let black = year.group_index(&Group::parse([("ethnicity", "Black")])?).unwrap();
/// assert_eq!(year.counts(0, black).map(|c| c.passed), Some(12));
/// assert_eq!(year.counts(0, black).map(|c| c.entered()), Some(30));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelCounts {
    pipeline: Pipeline,
    breakdown: Breakdown,
    groups: Vec<Group>,
    // cells[group * stages + stage]; group-major so a new group appends.
    cells: Vec<StageCounts>,
}

impl FunnelCounts {
    /// No counts: the identity of [`FunnelCounts::merge`].
    pub fn empty(pipeline: &Pipeline, breakdown: &Breakdown) -> Self {
        Self {
            pipeline: pipeline.clone(),
            breakdown: breakdown.clone(),
            groups: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// Counts validated journeys, by the breakdown's groups.
    ///
    /// Each candidate's profile is mapped to a group index once; the loop
    /// over stage results only increments `counts[group][stage][outcome]`.
    /// It cannot overflow: there are fewer stage results in memory than
    /// `u64::MAX`.
    pub fn from_applications(
        applications: &Applications,
        breakdown: &Breakdown,
        counting: Counting,
    ) -> Self {
        let stages = applications.pipeline().stages().len();
        let (group_of, groups) = applications.group_per_candidate(breakdown);
        // One row of stages * 5 counters per group; a coded result is its
        // offset in the row.
        let width = stages * OUTCOMES as usize;
        let mut flat = vec![0u64; groups.len() * width];
        let owners = applications.owners();
        let mut count = |j: usize| {
            let base = group_of[owners[j] as usize] as usize * width;
            let row = &mut flat[base..base + width];
            for &code in applications.codes(j) {
                row[code as usize] += 1;
            }
        };
        match counting {
            Counting::Applications => (0..owners.len()).for_each(&mut count),
            Counting::UniqueCandidates => applications
                .latest_per_candidate()
                .into_iter()
                .for_each(&mut count),
        }
        Self::from_flat(applications.pipeline(), breakdown, groups, &flat)
    }

    /// Counts from one row of `stages * 5` counters per group, a coded
    /// result (`stage * 5 + outcome`) being its offset in the row.
    pub(crate) fn from_flat(
        pipeline: &Pipeline,
        breakdown: &Breakdown,
        groups: Vec<Group>,
        flat: &[u64],
    ) -> Self {
        let cells = flat
            .chunks_exact(OUTCOMES as usize)
            .map(|c| StageCounts::from_array([c[0], c[1], c[2], c[3], c[4]]))
            .collect();
        Self::canonical(pipeline.clone(), breakdown.clone(), groups, cells)
    }

    /// Builds counts from already-aggregated records, one per stage and
    /// group. A (stage, group) pair with no record counts zero.
    ///
    /// # Errors
    /// [`Error::UnknownStage`], [`Error::GroupShape`] for a group that does
    /// not have exactly the breakdown's characteristics,
    /// [`Error::DuplicateCounts`] for a (stage, group) given twice,
    /// [`Error::CountOverflow`] when a record's counts sum past `u64::MAX`,
    /// and [`Error::LimitExceeded`] at the record that brings a group past
    /// [`MAX_GROUPS`](crate::limits::MAX_GROUPS).
    pub fn from_records(
        pipeline: &Pipeline,
        breakdown: &Breakdown,
        records: impl IntoIterator<Item = CountRecord>,
    ) -> Result<Self> {
        let stages = pipeline.stages().len();
        let mut index: HashMap<Group, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut cells: Vec<StageCounts> = Vec::new();
        let mut seen: Vec<bool> = Vec::new();
        for (i, record) in records.into_iter().enumerate() {
            let counts = record.counts();
            let s =
                pipeline
                    .stage_index(record.stage.name())
                    .ok_or_else(|| Error::UnknownStage {
                        candidate: None,
                        stage: record.stage.name().to_owned(),
                        pipeline: pipeline.name().to_owned(),
                    })?;
            let group = breakdown.conform(record.group)?;
            if counts.total().is_none() {
                return Err(Error::CountOverflow {
                    stage: pipeline.stages()[s].clone(),
                    group: group.to_string(),
                });
            }
            let g = match index.get(&group) {
                Some(&g) => g,
                None => {
                    let g = groups.len();
                    if g as u64 >= MAX_GROUPS {
                        return Err(too_many_groups(
                            g + 1,
                            format!(
                                "counts record {} (stage {}, group {group})",
                                i + 1,
                                pipeline.stages()[s]
                            ),
                        ));
                    }
                    index.insert(group.clone(), g);
                    groups.push(group);
                    cells.resize(cells.len() + stages, StageCounts::default());
                    seen.resize(seen.len() + stages, false);
                    g
                }
            };
            let cell = g * stages + s;
            if std::mem::replace(&mut seen[cell], true) {
                return Err(Error::DuplicateCounts {
                    stage: pipeline.stages()[s].clone(),
                    group: groups[g].to_string(),
                });
            }
            cells[cell] = counts;
        }
        Ok(Self::canonical(
            pipeline.clone(),
            breakdown.clone(),
            groups,
            cells,
        ))
    }

    /// Adds `other`'s counts into these, matching groups by label.
    ///
    /// On error `self` is unchanged.
    ///
    /// # Errors
    /// [`Error::PipelineMismatch`], [`Error::BreakdownMismatch`],
    /// [`Error::CountOverflow`] if a sum would pass `u64::MAX`, and
    /// [`Error::LimitExceeded`] if the groups together would be more than
    /// [`MAX_GROUPS`](crate::limits::MAX_GROUPS).
    pub fn merge(&mut self, other: &FunnelCounts) -> Result<()> {
        ensure_mergeable(
            (&self.pipeline, &self.breakdown),
            (&other.pipeline, &other.breakdown),
        )?;
        let stages = self.stages();
        let zero = vec![StageCounts::default(); stages];
        let (mut i, mut j) = (0, 0);
        let mut groups = Vec::with_capacity(self.groups.len().max(other.groups.len()));
        let mut cells = Vec::with_capacity(groups.capacity() * stages);
        // Both group lists are sorted: a merge join.
        while i < self.groups.len() || j < other.groups.len() {
            let order = match (self.groups.get(i), other.groups.get(j)) {
                (Some(a), Some(b)) => a.cmp(b),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let (group, a, b) = match order {
                std::cmp::Ordering::Less => {
                    i += 1;
                    (&self.groups[i - 1], self.block(i - 1), &zero[..])
                }
                std::cmp::Ordering::Greater => {
                    j += 1;
                    (&other.groups[j - 1], &zero[..], other.block(j - 1))
                }
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    (&self.groups[i - 1], self.block(i - 1), other.block(j - 1))
                }
            };
            for (s, (x, y)) in a.iter().zip(b).enumerate() {
                cells.push(x.checked_add(y).ok_or_else(|| Error::CountOverflow {
                    stage: self.pipeline.stages()[s].clone(),
                    group: group.to_string(),
                })?);
            }
            groups.push(group.clone());
            if groups.len() as u64 > MAX_GROUPS {
                return Err(too_many_groups(
                    groups.len(),
                    format!("merging counts, at group {group}"),
                ));
            }
        }
        self.groups = groups;
        self.cells = cells;
        Ok(())
    }

    /// Adds one candidate's `outcome` at a stage for a group, as a service
    /// counts results while they arrive. The stage is named; the group is
    /// matched to the breakdown (its characteristics in any order), and a
    /// group not seen before is added.
    ///
    /// ```
    /// use positive_action::{Breakdown, FunnelCounts, Group, Outcome, Pipeline, PipelineKind};
    ///
    /// let pipeline = Pipeline::new("sift 2025", PipelineKind::Recruitment, ["sift", "interview"])?;
    /// let mut counts = FunnelCounts::empty(&pipeline, &"sex".parse::<Breakdown>()?);
    /// let women: Group = "sex=female".parse()?;
    /// counts.add("sift", &women, Outcome::Passed)?;
    /// counts.add_n("sift", &women, Outcome::Failed, 3)?;
    /// assert_eq!(counts.get("sift", &women).map(|c| c.entered()), Some(4));
    /// assert!(counts.add("board", &women, Outcome::Passed).is_err()); // no such stage
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::UnknownStage`], [`Error::GroupShape`] for a group not over
    /// the breakdown's characteristics, [`Error::CountOverflow`] if the
    /// cell would pass `u64::MAX`, and [`Error::LimitExceeded`] for a new
    /// group past [`MAX_GROUPS`](crate::limits::MAX_GROUPS); on error the
    /// counts are unchanged.
    pub fn add(&mut self, stage: impl AsRef<str>, group: &Group, outcome: Outcome) -> Result<()> {
        self.add_n(stage, group, outcome, 1)
    }

    /// Adds `n` candidates with `outcome` at a stage for a group: a batch
    /// of [`FunnelCounts::add`].
    ///
    /// # Errors
    /// As [`FunnelCounts::add`].
    pub fn add_n(
        &mut self,
        stage: impl AsRef<str>,
        group: &Group,
        outcome: Outcome,
        n: u64,
    ) -> Result<()> {
        let mut one = StageCounts::default();
        match outcome {
            Outcome::Passed => one.passed = n,
            Outcome::Failed => one.failed = n,
            Outcome::Withdrew => one.withdrew = n,
            Outcome::Pending => one.pending = n,
            Outcome::Exempt => one.exempt = n,
        }
        self.add_counts(stage.as_ref(), group, &one)
    }

    /// Adds a record's counts to its stage and group (where
    /// [`FunnelCounts::from_records`] refuses a second record for the same
    /// cell, this sums them).
    ///
    /// # Errors
    /// As [`FunnelCounts::add`].
    pub fn add_record(&mut self, record: &CountRecord) -> Result<()> {
        self.add_counts(record.stage.name(), &record.group, &record.counts())
    }

    /// Adds every record, stopping at the first error. Records before it
    /// stay added, so on error merge into a copy if that matters.
    ///
    /// # Errors
    /// As [`FunnelCounts::add`].
    pub fn add_records<'a>(
        &mut self,
        records: impl IntoIterator<Item = &'a CountRecord>,
    ) -> Result<()> {
        records.into_iter().try_for_each(|r| self.add_record(r))
    }

    fn add_counts(&mut self, stage: &str, group: &Group, counts: &StageCounts) -> Result<()> {
        let s = self
            .pipeline
            .stage_index(stage)
            .ok_or_else(|| Error::UnknownStage {
                candidate: None,
                stage: stage.trim().to_owned(),
                pipeline: self.pipeline.name().to_owned(),
            })?;
        let group = self.breakdown.conform(group.clone())?;
        let stages = self.stages();
        let found = self.groups.binary_search(&group);
        let before = match found {
            Ok(g) => self.cells[g * stages + s],
            Err(_) => StageCounts::default(),
        };
        let sum = before
            .checked_add(counts)
            .filter(|c| c.total().is_some())
            .ok_or_else(|| Error::CountOverflow {
                stage: self.pipeline.stages()[s].clone(),
                group: group.to_string(),
            })?;
        let g = match found {
            Ok(g) => g,
            Err(_) if self.groups.len() as u64 >= MAX_GROUPS => {
                return Err(too_many_groups(
                    self.groups.len() + 1,
                    format!("adding counts at stage {stage}, group {group}"),
                ));
            }
            Err(g) => {
                // A new group takes its place in canonical order.
                self.groups.insert(g, group);
                let at = g * stages;
                self.cells
                    .splice(at..at, std::iter::repeat_n(StageCounts::default(), stages));
                g
            }
        };
        self.cells[g * stages + s] = sum;
        Ok(())
    }

    /// The same counts under a coarser breakdown: for example counts by sex
    /// and ethnicity, summed to counts by ethnicity alone.
    ///
    /// # Errors
    /// [`Error::BreakdownMismatch`] unless every characteristic of
    /// `breakdown` is in this one, and [`Error::CountOverflow`].
    pub fn project(&self, breakdown: &Breakdown) -> Result<Self> {
        if !breakdown.is_subset_of(&self.breakdown) {
            return Err(Error::BreakdownMismatch {
                expected: self.breakdown.to_string(),
                found: breakdown.to_string(),
            });
        }
        let stages = self.stages();
        let mut index: HashMap<Group, usize> = HashMap::new();
        let mut groups = Vec::new();
        let mut cells: Vec<StageCounts> = Vec::new();
        for (g, group) in self.groups.iter().enumerate() {
            let target = breakdown.project(group);
            let t = *index.entry(target.clone()).or_insert_with(|| {
                groups.push(target);
                cells.resize(cells.len() + stages, StageCounts::default());
                groups.len() - 1
            });
            for s in 0..stages {
                let cell = &mut cells[t * stages + s];
                *cell = cell
                    .checked_add(&self.cells[g * stages + s])
                    .ok_or_else(|| Error::CountOverflow {
                        stage: self.pipeline.stages()[s].clone(),
                        group: groups[t].to_string(),
                    })?;
            }
        }
        Ok(Self::canonical(
            self.pipeline.clone(),
            breakdown.clone(),
            groups,
            cells,
        ))
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The breakdown.
    pub fn breakdown(&self) -> &Breakdown {
        &self.breakdown
    }

    /// The number of stages.
    pub fn stages(&self) -> usize {
        self.pipeline.stages().len()
    }

    /// The groups, in canonical order: declared categories first, unknown
    /// ones last.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The position of a group in [`FunnelCounts::groups`].
    pub fn group_index(&self, group: &Group) -> Option<usize> {
        self.groups.binary_search(group).ok()
    }

    /// The counts of one stage and group, by position; `None` when either
    /// is out of range.
    ///
    /// ```
    /// use positive_action::FunnelCounts;
    ///
    /// let counts = FunnelCounts::selection([("sex=female", 40, 12), ("sex=male", 60, 30)])?;
    /// assert_eq!(counts.counts(0, 0).map(|c| c.passed), Some(12));
    /// assert_eq!(counts.counts(0, 7), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn counts(&self, stage: usize, group: usize) -> Option<&StageCounts> {
        if stage >= self.stages() || group >= self.groups.len() {
            return None;
        }
        self.cells.get(group * self.stages() + stage)
    }

    /// The counts of a stage and group, by name; `None` when the pipeline
    /// has no such stage or the counts no such group.
    ///
    /// ```
    /// use positive_action::{FunnelCounts, Group};
    ///
    /// let counts = FunnelCounts::selection([("sex=female", 40, 12), ("sex=male", 60, 30)])?;
    /// let women: Group = "sex=female".parse()?;
    /// assert_eq!(counts.get("selection", &women).map(|c| c.entered()), Some(40));
    /// assert_eq!(counts.get("interview", &women), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, stage: &str, group: &Group) -> Option<&StageCounts> {
        let s = self.pipeline.stage_index(stage)?;
        let g = self.group_index(group)?;
        self.counts(s, g)
    }

    /// The cell of a stage and group whose indices come from these counts
    /// (`0..stages()`, `0..groups().len()`), as every analysis loop takes
    /// them.
    pub(crate) fn cell(&self, stage: usize, group: usize) -> &StageCounts {
        debug_assert!(stage < self.stages() && group < self.groups.len());
        &self.cells[group * self.stages() + stage]
    }

    /// The places where these counts describe a funnel that cannot have
    /// happened: a group in which more candidates reached a stage (entered
    /// it or were exempt from it) than passed or were exempt from the stage
    /// before. Every candidate at a stage came through the one before, so
    /// reached(s + 1) <= passed(s) + exempt(s) for any real funnel; counts
    /// of candidate records always satisfy it.
    ///
    /// Counts read from outside (aggregated JSON, a spreadsheet) may not:
    /// the report input makes a problem here an error in strict mode and a
    /// note in lenient mode. Each problem is an [`Error::ImpossibleFlow`]
    /// naming the group, both stages and both figures, in group order.
    ///
    /// ```
    /// use positive_action::{CountRecord, Breakdown, FunnelCounts, Group, Pipeline, PipelineKind};
    ///
    /// let pipeline = Pipeline::new("PC 2025", PipelineKind::Recruitment, ["sift", "interview"])?;
    /// let breakdown = Breakdown::parse(["sex"])?;
    /// let female = Group::parse([("sex", "female")])?;
    /// let counts = FunnelCounts::from_records(&pipeline, &breakdown, [
    ///     CountRecord::new("sift".parse()?, female.clone(), 10, 5),
    ///     CountRecord::new("interview".parse()?, female, 12, 0),
    /// ])?;
    /// let problems = counts.flow_problems();
    /// assert_eq!(problems.len(), 1);
    /// assert!(problems[0].to_string().contains("12 reached stage interview"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flow_problems(&self) -> Vec<Error> {
        let stages = self.stages();
        let mut problems = Vec::new();
        for (g, group) in self.groups.iter().enumerate() {
            for s in 1..stages {
                let before = self.cell(s - 1, g);
                let here = self.cell(s, g);
                // u128: the sums of two u64 counts cannot overflow it.
                let came = u128::from(before.passed) + u128::from(before.exempt);
                let reached = u128::from(here.passed)
                    + u128::from(here.failed)
                    + u128::from(here.withdrew)
                    + u128::from(here.pending)
                    + u128::from(here.exempt);
                if reached > came {
                    let saturate = |n: u128| u64::try_from(n).unwrap_or(u64::MAX);
                    problems.push(Error::ImpossibleFlow {
                        group: group.to_string(),
                        stage: self.pipeline.stages()[s].to_string(),
                        entered: saturate(reached),
                        previous: self.pipeline.stages()[s - 1].to_string(),
                        before: saturate(came),
                    });
                }
            }
        }
        problems
    }

    /// The counts of one stage summed over every group.
    ///
    /// # Errors
    /// [`Error::CountOverflow`] if the sum passes `u64::MAX`.
    pub fn stage_total(&self, stage: usize) -> Result<StageCounts> {
        let stages = self.stages();
        self.cells
            .iter()
            .skip(stage)
            .step_by(stages)
            .try_fold(StageCounts::default(), |acc, c| acc.checked_add(c))
            .ok_or_else(|| Error::CountOverflow {
                stage: self.pipeline.stages()[stage].clone(),
                group: "all candidates".to_owned(),
            })
    }

    /// Every cell as a record, stage-major within each group.
    pub fn records(&self) -> impl Iterator<Item = CountRecord> + '_ {
        let stages = self.pipeline.stages();
        self.groups.iter().enumerate().flat_map(move |(g, group)| {
            stages.iter().enumerate().map(move |(s, stage)| {
                let c = self.cells[g * stages.len() + s];
                CountRecord {
                    stage: stage.clone(),
                    group: group.clone(),
                    passed: c.passed,
                    failed: c.failed,
                    withdrew: c.withdrew,
                    pending: c.pending,
                    exempt: c.exempt,
                }
            })
        })
    }

    fn block(&self, group: usize) -> &[StageCounts] {
        let s = self.stages();
        &self.cells[group * s..(group + 1) * s]
    }

    /// Sorts groups into canonical order, carrying their cells.
    fn canonical(
        pipeline: Pipeline,
        breakdown: Breakdown,
        groups: Vec<Group>,
        cells: Vec<StageCounts>,
    ) -> Self {
        let stages = pipeline.stages().len();
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by(|&a, &b| groups[a].cmp(&groups[b]));
        let mut sorted_cells = Vec::with_capacity(cells.len());
        for &g in &order {
            sorted_cells.extend_from_slice(&cells[g * stages..(g + 1) * stages]);
        }
        let mut groups: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
        let groups = order.iter().filter_map(|&g| groups[g].take()).collect();
        Self {
            pipeline,
            breakdown,
            groups,
            cells: sorted_cells,
        }
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FunnelCountsSpec {
    pipeline: Pipeline,
    breakdown: Breakdown,
    counts: Vec<CountRecord>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for FunnelCounts {
    /// `{"pipeline": …, "breakdown": […], "counts": [CountRecord…]}`, every
    /// cell included.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        FunnelCountsSpec {
            pipeline: self.pipeline.clone(),
            breakdown: self.breakdown.clone(),
            counts: self.records().collect(),
        }
        .serialize(s)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for FunnelCounts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let spec = FunnelCountsSpec::deserialize(d)?;
        Self::from_records(&spec.pipeline, &spec.breakdown, spec.counts)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::pipeline::PipelineKind;

    fn pipeline() -> Pipeline {
        Pipeline::new("p", PipelineKind::Recruitment, ["a", "b"]).unwrap()
    }

    fn rec(stage: &str, group: &[(&str, &str)], passed: u64, failed: u64) -> CountRecord {
        CountRecord {
            stage: Stage::new(stage).unwrap(),
            group: Group::parse(group.iter().copied()).unwrap(),
            passed,
            failed,
            withdrew: 0,
            pending: 0,
            exempt: 0,
        }
    }

    #[test]
    fn records_errors_name_stage_and_group() {
        let p = pipeline();
        let b = Breakdown::parse(["sex"]).unwrap();
        let f = [("sex", "female")];
        let err = FunnelCounts::from_records(&p, &b, [rec("zz", &f, 1, 1)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "stage \"zz\" is not a stage of pipeline \"p\""
        );
        let err = FunnelCounts::from_records(&p, &b, [rec("a", &f, 1, 1), rec("a", &f, 2, 2)])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "counts for stage a, group sex=female are given more than once"
        );
        let err = FunnelCounts::from_records(&p, &b, [rec("a", &f, u64::MAX, 1)]).unwrap_err();
        assert!(matches!(err, Error::CountOverflow { .. }), "{err}");
        let err = FunnelCounts::from_records(&p, &b, [rec("a", &[("ethnicity", "Black")], 1, 1)])
            .unwrap_err();
        assert!(matches!(err, Error::GroupShape { .. }), "{err}");
    }

    #[test]
    fn merge_overflow_leaves_counts_unchanged() {
        let p = pipeline();
        let b = Breakdown::parse(["sex"]).unwrap();
        let f = [("sex", "female")];
        let mut a = FunnelCounts::from_records(&p, &b, [rec("a", &f, u64::MAX - 1, 0)]).unwrap();
        let before = a.clone();
        let more = FunnelCounts::from_records(&p, &b, [rec("a", &f, 2, 0)]).unwrap();
        let err = a.merge(&more).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "count overflow at stage a, group sex=female: the total exceeds {}",
                u64::MAX
            )
        );
        assert_eq!(a, before);
    }

    #[test]
    fn merge_refuses_other_pipelines_and_breakdowns() {
        let b = Breakdown::parse(["sex"]).unwrap();
        let mut a = FunnelCounts::empty(&pipeline(), &b);
        let other = Pipeline::new("q", PipelineKind::Recruitment, ["a", "b"]).unwrap();
        assert!(matches!(
            a.merge(&FunnelCounts::empty(&other, &b)),
            Err(Error::PipelineMismatch { .. })
        ));
        let by_race = Breakdown::parse(["race"]).unwrap();
        assert_eq!(
            a.merge(&FunnelCounts::empty(&pipeline(), &by_race))
                .unwrap_err()
                .to_string(),
            "breakdown mismatch: expected [sex], found [race]"
        );
    }

    #[test]
    fn project_sums_over_dropped_characteristics() {
        let p = pipeline();
        let b = Breakdown::parse(["sex", "ethnicity"]).unwrap();
        let counts = FunnelCounts::from_records(
            &p,
            &b,
            [
                rec("a", &[("sex", "female"), ("ethnicity", "Black")], 3, 1),
                rec("a", &[("sex", "male"), ("ethnicity", "Black")], 5, 2),
                rec("a", &[("sex", "male"), ("ethnicity", "White")], 7, 7),
            ],
        )
        .unwrap();
        let by_eth = counts
            .project(&Breakdown::parse(["ethnicity"]).unwrap())
            .unwrap();
        assert_eq!(by_eth.groups().len(), 2);
        assert_eq!(by_eth.cell(0, 0).passed, 8);
        assert_eq!(by_eth.cell(0, 1).failed, 7);
        assert!(counts.project(&Breakdown::parse(["age"]).unwrap()).is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip() {
        let p = pipeline();
        let b = Breakdown::parse(["sex"]).unwrap();
        let counts = FunnelCounts::from_records(
            &p,
            &b,
            [
                rec("a", &[("sex", "male")], 3, 1),
                rec("b", &[("sex", "female")], 1, 0),
            ],
        )
        .unwrap();
        let json = serde_json::to_string(&counts).unwrap();
        assert_eq!(serde_json::from_str::<FunnelCounts>(&json).unwrap(), counts);
        let negative =
            r#"{"stage": "a", "group": {"sex": "male"}, "passed": -3, "failed": 1, "withdrew": 0}"#;
        let err = serde_json::from_str::<CountRecord>(negative)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("invalid value: integer `-3`, expected u64"),
            "{err}"
        );
    }
}
