//! Declaration completeness, and what undeclared data could change.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::NaiveDate;

use crate::counts::funnel_counts::StageCounts;
use crate::error::{Error, Result};
use crate::records::breakdown::Group;
use crate::records::characteristic::{Category, Characteristic};
use crate::records::workforce::{Unit, Workforce};
use crate::stats::rate as ratio;
use crate::text_table::{TextTable, decimal, percent};
use crate::workforce::representation::{Position, Representation, Scope};

/// Declaration counts of one characteristic in one unit, as an HR system
/// or a published table gives them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct DeclarationRecord {
    /// The unit.
    pub unit: Unit,
    /// The characteristic.
    pub characteristic: Characteristic,
    /// People with a declared category.
    pub declared: u64,
    /// People who chose not to say.
    pub prefer_not_to_say: u64,
    /// People with nothing recorded.
    pub not_recorded: u64,
}

/// Declaration completeness of one characteristic, in one unit or the whole
/// workforce.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DeclarationRow {
    /// The characteristic.
    pub characteristic: Characteristic,
    /// The unit; `None` for the whole workforce.
    pub unit: Option<Unit>,
    /// declared + prefer not to say + not recorded.
    pub total: u64,
    /// People with a declared category.
    pub declared: u64,
    /// People who chose not to say.
    pub prefer_not_to_say: u64,
    /// People with nothing recorded.
    pub not_recorded: u64,
    /// declared / total.
    pub declaration_rate: Option<f64>,
    /// prefer not to say / total.
    pub prefer_not_to_say_rate: Option<f64>,
    /// not recorded / total.
    pub not_recorded_rate: Option<f64>,
}

impl DeclarationRow {
    fn new(
        characteristic: Characteristic,
        unit: Option<Unit>,
        [declared, prefer_not_to_say, not_recorded]: [u64; 3],
        total: u64,
    ) -> Self {
        Self {
            characteristic,
            unit,
            total,
            declared,
            prefer_not_to_say,
            not_recorded,
            declaration_rate: ratio(declared, total),
            prefer_not_to_say_rate: ratio(prefer_not_to_say, total),
            not_recorded_rate: ratio(not_recorded, total),
        }
    }

    /// 1 − declaration rate: prefer-not-to-say and not-recorded together.
    pub fn undeclared_rate(&self) -> Option<f64> {
        ratio(
            self.prefer_not_to_say.saturating_add(self.not_recorded),
            self.total,
        )
    }
}

/// A representation figure that undeclared data could overturn.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UndeclaredFlag {
    /// The scope of the representation figure.
    pub scope: Scope,
    /// The group.
    pub group: Group,
    /// The group's representation ratio among the declared.
    pub ratio: Option<f64>,
    /// Its bounds if no undeclared person, or every one, were in the group.
    pub bounds: RepresentationBounds,
}

/// Declaration completeness per characteristic, for the whole workforce
/// and per unit: declared / total beside the prefer-not-to-say and
/// not-recorded rates, with flags where undeclared data could change a
/// conclusion.
///
/// ```
/// use positive_action::Characteristic;
/// use positive_action::workforce::{Declaration, DeclarationRecord, Unit};
///
/// let rec = |unit: &str, c: &str, declared, prefer_not_to_say, not_recorded| -> positive_action::Result<DeclarationRecord> {
///     Ok(DeclarationRecord { unit: Unit::new(unit)?, characteristic: Characteristic::new(c)?, declared, prefer_not_to_say, not_recorded })
/// };
/// let declaration = Declaration::from_records([
///     rec("north", "sexual orientation", 160, 240, 200)?,
///     rec("south", "sexual orientation", 120, 180, 100)?,
///     rec("north", "religion", 340, 130, 130)?,
///     rec("south", "religion", 240, 80, 80)?,
/// ])?;
/// let orientation = declaration.characteristic(&Characteristic::new("sexual orientation")?).unwrap();
/// assert_eq!(orientation.total, 1_000);
/// assert_eq!(orientation.undeclared_rate(), Some(0.72)); // over 70% not disclosed
/// let religion = declaration.characteristic(&Characteristic::new("religion")?).unwrap();
/// assert_eq!(religion.undeclared_rate(), Some(0.42)); // over 40%
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Declaration {
    /// The date the counts are as at, if known.
    pub as_at: Option<NaiveDate>,
    /// One row per characteristic for the whole workforce.
    pub characteristics: Vec<DeclarationRow>,
    /// One row per unit and characteristic.
    pub units: Vec<DeclarationRow>,
    /// Representation figures that undeclared data could overturn, added
    /// by [`Declaration::check`].
    pub flags: Vec<UndeclaredFlag>,
}

