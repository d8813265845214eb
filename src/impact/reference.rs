//! Reference groups: how one is chosen, in one place for every analysis
//! that compares a group with a reference (the impact analysis, the
//! intervention evaluation).

use std::cmp::Ordering;
use std::fmt;

use crate::counts::funnel_counts::StageCounts;
use crate::records::breakdown::Group;
use crate::stats::{compare_rates, rate};

/// How the reference group of a stage is chosen.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ReferencePolicy {
    /// The group with the highest rate at each stage: the Uniform
    /// Guidelines on Employee Selection Procedures, 29 CFR 1607.4(D). Ties
    /// go to the larger group, then to the first in canonical order.
    #[default]
    HighestRate,
    /// The highest rate among groups holding at least `min_share` of the
    /// stage's decided candidates. New York City Local Law 144 allows
    /// groups under 2% to be excluded.
    HighestRateAmong {
        /// The least share of decided candidates, in [0, 1).
        min_share: f64,
    },
    /// A fixed group at every stage.
    Group(Group),
    /// The largest known group at each stage (most candidates rated), the
    /// first in canonical order on a tie. UK public bodies compare with
    /// the largest group (the Race Disparity Unit's Ethnicity facts and
    /// figures, and Home Office stop and search statistics, compare with
    /// White, the largest group), which keeps a handful of people from
    /// setting the standard for everyone else.
    Largest,
    /// The rate of all candidates. A group cannot be tested against a total
    /// that contains it, so the tests and practical-significance figures
    /// then compare each group with all other candidates.
    Overall,
}

impl fmt::Display for ReferencePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HighestRate => f.write_str("highest rate"),
            Self::HighestRateAmong { min_share } => {
                write!(
                    f,
                    "highest rate among groups with at least {:.1}% of decided candidates",
                    100.0 * min_share
                )
            }
            Self::Group(g) => write!(f, "{g}"),
            Self::Largest => f.write_str("largest group"),
            Self::Overall => f.write_str("overall rate"),
        }
    }
}

/// What a group's rate is computed from at one stage.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tally {
    /// The numerator: passed.
    pub(crate) selected: u64,
    /// The denominator of the rate.
    pub(crate) considered: u64,
    /// Decided candidates, for the minimum-share rule.
    pub(crate) decided: u64,
    /// The counts shown.
    pub(crate) counts: StageCounts,
}

impl Tally {
    pub(crate) fn rate(&self) -> Option<f64> {
        rate(self.selected, self.considered)
    }
}

/// Of candidates given as (key, selected, considered), the one with the
/// highest rate selected/considered, compared exactly; ties go to the larger
/// group (more considered), then to the first given. Candidates with nothing
/// considered are passed over. This is the rule of every reference choice in
/// the crate.
pub(crate) fn highest_rate<K>(candidates: impl IntoIterator<Item = (K, u64, u64)>) -> Option<K> {
    let mut best: Option<(K, u64, u64)> = None;
    for (key, selected, considered) in candidates {
        if considered == 0 {
            continue;
        }
        let better = match &best {
            None => true,
            Some((_, bs, bc)) => match compare_rates(selected, considered, *bs, *bc) {
                Ordering::Greater => true,
                Ordering::Equal => considered > *bc,
                Ordering::Less => false,
            },
        };
        if better {
            best = Some((key, selected, considered));
        }
    }
    best.map(|(key, _, _)| key)
}

/// A reference group rated on fewer candidates than this carries a warning
/// note: its rate is too uncertain to judge others by.
///
/// 30 is the usual rule of thumb for the normal approximation that the z
/// test and the log-method interval rest on; the Uniform Guidelines
/// themselves (29 CFR 1607.4(D)) warn that differences based on small
/// numbers may not be adverse impact. Under [`ReferencePolicy::HighestRate`]
/// a group of 5 with 4 passed can otherwise set the standard that a group
/// of 300 is flagged against.
pub const SMALL_REFERENCE_GROUP: u64 = 30;

