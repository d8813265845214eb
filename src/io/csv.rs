//! Long-format CSV input: one row per candidate and stage.
//!
//! Records are split from the input on every core ([`batch`]) and decoded
//! here in input order. Stage names, outcomes, categories and intervention
//! lists are interned from their raw bytes, so a cell costs a comparison,
//! not an allocation; the candidate id is the only cell hashed, and not
//! even that when a row belongs to the same candidate as the row before.
//! Rows are kept as small fixed-size records; journeys are settled,
//! checked and then built or counted once every row is in ([`settle`]).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use super::intern::{Interner, KeyTable, same};
use super::order::{self, Edges, Sorted};
pub use crate::error::{OrderConflict, SetAside};

mod batch;
mod settle;

use self::batch::Fields;
use crate::counts::funnel_counts::{Counting, FunnelCounts};
use crate::counts::stage_time::StageTimes;
use crate::error::limits::{MAX_COLUMNS, MAX_HEADER_BYTES};
use crate::error::{Error, Result};
use crate::records::applications::Applications;
use crate::records::breakdown::Breakdown;
use crate::records::characteristic::{Category, Characteristic};
use crate::records::journey::Outcome;
use crate::records::pipeline::{MAX_STAGES, Pipeline, PipelineKind, Stage};

/// "Nothing here" in the `u32` indices below.
const NONE: u32 = u32::MAX;

/// How a load treats bad input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Mode {
    /// The first bad row or journey stops the load with an error naming its
    /// line, column and candidate.
    #[default]
    Strict,
    /// Bad rows, and the other rows of their journeys, are set aside with
    /// their line and reason, and the rest is loaded.
    Lenient,
}

/// Where the stage order of a load came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum StageOrder {
    /// Given: [`CsvOptions::stages`] or [`CsvOptions::pipeline`].
    #[default]
    Given,
    /// Inferred from the order candidates went through the stages.
    Inferred,
    /// Inferred, but the journeys leave two neighbouring stages unordered
    /// (no candidate went from one straight to the other), so they keep
    /// the order they first appear in the file. Lenient mode only: strict
    /// mode refuses with [`Error::AmbiguousStageOrder`](crate::Error::AmbiguousStageOrder).
    InferredWithTies,
}

/// How far a load has read, passed to the [`CsvOptions::progress`]
/// callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Data rows read so far (the header is not a row).
    pub rows_read: u64,
    /// Bytes read so far: compare with the file's size for a percentage.
    pub bytes_read: u64,
}

type Callback = Arc<dyn Fn(Progress) + Send + Sync>;

#[derive(Clone)]
struct ProgressHook {
    every: u64,
    callback: Callback,
}

#[derive(Debug, Clone)]
enum Order {
    Infer,
    Stages(Vec<String>),
    Pipeline(Pipeline),
}

/// How to read a CSV: the stage order, strict or lenient, and progress.
///
/// Options take and return `self`, so they chain. A [`Pipeline`] converts
/// into options that use its stages, name and kind.
///
/// ```
/// use positive_action::io::{CsvOptions, Mode};
/// use positive_action::PipelineKind;
///
/// let options = CsvOptions::new()
///     .stages(["application", "sift", "interview"])
///     .name("PC recruitment 2025")
///     .kind(PipelineKind::Recruitment)
///     .mode(Mode::Lenient)
///     .progress(1_000_000, |p| eprintln!("{} rows read", p.rows_read));
/// assert_eq!(options.get_mode(), Mode::Lenient);
/// ```
#[derive(Clone)]
pub struct CsvOptions {
    order: Order,
    name: Option<String>,
    kind: PipelineKind,
    mode: Mode,
    progress: Option<ProgressHook>,
    fold_labels: bool,
}

impl CsvOptions {
    /// Strict, with the stage order inferred, a recruitment pipeline named
    /// after the file (or "csv input"), and no progress callback.
    pub fn new() -> Self {
        Self {
            order: Order::Infer,
            name: None,
            kind: PipelineKind::Recruitment,
            mode: Mode::Strict,
            progress: None,
            fold_labels: false,
        }
    }

    /// Use these stages, in this order (a CLI's `--stages a,b,c`). A row
    /// naming another stage is an error. The names are validated when the
    /// CSV is read: blank or repeated names are an error then.
    pub fn stages<S: AsRef<str>>(mut self, stages: impl IntoIterator<Item = S>) -> Self {
        self.order = Order::Stages(stages.into_iter().map(|s| s.as_ref().to_owned()).collect());
        self
    }

    /// Use this pipeline: its stages, in its order, and its name and kind
    /// (which then override [`CsvOptions::name`] and [`CsvOptions::kind`]).
    pub fn pipeline(mut self, pipeline: Pipeline) -> Self {
        self.order = Order::Pipeline(pipeline);
        self
    }

    /// Infer the stage order from the candidates' sequences (the default).
    pub fn infer_stages(mut self) -> Self {
        self.order = Order::Infer;
        self
    }

    /// The pipeline's name.
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// The pipeline's kind (recruitment by default).
    pub fn kind(mut self, kind: PipelineKind) -> Self {
        self.kind = kind;
        self
    }

    /// Strict (the default) or lenient.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Treat category labels that differ only by case or by invisible
    /// characters ("White" and "white", "Black" and "Black" followed by a
    /// zero-width space) as one category, spelled as first seen. Without
    /// it they stay separate groups. Either way
    /// [`LoadReport::label_warnings`] names each such pair.
    ///
    /// ```
    /// use positive_action::io::{CsvOptions, read_csv};
    ///
    /// let csv = "candidate,stage,outcome,ethnicity\nA,sift,passed,White\nB,sift,failed,white\n";
    /// let apart = read_csv(csv.as_bytes(), &CsvOptions::new())?;
    /// assert_eq!(apart.load.label_warnings.len(), 1);
    /// let folded = read_csv(csv.as_bytes(), &CsvOptions::new().fold_labels(true))?;
    /// assert!(folded.load.label_warnings[0].ends_with("counted as one, spelled as first seen"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fold_labels(mut self, fold: bool) -> Self {
        self.fold_labels = fold;
        self
    }

    /// The mode set.
    pub fn get_mode(&self) -> Mode {
        self.mode
    }

    /// These options, with the pipeline named after `path`'s file stem
    /// unless they name it.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(in crate::io) fn named_after(&self, path: &Path) -> Self {
        let mut options = self.clone();
        if options.name.is_none() {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            options.name = Some(stem);
        }
        options
    }

    /// Calls the progress callback if reading from `before` rows to
    /// `after` passed a multiple of its interval.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(in crate::io) fn tell_progress(&self, before: u64, after: u64, bytes_read: u64) {
        if let Some(hook) = &self.progress {
            if after / hook.every > before / hook.every {
                (hook.callback)(Progress {
                    rows_read: after,
                    bytes_read,
                });
            }
        }
    }

    /// Calls `callback` every `every_rows` rows (at least 1) while reading,
    /// and once when reading ends, so a CLI can show progress on stderr.
    pub fn progress(
        mut self,
        every_rows: u64,
        callback: impl Fn(Progress) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(ProgressHook {
            every: every_rows.max(1),
            callback: Arc::new(callback),
        });
        self
    }
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl From<Pipeline> for CsvOptions {
    fn from(pipeline: Pipeline) -> Self {
        Self::new().pipeline(pipeline)
    }
}

impl From<Mode> for CsvOptions {
    fn from(mode: Mode) -> Self {
        Self::new().mode(mode)
    }
}

impl fmt::Debug for CsvOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvOptions")
            .field("order", &self.order)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("mode", &self.mode)
            .field("fold_labels", &self.fold_labels)
            .field("progress_every", &self.progress.as_ref().map(|p| p.every))
            .finish()
    }
}

