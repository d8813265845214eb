//! An attacker with only the published JSON: builds every linear relation
//! the published figures imply (row sums, bottom-line sums, rates times
//! their denominators, impact ratios times the reference rate, shortfalls to
//! parity, an overall rate) and solves for the withheld counts. A count is
//! leaked if the relations pin it to its true value.

use positive_action::report::{Report, ReportOptions};
use positive_action::{FunnelCounts, ImpactOptions, RateBasis, ReferencePolicy};
use serde_json::Value;

const FIELDS: [&str; 6] = [
    "entered", "passed", "failed", "withdrew", "pending", "exempt",
];

/// A cell: (row set, group, field); row set `stages` is the bottom line.
type Cell = (usize, usize, usize);

struct Published {
    stages: usize,
    groups: usize,
    values: Vec<Option<f64>>,
}

impl Published {
    fn index(&self, (r, g, f): Cell) -> usize {
        (r * self.groups + g) * FIELDS.len() + f
    }
}

/// Σ coefficient·cell = constant.
struct Relation {
    terms: Vec<(Cell, f64)>,
    constant: f64,
}

fn rows(report: &Value) -> Vec<&Value> {
    let mut sets: Vec<&Value> = report["stages"].as_array().unwrap().iter().collect();
    sets.push(&report["bottom_line"]);
    sets
}

/// Every withheld count the published figures pin down, with its value.
pub fn recover(report: &Value) -> Vec<(Cell, f64)> {
    let sets = rows(report);
    let stages = sets.len() - 1;
    let groups = sets[0]["groups"].as_array().unwrap().len();
    let mut p = Published {
        stages,
        groups,
        values: vec![None; (stages + 1) * groups * FIELDS.len()],
    };
    for (r, set) in sets.iter().enumerate() {
        for (g, row) in set["groups"].as_array().unwrap().iter().enumerate() {
            for (f, name) in FIELDS.iter().enumerate() {
                let i = p.index((r, g, f));
                p.values[i] = row[*name].as_f64();
            }
        }
    }
    let decided = report["options"]["rate_basis"] == "decided";
    let overall = report["options"]["reference"] == "overall";
    let mut rels = Vec::new();
    let (e, pa, fa, wi, pe, ex) = (0, 1, 2, 3, 4, 5);
    for g in 0..groups {
        // Stage rows only: the bottom line's entered is who entered the
        // first stage, which its exits sum to only in a closed funnel.
        for r in 0..stages {
            rels.push(Relation {
                terms: vec![
                    ((r, g, e), 1.0),
                    ((r, g, pa), -1.0),
                    ((r, g, fa), -1.0),
                    ((r, g, wi), -1.0),
                    ((r, g, pe), -1.0),
                ],
                constant: 0.0,
            });
        }
        rels.push(Relation {
            terms: vec![((stages, g, e), 1.0), ((0, g, e), -1.0)],
            constant: 0.0,
        });
        rels.push(Relation {
            terms: vec![((stages, g, pa), 1.0), ((stages - 1, g, pa), -1.0)],
            constant: 0.0,
        });
        for f in [fa, wi, pe, ex] {
            let mut terms = vec![((stages, g, f), 1.0)];
            terms.extend((0..stages).map(|r| ((r, g, f), -1.0)));
            rels.push(Relation {
                terms,
                constant: 0.0,
            });
        }
    }
    for (r, set) in sets.iter().enumerate() {
        let bl = r == stages;
        let denominator: Vec<usize> = if bl {
            vec![e]
        } else if decided {
            vec![pa, fa]
        } else {
            vec![pa, fa, wi, pe]
        };
        let rate_relation = |g: usize, rate: f64, constant: f64| {
            // passed − rate·denominator = constant
            let mut terms = vec![((r, g, pa), 1.0)];
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
                // s = n1·p2 − x1  ⇒  x1 − p2·n1 = −s
                rels.push(rate_relation(g, reference, -s));
            }
        }
        if overall {
            if let Some(rate) = reference_rate {
                let mut terms = Vec::new();
                for g in 0..groups {
                    terms.push(((r, g, pa), 1.0));
                    terms.extend(denominator.iter().map(|&f| ((r, g, f), -rate)));
                }
                rels.push(Relation {
                    terms,
                    constant: 0.0,
                });
            }
        }
    }
    solve(&p, &rels)
}

