//! Disproportionality: events per head of population, per group, against a
//! comparator group.

use std::fmt;

use crate::error::{Error, Result};
use crate::impact::reference::largest;
use crate::records::breakdown::{Breakdown, Group};
use crate::stats::rate as ratio;
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
}

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
        let rows = records
            .into_iter()
            .map(|r| {
                let rate = ratio(r.events, r.population);
                DisproportionalityRow {
                    share_of_events: ratio(r.events, total_events),
                    rate_ratio: rate
                        .zip(reference_rate)
                        .and_then(|(x, y)| (y > 0.0).then(|| x / y)),
                    rate,
                    group: r.group,
                    events: r.events,
                    population: r.population,
                }
            })
            .collect();
        Ok(Self {
            event: event.to_owned(),
            breakdown: breakdown.clone(),
            comparator: reference.map(|i| groups[i].clone()),
            total_events,
            total_population,
            rows,
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
        ]);
        for r in &self.rows {
            table.row(vec![
                r.group.label(),
                r.events.to_string(),
                percent(r.share_of_events),
                r.population.to_string(),
                decimal(r.rate.map(|x| 1000.0 * x), 2),
                decimal(r.rate_ratio, 2),
            ]);
        }
        write!(f, "{table}")
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