impl Declaration {
    /// Declaration completeness from counts per unit and characteristic.
    ///
    /// # Errors
    /// [`Error::DuplicateEntry`] for a unit and characteristic given twice,
    /// and [`Error::TotalOverflow`] when a total passes `u64::MAX`.
    pub fn from_records(records: impl IntoIterator<Item = DeclarationRecord>) -> Result<Self> {
        let mut units: BTreeMap<(Characteristic, Unit), ([u64; 3], u64)> = BTreeMap::new();
        let mut whole: BTreeMap<Characteristic, ([u64; 3], u64)> = BTreeMap::new();
        for r in records {
            let counts = [r.declared, r.prefer_not_to_say, r.not_recorded];
            let overflow = |what: String| Error::TotalOverflow { context: what };
            let total = r
                .declared
                .checked_add(r.prefer_not_to_say)
                .and_then(|t| t.checked_add(r.not_recorded))
                .ok_or_else(|| {
                    overflow(format!(
                        "the declaration counts of {} in unit {}",
                        r.characteristic, r.unit
                    ))
                })?;
            let sum = whole.entry(r.characteristic.clone()).or_default();
            let mut next = *sum;
            for (acc, c) in next.0.iter_mut().zip(counts) {
                *acc = acc.checked_add(c).ok_or_else(|| {
                    overflow(format!("the declaration counts of {}", r.characteristic))
                })?;
            }
            next.1 = next.1.checked_add(total).ok_or_else(|| {
                overflow(format!("the declaration counts of {}", r.characteristic))
            })?;
            if units
                .insert((r.characteristic.clone(), r.unit.clone()), (counts, total))
                .is_some()
            {
                return Err(Error::DuplicateEntry {
                    entry: format!("characteristic {} in unit {}", r.characteristic, r.unit),
                    context: "declaration records",
                });
            }
            *sum = next;
        }
        Ok(Self {
            as_at: None,
            characteristics: whole
                .into_iter()
                .map(|(c, (counts, total))| DeclarationRow::new(c, None, counts, total))
                .collect(),
            units: units
                .into_iter()
                .map(|((c, u), (counts, total))| DeclarationRow::new(c, Some(u), counts, total))
                .collect(),
            flags: Vec::new(),
        })
    }

    /// The same counts, marked as at a date.
    pub fn on(mut self, date: NaiveDate) -> Self {
        self.as_at = Some(date);
        self
    }

    /// Flags every figure of a representation whose conclusion (under-,
    /// equally or over-represented, see [`Position`]) would differ if no
    /// undeclared person, or every one, belonged to the group.
    pub fn check(mut self, representation: &Representation) -> Self {
        for section in &representation.sections {
            for row in &section.rows {
                if let Some(bounds) = row.if_undeclared.filter(|b| b.could_change_conclusion) {
                    self.flags.push(UndeclaredFlag {
                        scope: section.scope.clone(),
                        group: row.group.clone(),
                        ratio: row.ratio,
                        bounds,
                    });
                }
            }
        }
        self
    }

    /// The whole-workforce row of a characteristic.
    pub fn characteristic(&self, characteristic: &Characteristic) -> Option<&DeclarationRow> {
        self.characteristics
            .iter()
            .find(|r| &r.characteristic == characteristic)
    }

    /// The row of a characteristic in a unit.
    pub fn unit(&self, unit: &Unit, characteristic: &Characteristic) -> Option<&DeclarationRow> {
        self.units
            .iter()
            .find(|r| r.unit.as_ref() == Some(unit) && &r.characteristic == characteristic)
    }
}