/// What a load read, used and set aside.
///
/// `rows_read == rows_used + rows_set_aside`, always.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LoadReport {
    /// Data rows read (the header is not a row).
    pub rows_read: u64,
    /// Rows in the journeys loaded.
    pub rows_used: u64,
    /// Rows set aside: `set_aside.len()`.
    pub rows_set_aside: u64,
    /// Each row set aside, in line order.
    pub set_aside: Vec<SetAside>,
    /// Category labels of one column that differ only by case or by
    /// invisible characters, and so are separate groups (or, with
    /// [`CsvOptions::fold_labels`], were folded into the first spelling):
    /// one warning per pair, the labels escaped, at most 20.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub label_warnings: Vec<String>,
    /// Where the stage order came from.
    pub stage_order: StageOrder,
}

/// Applications read from a CSV, the load report, and what the CSV held
/// beyond the records: external ids, application labels and interventions.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The candidates and validated journeys.
    pub applications: Applications,
    /// What was read, used and set aside.
    pub load: LoadReport,
    external_ids: ExternalIds,
    application_labels: Vec<String>,
    intervention_names: Vec<String>,
    interventions: Vec<(u16, u32)>,
    intervention_bounds: Vec<usize>,
}

impl Loaded {
    /// The external id ("APP-00123") of `applications.candidates()[candidate]`.
    pub fn external_id(&self, candidate: usize) -> Option<&str> {
        self.external_ids.get(candidate)
    }

    /// The external ids, in the order of `applications.candidates()`.
    pub fn external_ids(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.external_ids.len()).map(|c| self.external_ids.get(c).unwrap_or_default())
    }

    /// The `application` cell of `applications.journeys()[journey]`, when the
    /// CSV has an application column.
    pub fn application(&self, journey: usize) -> Option<&str> {
        self.application_labels.get(journey).map(String::as_str)
    }

    /// The interventions named on the rows of
    /// `applications.journeys()[journey]`: each stage with an intervention
    /// the candidate took part in for it, in pipeline order.
    pub fn interventions(&self, journey: usize) -> impl Iterator<Item = (&Stage, &str)> + '_ {
        let range = match (
            self.intervention_bounds.get(journey),
            self.intervention_bounds.get(journey + 1),
        ) {
            (Some(&start), Some(&end)) => start..end,
            _ => 0..0,
        };
        let stages = self.applications.pipeline().stages();
        let listed = self.interventions.get(range).unwrap_or_default();
        listed.iter().filter_map(move |&(s, n)| {
            Some((
                stages.get(usize::from(s))?,
                self.intervention_names.get(n as usize)?.as_str(),
            ))
        })
    }

    /// Every intervention named in the CSV, in order of first appearance.
    pub fn intervention_names(&self) -> &[String] {
        &self.intervention_names
    }
}

/// External ids end to end in one string: a million ids, two allocations.
#[derive(Debug, Clone, Default)]
struct ExternalIds {
    text: String,
    ends: Vec<usize>,
}

impl ExternalIds {
    fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    fn get(&self, i: usize) -> Option<&str> {
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        self.text.get(start..*self.ends.get(i)?)
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// Reads candidates and journeys from a long-format CSV (see the
/// [module docs](crate::io) for the format).
///
/// ```
/// use positive_action::io::{read_csv, CsvOptions};
/// use positive_action::{Breakdown, Counting, Funnel, FunnelCounts, RateBasis};
///
/// let csv = "\
/// candidate,stage,outcome,date,sex
/// APP-1,application,passed,2025-04-01,female
/// APP-1,sift,passed,2025-04-09,female
/// APP-1,interview,failed,2025-05-02,female
/// APP-2,application,passed,2025-04-02,male
/// APP-2,sift,failed,2025-04-10,male
/// APP-3,application,withdrew,2025-04-03,prefer not to say
/// ";
/// let loaded = read_csv(csv.as_bytes(), &CsvOptions::new())?;
/// assert_eq!(loaded.applications.pipeline().stages().len(), 3); // inferred
/// assert_eq!(loaded.load.rows_read, 6);
/// assert_eq!(loaded.external_id(2), Some("APP-3"));
///
/// let by_sex = Breakdown::parse(["sex"])?;
/// let counts = FunnelCounts::from_applications(&loaded.applications, &by_sex, Counting::Applications);
/// let funnel = Funnel::new(&counts, RateBasis::Decided)?;
/// assert_eq!(funnel.stages[1].total.pass_rate, Some(0.5)); // sift
///
/// // Strict by default: the first bad row stops the load, naming it.
/// let bad = "candidate,stage,outcome\nAPP-1,application,maybe\n";
/// let err = read_csv(bad.as_bytes(), &CsvOptions::new()).unwrap_err();
/// assert!(err.to_string().starts_with("csv line 2, column outcome (candidate APP-1): unknown outcome"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// In strict mode, the first problem found: an empty input
/// ([`Error::CsvNoHeader`]), a missing or repeated column, a ragged row, a
/// cell that is not UTF-8, an unknown outcome or stage, a bad date,
/// contradictory categories, two rows for one stage, a journey that breaks
/// a rule of [`Journey::new`](crate::Journey::new) ([`Error::CsvJourney`]), or a contradictory
/// stage order. In lenient mode only what stops reading altogether: an
/// unreadable input, a bad header, bad options, or no usable row to infer
/// the stage order from.
pub fn read_csv(input: impl Read, options: &CsvOptions) -> Result<Loaded> {
    read(input, options, None, None)?
        .settle(pipeline_name(options), &options.kind, None)?
        .into_loaded()
}

/// Reads a CSV file, as [`read_csv`] does; errors name the file, and the
/// pipeline is named after it unless [`CsvOptions::name`] says otherwise.
///
/// ```
/// use positive_action::io::{read_csv_path, CsvOptions, Mode};
///
/// let path = std::env::temp_dir().join("positive-action-doctest.csv");
/// std::fs::write(&path, "candidate,stage,outcome\nAPP-1,sift,passed\nAPP-2,sift,fantastic\n")?;
/// let loaded = read_csv_path(&path, &CsvOptions::new().mode(Mode::Lenient))?;
/// assert_eq!(loaded.applications.pipeline().name(), "positive-action-doctest");
/// assert_eq!((loaded.load.rows_used, loaded.load.rows_set_aside), (1, 1));
/// assert_eq!(loaded.load.set_aside[0].line, 3);
///
/// let err = read_csv_path(&path, &CsvOptions::new()).unwrap_err();
/// assert!(err.to_string().contains("positive-action-doctest.csv: csv line 3, column outcome"));
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read_csv`], wrapped in [`Error::InFile`]; a file that cannot be
/// opened or read is an [`Error::CsvIo`] naming it.
pub fn read_csv_path(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Loaded> {
    from_path(path.as_ref(), options, |reader, options| {
        reader
            .settle(pipeline_name(options), &options.kind, None)?
            .into_loaded()
    })
}

/// Counts from a CSV: the funnel counts and stage times of its journeys by
/// a breakdown, and the load report, without building a record per
/// candidate.
///
/// The rows are read and every journey validated exactly as [`read_csv`]
/// does, strict or lenient, and the counts equal
/// [`FunnelCounts::from_applications`] (and [`StageTimes::from_applications`])
/// on the applications `read_csv` returns. What it skips is the records: no
/// candidate id (a UUID v5, one SHA-1 each), profile or journey is built
/// per candidate. Use it when the funnel or the report is what you need;
/// use [`read_csv`] when you need the candidates and journeys themselves
/// (an intervention evaluation, a period filter, regrouping later).
///
/// ```
/// use positive_action::io::{count_csv, CsvOptions};
/// use positive_action::{Breakdown, Counting, Funnel, RateBasis};
///
/// let csv = "\
/// candidate,stage,outcome,date,sex
/// APP-1,application,passed,2025-04-01,female
/// APP-1,sift,passed,2025-04-09,female
/// APP-1,interview,failed,2025-05-02,female
/// APP-2,application,passed,2025-04-02,male
/// APP-2,sift,failed,2025-04-10,male
/// APP-3,application,withdrew,2025-04-03,prefer not to say
/// ";
/// let by_sex = Breakdown::parse(["sex"])?;
/// let counted = count_csv(csv.as_bytes(), &CsvOptions::new(), &by_sex, Counting::Applications)?;
/// assert_eq!(counted.load.rows_used, 6);
/// let funnel = Funnel::new(&counted.counts, RateBasis::Decided)?;
/// assert_eq!(funnel.stages[1].total.pass_rate, Some(0.5)); // sift
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read_csv`].
pub fn count_csv(
    input: impl Read,
    options: &CsvOptions,
    breakdown: &Breakdown,
    counting: Counting,
) -> Result<CsvCounts> {
    count(
        read(input, options, None, None)?,
        options,
        breakdown,
        counting,
    )
}

/// Counts from a CSV file, as [`count_csv`] does; errors name the file, and
/// the pipeline is named after it unless [`CsvOptions::name`] says
/// otherwise.
///
/// ```no_run
/// use positive_action::io::{count_csv_path, CsvOptions};
/// use positive_action::report::{Report, ReportOptions};
/// use positive_action::{Breakdown, Counting, ImpactOptions};
///
/// let by = Breakdown::parse(["sex", "ethnicity"])?;
/// let counted = count_csv_path("force-year.csv", &CsvOptions::new(), &by, Counting::Applications)?;
/// let options = ReportOptions { breakdown: by, impact: ImpactOptions::new(), min_cell: 10 };
/// let mut report = Report::new(&counted.counts, &options, &[])?;
/// report.load = Some((&counted.load).into());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read_csv_path`].
pub fn count_csv_path(
    path: impl AsRef<Path>,
    options: &CsvOptions,
    breakdown: &Breakdown,
    counting: Counting,
) -> Result<CsvCounts> {
    from_path(path.as_ref(), options, |reader, options| {
        count(reader, options, breakdown, counting)
    })
}

/// Settles and counts: every application while checking, each candidate's
/// latest after.
fn count(
    reader: Reader,
    options: &CsvOptions,
    breakdown: &Breakdown,
    counting: Counting,
) -> Result<CsvCounts> {
    let (combos, missing) = settle::Combos::new(&reader, breakdown);
    let while_checking = (counting == Counting::Applications).then_some(&combos);
    let settled = reader.settle(pipeline_name(options), &options.kind, while_checking)?;
    // After the rows' errors, as reading the records reports them.
    if let Some(error) = missing {
        return Err(error);
    }
    settled.count(breakdown, counting, &combos)
}

/// What [`count_csv`] gives: counts, stage times and the load report.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CsvCounts {
    /// The funnel counts, by the breakdown asked for.
    pub counts: FunnelCounts,
    /// The days between dated results, by the same breakdown.
    pub stage_times: StageTimes,
    /// What was read, used and set aside.
    pub load: LoadReport,
}

/// Opens `path`, reads it with the pipeline named after the file unless
/// the options name it, and finishes with `then`; errors name the file.
fn from_path<T>(
    path: &Path,
    options: &CsvOptions,
    then: impl FnOnce(Reader, &CsvOptions) -> Result<T>,
) -> Result<T> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::CsvIo {
        path: Some(shown.clone()),
        line: None,
        reason: lowercase_first(&e.to_string()),
    })?;
    // A directory opens on some systems and fails at the first read; say
    // what it is, in the words a missing file gets.
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(Error::CsvIo {
            path: Some(shown),
            line: None,
            reason: "is a directory: expected a csv file".to_owned(),
        });
    }
    let named;
    let options = if options.name.is_none() {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        named = options.clone().name(&stem);
        &named
    } else {
        options
    };
    let size = std::fs::metadata(path).ok().map(|m| m.len());
    read(file, options, Some(&shown), size)
        .and_then(|reader| then(reader, options))
        .map_err(|error| match error {
            error @ Error::CsvIo { .. } => error,
            error => Error::InFile {
                path: shown,
                error: Box::new(error),
            },
        })
}

