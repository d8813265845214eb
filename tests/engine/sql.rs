//! SQL and DataFrames over a registered Parquet folder, grouped by force
//! (and month), give the counts of the CSV and Arrow/Parquet paths, in
//! one partition or several.

use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext, col};
use positive_action::engine::{self, KeyedCounts};
use positive_action::io::{ArrowCounter, count_csv, count_parquet, count_parquet_unchecked};
use positive_action::{Counting, FunnelCounts};

use super::{Dataset, by, dataset, files_of, options, runtime, to_batch, to_csv, write_folder};

const BY_FORCE: &str = "SELECT force, funnel_counts(stage, outcome, sex, ethnicity) AS counts \
                        FROM applications GROUP BY force";

/// A context of `partitions` target partitions with the data set's
/// folder registered as `applications` and the function registered.
fn context(data: &Dataset, folder: &std::path::Path, partitions: usize) -> SessionContext {
    let ctx =
        SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
    engine::register(&ctx, &data.pipeline, &by());
    runtime()
        .block_on(ctx.register_parquet(
            "applications",
            folder.to_str().expect("a UTF-8 temp path"),
            ParquetReadOptions::default(),
        ))
        .expect("the folder registers");
    ctx
}

fn sql(ctx: &SessionContext, data: &Dataset, query: &str) -> KeyedCounts {
    let batches = runtime()
        .block_on(async { ctx.sql(query).await?.collect().await })
        .expect("the query runs");
    KeyedCounts::from_batches(&batches, &data.pipeline, &by()).expect("funnel counts")
}

/// Per force: the CSV path (journeys checked), the synthetic source, the
/// Parquet path per file merged, the unchecked Parquet counter and the
/// Arrow counter all agree; so must the engine.
fn expected(data: &Dataset, files: &[std::path::PathBuf]) -> Vec<(String, FunnelCounts)> {
    let options = options(&data.pipeline);
    data.forces
        .iter()
        .map(|(force, applications)| {
            let rows: Vec<_> = data.rows.iter().filter(|r| &r.force == force).collect();
            let csv = count_csv(
                to_csv(rows.iter().copied()).as_bytes(),
                &options,
                &by(),
                Counting::Applications,
            )
            .expect("valid journeys")
            .counts;
            assert_eq!(
                csv,
                FunnelCounts::from_applications(applications, &by(), Counting::Applications)
            );
            let mut parquet = FunnelCounts::empty(&data.pipeline, &by());
            for file in files_of(files, force) {
                let counted = count_parquet(file, &options, &by(), Counting::Applications)
                    .expect("valid journeys in each file");
                parquet.merge(&counted.counts).expect("one pipeline");
                let unchecked =
                    count_parquet_unchecked(file, &data.pipeline, &by()).expect("valid cells");
                assert_eq!(unchecked, counted.counts);
            }
            assert_eq!(parquet, csv);
            let mut arrow = ArrowCounter::new(&data.pipeline, &by());
            arrow
                .count_batch(&to_batch(rows.iter().copied()))
                .expect("valid cells");
            assert_eq!(arrow.finish(), csv);
            (force.clone(), csv)
        })
        .collect()
}

#[test]
fn sql_by_force_gives_the_csv_and_parquet_counts() {
    let data = dataset(400);
    let (folder, files) = write_folder(&data.rows, "sql-by-force", 256);
    let expected = expected(&data, &files);
    let ctx = context(&data, &folder, 1);
    let by_force = sql(&ctx, &data, BY_FORCE);
    assert_eq!(by_force.key_columns, ["force"]);
    assert!(!by_force.journeys_checked);
    assert_eq!(by_force.counts.len(), expected.len());
    for (force, counts) in &expected {
        assert_eq!(by_force.get(&[force]), Some(counts), "force {force}");
    }
    // And the total of the forces, as one query without grouping gives.
    let all = sql(
        &ctx,
        &data,
        "SELECT funnel_counts(stage, outcome, sex, ethnicity) FROM applications",
    );
    assert_eq!(all.key_columns, Vec::<String>::new());
    let total = by_force.total(&data.pipeline, &by()).expect("no overflow");
    assert_eq!(all.get(&[]), Some(&total));
    let csv = count_csv(
        to_csv(&data.rows).as_bytes(),
        &options(&data.pipeline),
        &by(),
        Counting::Applications,
    )
    .expect("valid journeys");
    assert_eq!(total, csv.counts);
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn several_partitions_and_groupings_give_the_same_counts() {
    let data = dataset(300);
    // Small row groups: many row groups per file, so many partitions.
    let (folder, files) = write_folder(&data.rows, "sql-partitions", 64);
    let expected = expected(&data, &files);
    let one = sql(&context(&data, &folder, 1), &data, BY_FORCE);
    for partitions in [2, 4, 7] {
        let ctx = context(&data, &folder, partitions);
        let many = sql(&ctx, &data, BY_FORCE);
        assert_eq!(many, one, "{partitions} partitions");
        // By force and month, merged back to forces.
        let by_month = sql(
            &ctx,
            &data,
            "SELECT force, month, funnel_counts(stage, outcome, sex, ethnicity) \
             FROM applications GROUP BY force, month ORDER BY month DESC",
        );
        assert_eq!(by_month.key_columns, ["force", "month"]);
        assert_eq!(by_month.counts.len(), 6);
        for (force, counts) in &expected {
            let mut merged = FunnelCounts::empty(&data.pipeline, &by());
            for (key, c) in &by_month.counts {
                if key[0].as_deref() == Some(force.as_str()) {
                    merged.merge(c).expect("one pipeline");
                }
            }
            assert_eq!(&merged, counts, "force {force}, {partitions} partitions");
        }
    }
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn the_dataframe_api_gives_the_same_counts() {
    let data = dataset(200);
    let (folder, files) = write_folder(&data.rows, "dataframe", 128);
    let expected = expected(&data, &files);
    let ctx = context(&data, &folder, 3);
    let funnel = engine::funnel_counts(&data.pipeline, &by());
    let batches = runtime()
        .block_on(async {
            ctx.table("applications")
                .await?
                .aggregate(
                    vec![col("force")],
                    vec![
                        funnel
                            .call(vec![
                                col("stage"),
                                col("outcome"),
                                col("sex"),
                                col("ethnicity"),
                            ])
                            .alias("counts"),
                    ],
                )?
                .collect()
                .await
        })
        .expect("the query runs");
    let by_force = KeyedCounts::from_batches(&batches, &data.pipeline, &by()).expect("counts");
    for (force, counts) in &expected {
        assert_eq!(by_force.get(&[force]), Some(counts), "force {force}");
    }
    let _ = std::fs::remove_dir_all(&folder);
}
