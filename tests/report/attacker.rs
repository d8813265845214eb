//! An attacker with the published JSON (and the rows-used figure a load
//! prints beside it): builds every relation the published figures imply and
//! solves for the withheld counts, first by elimination, then by brute
//! force over small values of what elimination leaves free, keeping only
//! non-negative whole solutions. A count is leaked if the attack pins it to
//! its true value.
//!
//! The relations: each row's entered is the sum of its outcomes; the
//! bottom line is entered at the first stage, passed at the last, and the
//! exits, pending and exemptions summed over stages, and in a closed funnel
//! its parts sum to its entered; the flow between stages (passed(s) =
//! entered(s+1) + exempt(s+1), and the variants with exempt on either side)
//! where it holds; rates times their denominators; impact ratios times the
//! reference rate; shortfalls to parity; the reference rate of a reference
//! group; an overall rate as the ratio of totals across groups; the rows
//! used (every entered and exempt count summed); and each decomposition's
//! pending figure (the group's and the reference's pending summed over
//! stages). The attacker is told which relations hold in the true counts,
//! which makes it stronger than a real one.
//!
//! Statistics with a withheld input (p-values, intervals, odds ratios,
//! Mantel-Haenszel and Breslow-Day) are checked not to be published at all:
//! [`structural`] lists every one that is.

use positive_action::impact::Stratum;
use positive_action::report::{Report, ReportOptions};
use positive_action::{FunnelCounts, ImpactOptions, RateBasis, ReferencePolicy};
use serde_json::Value;

pub const FIELDS: [&str; 6] = [
    "entered", "passed", "failed", "withdrew", "pending", "exempt",
];
const E: usize = 0;
const PA: usize = 1;
const FA: usize = 2;
const WI: usize = 3;
const PE: usize = 4;
const EX: usize = 5;

/// A cell: (row set, group, field); row set `stages` is the bottom line.
type Cell = (usize, usize, usize);

struct Table {
    stages: usize,
    groups: usize,
    published: Vec<Option<f64>>,
    truth: Vec<f64>,
}

impl Table {
    fn index(&self, (r, g, f): Cell) -> usize {
        (r * self.groups + g) * FIELDS.len() + f
    }
}

/// Σ coefficient·cell = constant.
struct Relation {
    terms: Vec<(Cell, f64)>,
    constant: f64,
}

pub fn rows(report: &Value) -> Vec<&Value> {
    let mut sets: Vec<&Value> = report["stages"].as_array().unwrap().iter().collect();
    sets.push(&report["bottom_line"]);
    sets
}

fn table(published: &Value, truth: &Value) -> Table {
    let sets = rows(published);
    let truth_sets = rows(truth);
    let stages = sets.len() - 1;
    let groups = sets[0]["groups"].as_array().unwrap().len();
    let mut t = Table {
        stages,
        groups,
        published: vec![None; (stages + 1) * groups * FIELDS.len()],
        truth: vec![0.0; (stages + 1) * groups * FIELDS.len()],
    };
    for (r, set) in sets.iter().enumerate() {
        for (g, row) in set["groups"].as_array().unwrap().iter().enumerate() {
            for (f, name) in FIELDS.iter().enumerate() {
                let i = t.index((r, g, f));
                t.published[i] = row[*name].as_f64();
                t.truth[i] = truth_sets[r]["groups"][g][*name].as_f64().unwrap();
            }
        }
    }
    t
}

