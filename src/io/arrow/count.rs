//! Counting stage results straight from Arrow columns.
//!
//! Each column becomes codes: a dictionary column's keys as they are, a
//! plain text column's values interned once each. Each distinct value is
//! read once, into a table: a stage and outcome pair to its offset in a
//! group's row of counters, a combination of categories to its group's
//! row. Counting a row is then two table reads and one increment.

use std::collections::HashMap;

use arrow::array::{
    Array, AsArray, GenericStringArray, OffsetSizeTrait, RecordBatch, StringViewArray,
};
use arrow::datatypes::{DataType, Int32Type};

use crate::counts::funnel_counts::{FunnelCounts, too_many_groups};
use crate::error::limits::MAX_GROUPS;
use crate::error::{ArrowPlace, Error, Result};
use crate::io::intern::Interner;
use crate::records::applications::OUTCOMES;
use crate::records::breakdown::{Breakdown, Group};
use crate::records::characteristic::Category;
use crate::records::journey::Outcome;
use crate::records::pipeline::Pipeline;

/// A table entry for a value no row may use: far past any counter, so a
/// row that uses it is found out of range.
const BAD: usize = usize::MAX / 4;

/// The largest table of category combinations built for one call; more
/// combinations are looked up row by row.
const DENSE_COMBINATIONS: usize = 1 << 16;

/// Counts of stage results read straight from Arrow columns, one row per
/// result, by stage, outcome and the group of the row's own categories.
///
/// Every cell is checked as the CSV reader checks it: the stage must be
/// one of the pipeline's, the outcome one of `passed`, `failed`,
/// `withdrew`, `pending` or `exempt` (any case; `pass`, `fail`,
/// `withdrawn`), and a characteristic cell is a category (empty or null:
/// not recorded). Each distinct value is checked once, so a dictionary
/// column costs one look-up per dictionary value, not per row. Journeys
/// are not checked: that needs a candidate's rows together (use
/// [`count_arrow`](crate::io::count_arrow) for that). The counts equal
/// [`count_arrow`](crate::io::count_arrow)'s with
/// [`Counting::Applications`](crate::Counting::Applications) when the
/// journeys are valid and every row carries its candidate's categories.
///
/// Counting is exact in any partitioning: counters of parts,
/// [merged](ArrowCounter::merge) in any order, give the counts of one
/// pass.
///
/// ```
/// use std::sync::Arc;
/// use arrow::array::{ArrayRef, DictionaryArray, RecordBatch};
/// use arrow::datatypes::Int32Type;
/// use positive_action::io::ArrowCounter;
/// use positive_action::{Breakdown, Pipeline, PipelineKind};
///
/// let dict = |v: &[&str]| Arc::new(v.iter().copied().collect::<DictionaryArray<Int32Type>>()) as ArrayRef;
/// let batch = RecordBatch::try_from_iter([
///     ("stage", dict(&["sift", "sift", "interview"])),
///     ("outcome", dict(&["passed", "failed", "passed"])),
///     ("sex", dict(&["female", "male", "female"])),
/// ])?;
/// let pipeline = Pipeline::new("PC 2025", PipelineKind::Recruitment, ["sift", "interview"])?;
/// let by_sex = Breakdown::parse(["sex"])?;
/// let mut counter = ArrowCounter::new(&pipeline, &by_sex);
/// counter.count_batch(&batch)?;
/// let counts = counter.finish();
/// assert_eq!(counts.get("sift", &"sex=female".parse()?).map(|c| c.passed), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ArrowCounter {
    pipeline: Pipeline,
    breakdown: Breakdown,
    stage_index: HashMap<String, usize>,
    /// Counters per group: stages × outcomes.
    width: usize,
    /// Per breakdown characteristic: categories by id (0: not recorded).
    categories: Vec<Vec<Category>>,
    category_index: Vec<HashMap<Category, u32>>,
    /// Combinations of category ids to group numbers, and back.
    group_index: HashMap<Vec<u32>, usize>,
    group_keys: Vec<Vec<u32>>,
    /// `flat[group * width + stage * OUTCOMES + outcome]`.
    flat: Vec<u64>,
    /// How many groups have a count, when known: kept only once there
    /// are more group numbers than [`MAX_GROUPS`] (a dense table numbers
    /// combinations no row has), for the limit's check.
    filled: Option<usize>,
    rows: u64,
    calls: u64,
}

