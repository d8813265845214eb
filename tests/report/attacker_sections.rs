//! The attacker of `attacker.rs`, against the workforce sections:
//! representation, disproportionality, attrition and declaration.
//!
//! From the published JSON it builds every linear relation the published
//! figures imply, and solves for the withheld counts by elimination, then
//! by brute force over small whole values of what elimination leaves free.
//! A withheld count is *leaked* when the attack pins it to one value, or
//! proves it a small non-zero count (every value left lies in 1 to k − 1):
//! the protection interval of a withheld count must reach 0 or k.
//!
//! The relations, per section:
//! - representation: a band or the workforce is the sum of its ranks, for
//!   each group, the undeclared, the declared and the headcount; a scope's
//!   declared headcount is the sum of its groups', and its headcount is
//!   declared + undeclared; each share, ratio (times the benchmark share),
//!   gap in points, difference from the workforce and workforce ratio
//!   (where the workforce share is published), and the bounds if
//!   undeclared (the undeclared count, and both shares);
//! - disproportionality: events and population sum to their totals, the
//!   unknown groups' events to the unrecorded events; each share of
//!   events, rate, rate ratio (times the comparator's published rate), and
//!   both bounds if unrecorded (where their denominators are published);
//! - attrition: headcount = leavers + stayed per row, the total row the
//!   sum of the groups; every rate, and each comparison's focal and
//!   reference rate, difference, rate ratio and retention ratio;
//! - declaration: total = declared + prefer not to say + not recorded,
//!   the whole workforce the sum over units, and a unit's totals of two
//!   characteristics where equal (the attacker is told); each rate.
//!
//! The attacker is told which relations hold in the true counts. Intervals,
//! p-values and positions with a withheld input, notes on groups with a
//! withheld figure, and flags quoting withheld figures are checked not to
//! be published at all ([`Attack::structural`]).

use positive_action::report::Report;
use serde_json::Value;

/// Σ coefficient · cell = constant, over cells of a [`System`].
type Terms = Vec<(usize, f64)>;

/// Every count of a section: its published value (if any), its true value,
/// and the relations among them.
#[derive(Default)]
pub struct System {
    published: Vec<Option<f64>>,
    truth: Vec<f64>,
    names: Vec<String>,
    /// Unknowns that were never published, rather than withheld: worked
    /// out, they leak nothing.
    auxiliary: Vec<bool>,
    relations: Vec<(Terms, f64)>,
    /// Published figures that must not be.
    pub structural: Vec<String>,
}

impl System {
    /// A count: its published JSON value and its true one.
    pub fn cell(&mut self, name: String, published: &Value, truth: &Value) -> usize {
        self.published.push(published.as_f64());
        self.truth
            .push(truth.as_f64().unwrap_or_else(|| panic!("{name}: no truth")));
        self.names.push(name);
        self.auxiliary.push(false);
        self.published.len() - 1
    }

    /// A relation, kept only if it holds in the true counts.
    pub fn relate(&mut self, terms: Terms, constant: f64) {
        let sum: f64 = terms.iter().map(|&(c, k)| k * self.truth[c]).sum();
        let scale: f64 = terms
            .iter()
            .map(|&(c, k)| (k * self.truth[c]).abs())
            .sum::<f64>()
            .max(1.0);
        if (sum - constant).abs() <= 1e-9 * scale {
            self.relations.push((terms, constant));
        }
    }

    /// `sum = Σ parts`.
    pub fn sum(&mut self, sum: usize, parts: &[usize]) {
        let mut terms = vec![(sum, -1.0)];
        terms.extend(parts.iter().map(|&p| (p, 1.0)));
        self.relate(terms, 0.0);
    }

    /// `count = rate · Σ denominator`, for a published rate.
    pub fn rate(&mut self, count: &[usize], rate: &Value, denominator: &[usize]) {
        let Some(rate) = rate.as_f64() else { return };
        let mut terms: Terms = count.iter().map(|&c| (c, 1.0)).collect();
        terms.extend(denominator.iter().map(|&d| (d, -rate)));
        self.relate(terms, 0.0);
    }

