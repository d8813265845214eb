//! Parquet files, and folders of them, in the long format.
//!
//! A path is one `.parquet` file, or a folder: every `.parquet` file in it
//! and its subfolders (a partitioned data set such as
//! `force=01/month=2025-04/part-0.parquet`), in path order, skipping names
//! that start with `.` or `_` (`_SUCCESS`, `.crc` files). Each file is read
//! by the `parquet` crate's Arrow reader and its record batches go where
//! [`read_arrow`](crate::io::read_arrow)'s go. Rows are named by file, row
//! group and row.
//!
//! # Hostile files
//!
//! A corrupt or crafted file is an [`Error::ArrowInput`] naming it. Before
//! the `parquet` crate reads a footer, the footer is walked once and
//! refused if a list in it claims more elements than it has bytes, or more
//! values than its length can hold (the crate skips a boolean in a list as
//! no bytes, so a 4.6 kB footer could run for minutes), or if a field the
//! Parquet schema names is declared with another encoding (the crate reads
//! such a field by the schema, and from there skips other bytes than the
//! walk saw). Every column chunk must lie within the file, and its page
//! headers are walked the same way, page to page, before any is decoded.
//! The crate reads through a file whose readers fail at its end (over a
//! plain file, skipping a field past the end was billions of empty reads).
//! The Arrow schema a writer may embed is not read (the columns' types come
//! from the Parquet schema).
//!
//! The crate (59.3) still panics on many corrupt data pages; such a panic
//! is caught and returned as an error naming the file and row group, though
//! the process's panic hook still prints it, and under `panic = "abort"` it
//! ends the process.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};

use super::arrow::{ArrowCounter, Feed};
use super::csv::{CsvCounts, CsvOptions, Loaded};
use crate::counts::funnel_counts::{Counting, FunnelCounts};
use crate::error::{ArrowPlace, Error, Result};
use crate::records::breakdown::Breakdown;
use crate::records::pipeline::Pipeline;

mod footer;
mod schema;
mod strict;

use strict::StrictFile;

/// Rows per record batch read.
const BATCH_ROWS: usize = 1 << 16;

