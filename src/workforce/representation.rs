//! Representation of groups in a workforce against a benchmark population,
//! per rank and rank band, and its change from year to year.

use std::fmt;

use chrono::NaiveDate;

use crate::counts::headcount::Headcount;
use crate::error::{Error, Result};
use crate::records::benchmark::Benchmark;
use crate::records::breakdown::{Breakdown, Group};
use crate::records::pipeline::Rank;
use crate::stats::rate as ratio;
use crate::text_table::{TextTable, decimal, percent};
use crate::workforce::declaration::RepresentationBounds;

/// How far a gap may sit from a band boundary and still count as on it, in
/// percentage points: a gap of exactly 1 point computed in floating point
/// (1.0000000000000009) is still "equal".
const BOUNDARY_TOLERANCE: f64 = 1e-9;

/// How far beyond the ±1 point band of equality a representation gap lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Margin {
    /// More than 1 and at most 5 percentage points.
    #[cfg_attr(feature = "serde", serde(rename = "more_than_1"))]
    MoreThan1,
    /// More than 5 and at most 10 percentage points.
    #[cfg_attr(feature = "serde", serde(rename = "more_than_5"))]
    MoreThan5,
    /// More than 10 and at most 15 percentage points.
    #[cfg_attr(feature = "serde", serde(rename = "more_than_10"))]
    MoreThan10,
    /// More than 15 percentage points.
    #[cfg_attr(feature = "serde", serde(rename = "more_than_15"))]
    MoreThan15,
}

impl fmt::Display for Margin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MoreThan1 => "more than 1 point",
            Self::MoreThan5 => "more than 5 points",
            Self::MoreThan10 => "more than 10 points",
            Self::MoreThan15 => "more than 15 points",
        })
    }
}

/// The "position" banding of gender and workforce reports: a group is
/// represented equally when its share is within ±1 percentage point of the
/// benchmark, and otherwise over- or under-represented by more than 1, 5,
/// 10 or 15 points.
///
/// A gap exactly on a boundary belongs to the band below it: 1 point is
/// equal, 5 points is "more than 1".
///
/// ```
/// use positive_action::workforce::{Margin, Position};
///
/// assert_eq!(Position::from_gap_points(-0.4), Some(Position::Equal));
/// assert_eq!(Position::from_gap_points(1.0), Some(Position::Equal));
/// assert_eq!(Position::from_gap_points(-2.4), Some(Position::Under(Margin::MoreThan1)));
/// assert_eq!(Position::from_gap_points(16.0), Some(Position::Over(Margin::MoreThan15)));
/// assert_eq!(Position::from_gap_points(-2.4).unwrap().to_string(), "under-represented by more than 1 point");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Position {
    /// Within ±1 percentage point of the benchmark.
    Equal,
    /// Over-represented: the share is above the benchmark by the margin.
    Over(Margin),
    /// Under-represented: the share is below the benchmark by the margin.
    Under(Margin),
}

impl Position {
    /// The position of a gap in percentage points (share − benchmark share,
    /// times 100); `None` for a gap that is not a finite number.
    pub fn from_gap_points(gap: f64) -> Option<Self> {
        if !gap.is_finite() {
            return None;
        }
        let size = gap.abs() - BOUNDARY_TOLERANCE;
        let margin = if size <= 1.0 {
            return Some(Self::Equal);
        } else if size <= 5.0 {
            Margin::MoreThan1
        } else if size <= 10.0 {
            Margin::MoreThan5
        } else if size <= 15.0 {
            Margin::MoreThan10
        } else {
            Margin::MoreThan15
        };
        Some(if gap > 0.0 {
            Self::Over(margin)
        } else {
            Self::Under(margin)
        })
    }

    /// −1 under, 0 equal, +1 over: the conclusion a reader draws.
    pub(crate) fn side(self) -> i8 {
        match self {
            Self::Equal => 0,
            Self::Over(_) => 1,
            Self::Under(_) => -1,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Equal => f.write_str("equal (within 1 point)"),
            Self::Over(m) => write!(f, "over-represented by {m}"),
            Self::Under(m) => write!(f, "under-represented by {m}"),
        }
    }
}

