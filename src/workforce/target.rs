//! Target planning: the appointments a representation target needs, as a
//! function of recruitment volume.
//!
//! A target is an aspiration, not a quota. Appointments are made on merit;
//! positive action (s.158 and s.159 of the Equality Act 2010) may widen
//! the field and break ties between candidates as qualified as each other,
//! but reaching a share only through appointments from one group would be
//! direct discrimination (s.13) against everyone else, which the Act does
//! not allow. Every plan carries [`TARGET_CAVEAT`].

use std::fmt;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::records::breakdown::Group;
use crate::stats::rate as ratio;
use crate::text_table::{TextTable, decimal, percent};
use crate::workforce::representation::Representation;

/// What every target plan says: targets are aspirations, appointments are
/// made on merit, and reaching a share only through appointments from one
/// group would be unlawful.
pub const TARGET_CAVEAT: &str = "a target is an aspiration, not a quota: appointments are made on merit, and positive action (Equality Act 2010, s.158 and s.159) may widen the field and break ties between candidates as qualified as each other, but reaching a share only through appointments from one group would be direct discrimination (s.13) and unlawful; the appointments needed below show the scale of the task, not a number to appoint";

/// Float noise allowed when checking a target, in people: a target of
/// exactly 5.8% of 1,000 needs 58, not 59.
const PEOPLE_TOLERANCE: f64 = 1e-9;

/// The leavers expected between now and the target date.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ExpectedLeavers {
    /// A number of people.
    Count(u64),
    /// A fraction of today's headcount leaving by the target date.
    Rate(f64),
}

