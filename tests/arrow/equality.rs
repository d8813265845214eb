//! The same rows, as CSV, as Arrow batches and as Parquet files, give
//! exactly the same counts, however they are cut into batches and files
//! and in whatever order partial counts are merged.

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch};
use positive_action::io::{
    ArrowCounter, CsvOptions, count_arrow, count_csv, count_parquet, count_parquet_unchecked,
    read_arrow, read_csv,
};
use positive_action::{
    Breakdown, Category, Counting, FunnelCounts, Group, Outcome, Pipeline, PipelineKind,
};
use proptest::prelude::*;

use super::{Encoding, column, temp_folder, write_parquet};

const STAGES: [&str; 4] = ["application", "sift", "interview", "offer"];
const SEX: [&str; 4] = ["female", "male", "", "prefer not to say"];
const ETHNICITY: [&str; 4] = ["White", "Black", "Asian", ""];
/// Spellings the CSV reader accepts, to check every path reads them alike.
const PASSED: [&str; 3] = ["passed", "Passed", "pass"];
const LAST: [&str; 4] = ["failed", "withdrew", "pending", "FAIL"];

/// One row of the long format.
#[derive(Debug, Clone)]
struct Row {
    candidate: String,
    stage: &'static str,
    outcome: &'static str,
    date: String,
    sex: &'static str,
    ethnicity: &'static str,
}

/// Valid journeys (a prefix of the stages, passed until the last, which
/// may be anything), each row carrying its candidate's categories, rows
/// in any order.
fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            1usize..=4,
            any::<bool>(),
            0usize..4,
            0usize..3,
            0usize..4,
            0usize..4,
            any::<bool>(),
        ),
        1..30,
    )
    .prop_map(|candidates| {
        let mut rows = Vec::new();
        for (i, (len, all_pass, last, spelling, sex, ethnicity, dated)) in
            candidates.into_iter().enumerate()
        {
            for (s, stage) in STAGES.iter().take(len).enumerate() {
                let outcome = if s + 1 < len || all_pass {
                    PASSED[spelling]
                } else {
                    LAST[last]
                };
                let date = if dated && outcome != "pending" {
                    format!("2025-04-{:02}", 1 + s * 3 + i % 3)
                } else {
                    String::new()
                };
                rows.push(Row {
                    candidate: format!("APP-{i:03}"),
                    stage,
                    outcome,
                    date,
                    sex: SEX[sex],
                    ethnicity: ETHNICITY[ethnicity],
                });
            }
        }
        rows
    })
    .prop_shuffle()
}

fn to_csv(rows: &[Row]) -> String {
    let mut csv = String::from("candidate,stage,outcome,date,sex,ethnicity\n");
    for r in rows {
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            r.candidate, r.stage, r.outcome, r.date, r.sex, r.ethnicity
        ));
    }
    csv
}

/// How the rows are cut and encoded: after which rows a batch ends, and
/// each batch's encoding and whether its empty cells are nulls.
#[derive(Debug, Clone)]
struct Cutting {
    cuts: Vec<bool>,
    encodings: Vec<(Encoding, bool)>,
}

fn cutting() -> impl Strategy<Value = Cutting> {
    let encoding = prop_oneof![
        Just(Encoding::Utf8),
        Just(Encoding::Large),
        Just(Encoding::View),
        Just(Encoding::Dictionary),
    ];
    (
        prop::collection::vec(prop::bool::weighted(0.2), 120),
        prop::collection::vec((encoding, any::<bool>()), 120),
    )
        .prop_map(|(cuts, encodings)| Cutting { cuts, encodings })
}

/// The rows as batches, cut and encoded as `cutting` says.
fn to_batches(rows: &[Row], cutting: &Cutting) -> Vec<RecordBatch> {
    let mut parts: Vec<Vec<&Row>> = vec![Vec::new()];
    for (i, row) in rows.iter().enumerate() {
        parts.last_mut().expect("one part at least").push(row);
        if cutting.cuts[i % cutting.cuts.len()] && i + 1 < rows.len() {
            parts.push(Vec::new());
        }
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let (encoding, nulls) = cutting.encodings[i % cutting.encodings.len()];
            let cells = |f: &dyn Fn(&Row) -> &str, may_be_null: bool| -> ArrayRef {
                let values: Vec<Option<&str>> = part
                    .iter()
                    .map(|r| {
                        let v = f(r);
                        (!(may_be_null && nulls && v.is_empty())).then_some(v)
                    })
                    .collect();
                column(&values, encoding)
            };
            RecordBatch::try_from_iter([
                ("candidate", cells(&|r| r.candidate.as_str(), false)),
                ("stage", cells(&|r| r.stage, false)),
                ("outcome", cells(&|r| r.outcome, false)),
                ("date", cells(&|r| r.date.as_str(), true)),
                ("sex", cells(&|r| r.sex, true)),
                ("ethnicity", cells(&|r| r.ethnicity, true)),
            ])
            .expect("columns of one length")
        })
        .collect()
}