/// Reads candidates and journeys from a Parquet file or a folder of them,
/// as [`read_csv_path`](crate::io::read_csv_path) reads a CSV file: the
/// columns of the first file are the header, every file must have them
/// (in any order), and the pipeline is named after the file or folder
/// unless [`CsvOptions::name`] says otherwise.
///
/// ```no_run
/// use positive_action::io::{read_parquet, CsvOptions};
///
/// let loaded = read_parquet("applications/2025", &CsvOptions::new())?;
/// println!("{} journeys", loaded.applications.journeys().len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read_arrow`](crate::io::read_arrow), rows named by file, row
/// group and row; a path that cannot be read or listed, a folder with no
/// Parquet file, or a file that is not Parquet (or is cut short):
/// [`Error::ArrowInput`] naming it.
pub fn read_parquet(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Loaded> {
    let path = path.as_ref();
    let options = options.named_after(path);
    feed(path, &options)?.into_loaded(&options)
}

/// Counts from a Parquet file or a folder of them, as
/// [`count_csv_path`](crate::io::count_csv_path) counts a CSV file, with
/// every journey validated as [`read_parquet`] does.
///
/// ```no_run
/// use positive_action::io::{count_parquet, CsvOptions};
/// use positive_action::{Breakdown, Counting};
///
/// let by = Breakdown::parse(["sex", "ethnicity"])?;
/// let counted = count_parquet("applications/2025", &CsvOptions::new(), &by, Counting::Applications)?;
/// println!("{} rows used", counted.load.rows_used);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read_parquet`], and a breakdown characteristic no column holds.
pub fn count_parquet(
    path: impl AsRef<Path>,
    options: &CsvOptions,
    breakdown: &Breakdown,
    counting: Counting,
) -> Result<CsvCounts> {
    let path = path.as_ref();
    let options = options.named_after(path);
    feed(path, &options)?.count(&options, breakdown, counting)
}

/// Counts stage results from a Parquet file or a folder of them with an
/// [`ArrowCounter`]: only the stage, outcome and breakdown columns are
/// read, as dictionaries, on every core, and every cell is checked, but
/// journeys are not (see [`ArrowCounter`]). The fast way from a large
/// data set to the funnel, when the journeys are known to be valid.
///
/// ```no_run
/// use positive_action::io::count_parquet_unchecked;
/// use positive_action::{Breakdown, Pipeline};
///
/// let pipeline = Pipeline::police_constable_recruitment("PC recruitment 2025");
/// let by = Breakdown::parse(["sex", "ethnicity"])?;
/// let counts = count_parquet_unchecked("applications/2025", &pipeline, &by)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read_parquet`] for the path and files; as
/// [`ArrowCounter::count_batch`] for the cells, naming file, row group and
/// row.
pub fn count_parquet_unchecked(
    path: impl AsRef<Path>,
    pipeline: &Pipeline,
    breakdown: &Breakdown,
) -> Result<FunnelCounts> {
    let path = path.as_ref();
    let files = parquet_files(path)?;
    // Every row group of every file is a unit of work.
    let mut units: Vec<(Arc<str>, ArrowReaderMetadata, Vec<usize>, usize)> = Vec::new();
    let mut wanted = vec!["stage".to_owned(), "outcome".to_owned()];
    wanted.extend(
        breakdown
            .characteristics()
            .iter()
            .map(|c| c.name().to_owned()),
    );
    for file in &files {
        let shown: Arc<str> = file.display().to_string().into();
        let metadata = metadata(file, &shown, Some(&wanted))?;
        let schema = metadata.schema();
        let columns: Vec<usize> = wanted
            .iter()
            .filter_map(|w| find_column(schema, w))
            .collect();
        for group in 0..metadata.metadata().num_row_groups() {
            units.push((Arc::clone(&shown), metadata.clone(), columns.clone(), group));
        }
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(8)
        .min(units.len())
        .max(1);
    let count_units = |share: &[(Arc<str>, ArrowReaderMetadata, Vec<usize>, usize)]| {
        let mut counter = ArrowCounter::new(pipeline, breakdown);
        for (shown, metadata, columns, group) in share {
            guarded(shown, &format!("row group {group}"), || {
                let file = File::open(shown.as_ref()).map_err(|e| unreadable(shown, &e))?;
                let mask =
                    ProjectionMask::roots(metadata.parquet_schema(), columns.iter().copied());
                let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(
                    StrictFile(file),
                    metadata.clone(),
                )
                .with_projection(mask)
                .with_row_groups(vec![*group])
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| not_parquet(shown, &e.to_string()))?;
                let mut offset = 0u64;
                for batch in reader {
                    let batch =
                        batch.map_err(|e| cut_short(shown, *group, offset, &e.to_string()))?;
                    counter.count_batch(&batch).map_err(|e| match e {
                        Error::ArrowRow {
                            place,
                            column,
                            candidate,
                            reason,
                            kind,
                        } => Error::ArrowRow {
                            place: Box::new(ArrowPlace {
                                file: Some(shown.to_string()),
                                batch: *group as u64,
                                row: offset + place.row,
                            }),
                            column,
                            candidate,
                            reason,
                            kind,
                        },
                        Error::ArrowInput { column, reason, .. } => Error::ArrowInput {
                            file: Some(shown.to_string()),
                            column,
                            reason,
                        },
                        error => Error::InFile {
                            path: shown.to_string(),
                            error: Box::new(error),
                        },
                    })?;
                    offset += batch.num_rows() as u64;
                }
                Ok(())
            })?;
        }
        Ok::<_, Error>(counter)
    };
    let per_thread = units.len().div_ceil(threads).max(1);
    let counters: Vec<Result<ArrowCounter>> = if threads < 2 {
        vec![count_units(&units)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = units
                .chunks(per_thread)
                .map(|share| std::thread::Builder::new().spawn_scoped(scope, || count_units(share)))
                .collect();
            handles
                .into_iter()
                .zip(units.chunks(per_thread))
                .map(|(handle, share)| match handle {
                    Ok(handle) => handle
                        .join()
                        .unwrap_or_else(|payload| std::panic::resume_unwind(payload)),
                    // No thread to be had: do it here.
                    Err(_) => count_units(share),
                })
                .collect()
        })
    };
    let mut total = ArrowCounter::new(pipeline, breakdown);
    for counter in counters {
        total.merge(&counter?)?;
    }
    Ok(total.finish())
}

