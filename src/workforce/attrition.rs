//! Attrition and retention per group and period, and their change between
//! periods.

use std::collections::HashMap;
use std::fmt;

use crate::error::{Error, Result};
use crate::records::breakdown::{Breakdown, Group};
use crate::records::period::Period;
use crate::records::workforce::Workforce;
use crate::stats::rate as ratio;
use crate::stats::{ChiSquare, FisherExact, TwoByTwo, ZTest};
use crate::text_table::{TextTable, decimal, percent};
use crate::workforce::disproportionality::Comparator;

/// Two leaving rates compared as a two-by-two table, with the tests of
/// DESIGN section 3: row 1 is the focal group (or the later period), row 2
/// the comparator (or the earlier period); "passed" is left and "failed" is
/// stayed, out of the headcount at the start.
///
/// A rate ratio above 1 means the focal row leaves more. Fisher's `less`
/// is the one-sided test that it leaves less (attrition fell, or the group
/// is retained better), `greater` that it leaves more.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AttritionComparison {
    /// Leavers / headcount at start of the focal row.
    pub focal_rate: Option<f64>,
    /// Leavers / headcount at start of the reference row.
    pub reference_rate: Option<f64>,
    /// 100 · (focal rate − reference rate), in percentage points.
    pub difference_points: Option<f64>,
    /// focal rate / reference rate.
    pub rate_ratio: Option<f64>,
    /// The log-method confidence interval of the rate ratio.
    pub rate_ratio_ci: Option<(f64, f64)>,
    /// The interval's confidence level.
    pub confidence: f64,
    /// focal retention / reference retention: the four-fifths view of
    /// staying.
    pub retention_ratio: Option<f64>,
    /// Fisher's exact test, conditional on the margins; `None` for a table
    /// beyond [`FISHER_EXACT_MAX_TOTAL`](crate::stats::FISHER_EXACT_MAX_TOTAL)
    /// (see [`TwoByTwo::fisher_exact_bounded`]), where `z_test` stands.
    pub fisher: Option<FisherExact>,
    /// The pooled two-proportion z test.
    pub z_test: Option<ZTest>,
    /// Pearson's chi-square.
    pub chi_square: Option<ChiSquare>,
    /// Pearson's chi-square with Yates's continuity correction.
    pub chi_square_yates: Option<ChiSquare>,
    /// The odds ratio of leaving.
    pub odds_ratio: Option<f64>,
    /// Cohen's h of the two leaving rates.
    pub cohens_h: Option<f64>,
}

impl AttritionComparison {
    /// Compares focal (left, stayed) with reference (left, stayed).
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a confidence outside (0, 1), and
    /// [`Error::InvalidTable`] for a table too large to count exactly.
    pub fn new(
        focal_left: u64,
        focal_stayed: u64,
        reference_left: u64,
        reference_stayed: u64,
        confidence: f64,
    ) -> Result<Self> {
        let table = TwoByTwo::new(focal_left, focal_stayed, reference_left, reference_stayed)?;
        let retention = TwoByTwo::new(focal_stayed, focal_left, reference_stayed, reference_left)?;
        let focal_rate = table.focal_rate();
        let reference_rate = table.reference_rate();
        Ok(Self {
            focal_rate,
            reference_rate,
            difference_points: focal_rate.zip(reference_rate).map(|(f, r)| 100.0 * (f - r)),
            rate_ratio: table.impact_ratio(),
            rate_ratio_ci: table.impact_ratio_ci(confidence)?,
            confidence,
            retention_ratio: retention.impact_ratio(),
            fisher: table.fisher_exact_bounded(),
            z_test: table.z_test(),
            chi_square: table.chi_square(),
            chi_square_yates: table.chi_square_yates(),
            odds_ratio: table.odds_ratio(),
            cohens_h: table.cohens_h(),
        })
    }
}

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
    /// This group against the comparator; `None` on the comparator's own
    /// row, the total row, and when there is no comparator.
    pub versus_comparator: Option<AttritionComparison>,
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
            versus_comparator: None,
        }
    }
}