fn relations(report: &Value, t: &Table, used: f64) -> Vec<Relation> {
    let sets = rows(report);
    let (stages, groups) = (t.stages, t.groups);
    let decided = report["options"]["rate_basis"] == "decided";
    let overall = report["options"]["reference"] == "overall";
    let mut candidates: Vec<Relation> = Vec::new();
    let plain = |terms: Vec<(Cell, f64)>| Relation {
        terms,
        constant: 0.0,
    };
    for g in 0..groups {
        // Stage rows only: the bottom line's entered is who entered the
        // first stage, which its exits sum to only in a closed funnel.
        for r in 0..stages {
            candidates.push(plain(vec![
                ((r, g, E), 1.0),
                ((r, g, PA), -1.0),
                ((r, g, FA), -1.0),
                ((r, g, WI), -1.0),
                ((r, g, PE), -1.0),
            ]));
        }
        candidates.push(plain(vec![((stages, g, E), 1.0), ((0, g, E), -1.0)]));
        candidates.push(plain(vec![
            ((stages, g, PA), 1.0),
            ((stages - 1, g, PA), -1.0),
        ]));
        for f in [FA, WI, PE, EX] {
            let mut terms = vec![((stages, g, f), 1.0)];
            terms.extend((0..stages).map(|r| ((r, g, f), -1.0)));
            candidates.push(plain(terms));
        }
        for s in 0..stages.saturating_sub(1) {
            for (before, after) in [(false, true), (true, true), (false, false), (true, false)] {
                let mut terms = vec![((s, g, PA), 1.0), ((s + 1, g, E), -1.0)];
                if before {
                    terms.push(((s, g, EX), 1.0));
                }
                if after {
                    terms.push(((s + 1, g, EX), -1.0));
                }
                candidates.push(plain(terms));
            }
        }
    }
    // Rows used by a load.
    let mut terms = Vec::new();
    for g in 0..groups {
        for r in 0..stages {
            terms.push(((r, g, E), 1.0));
            terms.push(((r, g, EX), 1.0));
        }
    }
    candidates.push(Relation {
        terms,
        constant: used,
    });
    // Keep only what holds in the true counts (an oracle attacker).
    let mut rels: Vec<Relation> = candidates
        .into_iter()
        .filter(|rel| {
            let sum: f64 = rel
                .terms
                .iter()
                .map(|&(c, k)| k * t.truth[t.index(c)])
                .sum();
            (sum - rel.constant).abs() < 0.5
        })
        .collect();
    // Rates, ratios and shortfalls.
    for (r, set) in sets.iter().enumerate() {
        let bl = r == stages;
        let denominator: Vec<usize> = if bl {
            vec![E]
        } else if decided {
            vec![PA, FA]
        } else {
            vec![PA, FA, WI, PE]
        };
        let rate_relation = |g: usize, rate: f64, constant: f64| {
            let mut terms = vec![((r, g, PA), 1.0)];
            terms.extend(denominator.iter().map(|&f| ((r, g, f), -rate)));
            Relation { terms, constant }
        };
        let reference_rate = set["reference_rate"].as_f64();
        for (g, row) in set["groups"].as_array().unwrap().iter().enumerate() {
            if let Some(rate) = row["pass_rate"].as_f64() {
                rels.push(rate_relation(g, rate, 0.0));
            }
            if let (Some(ir), Some(reference)) = (row["impact_ratio"].as_f64(), reference_rate) {
                rels.push(rate_relation(g, ir * reference, 0.0));
            }
            if let (Some(s), Some(reference)) =
                (row["shortfall"]["to_parity"].as_f64(), reference_rate)
            {
                rels.push(rate_relation(g, reference, -s));
            }
            if let (true, Some(reference)) = (row["reference"] == true, reference_rate) {
                rels.push(rate_relation(g, reference, 0.0));
            }
        }
        if overall {
            if let Some(rate) = reference_rate {
                let mut terms = Vec::new();
                for g in 0..groups {
                    terms.push(((r, g, PA), 1.0));
                    terms.extend(denominator.iter().map(|&f| ((r, g, f), -rate)));
                }
                rels.push(Relation {
                    terms,
                    constant: 0.0,
                });
            }
        }
    }
    // A rate relation that does not hold in the true counts is not one.
    rels.retain(|rel| {
        let sum: f64 = rel
            .terms
            .iter()
            .map(|&(c, k)| k * t.truth[t.index(c)])
            .sum();
        let scale: f64 = rel
            .terms
            .iter()
            .map(|&(c, k)| (k * t.truth[t.index(c)]).abs())
            .sum::<f64>()
            .max(1.0);
        (sum - rel.constant).abs() <= 1e-9 * scale
    });
    // Each decomposition's pending figure.
    let labels: Vec<&Value> = sets[stages]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["group"])
        .collect();
    for d in report["decomposition"].as_array().into_iter().flatten() {
        let Some(g) = labels.iter().position(|l| **l == d["group"]) else {
            continue;
        };
        let mut terms: Vec<(Cell, f64)> = (0..stages).map(|r| ((r, g, PE), 1.0)).collect();
        if !overall {
            if let Some(x) = labels.iter().position(|l| **l == d["reference"]) {
                terms.extend((0..stages).map(|r| ((r, x, PE), 1.0)));
            }
        }
        rels.push(Relation {
            terms,
            constant: d["pending"].as_f64().unwrap(),
        });
    }
    rels
}

