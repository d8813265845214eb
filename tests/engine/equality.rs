//! Proof of equality: any partitioning of a data set into files, row
//! groups, batches and engine partitions, merged in any order, gives
//! exactly the counts of one pass; the CSV, Arrow, Parquet and DataFusion
//! paths agree to the count.

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringArray};
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use positive_action::engine::{self, KeyedCounts};
use positive_action::io::{
    ArrowCounter, CsvOptions, count_arrow, count_csv, count_parquet, count_parquet_unchecked,
};
use positive_action::{Breakdown, Counting, FunnelCounts, Pipeline, PipelineKind};
use proptest::prelude::*;

use super::runtime;
use crate::arrow::{temp_folder, write_parquet};

const STAGES: [&str; 4] = ["application", "sift", "interview", "offer"];
const SEX: [&str; 4] = ["female", "male", "", "prefer not to say"];
const ETHNICITY: [&str; 4] = ["White", "Black", "Asian", ""];
const LAST: [&str; 4] = ["failed", "withdrew", "pending", "passed"];

/// One row: candidate, stage, outcome, sex, ethnicity.
type Row = [String; 5];

/// Valid journeys (a prefix of the stages, passed until the last), each
/// row carrying its candidate's categories, rows in any order.
fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec((1usize..=4, 0usize..4, 0usize..4, 0usize..4), 1..60)
        .prop_map(|candidates| {
            let mut rows = Vec::new();
            for (i, (len, last, sex, ethnicity)) in candidates.into_iter().enumerate() {
                for (s, stage) in STAGES.iter().take(len).enumerate() {
                    let outcome = if s + 1 < len { "passed" } else { LAST[last] };
                    rows.push([
                        format!("APP-{i:03}"),
                        (*stage).to_owned(),
                        outcome.to_owned(),
                        SEX[sex].to_owned(),
                        ETHNICITY[ethnicity].to_owned(),
                    ]);
                }
            }
            rows
        })
        .prop_shuffle()
}

const COLUMNS: [&str; 5] = ["candidate", "stage", "outcome", "sex", "ethnicity"];

fn to_csv(rows: &[Row]) -> String {
    let mut csv = COLUMNS.join(",") + "\n";
    for row in rows {
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    csv
}

/// The rows as a batch, with a `bucket` column that puts each candidate
/// in one of `buckets` (a characteristic, for the validated paths, so
/// one value per candidate).
fn to_batch(rows: &[Row], buckets: usize) -> RecordBatch {
    let mut columns: Vec<(String, ArrayRef)> = COLUMNS
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let values: Vec<&str> = rows.iter().map(|r| r[c].as_str()).collect();
            (
                (*name).to_owned(),
                Arc::new(StringArray::from(values)) as ArrayRef,
            )
        })
        .collect();
    let bucket: Vec<String> = rows
        .iter()
        .map(|r| {
            let n: usize = r[0].trim_start_matches("APP-").parse().expect("APP-number");
            format!("bucket-{}", n % buckets)
        })
        .collect();
    columns.push(("bucket".to_owned(), Arc::new(StringArray::from(bucket))));
    RecordBatch::try_from_iter(columns).expect("columns of one length")
}

fn pipeline() -> Pipeline {
    Pipeline::new("force year", PipelineKind::Recruitment, STAGES).expect("valid stages")
}

fn by() -> Breakdown {
    Breakdown::parse(["sex", "ethnicity"]).expect("valid breakdown")
}

