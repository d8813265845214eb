//! Attrition and retention per group and period, and their change between
//! periods.

use std::fmt;

use crate::breakdown::{Breakdown, Group};
use crate::disproportionality::Comparator;
use crate::error::{Error, Result};
use crate::funnel::ratio;
use crate::period::Period;
use crate::text_table::{TextTable, percent};

/// Headcount at the start of a period and leavers from it, for one group,
/// as a force's aggregate tables give them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct AttritionRecord {
    /// The group.
    pub group: Group,
    /// People in post on the period's first day.
    pub headcount_at_start: u64,
    /// Of those, how many left by the period's last day.
    pub leavers: u64,
}

/// Attrition of one group in one period.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AttritionRow {
    /// The group.
    pub group: Group,
    /// People in post on the period's first day.
    pub headcount_at_start: u64,
    /// Of those, how many left in the period.
    pub leavers: u64,
    /// headcount at start − leavers.
    pub stayed: u64,
    /// leavers / headcount at start.
    pub attrition_rate: Option<f64>,
    /// stayed / headcount at start = 1 − attrition rate.
    pub retention_rate: Option<f64>,
}

impl AttritionRow {
    fn new(group: Group, headcount_at_start: u64, leavers: u64) -> Self {
        // Checked by the constructors: leavers ≤ headcount at start.
        let stayed = headcount_at_start.saturating_sub(leavers);
        Self {
            group,
            headcount_at_start,
            leavers,
            stayed,
            attrition_rate: ratio(leavers, headcount_at_start),
            retention_rate: ratio(stayed, headcount_at_start),
        }
    }
}

/// Attrition and retention per group in a period: leavers over the
/// headcount at the start of the period.
///
/// ```
/// use positive_action::{Attrition, AttritionRecord, Breakdown, Comparator, Group, Period};
///
/// let by_ethnicity = Breakdown::parse(["ethnicity"])?;
/// let g = |label| Group::parse([("ethnicity", label)]);
/// let year = Attrition::new(Period::financial_year(2023)?, &by_ethnicity, [
///     AttritionRecord { group: g("ethnically diverse")?, headcount_at_start: 118, leavers: 20 },
///     AttritionRecord { group: g("White")?, headcount_at_start: 2_300, leavers: 184 },
/// ], Comparator::Largest)?;
/// let diverse = year.row(&g("ethnically diverse")?).unwrap();
/// assert_eq!(diverse.attrition_rate, Some(20.0 / 118.0)); // 16.9%, "17%"
/// assert_eq!(diverse.retention_rate, Some(98.0 / 118.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Attrition {
    /// The period.
    pub period: Period,
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The group every other is compared against; `None` when no declared
    /// group had anyone in post.
    pub comparator: Option<Group>,
    /// A row per group, in canonical order (unknown groups last).
    pub rows: Vec<AttritionRow>,
    /// Everyone.
    pub total: AttritionRow,
    /// People who joined during the period and left in it: outside every
    /// rate, counted here so nothing is silently dropped.
    pub joined_and_left: u64,
}

impl Attrition {
    /// Attrition per group from aggregate records.
    ///
    /// # Errors
    /// [`Error::GroupShape`], [`Error::DuplicateEntry`] for a group given
    /// twice, [`Error::CountExceedsTotal`] for more leavers than headcount,
    /// [`Error::TotalOverflow`], and [`Error::InvalidGroup`] for a
    /// comparator group that is unknown or absent.
    pub fn new(
        period: Period,
        breakdown: &Breakdown,
        records: impl IntoIterator<Item = AttritionRecord>,
        comparator: Comparator,
    ) -> Result<Self> {
        let mut records = records
            .into_iter()
            .map(|mut r| {
                r.group = breakdown.conform(r.group)?;
                if r.leavers > r.headcount_at_start {
                    return Err(Error::CountExceedsTotal {
                        part: format!("leavers of group {}", r.group),
                        count: r.leavers,
                        whole: "the headcount at the start of the period".to_owned(),
                        total: r.headcount_at_start,
                    });
                }
                Ok(r)
            })
            .collect::<Result<Vec<_>>>()?;
        records.sort_by(|a, b| a.group.cmp(&b.group));
        if let Some(w) = records.windows(2).find(|w| w[0].group == w[1].group) {
            return Err(Error::DuplicateEntry {
                entry: format!("group {}", w[0].group),
                context: "attrition records",
            });
        }
        let headcount = records
            .iter()
            .try_fold(0u64, |acc, r| acc.checked_add(r.headcount_at_start))
            .ok_or_else(|| Error::TotalOverflow {
                context: format!("the headcount at the start of {period}"),
            })?;
        // Each record's leavers are at most its headcount, so this fits.
        let leavers = records.iter().map(|r| r.leavers).sum();
        let groups: Vec<Group> = records.iter().map(|r| r.group.clone()).collect();
        let reference = comparator.resolve(&groups, |i| records[i].headcount_at_start)?;
        let rows = records
            .into_iter()
            .map(|r| AttritionRow::new(r.group, r.headcount_at_start, r.leavers))
            .collect();
        Ok(Self {
            period,
            breakdown: breakdown.clone(),
            comparator: reference.map(|i| groups[i].clone()),
            rows,
            total: AttritionRow::new(Group::default(), headcount, leavers),
            joined_and_left: 0,
        })
    }

    pub(crate) fn with_joined_and_left(mut self, joined_and_left: u64) -> Self {
        self.joined_and_left = joined_and_left;
        self
    }

    /// The row of a group.
    pub fn row(&self, group: &Group) -> Option<&AttritionRow> {
        self.rows.iter().find(|r| &r.group == group)
    }
}

impl fmt::Display for Attrition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let period = self
            .period
            .financial_year_label()
            .unwrap_or_else(|| self.period.to_string());
        writeln!(
            f,
            "Attrition {period} by {} (leavers / headcount at the start)",
            self.breakdown
        )?;
        let mut table = TextTable::new(["group", "at start", "leavers", "attrition", "retention"]);
        for r in self.rows.iter().chain(std::iter::once(&self.total)) {
            table.row(vec![
                r.group.label(),
                r.headcount_at_start.to_string(),
                r.leavers.to_string(),
                percent(r.attrition_rate),
                percent(r.retention_rate),
            ]);
        }
        write!(f, "{table}")?;
        if self.joined_and_left > 0 {
            writeln!(
                f,
                "{} joined during the period and left in it (outside the rates)",
                self.joined_and_left
            )?;
        }
        Ok(())
    }
}