/// The withheld counts the relations pin, with the values they pin them to.
fn solve(t: &Table, rels: &[Relation], bound: u64) -> Vec<(Cell, f64, &'static str)> {
    let unknowns: Vec<Cell> = (0..=t.stages)
        .flat_map(|r| (0..t.groups).flat_map(move |g| (0..FIELDS.len()).map(move |f| (r, g, f))))
        .filter(|&c| t.published[t.index(c)].is_none())
        .collect();
    let n = unknowns.len();
    let mut column = vec![usize::MAX; t.published.len()];
    for (j, &c) in unknowns.iter().enumerate() {
        column[t.index(c)] = j;
    }
    let mut m: Vec<Vec<f64>> = Vec::new();
    for rel in rels {
        let mut row = vec![0.0; n + 1];
        let mut any = false;
        let mut constant = rel.constant;
        for &(cell, c) in &rel.terms {
            let i = t.index(cell);
            match column[i] {
                usize::MAX => constant -= c * t.published[i].unwrap_or(0.0),
                j => {
                    row[j] += c;
                    any = true;
                }
            }
        }
        row[n] = constant;
        if any {
            m.push(row);
        }
    }
    let tol = 1e-9;
    let mut pivots: Vec<usize> = Vec::new();
    let mut pr = 0;
    for c in 0..n {
        if pr == m.len() {
            break;
        }
        let best = (pr..m.len())
            .max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))
            .unwrap();
        if m[best][c].abs() <= tol {
            continue;
        }
        m.swap(pr, best);
        let pivot = m[pr][c];
        m[pr].iter_mut().for_each(|x| *x /= pivot);
        let pivot_row = m[pr].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != pr {
                let f = row[c];
                if f.abs() > tol {
                    row.iter_mut()
                        .zip(&pivot_row)
                        .for_each(|(x, y)| *x -= f * y);
                }
            }
        }
        pivots.push(c);
        pr += 1;
    }
    let mut is_pivot = vec![false; n];
    for &c in &pivots {
        is_pivot[c] = true;
    }
    let mut found = Vec::new();
    for (row, &c) in m.iter().zip(&pivots) {
        let free: Vec<usize> = (0..n).filter(|&j| j != c && row[j].abs() > tol).collect();
        if free.is_empty() {
            found.push((unknowns[c], row[n], "elimination"));
            continue;
        }
        // Brute force: every whole value 0..=bound of the free unknowns it
        // depends on, keeping assignments under which every row that uses
        // only those unknowns gives a non-negative whole count.
        if free.len() > 3 {
            continue;
        }
        let rows_here: Vec<(&Vec<f64>, usize)> = m
            .iter()
            .zip(&pivots)
            .filter(|(r, p)| (0..n).all(|j| j == **p || r[j].abs() <= tol || free.contains(&j)))
            .map(|(r, p)| (r, *p))
            .collect();
        let mut values = std::collections::BTreeSet::new();
        let mut assignment = vec![0u64; free.len()];
        'outer: loop {
            let value_of = |r: &Vec<f64>| {
                r[n] - free
                    .iter()
                    .zip(&assignment)
                    .map(|(&j, &v)| r[j] * v as f64)
                    .sum::<f64>()
            };
            let ok = rows_here.iter().all(|(r, _)| {
                let v = value_of(r);
                v > -1e-6 && (v - v.round()).abs() < 1e-6
            });
            if ok {
                values.insert(value_of(row).round() as i64);
                if values.len() > 1 {
                    break;
                }
            }
            for a in assignment.iter_mut() {
                *a += 1;
                if *a <= bound {
                    continue 'outer;
                }
                *a = 0;
            }
            break;
        }
        if values.len() == 1 {
            found.push((unknowns[c], *values.iter().next().unwrap() as f64, "search"));
        }
    }
    // A free unknown whose every assignment but one is refused is pinned
    // too; the rows above already test that through their pivots.
    found
}