/// The rows cut where `cuts` says, at least one row a part.
fn cut(rows: &[Row], cuts: &[bool]) -> Vec<Vec<Row>> {
    let mut parts = vec![Vec::new()];
    for (i, row) in rows.iter().enumerate() {
        parts
            .last_mut()
            .expect("one part at least")
            .push(row.clone());
        if cuts[i % cuts.len()] && i + 1 < rows.len() {
            parts.push(Vec::new());
        }
    }
    parts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn every_path_and_partitioning_gives_the_counts_of_one_pass(
        rows in rows(),
        cuts in prop::collection::vec(prop::bool::weighted(0.15), 64),
        row_group_rows in 1usize..20,
        partitions in 1usize..5,
        buckets in 1usize..5,
        order in any::<u64>(),
    ) {
        let options = CsvOptions::new().stages(STAGES).name("force year");
        let one_pass = count_csv(to_csv(&rows).as_bytes(), &options, &by(), Counting::Applications)
            .expect("valid journeys")
            .counts;

        // Arrow: the whole as batches, validated; and a counter per part,
        // merged in a shuffled order.
        let parts = cut(&rows, &cuts);
        let batches: Vec<RecordBatch> = parts.iter().map(|p| to_batch(p, buckets)).collect();
        let arrow = count_arrow(batches.clone(), &options, &by(), Counting::Applications)
            .expect("valid journeys");
        prop_assert_eq!(&arrow.counts, &one_pass);
        let mut counters: Vec<ArrowCounter> = batches
            .iter()
            .map(|b| {
                let mut counter = ArrowCounter::new(&pipeline(), &by());
                counter.count_batch(b).map(|()| counter)
            })
            .collect::<Result<_, _>>()
            .expect("valid cells");
        let mut merged = ArrowCounter::new(&pipeline(), &by());
        let mut state = order;
        while !counters.is_empty() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let next = counters.swap_remove((state >> 33) as usize % counters.len());
            merged.merge(&next).expect("one pipeline");
        }
        prop_assert_eq!(merged.finish(), one_pass.clone());

        // Parquet: a file per part, in row groups.
        let folder = temp_folder("engine-equality");
        for (i, batch) in batches.iter().enumerate() {
            write_parquet(&folder.join(format!("part-{i:03}.parquet")), std::slice::from_ref(batch), row_group_rows);
        }
        let parquet = count_parquet(&folder, &options, &by(), Counting::Applications)
            .expect("valid journeys");
        prop_assert_eq!(&parquet.counts, &one_pass);
        prop_assert_eq!(count_parquet_unchecked(&folder, &pipeline(), &by()).expect("valid cells"), one_pass.clone());

        // DataFusion: in `partitions` partitions, the whole at once, and
        // per bucket merged in a shuffled order.
        let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
        engine::register(&ctx, &pipeline(), &by());
        let (whole, per_part) = runtime()
            .block_on(async {
                ctx.register_parquet("applications", folder.to_str().expect("UTF-8"), ParquetReadOptions::default()).await?;
                let whole = ctx
                    .sql("SELECT funnel_counts(stage, outcome, sex, ethnicity) FROM applications")
                    .await?
                    .collect()
                    .await?;
                let per_part = ctx
                    .sql("SELECT bucket, funnel_counts(stage, outcome, sex, ethnicity) FROM applications GROUP BY bucket")
                    .await?
                    .collect()
                    .await?;
                Ok::<_, datafusion::error::DataFusionError>((whole, per_part))
            })
            .expect("the queries run");
        let whole = KeyedCounts::from_batches(&whole, &pipeline(), &by()).expect("counts");
        prop_assert_eq!(whole.get(&[]), Some(&one_pass));
        let per_part = KeyedCounts::from_batches(&per_part, &pipeline(), &by()).expect("counts");
        prop_assert!(per_part.counts.len() <= buckets);
        let mut pieces: Vec<&FunnelCounts> = per_part.counts.values().collect();
        let mut total = FunnelCounts::empty(&pipeline(), &by());
        let mut state = order ^ 0x9e37_79b9_7f4a_7c15;
        while !pieces.is_empty() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let next = pieces.swap_remove((state >> 33) as usize % pieces.len());
            total.merge(next).expect("one pipeline");
        }
        prop_assert_eq!(total, one_pass);
        let _ = std::fs::remove_dir_all(&folder);
    }
}
