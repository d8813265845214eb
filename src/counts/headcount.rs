//! `Headcount`: people in post per rank and group on a date.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::records::breakdown::{Breakdown, Group};
use crate::records::period::Period;
use crate::records::pipeline::Rank;
use crate::records::rank_structure::RankStructure;
use crate::records::workforce::{Person, Workforce};
use crate::text_table::TextTable;

/// Already-aggregated headcount for one rank and group, as many forces
/// publish it (the Home Office police workforce tables, an HR system's
/// export).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct HeadcountRecord {
    /// The rank or grade.
    pub rank: Rank,
    /// The group.
    pub group: Group,
    /// People in post.
    pub headcount: u64,
}

/// People in post per rank and group: the aggregate that representation
/// reads.
///
/// Build it from a [`Workforce`](crate::records::workforce::Workforce) snapshot
/// ([`Workforce::headcount_on`](crate::records::workforce::Workforce::headcount_on)) or, as
/// many forces only have aggregates, from [`HeadcountRecord`]s. Counts of
/// forces or regions combine with [`Headcount::merge`]. Every total fits in
/// a `u64`: the constructors refuse anything else.
///
/// ```
/// use positive_action::{Breakdown, Group};
/// use positive_action::workforce::{Headcount, HeadcountRecord, RankStructure};
/// use positive_action::records::Rank;
///
/// let by_sex = Breakdown::parse(["sex"])?;
/// let record = |rank: Rank, sex, headcount| -> positive_action::Result<HeadcountRecord> {
///     Ok(HeadcountRecord { rank, group: Group::parse([("sex", sex)])?, headcount })
/// };
/// let headcount = Headcount::from_records(&RankStructure::police(), &by_sex, [
///     record(Rank::CONSTABLE, "female", 700)?,
///     record(Rank::CONSTABLE, "male", 1_100)?,
///     record(Rank::SERGEANT, "female", 90)?,
///     record(Rank::SERGEANT, "male", 210)?,
/// ])?;
/// assert_eq!(headcount.total(), 2_100);
/// assert_eq!(headcount.count(&Rank::SERGEANT, &Group::parse([("sex", "female")])?), 90);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headcount {
    structure: RankStructure,
    breakdown: Breakdown,
    as_at: Option<NaiveDate>,
    groups: Vec<Group>,
    // cells[group * ranks + rank]
    cells: Vec<u64>,
    total: u64,
}

impl Headcount {
    /// Headcount from aggregated records, one per rank and group. A (rank,
    /// group) pair with no record counts zero.
    ///
    /// # Errors
    /// [`Error::UnknownRank`] for a rank the structure does not have,
    /// [`Error::GroupShape`] for a group that does not match the breakdown,
    /// [`Error::DuplicateEntry`] for a (rank, group) given twice, and
    /// [`Error::TotalOverflow`] if the headcount passes `u64::MAX`.
    pub fn from_records(
        structure: &RankStructure,
        breakdown: &Breakdown,
        records: impl IntoIterator<Item = HeadcountRecord>,
    ) -> Result<Self> {
        let ranks = structure.ranks().len();
        let mut index: HashMap<Group, usize> = HashMap::new();
        let mut groups = Vec::new();
        let mut cells: Vec<Option<u64>> = Vec::new();
        for record in records {
            let group = breakdown.conform(record.group)?;
            let r = structure.require(&record.rank, || {
                format!("in the headcount record for group {group}")
            })?;
            let g = *index.entry(group.clone()).or_insert_with(|| {
                groups.push(group.clone());
                cells.resize(cells.len() + ranks, None);
                groups.len() - 1
            });
            if cells[g * ranks + r].replace(record.headcount).is_some() {
                return Err(Error::DuplicateEntry {
                    entry: format!("headcount for rank {}, group {group}", record.rank),
                    context: "headcount records",
                });
            }
        }
        let cells = cells.into_iter().map(Option::unwrap_or_default).collect();
        Self::canonical(structure.clone(), breakdown.clone(), groups, cells)
    }

    /// The same headcount, marked as at a date (shown in reports).
    pub fn on(mut self, date: NaiveDate) -> Self {
        self.as_at = Some(date);
        self
    }

    /// Sorts groups into canonical order and checks the total.
    pub(crate) fn canonical(
        structure: RankStructure,
        breakdown: Breakdown,
        groups: Vec<Group>,
        cells: Vec<u64>,
    ) -> Result<Self> {
        let total = cells
            .iter()
            .try_fold(0u64, |acc, &c| acc.checked_add(c))
            .ok_or_else(|| Error::TotalOverflow {
                context: "the headcount".to_owned(),
            })?;
        Ok(Self::assemble(structure, breakdown, groups, cells, total))
    }

    /// Sorts groups into canonical order; `total` is the sum of `cells`.
    pub(crate) fn assemble(
        structure: RankStructure,
        breakdown: Breakdown,
        groups: Vec<Group>,
        cells: Vec<u64>,
        total: u64,
    ) -> Self {
        let ranks = structure.ranks().len();
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by(|&a, &b| groups[a].cmp(&groups[b]));
        let mut sorted = Vec::with_capacity(cells.len());
        for &g in &order {
            sorted.extend_from_slice(&cells[g * ranks..(g + 1) * ranks]);
        }
        let mut groups: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
        let groups = order.iter().filter_map(|&g| groups[g].take()).collect();
        Self {
            structure,
            breakdown,
            as_at: None,
            groups,
            cells: sorted,
            total,
        }
    }

