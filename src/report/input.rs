//! The JSON input of a report (contract v1).

use std::collections::HashSet;

use crate::counts::RateBasis;
use crate::counts::funnel_counts::too_many_groups;
use crate::counts::funnel_counts::{CountRecord, Counting, FunnelCounts};
use crate::counts::headcount::Headcount;
use crate::error::limits::{MAX_CELL_BYTES, MAX_GROUPS, MAX_MIN_CELL};
use crate::error::{Error, Result};
use crate::impact::analysis::ImpactOptions;
use crate::impact::reference::ReferencePolicy;
use crate::impact::strata::Stratum;
use crate::records::applications::Applications;
use crate::records::benchmark::Benchmark;
use crate::records::breakdown::{Breakdown, Group};
use crate::records::candidate::Candidate;
use crate::records::journey::{Journey, JourneyRecord};
use crate::records::pipeline::Pipeline;
use crate::stats::AdverseImpactRule;
use crate::workforce::representation::Representation;

use super::{LoadSummary, ReportOptions, SetAsideRecord};

/// The `analysis` object of the input. Missing fields take the defaults.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct AnalysisSpec {
    /// The breakdown; by default the characteristics of the counts, or
    /// `["ethnicity"]` for candidate records.
    pub breakdown: Option<Breakdown>,
    /// The reference policy: `"highest_rate"` (default), `"overall"`,
    /// `{"group": {...}}` or `{"highest_rate_among": {"min_share": 0.02}}`.
    pub reference: ReferencePolicy,
    /// `"decided"` (default) or `"entered"`.
    pub rate_basis: RateBasis,
    /// The four-fifths threshold (0.8).
    pub threshold: f64,
    /// The significance level (0.05).
    pub alpha: f64,
    /// The confidence of intervals (0.95).
    pub confidence: f64,
    /// The minimum publishable count (0: publish everything).
    pub min_cell: u64,
    /// What counts as adverse impact when checking.
    pub rule: AdverseImpactRule,
    /// Count every application, or each candidate once.
    pub counting: Counting,
}

impl Default for AnalysisSpec {
    fn default() -> Self {
        let o = ImpactOptions::default();
        Self {
            breakdown: None,
            reference: o.reference,
            rate_basis: o.rate_basis,
            threshold: o.threshold,
            alpha: o.alpha,
            confidence: o.confidence,
            min_cell: 0,
            rule: o.rule,
            counting: Counting::Applications,
        }
    }
}

/// One stratum of the input: a name and its counts.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct StratumInput {
    /// The stratum's name ("2023", "North").
    pub name: String,
    /// Its counts.
    pub counts: Vec<CountRecord>,
}

/// Workforce data for the representation section: headcount per rank and
/// group, and a benchmark population (for example census 2021).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct WorkforceInput {
    /// Headcount per rank and group.
    pub headcount: Headcount,
    /// The benchmark population.
    pub benchmark: Benchmark,
}

/// The input of a report: a pipeline, then counts, candidate records, or
/// strata, the analysis options, and optionally workforce data.
///
/// ```
/// use positive_action::report::ReportInput;
///
/// let input = ReportInput::from_json(r#"{
///   "pipeline": {"name": "PC recruitment 2025", "kind": "recruitment", "stages": ["application", "interview"]},
///   "counts": [
///     {"stage": "application", "group": {"ethnicity": "Black"}, "passed": 80, "failed": 40, "withdrew": 3},
///     {"stage": "application", "group": {"ethnicity": "White"}, "passed": 600, "failed": 150, "withdrew": 20}
///   ],
///   "analysis": {"reference": {"group": {"ethnicity": "White"}}, "min_cell": 5}
/// }"#)?;
/// let prepared = input.prepare(false)?;
/// assert_eq!(prepared.options.min_cell, 5);
/// assert_eq!(prepared.counts.groups().len(), 2);
///
/// let err = ReportInput::from_json(r#"{"pipeline": {"name": "x", "kind": "recruitment", "stages": []}}"#).unwrap_err();
/// assert!(err.to_string().contains("has no stages"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ReportInput {
    /// The pipeline.
    pub pipeline: Pipeline,
    /// Already-aggregated counts.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub counts: Option<Vec<CountRecord>>,
    /// Candidates with profiles, for candidate-level input.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub candidates: Option<Vec<Candidate>>,
    /// Their journeys.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub journeys: Option<Vec<JourneyRecord>>,
    /// Strata (years, cohorts, sites), each with counts.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub strata: Option<Vec<StratumInput>>,
    /// The analysis options.
    #[cfg_attr(feature = "serde", serde(default))]
    pub analysis: AnalysisSpec,
    /// Workforce data: the report then gains a representation section.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub workforce: Option<WorkforceInput>,
}