impl fmt::Display for Declaration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_at {
            Some(d) => writeln!(f, "Declaration completeness on {d}")?,
            None => writeln!(f, "Declaration completeness")?,
        }
        let header = [
            "characteristic",
            "unit",
            "total",
            "declared",
            "prefer not to say",
            "not recorded",
            "declaration rate",
            "prefer not to say rate",
            "not recorded rate",
        ];
        let mut table = TextTable::new(header);
        let units = self
            .units
            .iter()
            .filter_map(|u| u.unit.as_ref())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        for whole in &self.characteristics {
            let per_unit = self
                .units
                .iter()
                .filter(|u| u.characteristic == whole.characteristic && units > 1);
            for row in std::iter::once(whole).chain(per_unit) {
                table.row(vec![
                    row.characteristic.to_string(),
                    row.unit
                        .as_ref()
                        .map_or_else(|| "all".to_owned(), Unit::to_string),
                    row.total.to_string(),
                    row.declared.to_string(),
                    row.prefer_not_to_say.to_string(),
                    row.not_recorded.to_string(),
                    percent(row.declaration_rate),
                    percent(row.prefer_not_to_say_rate),
                    percent(row.not_recorded_rate),
                ]);
            }
        }
        write!(f, "{table}")?;
        if !self.flags.is_empty() {
            writeln!(f)?;
            writeln!(f, "Undeclared data could change these conclusions")?;
            let mut table = TextTable::new([
                "scope",
                "group",
                "ratio (declared)",
                "ratio if none undeclared",
                "ratio if all undeclared",
                "undeclared",
            ]);
            for flag in &self.flags {
                table.row(vec![
                    flag.scope.to_string(),
                    flag.group.label(),
                    decimal(flag.ratio, 2),
                    decimal(flag.bounds.ratio_if_none, 2),
                    decimal(flag.bounds.ratio_if_all, 2),
                    flag.bounds.undeclared.to_string(),
                ]);
            }
            write!(f, "{table}")?;
        }
        Ok(())
    }
}

/// What a group's representation would be if no undeclared person, or
/// every one, belonged to it.
///
/// With h people of the group among D declared and U undeclared, the share
/// runs from h / (D + U) (none of the undeclared in the group) to
/// (h + U) / (D + U) (all of them). These are sharp bounds. The conclusion
/// (under, equal, over or too few to tell, as [`Position`] judges it from
/// the ratio's interval) could change when the two ends differ.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RepresentationBounds {
    /// People with prefer-not-to-say or not-recorded.
    pub undeclared: u64,
    /// h / (D + U).
    pub share_if_none: f64,
    /// (h + U) / (D + U).
    pub share_if_all: f64,
    /// share if none / benchmark share.
    pub ratio_if_none: Option<f64>,
    /// share if all / benchmark share.
    pub ratio_if_all: Option<f64>,
    /// The position at each end differs: undeclared data could change
    /// whether the group is under-, equally or over-represented.
    pub could_change_conclusion: bool,
}

impl RepresentationBounds {
    /// The bounds of a group of `headcount` among `declared` and
    /// `undeclared` people; `None` when there is nobody at all (or the
    /// counts pass `u64::MAX`).
    ///
    /// # Errors
    /// As [`share_against_benchmark`](crate::stats::share_against_benchmark):
    /// a total above 2⁵³.
    pub(crate) fn new(
        headcount: u64,
        declared: u64,
        undeclared: u64,
        benchmark_share: Option<f64>,
    ) -> Result<Option<Self>> {
        let Some(everyone) = declared.checked_add(undeclared) else {
            return Ok(None);
        };
        let Some(all) = headcount.checked_add(undeclared) else {
            return Ok(None);
        };
        let (Some(share_if_none), Some(share_if_all)) =
            (ratio(headcount, everyone), ratio(all, everyone))
        else {
            return Ok(None);
        };
        let per = |s: f64| benchmark_share.and_then(|b| (b > 0.0).then(|| s / b));
        // Each end judged as the declared figure is: by the ratio and its
        // interval (see Position).
        let position = |count: u64| -> Result<Option<Position>> {
            Ok(match benchmark_share {
                Some(b) => Position::judge(count, everyone, b)?.map(|(p, _)| p),
                None => None,
            })
        };
        let could_change_conclusion = match (position(headcount)?, position(all)?) {
            (Some(a), Some(b)) => a.side() != b.side(),
            _ => false,
        };
        Ok(Some(Self {
            undeclared,
            share_if_none,
            share_if_all,
            ratio_if_none: per(share_if_none),
            ratio_if_all: per(share_if_all),
            could_change_conclusion,
        }))
    }
}

