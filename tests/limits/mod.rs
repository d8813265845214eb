//! Every enforced limit of `positive_action::limits`, one step under
//! (accepted) and one step over (an `Error::LimitExceeded` naming the
//! limit, the value met and the place): in the CSV reader, the counts, the
//! pipeline, the JSON report input and the statistics.

#[cfg(feature = "arrow")]
mod arrow;
mod counts;
mod csv;
#[cfg(feature = "serde")]
mod json;

use positive_action::Error;

/// The limit error, looking inside a CSV cell or file error; panics with
/// the error otherwise.
fn limit_of(error: &Error) -> (&'static str, u64, u64, &str) {
    match error {
        Error::LimitExceeded {
            limit,
            value,
            max,
            location,
            ..
        } => (limit, *value, *max, location.as_str()),
        Error::CsvCell { reason, .. } | Error::InFile { error: reason, .. } => limit_of(reason),
        other => panic!("expected LimitExceeded, got {other:?}: {other}"),
    }
}

/// A name of `n` bytes: "g" then digits of `i`, padded with "x".
fn padded(i: usize, n: usize) -> String {
    let mut s = format!("g{i}");
    assert!(s.len() <= n);
    s.extend(std::iter::repeat_n('x', n - s.len()));
    s
}
