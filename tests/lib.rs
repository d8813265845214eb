//! Integration tests: realistic journeys through the public API, property
//! tests of the invariants, and reference-value tests of the statistics.

#[cfg(feature = "arrow")]
mod arrow;
mod csv_input;
#[cfg(feature = "datafusion")]
mod engine;
mod entry;
mod funnel;
mod impact;
mod interventions;
mod journeys;
mod limits;
mod pinned;
mod properties;
mod readme;
mod regressions;
mod report;
mod representation;
mod stats;

/// The synthetic force year the examples and benches use.
#[path = "../examples/common/synthetic.rs"]
mod synthetic;
