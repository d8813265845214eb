//! Pieces of error messages about input: where, which line, which candidate.

use super::{Error, OrderConflict, SetAside};

// Helpers for the messages of the CSV errors.

/// "csv input" or "csv file \"x.csv\"", with the line if known.
pub(crate) fn describe_input(path: Option<&str>, line: Option<u64>) -> String {
    let mut text = match path {
        Some(path) => format!("csv file {path:?}"),
        None => "csv input".to_owned(),
    };
    if let Some(line) = line {
        text.push_str(&format!(" at line {line}"));
    }
    text
}

/// Column names as a reader sees them: `a, b, c`, or `no columns`.
pub(crate) fn list_columns(header: &[String]) -> String {
    if header.is_empty() {
        return "no columns".to_owned();
    }
    header
        .iter()
        .map(|h| format!("{h:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// " (candidate APP-1)", or nothing.
pub(crate) fn candidate_note(candidate: Option<&str>) -> String {
    candidate.map_or_else(String::new, |c| format!(" (candidate {c})"))
}

/// ", application 2", or nothing.
pub(crate) fn application_note(application: Option<&str>) -> String {
    application.map_or_else(String::new, |a| format!(", application {a:?}"))
}

/// "line 4", "lines 4 and 9", "lines 4, 5 and 9".
pub(crate) fn list_lines(lines: &[u64]) -> String {
    match lines {
        [] => "lines unknown".to_owned(),
        [one] => format!("line {one}"),
        [init @ .., last] => format!(
            "lines {} and {last}",
            init.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A journey error's message without its leading "candidate UUID: ", which
/// the CSV error replaces with the external id.
pub(crate) fn without_candidate(reason: &Error) -> String {
    let text = reason.to_string();
    match text.strip_prefix("candidate ") {
        Some(rest) => match rest.split_once(": ") {
            Some((_, message)) => message.to_owned(),
            None => text,
        },
        None => text,
    }
}

/// "APP-1 goes sift → interview, APP-7 goes interview → sift".
pub(crate) fn list_conflicts(conflicts: &[OrderConflict]) -> String {
    conflicts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// ", all set aside, the first at line 2: reason", or nothing.
pub(crate) fn first_set_aside(set_aside: &[SetAside]) -> String {
    set_aside.first().map_or_else(String::new, |first| {
        format!(
            ", all set aside, the first at line {}: {}",
            first.line, first.reason
        )
    })
}
