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
use crate::stats::{ShareTest, share_against_benchmark};
use crate::text_table::{TextTable, decimal, percent};
use crate::workforce::declaration::RepresentationBounds;

/// How far a gap may sit from a band boundary and still count as on it, in
/// percentage points: a gap of exactly 5 points computed in floating point
/// (5.000000000000001) is still "more than 1".
const BOUNDARY_TOLERANCE: f64 = 1e-9;

/// The confidence of every representation interval: 95%.
pub const REPRESENTATION_CONFIDENCE: f64 = 0.95;

/// The band of representation ratios treated as equal: 0.8 to 1.25.
///
/// A group is equally represented only when the whole 95% interval of its
/// ratio lies inside this band. 0.8 is the four-fifths rule of the Uniform
/// Guidelines (29 CFR 1607.4(D)), and 1.25 = 1/0.8 makes the band
/// symmetric on the ratio's log scale, as the 80–125% equivalence band of
/// the US FDA's bioequivalence guidance (two one-sided tests, Schuirmann
/// 1987) is.
pub const EQUAL_RATIO_BAND: (f64, f64) = (0.8, 1.25);

/// How far a group's share sits from its comparison share, in percentage
/// points: the bands of gender and workforce reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Margin {
    /// At most 1 percentage point: a small gap that the interval still
    /// shows is real.
    #[cfg_attr(feature = "serde", serde(rename = "at_most_1"))]
    AtMost1,
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

impl Margin {
    /// The band of a gap in percentage points (either sign); a gap exactly
    /// on a boundary belongs to the band below it. `None` unless finite.
    pub fn of_points(gap: f64) -> Option<Self> {
        if !gap.is_finite() {
            return None;
        }
        let size = gap.abs() - BOUNDARY_TOLERANCE;
        Some(if size <= 1.0 {
            Self::AtMost1
        } else if size <= 5.0 {
            Self::MoreThan1
        } else if size <= 10.0 {
            Self::MoreThan5
        } else if size <= 15.0 {
            Self::MoreThan10
        } else {
            Self::MoreThan15
        })
    }
}

impl fmt::Display for Margin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AtMost1 => "at most 1 point",
            Self::MoreThan1 => "more than 1 point",
            Self::MoreThan5 => "more than 5 points",
            Self::MoreThan10 => "more than 10 points",
            Self::MoreThan15 => "more than 15 points",
        })
    }
}

/// Whether a group is under-, equally or over-represented, judged by its
/// representation ratio (share / comparison share) and the ratio's 95%
/// interval, never by the size of the gap alone:
///
/// - **under** (or **over**) when the whole interval lies below (above) 1,
///   with the gap's size in points as the margin;
/// - **equal** when the interval holds 1 and lies within
///   [`EQUAL_RATIO_BAND`] (0.8 to 1.25);
/// - **too few to tell** when the interval holds 1 but runs outside that
///   band: the figures cannot tell equal from a real gap.
///
/// The interval is the exact Clopper-Pearson interval of the share divided
/// by the comparison share (see
/// [`share_against_benchmark`](crate::stats::share_against_benchmark)).
/// A 1-point gap is not "equal" by itself: 0.8% against 1.5% is a ratio of
/// 0.53, under-represented when the counts are large enough to show it.
///
/// ```
/// use positive_action::workforce::{Margin, Position};
///
/// // 0.8% against 1.5%: 8 of 1,000 could be chance; 80 of 10,000 is not.
/// let few = Position::from_interval(-0.7, (0.23, 1.05));
/// assert_eq!(few, Some(Position::TooFewToTell));
/// let many = Position::from_interval(-0.7, (0.42, 0.66));
/// assert_eq!(many, Some(Position::Under(Margin::AtMost1)));
/// assert_eq!(Position::from_interval(0.4, (0.9, 1.1)), Some(Position::Equal));
/// assert_eq!(Position::from_interval(16.0, (1.3, 1.5)), Some(Position::Over(Margin::MoreThan15)));
/// assert_eq!(many.unwrap().to_string(), "under-represented by at most 1 point");
/// assert_eq!(few.unwrap().to_string(), "too few to tell");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Position {
    /// The ratio's interval holds 1 and lies within 0.8 to 1.25.
    Equal,
    /// Over-represented: the interval lies above 1; the share is above the
    /// comparison by the margin.
    Over(Margin),
    /// Under-represented: the interval lies below 1; the share is below
    /// the comparison by the margin.
    Under(Margin),
    /// The interval holds 1 but runs outside 0.8 to 1.25: too few people
    /// to tell equal from a gap.
    TooFewToTell,
}

