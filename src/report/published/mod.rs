//! The workforce sections of a report, as published: representation,
//! disproportionality, attrition and declaration.
//!
//! Each has the same JSON as the analysis it comes from
//! ([`Representation`], [`Disproportionality`], [`Attrition`],
//! [`Declaration`]), with two differences that appear only in a report
//! published with small-cell suppression (`min_cell` k > 1):
//!
//! - every count may be `null`, and a row (or section) lists the names of
//!   its withheld figures in `withheld` (absent when empty), as the funnel's
//!   `ReportGroup.withheld` does;
//! - every figure computed from a withheld count is `null` too and listed:
//!   shares, rates, ratios and their intervals and p-values, positions,
//!   differences from the workforce, the bounds if undeclared or
//!   unrecorded, and the comparisons against a comparator whose counts are
//!   withheld. A note that quotes a withheld count, or a figure computed
//!   from one, is left out, and a section note says how many were.
//!
//! Without suppression every field is as the analysis gives it, and the
//! JSON is the analysis's JSON.
//!
//! # What is linked, and treated as published
//!
//! The suppression of each section (see `disclosure::sections`) treats as
//! published, and audits exactly:
//!
//! - **representation**: each group's headcount per rank, band and the
//!   whole workforce (a band is the sum of its ranks, the workforce of
//!   every rank); each scope's declared headcount (the sum over groups),
//!   undeclared headcount (the same sums over ranks) and headcount
//!   (declared + undeclared);
//! - **disproportionality**: events and population per group, their
//!   totals, and the events with no recorded group (the sum over unknown
//!   groups, which the bounds quote);
//! - **attrition**: headcount at start, leavers and stayed per group
//!   (headcount = leavers + stayed), and the total row (the sum over
//!   groups); people who joined and left, on their own;
//! - **declaration**: declared, prefer not to say and not recorded per
//!   unit and characteristic with their total, the whole-workforce row of
//!   each characteristic (the sum over units), and a unit's totals of two
//!   characteristics where they are equal (the same people).
//!
//! A declaration flag quotes a representation figure: it is published only
//! when the report publishes that figure (the group's ratio and its bounds
//! if undeclared) in its representation section.

mod suppress;
mod text;

use chrono::NaiveDate;

use crate::records::breakdown::{Breakdown, Group};
use crate::records::characteristic::Characteristic;
use crate::records::period::Period;
use crate::records::pipeline::Rank;
use crate::records::workforce::Unit;
use crate::workforce::attrition::{Attrition, AttritionComparison, AttritionRow};
use crate::workforce::declaration::{
    Declaration, DeclarationRow, RepresentationBounds, UndeclaredFlag,
};
use crate::workforce::disproportionality::{
    Disproportionality, DisproportionalityRow, RateRatioBounds,
};
use crate::workforce::representation::{
    Position, Representation, RepresentationRow, RepresentationSection, Scope,
};

pub(crate) use suppress::{
    publish_attrition, publish_declaration, publish_disproportionality, publish_representation,
    reconcile_flags,
};

/// One group's representation in one scope, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedRepresentationRow {
    /// The group.
    pub group: Group,
    /// People in post in the group.
    pub headcount: Option<u64>,
    /// headcount / declared headcount of the scope.
    pub share: Option<f64>,
    /// The group's share of the benchmark population.
    pub benchmark_share: Option<f64>,
    /// share / benchmark share.
    pub ratio: Option<f64>,
    /// The 95% interval of the ratio.
    pub ratio_ci: Option<[f64; 2]>,
    /// The exact binomial test's two-sided p.
    pub p_value: Option<f64>,
    /// 100 · (share − benchmark share).
    pub gap_points: Option<f64>,
    /// The position against the benchmark.
    pub position: Option<Position>,
    /// 100 · (share in this scope − share in the whole workforce).
    pub difference_from_workforce_points: Option<f64>,
    /// share in this scope / share in the whole workforce.
    pub workforce_ratio: Option<f64>,
    /// The 95% interval of `workforce_ratio`.
    pub workforce_ratio_ci: Option<[f64; 2]>,
    /// The position against the whole workforce.
    pub position_in_workforce: Option<Position>,
    /// The share and ratio if no undeclared person, or every one, belonged
    /// to the group.
    pub if_undeclared: Option<RepresentationBounds>,
    /// The figures withheld by small-cell suppression.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&RepresentationRow> for PublishedRepresentationRow {
    fn from(r: &RepresentationRow) -> Self {
        Self {
            group: r.group.clone(),
            headcount: Some(r.headcount),
            share: r.share,
            benchmark_share: r.benchmark_share,
            ratio: r.ratio,
            ratio_ci: r.ratio_ci,
            p_value: r.p_value,
            gap_points: r.gap_points,
            position: r.position,
            difference_from_workforce_points: r.difference_from_workforce_points,
            workforce_ratio: r.workforce_ratio,
            workforce_ratio_ci: r.workforce_ratio_ci,
            position_in_workforce: r.position_in_workforce,
            if_undeclared: r.if_undeclared,
            withheld: Vec::new(),
        }
    }
}