/// Attrition and retention per group in a period: leavers over the
/// headcount at the start of the period.
///
/// ```
/// use positive_action::{Breakdown, Group};
/// use positive_action::workforce::{Attrition, AttritionRecord, Comparator};
/// use positive_action::records::Period;
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
    /// The confidence level of the rate ratio intervals.
    pub confidence: f64,
}

impl Attrition {
    /// The confidence level of rate ratio intervals unless another is asked
    /// for ([`Attrition::with_confidence`]).
    pub const DEFAULT_CONFIDENCE: f64 = 0.95;

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
        let mut attrition = Self {
            period,
            breakdown: breakdown.clone(),
            comparator: reference.map(|i| groups[i].clone()),
            rows,
            total: AttritionRow::new(Group::default(), headcount, leavers),
            joined_and_left: 0,
            confidence: Self::DEFAULT_CONFIDENCE,
        };
        attrition.compare()?;
        Ok(attrition)
    }

    /// The same analysis with rate ratio intervals at another confidence
    /// level.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] unless 0 < `confidence` < 1.
    pub fn with_confidence(mut self, confidence: f64) -> Result<Self> {
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(Error::InvalidOption {
                name: "confidence",
                value: confidence.to_string(),
                expected: "a number strictly between 0 and 1",
            });
        }
        self.confidence = confidence;
        self.compare()?;
        Ok(self)
    }

    /// Tests every group against the comparator.
    fn compare(&mut self) -> Result<()> {
        let reference = self
            .comparator
            .as_ref()
            .and_then(|c| self.rows.iter().find(|r| &r.group == c))
            .map(|r| (r.leavers, r.stayed));
        for row in &mut self.rows {
            row.versus_comparator = match reference {
                Some(_) if Some(&row.group) == self.comparator.as_ref() => None,
                Some((left, stayed)) => Some(AttritionComparison::new(
                    row.leavers,
                    row.stayed,
                    left,
                    stayed,
                    self.confidence,
                )?),
                None => None,
            };
        }
        Ok(())
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
        let ci = format!("{:.0}% CI", 100.0 * self.confidence);
        let mut table = TextTable::new([
            "group",
            "at start",
            "leavers",
            "attrition",
            "retention",
            "rate ratio",
            ci.as_str(),
            "Fisher p",
            "z",
        ]);
        for r in self.rows.iter().chain(std::iter::once(&self.total)) {
            let mut cells = vec![
                r.group.label(),
                r.headcount_at_start.to_string(),
                r.leavers.to_string(),
                percent(r.attrition_rate),
                percent(r.retention_rate),
            ];
            if Some(&r.group) == self.comparator.as_ref() {
                cells.push("comparator".to_owned());
            } else if let Some(c) = &r.versus_comparator {
                cells.extend(comparison_cells(c));
            }
            table.row(cells);
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

/// The rate ratio, its interval, Fisher's two-sided p and z, for tables.
fn comparison_cells(c: &AttritionComparison) -> [String; 4] {
    [
        decimal(c.rate_ratio, 2),
        c.rate_ratio_ci
            .map_or_else(|| "n/a".to_owned(), |(lo, hi)| format!("{lo:.2}–{hi:.2}")),
        c.fisher
            .map_or_else(|| "n/a".to_owned(), |f| format_p(f.two_sided)),
        decimal(c.z_test.map(|z| z.z), 2),
    ]
}

/// A p-value to three significant figures, in scientific form when small.
fn format_p(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.2e}")
    }
}

/// One group's attrition in two periods, and whether it changed.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AttritionChangeRow {
    /// The group.
    pub group: Group,
    /// Headcount at the start of the earlier period.
    pub earlier_headcount_at_start: u64,
    /// Leavers in the earlier period.
    pub earlier_leavers: u64,
    /// Attrition rate in the earlier period.
    pub earlier_rate: Option<f64>,
    /// Headcount at the start of the later period.
    pub later_headcount_at_start: u64,
    /// Leavers in the later period.
    pub later_leavers: u64,
    /// Attrition rate in the later period.
    pub later_rate: Option<f64>,
    /// The later period (focal) against the earlier (reference).
    pub comparison: AttritionComparison,
}

