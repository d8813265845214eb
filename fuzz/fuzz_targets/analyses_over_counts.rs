//! The funnel, the impact analysis (every reference policy) and the
//! published report with suppression, over arbitrary counts: any counts give
//! figures or an `Error`, never a panic, and every rate lies in [0, 1].
//!
//! The input and the run live in `tests/regressions/`, so that `cargo test`
//! replays what this target found (`fuzz/regressions/`) on stable.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The replay's fields are read by the regression tests, not here.
#[allow(dead_code)]
#[path = "../../tests/regressions/analyses_over_counts_case.rs"]
mod case;

fuzz_target!(|case: case::Case| {
    let _ = case::run(&case);
});