/// The pipeline's name: the options', or "csv input".
fn pipeline_name(options: &CsvOptions) -> &str {
    match options.name.as_deref() {
        Some(name) if !name.trim().is_empty() => name,
        _ => "csv input",
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Rows read before a load with a known size sizes its tables to fit.
const SAMPLE_ROWS: u64 = 1 << 16;

/// Reads every row, leaving the journeys to be settled.
fn read(
    input: impl Read,
    options: &CsvOptions,
    path: Option<&str>,
    size: Option<u64>,
) -> Result<Reader> {
    let start = |header: &Fields<'_>| start_reader(header, options);
    let decoding = batch::Decoding {
        hook: options.progress.as_ref(),
        size,
        start: &start,
    };
    let io_error = |e: std::io::Error| Error::CsvIo {
        path: path.map(str::to_owned),
        line: None,
        reason: lowercase_first(&e.to_string()),
    };
    batch::read_records(input, &decoding, &io_error)
}

/// A reader for rows under this header, as the options say.
fn start_reader(header: &Fields<'_>, options: &CsvOptions) -> Result<Reader> {
    let columns = Columns::parse(header)?;
    let given = match &options.order {
        Order::Infer => None,
        Order::Stages(stages) => Some(Pipeline::new(
            pipeline_name(options),
            options.kind.clone(),
            stages,
        )?),
        Order::Pipeline(pipeline) => Some(pipeline.clone()),
    };
    let mut reader = Reader::new(columns, given, options.mode);
    reader.fold_labels = options.fold_labels;
    Ok(reader)
}

/// Rewords an error of the reader for another source of rows, whose
/// "lines" are row numbers of its own (Arrow batches and rows).
pub(in crate::io) type Reword = Arc<dyn Fn(Error) -> Error + Send + Sync>;

/// Rows from a source other than CSV text: Arrow record batches. Their
/// column names stand for the header and each row's cells for a record,
/// so they are read, validated, settled and counted by exactly the code
/// that reads CSV. A row's "line" is its number in the input, counting
/// from 1 across batches (and files); `reword` turns the reader's errors,
/// and the reasons it sets rows aside with, into the source's words.
#[cfg_attr(not(feature = "arrow"), allow(dead_code))]
pub(in crate::io) struct Rows {
    reader: Reader,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

#[cfg_attr(not(feature = "arrow"), allow(dead_code))]
impl Rows {
    /// A reader for rows with these column names, as the options say.
    ///
    /// # Errors
    /// As a CSV header: a missing, repeated or blank column name.
    pub(in crate::io) fn new(
        names: &[String],
        options: &CsvOptions,
        reword: Reword,
    ) -> Result<Self> {
        let mut bytes = Vec::new();
        let mut ends = Vec::with_capacity(names.len());
        for name in names {
            bytes.extend_from_slice(name.as_bytes());
            ends.push(bytes.len());
        }
        let mut reader =
            start_reader(&Fields::new(&bytes, &ends), options).map_err(|e| reword(e))?;
        reader.reword = Some(reword);
        bytes.clear();
        ends.clear();
        Ok(Self {
            reader,
            bytes,
            ends,
        })
    }

    /// The buffer the next cell is written into; end it with
    /// [`Rows::end_cell`].
    #[inline]
    pub(in crate::io) fn cell_buffer(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    /// Ends a cell written into [`Rows::cell_buffer`].
    #[inline]
    pub(in crate::io) fn end_cell(&mut self) {
        self.ends.push(self.bytes.len());
    }

    /// Reads the row built, as row `line` of the input; in lenient mode a
    /// bad row is set aside, in strict mode it is the error.
    pub(in crate::io) fn end_row(&mut self, line: u64) -> Result<()> {
        let result = self
            .reader
            .read_row(&Fields::new(&self.bytes, &self.ends), line);
        self.bytes.clear();
        self.ends.clear();
        result.map_err(|e| self.reword(e))
    }

    fn reword(&self, error: Error) -> Error {
        match &self.reader.reword {
            Some(reword) => reword(error),
            None => error,
        }
    }

    /// Settles the journeys and builds the records, as [`read_csv`] does.
    pub(in crate::io) fn into_loaded(self, options: &CsvOptions) -> Result<Loaded> {
        let reword = self.reader.reword.clone();
        self.reader
            .settle(pipeline_name(options), &options.kind, None)
            .and_then(settle::Settled::into_loaded)
            .map_err(|e| reword_with(reword.as_ref(), e))
    }

    /// Settles the journeys and counts them, as [`count_csv`] does.
    pub(in crate::io) fn count(
        self,
        options: &CsvOptions,
        breakdown: &Breakdown,
        counting: Counting,
    ) -> Result<CsvCounts> {
        let reword = self.reader.reword.clone();
        count(self.reader, options, breakdown, counting)
            .map_err(|e| reword_with(reword.as_ref(), e))
    }
}

fn reword_with(reword: Option<&Reword>, error: Error) -> Error {
    match reword {
        Some(reword) => reword(error),
        None => error,
    }
}

/// The header: which column is which.
/// Zero-width and direction-changing characters: invisible in a label.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// The columns with a meaning of their own, which are never
/// characteristics (in lower case, as the header is matched).
pub(super) const RESERVED: [&str; 6] = [
    "candidate",
    "stage",
    "outcome",
    "date",
    "interventions",
    "application",
];

#[derive(Debug)]
struct Columns {
    count: usize,
    candidate: usize,
    stage: usize,
    outcome: usize,
    date: Option<usize>,
    interventions: Option<usize>,
    application: Option<usize>,
    /// Characteristic columns: position and characteristic.
    characteristics: Vec<(usize, Characteristic)>,
    /// The names as given, trimmed, for messages.
    names: Vec<String>,
}

impl Columns {
    fn parse(header: &Fields<'_>) -> Result<Self> {
        let limit = |limit, what, value: usize, max| Error::LimitExceeded {
            limit,
            what,
            value: value as u64,
            max,
            location: "csv line 1 (the header)".to_owned(),
        };
        if header.len() as u64 > MAX_COLUMNS {
            return Err(limit(
                "MAX_COLUMNS",
                "the number of columns",
                header.len(),
                MAX_COLUMNS,
            ));
        }
        let bytes = header.iter().map(<[u8]>::len).sum::<usize>() + header.len().saturating_sub(1);
        if bytes as u64 > MAX_HEADER_BYTES {
            return Err(limit(
                "MAX_HEADER_BYTES",
                "the header's length in bytes (names and commas)",
                bytes,
                MAX_HEADER_BYTES,
            ));
        }
        let mut names = Vec::with_capacity(header.len());
        // A set, not a list: a header of tens of thousands of columns must
        // not take a quadratic scan to check for repeats.
        let mut lowered: HashSet<String> = HashSet::with_capacity(header.len());
        let (mut candidate, mut stage, mut outcome) = (None, None, None);
        let (mut date, mut interventions, mut application) = (None, None, None);
        let mut characteristics = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            let raw = if i == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            let bad = |reason| Error::CsvBadColumn {
                position: i + 1,
                name: String::from_utf8_lossy(raw).trim().to_owned(),
                reason,
            };
            let name = std::str::from_utf8(raw)
                .map_err(|_| bad("not utf-8 text: expected a column name"))?
                .trim();
            if name.is_empty() {
                return Err(bad(
                    "blank column name: expected candidate, stage, outcome, date, interventions, application or a characteristic",
                ));
            }
            let lower = name.to_lowercase();
            if lowered.contains(&lower) {
                return Err(bad(
                    "names a column an earlier column already names: expected each column once",
                ));
            }
            match lower.as_str() {
                "candidate" => candidate = Some(i),
                "stage" => stage = Some(i),
                "outcome" => outcome = Some(i),
                "date" => date = Some(i),
                "interventions" => interventions = Some(i),
                "application" => application = Some(i),
                _ => characteristics.push((i, Characteristic::new(name)?)),
            }
            names.push(name.to_owned());
            lowered.insert(lower);
        }
        let missing = |column| Error::CsvMissingColumn {
            column,
            header: names.clone(),
        };
        Ok(Self {
            count: names.len(),
            candidate: candidate.ok_or_else(|| missing("candidate"))?,
            stage: stage.ok_or_else(|| missing("stage"))?,
            outcome: outcome.ok_or_else(|| missing("outcome"))?,
            date,
            interventions,
            application,
            characteristics,
            names,
        })
    }

    fn name(&self, column: usize) -> String {
        self.names.get(column).cloned().unwrap_or_default()
    }
}

/// One stored row: small and fixed-size.
#[derive(Debug, Clone, Copy)]
struct Row {
    line: u64,
    journey: u32,
    /// Index into the intervention lists; 0 is the empty list.
    interventions: u32,
    date: Option<NaiveDate>,
    /// Interned stage id.
    stage: u16,
    outcome: Outcome,
}

/// A journey: one candidate's rows (one application's, with an
/// application column).
#[derive(Debug, Clone, Copy)]
struct JourneyEntry {
    candidate: u32,
    /// Index into `Reader::application_labels`, or NONE.
    application: u32,
}

/// What a bad row spoils besides itself in lenient mode.
#[derive(Debug, Clone, Copy)]
enum Spoils {
    Row,
    Journey(u32),
    Candidate(u32),
}

#[derive(Debug)]
struct Problem {
    error: Error,
    candidate: Option<String>,
    spoils: Spoils,
}

/// A cell that could not be read.
enum CellError {
    NotUtf8,
    Invalid(Error),
}

fn text(raw: &[u8]) -> Result<&str, CellError> {
    std::str::from_utf8(raw).map_err(|_| CellError::NotUtf8)
}

/// Field `i`, or nothing (the row's length has been checked, so this is
/// always a field).
fn field<'a>(record: &Fields<'a>, i: usize) -> &'a [u8] {
    record.get(i)
}

/// Parses `YYYY-MM-DD`.
fn parse_date(raw: &[u8]) -> Option<NaiveDate> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *raw else {
        return None;
    };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |ds: &[u8]| {
        ds.iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
    };
    // Four digits always fit an i32.
    NaiveDate::from_ymd_opt(n(&digits[..4]) as i32, n(&digits[4..6]), n(&digits[6..]))
}