fn options() -> CsvOptions {
    CsvOptions::new().stages(STAGES).name("force year")
}

fn pipeline() -> Pipeline {
    Pipeline::new("force year", PipelineKind::Recruitment, STAGES).expect("valid stages")
}

fn by() -> Breakdown {
    Breakdown::parse(["sex", "ethnicity"]).expect("valid breakdown")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Arrow batches, validated or counted straight, give the CSV's
    /// counts, stage times and load report; partial counts merge in any
    /// order to the same.
    #[test]
    fn arrow_counts_are_the_csvs(rows in rows(), cutting in cutting(), order in any::<u64>()) {
        let csv = to_csv(&rows);
        let expected = count_csv(csv.as_bytes(), &options(), &by(), Counting::Applications).expect("valid journeys");
        let batches = to_batches(&rows, &cutting);

        let arrow = count_arrow(batches.clone(), &options(), &by(), Counting::Applications).expect("valid journeys");
        prop_assert_eq!(&arrow.counts, &expected.counts);
        prop_assert_eq!(&arrow.stage_times, &expected.stage_times);
        prop_assert_eq!(arrow.load.rows_read, expected.load.rows_read);
        prop_assert_eq!(arrow.load.rows_used, expected.load.rows_used);

        let unique = count_csv(csv.as_bytes(), &options(), &by(), Counting::UniqueCandidates).expect("valid journeys");
        let arrow_unique = count_arrow(batches.clone(), &options(), &by(), Counting::UniqueCandidates).expect("valid journeys");
        prop_assert_eq!(&arrow_unique.counts, &unique.counts);

        // Records too: the same journeys, candidates and external ids.
        let loaded = read_csv(csv.as_bytes(), &options()).expect("valid journeys");
        let from_arrow = read_arrow(batches.clone(), &options()).expect("valid journeys");
        prop_assert_eq!(
            FunnelCounts::from_applications(&from_arrow.applications, &by(), Counting::Applications),
            FunnelCounts::from_applications(&loaded.applications, &by(), Counting::Applications)
        );
        prop_assert_eq!(from_arrow.external_ids().collect::<Vec<_>>(), loaded.external_ids().collect::<Vec<_>>());

        // One counter per batch, merged in a shuffled order.
        let mut parts: Vec<ArrowCounter> = batches
            .iter()
            .map(|b| {
                let mut counter = ArrowCounter::new(&pipeline(), &by());
                counter.count_batch(b).map(|()| counter)
            })
            .collect::<Result<_, _>>()
            .expect("valid cells");
        let mut seed = order;
        let mut total = ArrowCounter::new(&pipeline(), &by());
        while !parts.is_empty() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let part = parts.swap_remove((seed >> 33) as usize % parts.len());
            total.merge(&part).expect("one pipeline and breakdown");
        }
        prop_assert_eq!(total.rows(), rows.len() as u64);
        prop_assert_eq!(&total.finish(), &expected.counts);

        // And one counter over the columns given directly.
        let mut direct = ArrowCounter::new(&pipeline(), &by());
        for b in &batches {
            direct.count_arrays(b.column(1).as_ref(), b.column(2).as_ref(), &[b.column(4).as_ref(), b.column(5).as_ref()]).expect("valid cells");
        }
        prop_assert_eq!(&direct.finish(), &expected.counts);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Parquet files of the same rows, one or several, in row groups of
    /// any size, give the CSV's counts through both Parquet paths.
    #[test]
    fn parquet_counts_are_the_csvs(rows in rows(), cutting in cutting(), files in 1usize..4, group_rows in 1usize..40) {
        let csv = to_csv(&rows);
        let expected = count_csv(csv.as_bytes(), &options(), &by(), Counting::Applications).expect("valid journeys");
        let batches = to_batches(&rows, &cutting);
        let folder = temp_folder("equality");
        // Consecutive batches to each file, each file in its first
        // batch's encoding (a file has one schema).
        let per_file = batches.len().div_ceil(files);
        for (f, chunk) in batches.chunks(per_file).enumerate() {
            // Nullable columns: later batches may hold nulls the first has not.
            let schema = Arc::new(arrow::datatypes::Schema::new(
                chunk[0]
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.as_ref().clone().with_nullable(true))
                    .collect::<Vec<_>>(),
            ));
            let same: Vec<RecordBatch> = chunk
                .iter()
                .map(|b| {
                    let columns: Vec<ArrayRef> = b
                        .columns()
                        .iter()
                        .zip(schema.fields())
                        .map(|(c, field)| arrow::compute::cast(c, field.data_type()).expect("text casts to text"))
                        .collect();
                    RecordBatch::try_new(Arc::clone(&schema), columns).expect("the file's schema")
                })
                .collect();
            write_parquet(&folder.join(format!("part-{f:03}.parquet")), &same, group_rows);
        }
        let from_folder = count_parquet(&folder, &options(), &by(), Counting::Applications).expect("valid journeys");
        prop_assert_eq!(&from_folder.counts, &expected.counts);
        prop_assert_eq!(&from_folder.stage_times, &expected.stage_times);
        prop_assert_eq!(from_folder.load.rows_used, expected.load.rows_used);
        let unchecked = count_parquet_unchecked(&folder, &pipeline(), &by()).expect("valid cells");
        prop_assert_eq!(&unchecked, &expected.counts);
        let _ = std::fs::remove_dir_all(&folder);
    }
}

