//! The oracle: each count of a report as a vector over its candidates,
//! and the exact span test of the attack.

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};

use positive_action::interventions::Participation;
use positive_action::{Candidate, CountRecord, Counting, FunnelCounts, Journey, Stage};
use serde_json::Value;

use super::data_set::{DataSet, STAGES};

const FUNNEL_FIELDS: [&str; 6] = [
    "entered", "passed", "failed", "withdrew", "pending", "exempt",
];

/// Keys of the evaluation whose values are statistics or settings, never
/// counts: integers beneath them (degrees of freedom, strata used) are not
/// attacked.
const NOT_COUNTS: [&str; 14] = [
    "options",
    "fisher",
    "z_test",
    "breslow_day",
    "mantel_haenszel",
    "pass_rate_mantel_haenszel",
    "pass_rate_breslow_day",
    "selected_at_end_mantel_haenszel",
    "selected_at_end_breslow_day",
    "ratio_ci",
    "impact_ratio_ci",
    "notes",
    "withheld",
    "conditions",
];

/// Where a count sits in a report's JSON, by name rather than position: a
/// lone candidate's report may order or list groups differently.
#[derive(Debug, Clone)]
pub enum Locator {
    /// A funnel row: the stage (or `bottom_line`), the group, the field.
    Funnel {
        set: String,
        group: Value,
        field: &'static str,
    },
    /// A decomposition's pending figure, by group.
    Pending { group: Value },
    /// A count of the evaluation, by JSON pointer: its arrays (stages,
    /// target groups, strata) are fixed by the intervention and options.
    Evaluation(String),
}

impl Locator {
    /// Its JSON pointer in `report`, if it is there.
    pub fn pointer(&self, report: &Value) -> Option<String> {
        let row_of = |set: &Value, prefix: String, group: &Value| {
            let j = set["groups"]
                .as_array()?
                .iter()
                .position(|row| &row["group"] == group)?;
            Some(format!("{prefix}/groups/{j}"))
        };
        match self {
            Self::Funnel { set, group, field } => {
                let row = if set == "bottom_line" {
                    row_of(&report["bottom_line"], "/bottom_line".to_owned(), group)?
                } else {
                    let i = report["stages"]
                        .as_array()?
                        .iter()
                        .position(|s| s["stage"] == set.as_str())?;
                    row_of(&report["stages"][i], format!("/stages/{i}"), group)?
                };
                Some(format!("{row}/{field}"))
            }
            Self::Pending { group } => {
                let i = report["decomposition"]
                    .as_array()?
                    .iter()
                    .position(|d| &d["group"] == group)?;
                Some(format!("/decomposition/{i}/pending"))
            }
            Self::Evaluation(pointer) => Some(pointer.clone()),
        }
    }

    pub fn get<'a>(&self, report: &'a Value) -> Option<&'a Value> {
        report.pointer(&self.pointer(report)?)
    }

    pub fn in_evaluation(&self) -> bool {
        matches!(self, Self::Evaluation(_))
    }

    pub fn name(&self) -> String {
        match self {
            Self::Funnel { set, group, field } => format!("{set} {group} {field}"),
            Self::Pending { group } => format!("decomposition {group} pending"),
            Self::Evaluation(pointer) => pointer.clone(),
        }
    }
}