/// The state of a load while rows are read.
struct Reader {
    columns: Columns,
    lenient: bool,
    /// The pipeline, when stages were given; interned stage ids are then its
    /// stage indices.
    given: Option<Pipeline>,
    given_index: HashMap<String, u16>,
    stage_raw: Interner<u16>,
    stage_names: Vec<String>,
    stage_index: HashMap<String, u16>,
    outcomes: Interner<Outcome>,
    /// Per characteristic column: raw bytes to a category id, and the
    /// Whether labels differing only by case or invisible characters are
    /// one category.
    fold_labels: bool,
    /// Per characteristic column: each label folded (lower case, invisible
    /// characters removed) to the id of its first spelling.
    folded: Vec<HashMap<String, u32>>,
    /// Warnings of labels that differ only by case or invisible characters.
    label_warnings: Vec<String>,
    /// categories by id (0 is "no category given").
    category_raw: Vec<Interner<u32>>,
    categories: Vec<Vec<Category>>,
    category_index: Vec<HashMap<Category, u32>>,
    /// Raw intervention cells to lists of intervention ids (list 0 is empty).
    intervention_raw: Interner<u32>,
    intervention_lists: Vec<Vec<u32>>,
    intervention_names: Vec<String>,
    intervention_index: HashMap<String, u32>,
    application_labels: Vec<String>,
    /// Journey keys (candidate bytes, then 0xFF and the application bytes
    /// with an application column) to journeys.
    /// Candidate ids (the keys) and, with an application column, journey
    /// keys: candidate bytes, 0xFF, application bytes.
    candidate_keys: KeyTable,
    journey_keys: Option<KeyTable>,
    key: Vec<u8>,
    last_key: Vec<u8>,
    last_journey: u32,
    journeys: Vec<JourneyEntry>,
    journey_spoiled: Vec<u32>,
    first_lines: Vec<u64>,
    candidate_spoiled: Vec<u32>,
    /// Per candidate and characteristic column: category id and the line
    /// that gave it.
    profile_ids: Vec<u32>,
    profile_lines: Vec<u64>,
    row_categories: Vec<u32>,
    reasons: Vec<String>,
    rows: Vec<Row>,
    /// Whether every journey's rows are contiguous, in journey order.
    grouped: bool,
    set_aside: Vec<SetAside>,
    rows_read: u64,
    /// For rows that are not CSV text: their errors in their own words.
    reword: Option<Reword>,
}

