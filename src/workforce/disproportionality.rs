//! Disproportionality: events per head of population, per group, against a
//! comparator group.

use std::fmt;

use crate::error::{Error, Result};
use crate::impact::reference::largest;
use crate::records::breakdown::{Breakdown, Group};
use crate::stats::rate as ratio;
use crate::stats::{poisson_rate_ratio, rate_ratio};
use crate::text_table::{TextTable, decimal, percent};

/// The group others are compared against in a disproportionality or
/// attrition table.
///
/// Unknown groups (prefer not to say, not recorded) are never the
/// comparator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Comparator {
    /// The declared group with the largest population (for
    /// disproportionality) or headcount (for attrition); the first in
    /// canonical order on a tie. The default.
    #[default]
    Largest,
    /// A fixed group, such as White in Home Office stop and search
    /// statistics.
    Group(Group),
}

impl Comparator {
    /// The position of the comparator among `groups`, given each group's
    /// size; `None` with [`Comparator::Largest`] when no declared group has
    /// anyone.
    pub(crate) fn resolve(
        &self,
        groups: &[Group],
        size: impl Fn(usize) -> u64,
    ) -> Result<Option<usize>> {
        match self {
            Self::Largest => Ok(largest(
                (0..groups.len())
                    .filter(|&i| !groups[i].is_unknown())
                    .map(|i| (i, size(i))),
            )),
            Self::Group(group) => {
                if group.is_unknown() {
                    return Err(Error::InvalidGroup {
                        group: group.to_string(),
                        reason: "cannot be the comparator: an unknown group is never the comparator",
                    });
                }
                groups
                    .iter()
                    .position(|g| g == group)
                    .map(Some)
                    .ok_or_else(|| Error::InvalidGroup {
                        group: group.to_string(),
                        reason: "is not among the groups given: expected the comparator to be one of them",
                    })
            }
        }
    }
}

impl From<Group> for Comparator {
    fn from(group: Group) -> Self {
        Self::Group(group)
    }
}

/// Events and population of one group: fixed penalty notices, stop and
/// searches or use of force per group, and the group's population.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct DisproportionalityRecord {
    /// The group.
    pub group: Group,
    /// Events that happened to people of the group.
    pub events: u64,
    /// The group's population (0 for an unknown group, which has none).
    pub population: u64,
}

/// One group of a disproportionality table.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DisproportionalityRow {
    /// The group.
    pub group: Group,
    /// Its events.
    pub events: u64,
    /// Its population.
    pub population: u64,
    /// events / all events (of every group, unknown ones included).
    pub share_of_events: Option<f64>,
    /// events / population: events per head, which can pass 1 when a
    /// person can have several events.
    pub rate: Option<f64>,
    /// rate / the comparator's rate: how many times as likely.
    pub rate_ratio: Option<f64>,
    /// The exact 95% interval of the rate ratio, conditional on the
    /// events of the two groups (R's `poisson.test`); the upper bound is
    /// `None` (infinite) when the comparator had no events. `None` for the
    /// comparator itself and for a group without a population.
    pub rate_ratio_ci: Option<(f64, Option<f64>)>,
    /// The exact conditional test's two-sided p of a rate ratio of 1.
    pub p_value: Option<f64>,
    /// What the rate ratio would be if every event with no recorded group
    /// were this group's, or every one the comparator's. `None` when every
    /// event has a group, and for the comparator and unknown groups.
    pub if_unrecorded: Option<RateRatioBounds>,
}

/// A rate ratio, and what it would be if the events with no recorded group
/// (prefer not to say, not recorded) all belonged to the focal group or all
/// to the comparator: the two extremes, as [`ImpactRatioBounds`] gives for
/// an impact ratio.
///
/// [`ImpactRatioBounds`]: crate::workforce::ImpactRatioBounds
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RateRatioBounds {
    /// Events with no recorded group.
    pub unrecorded_events: u64,
    /// The rate ratio if every one were the focal group's: the highest.
    pub if_unrecorded_focal: Option<f64>,
    /// The rate ratio if every one were the comparator's: the lowest.
    pub if_unrecorded_comparator: Option<f64>,
    /// The ratio and the two extremes do not all fall on the same side of
    /// 1: the unrecorded events could decide whether the group is more or
    /// less likely than the comparator to meet the event.
    pub could_change_conclusion: bool,
}

impl RateRatioBounds {
    fn new(
        [events, population]: [u64; 2],
        [comparator_events, comparator_population]: [u64; 2],
        unrecorded: u64,
    ) -> Option<Self> {
        if unrecorded == 0 {
            return None;
        }
        let declared = rate_ratio(events, population, comparator_events, comparator_population);
        let focal = events
            .checked_add(unrecorded)
            .and_then(|e| rate_ratio(e, population, comparator_events, comparator_population));
        let comparator = comparator_events
            .checked_add(unrecorded)
            .and_then(|e| rate_ratio(events, population, e, comparator_population));
        // The side of 1: more likely (> 1), as likely, or less likely.
        let side = |r: Option<f64>| r.map(|r| r.partial_cmp(&1.0));
        let sides = [side(declared), side(focal), side(comparator)];
        let known: Vec<_> = sides.iter().flatten().collect();
        let could_change_conclusion = known.windows(2).any(|w| w[0] != w[1]);
        Some(Self {
            unrecorded_events: unrecorded,
            if_unrecorded_focal: focal,
            if_unrecorded_comparator: comparator,
            could_change_conclusion,
        })
    }
}

