//! From rows to journeys: once every row is in, the rows are settled into
//! journeys, validated in coded form, and then either built into records
//! ([`Settled::into_loaded`]) or counted straight into a funnel
//! ([`Settled::count`]).
//!
//! Validation never builds a [`Journey`]: each journey's rows are put in
//! pipeline order as coded [`Step`]s and checked by the same [`Rules`] as
//! [`Journey::new`], in parallel. Counting reads those steps; only a load
//! that asks for records pays for candidate ids, profiles and journeys.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use super::{
    CsvCounts, ExternalIds, LoadReport, Loaded, NONE, RESERVED, Reader, Row, SetAside, StageOrder,
    in_parallel,
};
use crate::counts::funnel_counts::{Counting, FunnelCounts, too_many_groups};
use crate::counts::stage_time::StageTimes;
use crate::error::limits::MAX_GROUPS;
use crate::error::{Error, Result};
use crate::records::applications::{Applications, OUTCOMES};
use crate::records::breakdown::{Breakdown, GroupInterner};
use crate::records::candidate::{Candidate, CandidateId};
use crate::records::characteristic::{Category, Characteristic};
use crate::records::journey::{Broken, Journey, Rules, Step};
use crate::records::pipeline::{Pipeline, PipelineKind};
use crate::records::profile::Profile;

/// Journeys settled and validated: the valid ones as coded steps in
/// pipeline order, everything else accounted for in the load report.
pub(super) struct Settled {
    reader: Reader,
    pipeline: Pipeline,
    load: LoadReport,
    /// The valid journeys, in journey order (first appearance in the file).
    kept: Vec<u32>,
    /// `kept[i]`'s steps are `steps[bounds[i]..bounds[i + 1]]`.
    steps: Vec<Step>,
    bounds: Vec<usize>,
    /// With an interventions column: `kept[i]`'s are
    /// `interventions[intervention_bounds[i]..intervention_bounds[i + 1]]`.
    interventions: Vec<(u16, u32)>,
    intervention_bounds: Vec<usize>,
    /// Every valid journey counted while checking, when asked to.
    counter: Option<Counter>,
}

/// Why a journey was not kept.
enum Failure {
    Journey(Error),
    Unplaced,
}

/// One thread's share of the checked journeys.
struct Checked {
    kept: Vec<u32>,
    steps: Vec<Step>,
    ends: Vec<usize>,
    interventions: Vec<(u16, u32)>,
    intervention_ends: Vec<usize>,
    failed: Vec<(u32, Failure)>,
    counter: Option<Counter>,
}

/// What checking the journeys reads.
struct Check<'a> {
    reader: &'a Reader,
    starts: &'a [usize],
    place: &'a [u16],
    pipeline: &'a Pipeline,
    /// Count valid journeys by these combinations instead of keeping them.
    count: Option<&'a Combos>,
}