/// A validated input, ready to report on.
#[derive(Debug, Clone)]
pub struct PreparedInput {
    /// The counts (over all strata, when strata are given).
    pub counts: FunnelCounts,
    /// The strata.
    pub strata: Vec<Stratum>,
    /// The candidate records, when the input had them.
    pub applications: Option<Applications>,
    /// The report options.
    pub options: ReportOptions,
    /// How candidate records were loaded.
    pub load: Option<LoadSummary>,
    /// Representation against the benchmark, when workforce data was given.
    pub representation: Option<Representation>,
    /// What a lenient load let through that a strict one refuses (no
    /// counts, an empty stratum, no journeys, a funnel that cannot have
    /// happened), one note each, for the report's notes.
    pub notes: Vec<String>,
}

impl ReportInput {
    /// Reads the JSON form.
    ///
    /// # Errors
    /// [`Error::InvalidJson`] with the line and column of malformed JSON,
    /// of a negative or non-integer count, of an unknown field, and of any
    /// record that fails validation while being read.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self> {
        // A byte-order mark is accepted, as the CSV reader accepts one.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        serde_json::from_str(text).map_err(|e| {
            // serde_json appends " at line L column C"; the variant says it.
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let mut message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
            if message == "invalid type: unit variant, expected struct variant" {
                if let Some(better) = kind_without_fields(text, e.line(), e.column()) {
                    message = better;
                }
            }
            if message.starts_with("date \"") {
                if let Some(place) = bad_date_place(text) {
                    message = format!("{place}: {message}");
                }
            }
            Error::InvalidJson {
                line: e.line(),
                column: e.column(),
                message,
            }
        })
    }

    /// Validates the input into counts, strata and options. With `lenient`,
    /// bad journeys are set aside with their reasons instead of stopping
    /// the load.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] unless exactly one of counts, candidate
    /// records or strata is given; options out of range; and every error
    /// of the records and counts. In strict mode also
    /// [`Error::InvalidInput`] for an input with nothing to count (no
    /// counts records, a stratum with none, no journeys) and
    /// [`Error::ImpossibleFlow`] for aggregated counts in which more
    /// candidates reach a stage than came through the one before
    /// ([`FunnelCounts::flow_problems`]); lenient mode makes each of these a
    /// note in [`PreparedInput::notes`] instead.
    ///
    /// The input is checked against the [limits](crate::limits) before any
    /// counting: [`Error::LimitExceeded`], naming the field, for a
    /// `min_cell` above [`MAX_MIN_CELL`], a pipeline, stage, stratum,
    /// characteristic or category name longer than [`MAX_CELL_BYTES`], and
    /// more than [`MAX_GROUPS`] groups (in the counts, a stratum, all strata
    /// together, or the candidates' groups under the breakdown). More than
    /// [`MAX_STAGES`](crate::limits::MAX_STAGES) stages is refused while
    /// the pipeline is read. Counts need not total below
    /// [`MAX_TOTAL`](crate::limits::MAX_TOTAL): the figures that need a
    /// larger total are dropped with a note and the rest kept.
    pub fn prepare(self, lenient: bool) -> Result<PreparedInput> {
        self.within_limits()?;
        let spec = self.analysis;
        let impact = ImpactOptions {
            reference: spec.reference,
            rate_basis: spec.rate_basis,
            threshold: spec.threshold,
            alpha: spec.alpha,
            confidence: spec.confidence,
            rule: spec.rule,
        };
        impact.validate()?;
        let sources = [
            self.counts.is_some(),
            self.candidates.is_some() || self.journeys.is_some(),
            self.strata.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err(Error::InvalidInput {
                reason: "give exactly one of \"counts\", \"candidates\" with \"journeys\", or \"strata\"".to_owned(),
            });
        }
        let representation = match &self.workforce {
            Some(w) => Some(Representation::new(&w.headcount, &w.benchmark)?),
            None => None,
        };
        let pipeline = self.pipeline;
        let mut notes = Vec::new();
        // Strict: the first problem is the error. Lenient: each is a note.
        let mut problem = |error: Error| -> Result<()> {
            if lenient {
                notes.push(error.to_string());
                Ok(())
            } else {
                Err(error)
            }
        };
        let nothing = |what: &str| Error::InvalidInput {
            reason: format!("{what}: expected at least one, or the report is empty"),
        };
        let mut strata = Vec::new();
        let mut applications = None;
        let mut load = None;
        let (counts, breakdown) = if let Some(records) = self.counts {
            if records.is_empty() {
                problem(nothing("\"counts\" holds no records"))?;
            }
            let own = records_breakdown(&records, spec.breakdown.as_ref())?;
            same_shape(&records, &own, "counts")?;
            agrees(spec.breakdown.as_ref(), &own)?;
            let counts = FunnelCounts::from_records(&pipeline, &own, records)
                .map_err(|e| relocated(e, "\"counts\""))?;
            for flow in counts.flow_problems() {
                problem(flow)?;
            }
            let breakdown = spec.breakdown.unwrap_or(own);
            (counts, breakdown)
        } else if let Some(inputs) = self.strata {
            let first = inputs
                .iter()
                .flat_map(|s| s.counts.iter())
                .cloned()
                .collect::<Vec<_>>();
            if inputs.is_empty() {
                problem(nothing("\"strata\" holds no strata"))?;
            }
            let own = records_breakdown(&first, spec.breakdown.as_ref())?;
            agrees(spec.breakdown.as_ref(), &own)?;
            let mut total = FunnelCounts::empty(&pipeline, &own);
            let mut names = HashSet::new();
            for s in inputs {
                if !names.insert(s.name.clone()) {
                    return Err(Error::InvalidInput {
                        reason: format!("stratum {:?} is given more than once", s.name),
                    });
                }
                if s.counts.is_empty() {
                    problem(nothing(&format!(
                        "stratum {:?} holds no counts records",
                        s.name
                    )))?;
                }
                same_shape(&s.counts, &own, &format!("stratum {:?} counts", s.name))?;
                let place = format!("stratum {:?}", s.name);
                let counts = FunnelCounts::from_records(&pipeline, &own, s.counts)
                    .map_err(|e| relocated(e, &place))?;
                for flow in counts.flow_problems() {
                    problem(Error::InvalidInput {
                        reason: format!("stratum {:?}: {flow}", s.name),
                    })?;
                }
                total
                    .merge(&counts)
                    .map_err(|e| relocated(e, &format!("strata up to {place}")))?;
                strata.push(Stratum {
                    name: s.name,
                    counts,
                });
            }
            let breakdown = spec.breakdown.unwrap_or(own);
            (total, breakdown)
        } else {
            let candidates = self.candidates.unwrap_or_default();
            let records = self.journeys.unwrap_or_default();
            if records.is_empty() {
                problem(nothing("the input holds no journeys"))?;
            }
            let (apps, summary) = load_journeys(&pipeline, candidates, records, lenient)?;
            let breakdown = match spec.breakdown {
                Some(b) => b,
                None => Breakdown::parse(["ethnicity"])?,
            };
            let counts = FunnelCounts::from_applications(&apps, &breakdown, spec.counting);
            if counts.groups().len() as u64 > MAX_GROUPS {
                return Err(too_many_groups(
                    counts.groups().len(),
                    format!("\"candidates\", by the breakdown {breakdown}"),
                ));
            }
            applications = Some(apps);
            load = Some(summary);
            (counts, breakdown)
        };
        Ok(PreparedInput {
            counts,
            strata,
            applications,
            options: ReportOptions {
                breakdown,
                impact,
                min_cell: spec.min_cell,
            },
            load,
            representation,
            notes,
        })
    }
}