/// Disproportionality: for each group its share of events beside its rate
/// per head of population and the rate ratio against a comparator.
///
/// The two answer different questions. A group can receive most of the
/// events and still be the least likely to receive one, because it is
/// most of the population. The seed reports' case: 70% of fixed penalty
/// notices went to White people, yet relative to population Black people
/// were six times as likely to receive one.
///
/// Small numbers are shown for what they are: each rate ratio carries the
/// exact conditional 95% interval and two-sided p of R's `poisson.test`
/// (exact at any count, so no large-sample switch is needed), and a note
/// says "too few to tell" when the interval holds 1. 2 events in a
/// population of 300 against 700 in 900,000 is a ratio of 8.57, with an
/// interval of 1.04 to 31.1. Events of an unknown group (no recorded
/// ethnicity) have no population; each ratio is then bounded by
/// [`RateRatioBounds`], as if they were all the group's or all the
/// comparator's.
///
/// ```
/// use positive_action::{Breakdown, Group};
/// use positive_action::workforce::{Comparator, Disproportionality, DisproportionalityRecord};
///
/// let by_ethnicity = Breakdown::parse(["ethnicity"])?;
/// let g = |label| Group::parse([("ethnicity", label)]);
/// let rec = |label, events, population| -> positive_action::Result<DisproportionalityRecord> {
///     Ok(DisproportionalityRecord { group: g(label)?, events, population })
/// };
/// let fpn = Disproportionality::new("fixed penalty notices", &by_ethnicity, [
///     rec("White", 700, 900_000)?,
///     rec("Black", 140, 30_000)?,
///     rec("Asian", 120, 60_000)?,
///     rec("Other", 40, 10_000)?,
/// ], Comparator::Group(g("White")?))?;
/// let white = fpn.row(&g("White")?).unwrap();
/// let black = fpn.row(&g("Black")?).unwrap();
/// assert_eq!(white.share_of_events, Some(0.7));
/// assert_eq!(black.rate_ratio, Some((140.0 / 30_000.0) / (700.0 / 900_000.0))); // 6
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Disproportionality {
    /// What the events are.
    pub event: String,
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The comparator group; `None` when no declared group has a
    /// population.
    pub comparator: Option<Group>,
    /// All events.
    pub total_events: u64,
    /// All population.
    pub total_population: u64,
    /// A row per group, in canonical order (unknown groups last).
    pub rows: Vec<DisproportionalityRow>,
    /// Caveats: rate ratios too uncertain to tell, and events with no
    /// recorded group.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub notes: Vec<String>,
}

/// The confidence of every rate-ratio interval: 95%.
const CONFIDENCE: f64 = 0.95;