impl Reader {
    /// Settles the rows into journeys: two rows for one stage, two
    /// spellings of one UUID, the stage order, and the journey rules, then
    /// the load report. Strict mode stops at the first problem; lenient mode
    /// sets the journey aside. With `count`, valid journeys are counted by
    /// those combinations as they are checked, and not kept.
    pub(super) fn settle(
        mut self,
        name: &str,
        kind: &PipelineKind,
        count: Option<&Combos>,
    ) -> Result<Settled> {
        let starts = self.group_rows();
        let journeys = self.journeys.len();
        let rows_of = |j: usize| starts[j]..starts[j + 1];

        // Two rows for one stage of one journey, found on every core and
        // reported in journey order.
        let stages = self.stage_names.len().max(self.given_index.len());
        let found = in_parallel(journeys, |range| {
            let mut seen = vec![NONE; stages];
            let mut seen_line = vec![0u64; stages];
            let mut found: Vec<(usize, u16, u64, u64)> = Vec::new();
            for j in range {
                if self.spoiled(j) != NONE {
                    continue;
                }
                for r in rows_of(j) {
                    let row = self.rows[r];
                    let s = usize::from(row.stage);
                    // j < NONE: journeys are capped below it.
                    if seen[s] == j as u32 {
                        found.push((j, row.stage, seen_line[s], row.line));
                        break;
                    }
                    seen[s] = j as u32;
                    seen_line[s] = row.line;
                }
                if !self.lenient && !found.is_empty() {
                    break;
                }
            }
            found
        });
        for (j, stage, first_line, line) in found.into_iter().flatten() {
            let error = Error::CsvDuplicateResult {
                candidate: self.external(j),
                application: self.application_of(j),
                stage: self.stage_name(stage),
                first_line,
                line,
            };
            if !self.lenient {
                return Err(error);
            }
            let reason = self.say(error);
            self.spoil_journey(j, reason);
        }

        self.check_uuid_spellings()?;

        // The stage order, and each interned stage's place in it.
        let (pipeline, place, stage_order) = match self.given.clone() {
            Some(pipeline) => {
                // Interned ids are the pipeline's indices.
                let place: Vec<u16> = (0..pipeline.stages().len()).map(|i| i as u16).collect();
                (pipeline, place, StageOrder::Given)
            }
            None => {
                let (order, tied) = self.infer_order(&starts)?;
                let names: Vec<&str> = order
                    .iter()
                    .map(|&s| self.stage_names[usize::from(s)].as_str())
                    .collect();
                let pipeline = Pipeline::new(name, kind.clone(), names)?;
                let mut place = vec![u16::MAX; self.stage_names.len()];
                for (i, &s) in order.iter().enumerate() {
                    // At most MAX_STAGES stages.
                    place[usize::from(s)] = i as u16;
                }
                let how = if tied {
                    StageOrder::InferredWithTies
                } else {
                    StageOrder::Inferred
                };
                (pipeline, place, how)
            }
        };

        // Check each journey in pipeline order, in parallel: journeys are
        // independent, and strict mode still reports the first bad one.
        let check = Check {
            reader: &self,
            starts: &starts,
            place: &place,
            pipeline: &pipeline,
            count,
        };
        let parts = in_parallel(journeys, |range| check.journeys(range));
        let total: usize = parts.iter().map(|p| p.kept.len()).sum();
        let with_interventions = self.columns.interventions.is_some();
        let mut kept: Vec<u32> = Vec::with_capacity(total);
        let mut steps: Vec<Step> = Vec::with_capacity(parts.iter().map(|p| p.steps.len()).sum());
        let mut bounds: Vec<usize> = Vec::with_capacity(total + 1);
        bounds.push(0);
        let mut interventions: Vec<(u16, u32)> = Vec::new();
        let mut intervention_bounds: Vec<usize> = Vec::new();
        if with_interventions {
            intervention_bounds.push(0);
        }
        let mut failed = Vec::new();
        let mut counter: Option<Counter> = None;
        for part in parts {
            match (counter.as_mut(), part.counter) {
                (Some(counter), Some(part)) => counter.merge(part),
                (None, part) => counter = part,
                (Some(_), None) => {}
            }
            kept.extend(part.kept);
            let offset = steps.len();
            steps.extend(part.steps);
            bounds.extend(part.ends.iter().map(|e| e + offset));
            let offset = interventions.len();
            interventions.extend(part.interventions);
            intervention_bounds.extend(part.intervention_ends.iter().map(|e| e + offset));
            failed.extend(part.failed);
        }
        for (j, failure) in failed {
            let reason = match failure {
                Failure::Journey(error) if !self.lenient => return Err(error),
                Failure::Journey(error) => self.say(error),
                Failure::Unplaced => "its stage is not in the stage order".to_owned(),
            };
            self.spoil_journey(j as usize, reason);
        }

        // Report: every row read is used or set aside.
        let mut rows_used = 0u64;
        for j in 0..journeys {
            let spoiled = self.spoiled(j);
            if spoiled == NONE {
                rows_used += rows_of(j).len() as u64;
                continue;
            }
            let candidate = self.journeys[j].candidate as usize;
            for r in rows_of(j) {
                self.set_aside.push(SetAside {
                    line: self.rows[r].line,
                    candidate: Some(self.external_id(candidate).to_owned()),
                    reason: self.reasons[spoiled as usize].clone(),
                });
            }
        }
        let mut set_aside = std::mem::take(&mut self.set_aside);
        set_aside.sort_by_key(|s| s.line);
        let rows_set_aside = set_aside.len() as u64;
        debug_assert_eq!(self.rows_read, rows_used + rows_set_aside);
        let load = LoadReport {
            rows_read: self.rows_read,
            rows_used,
            rows_set_aside,
            set_aside,
            stage_order,
            label_warnings: std::mem::take(&mut self.label_warnings),
        };
        Ok(Settled {
            reader: self,
            pipeline,
            load,
            kept,
            steps,
            bounds,
            interventions,
            intervention_bounds,
            counter,
        })
    }
}

