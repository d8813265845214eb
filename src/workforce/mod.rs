//! TODO guide for workforce.

pub(crate) mod attrition;
pub(crate) mod declaration;
pub(crate) mod disproportionality;
pub(crate) mod representation;
pub(crate) mod target;

pub use attrition::{
    Attrition, AttritionChange, AttritionChangeRow, AttritionComparison, AttritionRecord,
    AttritionRow,
};
pub use declaration::{
    Declaration, DeclarationRecord, DeclarationRow, ImpactRatioBounds, RepresentationBounds,
    UndeclaredFlag,
};
pub use disproportionality::{
    Comparator, Disproportionality, DisproportionalityRecord, DisproportionalityRow,
};
pub use representation::{
    HeadcountChange, HeadcountChangeRow, HeadcountChangeSection, Margin, Position, Representation,
    RepresentationRow, RepresentationSection, Scope,
};
pub use target::{ExpectedLeavers, TargetFinding, TargetPlan, TargetRequirement, TargetTable};