impl Disproportionality {
    /// The disproportionality table of events per group.
    ///
    /// # Errors
    /// [`Error::EmptyName`] for a blank event name, [`Error::GroupShape`],
    /// [`Error::DuplicateEntry`] for a group given twice,
    /// [`Error::TotalOverflow`], and [`Error::InvalidGroup`] for a
    /// comparator group that is unknown or not among the records.
    pub fn new(
        event: &str,
        breakdown: &Breakdown,
        records: impl IntoIterator<Item = DisproportionalityRecord>,
        comparator: Comparator,
    ) -> Result<Self> {
        let event = event.trim();
        if event.is_empty() {
            return Err(Error::EmptyName { what: "event" });
        }
        let mut records = records
            .into_iter()
            .map(|mut r| {
                r.group = breakdown.conform(r.group)?;
                Ok(r)
            })
            .collect::<Result<Vec<_>>>()?;
        records.sort_by(|a, b| a.group.cmp(&b.group));
        if let Some(w) = records.windows(2).find(|w| w[0].group == w[1].group) {
            return Err(Error::DuplicateEntry {
                entry: format!("group {}", w[0].group),
                context: "disproportionality records",
            });
        }
        let sum = |f: fn(&DisproportionalityRecord) -> u64, what: &str| {
            records
                .iter()
                .try_fold(0u64, |acc, r| acc.checked_add(f(r)))
                .ok_or_else(|| Error::TotalOverflow {
                    context: format!("the {what} of {event}"),
                })
        };
        let total_events = sum(|r| r.events, "events")?;
        let total_population = sum(|r| r.population, "population")?;
        let groups: Vec<Group> = records.iter().map(|r| r.group.clone()).collect();
        let reference = comparator.resolve(&groups, |i| records[i].population)?;
        let reference_rate =
            reference.and_then(|i| ratio(records[i].events, records[i].population));
        let comparator_counts = reference.map(|i| [records[i].events, records[i].population]);
        // Events of unknown groups: a part of total_events, so no overflow.
        let unrecorded: u64 = records
            .iter()
            .filter(|r| r.group.is_unknown())
            .map(|r| r.events)
            .sum();
        let mut notes = Vec::new();
        let mut rows = Vec::with_capacity(records.len());
        for (i, r) in records.into_iter().enumerate() {
            let rate = ratio(r.events, r.population);
            let compared =
                comparator_counts.filter(|_| Some(i) != reference && !r.group.is_unknown());
            let test = match compared {
                Some([e2, x2]) => poisson_rate_ratio(r.events, r.population, e2, x2, CONFIDENCE)?,
                None => None,
            };
            if let Some(t) = &test {
                let (low, high) = t.exact_ci;
                if low <= 1.0 && high.is_none_or(|h| h >= 1.0) {
                    notes.push(format!(
                        "{}: too few to tell: the 95% interval of the rate ratio, {low:.2} to {}, holds 1",
                        r.group,
                        high.map_or_else(|| "infinity".to_owned(), |h| format!("{h:.2}"))
                    ));
                }
            }
            let if_unrecorded = compared
                .filter(|_| r.population > 0)
                .and_then(|c| RateRatioBounds::new([r.events, r.population], c, unrecorded));
            if if_unrecorded.is_some_and(|b| b.could_change_conclusion) {
                notes.push(format!(
                    "{}: the {unrecorded} event(s) with no recorded group could decide whether the group is more or less likely than the comparator to meet the event",
                    r.group
                ));
            }
            rows.push(DisproportionalityRow {
                share_of_events: ratio(r.events, total_events),
                rate_ratio: rate
                    .zip(reference_rate)
                    .and_then(|(x, y)| (y > 0.0).then(|| x / y)),
                rate_ratio_ci: test.as_ref().map(|t| t.exact_ci),
                p_value: test.as_ref().map(|t| t.two_sided),
                if_unrecorded,
                rate,
                group: r.group,
                events: r.events,
                population: r.population,
            });
        }
        if unrecorded > 0 {
            notes.push(format!(
                "{unrecorded} event(s) have no recorded group: each rate ratio is given with its value if they were all the group's or all the comparator's"
            ));
        }
        Ok(Self {
            event: event.to_owned(),
            breakdown: breakdown.clone(),
            comparator: reference.map(|i| groups[i].clone()),
            total_events,
            total_population,
            rows,
            notes,
        })
    }

    /// The row of a group.
    pub fn row(&self, group: &Group) -> Option<&DisproportionalityRow> {
        self.rows.iter().find(|r| &r.group == group)
    }
}

impl fmt::Display for Disproportionality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Disproportionality of {} by {} (comparator: {})",
            self.event,
            self.breakdown,
            self.comparator
                .as_ref()
                .map_or_else(|| "none".to_owned(), Group::label)
        )?;
        let mut table = TextTable::new([
            "group",
            "events",
            "share of events",
            "population",
            "rate per 1,000",
            "rate ratio",
            "95% CI (exact)",
            "p",
            "ratio if unrecorded focal/comparator",
        ]);
        for r in &self.rows {
            table.row(vec![
                r.group.label(),
                r.events.to_string(),
                percent(r.share_of_events),
                r.population.to_string(),
                decimal(r.rate.map(|x| 1000.0 * x), 2),
                decimal(r.rate_ratio, 2),
                r.rate_ratio_ci.map_or_else(
                    || "n/a".to_owned(),
                    |(l, h)| {
                        format!(
                            "{}–{}",
                            decimal(Some(l), 2),
                            h.map_or_else(|| "inf".to_owned(), |h| decimal(Some(h), 2))
                        )
                    },
                ),
                r.p_value
                    .map_or_else(|| "n/a".to_owned(), |p| format!("{p:.3}")),
                r.if_unrecorded.map_or_else(
                    || "n/a".to_owned(),
                    |b| {
                        format!(
                            "{}/{}{}",
                            decimal(b.if_unrecorded_focal, 2),
                            decimal(b.if_unrecorded_comparator, 2),
                            if b.could_change_conclusion {
                                " (!)"
                            } else {
                                ""
                            }
                        )
                    },
                ),
            ]);
        }
        write!(f, "{table}")?;
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(label: &str) -> Group {
        Group::parse([("ethnicity", label)]).unwrap()
    }

    #[test]
    fn largest_comparator_skips_unknown_and_breaks_ties_in_order() {
        let groups = [g("A"), g("B"), g("not recorded")];
        let sizes = [5, 5, 9];
        assert_eq!(
            Comparator::Largest.resolve(&groups, |i| sizes[i]).unwrap(),
            Some(0)
        );
        assert_eq!(Comparator::Largest.resolve(&groups, |_| 0).unwrap(), None);
        let err = Comparator::Group(g("prefer not to say"))
            .resolve(&groups, |i| sizes[i])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "group ethnicity=prefer not to say cannot be the comparator: an unknown group is never the comparator"
        );
        let err = Comparator::Group(g("C"))
            .resolve(&groups, |i| sizes[i])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "group ethnicity=C is not among the groups given: expected the comparator to be one of them"
        );
    }
}