impl Check<'_> {
    /// Puts each journey of `range` in pipeline order and checks it.
    fn journeys(&self, range: Range<usize>) -> Checked {
        let reader = self.reader;
        let rows = &reader.rows;
        let with_interventions = reader.columns.interventions.is_some();
        let counting = self.count.is_some();
        let mut checked = Checked {
            kept: Vec::with_capacity(if counting { 0 } else { range.len() }),
            steps: Vec::with_capacity(if counting {
                64
            } else {
                self.starts[range.end] - self.starts[range.start]
            }),
            ends: Vec::with_capacity(if counting { 0 } else { range.len() }),
            interventions: Vec::new(),
            intervention_ends: Vec::new(),
            failed: Vec::new(),
            counter: self
                .count
                .map(|_| Counter::new(self.pipeline.stages().len())),
        };
        let mut order: Vec<usize> = Vec::new();
        for j in range {
            if reader.spoiled(j) != NONE {
                continue;
            }
            order.clear();
            order.extend(self.starts[j]..self.starts[j + 1]);
            // Rows in a file sorted by stage are in order already.
            let place = |r: &usize| self.place.get(usize::from(rows[*r].stage)).copied();
            if !order.is_sorted_by_key(place) {
                order.sort_by_key(place);
            }
            // Journeys are capped below u32::MAX.
            let id = j as u32;
            let start = checked.steps.len();
            let mut rules = Rules::default();
            let mut broken = None;
            let mut unplaced = false;
            for &r in &order {
                let row = rows[r];
                let Some(&stage) = self
                    .place
                    .get(usize::from(row.stage))
                    .filter(|&&p| usize::from(p) < self.pipeline.stages().len())
                else {
                    unplaced = true;
                    break;
                };
                let step = Step {
                    date: row.date,
                    stage,
                    outcome: row.outcome,
                };
                if let Err(rule) = rules.check(&checked.steps[start..], step) {
                    broken = Some(rule);
                    break;
                }
                checked.steps.push(step);
            }
            if unplaced {
                // Only stages of set-aside journeys are left out of an
                // inferred order, so this does not happen; never drop a
                // journey silently if it does.
                checked.steps.truncate(start);
                checked.failed.push((id, Failure::Unplaced));
                continue;
            }
            if let Some(rule) = broken {
                checked.steps.truncate(start);
                let candidate = reader.journeys[j].candidate as usize;
                // Only a bad journey pays for its candidate's UUID.
                let reason = rule.error(
                    CandidateId::from_external(reader.external_id(candidate)),
                    self.pipeline,
                );
                let error = Error::CsvJourney {
                    candidate: reader.external(j),
                    application: reader.application_of(j),
                    lines: lines_named(rule, &order, rows, self.place),
                    reason: Box::new(reason),
                };
                checked.failed.push((id, Failure::Journey(error)));
                if !reader.lenient {
                    break;
                }
                continue;
            }
            if let (Some(combos), Some(counter)) = (self.count, checked.counter.as_mut()) {
                let candidate = reader.journeys[j].candidate as usize;
                counter.add(combos.of[candidate] as usize, &checked.steps[start..]);
                checked.steps.truncate(start);
                continue;
            }
            checked.kept.push(id);
            checked.ends.push(checked.steps.len());
            if with_interventions {
                for &r in &order {
                    let row = rows[r];
                    let p = self.place[usize::from(row.stage)];
                    let list = &reader.intervention_lists[row.interventions as usize];
                    checked.interventions.extend(list.iter().map(|&n| (p, n)));
                }
                checked.intervention_ends.push(checked.interventions.len());
            }
        }
        checked
    }
}