/// The change in each group's attrition from one period to another, tested
/// as a two-by-two table with the later period as the focal row.
///
/// The two periods' headcounts share most of their people, so the tests,
/// which take them as independent samples, are a guide rather than exact.
///
/// ```
/// use positive_action::{Breakdown, Group};
/// use positive_action::workforce::{Attrition, AttritionChange, AttritionRecord, Comparator};
/// use positive_action::records::Period;
///
/// let by_ethnicity = Breakdown::parse(["ethnicity"])?;
/// let diverse = Group::parse([("ethnicity", "ethnically diverse")])?;
/// let year = |start, headcount_at_start, leavers| -> positive_action::Result<Attrition> {
///     Attrition::new(Period::financial_year(start)?, &by_ethnicity, [
///         AttritionRecord { group: diverse.clone(), headcount_at_start, leavers },
///     ], Comparator::Largest)
/// };
/// // 14 of 82 (17%) left in 2023/24, 3 of 81 (3.7%) in 2024/25.
/// let change = AttritionChange::new(&year(2023, 82, 14)?, &year(2024, 81, 3)?)?;
/// let row = change.row(&diverse).ok_or("no row")?;
/// let ratio = row.comparison.rate_ratio.ok_or("undefined")?;
/// assert!((ratio - (3.0 / 81.0) / (14.0 / 82.0)).abs() < 1e-12); // 0.22
/// assert!(row.comparison.fisher.ok_or("withheld")?.two_sided < 0.01); // a significant fall
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AttritionChange {
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The earlier period.
    pub earlier: Period,
    /// The later period.
    pub later: Period,
    /// A row per group of either period, in canonical order.
    pub rows: Vec<AttritionChangeRow>,
}

impl AttritionChange {
    /// The change from `earlier` to `later`, at the later analysis's
    /// confidence level.
    ///
    /// # Errors
    /// [`Error::BreakdownMismatch`], and [`Error::InvalidTable`] for a
    /// table too large to count exactly.
    pub fn new(earlier: &Attrition, later: &Attrition) -> Result<Self> {
        if earlier.breakdown != later.breakdown {
            return Err(Error::BreakdownMismatch {
                expected: earlier.breakdown.to_string(),
                found: later.breakdown.to_string(),
            });
        }
        let mut groups: Vec<Group> = earlier
            .rows
            .iter()
            .chain(&later.rows)
            .map(|r| r.group.clone())
            .collect();
        groups.sort();
        groups.dedup();
        let counts = |a: &Attrition, g: &Group| {
            a.row(g).map_or((0, 0, None), |r| {
                (r.headcount_at_start, r.leavers, r.attrition_rate)
            })
        };
        let rows = groups
            .into_iter()
            .map(|group| {
                let (eh, el, er) = counts(earlier, &group);
                let (lh, ll, lr) = counts(later, &group);
                // Leavers never exceed headcount: checked by Attrition::new.
                let comparison = AttritionComparison::new(
                    ll,
                    lh.saturating_sub(ll),
                    el,
                    eh.saturating_sub(el),
                    later.confidence,
                )?;
                Ok(AttritionChangeRow {
                    group,
                    earlier_headcount_at_start: eh,
                    earlier_leavers: el,
                    earlier_rate: er,
                    later_headcount_at_start: lh,
                    later_leavers: ll,
                    later_rate: lr,
                    comparison,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            breakdown: later.breakdown.clone(),
            earlier: earlier.period,
            later: later.period,
            rows,
        })
    }

    /// The row of a group.
    pub fn row(&self, group: &Group) -> Option<&AttritionChangeRow> {
        self.rows.iter().find(|r| &r.group == group)
    }
}

impl fmt::Display for AttritionChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = |p: &Period| p.financial_year_label().unwrap_or_else(|| p.to_string());
        let (earlier, later) = (label(&self.earlier), label(&self.later));
        writeln!(
            f,
            "Attrition change by {}: {earlier} to {later} (later against earlier)",
            self.breakdown
        )?;
        let ci = self
            .rows
            .first()
            .map_or(Attrition::DEFAULT_CONFIDENCE, |r| r.comparison.confidence);
        let ci = format!("{:.0}% CI", 100.0 * ci);
        let mut table = TextTable::new([
            "group",
            earlier.as_str(),
            later.as_str(),
            "change (points)",
            "rate ratio",
            ci.as_str(),
            "Fisher p",
            "z",
        ]);
        for r in &self.rows {
            let mut cells = vec![
                r.group.label(),
                format!(
                    "{} of {} ({})",
                    r.earlier_leavers,
                    r.earlier_headcount_at_start,
                    percent(r.earlier_rate)
                ),
                format!(
                    "{} of {} ({})",
                    r.later_leavers,
                    r.later_headcount_at_start,
                    percent(r.later_rate)
                ),
                r.comparison
                    .difference_points
                    .map_or_else(|| "n/a".to_owned(), |d| format!("{d:+.1}")),
            ];
            cells.extend(comparison_cells(&r.comparison));
            table.row(cells);
        }
        write!(f, "{table}")
    }
}