impl Reader {
    /// The header's name of column `at` (from 0), for messages.
    fn column_name(&self, at: usize) -> String {
        self.columns.names.get(at).map_or_else(
            || format!("{}", at + 1),
            |name| format!("{} ({name:?})", at + 1),
        )
    }

    fn new(columns: Columns, given: Option<Pipeline>, mode: Mode) -> Self {
        let n = columns.characteristics.len();
        let mut given_index = HashMap::new();
        if let Some(pipeline) = &given {
            for (i, stage) in pipeline.stages().iter().enumerate() {
                // Pipelines have at most MAX_STAGES = u16::MAX stages.
                given_index.insert(stage.name().to_owned(), i as u16);
            }
        }
        let journey_keys = columns.application.map(|_| KeyTable::default());
        Self {
            journey_keys,
            columns,
            lenient: mode == Mode::Lenient,
            given,
            given_index,
            stage_raw: Interner::new(),
            stage_names: Vec::new(),
            stage_index: HashMap::new(),
            outcomes: Interner::new(),
            category_raw: (0..n).map(|_| Interner::new()).collect(),
            categories: vec![vec![Category::NotRecorded]; n],
            category_index: vec![HashMap::new(); n],
            intervention_raw: Interner::new(),
            intervention_lists: vec![Vec::new()],
            intervention_names: Vec::new(),
            intervention_index: HashMap::new(),
            application_labels: Vec::new(),
            candidate_keys: KeyTable::default(),
            key: Vec::new(),
            last_key: Vec::new(),
            last_journey: NONE,
            journeys: Vec::new(),
            journey_spoiled: Vec::new(),
            first_lines: Vec::new(),
            candidate_spoiled: Vec::new(),
            profile_ids: Vec::new(),
            profile_lines: Vec::new(),
            row_categories: vec![0; n],
            reasons: Vec::new(),
            rows: Vec::new(),
            grouped: true,
            set_aside: Vec::new(),
            rows_read: 0,
            fold_labels: false,
            folded: vec![HashMap::new(); n],
            label_warnings: Vec::new(),
            reword: None,
        }
    }

    /// What an error says, in the words of the rows' source: the reason
    /// a row is set aside with.
    fn say(&self, error: Error) -> String {
        reword_with(self.reword.as_ref(), error).to_string()
    }

    /// Reads one row; in lenient mode a bad row is set aside, in strict mode
    /// it is the error.
    fn read_row(&mut self, record: &Fields<'_>, line: u64) -> Result<()> {
        self.rows_read += 1;
        let Err(problem) = self.row(record, line) else {
            return Ok(());
        };
        if !self.lenient {
            return Err(problem.error);
        }
        let reason = self.say(problem.error);
        match problem.spoils {
            Spoils::Row => {}
            Spoils::Journey(j) => {
                let r = self.reason(format!("set aside with its journey: {reason}"));
                if let Some(slot) = self.journey_spoiled.get_mut(j as usize) {
                    if *slot == NONE {
                        *slot = r;
                    }
                }
            }
            Spoils::Candidate(c) => {
                let r = self.reason(format!("set aside with its candidate: {reason}"));
                if let Some(slot) = self.candidate_spoiled.get_mut(c as usize) {
                    if *slot == NONE {
                        *slot = r;
                    }
                }
            }
        }
        self.set_aside.push(SetAside {
            line,
            candidate: problem.candidate,
            reason,
        });
        Ok(())
    }

    fn reason(&mut self, reason: String) -> u32 {
        // At most one reason per row read, and rows are capped below u32::MAX.
        self.reasons.push(reason);
        (self.reasons.len() - 1) as u32
    }

    // A problem is built only for a bad row, off the hot path: its size
    // costs nothing on good rows.
    #[allow(clippy::result_large_err)]
    fn row(&mut self, record: &Fields<'_>, line: u64) -> Result<(), Problem> {
        let row_problem = |error| Problem {
            error,
            candidate: None,
            spoils: Spoils::Row,
        };
        if record.len() != self.columns.count {
            let error = Error::CsvRaggedRow {
                line,
                fields: record.len(),
                expected: self.columns.count,
            };
            // The row cannot be trusted, but its journey without it would be
            // cut short: if the row names a candidate where the candidate
            // column is, set their journey aside with it.
            let key_columns = self
                .columns
                .candidate
                .max(self.columns.application.unwrap_or(0));
            if record.len() > key_columns {
                if let Ok(journey) = self.journey_of(record, line) {
                    let raw = field(record, self.columns.candidate).trim_ascii();
                    return Err(Problem {
                        error,
                        candidate: Some(String::from_utf8_lossy(raw).into_owned()),
                        spoils: Spoils::Journey(journey),
                    });
                }
            }
            return Err(row_problem(error));
        }
        if self.rows.len() >= (NONE - 1) as usize {
            return Err(row_problem(Error::InvalidOption {
                name: "csv rows",
                value: self.rows_read.to_string(),
                expected: "at most 4294967294 rows",
            }));
        }
        let journey = self.journey_of(record, line)?;
        let candidate = self.journeys[journey as usize].candidate;
        // Only for messages: the key was valid UTF-8 when it was first seen.
        let raw_candidate = field(record, self.columns.candidate).trim_ascii();
        let external = || String::from_utf8_lossy(raw_candidate).into_owned();
        let cell_problem = |this: &Self, column: usize, error: CellError| Problem {
            error: match error {
                CellError::NotUtf8 => Error::CsvNotUtf8 {
                    line,
                    column: this.columns.name(column),
                },
                CellError::Invalid(reason) => Error::CsvCell {
                    line,
                    column: this.columns.name(column),
                    candidate: Some(external()),
                    reason: Box::new(reason),
                },
            },
            candidate: Some(external()),
            spoils: Spoils::Journey(journey),
        };
        let column = self.columns.stage;
        let stage = self
            .stage(field(record, column))
            .map_err(|e| cell_problem(self, column, e))?;
        let column = self.columns.outcome;
        let outcome = self
            .outcome(field(record, column))
            .map_err(|e| cell_problem(self, column, e))?;
        let date = match self.columns.date {
            None => None,
            Some(column) => {
                let raw = field(record, column).trim_ascii();
                if raw.is_empty() {
                    None
                } else {
                    Some(parse_date(raw).ok_or_else(|| {
                        let e = match text(raw) {
                            Err(e) => e,
                            Ok(value) => CellError::Invalid(Error::InvalidDate {
                                value: value.to_owned(),
                            }),
                        };
                        cell_problem(self, column, e)
                    })?)
                }
            }
        };
        let interventions = match self.columns.interventions {
            None => 0,
            Some(column) => self
                .interventions(field(record, column))
                .map_err(|e| cell_problem(self, column, e))?,
        };
        for k in 0..self.columns.characteristics.len() {
            let column = self.columns.characteristics[k].0;
            let id = self
                .category(k, field(record, column))
                .map_err(|e| cell_problem(self, column, e))?;
            self.row_categories[k] = id;
        }
        // Every cell is readable: the row's categories must agree with the
        // candidate's earlier rows.
        let width = self.columns.characteristics.len();
        let base = candidate as usize * width;
        for k in 0..width {
            let id = self.row_categories[k];
            if id == 0 {
                continue;
            }
            let known = self.profile_ids[base + k];
            if known == 0 {
                self.profile_ids[base + k] = id;
                self.profile_lines[base + k] = line;
            } else if known != id {
                let external = external();
                return Err(Problem {
                    error: Error::CsvContradictoryCategory {
                        candidate: external.clone(),
                        column: self.columns.name(self.columns.characteristics[k].0),
                        first_line: self.profile_lines[base + k],
                        line,
                    },
                    candidate: Some(external),
                    spoils: Spoils::Candidate(candidate),
                });
            }
        }
        if let Some(last) = self.rows.last() {
            if journey < last.journey {
                self.grouped = false;
            }
        }
        self.rows.push(Row {
            line,
            journey,
            interventions,
            date,
            stage,
            outcome,
        });
        Ok(())
    }