/// The lines of the rows a broken rule names (the whole journey's if it
/// names none), in line order.
fn lines_named(rule: Broken, order: &[usize], rows: &[Row], place: &[u16]) -> Vec<u64> {
    let line_of = |stage: u16| {
        order.iter().find_map(|&r| {
            let p = *place.get(usize::from(rows[r].stage))?;
            (p == stage).then_some(rows[r].line)
        })
    };
    let mut lines: Vec<u64> = rule.stages().into_iter().filter_map(line_of).collect();
    if let Broken::PendingNotLast { .. } = rule {
        // Pending must be last: name the row after it too.
        if let Some(&first) = lines.first() {
            if let Some(next) = order
                .iter()
                .map(|&r| rows[r].line)
                .skip_while(|&l| l != first)
                .nth(1)
            {
                lines.push(next);
            }
        }
    }
    if lines.is_empty() {
        lines = order.iter().map(|&r| rows[r].line).collect();
    }
    lines.sort_unstable();
    lines.dedup();
    lines
}

impl Settled {
    /// The steps of `kept[i]`.
    fn steps_of(&self, i: usize) -> &[Step] {
        &self.steps[self.bounds[i]..self.bounds[i + 1]]
    }

    /// The candidates with at least one kept journey, in order of first
    /// appearance.
    fn kept_candidates(&self) -> Vec<usize> {
        let mut used = vec![false; self.reader.candidate_keys.len()];
        for &j in &self.kept {
            used[self.reader.journeys[j as usize].candidate as usize] = true;
        }
        (0..used.len()).filter(|&c| used[c]).collect()
    }