/// A column as codes: each row's code, and each code's entry in a table.
struct Codes<'a> {
    keys: Keys<'a>,
    /// One per distinct value, in code order: the value's text, or none
    /// for a null.
    values: Vec<Option<&'a [u8]>>,
}

enum Keys<'a> {
    /// A dictionary's `Int32` keys, when it has no nulls: read in place.
    Borrowed(&'a [u32]),
    Owned(Vec<u32>),
}

impl Keys<'_> {
    fn as_slice(&self) -> &[u32] {
        match self {
            Self::Borrowed(keys) => keys,
            Self::Owned(keys) => keys,
        }
    }
}

impl ArrowCounter {
    /// No counts yet, for a pipeline (whose stage order every part
    /// counted must share) and a breakdown.
    pub fn new(pipeline: &Pipeline, breakdown: &Breakdown) -> Self {
        let stages = pipeline.stages();
        Self {
            pipeline: pipeline.clone(),
            breakdown: breakdown.clone(),
            stage_index: stages
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name().to_owned(), i))
                .collect(),
            width: stages.len() * OUTCOMES as usize,
            categories: vec![vec![Category::NotRecorded]; breakdown.characteristics().len()],
            category_index: vec![HashMap::new(); breakdown.characteristics().len()],
            group_index: HashMap::new(),
            group_keys: Vec::new(),
            flat: Vec::new(),
            filled: None,
            rows: 0,
            calls: 0,
        }
    }

    /// Rows counted so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Counts every row of a batch, finding the stage, outcome and
    /// breakdown columns by name as a CSV header is read (ignoring case).
    ///
    /// # Errors
    /// [`Error::ArrowInput`] for a missing column or one that is not text;
    /// [`Error::UnknownBreakdownColumn`] for a breakdown characteristic no
    /// column holds; otherwise as [`ArrowCounter::count_arrays`].
    pub fn count_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        let schema = batch.schema();
        let find = |wanted: &str| {
            let lower = wanted.trim().to_lowercase();
            schema
                .fields()
                .iter()
                .position(|f| f.name() == wanted)
                .or_else(|| {
                    schema
                        .fields()
                        .iter()
                        .position(|f| f.name().trim().to_lowercase() == lower)
                })
        };
        let required = |name: &str| {
            find(name).ok_or_else(|| Error::ArrowInput {
                file: None,
                column: Some(name.to_owned()),
                reason: format!(
                    "no such column: expected stage, outcome and the breakdown's columns, found {}",
                    schema
                        .fields()
                        .iter()
                        .map(|f| f.name().as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
        };
        let stage = batch.column(required("stage")?);
        let outcome = batch.column(required("outcome")?);
        let mut characteristics = Vec::with_capacity(self.breakdown.characteristics().len());
        for wanted in self.breakdown.characteristics() {
            let Some(i) = find(wanted.name()) else {
                let reserved = ["candidate", "stage", "outcome", "date", "interventions"];
                return Err(Error::UnknownBreakdownColumn {
                    column: wanted.name().to_owned(),
                    reserved: reserved.contains(&wanted.name().to_lowercase().as_str()),
                    columns: schema
                        .fields()
                        .iter()
                        .map(|f| f.name().clone())
                        .filter(|n| {
                            !reserved.contains(&n.to_lowercase().as_str())
                                && n.to_lowercase() != "application"
                        })
                        .collect(),
                });
            };
            characteristics.push(batch.column(i).as_ref());
        }
        let names: Vec<String> = self
            .breakdown
            .characteristics()
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        self.count_named(stage.as_ref(), outcome.as_ref(), &characteristics, &names)
    }

    /// Counts every row of these columns (of one length): the stage, the
    /// outcome, and the breakdown's characteristics in its order. A query
    /// engine's aggregate calls this with its argument columns.
    ///
    /// Nothing of a call that fails is counted. Rows are named by their
    /// index in the columns, and the batch by the call's number (from 0).
    ///
    /// # Errors
    /// [`Error::ArrowInput`] for a column that is not text (`Utf8`,
    /// `LargeUtf8`, `Utf8View` or a dictionary of them), for columns of
    /// different lengths, or for the wrong number of characteristic
    /// columns; [`Error::ArrowRow`] for a null stage or outcome, a stage
    /// not in the pipeline or an unknown outcome, naming the first row
    /// that has it; [`Error::LimitExceeded`] when the groups with a count
    /// would be more than [`MAX_GROUPS`](crate::limits::MAX_GROUPS).
    pub fn count_arrays(
        &mut self,
        stage: &dyn Array,
        outcome: &dyn Array,
        characteristics: &[&dyn Array],
    ) -> Result<()> {
        let names: Vec<String> = self
            .breakdown
            .characteristics()
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        self.count_named(stage, outcome, characteristics, &names)
    }

    fn count_named(
        &mut self,
        stage: &dyn Array,
        outcome: &dyn Array,
        characteristics: &[&dyn Array],
        names: &[String],
    ) -> Result<()> {
        let call = self.calls;
        self.calls += 1;
        let input = |column: &str, reason: String| Error::ArrowInput {
            file: None,
            column: Some(column.to_owned()),
            reason,
        };
        if characteristics.len() != names.len() {
            return Err(input(
                "characteristics",
                format!(
                    "{} columns given: expected one per characteristic of the breakdown ({})",
                    characteristics.len(),
                    names.join(", ")
                ),
            ));
        }
        let n = stage.len();
        for (column, array) in [("outcome", outcome)].into_iter().chain(
            names
                .iter()
                .map(String::as_str)
                .zip(characteristics.iter().copied()),
        ) {
            if array.len() != n {
                return Err(input(
                    column,
                    format!(
                        "has {} rows: expected {n}, as the stage column",
                        array.len()
                    ),
                ));
            }
        }
        let not_text = |column: &str, array: &dyn Array| {
            input(
                column,
                format!(
                    "has type {}: expected text (Utf8, LargeUtf8, Utf8View or a dictionary of them)",
                    array.data_type()
                ),
            )
        };
        let stage_codes = codes(stage).ok_or_else(|| not_text("stage", stage))?;
        let outcome_codes = codes(outcome).ok_or_else(|| not_text("outcome", outcome))?;
        let mut category_codes = Vec::with_capacity(characteristics.len());
        for (name, &array) in names.iter().zip(characteristics) {
            category_codes.push(codes(array).ok_or_else(|| not_text(name, array))?);
        }

        // Stage and outcome pairs to their offsets in a group's row.
        let stage_of: Vec<std::result::Result<usize, String>> =
            stage_codes.values.iter().map(|v| self.stage(*v)).collect();
        let outcome_of: Vec<std::result::Result<usize, String>> = outcome_codes
            .values
            .iter()
            .map(|v| outcome_code(*v))
            .collect();
        let outcomes = outcome_of.len();
        let mut pair = vec![BAD; stage_of.len() * outcomes];
        for (s, stage) in stage_of.iter().enumerate() {
            for (o, outcome) in outcome_of.iter().enumerate() {
                if let (Ok(stage), Ok(outcome)) = (stage, outcome) {
                    pair[s * outcomes + o] = stage + outcome;
                }
            }
        }
        let stage_keys = stage_codes.keys.as_slice();
        let outcome_keys = outcome_codes.keys.as_slice();
        let offset = |i: usize| {
            pair.get(stage_keys[i] as usize * outcomes + outcome_keys[i] as usize)
                .copied()
                .unwrap_or(BAD)
        };
        // A value no row may use (a stage not in the pipeline, say) is an
        // error only if a row uses it: find the first, before counting.
        if pair.contains(&BAD) {
            if let Some(i) = (0..n).find(|&i| offset(i) == BAD) {
                let stage = stage_of.get(stage_keys[i] as usize);
                let outcome = outcome_of.get(outcome_keys[i] as usize);
                let (column, reason) = match (stage, outcome) {
                    (Some(Err(reason)), _) => ("stage", reason.clone()),
                    (_, Some(Err(reason))) => ("outcome", reason.clone()),
                    _ => ("stage", "a dictionary key past its values".to_owned()),
                };
                return Err(Error::ArrowRow {
                    place: Box::new(ArrowPlace {
                        file: None,
                        batch: call,
                        row: i as u64,
                    }),
                    column: Some(column.to_owned()),
                    candidate: None,
                    reason,
                    kind: "csv_cell",
                });
            }
        }

        // Category combinations to their groups' rows.
        let ids: Vec<Vec<u32>> = category_codes
            .iter()
            .enumerate()
            .map(|(k, c)| c.values.iter().map(|v| self.category(k, *v)).collect())
            .collect();
        let radix: Vec<usize> = ids.iter().map(Vec::len).collect();
        let combinations = radix
            .iter()
            .try_fold(1usize, |acc, &r| acc.checked_mul(r))
            .filter(|&c| c <= DENSE_COMBINATIONS);
        let keys: Vec<&[u32]> = category_codes.iter().map(|c| c.keys.as_slice()).collect();
        let group_row = match combinations {
            Some(combinations) => {
                let mut group_row = vec![0usize; combinations];
                let mut key = vec![0u32; ids.len()];
                for (code, slot) in group_row.iter_mut().enumerate() {
                    let mut rest = code;
                    for k in (0..ids.len()).rev() {
                        key[k] = ids[k][rest % radix[k]];
                        rest /= radix[k];
                    }
                    *slot = self.group(&key) * self.width;
                }
                group_row
            }
            None => {
                // Too many combinations for a table: each row's group,
                // looked up row by row.
                let mut key = vec![0u32; ids.len()];
                let mut group_row = Vec::with_capacity(n);
                for i in 0..n {
                    for (slot, (id, column)) in key.iter_mut().zip(ids.iter().zip(keys.iter())) {
                        *slot = id.get(column[i] as usize).copied().unwrap_or(0);
                    }
                    group_row.push(self.group(&key) * self.width);
                }
                group_row
            }
        };
        self.flat.resize(self.group_keys.len() * self.width, 0);
        let rows = Rows {
            pair: &pair,
            outcomes,
            stage_keys,
            outcome_keys,
            keys: if combinations.is_some() { &keys } else { &[] },
            radix: &radix,
            group_row: &group_row,
        };
        if !rows.count::<true>(&mut self.flat) {
            // A key past its values (only a dictionary built unchecked
            // has one): take back what was counted, and say where.
            rows.count::<false>(&mut self.flat);
            let row = (0..n).find(|&i| !rows.fits(&self.flat, i)).unwrap_or(0);
            return Err(Error::ArrowRow {
                place: Box::new(ArrowPlace {
                    file: None,
                    batch: call,
                    row: row as u64,
                }),
                column: None,
                candidate: None,
                reason: "a dictionary key past its values: expected a valid dictionary array"
                    .to_owned(),
                kind: "arrow_row",
            });
        }
        self.filled = None;
        if self.group_keys.len() as u64 > MAX_GROUPS {
            let filled = self.filled_groups();
            if filled as u64 > MAX_GROUPS {
                rows.count::<false>(&mut self.flat);
                return Err(too_many_groups(filled, format!("arrow batch {call}")));
            }
            self.filled = Some(filled);
        }
        self.rows += n as u64;
        Ok(())
    }

    /// How many groups have a count.
    fn filled_groups(&self) -> usize {
        if self.width == 0 {
            return 0;
        }
        self.flat
            .chunks_exact(self.width)
            .filter(|row| row.iter().any(|&c| c != 0))
            .count()
    }

    /// A stage's offset in a group's row, or why a CSV cell of it would
    /// be refused.
    fn stage(&self, value: Option<&[u8]>) -> std::result::Result<usize, String> {
        let Some(raw) = value else {
            return Err("null: expected a stage of the pipeline".to_owned());
        };
        let name = String::from_utf8_lossy(raw);
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName { what: "stage" }.to_string());
        }
        self.stage_index
            .get(name)
            .map(|&s| s * OUTCOMES as usize)
            .ok_or_else(|| {
                Error::UnknownStage {
                    candidate: None,
                    stage: name.to_owned(),
                    pipeline: self.pipeline.name().to_owned(),
                }
                .to_string()
            })
    }

    /// Characteristic `k`'s category id of a value.
    fn category(&mut self, k: usize, value: Option<&[u8]>) -> u32 {
        let category = Category::parse(&String::from_utf8_lossy(value.unwrap_or_default()));
        if category == Category::NotRecorded {
            return 0;
        }
        if let Some(&id) = self.category_index[k].get(&category) {
            return id;
        }
        // Fewer categories than rows counted, far below u32::MAX.
        let id = self.categories[k].len() as u32;
        self.categories[k].push(category.clone());
        self.category_index[k].insert(category, id);
        id
    }

    /// The group number of a combination of category ids.
    fn group(&mut self, key: &[u32]) -> usize {
        if let Some(&g) = self.group_index.get(key) {
            return g;
        }
        let g = self.group_keys.len();
        self.group_keys.push(key.to_vec());
        self.group_index.insert(key.to_vec(), g);
        g
    }

    /// Adds another counter's counts.
    ///
    /// # Errors
    /// [`Error::PipelineMismatch`] when the counters' pipelines differ, and
    /// the error of [`FunnelCounts::merge`] when their breakdowns do;
    /// [`Error::LimitExceeded`] when the groups together would be more
    /// than [`MAX_GROUPS`](crate::limits::MAX_GROUPS) (the groups added
    /// before that stay added).
    pub fn merge(&mut self, other: &ArrowCounter) -> Result<()> {
        if self.pipeline != other.pipeline {
            return Err(Error::PipelineMismatch {
                expected: self.pipeline.name().to_owned(),
                found: other.pipeline.name().to_owned(),
            });
        }
        if self.breakdown != other.breakdown {
            // Say it as merging the counts says it.
            let mut mine = self.finish();
            mine.merge(&other.finish())?;
        }
        for (categories, counters) in other.counted() {
            self.add_counted(categories, counters)?;
        }
        Ok(())
    }

    /// The pipeline counted.
    #[cfg(feature = "datafusion")]
    pub(crate) fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The breakdown counted by.
    #[cfg(feature = "datafusion")]
    pub(crate) fn breakdown(&self) -> &Breakdown {
        &self.breakdown
    }

    /// Counters per group: the pipeline's stages times the outcomes, each
    /// stage's outcomes in [`Outcome`] order.
    #[cfg(feature = "datafusion")]
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// How many counters the groups so far hold, for memory accounting.
    #[cfg(feature = "datafusion")]
    pub(crate) fn counters(&self) -> usize {
        self.flat.len()
    }

    /// Each group counted so far: its categories in the breakdown's order,
    /// and its counters (stages × outcomes).
    pub(crate) fn counted(&self) -> impl Iterator<Item = (Vec<&Category>, &[u64])> {
        self.group_keys.iter().enumerate().filter_map(|(g, key)| {
            let counters = self.flat.get(g * self.width..(g + 1) * self.width)?;
            let categories = key
                .iter()
                .zip(&self.categories)
                .map(|(&id, known)| known.get(id as usize).unwrap_or(&Category::NotRecorded))
                .collect();
            Some((categories, counters))
        })
    }

    /// Adds counters (stages × outcomes) to the group of
    /// these categories, one per characteristic of the breakdown.
    ///
    /// # Errors
    /// [`Error::TotalOverflow`] when a counter would pass `u64::MAX`;
    /// [`Error::LimitExceeded`] for a group past
    /// [`MAX_GROUPS`](crate::limits::MAX_GROUPS), before anything of it
    /// is added.
    pub(crate) fn add_counted<'c>(
        &mut self,
        categories: impl IntoIterator<Item = &'c Category>,
        counters: &[u64],
    ) -> Result<()> {
        let mut key = Vec::with_capacity(self.categories.len());
        let known = self.categories.iter_mut().zip(&mut self.category_index);
        for (category, (known, index)) in categories.into_iter().zip(known) {
            key.push(match category {
                Category::NotRecorded => 0,
                category => match index.get(category) {
                    Some(&id) => id,
                    None => {
                        // Fewer categories than rows counted, far below u32::MAX.
                        let id = known.len() as u32;
                        known.push(category.clone());
                        index.insert(category.clone(), id);
                        id
                    }
                },
            });
        }
        let row = self.group(&key) * self.width;
        self.flat.resize(self.group_keys.len() * self.width, 0);
        let target = &self.flat[row..row + self.width];
        if target.iter().all(|&c| c == 0) && counters.iter().any(|&c| c != 0) {
            // A group gets its first count.
            if self.group_keys.len() as u64 > MAX_GROUPS {
                let filled = match self.filled {
                    Some(filled) => filled,
                    None => self.filled_groups(),
                };
                if filled as u64 >= MAX_GROUPS {
                    return Err(too_many_groups(
                        filled + 1,
                        "merging arrow counts".to_owned(),
                    ));
                }
                self.filled = Some(filled + 1);
            } else if let Some(filled) = &mut self.filled {
                *filled += 1;
            }
        }
        let overflow = || Error::TotalOverflow {
            context: "merging arrow counts".to_owned(),
        };
        let mut rows = self.rows;
        for (mine, theirs) in self.flat[row..row + self.width].iter_mut().zip(counters) {
            *mine = mine.checked_add(*theirs).ok_or_else(overflow)?;
            rows = rows.checked_add(*theirs).ok_or_else(overflow)?;
        }
        self.rows = rows;
        Ok(())
    }

    /// The counts, ready for every analysis. Groups no row counted in
    /// are left out, as counting journeys leaves them out.
    pub fn finish(&self) -> FunnelCounts {
        let characteristics = self.breakdown.characteristics();
        let mut groups = Vec::new();
        let mut flat = Vec::new();
        for (g, key) in self.group_keys.iter().enumerate() {
            let Some(row) = self.flat.get(g * self.width..(g + 1) * self.width) else {
                continue;
            };
            if row.iter().all(|&c| c == 0) {
                continue;
            }
            let entries = characteristics
                .iter()
                .zip(key)
                .enumerate()
                .map(|(k, (c, &id))| {
                    let category = self.categories[k]
                        .get(id as usize)
                        .cloned()
                        .unwrap_or(Category::NotRecorded);
                    (c.clone(), category)
                });
            // Each characteristic once, from the breakdown: a valid group.
            let Ok(group) = Group::new(entries) else {
                continue;
            };
            groups.push(group);
            flat.extend_from_slice(row);
        }
        FunnelCounts::from_flat(&self.pipeline, &self.breakdown, groups, &flat)
    }
}