    /// Adds another headcount (another force, region or unit) into this one.
    /// The date, if any, is kept only when both agree.
    ///
    /// On error `self` is unchanged.
    ///
    /// # Errors
    /// [`Error::BreakdownMismatch`], [`Error::InvalidOption`] for a different
    /// rank structure, and [`Error::TotalOverflow`].
    pub fn merge(&mut self, other: &Headcount) -> Result<()> {
        if self.breakdown != other.breakdown {
            return Err(Error::BreakdownMismatch {
                expected: self.breakdown.to_string(),
                found: other.breakdown.to_string(),
            });
        }
        if self.structure != other.structure {
            return Err(Error::InvalidOption {
                name: "rank structure",
                value: other.structure.to_string(),
                expected: "the same rank structure in both headcounts",
            });
        }
        let ranks = self.structure.ranks().len();
        let mut groups = self.groups.clone();
        let mut cells = self.cells.clone();
        for (g, group) in other.groups.iter().enumerate() {
            let t = match groups.iter().position(|x| x == group) {
                Some(t) => t,
                None => {
                    groups.push(group.clone());
                    cells.resize(cells.len() + ranks, 0);
                    groups.len() - 1
                }
            };
            for r in 0..ranks {
                // Each cell is at most its headcount's total, so this
                // overflows only if the merged total does, checked below.
                cells[t * ranks + r] =
                    cells[t * ranks + r].saturating_add(other.cells[g * ranks + r]);
            }
        }
        if self.total.checked_add(other.total).is_none() {
            return Err(Error::TotalOverflow {
                context: "the merged headcount".to_owned(),
            });
        }
        let as_at = (self.as_at == other.as_at).then_some(self.as_at).flatten();
        let mut merged = Self::canonical(
            self.structure.clone(),
            self.breakdown.clone(),
            groups,
            cells,
        )?;
        merged.as_at = as_at;
        *self = merged;
        Ok(())
    }

    /// The rank structure.
    pub fn structure(&self) -> &RankStructure {
        &self.structure
    }

    /// The breakdown.
    pub fn breakdown(&self) -> &Breakdown {
        &self.breakdown
    }

    /// The date the headcount is as at, if known.
    pub fn as_at(&self) -> Option<NaiveDate> {
        self.as_at
    }

    /// The groups, in canonical order: declared categories first, unknown
    /// ones last.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Everyone in post.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// People in post of a rank and group (0 for a rank or group not
    /// there).
    pub fn count(&self, rank: &Rank, group: &Group) -> u64 {
        match (self.structure.position(rank), self.group_index(group)) {
            (Some(r), Some(g)) => self.cells[g * self.ranks() + r],
            _ => 0,
        }
    }

    /// People in post of a group, over the ranks selected by position.
    /// Cannot overflow: it is part of the total, which fits.
    pub(crate) fn group_in(&self, g: usize, ranks: &[usize]) -> u64 {
        ranks
            .iter()
            .map(|&r| self.cells[g * self.ranks() + r])
            .sum()
    }

    /// The position of a group in [`Headcount::groups`].
    pub(crate) fn group_index(&self, group: &Group) -> Option<usize> {
        self.groups.binary_search(group).ok()
    }

    fn ranks(&self) -> usize {
        self.structure.ranks().len()
    }

    /// Every cell as a record, rank-major within each group (zeros
    /// included, so a group with nobody in post survives a round trip).
    pub fn records(&self) -> impl Iterator<Item = HeadcountRecord> + '_ {
        let ranks = self.structure.ranks();
        self.groups.iter().enumerate().flat_map(move |(g, group)| {
            ranks
                .iter()
                .enumerate()
                .map(move |(r, rank)| HeadcountRecord {
                    rank: rank.clone(),
                    group: group.clone(),
                    headcount: self.cells[g * ranks.len() + r],
                })
        })
    }
}