impl ReportInput {
    /// The checks of [`MAX_MIN_CELL`] and [`MAX_CELL_BYTES`], field by
    /// field, before any counting.
    fn within_limits(&self) -> Result<()> {
        if self.analysis.min_cell > MAX_MIN_CELL {
            return Err(Error::LimitExceeded {
                limit: "MAX_MIN_CELL",
                what: "the small-cell threshold",
                value: self.analysis.min_cell,
                max: MAX_MIN_CELL,
                location: "\"analysis\".\"min_cell\"".to_owned(),
            });
        }
        name_within("\"pipeline\".\"name\"", self.pipeline.name())?;
        for (i, stage) in self.pipeline.stages().iter().enumerate() {
            name_within(&format!("\"pipeline\".\"stages\"[{i}]"), stage.name())?;
        }
        let records = |place: &str, records: &[CountRecord]| -> Result<()> {
            for (i, r) in records.iter().enumerate() {
                group_within(&format!("{place}[{i}].\"group\""), &r.group)?;
            }
            Ok(())
        };
        if let Some(counts) = &self.counts {
            records("\"counts\"", counts)?;
        }
        for (i, stratum) in self.strata.iter().flatten().enumerate() {
            name_within(&format!("\"strata\"[{i}].\"name\""), &stratum.name)?;
            records(&format!("\"strata\"[{i}].\"counts\""), &stratum.counts)?;
        }
        for (i, candidate) in self.candidates.iter().flatten().enumerate() {
            for (characteristic, category) in candidate.profile.entries() {
                let place = format!("\"candidates\"[{i}].\"profile\"");
                name_within(&place, characteristic.name())?;
                name_within(&place, category.label())?;
            }
        }
        if let Some(workforce) = &self.workforce {
            for group in workforce.headcount.groups() {
                group_within("\"workforce\".\"headcount\"", group)?;
            }
            for group in workforce.benchmark.groups() {
                group_within("\"workforce\".\"benchmark\"", group)?;
            }
        }
        Ok(())
    }
}