/// Every published statistic with a withheld input: must be empty.
pub fn structural(published: &Value, k: u64, strata: &[Stratum]) -> Vec<String> {
    let mut out = Vec::new();
    let decided = published["options"]["rate_basis"] == "decided";
    let overall = published["options"]["reference"] == "overall";
    let sets = rows(published);
    let stages = sets.len() - 1;
    for (r, set) in sets.iter().enumerate() {
        let inputs: &[&str] = if r == stages {
            &["entered", "passed"]
        } else if decided {
            &["passed", "failed"]
        } else {
            &["passed", "failed", "withdrew", "pending"]
        };
        let groups = set["groups"].as_array().unwrap();
        let withheld = |row: &Value| inputs.iter().any(|f| row[*f].is_null());
        let reference_withheld = match groups.iter().find(|g| g["reference"] == true) {
            Some(row) => withheld(row),
            None => false,
        };
        for row in groups {
            for f in FIELDS {
                if let Some(v) = row[f].as_u64() {
                    if v >= 1 && v < k {
                        out.push(format!("a small count {v} for {f}"));
                    }
                }
            }
            let mine = withheld(row);
            if mine && !row["pass_rate"].is_null() {
                out.push(format!("{}: a rate from withheld counts", row["group"]));
            }
            if (mine || (reference_withheld && !overall)) && row["reference"] != true {
                for stat in [
                    "fisher",
                    "z_test",
                    "chi2",
                    "odds_ratio",
                    "impact_ratio_ci",
                    "shortfall",
                ] {
                    if !row[stat].is_null() {
                        out.push(format!("{}: {stat} from withheld counts", row["group"]));
                    }
                }
            }
        }
    }
    // Pinch points only where every stage term is published.
    for d in published["decomposition"].as_array().into_iter().flatten() {
        if !d["pinch_point"].is_null()
            && d["stages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["impact_ratio"].is_null())
        {
            out.push(format!("{}: a pinch point from withheld terms", d["group"]));
        }
    }
    // Pooled figures only where no stratum table of the group or its
    // reference holds a small count.
    if let Some(s) = published.get("stratified") {
        let labels: Vec<Value> = sets[stages]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["group"].clone())
            .collect();
        let small = |label: &Value, stage: Option<usize>| {
            strata.iter().any(|st| {
                let c = &st.counts;
                c.groups().iter().enumerate().any(|(i, grp)| {
                    serde_json::to_value(grp).unwrap() == *label
                        && (0..c.stages())
                            .filter(|s| stage.is_none_or(|x| x == *s))
                            .any(|s| {
                                let x = c.counts(s, i).unwrap();
                                [
                                    x.entered(),
                                    x.passed,
                                    x.failed,
                                    x.withdrew,
                                    x.pending,
                                    x.exempt,
                                ]
                                .iter()
                                .any(|&v| v >= 1 && v < k)
                            })
                })
            })
        };
        let pooled: Vec<&Value> = s["stages"]
            .as_array()
            .unwrap()
            .iter()
            .chain([&s["bottom_line"]])
            .collect();
        for (r, stage) in pooled.iter().enumerate() {
            let at = (r < stages).then_some(r);
            for g in stage["groups"].as_array().unwrap() {
                if g["mantel_haenszel"].is_null() {
                    continue;
                }
                let reference_small = if stage["reference"].is_null() {
                    labels.iter().any(|l| small(l, at))
                } else {
                    small(&stage["reference"], at)
                };
                if small(&g["group"], at) || reference_small {
                    out.push(format!(
                        "{}: Mantel-Haenszel from small stratum counts",
                        g["group"]
                    ));
                }
            }
        }
    }
    out
}

/// What one attack found.
pub struct Attack {
    /// Withheld counts recovered at their true values.
    pub leaked: Vec<String>,
    /// Counts withheld.
    pub withheld: usize,
    /// Published statistics with a withheld input.
    pub structural: Vec<String>,
}

/// Publishes `counts` (and `strata`) with suppression at `k`, attacks it,
/// and returns what it recovered.
pub fn attack(counts: &FunnelCounts, impact: &ImpactOptions, k: u64, strata: &[Stratum]) -> Attack {
    let options = |min_cell| ReportOptions {
        breakdown: counts.breakdown().clone(),
        impact: impact.clone(),
        min_cell,
    };
    let truth = serde_json::to_value(Report::new(counts, &options(0), strata).unwrap()).unwrap();
    let published =
        serde_json::to_value(Report::new(counts, &options(k), strata).unwrap()).unwrap();
    let t = table(&published, &truth);
    let withheld = t.published.iter().filter(|p| p.is_none()).count();
    // The rows used, as a load prints it: every entered and exempt count.
    let used: f64 = (0..t.stages)
        .flat_map(|r| (0..t.groups).map(move |g| (r, g)))
        .map(|(r, g)| t.truth[t.index((r, g, E))] + t.truth[t.index((r, g, EX))])
        .sum();
    let rels = relations(&published, &t, used);
    let leaked = solve(&t, &rels, 2 * k)
        .into_iter()
        .filter(|&(cell, value, _)| (value - t.truth[t.index(cell)]).abs() < 0.5)
        .map(|((r, g, f), value, how)| {
            format!(
                "row set {r}, group {g}, {}: recovered {value} by {how}",
                FIELDS[f]
            )
        })
        .collect();
    Attack {
        leaked,
        withheld,
        structural: structural(&published, k, strata),
    }
}

/// Publishes `counts` with suppression at `k`, attacks it, and returns the
/// withheld counts recovered at their true values and how many were
/// withheld.
pub fn leaks(counts: &FunnelCounts, impact: &ImpactOptions, k: u64) -> (Vec<String>, usize) {
    let a = attack(counts, impact, k, &[]);
    let mut leaked = a.leaked;
    leaked.extend(a.structural);
    (leaked, a.withheld)
}

#[allow(dead_code)]
pub fn options(reference: ReferencePolicy, basis: RateBasis) -> ImpactOptions {
    ImpactOptions::new().reference(reference).basis(basis)
}