/// The part of a workforce a representation figure covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Scope {
    /// Everyone in post, all ranks.
    Workforce,
    /// A rank band, by name.
    Band(String),
    /// One rank or grade.
    Rank(Rank),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Workforce => f.write_str("whole workforce"),
            Self::Band(b) => f.write_str(b),
            Self::Rank(r) => write!(f, "rank {r}"),
        }
    }
}

/// One group's representation in one scope.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RepresentationRow {
    /// The group.
    pub group: Group,
    /// People in post in the group.
    pub headcount: u64,
    /// headcount / declared headcount of the scope.
    pub share: Option<f64>,
    /// The group's share of the benchmark population; `None` when the
    /// benchmark does not list the group.
    pub benchmark_share: Option<f64>,
    /// share / benchmark share: 1 is parity.
    pub ratio: Option<f64>,
    /// 100 · (share − benchmark share), in percentage points.
    pub gap_points: Option<f64>,
    /// The banding of the gap.
    pub position: Option<Position>,
    /// 100 · (share in this scope − share in the whole workforce): how a
    /// band or rank differs from the workforce it is part of. `None` for
    /// the whole workforce itself.
    pub difference_from_workforce_points: Option<f64>,
    /// What the share and ratio would be if no undeclared person, or every
    /// one, belonged to the group.
    pub if_undeclared: Option<RepresentationBounds>,
}

/// The representation table of one scope: the whole workforce, a band or a
/// rank.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RepresentationSection {
    /// What the section covers.
    pub scope: Scope,
    /// Everyone in post in the scope.
    pub headcount: u64,
    /// Those whose group is declared on every characteristic: the
    /// denominator of the shares.
    pub declared: u64,
    /// Those with prefer-not-to-say or not-recorded on any characteristic.
    pub undeclared: u64,
    /// A row per declared group of the headcount or the benchmark, in
    /// canonical order.
    pub rows: Vec<RepresentationRow>,
}

impl RepresentationSection {
    /// The row of a group.
    pub fn row(&self, group: &Group) -> Option<&RepresentationRow> {
        self.rows.iter().find(|r| &r.group == group)
    }
}

/// Representation of each group against a benchmark population: in the
/// whole workforce, in each rank band and in each rank.
///
/// A group's share is its headcount over the *declared* headcount of the
/// scope, as the Home Office police workforce statistics give it; the
/// undeclared are counted in each section and, per row,
/// [`RepresentationBounds`] say what they could change. Every figure comes
/// from exact counts; no rounded percentage is fed back in.
///
/// ```
/// use positive_action::*;
/// use positive_action::workforce::{Margin, Position};
/// use positive_action::workforce::{Benchmark, Headcount, HeadcountChange, HeadcountChangeRow, HeadcountChangeSection, HeadcountRecord, RankBand, RankStructure, Representation, RepresentationBounds, RepresentationRow, RepresentationSection, Scope, Workforce};
/// use positive_action::records::Rank;
///
/// let by_ethnicity = Breakdown::parse(["ethnicity"])?;
/// let g = |label| Group::parse([("ethnicity", label)]);
/// let rec = |rank: Rank, label, headcount| -> positive_action::Result<HeadcountRecord> {
///     Ok(HeadcountRecord { rank, group: g(label)?, headcount })
/// };
/// let headcount = Headcount::from_records(&RankStructure::police(), &by_ethnicity, [
///     rec(Rank::CONSTABLE, "ethnically diverse", 70)?,
///     rec(Rank::CONSTABLE, "White", 1_930)?,
///     rec(Rank::SERGEANT, "ethnically diverse", 10)?,
///     rec(Rank::SERGEANT, "White", 390)?,
///     rec(Rank::CHIEF_INSPECTOR, "White", 100)?,
/// ])?;
/// let census = Benchmark::from_shares("census 2021", &by_ethnicity, [
///     (g("ethnically diverse")?, 0.058), (g("White")?, 0.942),
/// ])?;
/// let representation = Representation::new(&headcount, &census)?;
///
/// let workforce = representation.workforce().ok_or("no workforce section")?;
/// let diverse = workforce.row(&g("ethnically diverse")?).ok_or("no row")?;
/// assert_eq!(diverse.share, Some(80.0 / 2_500.0)); // 3.2%
/// assert!((diverse.ratio.unwrap() - 0.032 / 0.058).abs() < 1e-12);
/// assert_eq!(diverse.position, Some(Position::Under(Margin::MoreThan1)));
///
/// let senior = representation.section(&Scope::Band(RankBand::SENIOR_LEADERSHIP.into())).unwrap();
/// assert_eq!(senior.row(&g("ethnically diverse")?).unwrap().share, Some(0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Representation {
    /// The benchmark's name.
    pub benchmark: String,
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The date of the headcount, if known.
    pub as_at: Option<NaiveDate>,
    /// The whole workforce first, then each band, then each rank.
    pub sections: Vec<RepresentationSection>,
}

