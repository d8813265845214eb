//! One decision, counts per group: the four-fifths case in one line.
//!
//! Most checks of a selection procedure (a sift, an online test, a scoring
//! model) look at one decision: how many of each group were considered and
//! how many were selected. These constructors build the counts of a
//! one-stage pipeline named `selection` straight from those numbers, or from
//! the decisions themselves.

use std::collections::HashMap;

use crate::counts::funnel_counts::{CountRecord, FunnelCounts};
use crate::error::{Error, Result};
use crate::records::breakdown::{Breakdown, Group};
use crate::records::pipeline::{Pipeline, PipelineKind, Stage};

/// The name of the one stage of a selection.
pub const SELECTION: &str = "selection";

impl FunnelCounts {
    /// The counts of one decision from (group, applied, selected) per group:
    /// the two numbers per group that the spreadsheet tools take. Groups are
    /// written `characteristic=category`, intersectional ones with commas
    /// (`sex=female,ethnicity=Black`), and all must be over the same
    /// characteristics. The pipeline has one stage, `selection`.
    ///
    /// ```
    /// use positive_action::{FunnelCounts, ImpactOptions, check_no_adverse_impact};
    ///
    /// let fair = FunnelCounts::selection([("sex=female", 100, 45), ("sex=male", 100, 50)])?;
    /// check_no_adverse_impact(&fair, &ImpactOptions::default())?;
    ///
    /// let unfair = FunnelCounts::selection([("sex=female", 100, 30), ("sex=male", 100, 50)])?;
    /// assert!(check_no_adverse_impact(&unfair, &ImpactOptions::default()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for no groups, [`Error::InvalidGroup`] for a
    /// group that does not parse, [`Error::GroupShape`] for groups over
    /// different characteristics, [`Error::CountExceedsTotal`] when more
    /// are selected than applied, and [`Error::DuplicateCounts`] for a group
    /// given twice.
    pub fn selection<G: AsRef<str>>(
        per_group: impl IntoIterator<Item = (G, u64, u64)>,
    ) -> Result<Self> {
        let mut groups = Vec::new();
        for (label, applied, selected) in per_group {
            let group: Group = label.as_ref().parse()?;
            groups.push((group, applied, selected));
        }
        Self::selection_of_groups(groups)
    }

    /// The counts of one decision from each candidate's (group, selected):
    /// what a selection procedure's test suite has after running it on a
    /// fixture population. Groups are written as for
    /// [`FunnelCounts::selection`]; each distinct label is parsed once.
    ///
    /// ```
    /// use positive_action::{FunnelCounts, ImpactOptions, check_no_adverse_impact};
    ///
    /// // A scoring model's decisions on fixture candidates.
    /// let decisions = (0..200).map(|i| {
    ///     let group = if i % 2 == 0 { "sex=female" } else { "sex=male" };
    ///     (group, i % 5 < 2)
    /// });
    /// let counts = FunnelCounts::from_decisions(decisions)?;
    /// check_no_adverse_impact(&counts, &ImpactOptions::default())?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`FunnelCounts::selection`].
    pub fn from_decisions<G: AsRef<str>>(
        decisions: impl IntoIterator<Item = (G, bool)>,
    ) -> Result<Self> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut tallies: Vec<(String, u64, u64)> = Vec::new();
        for (label, selected) in decisions {
            let label = label.as_ref();
            let i = match index.get(label) {
                Some(&i) => i,
                None => {
                    index.insert(label.to_owned(), tallies.len());
                    tallies.push((label.to_owned(), 0, 0));
                    tallies.len() - 1
                }
            };
            let tally = &mut tallies[i];
            // One decision per step: a count cannot reach u64::MAX.
            tally.1 += 1;
            tally.2 += u64::from(selected);
        }
        Self::selection(tallies)
    }

    fn selection_of_groups(groups: Vec<(Group, u64, u64)>) -> Result<Self> {
        let Some((first, _, _)) = groups.first() else {
            return Err(Error::InvalidInput {
                reason:
                    "a selection has no groups: expected at least one (group, applied, selected)"
                        .to_owned(),
            });
        };
        let breakdown = Breakdown::new(first.entries().map(|(c, _)| c.clone()))?;
        let pipeline = Pipeline::new(SELECTION, PipelineKind::Recruitment, [SELECTION])?;
        let stage = Stage::new(SELECTION)?;
        let mut records = Vec::with_capacity(groups.len());
        for (group, applied, selected) in groups {
            if selected > applied {
                return Err(Error::CountExceedsTotal {
                    part: format!("selected in group {group}"),
                    count: selected,
                    whole: "applied".to_owned(),
                    total: applied,
                });
            }
            records.push(CountRecord::new(
                stage.clone(),
                group,
                selected,
                applied - selected,
            ));
        }
        Self::from_records(&pipeline, &breakdown, records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_selections_are_named_errors() {
        let none: [(&str, u64, u64); 0] = [];
        assert!(matches!(
            FunnelCounts::selection(none),
            Err(Error::InvalidInput { .. })
        ));
        let err = FunnelCounts::selection([("sex=female", 10, 11)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "selected in group sex=female (11) exceeds applied (10)"
        );
        assert!(matches!(
            FunnelCounts::selection([("sex=female", 10, 1), ("ethnicity=Black", 10, 1)]),
            Err(Error::GroupShape { .. })
        ));
        assert!(matches!(
            FunnelCounts::selection([("female", 10, 1)]),
            Err(Error::InvalidGroup { .. })
        ));
        assert!(matches!(
            FunnelCounts::selection([("sex=female", 10, 1), ("sex=female", 5, 1)]),
            Err(Error::DuplicateCounts { .. })
        ));
    }

    #[test]
    fn decisions_count_like_their_totals() {
        let decisions = [
            ("sex=female", true),
            ("sex=male", false),
            ("sex=female", false),
        ];
        let counts = FunnelCounts::from_decisions(decisions).unwrap();
        let direct = FunnelCounts::selection([("sex=female", 2, 1), ("sex=male", 1, 0)]).unwrap();
        assert_eq!(counts, direct);
    }
}
