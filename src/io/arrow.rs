//! Arrow record batches in the long format: one row per candidate and
//! stage, with the columns the CSV format has (see the
//! [module docs](crate::io)).
//!
//! Two ways in:
//!
//! - [`read_arrow`] and [`count_arrow`] read the batches exactly as
//!   [`read_csv`](crate::io::read_csv) and [`count_csv`](crate::io::count_csv)
//!   read a CSV: every cell goes through the same reader, so the rules,
//!   strict and lenient modes, the stage order, the journey checks and
//!   the load report are the CSV reader's. Errors name the batch and the
//!   row (and, for Parquet, the file) instead of a line. In a
//!   [`LoadReport`](crate::io::LoadReport) of Arrow input, a
//!   [`SetAside::line`](crate::io::SetAside::line) is the row's number in
//!   the input, counting from 1 across batches (and files); its reason
//!   names the batch and row.
//! - [`ArrowCounter`] counts stage results straight from the stage,
//!   outcome and breakdown columns, one row at a time, mapping each
//!   dictionary value once. It checks every cell but not journeys (which
//!   need a candidate's rows together); its counts merge exactly in any
//!   partitioning, so it suits partitioned data and query engines.
//!
//! # Column types
//!
//! Every column may be `Utf8`, `LargeUtf8` or `Utf8View` text, or a
//! dictionary of them (any integer key). The candidate and application
//! columns may also be integers (an id `123` is the external id `"123"`),
//! and any column may be a `Date32`, `Date64` or timestamp (read as its
//! calendar date, `YYYY-MM-DD`), or all null (`Null`). A null cell is an
//! empty one: no date, no interventions, no category; in the candidate,
//! stage or outcome column it is an error naming the row, as an empty
//! cell is. Any other type is an [`Error::ArrowInput`] naming the column
//! and its type.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
    StringViewArray, UInt64Array,
};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Date32Type, Int64Type, UInt64Type};

use super::csv::{CsvCounts, CsvOptions, Loaded, Rows};
use crate::counts::funnel_counts::Counting;
use crate::error::{ArrowPlace, Error, Result, application_note, without_candidate};
use crate::records::breakdown::Breakdown;

mod count;

pub use count::ArrowCounter;

/// Reads candidates and journeys from Arrow record batches, as
/// [`read_csv`](crate::io::read_csv) reads a CSV: the first batch's
/// columns are the header, and every batch must have the same columns (in
/// any order).
///
/// ```
/// use std::sync::Arc;
/// use arrow::array::{ArrayRef, DictionaryArray, RecordBatch, StringArray};
/// use arrow::datatypes::Int32Type;
/// use positive_action::io::{read_arrow, CsvOptions};
///
/// let text = |v: &[&str]| Arc::new(StringArray::from(v.to_vec())) as ArrayRef;
/// let dict = |v: &[&str]| Arc::new(v.iter().copied().collect::<DictionaryArray<Int32Type>>()) as ArrayRef;
/// let batch = RecordBatch::try_from_iter([
///     ("candidate", text(&["APP-1", "APP-1", "APP-2"])),
///     ("stage", dict(&["sift", "interview", "sift"])),
///     ("outcome", dict(&["passed", "failed", "failed"])),
///     ("sex", dict(&["female", "female", "male"])),
/// ])?;
/// let loaded = read_arrow([batch], &CsvOptions::new())?;
/// assert_eq!(loaded.applications.pipeline().stages().len(), 2); // inferred
/// assert_eq!(loaded.external_id(1), Some("APP-2"));
///
/// // The CSV reader's rules, at the batch and row.
/// let bad = RecordBatch::try_from_iter([
///     ("candidate", text(&["APP-1"])),
///     ("stage", text(&["sift"])),
///     ("outcome", text(&["maybe"])),
/// ])?;
/// let err = read_arrow([bad], &CsvOptions::new()).unwrap_err();
/// assert!(err.to_string().starts_with("arrow batch 0, row 0, column outcome (candidate APP-1): unknown outcome"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// What [`read_csv`](crate::io::read_csv) gives, with rows named by
/// batch and row ([`Error::ArrowRow`]); no batches, a missing column, a
/// column of a type that is not text, or batches with different columns:
/// [`Error::ArrowInput`].
pub fn read_arrow(
    batches: impl IntoIterator<Item = RecordBatch>,
    options: &CsvOptions,
) -> Result<Loaded> {
    let mut feed = Feed::new(None, options);
    for batch in batches {
        feed.batch(&batch, None)?;
    }
    feed.finish()?.into_loaded(options)
}