/// The representation table of one scope, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedRepresentationSection {
    /// What the section covers.
    pub scope: Scope,
    /// Everyone in post in the scope.
    pub headcount: Option<u64>,
    /// Those whose group is declared: the denominator of the shares.
    pub declared: Option<u64>,
    /// Those with prefer-not-to-say or not-recorded.
    pub undeclared: Option<u64>,
    /// A row per declared group.
    pub rows: Vec<PublishedRepresentationRow>,
    /// Caveats.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub notes: Vec<String>,
    /// The ranks the scope covers: its headcounts are their sums.
    #[cfg_attr(feature = "serde", serde(default))]
    pub ranks: Vec<Rank>,
    /// The section's own counts withheld (`headcount`, `declared`,
    /// `undeclared`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&RepresentationSection> for PublishedRepresentationSection {
    fn from(s: &RepresentationSection) -> Self {
        Self {
            scope: s.scope.clone(),
            headcount: Some(s.headcount),
            declared: Some(s.declared),
            undeclared: Some(s.undeclared),
            rows: s.rows.iter().map(Into::into).collect(),
            notes: s.notes.clone(),
            ranks: s.ranks.clone(),
            withheld: Vec::new(),
        }
    }
}

impl PublishedRepresentationSection {
    /// The row of a group.
    pub fn row(&self, group: &Group) -> Option<&PublishedRepresentationRow> {
        self.rows.iter().find(|r| &r.group == group)
    }
}

/// Representation against a benchmark, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedRepresentation {
    /// The benchmark's name.
    pub benchmark: String,
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The date of the headcount, if known.
    pub as_at: Option<NaiveDate>,
    /// The whole workforce first, then each band, then each rank.
    pub sections: Vec<PublishedRepresentationSection>,
}

impl From<&Representation> for PublishedRepresentation {
    fn from(r: &Representation) -> Self {
        Self {
            benchmark: r.benchmark.clone(),
            breakdown: r.breakdown.clone(),
            as_at: r.as_at,
            sections: r.sections.iter().map(Into::into).collect(),
        }
    }
}

impl PublishedRepresentation {
    /// The section of a scope.
    pub fn section(&self, scope: &Scope) -> Option<&PublishedRepresentationSection> {
        self.sections.iter().find(|s| &s.scope == scope)
    }

    /// The whole-workforce section.
    pub fn workforce(&self) -> Option<&PublishedRepresentationSection> {
        self.section(&Scope::Workforce)
    }
}

/// One group of a disproportionality table, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedDisproportionalityRow {
    /// The group.
    pub group: Group,
    /// Its events.
    pub events: Option<u64>,
    /// Its population.
    pub population: Option<u64>,
    /// events / all events.
    pub share_of_events: Option<f64>,
    /// events / population.
    pub rate: Option<f64>,
    /// rate / the comparator's rate.
    pub rate_ratio: Option<f64>,
    /// The exact 95% interval of the rate ratio (upper `None`: infinite).
    pub rate_ratio_ci: Option<(f64, Option<f64>)>,
    /// The exact conditional test's two-sided p.
    pub p_value: Option<f64>,
    /// The rate ratio if every unrecorded event were the group's, or the
    /// comparator's.
    pub if_unrecorded: Option<RateRatioBounds>,
    /// The figures withheld by small-cell suppression.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&DisproportionalityRow> for PublishedDisproportionalityRow {
    fn from(r: &DisproportionalityRow) -> Self {
        Self {
            group: r.group.clone(),
            events: Some(r.events),
            population: Some(r.population),
            share_of_events: r.share_of_events,
            rate: r.rate,
            rate_ratio: r.rate_ratio,
            rate_ratio_ci: r.rate_ratio_ci,
            p_value: r.p_value,
            if_unrecorded: r.if_unrecorded,
            withheld: Vec::new(),
        }
    }
}

/// Disproportionality, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedDisproportionality {
    /// What the events are.
    pub event: String,
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The comparator group.
    pub comparator: Option<Group>,
    /// All events.
    pub total_events: Option<u64>,
    /// All population.
    pub total_population: Option<u64>,
    /// A row per group.
    pub rows: Vec<PublishedDisproportionalityRow>,
    /// Caveats.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub notes: Vec<String>,
    /// The totals withheld (`total_events`, `total_population`,
    /// `unrecorded_events`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&Disproportionality> for PublishedDisproportionality {
    fn from(d: &Disproportionality) -> Self {
        Self {
            event: d.event.clone(),
            breakdown: d.breakdown.clone(),
            comparator: d.comparator.clone(),
            total_events: Some(d.total_events),
            total_population: Some(d.total_population),
            rows: d.rows.iter().map(Into::into).collect(),
            notes: d.notes.clone(),
            withheld: Vec::new(),
        }
    }
}

impl PublishedDisproportionality {
    /// The row of a group.
    pub fn row(&self, group: &Group) -> Option<&PublishedDisproportionalityRow> {
        self.rows.iter().find(|r| &r.group == group)
    }
}

