//! Adverse impact: does a stage, or the process as a whole, select one
//! group at a lower rate than another?
//!
//! [`ImpactAnalysis`] compares every group with a reference group
//! ([`ReferencePolicy`]) at every stage and at the bottom line (passed at
//! the last stage over entered at the first), with the four-fifths flag,
//! Fisher's exact test, z and chi-square, the impact ratio's interval,
//! shortfalls, the flip-flop and n-person rules. [`Decomposition`] splits
//! the bottom line into stage terms to find the pinch point, and
//! [`StratifiedImpact`] pools years or sites with Mantel-Haenszel.
//!
//! For a test suite, [`check_no_adverse_impact`] fails with
//! [`Error::AdverseImpact`](crate::Error::AdverseImpact), whose message is a
//! table of [`AdverseImpactFindings`].
//!
//! ```
//! use positive_action::{FunnelCounts, ImpactAnalysis, ImpactOptions};
//!
//! // Applied and selected per group: the spreadsheet's two numbers.
//! let counts = FunnelCounts::selection([("sex=female", 100, 30), ("sex=male", 100, 50)])?;
//! let analysis = ImpactAnalysis::new(&counts, &ImpactOptions::default())?;
//! let women = &analysis.stages[0].groups[0];
//! assert_eq!(women.impact_ratio, Some(0.6));
//! assert!(women.adverse_impact);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
pub use reference::{ReferencePolicy, SMALL_REFERENCE_GROUP};
pub use strata::{StratifiedGroup, StratifiedImpact, StratifiedStage, Stratum};