impl Position {
    /// The position of a gap in percentage points (share − comparison
    /// share, times 100) with the representation ratio's interval; `None`
    /// for figures that are not finite numbers.
    pub fn from_interval(gap_points: f64, ratio_ci: (f64, f64)) -> Option<Self> {
        let (low, high) = ratio_ci;
        if low.is_nan() || high.is_nan() {
            return None;
        }
        let margin = Margin::of_points(gap_points)?;
        Some(if low > 1.0 {
            Self::Over(margin)
        } else if high < 1.0 {
            Self::Under(margin)
        } else if low >= EQUAL_RATIO_BAND.0 && high <= EQUAL_RATIO_BAND.1 {
            Self::Equal
        } else {
            Self::TooFewToTell
        })
    }

    /// The position of `count` of `total` against a comparison share in
    /// (0, 1), with the share test it rests on; `None` when the total is 0
    /// or the comparison share is 0 or 1 (no ratio, or no interval).
    pub(crate) fn judge(
        count: u64,
        total: u64,
        comparison: f64,
    ) -> Result<Option<(Self, ShareTest)>> {
        if !(comparison > 0.0 && comparison < 1.0) {
            return Ok(None);
        }
        let Some(test) =
            share_against_benchmark(count, total, comparison, REPRESENTATION_CONFIDENCE)?
        else {
            return Ok(None);
        };
        let gap = 100.0 * (test.share - comparison);
        Ok(Self::from_interval(gap, test.representation_ratio_ci).map(|p| (p, test)))
    }

    /// −1 under, 0 equal, +1 over, 2 too few to tell: the conclusion a
    /// reader draws.
    pub(crate) fn side(self) -> i8 {
        match self {
            Self::Equal => 0,
            Self::Over(_) => 1,
            Self::Under(_) => -1,
            Self::TooFewToTell => 2,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Equal => f.write_str("equal (95% interval of the ratio within 0.8 to 1.25)"),
            Self::Over(m) => write!(f, "over-represented by {m}"),
            Self::Under(m) => write!(f, "under-represented by {m}"),
            Self::TooFewToTell => f.write_str("too few to tell"),
        }
    }
}

/// What a position compares a share with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PositionBasis {
    /// The benchmark population's share (census): does the scope reflect
    /// the community? The default.
    #[default]
    Benchmark,
    /// The whole workforce's share (the force): does a rank band hold its
    /// fair part of the force's own people? HeForShe's Gender Equality in
    /// UK Policing reports compare each band with the force this way.
    Workforce,
}

impl fmt::Display for PositionBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Benchmark => "against the benchmark",
            Self::Workforce => "against the whole workforce",
        })
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
    /// The group's share of the benchmark population, as the benchmark
    /// gives it; `None` when the benchmark does not list the group. The
    /// shares are never rescaled: when a headcount group is missing from
    /// the benchmark, the others keep the benchmark's shares (which sum to
    /// 1 without it) and the section's notes name the missing group.
    pub benchmark_share: Option<f64>,
    /// share / benchmark share: 1 is parity.
    pub ratio: Option<f64>,
    /// The 95% interval of the ratio: the exact Clopper-Pearson interval of
    /// the share over the benchmark share. `None` with no benchmark share
    /// in (0, 1).
    pub ratio_ci: Option<[f64; 2]>,
    /// The exact binomial test's two-sided p of the share against the
    /// benchmark share (R's `binom.test`).
    pub p_value: Option<f64>,
    /// 100 · (share − benchmark share), in percentage points.
    pub gap_points: Option<f64>,
    /// The position against the benchmark ([`PositionBasis::Benchmark`]),
    /// judged by the ratio and its interval (see [`Position`]).
    pub position: Option<Position>,
    /// 100 · (share in this scope − share in the whole workforce): how a
    /// band or rank differs from the workforce it is part of. `None` for
    /// the whole workforce itself.
    pub difference_from_workforce_points: Option<f64>,
    /// share in this scope / share in the whole workforce, with its 95%
    /// interval (the band's Clopper-Pearson interval over the workforce
    /// share). `None` for the whole workforce itself.
    pub workforce_ratio: Option<f64>,
    /// The 95% interval of `workforce_ratio`.
    pub workforce_ratio_ci: Option<[f64; 2]>,
    /// The position against the whole workforce
    /// ([`PositionBasis::Workforce`]), judged as [`Position`] says.
    pub position_in_workforce: Option<Position>,
    /// What the share and ratio would be if no undeclared person, or every
    /// one, belonged to the group.
    pub if_undeclared: Option<RepresentationBounds>,
}