/// Attrition of one group (or everyone), as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedAttritionRow {
    /// The group (`{}` for the total).
    pub group: Group,
    /// People in post on the period's first day.
    pub headcount_at_start: Option<u64>,
    /// Of those, how many left in the period.
    pub leavers: Option<u64>,
    /// headcount at start − leavers.
    pub stayed: Option<u64>,
    /// leavers / headcount at start.
    pub attrition_rate: Option<f64>,
    /// stayed / headcount at start.
    pub retention_rate: Option<f64>,
    /// This group against the comparator.
    pub versus_comparator: Option<AttritionComparison>,
    /// The figures withheld by small-cell suppression.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&AttritionRow> for PublishedAttritionRow {
    fn from(r: &AttritionRow) -> Self {
        Self {
            group: r.group.clone(),
            headcount_at_start: Some(r.headcount_at_start),
            leavers: Some(r.leavers),
            stayed: Some(r.stayed),
            attrition_rate: r.attrition_rate,
            retention_rate: r.retention_rate,
            versus_comparator: r.versus_comparator.clone(),
            withheld: Vec::new(),
        }
    }
}

/// Attrition in a period, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedAttrition {
    /// The period.
    pub period: Period,
    /// The breakdown.
    pub breakdown: Breakdown,
    /// The comparator group.
    pub comparator: Option<Group>,
    /// A row per group.
    pub rows: Vec<PublishedAttritionRow>,
    /// Everyone.
    pub total: PublishedAttritionRow,
    /// People who joined during the period and left in it.
    pub joined_and_left: Option<u64>,
    /// The confidence level of the rate ratio intervals.
    pub confidence: f64,
    /// Caveats.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub notes: Vec<String>,
}

impl From<&Attrition> for PublishedAttrition {
    fn from(a: &Attrition) -> Self {
        Self {
            period: a.period,
            breakdown: a.breakdown.clone(),
            comparator: a.comparator.clone(),
            rows: a.rows.iter().map(Into::into).collect(),
            total: (&a.total).into(),
            joined_and_left: Some(a.joined_and_left),
            confidence: a.confidence,
            notes: Vec::new(),
        }
    }
}

impl PublishedAttrition {
    /// The row of a group.
    pub fn row(&self, group: &Group) -> Option<&PublishedAttritionRow> {
        self.rows.iter().find(|r| &r.group == group)
    }
}

/// Declaration completeness of one characteristic, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedDeclarationRow {
    /// The characteristic.
    pub characteristic: Characteristic,
    /// The unit; `None` for the whole workforce.
    pub unit: Option<Unit>,
    /// declared + prefer not to say + not recorded.
    pub total: Option<u64>,
    /// People with a declared category.
    pub declared: Option<u64>,
    /// People who chose not to say.
    pub prefer_not_to_say: Option<u64>,
    /// People with nothing recorded.
    pub not_recorded: Option<u64>,
    /// declared / total.
    pub declaration_rate: Option<f64>,
    /// prefer not to say / total.
    pub prefer_not_to_say_rate: Option<f64>,
    /// not recorded / total.
    pub not_recorded_rate: Option<f64>,
    /// The figures withheld by small-cell suppression.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub withheld: Vec<String>,
}

impl From<&DeclarationRow> for PublishedDeclarationRow {
    fn from(r: &DeclarationRow) -> Self {
        Self {
            characteristic: r.characteristic.clone(),
            unit: r.unit.clone(),
            total: Some(r.total),
            declared: Some(r.declared),
            prefer_not_to_say: Some(r.prefer_not_to_say),
            not_recorded: Some(r.not_recorded),
            declaration_rate: r.declaration_rate,
            prefer_not_to_say_rate: r.prefer_not_to_say_rate,
            not_recorded_rate: r.not_recorded_rate,
            withheld: Vec::new(),
        }
    }
}

/// Declaration completeness, as published.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PublishedDeclaration {
    /// The date the counts are as at, if known.
    pub as_at: Option<NaiveDate>,
    /// One row per characteristic for the whole workforce.
    pub characteristics: Vec<PublishedDeclarationRow>,
    /// One row per unit and characteristic.
    pub units: Vec<PublishedDeclarationRow>,
    /// Representation figures that undeclared data could overturn.
    pub flags: Vec<UndeclaredFlag>,
    /// Caveats.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub notes: Vec<String>,
}

impl From<&Declaration> for PublishedDeclaration {
    fn from(d: &Declaration) -> Self {
        Self {
            as_at: d.as_at,
            characteristics: d.characteristics.iter().map(Into::into).collect(),
            units: d.units.iter().map(Into::into).collect(),
            flags: d.flags.clone(),
            notes: Vec::new(),
        }
    }
}

impl PublishedDeclaration {
    /// The whole-workforce row of a characteristic.
    pub fn characteristic(
        &self,
        characteristic: &Characteristic,
    ) -> Option<&PublishedDeclarationRow> {
        self.characteristics
            .iter()
            .find(|r| &r.characteristic == characteristic)
    }
}

/// Marks a figure withheld: clears it and lists its name once.
pub(crate) fn withhold<T>(slot: &mut Option<T>, name: &str, withheld: &mut Vec<String>) {
    *slot = None;
    if !withheld.iter().any(|w| w == name) {
        withheld.push(name.to_owned());
    }
}