/// An outcome's code, or why a CSV cell of it would be refused.
fn outcome_code(value: Option<&[u8]>) -> std::result::Result<usize, String> {
    let Some(raw) = value else {
        return Err("null: expected an outcome".to_owned());
    };
    String::from_utf8_lossy(raw)
        .parse::<Outcome>()
        .map(|o| o as usize)
        .map_err(|e| e.to_string())
}

/// A column as codes, or none for a type that is not text.
fn codes(array: &dyn Array) -> Option<Codes<'_>> {
    match array.data_type() {
        DataType::Dictionary(_, _) => {
            let dictionary = array.as_any_dictionary_opt()?;
            let values = texts(dictionary.values().as_ref())?;
            let nulls = array.logical_nulls();
            let null_code = values.len() as u32;
            let keys = match (array.as_dictionary_opt::<Int32Type>(), &nulls) {
                // No values: every row is null (normalizing keys into no
                // values would panic).
                _ if values.is_empty() => Keys::Owned(vec![null_code; array.len()]),
                (Some(typed), None) => {
                    Keys::Borrowed(typed.keys().values().inner().typed_data::<u32>())
                }
                _ => {
                    let normal = dictionary.normalized_keys();
                    Keys::Owned(
                        normal
                            .iter()
                            .enumerate()
                            .map(|(i, &k)| {
                                if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                                    null_code
                                } else {
                                    // Keys index the values, fewer than 2^32.
                                    k as u32
                                }
                            })
                            .collect(),
                    )
                }
            };
            let mut values: Vec<Option<&[u8]>> = values.into_iter().collect();
            values.push(None);
            Some(Codes { keys, values })
        }
        _ => {
            let cells = texts(array)?;
            let mut interner: Interner<u32> = Interner::new();
            let mut values: Vec<Option<&[u8]>> = Vec::new();
            let mut keys = Vec::with_capacity(cells.len());
            let nulls = array.logical_nulls();
            for (i, cell) in cells.into_iter().enumerate() {
                let cell = if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                    None
                } else {
                    cell
                };
                let raw = cell.unwrap_or(b"\xFF");
                let code = match interner.get(raw) {
                    Some(code) => code,
                    None => {
                        let code = values.len() as u32;
                        interner.insert(raw, code);
                        values.push(cell);
                        code
                    }
                };
                keys.push(code);
            }
            Some(Codes {
                keys: Keys::Owned(keys),
                values,
            })
        }
    }
}