impl RepresentationRow {
    /// The position on either basis: against the benchmark, or (for a band
    /// or rank) against the whole workforce.
    pub fn position_against(&self, basis: PositionBasis) -> Option<Position> {
        match basis {
            PositionBasis::Benchmark => self.position,
            PositionBasis::Workforce => self.position_in_workforce,
        }
    }
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
    /// Caveats: which figures are too few to tell, and why.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub notes: Vec<String>,
    /// The ranks the scope covers, lowest first: every rank for the whole
    /// workforce, the band's ranks, or the rank itself. Its headcounts are
    /// the sums of these ranks' (what a published report's suppression
    /// must account for).
    #[cfg_attr(feature = "serde", serde(default))]
    pub ranks: Vec<Rank>,
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
/// A declared headcount group that the benchmark does not list gets n/a
/// against the benchmark, and a note in each section where it has
/// headcount (and always in the whole-workforce section) names it. The
/// other groups' benchmark shares are not rescaled to make up for it: they
/// stay as the benchmark gives them, while their workforce shares count the
/// missing group in the declared headcount, and the note says so.
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
            let mut notes = Vec::new();
            let mut rows = Vec::with_capacity(groups.len());
            for group in &groups {
                let h = count(group);
                let share = ratio(h, declared);
                let benchmark_share = benchmark.share(group);
                if benchmark_share.is_none() && (h > 0 || matches!(scope, Scope::Workforce)) {
                    // The benchmark's shares are used as given, never
                    // rescaled; say what that means for the other groups.
                    notes.push(format!(
                        "{group}: not in benchmark {:?}, so it has no benchmark share, ratio, gap or position (n/a); the other groups' benchmark shares are the benchmark's as given, not rescaled, while their shares here are of a declared headcount of {declared} that includes {group}'s {h}: to compare like with like, add {group} to the benchmark",
                        benchmark.name()
                    ));
                }
                let gap_points = share.zip(benchmark_share).map(|(s, b)| 100.0 * (s - b));
                let ratio = share
                    .zip(benchmark_share)
                    .and_then(|(s, b)| (b > 0.0).then(|| s / b));
                let judged = match benchmark_share {
                    Some(b) => Position::judge(h, declared, b)?,
                    None => None,
                };
                let workforce_share = workforce.and_then(|w| w.row(group)).and_then(|w| w.share);
                let difference_from_workforce_points =
                    workforce_share.zip(share).map(|(w, s)| 100.0 * (s - w));
                let in_workforce = match workforce_share {
                    Some(w) => Position::judge(h, declared, w)?,
                    None => None,
                };
                let position = judged.as_ref().map(|(p, _)| *p);
                let position_in_workforce = in_workforce.as_ref().map(|(p, _)| *p);
                for (p, test, against) in [
                    (position, judged.as_ref(), "the benchmark"),
                    (
                        position_in_workforce,
                        in_workforce.as_ref(),
                        "the whole workforce",
                    ),
                ] {
                    if let (Some(Position::TooFewToTell), Some((_, t))) = (p, test) {
                        let [low, high] =
                            [t.representation_ratio_ci.0, t.representation_ratio_ci.1];
                        notes.push(format!(
                            "{group}: too few to tell against {against}: the 95% interval of the ratio, {low:.2} to {high:.2}, holds 1 but runs outside 0.8 to 1.25"
                        ));
                    }
                }
                rows.push(RepresentationRow {
                    group: group.clone(),
                    headcount: h,
                    share,
                    benchmark_share,
                    ratio,
                    ratio_ci: judged
                        .as_ref()
                        .map(|(_, t)| [t.representation_ratio_ci.0, t.representation_ratio_ci.1]),
                    p_value: judged.as_ref().map(|(_, t)| t.two_sided),
                    gap_points,
                    position,
                    difference_from_workforce_points,
                    workforce_ratio: workforce_share
                        .zip(share)
                        .and_then(|(w, s)| (w > 0.0).then(|| s / w)),
                    workforce_ratio_ci: in_workforce
                        .as_ref()
                        .map(|(_, t)| [t.representation_ratio_ci.0, t.representation_ratio_ci.1]),
                    position_in_workforce,
                    if_undeclared: RepresentationBounds::new(
                        h,
                        declared,
                        undeclared,
                        benchmark_share,
                    )?,
                });
            }
            sections.push(RepresentationSection {
                scope,
                headcount: declared + undeclared,
                declared,
                undeclared,
                rows,
                notes,
                ranks: ranks
                    .iter()
                    .map(|&r| structure.ranks()[r].clone())
                    .collect(),
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
            let band = !matches!(section.scope, Scope::Workforce);
            let mut header = vec![
                "group",
                "headcount",
                "share",
                "benchmark",
                "ratio",
                "ratio 95% CI",
                "gap (points)",
                "position against benchmark",
                "vs workforce (points)",
            ];
            if band {
                header.push("position against workforce");
            }
            header.push("ratio if undeclared none/all");
            let mut table = TextTable::new(header);
            let position =
                |p: Option<Position>| p.map_or_else(|| "n/a".to_owned(), |p| p.to_string());
            for row in &section.rows {
                let mut cells = vec![
                    row.group.label(),
                    row.headcount.to_string(),
                    percent(row.share),
                    percent(row.benchmark_share),
                    decimal(row.ratio, 2),
                    row.ratio_ci.map_or_else(
                        || "n/a".to_owned(),
                        |[l, h]| format!("{}–{}", decimal(Some(l), 2), decimal(Some(h), 2)),
                    ),
                    signed(row.gap_points),
                    position(row.position),
                    signed(row.difference_from_workforce_points),
                ];
                if band {
                    cells.push(position(row.position_in_workforce));
                }
                cells.push(row.if_undeclared.as_ref().map_or_else(
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
                ));
                table.row(cells);
            }
            write!(f, "{table}")?;
            for note in &section.notes {
                writeln!(f, "note: {note}")?;
            }
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
        let p = |gap, ci| Position::from_interval(gap, ci).unwrap();
        let under = (0.5, 0.9);
        assert_eq!(p(-0.4, under), Position::Under(Margin::AtMost1));
        assert_eq!(p(-1.0, under), Position::Under(Margin::AtMost1));
        // 51/100 − 0.5 in floating point is a hair over 1 point.
        assert_eq!(
            p(100.0 * (0.5 - 51.0 / 100.0), under),
            Position::Under(Margin::AtMost1)
        );
        let over = (1.1, 1.5);
        assert_eq!(p(1.01, over), Position::Over(Margin::MoreThan1));
        assert_eq!(p(5.0, over), Position::Over(Margin::MoreThan1));
        assert_eq!(p(-5.5, under), Position::Under(Margin::MoreThan5));
        assert_eq!(p(10.0, over), Position::Over(Margin::MoreThan5));
        assert_eq!(p(-12.0, under), Position::Under(Margin::MoreThan10));
        assert_eq!(p(15.0, over), Position::Over(Margin::MoreThan10));
        assert_eq!(p(15.2, over), Position::Over(Margin::MoreThan15));
        // Interval edges: on 0.8 or 1.25 is still equal; beyond is not.
        assert_eq!(p(3.0, (0.8, 1.25)), Position::Equal);
        assert_eq!(p(0.1, (0.79, 1.1)), Position::TooFewToTell);
        assert_eq!(p(0.1, (0.9, 1.26)), Position::TooFewToTell);
        // An interval that touches 1 holds it.
        assert_eq!(p(-2.0, (0.7, 1.0)), Position::TooFewToTell);
        assert_eq!(Position::from_interval(f64::NAN, (0.9, 1.1)), None);
        assert_eq!(Position::from_interval(0.0, (f64::NAN, 1.1)), None);
        assert_eq!(
            p(7.0, over).to_string(),
            "over-represented by more than 5 points"
        );
        assert_eq!(
            p(0.5, (0.9, 1.1)).to_string(),
            "equal (95% interval of the ratio within 0.8 to 1.25)"
        );
    }

    #[test]
    fn judge_refuses_no_comparison() {
        assert_eq!(Position::judge(5, 10, 0.0).unwrap(), None);
        assert_eq!(Position::judge(5, 10, 1.0).unwrap(), None);
        assert_eq!(Position::judge(0, 0, 0.5).unwrap(), None);
    }
}