/// A name of at most [`MAX_CELL_BYTES`] bytes, or the error naming `place`.
fn name_within(place: &str, name: &str) -> Result<()> {
    if name.len() as u64 > MAX_CELL_BYTES {
        return Err(Error::LimitExceeded {
            limit: "MAX_CELL_BYTES",
            what: "the length in bytes of a name",
            value: name.len() as u64,
            max: MAX_CELL_BYTES,
            location: place.to_owned(),
        });
    }
    Ok(())
}

/// Every characteristic and category name of a group within
/// [`MAX_CELL_BYTES`].
fn group_within(place: &str, group: &Group) -> Result<()> {
    for (characteristic, category) in group.entries() {
        name_within(place, characteristic.name())?;
        name_within(place, category.label())?;
    }
    Ok(())
}

/// A limit error from the counts, with the JSON field it came from in
/// front of its location; any other error as it is.
fn relocated(error: Error, place: &str) -> Error {
    match error {
        Error::LimitExceeded {
            limit,
            what,
            value,
            max,
            location,
        } => Error::LimitExceeded {
            limit,
            what,
            value,
            max,
            location: format!("{place}, {location}"),
        },
        other => other,
    }
}

/// Every record's group has the breakdown's characteristics, or the first
/// that does not is named by its place, its stage and both shapes.
fn same_shape(records: &[CountRecord], own: &Breakdown, what: &str) -> Result<()> {
    let names = |b: &[&str]| b.join(", ");
    let expected: Vec<&str> = own.characteristics().iter().map(|c| c.name()).collect();
    let mut sorted = expected.clone();
    sorted.sort_unstable();
    for (i, r) in records.iter().enumerate() {
        let found: Vec<&str> = r.group.entries().map(|(c, _)| c.name()).collect();
        let mut same = found.clone();
        same.sort_unstable();
        if same != sorted {
            return Err(Error::InvalidInput {
                reason: format!(
                    "{what} record {} (stage {}, group {}) is by [{}], but the first record is by [{}]: expected every record by the same characteristics",
                    i + 1,
                    r.stage,
                    r.group,
                    names(&found),
                    names(&expected)
                ),
            });
        }
    }
    Ok(())
}

