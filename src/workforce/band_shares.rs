//! One group's share of the force and of each rank band in two years, as
//! HeForShe's *Gender Equality in UK Policing* reports give women's.

use std::fmt;

use chrono::NaiveDate;

use crate::counts::headcount::Headcount;
use crate::error::{Error, Result};
use crate::records::benchmark::Benchmark;
use crate::records::breakdown::Group;
use crate::text_table::{TextTable, percent};
use crate::workforce::representation::{
    Position, PositionBasis, Representation, RepresentationSection, Scope,
};

/// One scope (the whole workforce or a rank band) of [`BandShares`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BandSharesRow {
    /// The whole workforce or a band.
    pub scope: Scope,
    /// The group's headcount in the scope, earlier year.
    pub previous_headcount: u64,
    /// The scope's declared headcount, earlier year.
    pub previous_declared: u64,
    /// The group's headcount in the scope, later year.
    pub current_headcount: u64,
    /// The scope's declared headcount, later year.
    pub current_declared: u64,
    /// previous headcount / previous declared.
    pub previous_share: Option<f64>,
    /// current headcount / current declared.
    pub current_share: Option<f64>,
    /// 100 · (current share − previous share), in percentage points.
    pub change_points: Option<f64>,
    /// The later year's position on the report's [`BandShares::basis`].
    pub position: Option<Position>,
    /// The later year's position against the whole workforce (the force)
    /// of that year ([`PositionBasis::Workforce`]); `None` for the whole
    /// workforce itself.
    pub position_against_workforce: Option<Position>,
    /// The later year's position against the benchmark
    /// ([`PositionBasis::Benchmark`]).
    pub position_against_benchmark: Option<Position>,
}

/// One group's share of the whole workforce and of each rank band, in an
/// earlier and a later year, with each scope's position in the later year
/// on both bases, named, and a headline position on the report's basis.
///
/// HeForShe's *Gender Equality in UK Policing* annual reports (UN Women's
/// HeForShe, with every UK police force) follow women's share of middle
/// management (Sergeant and Inspector) and senior leadership (Chief
/// Inspector and above) from year to year, and compare a band with the
/// force's own share of women: [`BandShares::he_for_she`] makes that the
/// headline ([`PositionBasis::Workforce`]). [`BandShares::new`] takes the
/// basis as an argument; [`PositionBasis::Benchmark`] puts the census
/// first instead. Both positions are in every row either way, each by name.
///
/// The fifth report (2023) gave women 35% of officers, 27% of middle
/// management and 30% of senior leadership; the sixth (launched 27
/// November 2024) gave middle management 27% → 28%. The example data set
/// `tests/fixtures/workforce/he_for_she.csv` is headcounts constructed to
/// give exactly those rounded figures (the reports publish percentages, not
/// these counts).
///
/// ```
/// use positive_action::{Breakdown, Group};
/// use positive_action::records::Rank;
/// use positive_action::workforce::{
///     BandShares, Benchmark, Headcount, HeadcountRecord, Margin, Position, PositionBasis,
///     RankBand, RankStructure, Scope,
/// };
///
/// let by_sex = Breakdown::parse(["sex"])?;
/// let g = |s| Group::parse([("sex", s)]);
/// let year = |women: [u64; 3], men: [u64; 3]| -> positive_action::Result<Headcount> {
///     let ranks = [Rank::CONSTABLE, Rank::SERGEANT, Rank::CHIEF_INSPECTOR];
///     let mut records = Vec::new();
///     for (i, rank) in ranks.into_iter().enumerate() {
///         records.push(HeadcountRecord { rank: rank.clone(), group: g("female")?, headcount: women[i] });
///         records.push(HeadcountRecord { rank, group: g("male")?, headcount: men[i] });
///     }
///     Headcount::from_records(&RankStructure::police(), &by_sex, records)
/// };
/// let census = Benchmark::from_shares("census 2021", &by_sex, [(g("female")?, 0.51), (g("male")?, 0.49)])?;
/// let report = BandShares::he_for_she(
///     &year([3_100, 540, 60], [5_000, 1_460, 140])?,
///     &year([3_150, 560, 61], [4_950, 1_440, 139])?,
///     &census,
///     &g("female")?,
/// )?;
/// assert_eq!(report.basis, PositionBasis::Workforce);
/// let middle = report.row(&Scope::Band(RankBand::MIDDLE_MANAGEMENT.into())).ok_or("no band")?;
/// assert_eq!(middle.previous_share, Some(0.27));
/// assert_eq!(middle.current_share, Some(0.28));
/// // 28% of middle management against the force's 36.6%, and the census's 51%.
/// assert_eq!(middle.position, Some(Position::Under(Margin::MoreThan5)));
/// assert_eq!(middle.position_against_benchmark, Some(Position::Under(Margin::MoreThan15)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BandShares {
    /// The group followed.
    pub group: Group,
    /// The basis of each row's headline [`BandSharesRow::position`].
    pub basis: PositionBasis,
    /// The benchmark's name.
    pub benchmark: String,
    /// The date of the earlier headcount, if known.
    pub previous_as_at: Option<NaiveDate>,
    /// The date of the later headcount, if known.
    pub current_as_at: Option<NaiveDate>,
    /// The whole workforce, then each band.
    pub rows: Vec<BandSharesRow>,
}

