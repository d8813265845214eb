//! The Arrow reader over batches built from the fuzz input: rows drawn from
//! the format's words and from arbitrary text, cut into batches of chosen
//! encodings (plain, large and view strings, dictionaries with 8- and
//! 32-bit keys, integer ids, nulls) and sometimes a column of a type the
//! format has no place for. Any batches give counts or an `Error`, never a
//! panic, and the same rows written as a CSV give the same answer: both
//! read them or both refuse them, and what both read counts alike. The
//! stage-results counter, which checks cells but not journeys, counts
//! what a strict read accepts exactly as the read does, batch by batch and
//! merged, wherever every row carries its candidate's category (as the
//! counter's docs require: it reads each row's own).
#![no_main]

use std::sync::Arc;

use arbitrary::{Result, Unstructured};
use arrow::array::{
    ArrayRef, DictionaryArray, Float64Array, Int64Array, LargeStringArray, RecordBatch,
    StringArray, StringViewArray,
};
use arrow::datatypes::{Int8Type, Int32Type};
use libfuzzer_sys::fuzz_target;
use positive_action::io::{ArrowCounter, CsvOptions, Mode, count_arrow, count_csv};
use positive_action::{Breakdown, Counting, Pipeline, PipelineKind};

const STAGES: [&str; 4] = ["application", "sift", "interview", "offer"];
const COLUMNS: [&str; 6] = [
    "candidate",
    "stage",
    "outcome",
    "date",
    "interventions",
    "sex",
];

/// Words of the format, so most rows mean something.
const WORDS: [&[&str]; 6] = [
    &["1", "2", "3", "APP-1", "APP-2", "007", ""],
    &[
        "application",
        "sift",
        "interview",
        "offer",
        "Sift",
        "bottom_line",
        "",
    ],
    &[
        "passed",
        "failed",
        "withdrew",
        "pending",
        "exempt",
        "PASS",
        "withdrawn",
        "",
    ],
    &[
        "2025-04-01",
        "2025-04-02",
        "2025-03-31",
        "2025-02-30",
        "",
        "20250401",
    ],
    &[
        "",
        "mentoring",
        "mentoring;interview workshop",
        ";",
        "step in",
    ],
    &["female", "male", "", "prefer not to say", "Female"],
];

/// How one batch holds its text columns.
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Large,
    View,
    Dictionary8,
    Dictionary32,
}

impl Encoding {
    fn pick(u: &mut Unstructured) -> Result<Self> {
        Ok(match u.int_in_range(0..=4u8)? {
            0 => Self::Utf8,
            1 => Self::Large,
            2 => Self::View,
            3 => Self::Dictionary8,
            _ => Self::Dictionary32,
        })
    }

    fn column(self, values: &[Option<&str>]) -> ArrayRef {
        match self {
            Self::Utf8 => Arc::new(values.iter().copied().collect::<StringArray>()),
            Self::Large => Arc::new(values.iter().copied().collect::<LargeStringArray>()),
            Self::View => Arc::new(values.iter().copied().collect::<StringViewArray>()),
            // More than 128 distinct values overflow an 8-bit key: keep
            // such a column 32-bit rather than fail to build it.
            Self::Dictionary8 => {
                let distinct: std::collections::HashSet<_> = values.iter().flatten().collect();
                if distinct.len() > 127 {
                    Self::Dictionary32.column(values)
                } else {
                    Arc::new(
                        values
                            .iter()
                            .copied()
                            .collect::<DictionaryArray<Int8Type>>(),
                    )
                }
            }
            Self::Dictionary32 => Arc::new(
                values
                    .iter()
                    .copied()
                    .collect::<DictionaryArray<Int32Type>>(),
            ),
        }
    }
}

/// A cell: a word of its column, or arbitrary text.
fn cell(u: &mut Unstructured, column: usize) -> Result<String> {
    if u.ratio(1u8, 8u8)? {
        Ok(u.arbitrary::<&str>()?.to_owned())
    } else {
        Ok((*u.choose(WORDS[column])?).to_owned())
    }
}

/// Writes a cell as a quoted CSV field.
fn quoted(csv: &mut String, value: &str) {
    csv.push('"');
    csv.push_str(&value.replace('"', "\"\""));
    csv.push('"');
}

struct Case {
    options: CsvOptions,
    counting: Counting,
    stages_given: bool,
    csv: String,
    batches: Vec<RecordBatch>,
    /// Whether a batch holds a column of a type the reader must refuse.
    wrong_type: bool,
    /// Whether every row of a candidate gives the same characteristic
    /// cell, as the counter, which reads rows one at a time, needs.
    uniform: bool,
}