/// Characteristics a counter may break down by, with the cells drawn.
const BY: [(&str, [&str; 4]); 3] = [
    ("sex", SEX),
    ("ethnicity", ETHNICITY),
    ("disability", ["disabled", "not disabled", "", "Disabled"]),
];

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        Just(Encoding::Utf8),
        Just(Encoding::Large),
        Just(Encoding::View),
        Just(Encoding::Dictionary),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// `ArrowCounter` over columns of any encoding, broken down by none
    /// to three characteristics (nulls and empty cells not recorded),
    /// counts each row where a row-by-row count puts it, whatever the
    /// batches hold and however large its dictionaries.
    #[test]
    fn arrow_counter_counts_each_row_where_a_row_by_row_count_does(
        cells in prop::collection::vec(
            (0usize..4, 0usize..5, prop::collection::vec(0usize..5, 3)),
            0..300,
        ),
        characteristics in 0usize..=3,
        encodings in prop::collection::vec(encoding(), 5),
        cut in 1usize..120,
    ) {
        let by = Breakdown::parse(BY[..characteristics].iter().map(|(name, _)| *name))
            .expect("valid breakdown");
        let outcomes = [PASSED[0], PASSED[2], LAST[0], LAST[1], LAST[3]];
        // Index 4 of a characteristic's cells is a null.
        let category = |k: usize, c: usize| BY[k].1.get(c).copied();

        let mut expected = FunnelCounts::empty(&pipeline(), &by);
        for (stage, outcome, categories) in &cells {
            let group = Group::new(by.characteristics().iter().enumerate().map(|(k, c)| {
                (c.clone(), Category::parse(category(k, categories[k]).unwrap_or("")))
            }))
            .expect("each characteristic once");
            let outcome: Outcome = outcomes[*outcome].parse().expect("an outcome");
            expected.add(STAGES[*stage], &group, outcome).expect("a stage of the pipeline");
        }

        let mut counter = ArrowCounter::new(&pipeline(), &by);
        for part in cells.chunks(cut) {
            let stage: Vec<Option<&str>> = part.iter().map(|(s, _, _)| Some(STAGES[*s])).collect();
            let outcome: Vec<Option<&str>> = part.iter().map(|(_, o, _)| Some(outcomes[*o])).collect();
            let columns: Vec<ArrayRef> = (0..characteristics)
                .map(|k| {
                    let values: Vec<Option<&str>> =
                        part.iter().map(|(_, _, c)| category(k, c[k])).collect();
                    column(&values, encodings[2 + k])
                })
                .collect();
            let refs: Vec<&dyn arrow::array::Array> = columns.iter().map(|c| c.as_ref()).collect();
            counter
                .count_arrays(
                    column(&stage, encodings[0]).as_ref(),
                    column(&outcome, encodings[1]).as_ref(),
                    &refs,
                )
                .expect("valid cells");
        }
        prop_assert_eq!(counter.rows(), cells.len() as u64);
        prop_assert_eq!(&counter.finish(), &expected);
    }
}
