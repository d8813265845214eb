//! Arrow and Parquet input: the same rows as a CSV give the same counts
//! through every path, in any partitioning; bad columns, cells and files
//! are errors that name the file, column and row.

mod bad_input;
mod equality;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow::array::{
    ArrayRef, DictionaryArray, LargeStringArray, RecordBatch, StringArray, StringViewArray,
};
use arrow::datatypes::Int32Type;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

/// How a text column is encoded in Arrow.
#[derive(Debug, Clone, Copy)]
pub enum Encoding {
    Utf8,
    Large,
    View,
    Dictionary,
}

/// A text column in an encoding; `None` is a null.
pub fn column(values: &[Option<&str>], encoding: Encoding) -> ArrayRef {
    match encoding {
        Encoding::Utf8 => Arc::new(values.iter().copied().collect::<StringArray>()),
        Encoding::Large => Arc::new(values.iter().copied().collect::<LargeStringArray>()),
        Encoding::View => Arc::new(values.iter().copied().collect::<StringViewArray>()),
        Encoding::Dictionary => Arc::new(
            values
                .iter()
                .copied()
                .collect::<DictionaryArray<Int32Type>>(),
        ),
    }
}

/// A batch of text columns, all in one encoding, no nulls.
pub fn batch(columns: &[(&str, &[&str])], encoding: Encoding) -> RecordBatch {
    RecordBatch::try_from_iter(columns.iter().map(|(name, values)| {
        let values: Vec<Option<&str>> = values.iter().map(|v| Some(*v)).collect();
        (name.to_string(), column(&values, encoding))
    }))
    .expect("columns of one length")
}

/// A fresh, empty folder under the temp directory.
pub fn temp_folder(name: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "positive-action-arrow-{}-{name}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).expect("the temp directory is writable");
    path
}

/// Writes batches (of one schema) as one Parquet file, each batch its own
/// row group when `groups` says so.
pub fn write_parquet(path: &std::path::Path, batches: &[RecordBatch], row_group_rows: usize) {
    let file = std::fs::File::create(path).expect("the temp directory is writable");
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(row_group_rows.max(1)))
        .build();
    let mut writer =
        ArrowWriter::try_new(file, batches[0].schema(), Some(properties)).expect("a valid schema");
    for batch in batches {
        writer.write(batch).expect("a batch of the schema");
    }
    writer.close().expect("the file is written");
}