    /// The row's journey, created on first sight of its key.
    // A problem is built only for a bad row, off the hot path: its size
    // costs nothing on good rows.
    #[allow(clippy::result_large_err)]
    fn journey_of(&mut self, record: &Fields<'_>, line: u64) -> Result<u32, Problem> {
        let raw = field(record, self.columns.candidate).trim_ascii();
        let application = self
            .columns
            .application
            .map(|column| field(record, column).trim_ascii());
        let key: &[u8] = match application {
            None => raw,
            Some(application) => {
                self.key.clear();
                self.key.extend_from_slice(raw);
                // 0xFF never occurs in UTF-8, so the key is unambiguous.
                self.key.push(0xFF);
                self.key.extend_from_slice(application);
                &self.key
            }
        };
        // Rows of a candidate usually come together: no lookup at all.
        if self.last_journey != NONE && same(key, &self.last_key) {
            return Ok(self.last_journey);
        }
        let table = self
            .journey_keys
            .as_mut()
            .unwrap_or(&mut self.candidate_keys);
        let (found, hash) = table.get(key);
        if let Some(j) = found {
            self.last_key.clear();
            self.last_key.extend_from_slice(key);
            self.last_journey = j;
            return Ok(j);
        }
        // A new journey: its key must be readable.
        let bad = |error| Problem {
            error,
            candidate: None,
            spoils: Spoils::Row,
        };
        let column = self.columns.candidate;
        let external = std::str::from_utf8(raw).map_err(|_| {
            bad(Error::CsvNotUtf8 {
                line,
                column: self.columns.name(column),
            })
        })?;
        if external.is_empty() {
            return Err(bad(Error::CsvCell {
                line,
                column: self.columns.name(column),
                candidate: None,
                reason: Box::new(Error::EmptyName { what: "candidate" }),
            }));
        }
        let label = match (application, self.columns.application) {
            (Some(application), Some(column)) => Some(
                std::str::from_utf8(application)
                    .map_err(|_| Problem {
                        error: Error::CsvNotUtf8 {
                            line,
                            column: self.columns.name(column),
                        },
                        candidate: Some(external.to_owned()),
                        spoils: Spoils::Row,
                    })?
                    .to_owned(),
            ),
            _ => None,
        };
        if self.journeys.len() >= (NONE - 1) as usize {
            return Err(bad(Error::InvalidOption {
                name: "csv journeys",
                value: self.journeys.len().to_string(),
                expected: "at most 4294967294 journeys",
            }));
        }
        let (candidate, application, j) = match (label, self.journey_keys.as_mut()) {
            (Some(label), Some(journey_keys)) => {
                let j = journey_keys.insert(&self.key, hash);
                let candidate = match self.candidate_keys.get(raw) {
                    (Some(c), _) => c,
                    (None, hash) => {
                        self.candidate_keys.insert(raw, hash);
                        self.new_candidate(line)
                    }
                };
                self.application_labels.push(label);
                // No more labels than journeys, which are capped above.
                let application = (self.application_labels.len() - 1) as u32;
                (candidate, application, j)
            }
            _ => {
                // Without an application column, a journey is a candidate.
                let c = self.candidate_keys.insert(raw, hash);
                self.new_candidate(line);
                (c, NONE, c)
            }
        };
        self.journeys.push(JourneyEntry {
            candidate,
            application,
        });
        self.journey_spoiled.push(NONE);
        self.last_key.clear();
        self.last_key.extend_from_slice(match self.journey_keys {
            Some(_) => &self.key,
            None => raw,
        });
        self.last_journey = j;
        Ok(j)
    }

    /// Room for `factor` times what has been read so far, a little more.
    fn reserve(&mut self, factor: f64) {
        if !factor.is_finite() || factor <= 1.0 {
            return;
        }
        // Never more than 2^26 more of anything up front (a huge file grows
        // as usual past that), and a failed reservation only means growth
        // as usual: try_reserve, which cannot abort.
        let more =
            |n: usize| ((n as f64) * (factor * 1.05 - 1.0)).min((1u64 << 26) as f64) as usize;
        let _ = self.rows.try_reserve(more(self.rows.len()));
        let candidates = self.candidate_keys.len();
        let bytes_each = self.candidate_keys.key(0).len().max(8);
        self.candidate_keys.reserve(more(candidates), bytes_each);
        let _ = self.first_lines.try_reserve(more(candidates));
        let _ = self.candidate_spoiled.try_reserve(more(candidates));
        let _ = self.profile_ids.try_reserve(more(self.profile_ids.len()));
        let _ = self
            .profile_lines
            .try_reserve(more(self.profile_lines.len()));
        let _ = self.journeys.try_reserve(more(self.journeys.len()));
        let _ = self.journey_spoiled.try_reserve(more(self.journeys.len()));
        if let Some(keys) = self.journey_keys.as_mut() {
            keys.reserve(more(keys.len()), bytes_each + 8);
        }
    }

    /// Room for a new candidate's state; returns their id.
    fn new_candidate(&mut self, line: u64) -> u32 {
        self.first_lines.push(line);
        self.candidate_spoiled.push(NONE);
        let width = self.columns.characteristics.len();
        self.profile_ids.resize(self.profile_ids.len() + width, 0);
        self.profile_lines
            .resize(self.profile_lines.len() + width, 0);
        // No more candidates than journeys, which are capped below u32::MAX.
        (self.candidate_spoiled.len() - 1) as u32
    }

    /// A candidate's external id (checked to be UTF-8 when first seen).
    fn external_id(&self, c: usize) -> &str {
        // Candidates are capped below u32::MAX.
        std::str::from_utf8(self.candidate_keys.key(c as u32)).unwrap_or_default()
    }

    fn stage(&mut self, raw: &[u8]) -> Result<u16, CellError> {
        if let Some(s) = self.stage_raw.get(raw) {
            return Ok(s);
        }
        let name = text(raw)?.trim();
        if name.is_empty() {
            return Err(CellError::Invalid(Error::EmptyName { what: "stage" }));
        }
        let id = if let Some(pipeline) = &self.given {
            *self.given_index.get(name).ok_or_else(|| {
                CellError::Invalid(Error::UnknownStage {
                    candidate: None,
                    stage: name.to_owned(),
                    pipeline: pipeline.name().to_owned(),
                })
            })?
        } else if let Some(&id) = self.stage_index.get(name) {
            id
        } else {
            // A name no stage may have (`bottom_line`) is refused at its
            // cell, with its line, not later when the pipeline is built.
            Stage::new(name).map_err(CellError::Invalid)?;
            if self.stage_names.len() >= MAX_STAGES {
                return Err(CellError::Invalid(Error::LimitExceeded {
                    limit: "MAX_STAGES",
                    what: "the number of distinct stages",
                    value: self.stage_names.len() as u64 + 1,
                    max: MAX_STAGES as u64,
                    location: format!("stage {name:?}, the first past the limit"),
                }));
            }
            // Below MAX_STAGES = u16::MAX, checked above.
            let id = self.stage_names.len() as u16;
            self.stage_names.push(name.to_owned());
            self.stage_index.insert(name.to_owned(), id);
            id
        };
        self.stage_raw.insert(raw, id);
        Ok(id)
    }