impl fmt::Display for Headcount {
    /// A table of ranks by groups, with totals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_at {
            Some(d) => writeln!(f, "Headcount on {d} by rank and {}", self.breakdown)?,
            None => writeln!(f, "Headcount by rank and {}", self.breakdown)?,
        }
        let mut header = vec!["rank".to_owned()];
        header.extend(self.groups.iter().map(Group::label));
        header.push("total".to_owned());
        let mut table = TextTable::new(header);
        let all: Vec<usize> = (0..self.ranks()).collect();
        for (r, rank) in self.structure.ranks().iter().enumerate() {
            let mut row = vec![rank.to_string()];
            let cells: Vec<u64> = (0..self.groups.len())
                .map(|g| self.cells[g * self.ranks() + r])
                .collect();
            row.extend(cells.iter().map(u64::to_string));
            row.push(cells.iter().sum::<u64>().to_string());
            table.row(row);
        }
        let mut row = vec!["all ranks".to_owned()];
        row.extend((0..self.groups.len()).map(|g| self.group_in(g, &all).to_string()));
        row.push(self.total.to_string());
        table.row(row);
        write!(f, "{table}")
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadcountSpec {
    structure: RankStructure,
    breakdown: Breakdown,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    as_at: Option<NaiveDate>,
    counts: Vec<HeadcountRecord>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Headcount {
    /// `{"structure": …, "breakdown": […], "as_at": …, "counts": [HeadcountRecord…]}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        HeadcountSpec {
            structure: self.structure.clone(),
            breakdown: self.breakdown.clone(),
            as_at: self.as_at,
            counts: self.records().collect(),
        }
        .serialize(s)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Headcount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let spec = HeadcountSpec::deserialize(d)?;
        let headcount = Self::from_records(&spec.structure, &spec.breakdown, spec.counts)
            .map_err(serde::de::Error::custom)?;
        Ok(match spec.as_at {
            Some(d) => headcount.on(d),
            None => headcount,
        })
    }
}

impl Workforce {
    /// Headcount on a day, per rank and group.
    pub fn headcount_on(&self, date: NaiveDate, breakdown: &Breakdown) -> Headcount {
        self.count(breakdown, |p| p.in_post_on(date)).on(date)
    }

    /// The people whose leaving date falls in the period, per rank (at
    /// leaving) and group.
    pub fn leavers_in(&self, period: Period, breakdown: &Breakdown) -> Headcount {
        self.count(breakdown, |p| p.left().is_some_and(|l| period.contains(l)))
    }

    /// The people whose start date falls in the period, per rank and group.
    pub fn joiners_in(&self, period: Period, breakdown: &Breakdown) -> Headcount {
        self.count(breakdown, |p| period.contains(p.started()))
    }

    /// Counts the people that `keep` selects, per rank and group.
    fn count(&self, breakdown: &Breakdown, keep: impl Fn(&Person) -> bool) -> Headcount {
        let ranks = self.structure().ranks().len();
        let mut index: HashMap<Group, usize> = HashMap::new();
        let mut groups = Vec::new();
        let mut cells: Vec<u64> = Vec::new();
        let mut total = 0u64;
        for p in self.people().iter().filter(|p| keep(p)) {
            // Validated on construction: every person's rank is in the
            // structure, so this skips nobody.
            let Some(r) = self.structure().position(p.rank()) else {
                continue;
            };
            let group = breakdown.group_of(p.profile());
            let g = *index.entry(group.clone()).or_insert_with(|| {
                groups.push(group);
                cells.resize(cells.len() + ranks, 0);
                groups.len() - 1
            });
            // People in memory are far fewer than u64::MAX.
            cells[g * ranks + r] += 1;
            total += 1;
        }
        Headcount::assemble(
            self.structure().clone(),
            breakdown.clone(),
            groups,
            cells,
            total,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(rank: Rank, sex: &str, headcount: u64) -> HeadcountRecord {
        HeadcountRecord {
            rank,
            group: Group::parse([("sex", sex)]).unwrap(),
            headcount,
        }
    }

    #[test]
    fn records_are_checked() {
        let s = RankStructure::police();
        let b = Breakdown::parse(["sex"]).unwrap();
        let err =
            Headcount::from_records(&s, &b, [rec(Rank::new("sargeant").unwrap(), "female", 1)])
                .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "rank \"sargeant\" in the headcount record for group sex=female is not in the rank structure: expected one of constable, sergeant,"
            ),
            "{err}"
        );
        let err = Headcount::from_records(
            &s,
            &b,
            [
                rec(Rank::SERGEANT, "female", 1),
                rec(Rank::SERGEANT, "female", 2),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "headcount for rank sergeant, group sex=female is given more than once in the headcount records"
        );
        let err = Headcount::from_records(
            &s,
            &b,
            [
                rec(Rank::SERGEANT, "female", u64::MAX),
                rec(Rank::SERGEANT, "male", 1),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "count overflow in the headcount: the total exceeds {}",
                u64::MAX
            )
        );
    }

    #[test]
    fn merge_adds_and_refuses_overflow_unchanged() {
        let s = RankStructure::police();
        let b = Breakdown::parse(["sex"]).unwrap();
        let mut a = Headcount::from_records(&s, &b, [rec(Rank::CONSTABLE, "female", 3)]).unwrap();
        let c = Headcount::from_records(
            &s,
            &b,
            [
                rec(Rank::CONSTABLE, "female", 2),
                rec(Rank::SERGEANT, "male", 4),
            ],
        )
        .unwrap();
        a.merge(&c).unwrap();
        assert_eq!(a.total(), 9);
        assert_eq!(
            a.count(
                &Rank::CONSTABLE,
                &Group::parse([("sex", "female")]).unwrap()
            ),
            5
        );
        let big =
            Headcount::from_records(&s, &b, [rec(Rank::CONSTABLE, "male", u64::MAX)]).unwrap();
        let before = a.clone();
        assert!(matches!(a.merge(&big), Err(Error::TotalOverflow { .. })));
        assert_eq!(a, before);
    }
}