    /// Builds the records: candidate ids, profiles, journeys and
    /// [`Applications`], with the external ids, application labels and
    /// interventions beside them.
    pub(super) fn into_loaded(self) -> Result<Loaded> {
        let reader = &self.reader;
        let kept_candidates = self.kept_candidates();
        let mut index = vec![NONE; reader.candidate_keys.len()];
        for (i, &c) in kept_candidates.iter().enumerate() {
            // Candidates are capped below u32::MAX.
            index[c] = i as u32;
        }
        let ids: Vec<CandidateId> = in_parallel(kept_candidates.len(), |range| {
            kept_candidates[range]
                .iter()
                .map(|&c| CandidateId::from_external(reader.external_id(c)))
                .collect::<Vec<_>>()
        })
        .concat();
        let journeys: Vec<Journey> = in_parallel(self.kept.len(), |range| {
            range
                .map(|i| {
                    let candidate = reader.journeys[self.kept[i] as usize].candidate as usize;
                    let id = ids[index[candidate] as usize];
                    Journey::from_checked(&self.pipeline, id, self.steps_of(i).to_vec())
                })
                .collect::<Vec<_>>()
        })
        .concat();
        // Distinct profiles, each built once, in order of first appearance,
        // as Applications::new would find them.
        let width = reader.columns.characteristics.len();
        let combos = Combos::of_columns(reader, (0..width).collect());
        let mut profile_index = vec![NONE; combos.example.len()];
        let mut profiles: Vec<Profile> = Vec::new();
        let mut profile_of = Vec::with_capacity(kept_candidates.len());
        for &c in &kept_candidates {
            let combo = combos.of[c] as usize;
            if profile_index[combo] == NONE {
                profiles.push(combos.profile(reader, combo)?);
                // No more profiles than candidates, capped below u32::MAX.
                profile_index[combo] = (profiles.len() - 1) as u32;
            }
            profile_of.push(profile_index[combo]);
        }
        let candidates: Vec<Candidate> = ids
            .iter()
            .zip(&profile_of)
            .map(|(&id, &p)| Candidate::new(id, profiles[p as usize].clone()))
            .collect();
        let owner: Vec<u32> = self
            .kept
            .iter()
            .map(|&j| index[reader.journeys[j as usize].candidate as usize])
            .collect();
        let mut external_ids = ExternalIds::default();
        for &c in &kept_candidates {
            external_ids.push(reader.external_id(c));
        }
        let application_labels = if reader.columns.application.is_some() {
            self.kept
                .iter()
                .map(|&j| {
                    let a = reader.journeys[j as usize].application as usize;
                    reader
                        .application_labels
                        .get(a)
                        .cloned()
                        .unwrap_or_default()
                })
                .collect()
        } else {
            Vec::new()
        };
        // Ids are distinct (two spellings of one UUID were caught when
        // settling) and every journey's candidate is listed: what
        // Applications::new would check and hash a million ids to find.
        let applications = Applications::from_parts(
            &self.pipeline,
            candidates,
            journeys,
            owner,
            profiles,
            profile_of,
        );
        Ok(Loaded {
            applications,
            load: self.load,
            external_ids,
            application_labels,
            intervention_names: self.reader.intervention_names,
            interventions: self.interventions,
            intervention_bounds: self.intervention_bounds,
        })
    }

    /// Counts the kept journeys by `breakdown`, and the days between dated
    /// results, as [`FunnelCounts::from_applications`] and
    /// [`StageTimes::from_applications`] would from [`Settled::into_loaded`]'s
    /// applications, without building them. Counting every application was
    /// done while checking, in parallel; counting each candidate's latest
    /// needs every journey checked first.
    pub(super) fn count(
        mut self,
        breakdown: &Breakdown,
        counting: Counting,
        combos: &Combos,
    ) -> Result<CsvCounts> {
        let counter = match (self.counter.take(), counting) {
            (Some(counter), Counting::Applications) => counter,
            _ => {
                let mut counter = Counter::new(self.pipeline.stages().len());
                let chosen = match counting {
                    Counting::Applications => (0..self.kept.len()).collect(),
                    Counting::UniqueCandidates => self.latest_per_candidate(),
                };
                for i in chosen {
                    let j = self.kept[i] as usize;
                    let candidate = self.reader.journeys[j].candidate as usize;
                    counter.add(combos.of[candidate] as usize, self.steps_of(i));
                }
                counter
            }
        };
        let (counts, stage_times) =
            counter.finish(&self.reader, &self.pipeline, breakdown, combos)?;
        Ok(CsvCounts {
            counts,
            stage_times,
            load: self.load,
        })
    }

    /// For each candidate with a kept journey, their latest application, as
    /// [`Applications`] chooses it: the latest application date (the first
    /// dated step), undated before dated, ties to the later journey.
    fn latest_per_candidate(&self) -> Vec<usize> {
        let mut best: Vec<Option<usize>> = vec![None; self.reader.candidate_keys.len()];
        let applied = |i: usize| self.steps_of(i).iter().find_map(|s| s.date);
        for i in 0..self.kept.len() {
            let candidate = self.reader.journeys[self.kept[i] as usize].candidate as usize;
            let slot = &mut best[candidate];
            let replace = match *slot {
                None => true,
                Some(b) => applied(i) >= applied(b),
            };
            if replace {
                *slot = Some(i);
            }
        }
        let mut chosen: Vec<usize> = best.into_iter().flatten().collect();
        chosen.sort_unstable();
        chosen
    }
}