impl Representation {
    /// Representation of a headcount against a benchmark.
    ///
    /// # Errors
    /// [`Error::BreakdownMismatch`] unless the headcount and the benchmark
    /// have the same breakdown.
    pub fn new(headcount: &Headcount, benchmark: &Benchmark) -> Result<Self> {
        if headcount.breakdown() != benchmark.breakdown() {
            return Err(Error::BreakdownMismatch {
                expected: benchmark.breakdown().to_string(),
                found: headcount.breakdown().to_string(),
            });
        }
        let structure = headcount.structure();
        let all: Vec<usize> = (0..structure.ranks().len()).collect();
        let mut scopes = vec![(Scope::Workforce, all)];
        for band in structure.bands() {
            let ranks = band
                .ranks()
                .iter()
                .filter_map(|r| structure.position(r))
                .collect();
            scopes.push((Scope::Band(band.name().to_owned()), ranks));
        }
        for (r, rank) in structure.ranks().iter().enumerate() {
            scopes.push((Scope::Rank(rank.clone()), vec![r]));
        }
        // Declared groups of either side, in canonical order.
        let mut groups: Vec<Group> = headcount
            .groups()
            .iter()
            .filter(|g| !g.is_unknown())
            .chain(benchmark.groups())
            .cloned()
            .collect();
        groups.sort();
        groups.dedup();

        let mut sections: Vec<RepresentationSection> = Vec::with_capacity(scopes.len());
        for (scope, ranks) in scopes {
            let count = |g: &Group| {
                headcount
                    .group_index(g)
                    .map_or(0, |i| headcount.group_in(i, &ranks))
            };
            // Parts of the headcount's total, which fits in a u64.
            let mut declared = 0u64;
            let mut undeclared = 0u64;
            for g in headcount.groups() {
                if g.is_unknown() {
                    undeclared += count(g);
                } else {
                    declared += count(g);
                }
            }
            let workforce = sections.first();
            let rows = groups
                .iter()
                .map(|group| {
                    let h = count(group);
                    let share = ratio(h, declared);
                    let benchmark_share = benchmark.share(group);
                    let gap_points = share.zip(benchmark_share).map(|(s, b)| 100.0 * (s - b));
                    let ratio = share
                        .zip(benchmark_share)
                        .and_then(|(s, b)| (b > 0.0).then(|| s / b));
                    let difference_from_workforce_points = workforce
                        .and_then(|w| w.row(group))
                        .and_then(|w| w.share)
                        .zip(share)
                        .map(|(w, s)| 100.0 * (s - w));
                    RepresentationRow {
                        group: group.clone(),
                        headcount: h,
                        share,
                        benchmark_share,
                        ratio,
                        gap_points,
                        position: gap_points.and_then(Position::from_gap_points),
                        difference_from_workforce_points,
                        if_undeclared: RepresentationBounds::new(
                            h,
                            declared,
                            undeclared,
                            benchmark_share,
                        ),
                    }
                })
                .collect();
            sections.push(RepresentationSection {
                scope,
                headcount: declared + undeclared,
                declared,
                undeclared,
                rows,
            });
        }
        Ok(Self {
            benchmark: benchmark.name().to_owned(),
            breakdown: headcount.breakdown().clone(),
            as_at: headcount.as_at(),
            sections,
        })
    }