impl BandShares {
    /// The HeForShe report: positions judged against the force
    /// ([`PositionBasis::Workforce`]) by default.
    ///
    /// # Errors
    /// As [`BandShares::new`].
    pub fn he_for_she(
        previous: &Headcount,
        current: &Headcount,
        benchmark: &Benchmark,
        group: &Group,
    ) -> Result<Self> {
        Self::new(
            previous,
            current,
            benchmark,
            group,
            PositionBasis::Workforce,
        )
    }

    /// `group`'s shares in `previous` and `current`, with the later year's
    /// positions, headlined on `basis`.
    ///
    /// # Errors
    /// [`Error::BreakdownMismatch`] if the headcounts or the benchmark have
    /// different breakdowns; [`Error::InvalidOption`] if the two headcounts
    /// have different rank structures, or if `group` is not a declared
    /// group of the breakdown (prefer-not-to-say and not-recorded have no
    /// share).
    pub fn new(
        previous: &Headcount,
        current: &Headcount,
        benchmark: &Benchmark,
        group: &Group,
        basis: PositionBasis,
    ) -> Result<Self> {
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
        let characteristics = current.breakdown().characteristics();
        if group.is_unknown() || !group.entries().map(|(c, _)| c).eq(characteristics.iter()) {
            return Err(Error::InvalidOption {
                name: "group",
                value: group.to_string(),
                expected: "a declared group of the headcount's breakdown",
            });
        }
        let before = Representation::new(previous, benchmark)?;
        let after = Representation::new(current, benchmark)?;
        let rows = after
            .sections
            .iter()
            .filter(|s| !matches!(s.scope, Scope::Rank(_)))
            .map(|now| {
                let then = before.section(&now.scope);
                let count = |s: Option<&RepresentationSection>| {
                    s.and_then(|s| s.row(group)).map_or(0, |r| r.headcount)
                };
                let share = |s: Option<&RepresentationSection>| {
                    s.and_then(|s| s.row(group)).and_then(|r| r.share)
                };
                let (previous_share, current_share) = (share(then), share(Some(now)));
                let row = now.row(group);
                let against_workforce = row.and_then(|r| r.position_in_workforce);
                let against_benchmark = row.and_then(|r| r.position);
                BandSharesRow {
                    scope: now.scope.clone(),
                    previous_headcount: count(then),
                    previous_declared: then.map_or(0, |s| s.declared),
                    current_headcount: count(Some(now)),
                    current_declared: now.declared,
                    previous_share,
                    current_share,
                    change_points: previous_share
                        .zip(current_share)
                        .map(|(a, b)| 100.0 * (b - a)),
                    position: match basis {
                        PositionBasis::Workforce => against_workforce,
                        PositionBasis::Benchmark => against_benchmark,
                    },
                    position_against_workforce: against_workforce,
                    position_against_benchmark: against_benchmark,
                }
            })
            .collect();
        Ok(Self {
            group: group.clone(),
            basis,
            benchmark: benchmark.name().to_owned(),
            previous_as_at: previous.as_at(),
            current_as_at: current.as_at(),
            rows,
        })
    }

    /// The row of a scope.
    pub fn row(&self, scope: &Scope) -> Option<&BandSharesRow> {
        self.rows.iter().find(|r| &r.scope == scope)
    }
}

/// A share as a whole percentage, as HeForShe's reports round them.
fn whole_percent(share: Option<f64>) -> String {
    share.map_or_else(|| "n/a".to_owned(), |s| format!("{:.0}%", 100.0 * s))
}

