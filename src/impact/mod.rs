//! TODO guide for impact.

pub(crate) mod analysis;
pub(crate) mod check;
pub(crate) mod decomposition;
pub(crate) mod reference;
pub(crate) mod strata;

pub use crate::error::{AdverseImpactFinding, AdverseImpactFindings};
pub use crate::stats::AdverseImpactRule;
pub use analysis::{GroupImpact, ImpactAnalysis, ImpactOptions, StageImpact};
pub use check::check_no_adverse_impact;
pub use decomposition::{Decomposition, StageContribution};
pub use reference::ReferencePolicy;
pub use strata::{StratifiedGroup, StratifiedImpact, StratifiedStage, Stratum};
