//! Loading the reference fixtures and comparing against them.

use positive_action::stats::TwoByTwo;

/// Collects every disagreement with a reference, so that one run reports
/// them all, each with its case, field and both values.
#[derive(Debug, Default)]
pub struct Agreement {
    failures: Vec<String>,
    checked: usize,
}

impl Agreement {
    pub fn new() -> Self {
        Self::default()
    }

    /// `actual` agrees with `expected` to `rel` relative (or `abs` absolute,
    /// for values at or near 0). `None` agrees only with `None`.
    pub fn close(
        &mut self,
        case: &str,
        field: &str,
        actual: Option<f64>,
        expected: Option<f64>,
        rel: f64,
        abs: f64,
    ) {
        self.checked += 1;
        let ok = match (actual, expected) {
            (None, None) => true,
            (Some(x), Some(y)) => x == y || (x - y).abs() <= abs.max(rel * x.abs().max(y.abs())),
            _ => false,
        };
        if !ok {
            let err = match (actual, expected) {
                (Some(x), Some(y)) => format!(
                    " (relative error {:.2e})",
                    (x - y).abs() / x.abs().max(y.abs())
                ),
                _ => String::new(),
            };
            self.failures.push(format!(
                "{case}: {field}: got {actual:?}, expected {expected:?}{err}"
            ));
        }
    }

    /// Exact agreement of anything comparable.
    pub fn equal<T: PartialEq + std::fmt::Debug>(
        &mut self,
        case: &str,
        field: &str,
        actual: T,
        expected: T,
    ) {
        self.checked += 1;
        if actual != expected {
            self.failures.push(format!(
                "{case}: {field}: got {actual:?}, expected {expected:?}"
            ));
        }
    }

    /// Panics with every failure, if there were any; `at_least` guards
    /// against a fixture that silently lost its cases.
    pub fn finish(self, at_least: usize) {
        assert!(
            self.checked >= at_least,
            "only {} values checked, expected at least {at_least}",
            self.checked
        );
        assert!(
            self.failures.is_empty(),
            "{} of {} values disagree with the reference:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
    }
}

/// The cases of one fixture file.
pub fn load(file: &str) -> Vec<serde_json::Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stats")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn name(case: &serde_json::Value) -> &str {
    case["name"].as_str().expect("every case has a name")
}

/// A number, or `None` for null.
pub fn number(case: &serde_json::Value, field: &str) -> Option<f64> {
    let value = &case[field];
    if value.is_null() {
        None
    } else {
        Some(
            value
                .as_f64()
                .unwrap_or_else(|| panic!("{}: {field} is not a number", name(case))),
        )
    }
}

pub fn counts(value: &serde_json::Value) -> TwoByTwo {
    let cells: Vec<u64> = serde_json::from_value(value.clone()).expect("a table is four counts");
    TwoByTwo::new(cells[0], cells[1], cells[2], cells[3]).expect("fixture tables are valid")
}

pub fn table(case: &serde_json::Value) -> TwoByTwo {
    counts(&case["table"])
}