impl ExpectedLeavers {
    /// The fraction of today's headcount that leaves by `to` at an annual
    /// attrition rate: 1 − (1 − rate)^years, with years = days / 365.25.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use positive_action::workforce::ExpectedLeavers;
    ///
    /// let from = NaiveDate::from_ymd_opt(2025, 3, 31).ok_or("a valid date")?;
    /// let to = NaiveDate::from_ymd_opt(2026, 3, 31).ok_or("a valid date")?;
    /// let one_year = ExpectedLeavers::annual_rate(0.037, from, to)?;
    /// let ExpectedLeavers::Rate(r) = one_year else { unreachable!() };
    /// assert!((r - 0.037).abs() < 1e-4); // 365 days is a hair under a year
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidShare`] for a rate outside [0, 1], and
    /// [`Error::InvalidPeriod`] if `to` is before `from`.
    pub fn annual_rate(rate: f64, from: NaiveDate, to: NaiveDate) -> Result<Self> {
        check_unit("annual attrition rate", rate)?;
        if to < from {
            return Err(Error::InvalidPeriod {
                start: from,
                end: to,
            });
        }
        let years = (to - from).num_days() as f64 / 365.25;
        Ok(Self::Rate(1.0 - (1.0 - rate).powf(years)))
    }

    /// Expected leavers out of `headcount`.
    fn of(self, headcount: u64, whose: &str) -> Result<f64> {
        match self {
            Self::Count(n) if n > headcount => Err(Error::CountExceedsTotal {
                part: format!("expected leavers {whose}"),
                count: n,
                whole: format!("the current headcount {whose}"),
                total: headcount,
            }),
            Self::Count(n) => Ok(n as f64),
            Self::Rate(r) => {
                check_unit(&format!("expected leaving rate {whose}"), r)?;
                Ok(r * headcount as f64)
            }
        }
    }
}

fn check_unit(what: &str, value: f64) -> Result<()> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidShare {
            what: what.to_owned(),
            value,
        })
    }
}

/// What a recruitment volume means for a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TargetFinding {
    /// The target is met without appointing anyone from the group.
    AlreadyMet,
    /// The target is met if the group takes the appointments needed.
    Feasible,
    /// The target needs more appointments from the group than there are
    /// recruits: it cannot be met at this volume.
    Infeasible,
    /// Nobody would be in post: no share is defined.
    NoOneInPost,
}

impl fmt::Display for TargetFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AlreadyMet => "already met",
            Self::Feasible => "feasible",
            Self::Infeasible => "infeasible: needs more than all recruits",
            Self::NoOneInPost => "no one in post",
        })
    }
}

/// The appointments from the group needed at one recruitment volume.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TargetRequirement {
    /// All recruits appointed by the target date.
    pub recruits: u64,
    /// The least number of them who must come from the group.
    pub appointments_needed: u64,
    /// appointments needed / recruits.
    pub share_of_recruits: Option<f64>,
    /// Headcount on the target date: today's − leavers + recruits.
    pub projected_headcount: f64,
    /// The group's headcount on the target date with the appointments made.
    pub projected_group: f64,
    /// projected group / projected headcount.
    pub projected_share: Option<f64>,
    /// Whether the target can be met at this volume.
    pub finding: TargetFinding,
}

/// A representation target: how many appointments from a group reaching a
/// target share by a date needs, as a function of how many people are
/// recruited in all.
///
/// With today's headcount H, the group's G, expected leavers L of the
/// group and M of everyone else, and R recruits of whom A are from the
/// group, the group's share on the target date is
/// (G − L + A) / (H − L − M + R). The least A that reaches the target share
/// s is ⌈s·(H − L − M + R) − (G − L)⌉, and never below 0. It grows with R, and
/// A / R falls towards s as R grows: the more a force recruits, the closer
/// to the target share its intake needs to be. When A > R the target is
/// **infeasible** at that volume (it needs more than all recruits), which
/// is reported as [`TargetFinding::Infeasible`], never a panic;
/// [`TargetPlan::minimum_recruits`] gives the least volume at which it is
/// feasible.
///
/// Recruits are assumed to stay to the target date. Headcounts are of
/// declared people, as representation shares are.
///
/// ```
/// use chrono::NaiveDate;
/// use positive_action::Group;
/// use positive_action::workforce::{ExpectedLeavers, TargetFinding, TargetPlan};
///
/// let by = NaiveDate::from_ymd_opt(2030, 3, 31).unwrap();
/// let diverse = Group::parse([("ethnicity", "ethnically diverse")])?;
/// // 84 of 2,470 officers (3.4%) against 5.8% of the local population.
/// let plan = TargetPlan::new(diverse, 2_470, 84, 0.058, by)?
///     .leavers(ExpectedLeavers::Count(10), ExpectedLeavers::Count(590))?;
/// let at_600 = plan.requirement(600);
/// // 5.8% of 2,470 is 143.26: 144 − (84 − 10) = 70 of 600 recruits.
/// assert_eq!(at_600.appointments_needed, 70);
/// assert_eq!(at_600.finding, TargetFinding::Feasible);
/// // With only 30 recruits it needs 37 of them: more than all.
/// assert_eq!(plan.requirement(30).appointments_needed, 37);
/// assert_eq!(plan.requirement(30).finding, TargetFinding::Infeasible);
/// assert_eq!(plan.minimum_recruits(), Some(37));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TargetPlanSpec", into = "TargetPlanSpec")
)]
pub struct TargetPlan {
    /// The group.
    pub group: Group,
    /// The share to reach, in [0, 1].
    pub target_share: f64,
    /// The target date.
    pub by: NaiveDate,
    /// Today's headcount.
    pub headcount: u64,
    /// Today's headcount of the group.
    pub group_headcount: u64,
    /// Leavers expected from the group by the target date.
    pub group_leavers: f64,
    /// Leavers expected from everyone else by the target date.
    pub other_leavers: f64,
}

/// The serde form of a target plan, validated on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetPlanSpec {
    group: Group,
    target_share: f64,
    by: NaiveDate,
    headcount: u64,
    group_headcount: u64,
    #[serde(default)]
    group_leavers: f64,
    #[serde(default)]
    other_leavers: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<TargetPlanSpec> for TargetPlan {
    type Error = Error;
    fn try_from(s: TargetPlanSpec) -> Result<Self> {
        let plan = Self::new(
            s.group,
            s.headcount,
            s.group_headcount,
            s.target_share,
            s.by,
        )?;
        let rest = plan.headcount - plan.group_headcount;
        for (name, value, most) in [
            ("group_leavers", s.group_leavers, plan.group_headcount),
            ("other_leavers", s.other_leavers, rest),
        ] {
            if !(value >= 0.0 && value <= most as f64) {
                return Err(Error::InvalidOption {
                    name,
                    value: value.to_string(),
                    expected: "a number of leavers between 0 and the headcount they leave from",
                });
            }
        }
        Ok(Self {
            group_leavers: s.group_leavers,
            other_leavers: s.other_leavers,
            ..plan
        })
    }
}