    /// The whole-workforce section (the first, as [`Representation::new`]
    /// builds it).
    pub fn workforce(&self) -> Option<&RepresentationSection> {
        self.section(&Scope::Workforce)
    }

    /// The section of a scope.
    pub fn section(&self, scope: &Scope) -> Option<&RepresentationSection> {
        self.sections.iter().find(|s| &s.scope == scope)
    }
}

impl fmt::Display for Representation {
    /// The whole workforce and each band in full, then shares by rank.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Representation by {} against {}",
            self.breakdown, self.benchmark
        )?;
        match self.as_at {
            Some(d) => writeln!(f, ", headcount on {d}")?,
            None => writeln!(f)?,
        }
        for section in self
            .sections
            .iter()
            .filter(|s| !matches!(s.scope, Scope::Rank(_)))
        {
            writeln!(f)?;
            writeln!(
                f,
                "{}: {} in post, {} declared, {} not declared",
                section.scope, section.headcount, section.declared, section.undeclared
            )?;
            let mut table = TextTable::new([
                "group",
                "headcount",
                "share",
                "benchmark",
                "ratio",
                "gap (points)",
                "vs workforce (points)",
                "position",
                "ratio if undeclared none/all",
            ]);
            for row in &section.rows {
                table.row(vec![
                    row.group.label(),
                    row.headcount.to_string(),
                    percent(row.share),
                    percent(row.benchmark_share),
                    decimal(row.ratio, 2),
                    signed(row.gap_points),
                    signed(row.difference_from_workforce_points),
                    row.position
                        .map_or_else(|| "n/a".to_owned(), |p| p.to_string()),
                    row.if_undeclared.as_ref().map_or_else(
                        || "n/a".to_owned(),
                        |b| {
                            format!(
                                "{}–{}{}",
                                decimal(b.ratio_if_none, 2),
                                decimal(b.ratio_if_all, 2),
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
            if section
                .rows
                .iter()
                .any(|r| r.if_undeclared.is_some_and(|b| b.could_change_conclusion))
            {
                writeln!(
                    f,
                    "(!) the undeclared could change whether the group is under-, equally or over-represented"
                )?;
            }
        }
        let ranks: Vec<&RepresentationSection> = self
            .sections
            .iter()
            .filter(|s| matches!(s.scope, Scope::Rank(_)))
            .collect();
        if let Some(first) = ranks.first() {
            writeln!(f)?;
            writeln!(f, "Share of declared headcount by rank")?;
            let mut header = vec!["rank".to_owned(), "in post".to_owned()];
            header.extend(first.rows.iter().map(|r| r.group.label()));
            let mut table = TextTable::new(header);
            for s in ranks {
                let name = match &s.scope {
                    Scope::Rank(r) => r.to_string(),
                    other => other.to_string(),
                };
                let mut row = vec![name, s.headcount.to_string()];
                row.extend(s.rows.iter().map(|r| percent(r.share)));
                table.row(row);
            }
            write!(f, "{table}")?;
        }
        Ok(())
    }
}

/// A signed number of points with one decimal, or "n/a".
fn signed(points: Option<f64>) -> String {
    points.map_or_else(|| "n/a".to_owned(), |p| format!("{p:+.1}"))
}

/// One group's headcount in two years.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HeadcountChangeRow {
    /// The group.
    pub group: Group,
    /// Headcount in the earlier year.
    pub previous: u64,
    /// Headcount in the later year.
    pub current: u64,
    /// 100 · (current − previous) / previous; `None` when previous is 0.
    pub change_percent: Option<f64>,
    /// Share of the declared headcount in the earlier year (`None` for an
    /// unknown group).
    pub previous_share: Option<f64>,
    /// Share of the declared headcount in the later year.
    pub current_share: Option<f64>,
    /// 100 · (current share − previous share), in percentage points.
    pub share_change_points: Option<f64>,
}

/// One scope of a year-on-year change.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HeadcountChangeSection {
    /// What the section covers.
    pub scope: Scope,
    /// Everyone in post in the earlier year.
    pub previous_total: u64,
    /// Everyone in post in the later year.
    pub current_total: u64,
    /// A row per group of either year, unknown groups last.
    pub rows: Vec<HeadcountChangeRow>,
}

impl HeadcountChangeSection {
    /// The row of a group.
    pub fn row(&self, group: &Group) -> Option<&HeadcountChangeRow> {
        self.rows.iter().find(|r| &r.group == group)
    }
}

/// Year-on-year change in headcount per group, for the whole workforce and
/// each rank band: the count's change as a percentage, and the change in
/// share in percentage points.
///
/// ```
/// use positive_action::*;
/// use positive_action::workforce::{Headcount, HeadcountChange, HeadcountRecord, RankStructure};
/// use positive_action::records::Rank;
///
/// let by_ethnicity = Breakdown::parse(["ethnicity"])?;
/// let g = |label| Group::parse([("ethnicity", label)]);
/// let year = |diverse, white| -> positive_action::Result<Headcount> {
///     Headcount::from_records(&RankStructure::police(), &by_ethnicity, [
///         HeadcountRecord { rank: Rank::CONSTABLE, group: g("ethnically diverse")?, headcount: diverse },
///         HeadcountRecord { rank: Rank::CONSTABLE, group: g("White")?, headcount: white },
///     ])
/// };
/// let change = HeadcountChange::new(&year(81, 2_374)?, &year(84, 2_386)?)?;
/// let workforce = change.workforce().ok_or("no workforce section")?;
/// let diverse = workforce.row(&g("ethnically diverse")?).ok_or("no row")?;
/// assert_eq!(diverse.change_percent, Some(100.0 * 3.0 / 81.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HeadcountChange {
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The date of the earlier headcount, if known.
    pub previous_as_at: Option<NaiveDate>,
    /// The date of the later headcount, if known.
    pub current_as_at: Option<NaiveDate>,
    /// The whole workforce first, then each band.
    pub sections: Vec<HeadcountChangeSection>,
}

impl HeadcountChange {
    /// The change from `previous` to `current`.
    ///
    /// # Errors
    /// [`Error::BreakdownMismatch`], and [`Error::InvalidOption`] if the two
    /// have different rank structures.
    pub fn new(previous: &Headcount, current: &Headcount) -> Result<Self> {
        if previous.breakdown() != current.breakdown() {
            return Err(Error::BreakdownMismatch {
                expected: previous.breakdown().to_string(),
                found: current.breakdown().to_string(),
            });
        }
        if previous.structure() != current.structure() {
            return Err(Error::InvalidOption {
                name: "rank structure",
                value: current.structure().to_string(),
                expected: "the same rank structure in both years",
            });
        }
        let structure = current.structure();
        let mut scopes = vec![(
            Scope::Workforce,
            (0..structure.ranks().len()).collect::<Vec<_>>(),
        )];
        for band in structure.bands() {
            let ranks = band
                .ranks()
                .iter()
                .filter_map(|r| structure.position(r))
                .collect();
            scopes.push((Scope::Band(band.name().to_owned()), ranks));
        }
        let mut groups: Vec<Group> = previous
            .groups()
            .iter()
            .chain(current.groups())
            .cloned()
            .collect();
        groups.sort();
        groups.dedup();
        let sections = scopes
            .into_iter()
            .map(|(scope, ranks)| {
                let count = |h: &Headcount, g: &Group| {
                    h.group_index(g).map_or(0, |i| h.group_in(i, &ranks))
                };
                // Parts of each headcount's total, which fits in a u64.
                let declared = |h: &Headcount| -> u64 {
                    h.groups()
                        .iter()
                        .filter(|g| !g.is_unknown())
                        .map(|g| count(h, g))
                        .sum()
                };
                let total = |h: &Headcount| -> u64 { h.groups().iter().map(|g| count(h, g)).sum() };
                let (pd, cd) = (declared(previous), declared(current));
                let rows = groups
                    .iter()
                    .map(|group| {
                        let (p, c) = (count(previous, group), count(current, group));
                        let known = !group.is_unknown();
                        let previous_share = ratio(p, pd).filter(|_| known);
                        let current_share = ratio(c, cd).filter(|_| known);
                        HeadcountChangeRow {
                            group: group.clone(),
                            previous: p,
                            current: c,
                            change_percent: (p > 0)
                                .then(|| 100.0 * (c as f64 - p as f64) / p as f64),
                            previous_share,
                            current_share,
                            share_change_points: previous_share
                                .zip(current_share)
                                .map(|(a, b)| 100.0 * (b - a)),
                        }
                    })
                    .collect();
                HeadcountChangeSection {
                    scope,
                    previous_total: total(previous),
                    current_total: total(current),
                    rows,
                }
            })
            .collect();
        Ok(Self {
            breakdown: current.breakdown().clone(),
            previous_as_at: previous.as_at(),
            current_as_at: current.as_at(),
            sections,
        })
    }

    /// The whole-workforce section (the first, as [`HeadcountChange::new`]
    /// builds it).
    pub fn workforce(&self) -> Option<&HeadcountChangeSection> {
        self.section(&Scope::Workforce)
    }

    /// The section of a scope.
    pub fn section(&self, scope: &Scope) -> Option<&HeadcountChangeSection> {
        self.sections.iter().find(|s| &s.scope == scope)
    }
}

impl fmt::Display for HeadcountChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = |d: Option<NaiveDate>, fallback: &str| {
            d.map_or_else(|| fallback.to_owned(), |d| d.to_string())
        };
        writeln!(
            f,
            "Headcount change by {}: {} to {}",
            self.breakdown,
            date(self.previous_as_at, "previous"),
            date(self.current_as_at, "current")
        )?;
        for section in &self.sections {
            writeln!(f)?;
            writeln!(
                f,
                "{}: {} to {} in post",
                section.scope, section.previous_total, section.current_total
            )?;
            let mut table = TextTable::new([
                "group",
                "previous",
                "current",
                "change",
                "previous share",
                "current share",
                "share change (points)",
            ]);
            for row in &section.rows {
                table.row(vec![
                    row.group.label(),
                    row.previous.to_string(),
                    row.current.to_string(),
                    row.change_percent
                        .map_or_else(|| "n/a".to_owned(), |c| format!("{c:+.1}%")),
                    percent(row.previous_share),
                    percent(row.current_share),
                    signed(row.share_change_points),
                ]);
            }
            write!(f, "{table}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_bands_and_boundaries() {
        let p = |g| Position::from_gap_points(g).unwrap();
        assert_eq!(p(0.0), Position::Equal);
        assert_eq!(p(-1.0), Position::Equal);
        // 51/100 − 0.5 in floating point is a hair over 1 point.
        assert_eq!(p(100.0 * (51.0 / 100.0 - 0.5)), Position::Equal);
        assert_eq!(p(1.01), Position::Over(Margin::MoreThan1));
        assert_eq!(p(5.0), Position::Over(Margin::MoreThan1));
        assert_eq!(p(-5.5), Position::Under(Margin::MoreThan5));
        assert_eq!(p(10.0), Position::Over(Margin::MoreThan5));
        assert_eq!(p(-12.0), Position::Under(Margin::MoreThan10));
        assert_eq!(p(15.0), Position::Over(Margin::MoreThan10));
        assert_eq!(p(15.2), Position::Over(Margin::MoreThan15));
        assert_eq!(Position::from_gap_points(f64::NAN), None);
        assert_eq!(p(7.0).to_string(), "over-represented by more than 5 points");
        assert_eq!(p(0.5).to_string(), "equal (within 1 point)");
    }
}