/// Each candidate's combination of the category ids of the columns a
/// breakdown reads, numbered densely in order of first appearance: the
/// group a candidate counts in, before any group is built. A profile is
/// built and interned once per combination counted, not once per
/// candidate.
pub(super) struct Combos {
    /// The characteristic columns the breakdown reads (their indices).
    columns: Vec<usize>,
    /// The breakdown's characteristic each of `columns` is read as.
    names: Vec<Characteristic>,
    /// Per candidate: their combination.
    of: Vec<u32>,
    /// Per combination: a candidate who has it.
    example: Vec<u32>,
}

/// The largest table of category combinations kept dense.
const DENSE_COMBINATIONS: u64 = 1 << 20;

impl Combos {
    /// The combinations of the columns `breakdown` reads, and the error
    /// for a breakdown characteristic no column holds, to give once the
    /// rows' own errors have had their turn (so counting fails as reading
    /// does on a bad file).
    ///
    /// A breakdown characteristic reads the column of the same name, or
    /// else the one whose name is the same ignoring case (`ETHNICITY` for
    /// `ethnicity`). The header cannot hold two names that differ only by
    /// case, so the match is never ambiguous. A characteristic no column
    /// names is an [`Error::UnknownBreakdownColumn`] that lists the
    /// characteristic columns there are.
    pub(super) fn new(reader: &Reader, breakdown: &Breakdown) -> (Self, Option<Error>) {
        let found = &reader.columns.characteristics;
        let mut columns = Vec::with_capacity(breakdown.characteristics().len());
        let mut names = Vec::with_capacity(columns.capacity());
        let mut missing = None;
        for wanted in breakdown.characteristics() {
            let lower = wanted.name().to_lowercase();
            let k = found.iter().position(|(_, c)| c == wanted).or_else(|| {
                found
                    .iter()
                    .position(|(_, c)| c.name().to_lowercase() == lower)
            });
            match k {
                Some(k) => {
                    columns.push(k);
                    names.push(wanted.clone());
                }
                None if missing.is_none() => {
                    missing = Some(Error::UnknownBreakdownColumn {
                        column: wanted.name().to_owned(),
                        reserved: RESERVED.contains(&lower.as_str()),
                        columns: found.iter().map(|(_, c)| c.name().to_owned()).collect(),
                    });
                }
                None => {}
            }
        }
        let mut combos = Self::of_columns(reader, columns);
        combos.names = names;
        (combos, missing)
    }

    /// The combinations of these characteristic columns (their indices).
    fn of_columns(reader: &Reader, columns: Vec<usize>) -> Self {
        let width = reader.columns.characteristics.len();
        let candidates = reader.candidate_keys.len();
        let id = |c: usize, k: usize| reader.profile_ids[c * width + k];
        // Mixed-radix codes of the category ids, when few enough for a
        // table; a map from the ids otherwise.
        let radix: Vec<u64> = columns
            .iter()
            .map(|&k| reader.categories[k].len() as u64)
            .collect();
        let codes = radix
            .iter()
            .try_fold(1u64, |acc, &r| acc.checked_mul(r))
            .filter(|&n| n <= DENSE_COMBINATIONS);
        let mut of = Vec::with_capacity(candidates);
        let mut example = Vec::new();
        let mut fresh = |c: usize| {
            // No more combinations than candidates, capped below u32::MAX.
            example.push(c as u32);
            (example.len() - 1) as u32
        };
        match codes {
            Some(codes) => {
                // At most 2^20 entries.
                let mut table = vec![NONE; codes as usize];
                for c in 0..candidates {
                    let code = columns
                        .iter()
                        .zip(&radix)
                        .fold(0u64, |acc, (&k, &r)| acc * r + u64::from(id(c, k)));
                    let slot = &mut table[code as usize];
                    if *slot == NONE {
                        *slot = fresh(c);
                    }
                    of.push(*slot);
                }
            }
            None => {
                let mut map: HashMap<Vec<u32>, u32> = HashMap::new();
                for c in 0..candidates {
                    let key: Vec<u32> = columns.iter().map(|&k| id(c, k)).collect();
                    let combo = *map.entry(key).or_insert_with(|| fresh(c));
                    of.push(combo);
                }
            }
        }
        let names = columns
            .iter()
            .map(|&k| reader.columns.characteristics[k].1.clone())
            .collect();
        Self {
            columns,
            names,
            of,
            example,
        }
    }

