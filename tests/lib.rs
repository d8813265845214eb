//! Integration tests: realistic journeys through the public API, property
//! tests of the invariants, and reference-value tests of the statistics.

mod csv_input;
mod funnel;
mod journeys;
mod properties;
