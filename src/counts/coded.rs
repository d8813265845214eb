//! Counting pre-coded results: the fast path for large inputs.
//!
//! A data platform that already holds results as small integers (a stage
//! index, an outcome, a group index) should not build a record per
//! candidate to count them. [`CodedCounts`] takes the groups once and then
//! counts each `(stage, outcome, group)` with one bounds check and one
//! increment.

use crate::counts::funnel_counts::FunnelCounts;
use crate::error::{Error, Result};
use crate::records::applications::OUTCOMES;
use crate::records::breakdown::{Breakdown, Group};
use crate::records::journey::Outcome;
use crate::records::pipeline::Pipeline;

/// Counts of pre-coded results, by stage index (the pipeline's order),
/// [`Outcome`] and group index (the order the groups were given in).
///
/// ```
/// use positive_action::counts::CodedCounts;
/// use positive_action::{Breakdown, Group, Outcome, Pipeline, PipelineKind};
///
/// let pipeline = Pipeline::new("sift 2025", PipelineKind::Recruitment, ["sift", "interview"])?;
/// let groups: Vec<Group> = vec!["sex=female".parse()?, "sex=male".parse()?];
/// let mut coded = CodedCounts::new(&pipeline, &"sex".parse::<Breakdown>()?, groups)?;
/// // (stage index, outcome, group index), as an export holds them.
/// coded.add_all([(0, Outcome::Passed, 0), (1, Outcome::Failed, 0), (0, Outcome::Failed, 1)])?;
/// assert!(coded.add(2, Outcome::Passed, 0).is_err()); // the pipeline has two stages
/// let counts = coded.finish();
/// assert_eq!(counts.get("sift", &"sex=female".parse()?).map(|c| c.passed), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CodedCounts {
    pipeline: Pipeline,
    breakdown: Breakdown,
    groups: Vec<Group>,
    stages: usize,
    // flat[(group * stages + stage) * OUTCOMES + outcome]
    flat: Vec<u64>,
}

impl CodedCounts {
    /// A counter for a pipeline and the groups that group indices name, in
    /// that order.
    ///
    /// # Errors
    /// [`Error::GroupShape`] for a group not over the breakdown's
    /// characteristics, and [`Error::DuplicateEntry`] for a group given
    /// twice.
    pub fn new(
        pipeline: &Pipeline,
        breakdown: &Breakdown,
        groups: impl IntoIterator<Item = Group>,
    ) -> Result<Self> {
        let mut conformed: Vec<Group> = Vec::new();
        for group in groups {
            let group = breakdown.conform(group)?;
            if conformed.contains(&group) {
                return Err(Error::DuplicateEntry {
                    entry: format!("group {group}"),
                    context: "groups of the coded counts",
                });
            }
            conformed.push(group);
        }
        let stages = pipeline.stages().len();
        let cells = conformed.len() * stages * OUTCOMES as usize;
        Ok(Self {
            pipeline: pipeline.clone(),
            breakdown: breakdown.clone(),
            groups: conformed,
            stages,
            flat: vec![0; cells],
        })
    }

    /// Counts one result.
    ///
    /// # Errors
    /// [`Error::CodeOutOfRange`] for a stage or group index past the
    /// pipeline's stages or the groups given.
    #[inline]
    pub fn add(&mut self, stage: usize, outcome: Outcome, group: usize) -> Result<()> {
        if stage >= self.stages {
            return Err(self.out_of_range("stage", stage, self.stages));
        }
        if group >= self.groups.len() {
            return Err(self.out_of_range("group", group, self.groups.len()));
        }
        let i = (group * self.stages + stage) * OUTCOMES as usize + outcome as usize;
        // In range by the checks above. One increment per result cannot
        // pass u64::MAX in any run that ends.
        self.flat[i] += 1;
        Ok(())
    }

    /// Counts every result, stopping at the first bad index (the results
    /// before it stay counted).
    ///
    /// # Errors
    /// As [`CodedCounts::add`].
    pub fn add_all(
        &mut self,
        results: impl IntoIterator<Item = (usize, Outcome, usize)>,
    ) -> Result<()> {
        results
            .into_iter()
            .try_for_each(|(stage, outcome, group)| self.add(stage, outcome, group))
    }

    /// The groups, in the order their indices refer to.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The counts, ready for every analysis.
    pub fn finish(self) -> FunnelCounts {
        FunnelCounts::from_flat(&self.pipeline, &self.breakdown, self.groups, &self.flat)
    }

    #[cold]
    fn out_of_range(&self, what: &'static str, index: usize, len: usize) -> Error {
        Error::CodeOutOfRange {
            what,
            index,
            len,
            pipeline: self.pipeline.name().to_owned(),
        }
    }
}