/// Counts from Arrow record batches: the funnel counts and stage times by
/// a breakdown, as [`count_csv`](crate::io::count_csv) counts a CSV, with
/// every journey validated as [`read_arrow`] does.
///
/// ```
/// use std::sync::Arc;
/// use arrow::array::{ArrayRef, RecordBatch, StringArray};
/// use positive_action::io::{count_arrow, CsvOptions};
/// use positive_action::{Breakdown, Counting, Funnel, RateBasis};
///
/// let text = |v: &[&str]| Arc::new(StringArray::from(v.to_vec())) as ArrayRef;
/// let batch = RecordBatch::try_from_iter([
///     ("candidate", text(&["APP-1", "APP-1", "APP-2", "APP-2"])),
///     ("stage", text(&["application", "sift", "application", "sift"])),
///     ("outcome", text(&["passed", "passed", "passed", "failed"])),
///     ("sex", text(&["female", "female", "male", "male"])),
/// ])?;
/// let by_sex = Breakdown::parse(["sex"])?;
/// let counted = count_arrow([batch], &CsvOptions::new(), &by_sex, Counting::Applications)?;
/// let funnel = Funnel::new(&counted.counts, RateBasis::Decided)?;
/// assert_eq!(funnel.stages[1].total.pass_rate, Some(0.5)); // sift
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read_arrow`], and a breakdown characteristic no column holds
/// ([`Error::UnknownBreakdownColumn`]).
pub fn count_arrow(
    batches: impl IntoIterator<Item = RecordBatch>,
    options: &CsvOptions,
    breakdown: &Breakdown,
    counting: Counting,
) -> Result<CsvCounts> {
    let mut feed = Feed::new(None, options);
    for batch in batches {
        feed.batch(&batch, None)?;
    }
    feed.finish()?.count(options, breakdown, counting)
}

/// Where each batch's rows start among the input's rows, to name a row
/// by its batch (and file).
#[derive(Debug, Default)]
struct Places {
    /// The file or folder read, for Parquet input.
    source: Option<String>,
    /// Per batch: the number of its first row in the input (from 1), its
    /// file, its index in the file or the input (for Parquet, its row
    /// group's), and its first row's place in that.
    batches: Vec<(u64, Option<Arc<str>>, u64, u64)>,
}

impl Places {
    fn place(&self, line: u64) -> ArrowPlace {
        let i = self.batches.partition_point(|&(first, ..)| first <= line);
        match i.checked_sub(1).and_then(|i| self.batches.get(i)) {
            Some((first, file, batch, offset)) => ArrowPlace {
                file: file.as_deref().map(str::to_owned),
                batch: *batch,
                row: offset + (line - first),
            },
            None => ArrowPlace {
                file: None,
                batch: 0,
                row: line.saturating_sub(1),
            },
        }
    }

    /// An error of the CSV reader, in the words of Arrow input: rows by
    /// batch and row, the header as columns.
    fn reword(&self, error: Error) -> Error {
        let at = |line: u64| self.place(line);
        let row = |place, column: Option<String>, candidate, reason, kind| Error::ArrowRow {
            place: Box::new(place),
            column,
            candidate,
            reason,
            kind,
        };
        let input = |column: Option<String>, reason: String| Error::ArrowInput {
            file: self.source.clone(),
            column,
            reason,
        };
        match error {
            Error::CsvCell {
                line,
                column,
                candidate,
                reason,
            } => row(
                at(line),
                Some(column),
                candidate,
                reason.to_string(),
                "csv_cell",
            ),
            Error::CsvNotUtf8 { line, column } => row(
                at(line),
                Some(column),
                None,
                "not utf-8 text".to_owned(),
                "csv_not_utf8",
            ),
            Error::CsvRaggedRow {
                line,
                fields,
                expected,
            } => row(
                at(line),
                None,
                None,
                format!("{fields} cells, expected {expected}"),
                "csv_ragged_row",
            ),
            Error::CsvContradictoryCategory {
                candidate,
                column,
                first_line,
                line,
            } => row(
                at(line),
                Some(column),
                Some(candidate),
                format!(
                    "contradicts {}: expected the same category on every row of a candidate",
                    at(first_line)
                ),
                "csv_contradictory_category",
            ),
            Error::CsvDuplicateResult {
                candidate,
                application,
                stage,
                first_line,
                line,
            } => row(
                at(line),
                Some("stage".to_owned()),
                Some(candidate),
                format!(
                    "stage {stage}{} is also given at {}: expected one row per candidate and stage",
                    application_note(application.as_deref()),
                    at(first_line)
                ),
                "csv_duplicate_result",
            ),
            Error::CsvJourney {
                candidate,
                application,
                lines,
                reason,
            } => {
                let mut rows = String::new();
                for (i, &line) in lines.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "; " };
                    let _ = write!(rows, "{sep}{}", at(line));
                }
                let application = application
                    .map(|a| format!("application {a:?}: "))
                    .unwrap_or_default();
                row(
                    at(lines.first().copied().unwrap_or(0)),
                    None,
                    Some(candidate),
                    format!(
                        "{application}{} (the rows concerned: {rows})",
                        without_candidate(&reason)
                    ),
                    "csv_journey",
                )
            }
            Error::CsvSameCandidate {
                first,
                first_line,
                second,
                line,
            } => row(
                at(line),
                Some("candidate".to_owned()),
                Some(second),
                format!(
                    "the same uuid as candidate id {first:?} at {}: expected one id per candidate",
                    at(first_line)
                ),
                "csv_same_candidate",
            ),
            Error::CsvMissingColumn { column, header } => input(
                Some(column.to_owned()),
                format!(
                    "no such column: expected candidate, stage and outcome columns, found {}",
                    header.join(", ")
                ),
            ),
            Error::CsvBadColumn { name, reason, .. } => input(Some(name), reason.to_owned()),
            error @ Error::CsvNoRows { .. } => {
                let text = error.to_string();
                input(
                    None,
                    text.strip_prefix("csv input ").unwrap_or(&text).to_owned(),
                )
            }
            error => error,
        }
    }
}

/// Batches on their way into the CSV reader's rows.
pub(super) struct Feed<'o> {
    options: &'o CsvOptions,
    places: Arc<Mutex<Places>>,
    rows: Option<Rows>,
    /// The header: the first batch's column names.
    names: Vec<String>,
    /// Batches given so far.
    batches: u64,
    /// Rows read so far.
    lines: u64,
    /// The columns of the batch being read, in header order.
    columns: Vec<Column>,
}

impl<'o> Feed<'o> {
    /// A feed of batches, from the file or folder `source` if Parquet.
    pub(super) fn new(source: Option<String>, options: &'o CsvOptions) -> Self {
        Self {
            options,
            places: Arc::new(Mutex::new(Places {
                source,
                batches: Vec::new(),
            })),
            rows: None,
            names: Vec::new(),
            batches: 0,
            lines: 0,
            columns: Vec::new(),
        }
    }

    fn places(&self) -> std::sync::MutexGuard<'_, Places> {
        // Reading never panics while holding the lock.
        match self.places.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn input_error(&self, file: Option<&Arc<str>>, column: Option<&str>, reason: String) -> Error {
        Error::ArrowInput {
            file: file
                .map(|f| f.to_string())
                .or_else(|| self.places().source.clone()),
            column: column.map(str::to_owned),
            reason,
        }
    }

    /// Starts the reader from a schema's column names, if not started:
    /// a Parquet file with no rows still has its columns checked.
    pub(super) fn start(&mut self, names: Vec<String>) -> Result<()> {
        if self.rows.is_some() {
            return Ok(());
        }
        let places = Arc::clone(&self.places);
        let reword = Arc::new(move |error: Error| match places.lock() {
            Ok(places) => places.reword(error),
            Err(poisoned) => poisoned.into_inner().reword(error),
        });
        self.rows = Some(Rows::new(&names, self.options, reword)?);
        self.names = names;
        Ok(())
    }

    /// Reads every row of a batch given as such: its rows are named by
    /// its index among the batches.
    fn batch(&mut self, batch: &RecordBatch, file: Option<&Arc<str>>) -> Result<()> {
        let index = self.batches;
        self.batches += 1;
        self.rows_of(batch, file, index, 0)
    }

    /// Reads every row of a batch, naming them as rows `offset..` of
    /// batch (for Parquet, row group) `index` of `file`.
    pub(super) fn rows_of(
        &mut self,
        batch: &RecordBatch,
        file: Option<&Arc<str>>,
        index: u64,
        offset: u64,
    ) -> Result<()> {
        let schema = batch.schema();
        self.start(schema.fields().iter().map(|f| f.name().clone()).collect())?;
        if schema.fields().len() != self.names.len() {
            let found: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            return Err(self.input_error(
                file,
                None,
                format!(
                    "batch {} has the columns {}: expected the first batch's, {}",
                    self.batches,
                    found.join(", "),
                    self.names.join(", ")
                ),
            ));
        }
        self.columns.clear();
        for name in &self.names {
            let Some((i, _)) = schema.column_with_name(name) else {
                return Err(self.input_error(
                    file,
                    Some(name),
                    format!(
                        "missing from batch {index}: expected every batch to have the first batch's columns"
                    ),
                ));
            };
            let array = batch.column(i);
            let column = Column::new(array).ok_or_else(|| {
                self.input_error(
                    file,
                    Some(name),
                    format!(
                        "has type {}: expected text (Utf8, LargeUtf8, Utf8View or a dictionary of them), an integer id or a date",
                        array.data_type()
                    ),
                )
            })?;
            self.columns.push(column);
        }
        let first = self.lines + 1;
        self.places()
            .batches
            .push((first, file.cloned(), index, offset));
        let before = self.lines;
        let Some(rows) = self.rows.as_mut() else {
            return Ok(());
        };
        for r in 0..batch.num_rows() {
            for column in &self.columns {
                column.write(r, rows.cell_buffer());
                rows.end_cell();
            }
            self.lines += 1;
            rows.end_row(self.lines)?;
        }
        self.options.tell_progress(before, self.lines, 0);
        Ok(())
    }

    /// The rows read, to settle.
    pub(super) fn finish(self) -> Result<Rows> {
        let source = self.places().source.clone();
        self.rows.ok_or(Error::ArrowInput {
            file: source,
            column: None,
            reason: "no record batches: expected at least one, to name the columns".to_owned(),
        })
    }
}

/// A column of a batch as text cells.
struct Column {
    text: Text,
    nulls: Option<NullBuffer>,
}

enum Text {
    Utf8(StringArray),
    Large(LargeStringArray),
    View(StringViewArray),
    Int(Int64Array),
    UInt(UInt64Array),
    Date(Date32Array),
    Null,
    Dict { keys: Vec<usize>, values: Box<Text> },
}

impl Column {
    /// The column, or none for a type that is not read as text.
    fn new(array: &ArrayRef) -> Option<Self> {
        Some(Self {
            text: Text::of(array)?,
            nulls: array.logical_nulls(),
        })
    }

    /// Writes row `i`'s cell (nothing for a null).
    fn write(&self, i: usize, out: &mut Vec<u8>) {
        if self.nulls.as_ref().is_some_and(|n| n.is_null(i)) {
            return;
        }
        self.text.write(i, out);
    }
}

impl Text {
    fn of(array: &ArrayRef) -> Option<Self> {
        use DataType as T;
        let cast = |to: &DataType| arrow::compute::cast(array, to).ok();
        Some(match array.data_type() {
            T::Utf8 => Self::Utf8(array.as_string::<i32>().clone()),
            T::LargeUtf8 => Self::Large(array.as_string::<i64>().clone()),
            T::Utf8View => Self::View(array.as_string_view().clone()),
            T::Int8 | T::Int16 | T::Int32 | T::Int64 => {
                Self::Int(cast(&T::Int64)?.as_primitive::<Int64Type>().clone())
            }
            T::UInt8 | T::UInt16 | T::UInt32 | T::UInt64 => {
                Self::UInt(cast(&T::UInt64)?.as_primitive::<UInt64Type>().clone())
            }
            T::Date32 => Self::Date(array.as_primitive::<Date32Type>().clone()),
            T::Date64 | T::Timestamp(_, _) => {
                Self::Date(cast(&T::Date32)?.as_primitive::<Date32Type>().clone())
            }
            T::Null => Self::Null,
            T::Dictionary(_, _) => {
                let dictionary = array.as_any_dictionary_opt()?;
                if dictionary.values().is_empty() {
                    // No values: every row is null (normalizing keys
                    // into no values would panic).
                    Self::of(dictionary.values())?;
                    return Some(Self::Null);
                }
                Self::Dict {
                    keys: dictionary.normalized_keys(),
                    values: Box::new(Self::of(dictionary.values())?),
                }
            }
            _ => return None,
        })
    }

    fn write(&self, i: usize, out: &mut Vec<u8>) {
        match self {
            Self::Utf8(a) => out.extend_from_slice(a.value(i).as_bytes()),
            Self::Large(a) => out.extend_from_slice(a.value(i).as_bytes()),
            Self::View(a) => out.extend_from_slice(a.value(i).as_bytes()),
            Self::Int(a) => {
                let _ = std::io::Write::write_fmt(out, format_args!("{}", a.value(i)));
            }
            Self::UInt(a) => {
                let _ = std::io::Write::write_fmt(out, format_args!("{}", a.value(i)));
            }
            Self::Date(a) => write_date(a.value(i), out),
            Self::Null => {}
            Self::Dict { keys, values } => {
                if let Some(&k) = keys.get(i) {
                    // A key past the values (only at a null, which is
                    // never written) writes nothing.
                    if k < values.len() {
                        values.write(k, out);
                    }
                }
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Utf8(a) => a.len(),
            Self::Large(a) => a.len(),
            Self::View(a) => a.len(),
            Self::Int(a) => a.len(),
            Self::UInt(a) => a.len(),
            Self::Date(a) => a.len(),
            Self::Null => 0,
            Self::Dict { keys, .. } => keys.len(),
        }
    }
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (a year past 9999, or before
/// year 0, is written as it is, and the date reader refuses it).
fn write_date(days: i32, out: &mut Vec<u8>) {
    use chrono::Datelike;
    let date = chrono::NaiveDate::from_num_days_from_ce_opt(days.saturating_add(719_163));
    let _ = match date {
        Some(d) => std::io::Write::write_fmt(
            out,
            format_args!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        ),
        None => std::io::Write::write_fmt(out, format_args!("{days} days after 1970-01-01")),
    };
}