/// Of candidates given as (key, size), the largest, the first given on a
/// tie; those of size 0 are passed over. The rule of every "largest group"
/// choice in the crate (the impact reference, the workforce comparator).
pub(crate) fn largest<K>(candidates: impl IntoIterator<Item = (K, u64)>) -> Option<K> {
    let mut best: Option<(K, u64)> = None;
    for (key, size) in candidates {
        if size > 0 && best.as_ref().is_none_or(|(_, b)| size > *b) {
            best = Some((key, size));
        }
    }
    best.map(|(key, _)| key)
}

/// Why the reference of a stage is the one it is, for a reader.
pub(crate) fn reference_reason(policy: &ReferencePolicy) -> String {
    match policy {
        ReferencePolicy::HighestRate => "the known group with the highest rate (Uniform Guidelines, 29 CFR 1607.4(D)); ties go to the larger group".to_owned(),
        ReferencePolicy::HighestRateAmong { min_share } => format!(
            "the known group with the highest rate among those with at least {:.1}% of decided candidates (as New York City Local Law 144 allows)",
            100.0 * min_share
        ),
        ReferencePolicy::Group(g) => format!("{g}, fixed by the analysis options"),
        ReferencePolicy::Largest => "the known group with the most candidates rated, the comparison UK public bodies use".to_owned(),
        ReferencePolicy::Overall => "the rate of all candidates".to_owned(),
    }
}

/// Chooses the reference: `Some((Some(index), rate))` for a group,
/// `Some((None, rate))` for the overall rate, `None` when there is none.
pub(crate) fn choose_reference(
    groups: &[Group],
    rows: &[Tally],
    policy: &ReferencePolicy,
) -> (Option<(Option<usize>, Tally)>, Option<String>) {
    let known = |i: &usize| !groups[*i].is_unknown() && rows[*i].considered > 0;
    let highest = |eligible: &dyn Fn(&usize) -> bool| {
        highest_rate(
            (0..groups.len())
                .filter(known)
                .filter(|i| eligible(i))
                .map(|i| (i, rows[i].selected, rows[i].considered)),
        )
    };
    match policy {
        ReferencePolicy::HighestRate => match highest(&|_| true) {
            Some(i) => (Some((Some(i), rows[i])), None),
            None => (
                None,
                Some(
                    "no known group has a defined rate, so there is no reference group".to_owned(),
                ),
            ),
        },
        ReferencePolicy::HighestRateAmong { min_share } => {
            let total: u128 = rows.iter().map(|r| u128::from(r.decided)).sum();
            let eligible =
                |i: &usize| total > 0 && rows[*i].decided as f64 / total as f64 >= *min_share;
            match highest(&eligible) {
                Some(i) => (Some((Some(i), rows[i])), None),
                None => (
                    None,
                    Some(format!(
                        "no known group with a defined rate holds at least {:.1}% of decided candidates, so there is no reference group",
                        100.0 * min_share
                    )),
                ),
            }
        }
        ReferencePolicy::Group(g) => match groups.iter().position(|x| x == g) {
            Some(i) if rows[i].considered > 0 => (Some((Some(i), rows[i])), None),
            Some(_) => (
                None,
                Some(format!(
                    "the reference group {g} has no candidates to rate here, so every impact ratio is undefined"
                )),
            ),
            None => (
                None,
                Some(format!("the reference group {g} has no candidates here")),
            ),
        },
        ReferencePolicy::Largest => {
            match largest(
                (0..groups.len())
                    .filter(known)
                    .map(|i| (i, rows[i].considered)),
            ) {
                Some(i) => (Some((Some(i), rows[i])), None),
                None => (
                    None,
                    Some(
                        "no known group has a candidate to rate, so there is no reference group"
                            .to_owned(),
                    ),
                ),
            }
        }
        ReferencePolicy::Overall => {
            let sum = rows.iter().fold(
                Tally {
                    selected: 0,
                    considered: 0,
                    decided: 0,
                    counts: StageCounts::default(),
                },
                |a, r| Tally {
                    selected: a.selected.saturating_add(r.selected),
                    considered: a.considered.saturating_add(r.considered),
                    decided: a.decided.saturating_add(r.decided),
                    counts: StageCounts::default(),
                },
            );
            if sum.considered == 0 {
                (
                    None,
                    Some("no candidate has a defined rate, so there is no overall rate".to_owned()),
                )
            } else {
                (Some((None, sum)), None)
            }
        }
    }
}