fn funnel_sets(report: &Value) -> Vec<&Value> {
    let mut sets: Vec<&Value> = report["stages"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    sets.push(&report["bottom_line"]);
    sets
}

/// Every place a count may sit in a report, with what is there (`null`
/// where a count is withheld, or where the evaluation has a statistic that
/// is undefined).
fn count_fields(report: &Value) -> Vec<(Locator, &Value)> {
    let mut out = Vec::new();
    for set in funnel_sets(report) {
        let name = set["stage"].as_str().unwrap_or_default();
        for row in set["groups"].as_array().into_iter().flatten() {
            for field in FUNNEL_FIELDS {
                if let Some(v) = row.get(field) {
                    let set = name.to_owned();
                    let group = row["group"].clone();
                    out.push((Locator::Funnel { set, group, field }, v));
                }
            }
        }
    }
    for d in report["decomposition"].as_array().into_iter().flatten() {
        if let Some(v) = d.get("pending") {
            let group = d["group"].clone();
            out.push((Locator::Pending { group }, v));
        }
    }
    for (i, e) in report["interventions"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        evaluation_fields(e, format!("/interventions/{i}"), &mut out);
    }
    out
}

fn evaluation_fields<'v>(v: &'v Value, pointer: String, out: &mut Vec<(Locator, &'v Value)>) {
    match v {
        Value::Object(map) => {
            for (key, child) in map {
                if !NOT_COUNTS.contains(&key.as_str()) {
                    evaluation_fields(child, format!("{pointer}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                evaluation_fields(child, format!("{pointer}/{i}"), out);
            }
        }
        Value::Number(_) | Value::Null => out.push((Locator::Evaluation(pointer), v)),
        _ => {}
    }
}

/// A count: where it is, its one-candidate values, its true total.
pub struct Leaf {
    pub at: Locator,
    /// [`Locator::name`].
    name: String,
    pub vector: Vec<u64>,
    pub truth: u64,
}

/// The counts of a data set's report as vectors over its candidates.
pub struct Oracle<'a> {
    data: &'a DataSet,
    pub leaves: Vec<Leaf>,
    /// Every group of the year, at zero: a lone candidate's counts are
    /// added to this, so that the fixed reference group is always there.
    zero: FunnelCounts,
    /// Each decomposition's pending figure: the funnel leaves it sums.
    pending: Vec<(usize, Vec<usize>)>,
    /// The counts of a candidate of every kind (see
    /// [`DataSet::every_kind`]), one column per candidate.
    kinds: OnceCell<Vec<Vec<u64>>>,
}

impl<'a> Oracle<'a> {
    /// Builds every one-candidate report, and checks that each count of the
    /// whole report is the sum of its one-candidate values.
    pub fn new(data: &'a DataSet) -> Self {
        let pairs: Vec<_> = data.candidates.iter().zip(&data.journeys).collect();
        let applications = data.applications(&pairs);
        let records: Vec<Participation> = data.took_part.iter().flatten().cloned().collect();
        let counts =
            FunnelCounts::from_applications(&applications, &data.breakdown, Counting::Applications);
        let full = data.report(&counts, &applications, &records, 0);
        let zero = FunnelCounts::from_records(
            &data.pipeline,
            &data.breakdown,
            counts.groups().iter().flat_map(|g| {
                STAGES.iter().map(|s| CountRecord {
                    stage: Stage::new(s).unwrap(),
                    group: g.clone(),
                    passed: 0,
                    failed: 0,
                    withdrew: 0,
                    pending: 0,
                    exempt: 0,
                })
            }),
        )
        .unwrap();
        let leaves: Vec<Leaf> = count_fields(&full)
            .into_iter()
            .filter_map(|(at, v)| {
                Some(Leaf {
                    name: at.name(),
                    at,
                    vector: Vec::with_capacity(pairs.len()),
                    truth: v.as_u64()?,
                })
            })
            .collect();
        assert!(
            leaves.iter().any(|l| l.at.in_evaluation()),
            "seed {}: the unsuppressed report has no evaluation",
            data.seed
        );
        // A decomposition is there only when the bottom line has a
        // reference rate, which a lone candidate seldom gives; its pending
        // figure is, by the report's definition, the group's and the
        // reference's pending summed over the stages.
        let reference = &full["bottom_line"]["reference"];
        let pending = leaves
            .iter()
            .enumerate()
            .filter_map(|(p, leaf)| {
                let Locator::Pending { group } = &leaf.at else {
                    return None;
                };
                let terms = leaves.iter().enumerate().filter_map(|(f, l)| match &l.at {
                    Locator::Funnel {
                        set,
                        group: g,
                        field: "pending",
                    } if set != "bottom_line" && (g == group || g == reference) => Some(f),
                    _ => None,
                });
                Some((p, terms.collect()))
            })
            .collect();
        let mut oracle = Self {
            data,
            leaves,
            zero,
            pending,
            kinds: OnceCell::new(),
        };
        for (i, (c, j)) in pairs.iter().enumerate() {
            let column = oracle.column(c, j, &data.took_part[i]);
            for (leaf, value) in oracle.leaves.iter_mut().zip(column) {
                leaf.vector.push(value);
            }
        }
        let not_additive: Vec<String> = oracle
            .leaves
            .iter()
            .filter(|l| l.vector.iter().sum::<u64>() != l.truth)
            .map(|l| {
                format!(
                    "{}: {} in the report, {} summed over candidates",
                    l.at.name(),
                    l.truth,
                    l.vector.iter().sum::<u64>()
                )
            })
            .collect();
        assert!(
            not_additive.is_empty(),
            "seed {}: counts that are not sums over candidates (the oracle's premise fails): {not_additive:#?}",
            data.seed
        );
        oracle
    }

    /// Every count of the report of one candidate alone, unsuppressed.
    fn column(
        &self,
        candidate: &Candidate,
        journey: &Journey,
        records: &[Participation],
    ) -> Vec<u64> {
        let data = self.data;
        let applications = data.applications(&[(candidate, journey)]);
        let mut counts = self.zero.clone();
        counts
            .merge(&FunnelCounts::from_applications(
                &applications,
                &data.breakdown,
                Counting::Applications,
            ))
            .unwrap();
        let alone = data.report(&counts, &applications, records, 0);
        let fields: HashMap<String, &Value> = count_fields(&alone)
            .into_iter()
            .map(|(at, v)| (at.name(), v))
            .collect();
        let mut column: Vec<u64> = self
            .leaves
            .iter()
            .map(|leaf| match fields.get(&leaf.name) {
                None => 0,
                Some(v) => v.as_u64().unwrap_or_else(|| {
                    panic!(
                        "seed {}: count {} is {v} in the report of {:?} alone",
                        data.seed, leaf.name, candidate.id
                    )
                }),
            })
            .collect();
        for (p, terms) in &self.pending {
            column[*p] = terms.iter().map(|&f| column[f]).sum();
        }
        column
    }

    /// The columns of a candidate of every kind, built on first use.
    fn kinds(&self) -> &[Vec<u64>] {
        self.kinds.get_or_init(|| {
            self.data
                .every_kind()
                .iter()
                .map(|(c, j, r)| self.column(c, j, r))
                .collect()
        })
    }

    /// The kinds of candidate (see [`DataSet::every_kind`]) that the
    /// published counts `sources` do not rule out. Counts are sums of
    /// non-negative parts, so a published 0 rules out every kind that
    /// adds to it; and two published counts that are equal, one never
    /// below the other for any kind left (nor for the candidates of the
    /// data), rule out every kind for which they differ. Repeated until
    /// nothing more is ruled out.
    fn possible_kinds(&self, sources: &[usize], present: &[Vec<u64>]) -> Vec<&Vec<u64>> {
        let mut kinds: Vec<&Vec<u64>> = self.kinds().iter().collect();
        for &f in sources {
            if self.leaves[f].truth == 0 {
                kinds.retain(|c| c[f] == 0);
            }
        }
        let mut equal: Vec<(usize, usize)> = Vec::new();
        for (i, &f) in sources.iter().enumerate() {
            for &g in &sources[i + 1..] {
                let (x, y) = (&self.leaves[f], &self.leaves[g]);
                if x.truth == y.truth && x.truth > 0 && x.vector != y.vector {
                    equal.push((f, g));
                    equal.push((g, f));
                }
            }
        }
        loop {
            let before = kinds.len();
            for &(f, g) in &equal {
                let above = |c: &Vec<u64>| c[f] >= c[g];
                if present.iter().all(above) && kinds.iter().all(|c| above(c)) {
                    kinds.retain(|c| c[f] == c[g]);
                }
            }
            if kinds.len() == before {
                return kinds;
            }
        }
    }

    /// Attacks `published` (a suppressed report): the withheld counts that
    /// `attacked` selects, from the published counts that `known` selects.
    /// A withheld count of 0 is left alone (0 may be published).
    ///
    /// First over the candidates of the data set; what lies in the span
    /// there is then tried over the candidates of every kind too (those
    /// that no published zero rules out): a count the attacker could work
    /// out only by knowing which kinds of candidate applied is a
    /// coincidence of the data, not a leak.
    pub fn attack(
        &self,
        published: &Value,
        k: u64,
        known: impl Fn(&Locator) -> bool,
        attacked: impl Fn(&Locator) -> bool,
    ) -> Attack {
        let mut out = Attack::default();
        let (mut sources, mut withheld) = (Vec::new(), Vec::new());
        for (f, leaf) in self.leaves.iter().enumerate() {
            match leaf.at.get(published) {
                Some(v) if !v.is_null() => {
                    if v.as_u64() != Some(leaf.truth) {
                        out.wrong.push(format!(
                            "{} published as {v}, true {}",
                            leaf.at.name(),
                            leaf.truth
                        ));
                    }
                    if known(&leaf.at) {
                        sources.push(f);
                    }
                }
                _ => {
                    if attacked(&leaf.at) && leaf.truth > 0 {
                        withheld.push(f);
                    }
                }
            }
        }
        out.withheld = withheld.len();
        let mut span = Span::default();
        for &f in &sources {
            span.insert(&self.leaves[f].vector, None);
        }
        let suspects: Vec<usize> = withheld
            .into_iter()
            .filter(|&w| span.contains(&self.leaves[w].vector))
            .collect();
        let out_suspects = suspects.len();
        if suspects.is_empty() {
            return out;
        }
        // The candidates of the data, and every kind of candidate that
        // the published counts do not rule out: the distinct columns, since
        // only they matter to the span.
        let present: Vec<Vec<u64>> = (0..self.data.candidates.len())
            .map(|i| self.leaves.iter().map(|l| l.vector[i]).collect())
            .collect();
        let kinds = self.possible_kinds(&sources, &present);
        let columns: BTreeSet<&Vec<u64>> = present.iter().chain(kinds).collect();
        let wide = |f: usize| -> Vec<u64> { columns.iter().map(|column| column[f]).collect() };
        let mut span = Span::default();
        for &f in &sources {
            span.insert(&wide(f), None);
        }
        let leaks: Vec<usize> = suspects
            .into_iter()
            .filter(|&w| span.contains(&wide(w)))
            .collect();
        out.coincidences = out_suspects - leaks.len();
        if leaks.is_empty() {
            return out;
        }
        // Say how: the same elimination, keeping track of the published
        // counts each row is made of.
        let mut traced = Span::default();
        for (j, &f) in sources.iter().enumerate() {
            traced.insert(&wide(f), Some((j, sources.len())));
        }
        for w in leaks {
            let v = wide(w);
            let name =
                |f: usize| format!("{} ({})", self.leaves[f].at.name(), self.leaves[f].truth);
            let how = traced
                .combination(&v)
                .iter()
                .take(8)
                .map(|(j, c)| format!("{c} x {}", name(sources[*j])))
                .collect::<Vec<_>>()
                .join(" + ");
            let leaf = &self.leaves[w];
            let line = format!("{} = {} = {how}", leaf.at.name(), leaf.truth);
            if leaf.truth < k {
                out.small.push(line);
            } else {
                out.secondary.push(line);
            }
        }
        out
    }
}

/// What an attack on one report found.
#[derive(Default)]
pub struct Attack {
    /// Withheld non-zero counts attacked.
    pub withheld: usize,
    /// Withheld small counts (1 to k − 1) that the attack works out, each
    /// with the published counts it is a combination of.
    pub small: Vec<String>,
    /// Withheld counts of k or more that it works out: no small count is
    /// given away by these alone, but the protection claimed (no withheld
    /// count is a linear function of published figures) fails.
    pub secondary: Vec<String>,
    /// Withheld counts in the span over the data set's candidates but not
    /// over every kind of candidate: coincidences of the data.
    pub coincidences: usize,
    /// Published counts that are not the true counts.
    pub wrong: Vec<String>,
}

/// The prime of the exact elimination.
const PRIME: u64 = (1 << 31) - 1;

fn inverse(a: u64) -> u64 {
    // Fermat: a^(p-2).
    let (mut base, mut exp, mut out) = (a % PRIME, PRIME - 2, 1u64);
    while exp > 0 {
        if exp & 1 == 1 {
            out = out * base % PRIME;
        }
        base = base * base % PRIME;
        exp >>= 1;
    }
    out
}

/// A residue as a fraction with small numerator and denominator, when it
/// is one (rational reconstruction by the extended Euclidean algorithm).
fn fraction(c: u64) -> String {
    const BOUND: i64 = 1 << 15;
    let (mut r0, mut r1) = (PRIME as i64, c as i64);
    let (mut t0, mut t1) = (0i64, 1i64);
    // Invariant: r ≡ c·t (mod PRIME).
    while r1 > BOUND {
        let q = r0 / r1;
        (r0, r1) = (r1, r0 - q * r1);
        (t0, t1) = (t1, t0 - q * t1);
    }
    let (n, d) = (r1 * t1.signum(), t1.abs());
    if d == 1 {
        n.to_string()
    } else if d <= BOUND {
        format!("{n}/{d}")
    } else {
        format!("{c} (mod {PRIME})")
    }
}

/// A basis in echelon form over the integers modulo [`PRIME`]: each row
/// has 1 at its pivot and 0 at the pivots of the rows before it, and, when
/// traced, the combination of inserted vectors it is.
#[derive(Default)]
struct Span {
    rows: Vec<(usize, Vec<u64>, Vec<u64>)>,
}

impl Span {
    /// `v` less its projection on the rows, and (when traced) minus the
    /// combination of inserted vectors taken off.
    fn reduce(&self, v: &[u64], mut trace: Vec<u64>) -> (Vec<u64>, Vec<u64>) {
        let mut v: Vec<u64> = v.iter().map(|x| x % PRIME).collect();
        let minus = |x: &mut u64, c: u64, r: u64| *x = (*x + PRIME - c * r % PRIME) % PRIME;
        for (pivot, row, how) in &self.rows {
            let c = v[*pivot];
            if c != 0 {
                for (x, &r) in v.iter_mut().zip(row) {
                    minus(x, c, r);
                }
                for (x, &r) in trace.iter_mut().zip(how) {
                    minus(x, c, r);
                }
            }
        }
        (v, trace)
    }

    /// Adds `v`; traced as inserted vector `j` of `n` when given.
    fn insert(&mut self, v: &[u64], traced: Option<(usize, usize)>) {
        let mut trace = Vec::new();
        if let Some((j, n)) = traced {
            trace = vec![0; n];
            trace[j] = 1;
        }
        let (v, trace) = self.reduce(v, trace);
        if let Some(pivot) = v.iter().position(|&x| x != 0) {
            let inv = inverse(v[pivot]);
            let scale = |w: Vec<u64>| w.iter().map(|x| x * inv % PRIME).collect();
            self.rows.push((pivot, scale(v), scale(trace)));
        }
    }

    fn contains(&self, v: &[u64]) -> bool {
        self.reduce(v, Vec::new()).0.iter().all(|&x| x == 0)
    }

    /// The inserted vectors, with coefficients, that sum to `v` (in the
    /// span of a traced basis).
    fn combination(&self, v: &[u64]) -> Vec<(usize, String)> {
        let n = self.rows.first().map_or(0, |r| r.2.len());
        let (_, trace) = self.reduce(v, vec![0; n]);
        // v − Σ c·row = 0 with the trace holding −Σ c·how: v = −trace.
        trace
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0)
            .map(|(j, c)| (j, fraction((PRIME - c) % PRIME)))
            .collect()
    }
}