/// An impact ratio, and what it would be if every undeclared candidate
/// belonged to the focal group or every one to the reference group: the
/// two scenarios that bias audits under New York City Local Law 144 report
/// beside the ratio of the declared.
///
/// Rates are passed / (passed + failed), as [`crate::RateBasis::Decided`].
/// The two scenarios are the ones auditors report, not the widest bounds
/// over every split of the undeclared. The conclusion is the four-fifths
/// flag (ratio < threshold, strictly); it could change when the ratio and
/// the two scenarios do not all agree on it.
///
/// ```
/// use positive_action::StageCounts;
/// use positive_action::workforce::ImpactRatioBounds;
///
/// let counts = |passed, failed| StageCounts { passed, failed, ..StageCounts::default() };
/// // Focal 30 of 100, reference 40 of 100, undeclared 30 of 50.
/// let bounds = ImpactRatioBounds::new(&counts(30, 70), &counts(40, 60), &counts(30, 20), 0.8)?;
/// assert_eq!(bounds.impact_ratio, Some(0.3 / 0.4)); // 0.75
/// assert_eq!(bounds.if_undeclared_reference, Some(0.3 / (70.0 / 150.0))); // 0.64
/// assert_eq!(bounds.if_undeclared_focal, Some((60.0 / 150.0) / 0.4)); // 1.0
/// assert!(bounds.could_change_conclusion); // 0.75 is adverse, 1.0 is not
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ImpactRatioBounds {
    /// The focal rate over the reference rate, declared candidates only.
    pub impact_ratio: Option<f64>,
    /// The ratio if every undeclared candidate were in the focal group.
    pub if_undeclared_focal: Option<f64>,
    /// The ratio if every undeclared candidate were in the reference group.
    pub if_undeclared_reference: Option<f64>,
    /// The four-fifths threshold the conclusion is drawn at.
    pub threshold: f64,
    /// The ratio and the two scenarios disagree on ratio < threshold.
    pub could_change_conclusion: bool,
}

impl ImpactRatioBounds {
    /// The bounds from the focal, reference and undeclared counts.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a threshold that is not a positive
    /// finite number, and [`Error::TotalOverflow`] when adding the
    /// undeclared to a group passes `u64::MAX`.
    pub fn new(
        focal: &StageCounts,
        reference: &StageCounts,
        undeclared: &StageCounts,
        threshold: f64,
    ) -> Result<Self> {
        if !(threshold.is_finite() && threshold > 0.0) {
            return Err(Error::InvalidOption {
                name: "threshold",
                value: threshold.to_string(),
                expected: "a positive number, such as 0.8",
            });
        }
        let overflow = |context: String| Error::TotalOverflow { context };
        let decided = |c: &StageCounts, who: &str| {
            c.passed
                .checked_add(c.failed)
                .ok_or_else(|| overflow(format!("the {who} group")))
        };
        let (fd0, rd0, ud) = (
            decided(focal, "focal")?,
            decided(reference, "reference")?,
            decided(undeclared, "undeclared")?,
        );
        let with_undeclared = |passed: u64, decided: u64, who: &str| -> Result<(u64, u64)> {
            let who = format!("the {who} group with the undeclared added");
            Ok((
                passed
                    .checked_add(undeclared.passed)
                    .ok_or_else(|| overflow(who.clone()))?,
                decided
                    .checked_add(ud)
                    .ok_or_else(|| overflow(who.clone()))?,
            ))
        };
        let ir =
            |f: Option<f64>, r: Option<f64>| f.zip(r).and_then(|(f, r)| (r > 0.0).then(|| f / r));
        let focal_rate = ratio(focal.passed, fd0);
        let reference_rate = ratio(reference.passed, rd0);
        let (fp, fd) = with_undeclared(focal.passed, fd0, "focal")?;
        let (rp, rd) = with_undeclared(reference.passed, rd0, "reference")?;
        let if_undeclared_focal = ir(ratio(fp, fd), reference_rate);
        let if_undeclared_reference = ir(focal_rate, ratio(rp, rd));
        let impact_ratio = ir(focal_rate, reference_rate);
        let flags: Vec<bool> = [impact_ratio, if_undeclared_focal, if_undeclared_reference]
            .iter()
            .flatten()
            .map(|&r| r < threshold)
            .collect();
        let could_change_conclusion = flags.windows(2).any(|w| w[0] != w[1]);
        Ok(Self {
            impact_ratio,
            if_undeclared_focal,
            if_undeclared_reference,
            threshold,
            could_change_conclusion,
        })
    }
}

impl fmt::Display for ImpactRatioBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "impact ratio {} (if every undeclared candidate were focal: {}; reference: {}){}",
            decimal(self.impact_ratio, 3),
            decimal(self.if_undeclared_focal, 3),
            decimal(self.if_undeclared_reference, 3),
            if self.could_change_conclusion {
                "; undeclared data could change the four-fifths conclusion"
            } else {
                ""
            }
        )
    }
}