#[cfg(feature = "serde")]
impl From<TargetPlan> for TargetPlanSpec {
    fn from(p: TargetPlan) -> Self {
        Self {
            group: p.group,
            target_share: p.target_share,
            by: p.by,
            headcount: p.headcount,
            group_headcount: p.group_headcount,
            group_leavers: p.group_leavers,
            other_leavers: p.other_leavers,
        }
    }
}

impl TargetPlan {
    /// A plan for `group`, `group_headcount` of today's `headcount`, to
    /// reach `target_share` by `by`, with nobody expected to leave (see
    /// [`TargetPlan::leavers`]).
    ///
    /// # Errors
    /// [`Error::CountExceedsTotal`] if the group is larger than the
    /// headcount, and [`Error::InvalidShare`] for a target outside [0, 1].
    pub fn new(
        group: Group,
        headcount: u64,
        group_headcount: u64,
        target_share: f64,
        by: NaiveDate,
    ) -> Result<Self> {
        if group_headcount > headcount {
            return Err(Error::CountExceedsTotal {
                part: format!("headcount of group {group}"),
                count: group_headcount,
                whole: "the headcount".to_owned(),
                total: headcount,
            });
        }
        check_unit(&format!("target share of group {group}"), target_share)?;
        Ok(Self {
            group,
            target_share,
            by,
            headcount,
            group_headcount,
            group_leavers: 0.0,
            other_leavers: 0.0,
        })
    }

    /// A plan to reach parity with the benchmark in the whole workforce:
    /// the group's declared headcount and benchmark share from a
    /// representation.
    ///
    /// # Errors
    /// [`Error::InvalidGroup`] if the representation has no benchmark share
    /// for the group.
    pub fn parity(representation: &Representation, group: &Group, by: NaiveDate) -> Result<Self> {
        let row = representation
            .workforce()
            .and_then(|w| w.row(group).map(|row| (w.declared, row)));
        let (declared, row) = row.ok_or_else(|| Error::InvalidGroup {
            group: group.to_string(),
            reason: "is not in the representation: expected a declared group of the headcount or benchmark",
        })?;
        let share = row.benchmark_share.ok_or_else(|| Error::InvalidGroup {
            group: group.to_string(),
            reason: "has no benchmark share: parity needs one",
        })?;
        Self::new(group.clone(), declared, row.headcount, share, by)
    }

    /// The same plan with leavers expected from the group and from everyone
    /// else by the target date.
    ///
    /// # Errors
    /// [`Error::CountExceedsTotal`] for more leavers than people, and
    /// [`Error::InvalidShare`] for a rate outside [0, 1].
    pub fn leavers(mut self, group: ExpectedLeavers, others: ExpectedLeavers) -> Result<Self> {
        self.group_leavers = group.of(self.group_headcount, &format!("of group {}", self.group))?;
        // group_headcount ≤ headcount, checked in `new`.
        let rest = self.headcount - self.group_headcount;
        self.other_leavers = others.of(rest, "of everyone else")?;
        Ok(self)
    }

    /// Today's share of the group.
    pub fn current_share(&self) -> Option<f64> {
        ratio(self.group_headcount, self.headcount)
    }

    /// The appointments from the group needed with `recruits` recruited in
    /// all.
    pub fn requirement(&self, recruits: u64) -> TargetRequirement {
        let remaining = self.headcount as f64 - self.group_leavers - self.other_leavers;
        let group_remaining = self.group_headcount as f64 - self.group_leavers;
        let projected_headcount = remaining + recruits as f64;
        let shortfall = self.target_share * projected_headcount - group_remaining;
        // `as` saturates: an absurd requirement is infeasible, not a panic.
        let appointments_needed = (shortfall - PEOPLE_TOLERANCE).ceil().max(0.0) as u64;
        let projected_group = group_remaining + appointments_needed.min(recruits) as f64;
        let finding = if projected_headcount <= PEOPLE_TOLERANCE {
            TargetFinding::NoOneInPost
        } else if appointments_needed == 0 {
            TargetFinding::AlreadyMet
        } else if appointments_needed <= recruits {
            TargetFinding::Feasible
        } else {
            TargetFinding::Infeasible
        };
        TargetRequirement {
            recruits,
            appointments_needed,
            share_of_recruits: ratio(appointments_needed, recruits),
            projected_headcount,
            projected_group,
            projected_share: (projected_headcount > PEOPLE_TOLERANCE)
                .then(|| projected_group / projected_headcount),
            finding,
        }
    }

