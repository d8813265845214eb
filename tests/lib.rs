//! Integration tests: realistic journeys through the public API, property
//! tests of the invariants, and reference-value tests of the statistics.

mod funnel;
mod journeys;
mod properties;
mod representation;
mod stats;