    /// The profile (the columns the breakdown reads) of a combination.
    fn profile(&self, reader: &Reader, combo: usize) -> Result<Profile> {
        let width = reader.columns.characteristics.len();
        let candidate = self.example.get(combo).map_or(0, |&c| c as usize);
        Profile::new(self.columns.iter().zip(&self.names).map(|(&k, name)| {
            let id = reader
                .profile_ids
                .get(candidate * width + k)
                .copied()
                .unwrap_or(0) as usize;
            (
                name.clone(),
                reader.categories[k]
                    .get(id)
                    .cloned()
                    .unwrap_or(Category::NotRecorded),
            )
        }))
    }
}

/// Counts by combination: a row of `stages * 5` counters each (a coded
/// result is its offset in the row), and the days between dated results.
/// Counters from different threads add up.
#[derive(Debug)]
pub(super) struct Counter {
    stages: usize,
    flat: Vec<u64>,
    days: Days,
}

impl Counter {
    fn new(stages: usize) -> Self {
        Self {
            stages,
            flat: Vec::new(),
            days: Days::new(stages),
        }
    }

    fn width(&self) -> usize {
        self.stages * OUTCOMES as usize
    }

    /// Counts one checked journey's steps.
    #[inline]
    fn add(&mut self, combo: usize, steps: &[Step]) {
        let width = self.width();
        if self.flat.len() < (combo + 1) * width {
            self.flat.resize((combo + 1) * width, 0);
        }
        let row = &mut self.flat[combo * width..(combo + 1) * width];
        let mut previous = None;
        for step in steps {
            row[usize::from(step.stage) * OUTCOMES as usize + step.outcome as usize] += 1;
            if let Some(date) = step.date {
                if let Some(prev) = previous {
                    // Checked journeys have non-decreasing dates.
                    let waited: chrono::TimeDelta = date - prev;
                    let waited = u32::try_from(waited.num_days()).unwrap_or(0);
                    self.days.add(combo, usize::from(step.stage), waited);
                }
                previous = Some(date);
            }
        }
    }

    /// Adds another thread's counts to these.
    fn merge(&mut self, other: Counter) {
        if self.flat.len() < other.flat.len() {
            self.flat.resize(other.flat.len(), 0);
        }
        for (a, b) in self.flat.iter_mut().zip(&other.flat) {
            *a += b;
        }
        self.days.merge(other.days);
    }