impl fmt::Display for BandShares {
    /// A line per scope: the shares in whole percentages as published
    /// ("27% → 28%"), the exact shares, and the positions on both bases,
    /// the report's own first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = |d: Option<NaiveDate>, fallback: &str| {
            d.map_or_else(|| fallback.to_owned(), |d| d.to_string())
        };
        writeln!(
            f,
            "Share of {} by rank band, {} to {}; position {} (the report's basis), and {} ({})",
            self.group,
            date(self.previous_as_at, "previous"),
            date(self.current_as_at, "current"),
            self.basis,
            other(self.basis),
            self.benchmark
        )?;
        let position = |p: Option<Position>| p.map_or_else(|| "n/a".to_owned(), |p| p.to_string());
        let mut table = TextTable::new([
            "scope".to_owned(),
            "share (rounded)".to_owned(),
            "previous share".to_owned(),
            "current share".to_owned(),
            "change (points)".to_owned(),
            format!("position {}", self.basis),
            format!("position {}", other(self.basis)),
        ]);
        for row in &self.rows {
            let (headline, second) = match self.basis {
                PositionBasis::Workforce => (
                    row.position_against_workforce,
                    row.position_against_benchmark,
                ),
                PositionBasis::Benchmark => (
                    row.position_against_benchmark,
                    row.position_against_workforce,
                ),
            };
            table.row(vec![
                row.scope.to_string(),
                format!(
                    "{} → {}",
                    whole_percent(row.previous_share),
                    whole_percent(row.current_share)
                ),
                percent(row.previous_share),
                percent(row.current_share),
                row.change_points
                    .map_or_else(|| "n/a".to_owned(), |p| format!("{p:+.1}")),
                position(headline),
                position(second),
            ]);
        }
        write!(f, "{table}")
    }
}

/// The basis a report does not headline.
fn other(basis: PositionBasis) -> PositionBasis {
    match basis {
        PositionBasis::Workforce => PositionBasis::Benchmark,
        PositionBasis::Benchmark => PositionBasis::Workforce,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::breakdown::Breakdown;
    use crate::records::pipeline::Rank;
    use crate::records::rank_structure::RankStructure;
    use crate::workforce::HeadcountRecord;

    fn year(women: u64, men: u64) -> Headcount {
        let by = Breakdown::parse(["sex"]).unwrap();
        let g = |s| Group::parse([("sex", s)]).unwrap();
        Headcount::from_records(
            &RankStructure::police(),
            &by,
            [
                HeadcountRecord {
                    rank: Rank::SERGEANT,
                    group: g("female"),
                    headcount: women,
                },
                HeadcountRecord {
                    rank: Rank::SERGEANT,
                    group: g("male"),
                    headcount: men,
                },
            ],
        )
        .unwrap()
    }

    #[test]
    fn bad_groups_and_mismatches_are_errors() {
        let by = Breakdown::parse(["sex"]).unwrap();
        let census = Benchmark::from_shares(
            "c",
            &by,
            [
                (Group::parse([("sex", "female")]).unwrap(), 0.5),
                (Group::parse([("sex", "male")]).unwrap(), 0.5),
            ],
        )
        .unwrap();
        let unknown = Group::parse([("sex", "prefer not to say")]).unwrap();
        let e = BandShares::he_for_she(&year(1, 2), &year(2, 2), &census, &unknown)
            .unwrap_err()
            .to_string();
        assert!(e.contains("group") && e.contains("declared group"), "{e}");
        let other = Group::parse([("ethnicity", "White")]).unwrap();
        assert!(BandShares::he_for_she(&year(1, 2), &year(2, 2), &census, &other).is_err());
        let by_ethnicity = Breakdown::parse(["ethnicity"]).unwrap();
        let ethnic = Headcount::from_records(
            &RankStructure::police(),
            &by_ethnicity,
            [HeadcountRecord {
                rank: Rank::SERGEANT,
                group: other.clone(),
                headcount: 3,
            }],
        )
        .unwrap();
        let women = Group::parse([("sex", "female")]).unwrap();
        let e = BandShares::he_for_she(&year(1, 2), &ethnic, &census, &women).unwrap_err();
        assert!(matches!(e, Error::BreakdownMismatch { .. }), "{e}");
    }
}