fn case(u: &mut Unstructured) -> Result<Case> {
    let flags: u8 = u.arbitrary()?;
    let mut options = CsvOptions::new().name("fuzz");
    if flags & 1 == 1 {
        options = options.mode(Mode::Lenient);
    }
    let stages_given = flags & 2 == 2;
    if stages_given {
        options = options.stages(STAGES);
    }
    let counting = if flags & 4 == 4 {
        Counting::UniqueCandidates
    } else {
        Counting::Applications
    };
    // Which optional columns there are, and in what order the columns come.
    let mut columns: Vec<usize> = (0..COLUMNS.len())
        .filter(|&c| c < 3 || u.ratio(2u8, 3u8).unwrap_or(true))
        .collect();
    for i in (1..columns.len()).rev() {
        let j = u.int_in_range(0..=i)?;
        columns.swap(i, j);
    }

    // Rows, each cell `None` for a null.
    let rows = u.int_in_range(1..=64usize)?;
    let mut table: Vec<Vec<Option<String>>> = Vec::with_capacity(rows);
    for _ in 0..rows {
        let mut row = Vec::with_capacity(columns.len());
        for &c in &columns {
            let value = cell(u, c)?;
            let null = value.is_empty() && u.arbitrary::<bool>()?;
            row.push((!null).then_some(value));
        }
        table.push(row);
    }

    let mut uniform = true;
    if let (Some(id), Some(sex)) = (
        columns.iter().position(|&c| c == 0),
        columns.iter().position(|&c| c == 5),
    ) {
        let mut seen = std::collections::HashMap::new();
        for row in &table {
            let cell = row[sex].as_deref().unwrap_or("");
            let first = *seen.entry(row[id].as_deref().unwrap_or("")).or_insert(cell);
            uniform &= first == cell;
        }
    }

    let mut csv = String::new();
    for (i, &c) in columns.iter().enumerate() {
        if i > 0 {
            csv.push(',');
        }
        csv.push_str(COLUMNS[c]);
    }
    csv.push('\n');
    for row in &table {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                csv.push(',');
            }
            quoted(&mut csv, value.as_deref().unwrap_or(""));
        }
        csv.push('\n');
    }

    // Cut the rows into batches, each with its own encoding; an id column
    // of numbers may be integers, and one column of one batch may be of a
    // type with no place in the format.
    let mut batches = Vec::new();
    let mut wrong_type = false;
    let mut start = 0;
    while start < table.len() {
        let len = u.int_in_range(1..=table.len() - start)?;
        let part = &table[start..start + len];
        start += len;
        let encoding = Encoding::pick(u)?;
        let bad_column = u
            .ratio(1u8, 32u8)?
            .then(|| u.choose_index(columns.len()))
            .transpose()?;
        let integer_ids = u.arbitrary::<bool>()?;
        let arrays = columns.iter().enumerate().map(|(i, &c)| {
            let values: Vec<Option<&str>> = part.iter().map(|row| row[i].as_deref()).collect();
            if bad_column == Some(i) {
                wrong_type = true;
                let floats: Float64Array =
                    values.iter().map(|v| v.map(|v| v.len() as f64)).collect();
                return (COLUMNS[c], Arc::new(floats) as ArrayRef);
            }
            if c == 0 && integer_ids {
                // The id "007" is not the integer 7: only canonical
                // numbers may become integers.
                let ids: Option<Vec<Option<i64>>> = values
                    .iter()
                    .map(|v| match v {
                        None => Some(None),
                        Some(v) => v
                            .parse::<i64>()
                            .ok()
                            .filter(|n| n.to_string() == *v)
                            .map(Some),
                    })
                    .collect();
                if let Some(ids) = ids {
                    return (COLUMNS[c], Arc::new(Int64Array::from(ids)) as ArrayRef);
                }
            }
            (COLUMNS[c], encoding.column(&values))
        });
        batches.push(RecordBatch::try_from_iter(arrays).expect("columns of one length"));
    }
    Ok(Case {
        options,
        counting,
        stages_given,
        csv,
        batches,
        wrong_type,
        uniform,
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(case) = case(&mut Unstructured::new(data)) else {
        return;
    };
    let Ok(by) = Breakdown::parse(["sex"]) else {
        return;
    };
    let arrow = count_arrow(case.batches.clone(), &case.options, &by, case.counting);
    if case.wrong_type {
        assert!(
            arrow.is_err(),
            "a column of a type with no place in the format is refused"
        );
        return;
    }
    let csv = count_csv(case.csv.as_bytes(), &case.options, &by, case.counting);
    match (&arrow, &csv) {
        (Ok(arrow), Ok(csv)) => {
            assert_eq!(arrow.counts, csv.counts, "Arrow and CSV count alike");
            assert_eq!(arrow.stage_times, csv.stage_times);
            assert_eq!(arrow.load.rows_read, csv.load.rows_read);
            assert_eq!(arrow.load.rows_used, csv.load.rows_used);
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "Arrow and CSV disagree: {:?} against {:?}",
            a.as_ref().err(),
            b.as_ref().err()
        ),
    }

    // The stage-results counter, batch by batch and merged.
    let Ok(pipeline) = Pipeline::new("fuzz", PipelineKind::Recruitment, STAGES) else {
        return;
    };
    let mut total = ArrowCounter::new(&pipeline, &by);
    let mut refused = false;
    for batch in &case.batches {
        let mut part = ArrowCounter::new(&pipeline, &by);
        if part.count_batch(batch).is_err() {
            refused = true;
            break;
        }
        if total.merge(&part).is_err() {
            refused = true;
            break;
        }
    }
    let strict_with_stages = case.uniform
        && case.stages_given
        && case.counting == Counting::Applications
        && case.options.get_mode() == Mode::Strict;
    if strict_with_stages && let Ok(read) = &arrow {
        assert!(
            !refused,
            "the counter takes every cell a strict read accepts"
        );
        assert_eq!(
            total.finish(),
            read.counts,
            "the counter counts as the read does"
        );
    }
});