impl Workforce {
    /// Attrition in a period, per group: of the people in post on its first
    /// day, how many left by its last. People who joined during the period
    /// and left in it are not part of any rate; they are counted apart in
    /// [`Attrition::joined_and_left`]. Each group is tested against the
    /// comparator (see [`AttritionComparison`](crate::workforce::AttritionComparison)).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use positive_action::*;
    /// use positive_action::workforce::Comparator;
    /// use positive_action::records::Period;
    /// use positive_action::workforce::{AttritionChangeRow, AttritionComparison, AttritionRow, Headcount, Person, RankStructure, Unit, Workforce};
    /// use positive_action::records::Rank;
    /// use positive_action::stats::{ChiSquare, FisherExact, TwoByTwo, ZTest, rate, rate_ratio};
    ///
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("a valid date");
    /// let unit = Unit::new("Harbour")?;
    /// let mut people = Vec::new();
    /// for n in 0..40 {
    ///     let sex = if n < 10 { "female" } else { "male" };
    ///     let person = Person::new(
    ///         CandidateId::from_external(&format!("PC-{n}")),
    ///         Profile::parse([("sex", sex)])?,
    ///         Rank::CONSTABLE,
    ///         unit.clone(),
    ///         day(2018, 9, 3)?,
    ///     );
    ///     // 4 of the 10 women and 3 of the 30 men leave in 2024/25.
    ///     let leaves = n < 4 || (10..13).contains(&n);
    ///     people.push(if leaves { person.left_on(day(2024, 12, 31)?)? } else { person });
    /// }
    /// let workforce = Workforce::new(&RankStructure::police(), people)?;
    /// let attrition = workforce.attrition(
    ///     Period::financial_year(2024)?,
    ///     &Breakdown::parse(["sex"])?,
    ///     Comparator::Largest,
    /// )?;
    /// let women = attrition.row(&Group::parse([("sex", "female")])?).ok_or("no row")?;
    /// assert_eq!(women.attrition_rate, Some(0.4));
    /// let versus_men = women.versus_comparator.as_ref().ok_or("no comparison")?;
    /// let ratio = versus_men.rate_ratio.ok_or("undefined")?;
    /// assert!((ratio - 4.0).abs() < 1e-12); // women leave at four times the men's rate
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Attrition::new`]: an explicit comparator group that is not
    /// there or is unknown.
    pub fn attrition(
        &self,
        period: Period,
        breakdown: &Breakdown,
        comparator: Comparator,
    ) -> Result<Attrition> {
        let mut index: HashMap<Group, (u64, u64)> = HashMap::new();
        let mut joined_and_left = 0u64;
        for p in self.people() {
            let left_in_period = p.left().is_some_and(|l| period.contains(l));
            if p.in_post_on(period.start()) {
                let cell = index.entry(breakdown.group_of(p.profile())).or_default();
                // No more people than fit in memory: far below u64::MAX.
                cell.0 += 1;
                cell.1 += u64::from(left_in_period);
            } else if left_in_period && period.contains(p.started()) {
                joined_and_left += 1;
            }
        }
        let records = index
            .into_iter()
            .map(|(group, (headcount_at_start, leavers))| AttritionRecord {
                group,
                headcount_at_start,
                leavers,
            });
        Ok(Attrition::new(period, breakdown, records, comparator)?
            .with_joined_and_left(joined_and_left))
    }
}
