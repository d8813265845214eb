//! The CSV reader's limits: header bytes, columns, cell bytes, distinct
//! stages and, when counting, groups.

use positive_action::io::{CsvOptions, count_csv, read_csv};
use positive_action::limits::{
    MAX_CELL_BYTES, MAX_COLUMNS, MAX_GROUPS, MAX_HEADER_BYTES, MAX_STAGES,
};
use positive_action::{Breakdown, Counting};

use super::{limit_of, padded};

const ROW: &str = "A,sift,passed";

/// A header of the three required columns and `extra` characteristic
/// columns named `names(i)`, and one row.
fn with_columns(extra: impl Iterator<Item = String>) -> String {
    let extra: Vec<String> = extra.collect();
    let mut csv = String::from("candidate,stage,outcome");
    for name in &extra {
        csv.push(',');
        csv.push_str(name);
    }
    csv.push('\n');
    csv.push_str(ROW);
    csv.push_str(&",x".repeat(extra.len()));
    csv.push('\n');
    csv
}

#[test]
fn a_header_of_max_columns_is_read_and_one_more_is_refused() {
    let under = with_columns((3..MAX_COLUMNS).map(|i| format!("c{i}")));
    let loaded = read_csv(under.as_bytes(), &CsvOptions::new()).unwrap();
    assert_eq!(loaded.applications.journeys().len(), 1);

    let over = with_columns((3..=MAX_COLUMNS).map(|i| format!("c{i}")));
    let error = read_csv(over.as_bytes(), &CsvOptions::new()).unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_COLUMNS", MAX_COLUMNS + 1, MAX_COLUMNS)
    );
    assert_eq!(location, "csv line 1 (the header)");
}

#[test]
fn a_header_of_max_header_bytes_is_read_and_one_byte_more_is_refused() {
    // "candidate,stage,outcome," then one characteristic name to the limit.
    let fixed = "candidate,stage,outcome,".len();
    let name = |n: usize| padded(0, n);
    let under = with_columns(std::iter::once(name(MAX_HEADER_BYTES as usize - fixed)));
    assert_eq!(under.lines().next().unwrap().len() as u64, MAX_HEADER_BYTES);
    read_csv(under.as_bytes(), &CsvOptions::new()).unwrap();

    let over = with_columns(std::iter::once(name(MAX_HEADER_BYTES as usize - fixed + 1)));
    let error = read_csv(over.as_bytes(), &CsvOptions::new()).unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_HEADER_BYTES", MAX_HEADER_BYTES + 1, MAX_HEADER_BYTES)
    );
    assert_eq!(location, "csv line 1 (the header)");
}

#[test]
fn a_cell_of_max_cell_bytes_is_read_and_one_byte_more_is_refused() {
    let file = |n: usize| {
        format!(
            "candidate,stage,outcome,ethnicity\nA,sift,passed,White\nB,sift,failed,{}\n",
            padded(1, n)
        )
    };
    let loaded = read_csv(file(MAX_CELL_BYTES as usize).as_bytes(), &CsvOptions::new()).unwrap();
    assert_eq!(loaded.applications.journeys().len(), 2);

    let error = read_csv(
        file(MAX_CELL_BYTES as usize + 1).as_bytes(),
        &CsvOptions::new(),
    )
    .unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_CELL_BYTES", MAX_CELL_BYTES + 1, MAX_CELL_BYTES)
    );
    assert_eq!(location, "csv line 3, column 4 (\"ethnicity\")");
}

/// One candidate through `n` stages, in order, each passed.
fn through_stages(n: usize) -> String {
    let mut csv = String::from("candidate,stage,outcome\n");
    for s in 0..n {
        csv.push_str(&format!("A,s{s},passed\n"));
    }
    csv
}

#[test]
fn max_stages_distinct_stages_are_read_and_one_more_is_refused_at_its_cell() {
    let loaded = read_csv(through_stages(MAX_STAGES).as_bytes(), &CsvOptions::new()).unwrap();
    assert_eq!(loaded.applications.pipeline().stages().len(), MAX_STAGES);

    let error = read_csv(
        through_stages(MAX_STAGES + 1).as_bytes(),
        &CsvOptions::new(),
    )
    .unwrap_err();
    let text = error.to_string();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_STAGES", MAX_STAGES as u64 + 1, MAX_STAGES as u64)
    );
    assert_eq!(location, "stage \"s65535\", the first past the limit");
    // The row is named around it.
    assert!(text.contains("line 65537"), "{text}");
}

/// `groups` candidates, each of its own ethnicity.
fn one_per_group(groups: u64) -> String {
    let mut csv = String::from("candidate,stage,outcome,ethnicity\n");
    for g in 0..groups {
        csv.push_str(&format!("c{g},sift,passed,e{g}\n"));
    }
    csv
}

#[test]
fn counting_takes_max_groups_and_refuses_one_more() {
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let count = |groups| {
        count_csv(
            one_per_group(groups).as_bytes(),
            &CsvOptions::new(),
            &by,
            Counting::Applications,
        )
    };
    let counted = count(MAX_GROUPS).unwrap();
    assert_eq!(counted.counts.groups().len() as u64, MAX_GROUPS);

    let error = count(MAX_GROUPS + 1).unwrap_err();
    let (limit, value, max, location) = limit_of(&error);
    assert_eq!(
        (limit, value, max),
        ("MAX_GROUPS", MAX_GROUPS + 1, MAX_GROUPS)
    );
    assert_eq!(location, "csv, breakdown [ethnicity]");
}