fn solve(p: &Published, rels: &[Relation]) -> Vec<(Cell, f64)> {
    let unknowns: Vec<Cell> = (0..=p.stages)
        .flat_map(|r| (0..p.groups).flat_map(move |g| (0..FIELDS.len()).map(move |f| (r, g, f))))
        .filter(|&c| p.values[p.index(c)].is_none())
        .collect();
    let col = |c: Cell| unknowns.iter().position(|&u| u == c);
    let n = unknowns.len();
    let mut m: Vec<Vec<f64>> = Vec::new();
    for rel in rels {
        let mut row = vec![0.0; n + 1];
        let mut any = false;
        let mut constant = rel.constant;
        for &(cell, c) in &rel.terms {
            match col(cell) {
                Some(j) => {
                    row[j] += c;
                    any = true;
                }
                None => constant -= c * p.values[p.index(cell)].unwrap_or(0.0),
            }
        }
        row[n] = constant;
        if any {
            m.push(row);
        }
    }
    let tol = 1e-9;
    let mut pr = 0;
    for c in 0..n {
        let Some(best) = (pr..m.len()).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))
        else {
            break;
        };
        if m[best][c].abs() <= tol {
            continue;
        }
        m.swap(pr, best);
        let pivot = m[pr][c];
        m[pr].iter_mut().for_each(|x| *x /= pivot);
        for r in 0..m.len() {
            if r != pr {
                let f = m[r][c];
                if f.abs() > tol {
                    let pivot_row = m[pr].clone();
                    m[r].iter_mut()
                        .zip(&pivot_row)
                        .for_each(|(x, y)| *x -= f * y);
                }
            }
        }
        pr += 1;
        if pr == m.len() {
            break;
        }
    }
    m.iter()
        .filter_map(|row| {
            let nz: Vec<usize> = (0..n).filter(|&j| row[j].abs() > tol).collect();
            (nz.len() == 1).then(|| (unknowns[nz[0]], row[n] / row[nz[0]]))
        })
        .collect()
}

/// Publishes `counts` with suppression at `k`, attacks it, and returns the
/// withheld counts recovered at their true values.
pub fn leaks(counts: &FunnelCounts, impact: &ImpactOptions, k: u64) -> (Vec<String>, usize) {
    let options = |min_cell| ReportOptions {
        breakdown: counts.breakdown().clone(),
        impact: impact.clone(),
        min_cell,
    };
    let truth = serde_json::to_value(Report::new(counts, &options(0), &[]).unwrap()).unwrap();
    let published = serde_json::to_value(Report::new(counts, &options(k), &[]).unwrap()).unwrap();
    let truth_rows = rows(&truth);
    let mut withheld = 0;
    for set in rows(&published) {
        for row in set["groups"].as_array().unwrap() {
            withheld += FIELDS.iter().filter(|f| row[**f].is_null()).count();
            // Small published counts would be a primary failure.
            for f in FIELDS {
                if let Some(v) = row[f].as_u64() {
                    assert!(v == 0 || v >= k, "published a small count {v} for {f}");
                }
            }
        }
    }
    let leaked = recover(&published)
        .into_iter()
        .filter(|&((r, g, f), value)| {
            let true_value = truth_rows[r]["groups"][g][FIELDS[f]].as_f64().unwrap();
            (value - true_value).abs() < 0.5
        })
        .map(|((r, g, f), value)| {
            format!("row set {r}, group {g}, {}: recovered {value}", FIELDS[f])
        })
        .collect();
    (leaked, withheld)
}

#[allow(dead_code)]
pub fn options(reference: ReferencePolicy, basis: RateBasis) -> ImpactOptions {
    ImpactOptions::new().reference(reference).basis(basis)
}