    /// The least recruitment volume at which the target is feasible (or
    /// already met); `None` when no volume is enough, which happens only
    /// with a target share of 1 while others remain in post.
    pub fn minimum_recruits(&self) -> Option<u64> {
        let ok = |r: u64| {
            matches!(
                self.requirement(r).finding,
                TargetFinding::AlreadyMet | TargetFinding::Feasible
            )
        };
        let remaining = self.headcount as f64 - self.group_leavers - self.other_leavers;
        let group_remaining = self.group_headcount as f64 - self.group_leavers;
        let excess = self.target_share * remaining - group_remaining - PEOPLE_TOLERANCE;
        // A ≤ R exactly when s·(B + R) − G' ≤ R, that is R·(1 − s) ≥ s·B − G'.
        let estimate = if excess <= 0.0 {
            0
        } else if self.target_share >= 1.0 {
            return None;
        } else {
            (excess / (1.0 - self.target_share)).ceil() as u64
        };
        let mut r = estimate;
        // Float rounding can put the estimate one off either way.
        while r > 0 && ok(r - 1) {
            r -= 1;
        }
        for _ in 0..4 {
            if ok(r) {
                return Some(r);
            }
            r = r.saturating_add(1);
        }
        None
    }

    /// The requirement at each volume, with the plan's figures: the table
    /// to show how the appointments needed depend on recruitment volume.
    pub fn table(&self, volumes: impl IntoIterator<Item = u64>) -> TargetTable {
        TargetTable {
            plan: self.clone(),
            current_share: self.current_share(),
            minimum_recruits: self.minimum_recruits(),
            rows: volumes.into_iter().map(|r| self.requirement(r)).collect(),
            caveat: TARGET_CAVEAT.to_owned(),
        }
    }
}

/// A target plan's requirement over several recruitment volumes.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TargetTable {
    /// The plan.
    pub plan: TargetPlan,
    /// Today's share of the group.
    pub current_share: Option<f64>,
    /// The least volume at which the target is feasible.
    pub minimum_recruits: Option<u64>,
    /// One row per volume asked for.
    pub rows: Vec<TargetRequirement>,
    /// [`TARGET_CAVEAT`].
    pub caveat: String,
}

impl fmt::Display for TargetTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.plan;
        writeln!(
            f,
            "Target: {} at {} by {} (now {} of {}, {}; expected leavers {:.1} of the group, {:.1} of others)",
            p.group.label(),
            percent(Some(p.target_share)),
            p.by,
            p.group_headcount,
            p.headcount,
            percent(self.current_share),
            p.group_leavers,
            p.other_leavers
        )?;
        match self.minimum_recruits {
            Some(r) => writeln!(f, "Feasible from {r} recruits in all")?,
            None => writeln!(f, "Infeasible at any recruitment volume")?,
        }
        let mut table = TextTable::new([
            "recruits",
            "from the group",
            "share of recruits",
            "projected headcount",
            "projected share",
            "finding",
        ]);
        let mut only_from_group = Vec::new();
        for r in &self.rows {
            if r.recruits > 0 && r.appointments_needed >= r.recruits {
                only_from_group.push(r.recruits.to_string());
            }
            table.row(vec![
                r.recruits.to_string(),
                r.appointments_needed.to_string(),
                percent(r.share_of_recruits),
                decimal(Some(r.projected_headcount), 0),
                percent(r.projected_share),
                r.finding.to_string(),
            ]);
        }
        write!(f, "{table}")?;
        if !only_from_group.is_empty() {
            writeln!(
                f,
                "note: at {} recruits the target needs every appointment (or more) from the group: it could be reached only by appointing from one group, which would be unlawful; it is out of reach at that volume",
                only_from_group.join(", ")
            )?;
        }
        writeln!(f, "note: {}", self.caveat)
    }
}