    fn outcome(&mut self, raw: &[u8]) -> Result<Outcome, CellError> {
        if let Some(o) = self.outcomes.get(raw) {
            return Ok(o);
        }
        let outcome = text(raw)?.parse().map_err(CellError::Invalid)?;
        self.outcomes.insert(raw, outcome);
        Ok(outcome)
    }

    fn category(&mut self, k: usize, raw: &[u8]) -> Result<u32, CellError> {
        if let Some(id) = self.category_raw[k].get(raw) {
            return Ok(id);
        }
        let category = Category::parse(text(raw)?);
        let id = if category == Category::NotRecorded {
            0
        } else if let Some(&id) = self.category_index[k].get(&category) {
            id
        } else if let Some(id) = self.same_but_for_case(k, &category) {
            id
        } else {
            // No more categories than rows, which are capped below u32::MAX.
            let id = self.categories[k].len() as u32;
            self.categories[k].push(category.clone());
            self.category_index[k].insert(category, id);
            id
        };
        self.category_raw[k].insert(raw, id);
        Ok(id)
    }

    /// A new declared label that differs from a known one of column `k`
    /// only by case or invisible characters: the known one's id when
    /// folding (and, when not, a warning, once per pair).
    fn same_but_for_case(&mut self, k: usize, category: &Category) -> Option<u32> {
        if category.is_unknown() {
            return None;
        }
        let key: String = category
            .label()
            .chars()
            .filter(|c| !invisible(*c))
            .flat_map(char::to_lowercase)
            .collect();
        let Some(&id) = self.folded[k].get(&key) else {
            // Ids are assigned in order: the next one is this label's.
            let next = self.categories[k].len() as u32;
            self.folded[k].insert(key, next);
            return None;
        };
        let first = self.categories[k].get(id as usize)?.label().to_owned();
        let escape = |l: &str| -> String { l.chars().flat_map(char::escape_debug).collect() };
        if self.label_warnings.len() < 20 {
            self.label_warnings.push(format!(
                "column {}: labels \"{}\" and \"{}\" differ only by case or invisible characters; {}",
                self.columns.name(self.columns.characteristics[k].0),
                escape(&first),
                escape(category.label()),
                if self.fold_labels {
                    "counted as one, spelled as first seen"
                } else {
                    "counted as two groups (fold_labels, or --fold-labels in the report, counts them as one)"
                }
            ));
        }
        self.fold_labels.then_some(id)
    }

    fn interventions(&mut self, raw: &[u8]) -> Result<u32, CellError> {
        if let Some(list) = self.intervention_raw.get(raw) {
            return Ok(list);
        }
        let cell = text(raw)?;
        let mut list = Vec::new();
        for name in cell.split(';').map(str::trim).filter(|n| !n.is_empty()) {
            let id = match self.intervention_index.get(name) {
                Some(&id) => id,
                None => {
                    // No more names than rows, which are capped below u32::MAX.
                    let id = self.intervention_names.len() as u32;
                    self.intervention_names.push(name.to_owned());
                    self.intervention_index.insert(name.to_owned(), id);
                    id
                }
            };
            if !list.contains(&id) {
                list.push(id);
            }
        }
        let id = if list.is_empty() {
            0
        } else {
            // No more lists than rows, which are capped below u32::MAX.
            self.intervention_lists.push(list);
            (self.intervention_lists.len() - 1) as u32
        };
        self.intervention_raw.insert(raw, id);
        Ok(id)
    }

    fn spoiled(&self, j: usize) -> u32 {
        let own = self.journey_spoiled[j];
        if own != NONE {
            return own;
        }
        self.candidate_spoiled[self.journeys[j].candidate as usize]
    }

    fn spoil_journey(&mut self, j: usize, reason: String) {
        if self.journey_spoiled[j] == NONE {
            let r = self.reason(reason);
            self.journey_spoiled[j] = r;
        }
    }

    fn external(&self, j: usize) -> String {
        self.external_id(self.journeys[j].candidate as usize)
            .to_owned()
    }

    fn application_of(&self, j: usize) -> Option<String> {
        self.application_labels
            .get(self.journeys[j].application as usize)
            .cloned()
    }

    /// Puts each journey's rows together, keeping file order within a
    /// journey, and returns where each journey's rows start.
    fn group_rows(&mut self) -> Vec<usize> {
        let n = self.journeys.len();
        let mut starts = vec![0usize; n + 1];
        for row in &self.rows {
            starts[row.journey as usize + 1] += 1;
        }
        for j in 0..n {
            starts[j + 1] += starts[j];
        }
        if !self.grouped {
            let mut next = starts.clone();
            let mut sorted = self.rows.clone();
            for row in &self.rows {
                let slot = &mut next[row.journey as usize];
                sorted[*slot] = *row;
                *slot += 1;
            }
            self.rows = sorted;
        }
        starts
    }

    fn stage_name(&self, stage: u16) -> String {
        match &self.given {
            Some(pipeline) => pipeline
                .stages()
                .get(usize::from(stage))
                .map(|s| s.name().to_owned()),
            None => self.stage_names.get(usize::from(stage)).cloned(),
        }
        .unwrap_or_default()
    }

    /// Two external ids that are one UUID (two spellings of it) are an
    /// error (strict), or the later one is set aside (lenient). Distinct
    /// external ids that are not UUIDs give distinct UUID v5s, so only
    /// UUID-shaped ids can meet another spelling of themselves, and only
    /// they are parsed.
    fn check_uuid_spellings(&mut self) -> Result<()> {
        let n = self.candidate_keys.len();
        let mut first: HashMap<uuid::Uuid, usize> = HashMap::new();
        for c in 0..n {
            if self.candidate_spoiled[c] != NONE {
                continue;
            }
            // The lengths a UUID is written in: simple, hyphenated,
            // braced and URN.
            if !matches!(self.candidate_keys.key(c as u32).len(), 32 | 36 | 38 | 45) {
                continue;
            }
            let Ok(id) = uuid::Uuid::try_parse(self.external_id(c)) else {
                continue;
            };
            let Some(&earlier) = first.get(&id) else {
                first.insert(id, c);
                continue;
            };
            let error = Error::CsvSameCandidate {
                first: self.external_id(earlier).to_owned(),
                first_line: self.first_lines[earlier],
                second: self.external_id(c).to_owned(),
                line: self.first_lines[c],
            };
            if !self.lenient {
                return Err(error);
            }
            let r = self.say(error);
            let r = self.reason(r);
            self.candidate_spoiled[c] = r;
        }
        Ok(())
    }

    /// One journey's stages in the order it went through them: by date
    /// where dated (undated rows keep their place), else in row order.
    fn sequence(rows: &[Row], dated: &mut Vec<(NaiveDate, usize)>, out: &mut Vec<u16>) {
        out.clear();
        out.extend(rows.iter().map(|r| r.stage));
        dated.clear();
        dated.extend(
            rows.iter()
                .enumerate()
                .filter_map(|(i, r)| r.date.map(|d| (d, i))),
        );
        if dated.windows(2).all(|w| w[0].0 <= w[1].0) {
            return;
        }
        let slots: Vec<usize> = dated.iter().map(|&(_, i)| i).collect();
        dated.sort_by_key(|&(d, _)| d);
        for (&slot, &(_, i)) in slots.iter().zip(dated.iter()) {
            out[slot] = rows[i].stage;
        }
    }