    /// The counts and stage times, by the groups of the combinations
    /// counted.
    fn finish(
        self,
        reader: &Reader,
        pipeline: &Pipeline,
        breakdown: &Breakdown,
        combos: &Combos,
    ) -> Result<(FunnelCounts, StageTimes)> {
        let width = self.width();
        let mut interner = GroupInterner::new(breakdown);
        let mut group_of = vec![NONE; self.flat.len() / width.max(1)];
        let mut flat: Vec<u64> = Vec::new();
        for (combo, row) in self.flat.chunks_exact(width.max(1)).enumerate() {
            // A counted journey has a result: a combination with none was
            // not counted.
            if row.iter().all(|&n| n == 0) {
                continue;
            }
            let g = interner.intern(&combos.profile(reader, combo)?);
            if u64::from(g) >= MAX_GROUPS {
                let names: Vec<&str> = breakdown
                    .characteristics()
                    .iter()
                    .map(|c| c.name())
                    .collect();
                return Err(too_many_groups(
                    g as usize + 1,
                    format!("csv, breakdown [{}]", names.join(", ")),
                ));
            }
            group_of[combo] = g;
            let g = g as usize;
            if flat.len() < (g + 1) * width {
                flat.resize((g + 1) * width, 0);
            }
            for (a, b) in flat[g * width..(g + 1) * width].iter_mut().zip(row) {
                *a += b;
            }
        }
        let groups = interner.into_groups();
        flat.resize(groups.len() * width, 0);
        let counts = FunnelCounts::from_flat(pipeline, breakdown, groups.clone(), &flat);
        let days = self.days.into_maps(&group_of, groups.len());
        let times = StageTimes::from_days(pipeline, breakdown, groups, days);
        Ok((counts, times))
    }
}

/// Days between dated results per combination and stage: waits under a
/// year and a half in a dense histogram per (combination, stage) used,
/// longer ones in a map.
#[derive(Debug)]
struct Days {
    stages: usize,
    dense: Vec<Vec<u64>>,
    long: BTreeMap<(usize, usize, u32), u64>,
}

/// Waits below this many days are counted in the dense histograms.
const DENSE_DAYS: u32 = 548;

impl Days {
    fn new(stages: usize) -> Self {
        Self {
            stages,
            dense: Vec::new(),
            long: BTreeMap::new(),
        }
    }

    #[inline]
    fn add(&mut self, combo: usize, stage: usize, days: u32) {
        if days >= DENSE_DAYS {
            *self.long.entry((combo, stage, days)).or_insert(0) += 1;
            return;
        }
        let cell = combo * self.stages + stage;
        if self.dense.len() <= cell {
            self.dense.resize_with(cell + 1, Vec::new);
        }
        let histogram = &mut self.dense[cell];
        if histogram.is_empty() {
            histogram.resize(DENSE_DAYS as usize, 0);
        }
        histogram[days as usize] += 1;
    }

    fn merge(&mut self, other: Days) {
        if self.dense.len() < other.dense.len() {
            self.dense.resize_with(other.dense.len(), Vec::new);
        }
        for (mine, theirs) in self.dense.iter_mut().zip(other.dense) {
            if mine.is_empty() {
                *mine = theirs;
            } else {
                for (a, b) in mine.iter_mut().zip(theirs) {
                    *a += b;
                }
            }
        }
        for (key, n) in other.long {
            *self.long.entry(key).or_insert(0) += n;
        }
    }

    /// Per group, per stage: days to count, combinations mapped to groups
    /// by `group_of`.
    fn into_maps(self, group_of: &[u32], groups: usize) -> Vec<Vec<BTreeMap<u32, u64>>> {
        let mut maps = vec![vec![BTreeMap::new(); self.stages]; groups];
        fn map<'m>(
            maps: &'m mut [Vec<BTreeMap<u32, u64>>],
            group_of: &[u32],
            combo: usize,
            stage: usize,
        ) -> Option<&'m mut BTreeMap<u32, u64>> {
            let g = *group_of.get(combo)? as usize;
            maps.get_mut(g)?.get_mut(stage)
        }
        for (cell, histogram) in self.dense.iter().enumerate() {
            let Some(map) = map(&mut maps, group_of, cell / self.stages, cell % self.stages) else {
                continue;
            };
            for (day, &n) in histogram.iter().enumerate() {
                if n > 0 {
                    // Below DENSE_DAYS.
                    *map.entry(day as u32).or_insert(0) += n;
                }
            }
        }
        for ((combo, stage, day), n) in self.long {
            if let Some(map) = map(&mut maps, group_of, combo, stage) {
                *map.entry(day).or_insert(0) += n;
            }
        }
        maps
    }
}