    /// Published counts from 1 to k − 1.
    fn small_published(&self, k: u64) -> Vec<String> {
        self.published
            .iter()
            .zip(&self.names)
            .filter_map(|(p, n)| {
                p.filter(|v| *v >= 1.0 && *v < k as f64)
                    .map(|v| format!("{n}: small count {v} published"))
            })
            .collect()
    }

    /// What the attack recovers: the withheld counts it pins, or proves
    /// small, searching free values up to `bound`.
    pub fn attack(&self, k: u64, bound: u64) -> Vec<String> {
        let unknowns: Vec<usize> = (0..self.published.len())
            .filter(|&c| self.published[c].is_none())
            .collect();
        let n = unknowns.len();
        let mut column = vec![usize::MAX; self.published.len()];
        for (j, &c) in unknowns.iter().enumerate() {
            column[c] = j;
        }
        let mut m: Vec<Vec<f64>> = Vec::new();
        for (terms, constant) in &self.relations {
            let mut row = vec![0.0; n + 1];
            let mut any = false;
            let mut constant = *constant;
            for &(cell, c) in terms {
                match column[cell] {
                    usize::MAX => constant -= c * self.published[cell].unwrap_or(0.0),
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
        m.truncate(pivots.len());
        // The values each unknown can take, narrowed by every search.
        let mut feasible: Vec<Option<std::collections::BTreeSet<i64>>> = vec![None; n];
        let mut narrow = |j: usize, values: std::collections::BTreeSet<i64>| {
            feasible[j] = Some(match feasible[j].take() {
                None => values,
                Some(old) => old.intersection(&values).copied().collect(),
            });
        };
        for (row, &c) in m.iter().zip(&pivots) {
            let free: Vec<usize> = (0..n).filter(|&j| j != c && row[j].abs() > tol).collect();
            if free.is_empty() {
                narrow(c, [row[n].round() as i64].into());
                continue;
            }
            if free.len() > 3 {
                continue;
            }
            let rows_here: Vec<&Vec<f64>> = m
                .iter()
                .zip(&pivots)
                .filter(|(r, p)| (0..n).all(|j| j == **p || r[j].abs() <= tol || free.contains(&j)))
                .map(|(r, _)| r)
                .collect();
            let mut values = std::collections::BTreeSet::new();
            let mut free_values = vec![std::collections::BTreeSet::new(); free.len()];
            let mut assignment = vec![0u64; free.len()];
            'outer: loop {
                let value_of = |r: &Vec<f64>| {
                    r[n] - free
                        .iter()
                        .zip(&assignment)
                        .map(|(&j, &v)| r[j] * v as f64)
                        .sum::<f64>()
                };
                let ok = rows_here.iter().all(|r| {
                    let v = value_of(r);
                    v > -1e-6 && (v - v.round()).abs() < 1e-6
                });
                if ok {
                    values.insert(value_of(row).round() as i64);
                    for (set, v) in free_values.iter_mut().zip(&assignment) {
                        set.insert(*v as i64);
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
            narrow(c, values);
            for (&j, set) in free.iter().zip(free_values) {
                narrow(j, set);
            }
        }
        let mut out = Vec::new();
        for (j, values) in feasible.iter().enumerate() {
            let Some(values) = values else { continue };
            let cell = unknowns[j];
            if self.auxiliary[cell] {
                continue;
            }
            let truth = self.truth[cell];
            let name = &self.names[cell];
            if values.len() == 1 && (*values.iter().next().unwrap() as f64 - truth).abs() < 0.5 {
                out.push(format!("{name}: pinned at {truth}"));
            } else if !values.is_empty()
                && values.iter().all(|&v| v >= 1 && v < k as i64)
                && values.iter().all(|&v| v < bound as i64)
            {
                out.push(format!("{name} = {truth}: shown to be small ({values:?})"));
            }
        }
        out.extend(self.small_published(k));
        out
    }
}

fn null(v: &Value) -> bool {
    v.is_null()
}

/// Notes on a group (`"{group}: …"`) of a row with withheld figures.
fn group_notes(notes: &Value, label: &str) -> bool {
    notes
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|n| n.starts_with(&format!("{label}: ")))
}

fn label(group: &Value) -> String {
    let g: positive_action::Group = serde_json::from_value(group.clone()).unwrap();
    g.to_string()
}

/// The representation section's relations; `ranks[s]` lists, for a band
/// or the whole workforce, the rank sections it sums.
pub fn representation(sys: &mut System, published: &Value, truth: &Value) {
    let sections = published["sections"].as_array().unwrap();
    let tsections = truth["sections"].as_array().unwrap();
    let scopes = sections.len();
    let groups = sections[0]["rows"].as_array().unwrap().len();
    let rank_of: Vec<Option<Value>> = sections
        .iter()
        .map(|s| s["scope"].get("rank").cloned())
        .collect();
    let sums: Vec<(usize, Vec<usize>)> = tsections
        .iter()
        .enumerate()
        .filter(|(s, _)| rank_of[*s].is_none())
        .map(|(s, t)| {
            let parts = t["ranks"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|r| rank_of.iter().position(|x| x.as_ref() == Some(r)))
                .collect();
            (s, parts)
        })
        .collect();
    let h: Vec<Vec<usize>> = (0..groups)
        .map(|g| {
            (0..scopes)
                .map(|s| {
                    sys.cell(
                        format!(
                            "representation {} scope {s}",
                            sections[s]["rows"][g]["group"]
                        ),
                        &sections[s]["rows"][g]["headcount"],
                        &tsections[s]["rows"][g]["headcount"],
                    )
                })
                .collect()
        })
        .collect();
    let field = |sys: &mut System, f: &str| -> Vec<usize> {
        (0..scopes)
            .map(|s| {
                sys.cell(
                    format!("representation {f} scope {s}"),
                    &sections[s][f],
                    &tsections[s][f],
                )
            })
            .collect()
    };
    let declared = field(sys, "declared");
    let undeclared = field(sys, "undeclared");
    let headcount = field(sys, "headcount");
    for cells in h.iter().chain([&declared, &undeclared, &headcount]) {
        for (sum, parts) in &sums {
            let parts: Vec<usize> = parts.iter().map(|&p| cells[p]).collect();
            sys.sum(cells[*sum], &parts);
        }
    }
    let workforce = sections.iter().position(|s| s["scope"] == "workforce");
    for s in 0..scopes {
        let parts: Vec<usize> = (0..groups).map(|g| h[g][s]).collect();
        sys.sum(declared[s], &parts);
        sys.sum(headcount[s], &[declared[s], undeclared[s]]);
        let declared_lost = null(&sections[s]["declared"]);
        for g in 0..groups {
            let row = &sections[s]["rows"][g];
            let hc = h[g][s];
            let b = row["benchmark_share"].as_f64();
            sys.rate(&[hc], &row["share"], &[declared[s]]);
            if let (Some(r), Some(b)) = (row["ratio"].as_f64(), b) {
                sys.rate(&[hc], &Value::from(r * b), &[declared[s]]);
            }
            if let (Some(gap), Some(b)) = (row["gap_points"].as_f64(), b) {
                sys.rate(&[hc], &Value::from(gap / 100.0 + b), &[declared[s]]);
            }
            let bounds = &row["if_undeclared"];
            if !bounds.is_null() {
                sys.relate(
                    vec![(undeclared[s], 1.0)],
                    bounds["undeclared"].as_f64().unwrap(),
                );
                sys.rate(
                    &[hc],
                    &bounds["share_if_none"],
                    &[declared[s], undeclared[s]],
                );
                sys.rate(
                    &[hc, undeclared[s]],
                    &bounds["share_if_all"],
                    &[declared[s], undeclared[s]],
                );
            }
            let w_share = workforce.and_then(|w| sections[w]["rows"][g]["share"].as_f64());
            if let (Some(d), Some(ws)) = (row["difference_from_workforce_points"].as_f64(), w_share)
            {
                sys.rate(&[hc], &Value::from(ws + d / 100.0), &[declared[s]]);
            }
            if let (Some(r), Some(ws)) = (row["workforce_ratio"].as_f64(), w_share) {
                sys.rate(&[hc], &Value::from(r * ws), &[declared[s]]);
            }
            // Statistics with a withheld input are not published.
            let lost = declared_lost || null(&row["headcount"]);
            if lost {
                for f in [
                    "share",
                    "ratio",
                    "ratio_ci",
                    "p_value",
                    "gap_points",
                    "position",
                    "if_undeclared",
                ] {
                    if !null(&row[f]) {
                        sys.structural.push(format!(
                            "representation scope {s} {}: {f} from a withheld count",
                            row["group"]
                        ));
                    }
                }
            }
            let workforce_lost = workforce.is_some_and(|w| {
                null(&sections[w]["declared"]) || null(&sections[w]["rows"][g]["headcount"])
            });
            if (lost || workforce_lost) && Some(s) != workforce {
                for f in [
                    "difference_from_workforce_points",
                    "workforce_ratio",
                    "workforce_ratio_ci",
                    "position_in_workforce",
                ] {
                    if !null(&row[f]) {
                        sys.structural.push(format!(
                            "representation scope {s} {}: {f} from a withheld count",
                            row["group"]
                        ));
                    }
                }
            }
            if null(&sections[s]["undeclared"]) && !null(&row["if_undeclared"]) {
                sys.structural.push(format!(
                    "representation scope {s}: bounds quote a withheld undeclared count"
                ));
            }
            let has_withheld = row["withheld"].as_array().is_some_and(|w| !w.is_empty());
            if has_withheld && group_notes(&sections[s]["notes"], &label(&row["group"])) {
                sys.structural.push(format!(
                    "representation scope {s}: a note on {}",
                    row["group"]
                ));
            }
        }
    }
}

/// The disproportionality table's relations.
pub fn disproportionality(sys: &mut System, published: &Value, truth: &Value) {
    let rows = published["rows"].as_array().unwrap();
    let trows = truth["rows"].as_array().unwrap();
    let events: Vec<usize> = (0..rows.len())
        .map(|i| {
            sys.cell(
                format!("events {}", rows[i]["group"]),
                &rows[i]["events"],
                &trows[i]["events"],
            )
        })
        .collect();
    let population: Vec<usize> = (0..rows.len())
        .map(|i| {
            sys.cell(
                format!("population {}", rows[i]["group"]),
                &rows[i]["population"],
                &trows[i]["population"],
            )
        })
        .collect();
    let total_events = sys.cell(
        "total events".into(),
        &published["total_events"],
        &truth["total_events"],
    );
    let total_population = sys.cell(
        "total population".into(),
        &published["total_population"],
        &truth["total_population"],
    );
    let unknown: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            let g: positive_action::Group =
                serde_json::from_value(rows[i]["group"].clone()).unwrap();
            g.is_unknown()
        })
        .collect();
    let unrecorded_truth: f64 = unknown
        .iter()
        .map(|&i| trows[i]["events"].as_f64().unwrap())
        .sum();
    // The unrecorded events: published only inside the bounds.
    let quoted = rows
        .iter()
        .find_map(|r| r["if_unrecorded"]["unrecorded_events"].as_f64())
        .map_or(Value::Null, Value::from);
    let unrecorded = sys.cell(
        "unrecorded events".into(),
        &quoted,
        &Value::from(unrecorded_truth),
    );
    // Not quoted (no bounds): withheld only if listed so.
    sys.auxiliary[unrecorded] = !published["withheld"]
        .as_array()
        .is_some_and(|w| w.iter().any(|x| x == "unrecorded_events"));
    sys.sum(total_events, &events);
    sys.sum(total_population, &population);
    let parts: Vec<usize> = unknown.iter().map(|&i| events[i]).collect();
    sys.sum(unrecorded, &parts);
    let comparator = rows
        .iter()
        .position(|r| r["group"] == published["comparator"]);
    let comparator_rate = comparator.and_then(|c| rows[c]["rate"].as_f64());
    let own_lost = |i: usize| null(&rows[i]["events"]) || null(&rows[i]["population"]);
    let comparator_lost = comparator.is_some_and(own_lost);
    for (i, row) in rows.iter().enumerate() {
        sys.rate(&[events[i]], &row["share_of_events"], &[total_events]);
        sys.rate(&[events[i]], &row["rate"], &[population[i]]);
        if let (Some(rr), Some(rc)) = (row["rate_ratio"].as_f64(), comparator_rate) {
            sys.rate(&[events[i]], &Value::from(rr * rc), &[population[i]]);
        }
        let b = &row["if_unrecorded"];
        if let (Some(f), Some(rc)) = (b["if_unrecorded_focal"].as_f64(), comparator_rate) {
            sys.rate(
                &[events[i], unrecorded],
                &Value::from(f * rc),
                &[population[i]],
            );
        }
        if let (Some(r), Some(c)) = (b["if_unrecorded_comparator"].as_f64(), comparator) {
            if let (Some(p), Some(pc)) = (
                rows[i]["population"].as_f64(),
                rows[c]["population"].as_f64(),
            ) {
                // events·pc = r·p·(comparator events + unrecorded).
                sys.relate(
                    vec![(events[i], pc), (events[c], -r * p), (unrecorded, -r * p)],
                    0.0,
                );
            }
        }
        if (own_lost(i) || comparator_lost) && Some(i) != comparator {
            for f in ["rate_ratio", "rate_ratio_ci", "p_value", "if_unrecorded"] {
                if !null(&row[f]) {
                    sys.structural.push(format!(
                        "disproportionality {}: {f} from a withheld count",
                        row["group"]
                    ));
                }
            }
        }
        let has_withheld = row["withheld"].as_array().is_some_and(|w| !w.is_empty());
        if has_withheld && group_notes(&published["notes"], &label(&row["group"])) {
            sys.structural
                .push(format!("disproportionality: a note on {}", row["group"]));
        }
    }
}

/// The attrition table's relations.
pub fn attrition(sys: &mut System, published: &Value, truth: &Value) {
    let rows: Vec<&Value> = published["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&published["total"]])
        .collect();
    let trows: Vec<&Value> = truth["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&truth["total"]])
        .collect();
    let cells: Vec<[usize; 3]> = (0..rows.len())
        .map(|i| {
            ["headcount_at_start", "leavers", "stayed"].map(|f| {
                sys.cell(
                    format!("attrition {f} {}", rows[i]["group"]),
                    &rows[i][f],
                    &trows[i][f],
                )
            })
        })
        .collect();
    let n = rows.len() - 1;
    for c in &cells {
        sys.sum(c[0], &[c[1], c[2]]);
    }
    for f in 0..3 {
        let parts: Vec<usize> = cells[..n].iter().map(|c| c[f]).collect();
        sys.sum(cells[n][f], &parts);
    }
    let comparator = rows[..n]
        .iter()
        .position(|r| r["group"] == published["comparator"]);
    let lost = |i: usize| {
        ["headcount_at_start", "leavers", "stayed"]
            .iter()
            .any(|f| null(&rows[i][*f]))
    };
    for (i, row) in rows.iter().enumerate() {
        let [h, l, s] = cells[i];
        sys.rate(&[l], &row["attrition_rate"], &[h]);
        sys.rate(&[s], &row["retention_rate"], &[h]);
        let v = &row["versus_comparator"];
        if v.is_null() {
            continue;
        }
        if comparator.is_some_and(lost) || lost(i) {
            sys.structural.push(format!(
                "attrition {}: a comparison from withheld counts",
                row["group"]
            ));
        }
        sys.rate(&[l], &v["focal_rate"], &[h]);
        if let Some(c) = comparator {
            let [hc, lc, sc] = cells[c];
            sys.rate(&[lc], &v["reference_rate"], &[hc]);
            if let Some(rc) = v["reference_rate"].as_f64() {
                if let Some(d) = v["difference_points"].as_f64() {
                    sys.rate(&[l], &Value::from(rc + d / 100.0), &[h]);
                }
                if let Some(r) = v["rate_ratio"].as_f64() {
                    sys.rate(&[l], &Value::from(r * rc), &[h]);
                }
                if let Some(r) = v["retention_ratio"].as_f64() {
                    sys.rate(&[s], &Value::from(r * (1.0 - rc)), &[h]);
                }
            }
            let _ = sc;
        }
    }
    let jl = sys.cell(
        "joined and left".into(),
        &published["joined_and_left"],
        &truth["joined_and_left"],
    );
    let _ = jl;
}

/// The declaration table's relations.
pub fn declaration(sys: &mut System, published: &Value, truth: &Value) {
    const F: [&str; 4] = ["total", "declared", "prefer_not_to_say", "not_recorded"];
    const RATES: [&str; 3] = [
        "declaration_rate",
        "prefer_not_to_say_rate",
        "not_recorded_rate",
    ];
    let mut index: std::collections::HashMap<(String, String), [usize; 4]> = Default::default();
    for (list, tlist) in [
        (&published["characteristics"], &truth["characteristics"]),
        (&published["units"], &truth["units"]),
    ] {
        for (row, trow) in list
            .as_array()
            .unwrap()
            .iter()
            .zip(tlist.as_array().unwrap())
        {
            let key = (row["characteristic"].to_string(), row["unit"].to_string());
            let cells = F.map(|f| sys.cell(format!("declaration {key:?} {f}"), &row[f], &trow[f]));
            sys.sum(cells[0], &cells[1..]);
            for (r, f) in RATES.iter().enumerate() {
                sys.rate(&[cells[r + 1]], &row[*f], &[cells[0]]);
            }
            index.insert(key, cells);
        }
    }
    let keys: Vec<(String, String)> = index.keys().cloned().collect();
    for (c, u) in &keys {
        if u != "null" {
            continue;
        }
        let whole = index[&(c.clone(), u.clone())];
        for f in 0..4 {
            let parts: Vec<usize> = keys
                .iter()
                .filter(|(c2, u2)| c2 == c && u2 != "null")
                .map(|k| index[k][f])
                .collect();
            sys.sum(whole[f], &parts);
        }
    }
    // Equal totals of two characteristics in a unit (or the workforce).
    for a in &keys {
        for b in &keys {
            if a.1 == b.1 && a.0 < b.0 {
                sys.relate(vec![(index[a][0], 1.0), (index[b][0], -1.0)], 0.0);
            }
        }
    }
}

/// Every section of a published report against its unsuppressed twin:
/// the leaks, the structural faults, and how many counts were withheld.
pub struct Attack {
    pub leaked: Vec<String>,
    pub structural: Vec<String>,
    pub withheld: usize,
}

pub fn attack(published: &Report, truth: &Report, k: u64) -> Attack {
    let p = serde_json::to_value(published).unwrap();
    let t = serde_json::to_value(truth).unwrap();
    let mut leaked = Vec::new();
    let mut structural = Vec::new();
    let mut withheld = 0;
    let mut run = |sys: System| {
        withheld += sys.published.iter().filter(|x| x.is_none()).count();
        leaked.extend(sys.attack(k, 3 * k));
        structural.extend(sys.structural);
    };
    if !p["representation"].is_null() {
        let mut sys = System::default();
        representation(&mut sys, &p["representation"], &t["representation"]);
        run(sys);
    }
    for (d, td) in p["disproportionality"]
        .as_array()
        .into_iter()
        .flatten()
        .zip(t["disproportionality"].as_array().into_iter().flatten())
    {
        let mut sys = System::default();
        disproportionality(&mut sys, d, td);
        run(sys);
    }
    if !p["attrition"].is_null() {
        let mut sys = System::default();
        attrition(&mut sys, &p["attrition"], &t["attrition"]);
        run(sys);
    }
    if !p["declaration"].is_null() {
        let mut sys = System::default();
        declaration(&mut sys, &p["declaration"], &t["declaration"]);
        run(sys);
        // A flag is published only with the figures it quotes.
        for flag in p["declaration"]["flags"].as_array().into_iter().flatten() {
            let row = p["representation"]["sections"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|s| s["scope"] == flag["scope"])
                .and_then(|s| {
                    s["rows"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|r| r["group"] == flag["group"])
                });
            if row
                .is_none_or(|r| r["ratio"] != flag["ratio"] || r["if_undeclared"] != flag["bounds"])
            {
                structural.push(format!(
                    "declaration flag {} quotes figures not published",
                    flag["group"]
                ));
            }
        }
    }
    Attack {
        leaked,
        structural,
        withheld,
    }
}