/// The Parquet files at `path`, each checked as every reader here checks
/// a file before reading it (footer, page headers, column chunks within
/// the file), for an engine that reads them itself.
#[cfg(feature = "datafusion")]
pub(crate) fn checked_parquet_files(path: &Path) -> Result<Vec<PathBuf>> {
    let files = parquet_files(path)?;
    for file in &files {
        let shown: Arc<str> = file.display().to_string().into();
        metadata(file, &shown, None)?;
    }
    Ok(files)
}

/// Every row of every file, fed to the CSV reader's rows.
fn feed(path: &Path, options: &CsvOptions) -> Result<super::csv::Rows> {
    let files = parquet_files(path)?;
    let mut feed = Feed::new(Some(path.display().to_string()), options);
    for file in &files {
        let shown: Arc<str> = file.display().to_string().into();
        let metadata = metadata(file, &shown, None)?;
        feed.start(
            metadata
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect(),
        )?;
        for group in 0..metadata.metadata().num_row_groups() {
            guarded(&shown, &format!("row group {group}"), || {
                let handle = File::open(file).map_err(|e| unreadable(&shown, &e))?;
                let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(
                    StrictFile(handle),
                    metadata.clone(),
                )
                .with_row_groups(vec![group])
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| not_parquet(&shown, &e.to_string()))?;
                let mut offset = 0u64;
                for batch in reader {
                    let batch =
                        batch.map_err(|e| cut_short(&shown, group, offset, &e.to_string()))?;
                    feed.rows_of(&batch, Some(&shown), group as u64, offset)?;
                    offset += batch.num_rows() as u64;
                }
                Ok(())
            })?;
        }
    }
    feed.finish()
}

/// The Parquet files at `path`: itself, or those in the folder and its
/// subfolders, in path order.
fn parquet_files(path: &Path) -> Result<Vec<PathBuf>> {
    let shown = path.display().to_string();
    let cannot = |reason: String| Error::ArrowInput {
        file: Some(shown.clone()),
        column: None,
        reason,
    };
    let metadata =
        std::fs::metadata(path).map_err(|e| cannot(format!("cannot read: {}", lower(&e))))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut files = Vec::new();
    let mut folders = vec![path.to_owned()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| Error::ArrowInput {
            file: Some(folder.display().to_string()),
            column: None,
            reason: format!("cannot list the folder: {}", lower(&e)),
        })?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::ArrowInput {
                file: Some(folder.display().to_string()),
                column: None,
                reason: format!("cannot list the folder: {}", lower(&e)),
            })?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name.starts_with('_') {
                continue;
            }
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if name.ends_with(".parquet") {
                files.push(path);
            }
        }
    }
    if files.is_empty() {
        return Err(cannot(
            "a folder with no .parquet file: expected a parquet file, or a folder of them"
                .to_owned(),
        ));
    }
    files.sort();
    Ok(files)
}

/// A file's Parquet metadata and Arrow schema. With `dictionaries`, those
/// of its text columns are read as dictionaries, as Parquet stores them.
fn metadata(
    file: &Path,
    shown: &Arc<str>,
    dictionaries: Option<&[String]>,
) -> Result<ArrowReaderMetadata> {
    let handle = File::open(file).map_err(|e| unreadable(shown, &e))?;
    let length = handle.metadata().map_err(|e| unreadable(shown, &e))?.len();
    footer::check(&handle, length).map_err(|reason| not_parquet(shown, &reason))?;
    let metadata = guarded(shown, "the footer", || {
        ArrowReaderMetadata::load(&handle, reader_options())
            .map_err(|e| not_parquet(shown, &e.to_string()))
    })?;
    chunks_within(&metadata, &handle, length, shown)?;
    let Some(wanted) = dictionaries else {
        return Ok(metadata);
    };
    let schema = metadata.schema();
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| {
            let is_wanted = wanted.iter().any(|w| same_name(f.name(), w));
            match f.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View if is_wanted => {
                    f.as_ref().clone().with_data_type(DataType::Dictionary(
                        Box::new(DataType::Int32),
                        Box::new(DataType::Utf8),
                    ))
                }
                _ => f.as_ref().clone(),
            }
        })
        .collect();
    let hinted = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    ArrowReaderMetadata::try_new(
        Arc::clone(metadata.metadata()),
        reader_options().with_schema(hinted),
    )
    // A file whose columns cannot be read as dictionaries is read as is.
    .or(Ok(metadata))
}