impl Workforce {
    /// Declaration completeness on a day, per characteristic and unit, of
    /// the people in post.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use positive_action::*;
    /// use positive_action::workforce::Unit;
    /// use positive_action::workforce::{DeclarationRow, Person, Position, RankStructure, Representation, RepresentationBounds, Scope, UndeclaredFlag, Workforce};
    /// use positive_action::records::Rank;
    /// use positive_action::stats::rate;
    ///
    /// let day = NaiveDate::from_ymd_opt(2025, 3, 31).ok_or("a valid date")?;
    /// let person = |id: &str, religion| -> positive_action::Result<Person> {
    ///     Ok(Person::new(CandidateId::from_external(id), Profile::parse([("religion", religion)])?,
    ///                    Rank::CONSTABLE, Unit::new("North")?, day))
    /// };
    /// let workforce = Workforce::new(&RankStructure::police(), [
    ///     person("1", "none")?, person("2", "prefer not to say")?, person("3", "")?, person("4", "Sikh")?,
    /// ])?;
    /// let religion = Characteristic::new("religion")?;
    /// let declaration = workforce.declaration_on(day, [religion.clone()])?;
    /// let row = declaration.characteristic(&religion).ok_or("no row")?;
    /// assert_eq!(row.declaration_rate, Some(0.5));
    /// assert_eq!(row.prefer_not_to_say_rate, Some(0.25));
    /// assert_eq!(row.not_recorded_rate, Some(0.25));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::DuplicateEntry`] if a characteristic is given twice.
    pub fn declaration_on(
        &self,
        date: NaiveDate,
        characteristics: impl IntoIterator<Item = Characteristic>,
    ) -> Result<Declaration> {
        let characteristics: Vec<Characteristic> = characteristics.into_iter().collect();
        for (i, c) in characteristics.iter().enumerate() {
            if characteristics[..i].contains(c) {
                return Err(Error::DuplicateEntry {
                    entry: format!("characteristic {c}"),
                    context: "declaration",
                });
            }
        }
        let mut cells: HashMap<(Unit, usize), [u64; 3]> = HashMap::new();
        for p in self.in_post_on(date) {
            for (c, characteristic) in characteristics.iter().enumerate() {
                let k = match p.profile().category(characteristic) {
                    Category::Declared(_) => 0,
                    Category::PreferNotToSay => 1,
                    Category::NotRecorded => 2,
                };
                // People in memory are far fewer than u64::MAX.
                cells.entry((p.unit().clone(), c)).or_default()[k] += 1;
            }
        }
        let records =
            cells
                .into_iter()
                .map(|((unit, c), [declared, prefer_not_to_say, not_recorded])| {
                    DeclarationRecord {
                        unit,
                        characteristic: characteristics[c].clone(),
                        declared,
                        prefer_not_to_say,
                        not_recorded,
                    }
                });
        Ok(Declaration::from_records(records)?.on(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn representation_bounds_by_hand() {
        // 3 of 100 declared, 20 undeclared, benchmark 5%.
        let b = RepresentationBounds::new(3, 100, 20, Some(0.05))
            .unwrap()
            .unwrap();
        assert_eq!(b.share_if_none, 3.0 / 120.0);
        assert_eq!(b.share_if_all, 23.0 / 120.0);
        assert_eq!(b.ratio_if_none, Some((3.0 / 120.0) / 0.05));
        // 3 of 120 is too few to tell; 23 of 120 is over-represented.
        assert!(b.could_change_conclusion);
        // No undeclared: both ends are the declared share.
        let b = RepresentationBounds::new(3, 100, 0, Some(0.05))
            .unwrap()
            .unwrap();
        assert_eq!(b.share_if_none, b.share_if_all);
        assert!(!b.could_change_conclusion);
        assert!(
            RepresentationBounds::new(0, 0, 0, Some(0.05))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn impact_ratio_bounds_refuse_bad_threshold_and_overflow() {
        let c = |passed, failed| StageCounts {
            passed,
            failed,
            ..StageCounts::default()
        };
        let err = ImpactRatioBounds::new(&c(1, 1), &c(1, 1), &c(0, 0), 0.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "threshold is 0: expected a positive number, such as 0.8"
        );
        let err = ImpactRatioBounds::new(&c(u64::MAX, 0), &c(1, 1), &c(1, 0), 0.8).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "count overflow in the focal group with the undeclared added: the total exceeds {}",
                u64::MAX
            )
        );
    }
}