/// The breakdown `analysis` asks for is the counts' own: aggregated counts
/// cannot be regrouped.
fn agrees(asked: Option<&Breakdown>, own: &Breakdown) -> Result<()> {
    match asked {
        Some(asked) if asked != own => {
            let names = |b: &Breakdown| {
                b.characteristics()
                    .iter()
                    .map(|c| c.name().to_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Err(Error::InvalidInput {
                reason: format!(
                    "\"analysis\".\"breakdown\" is [{}], but the counts records are by [{}]: expected the counts' own breakdown, as counts cannot be regrouped (leave \"breakdown\" out, or give counts by [{}])",
                    names(asked),
                    names(own),
                    names(asked)
                ),
            })
        }
        _ => Ok(()),
    }
}

/// A pipeline kind that needs fields given by name alone (`"kind":
/// "promotion"`), named with the form expected; `None` for any other
/// struct variant given as a name.
#[cfg(feature = "serde")]
fn kind_without_fields(text: &str, line: usize, column: usize) -> Option<String> {
    let before: String = text
        .lines()
        .nth(line.checked_sub(1)?)?
        .chars()
        .take(column)
        .collect();
    let before = before.trim_end();
    let [(name, example)] = [
        (
            "promotion",
            r#"{"promotion": {"from": "Constable", "to": "Sergeant"}}"#,
        ),
        (
            "specialist_selection",
            r#"{"specialist_selection": {"role": "detective"}}"#,
        ),
        (
            "development_programme",
            r#"{"development_programme": {"programme": "We Rise"}}"#,
        ),
    ]
    .into_iter()
    .filter(|(name, _)| before.ends_with(&format!("\"{name}\"")))
    .collect::<Vec<_>>()[..] else {
        return None;
    };
    Some(format!(
        "field \"kind\" is \"{name}\" without its details: expected {example}"
    ))
}

/// Where the first bad result date of the journeys is, as "journey 3
/// (candidate 00000000-0000-4000-8000-000000000007), result 2 (stage interview)", counting journeys and
/// results from 1 in the order the input gives them. serde stops at the
/// first bad date in the text, which is the first one met here, as both go
/// in document order. `None` when the text is not JSON (it is, if serde got
/// as far as a date) or no bad date is found.
#[cfg(feature = "serde")]
fn bad_date_place(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let journeys = value.get("journeys")?.as_array()?;
    for (j, journey) in journeys.iter().enumerate() {
        let Some(results) = journey.get("results").and_then(|r| r.as_array()) else {
            continue;
        };
        for (r, result) in results.iter().enumerate() {
            let Some(date) = result.get("date").and_then(|d| d.as_str()) else {
                continue;
            };
            if crate::records::journey::parse_iso_date(date).is_ok() {
                continue;
            }
            let name = |v: Option<&serde_json::Value>| match v {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => "not given".to_owned(),
            };
            return Some(format!(
                "journey {} (candidate {}), result {} (stage {})",
                j + 1,
                name(journey.get("candidate")),
                r + 1,
                name(result.get("stage")),
            ));
        }
    }
    None
}

/// The breakdown of aggregated records: the characteristics of the first
/// record's group, in its order (or the requested breakdown when there are
/// no records).
fn records_breakdown(records: &[CountRecord], requested: Option<&Breakdown>) -> Result<Breakdown> {
    match records.first() {
        Some(r) if r.group.entries().next().is_none() => Err(Error::InvalidInput {
            reason: format!(
                "counts record 1 (stage {}) has an empty group: expected a category for each characteristic of the breakdown, such as {{\"ethnicity\": \"Black\"}}; the first record's group sets the breakdown",
                r.stage
            ),
        }),
        Some(r) => Breakdown::new(r.group.entries().map(|(c, _)| c.clone())),
        None => Ok(requested.cloned().unwrap_or_default()),
    }
}

/// Validates candidate records. Strict: the first bad journey stops the
/// load. Lenient: bad journeys are set aside with their reason.
fn load_journeys(
    pipeline: &Pipeline,
    candidates: Vec<Candidate>,
    records: Vec<JourneyRecord>,
    lenient: bool,
) -> Result<(Applications, LoadSummary)> {
    let known: HashSet<_> = candidates.iter().map(|c| c.id).collect();
    let read = records.len() as u64;
    let mut set_aside = Vec::new();
    let mut journeys = Vec::with_capacity(records.len());
    for (i, record) in records.into_iter().enumerate() {
        let candidate = record.candidate;
        let result = if known.contains(&candidate) {
            Journey::from_record(pipeline, record)
        } else {
            Err(Error::UnknownCandidate { candidate })
        };
        match result {
            Ok(j) => journeys.push(j),
            Err(e) if lenient => set_aside.push(SetAsideRecord {
                location: format!("journeys[{i}]"),
                reason: e.to_string(),
            }),
            Err(e) => return Err(e),
        }
    }
    let summary = LoadSummary::new(read, journeys.len() as u64, set_aside);
    let applications = Applications::new(pipeline, candidates, journeys)?;
    Ok((applications, summary))
}
