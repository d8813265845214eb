//! The workforce side: does the workforce reflect the community it serves?
//!
//! Where the pipeline analyses follow candidates through decisions, these
//! follow people in post: who is there, who leaves, who is stopped or
//! disciplined, and whether the figures are complete enough to tell.
//!
//! | question | analysis |
//! |---|---|
//! | is each group represented as in the community? | [`Representation`] of a [`Headcount`] against a [`Benchmark`] (census shares), by rank and band |
//! | how has a group's share of each rank band moved, against the force? | [`BandShares`], HeForShe's report by default ([`BandShares::he_for_she`]) |
//! | is a group more likely to meet an outcome? | [`Disproportionality`]: rate ratios of events (stop and search, misconduct) per population |
//! | do some groups leave faster? | [`Attrition`], from a [`Workforce`] snapshot or counts |
//! | how far is parity, and how many joiners would reach it? | [`TargetPlan`]: targets are aspirations, appointments stay on merit |
//! | can the figures be trusted? | [`Declaration`] completeness, with bounds if the undeclared were all in one group |
//!
//! The records they start from, a [`Workforce`] of [`Person`]s in
//! [`Unit`]s under a [`RankStructure`], and a [`Benchmark`], are here too.
//!
//! ```
//! use positive_action::{Breakdown, Group};
//! use positive_action::records::Rank;
//! use positive_action::workforce::{
//!     Benchmark, Headcount, HeadcountRecord, RankStructure, Representation,
//! };
//!
//! let by_ethnicity = Breakdown::parse(["ethnicity"])?;
//! let g = |e| Group::parse([("ethnicity", e)]);
//! let headcount = Headcount::from_records(&RankStructure::police(), &by_ethnicity, [
//!     HeadcountRecord { rank: Rank::CONSTABLE, group: g("Black")?, headcount: 12 },
//!     HeadcountRecord { rank: Rank::CONSTABLE, group: g("White")?, headcount: 588 },
//! ])?;
//! let census = Benchmark::from_shares("census 2021", &by_ethnicity, [
//!     (g("Black")?, 0.04), (g("White")?, 0.96),
//! ])?;
//! let representation = Representation::new(&headcount, &census)?;
//! let workforce = representation.workforce().ok_or("no workforce section")?;
//! assert_eq!(workforce.row(&g("Black")?).ok_or("no row")?.share, Some(0.02));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod attrition;
pub(crate) mod band_shares;
pub(crate) mod declaration;
pub(crate) mod disproportionality;
pub(crate) mod representation;
pub(crate) mod target;

pub use crate::counts::headcount::{Headcount, HeadcountRecord};
pub use crate::records::benchmark::Benchmark;
pub use crate::records::rank_structure::{RankBand, RankStructure};
pub use crate::records::workforce::{Person, Unit, Workforce};
pub use attrition::{
    Attrition, AttritionChange, AttritionChangeRow, AttritionComparison, AttritionRecord,
    AttritionRow,
};
pub use band_shares::{BandShares, BandSharesRow};
pub use declaration::{
    Declaration, DeclarationRecord, DeclarationRow, ImpactRatioBounds, RepresentationBounds,
    UndeclaredFlag,
};
pub use disproportionality::{
    Comparator, Disproportionality, DisproportionalityRecord, DisproportionalityRow,
    RateRatioBounds,
};
pub use representation::{
    EQUAL_RATIO_BAND, HeadcountChange, HeadcountChangeRow, HeadcountChangeSection, Margin,
    Position, PositionBasis, REPRESENTATION_CONFIDENCE, Representation, RepresentationRow,
    RepresentationSection, Scope,
};
pub use target::{
    ExpectedLeavers, TARGET_CAVEAT, TargetFinding, TargetPlan, TargetRequirement, TargetTable,
};