/// How every file is opened. The Arrow schema a writer may embed in the
/// file's metadata is not read: the columns' types come from the Parquet
/// schema, which gives every type the reader takes (text, integers,
/// dates, timestamps), and the embedded schema's decoder (`arrow-ipc`)
/// panics on many a corrupt one.
fn reader_options() -> ArrowReaderOptions {
    ArrowReaderOptions::new().with_skip_arrow_metadata(true)
}

/// Every column chunk's bytes lie within the file, and its page headers
/// are of plausible shape. The `parquet` crate trusts the footer's offsets
/// and sizes and panics on a negative one, and reads page headers with the
/// Thrift reader whose slowness on a hostile footer [`footer::check`]
/// bounds; so a corrupt chunk is refused here, naming the row group and
/// column.
fn chunks_within(
    metadata: &ArrowReaderMetadata,
    file: &File,
    length: u64,
    shown: &Arc<str>,
) -> Result<()> {
    for (g, group) in metadata.metadata().row_groups().iter().enumerate() {
        for column in group.columns() {
            let start = column
                .dictionary_page_offset()
                .unwrap_or_else(|| column.data_page_offset());
            let size = column.compressed_size();
            let within = u64::try_from(start)
                .ok()
                .zip(u64::try_from(size).ok())
                .and_then(|(start, size)| start.checked_add(size))
                .is_some_and(|end| end <= length);
            if !within {
                return Err(not_parquet(
                    shown,
                    &format!(
                        "row group {g}, column {}: its data is said to take {size} bytes from byte {start}, outside the file's {length} bytes",
                        column.column_descr().name()
                    ),
                ));
            }
            // Both fit in u64: checked just above.
            footer::check_pages(file, start as u64, size as u64).map_err(|reason| {
                not_parquet(
                    shown,
                    &format!(
                        "row group {g}, column {}: {reason}",
                        column.column_descr().name()
                    ),
                )
            })?;
        }
    }
    Ok(())
}

/// Runs the reading of one part of a file (its footer, a row group), turning a panic of the `parquet` crate
/// on a corrupt file it did not check (there should be none left, see
/// [`chunks_within`]) into an error naming the file and row group, so no
/// file can take the caller down. With `panic = "abort"` it cannot help.
fn guarded<T>(shown: &Arc<str>, part: &str, read: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Err(Error::ArrowInput {
            file: Some(shown.to_string()),
            column: None,
            reason: format!(
                "{part} is corrupt: the parquet reader failed on it ({message}): expected a whole parquet file"
            ),
        })
    })
}

fn same_name(name: &str, wanted: &str) -> bool {
    name == wanted || name.trim().to_lowercase() == wanted.trim().to_lowercase()
}

/// The index of the column named `wanted` (or so ignoring case).
fn find_column(schema: &Schema, wanted: &str) -> Option<usize> {
    let fields = schema.fields();
    fields
        .iter()
        .position(|f| f.name() == wanted)
        .or_else(|| fields.iter().position(|f| same_name(f.name(), wanted)))
}

fn lower(error: &std::io::Error) -> String {
    let text = error.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

fn unreadable(shown: &Arc<str>, error: &std::io::Error) -> Error {
    Error::ArrowInput {
        file: Some(shown.to_string()),
        column: None,
        reason: format!("cannot read: {}", lower(error)),
    }
}

fn not_parquet(shown: &Arc<str>, reason: &str) -> Error {
    Error::ArrowInput {
        file: Some(shown.to_string()),
        column: None,
        reason: format!("not a readable parquet file ({reason}): expected a parquet file"),
    }
}

fn cut_short(shown: &Arc<str>, group: usize, offset: u64, reason: &str) -> Error {
    Error::ArrowInput {
        file: Some(shown.to_string()),
        column: None,
        reason: format!(
            "row group {group} cannot be read after row {offset} ({reason}): expected a whole parquet file"
        ),
    }
}