    /// Infers the stage order from the journeys not set aside.
    ///
    /// In lenient mode a contradiction is resolved in one pass: a greedy
    /// topological sort that, when every stage left has a predecessor,
    /// takes the one the fewest journeys reach from the stages left (then
    /// the first to appear); the journeys that take a step backwards
    /// against that order are set aside.
    /// Journey j's sequence into `sequence`, unless it was set aside
    /// (then false).
    fn sequence_of(
        &self,
        starts: &[usize],
        j: usize,
        dated: &mut Vec<(NaiveDate, usize)>,
        sequence: &mut Vec<u16>,
    ) -> bool {
        if self.spoiled(j) != NONE {
            return false;
        }
        Self::sequence(&self.rows[starts[j]..starts[j + 1]], dated, sequence);
        true
    }

    fn infer_order(&mut self, starts: &[usize]) -> Result<(Vec<u16>, bool)> {
        let mut dated = Vec::new();
        let mut sequence = Vec::new();
        // Each core adds its journeys' sequences; merged in order, the
        // edges are those of adding every sequence in turn.
        let parts = in_parallel(self.journeys.len(), |range| {
            let (mut dated, mut sequence) = (Vec::new(), Vec::new());
            let mut edges = Edges::new(self.stage_names.len());
            for j in range {
                if self.sequence_of(starts, j, &mut dated, &mut sequence) {
                    // Capped below u32::MAX.
                    edges.add_sequence(j as u32, &sequence);
                }
            }
            edges
        });
        let mut parts = parts.into_iter();
        let mut edges = parts
            .next()
            .unwrap_or_else(|| Edges::new(self.stage_names.len()));
        for part in parts {
            edges.merge(part);
        }
        let cycle = match edges.sort() {
            Sorted::Order(order) if order.is_empty() => return Err(self.no_rows(starts)),
            Sorted::Order(order) => {
                // The order is the only one the journeys allow exactly when
                // every two neighbours in it are a step some journey takes;
                // otherwise the two could swap, and which comes first would
                // be decided by the rows' order in the file.
                let tie = order
                    .windows(2)
                    .find(|w| edges.edge(w[0], w[1]).is_none())
                    .map(|w| (self.stage_name(w[0]), self.stage_name(w[1])));
                return match tie {
                    Some((first, second)) if !self.lenient => Err(Error::AmbiguousStageOrder {
                        first,
                        second,
                        order: order.iter().map(|&s| self.stage_name(s)).collect(),
                    }),
                    tie => Ok((order, tie.is_some())),
                };
            }
            Sorted::Cycle(cycle) => cycle,
        };
        let conflicts: Vec<OrderConflict> = cycle
            .iter()
            .filter_map(|&(from, to)| {
                let edge = edges.edge(from, to)?;
                Some(OrderConflict {
                    from: self.stage_name(from),
                    to: self.stage_name(to),
                    candidates: edge
                        .examples
                        .iter()
                        .filter(|&&j| j != order::NONE)
                        .map(|&j| self.external(j as usize))
                        .collect(),
                    journeys: edge.count,
                })
            })
            .collect();
        if !self.lenient {
            return Err(Error::ContradictoryStageOrder { conflicts });
        }
        let order = edges.forced_order();
        let mut place = vec![u32::MAX; self.stage_names.len()];
        for (i, &s) in order.iter().enumerate() {
            // At most MAX_STAGES stages.
            place[usize::from(s)] = i as u32;
        }
        let mut used = vec![false; self.stage_names.len()];
        for j in 0..self.journeys.len() {
            if !self.sequence_of(starts, j, &mut dated, &mut sequence) {
                continue;
            }
            let backwards = sequence
                .windows(2)
                .find(|w| place[usize::from(w[0])] > place[usize::from(w[1])]);
            match backwards {
                Some(step) => {
                    let reason = format!(
                        "set aside: candidates contradict each other on the stage order (for example {}), and this journey goes {} → {}, against the order most journeys take",
                        crate::error::list_conflicts(&conflicts),
                        self.stage_name(step[0]),
                        self.stage_name(step[1])
                    );
                    self.spoil_journey(j, reason);
                }
                None => {
                    for &s in &sequence {
                        used[usize::from(s)] = true;
                    }
                }
            }
        }
        let order: Vec<u16> = order
            .into_iter()
            .filter(|&s| used[usize::from(s)])
            .collect();
        if order.is_empty() {
            return Err(self.no_rows(starts));
        }
        // Lenient only: the order was forced, so ties are not reported apart.
        Ok((order, false))
    }

    /// The error when no row is usable: every row, set aside.
    fn no_rows(&mut self, starts: &[usize]) -> Error {
        let mut set_aside = std::mem::take(&mut self.set_aside);
        for j in 0..self.journeys.len() {
            let spoiled = self.spoiled(j) as usize;
            let candidate = self.external_id(self.journeys[j].candidate as usize);
            set_aside.extend(
                self.rows[starts[j]..starts[j + 1]]
                    .iter()
                    .map(|row| SetAside {
                        line: row.line,
                        candidate: Some(candidate.to_owned()),
                        reason: self.reasons.get(spoiled).cloned().unwrap_or_default(),
                    }),
            );
        }
        set_aside.sort_by_key(|s| s.line);
        Error::CsvNoRows {
            rows_read: self.rows_read,
            set_aside,
        }
    }
}

/// Below this many items, work is not worth a thread.
const PARALLEL_MIN: usize = 1 << 14;

/// Runs `work` over `0..n` in contiguous chunks, one per available core
/// (up to 8), and gives the results in chunk order.
fn in_parallel<T: Send>(n: usize, work: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(8);
    if threads < 2 || n < PARALLEL_MIN {
        return vec![work(0..n)];
    }
    let chunk = n.div_ceil(threads);
    let ranges: Vec<Range<usize>> = (0..threads)
        .map(|t| (t * chunk).min(n)..((t + 1) * chunk).min(n))
        .collect();
    let work = &work;
    std::thread::scope(|scope| {
        let spawned: Vec<_> = ranges[1..]
            .iter()
            .map(|range| {
                let range = range.clone();
                std::thread::Builder::new().spawn_scoped(scope, move || work(range))
            })
            .collect();
        let mut results = Vec::with_capacity(threads);
        results.push(work(ranges[0].clone()));
        for (handle, range) in spawned.into_iter().zip(&ranges[1..]) {
            results.push(match handle {
                Ok(handle) => match handle.join() {
                    Ok(result) => result,
                    // The work does not panic; if it did, panic as a
                    // single thread would have.
                    Err(payload) => std::panic::resume_unwind(payload),
                },
                // No thread to be had: do it here.
                Err(_) => work(range.clone()),
            });
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_and_real() {
        assert_eq!(
            parse_date(b"2025-02-28"),
            NaiveDate::from_ymd_opt(2025, 2, 28)
        );
        for bad in [
            &b"2025-02-29"[..],
            b"2025-13-01",
            b"25-02-01",
            b"2025/02/01",
            b"2025-2-1",
            b"",
            b"\xff\xfe",
            b"2025-02-28x",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_sequence_is_by_date_where_dated() {
        let row = |stage, date: Option<u32>| Row {
            line: 0,
            journey: 0,
            interventions: 0,
            date: date.and_then(|d| NaiveDate::from_ymd_opt(2025, 1, d)),
            stage,
            outcome: Outcome::Passed,
        };
        let (mut dated, mut out) = (Vec::new(), Vec::new());
        let rows = [
            row(0, Some(9)),
            row(1, Some(3)),
            row(2, None),
            row(3, Some(5)),
        ];
        Reader::sequence(&rows, &mut dated, &mut out);
        assert_eq!(out, [1, 3, 2, 0]);
        let rows = [row(2, None), row(0, None), row(1, Some(1))];
        Reader::sequence(&rows, &mut dated, &mut out);
        assert_eq!(out, [2, 0, 1]);
    }
}