/// Every value of a text array (none at a null).
fn texts(array: &dyn Array) -> Option<Vec<Option<&[u8]>>> {
    fn of<O: OffsetSizeTrait>(a: &GenericStringArray<O>) -> Vec<Option<&[u8]>> {
        a.iter().map(|v| v.map(str::as_bytes)).collect()
    }
    fn view(a: &StringViewArray) -> Vec<Option<&[u8]>> {
        a.iter().map(|v| v.map(str::as_bytes)).collect()
    }
    Some(match array.data_type() {
        DataType::Utf8 => of(array.as_string::<i32>()),
        DataType::LargeUtf8 => of(array.as_string::<i64>()),
        DataType::Utf8View => view(array.as_string_view()),
        DataType::Null => vec![None; array.len()],
        _ => return None,
    })
}

/// What counting a call's rows reads.
struct Rows<'a> {
    /// Stage and outcome codes to offsets in a group's row.
    pair: &'a [usize],
    outcomes: usize,
    stage_keys: &'a [u32],
    outcome_keys: &'a [u32],
    /// The characteristics' codes, when `group_row` is a table of their
    /// combinations; none when it is each row's group.
    keys: &'a [&'a [u32]],
    radix: &'a [usize],
    group_row: &'a [usize],
}

impl Rows<'_> {
    #[inline(always)]
    fn offset(&self, i: usize) -> usize {
        self.pair
            .get(self.stage_keys[i] as usize * self.outcomes + self.outcome_keys[i] as usize)
            .copied()
            .unwrap_or(BAD)
    }

    #[inline(always)]
    fn group(&self, i: usize) -> usize {
        let code = match self.keys {
            [] if self.group_row.len() == 1 => 0,
            [] => i,
            [a] => a[i] as usize,
            [a, b] => a[i] as usize * self.radix[1] + b[i] as usize,
            keys => keys
                .iter()
                .zip(self.radix)
                .fold(0, |code, (keys, &r)| code * r + keys[i] as usize),
        };
        self.group_row.get(code).copied().unwrap_or(BAD)
    }

    fn fits(&self, flat: &[u64], i: usize) -> bool {
        self.group(i).saturating_add(self.offset(i)) < flat.len()
    }

    /// Adds (or, to take a count back, subtracts) every row whose counter
    /// is in range; whether every row's was.
    fn count<const ADD: bool>(&self, flat: &mut [u64]) -> bool {
        let n = self.stage_keys.len().min(self.outcome_keys.len());
        let mut fits = true;
        let mut one = |i: usize, group: usize| match flat.get_mut(group + self.offset(i)) {
            Some(c) if ADD => *c += 1,
            Some(c) => *c -= 1,
            None => fits = false,
        };
        // One loop per number of characteristics, so the group's code is
        // computed without a loop inside the loop.
        match self.keys {
            [] if self.group_row.len() == 1 => {
                let group = self.group_row[0];
                (0..n).for_each(|i| one(i, group));
            }
            [] => (0..n).for_each(|i| one(i, self.group_row.get(i).copied().unwrap_or(BAD))),
            [a] => {
                let a = &a[..n];
                (0..n).for_each(|i| {
                    one(i, self.group_row.get(a[i] as usize).copied().unwrap_or(BAD))
                });
            }
            [a, b] => {
                let (a, b) = (&a[..n], &b[..n]);
                let rb = self.radix[1];
                (0..n).for_each(|i| {
                    let code = a[i] as usize * rb + b[i] as usize;
                    one(i, self.group_row.get(code).copied().unwrap_or(BAD));
                });
            }
            _ => (0..n).for_each(|i| one(i, self.group(i))),
        }
        fits
    }
}
