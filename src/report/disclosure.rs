//! Small-cell suppression for publication.
//!
//! Equality data is special category personal data. In a published report
//! any count 1 ≤ c < k is withheld (primary suppression), and so is every
//! figure computed from it. A second cell is also withheld wherever
//! published totals would let a withheld one be worked out (secondary
//! suppression).
//!
//! Secondary suppression here is audit-driven. Every linear relation the
//! report publishes is modelled: a row's entered is the sum of its parts,
//! the bottom line sums the stages, and an overall reference rate ties all
//! groups together. A withheld count is *recoverable* when those relations
//! determine it uniquely, that is, when its unit vector lies in the row
//! space of the relations restricted to withheld counts. While any withheld
//! count is recoverable, one more published count in a relation that pins
//! it is withheld, preferring totals (which no rate is computed from). Then
//! every rate, ratio and test with a withheld input is withheld too, so
//! rates never reveal more than the counts.

use crate::counts::RateBasis;
use crate::impact::reference::ReferencePolicy;
use crate::report::{Report, ReportGroup, ReportStage, Suppression};

const FIELDS: [&str; 6] = [
    "entered", "passed", "failed", "withdrew", "pending", "exempt",
];
const ENTERED: usize = 0;
const PASSED: usize = 1;
const FAILED: usize = 2;
const WITHDREW: usize = 3;
const PENDING: usize = 4;
const EXEMPT: usize = 5;

/// The figures of a row computed from its counts and the reference's.
const COMPARISONS: [&str; 14] = [
    "impact_ratio",
    "impact_ratio_ci",
    "adverse_impact",
    "fisher",
    "z_test",
    "chi2",
    "chi2_yates",
    "z_ir",
    "odds_ratio",
    "cohens_h",
    "shortfall",
    "flip_flop",
    "significant_after_one_more",
    "significant_after_two_more",
];

/// A linear relation Σ coefficient·cell = constant among published figures.
type Relation = Vec<(usize, f64)>;

struct Cells {
    stages: usize,
    groups: usize,
    values: Vec<u64>,
    withheld: Vec<bool>,
}

impl Cells {
    /// Row set `r` (0..stages are stages; `stages` is the bottom line).
    fn id(&self, r: usize, g: usize, f: usize) -> usize {
        (r * self.groups + g) * FIELDS.len() + f
    }
}

fn row_sets(report: &Report) -> Vec<&ReportStage> {
    report.stages.iter().chain([&report.bottom_line]).collect()
}

/// The count fields a row's rate is computed from.
fn rate_inputs(basis: RateBasis, bottom_line: bool) -> &'static [usize] {
    if bottom_line {
        &[ENTERED, PASSED]
    } else {
        match basis {
            RateBasis::Decided => &[PASSED, FAILED],
            RateBasis::Entered => &[PASSED, FAILED, WITHDREW, PENDING],
        }
    }
}

fn relations(report: &Report, cells: &Cells) -> Vec<Relation> {
    let (s_n, g_n) = (cells.stages, cells.groups);
    let mut out = Vec::new();
    for g in 0..g_n {
        for r in 0..s_n {
            // entered = passed + failed + withdrew + pending
            out.push(vec![
                (cells.id(r, g, ENTERED), 1.0),
                (cells.id(r, g, PASSED), -1.0),
                (cells.id(r, g, FAILED), -1.0),
                (cells.id(r, g, WITHDREW), -1.0),
                (cells.id(r, g, PENDING), -1.0),
            ]);
        }
        // The bottom line: entered at the first stage, passed at the last,
        // exits, pending and exemptions summed over stages.
        let bl = s_n;
        out.push(vec![
            (cells.id(bl, g, ENTERED), 1.0),
            (cells.id(0, g, ENTERED), -1.0),
        ]);
        out.push(vec![
            (cells.id(bl, g, PASSED), 1.0),
            (cells.id(s_n - 1, g, PASSED), -1.0),
        ]);
        for f in [FAILED, WITHDREW, PENDING, EXEMPT] {
            let mut rel = vec![(cells.id(bl, g, f), 1.0)];
            rel.extend((0..s_n).map(|r| (cells.id(r, g, f), -1.0)));
            out.push(rel);
        }
        // In a closed funnel the bottom line's parts also sum to its entered.
        let v = |f| cells.values[cells.id(bl, g, f)];
        if v(ENTERED) == v(PASSED) + v(FAILED) + v(WITHDREW) + v(PENDING) {
            out.push(vec![
                (cells.id(bl, g, ENTERED), 1.0),
                (cells.id(bl, g, PASSED), -1.0),
                (cells.id(bl, g, FAILED), -1.0),
                (cells.id(bl, g, WITHDREW), -1.0),
                (cells.id(bl, g, PENDING), -1.0),
            ]);
        }
    }
    // An overall reference rate r = Σ passed / Σ denominator ties all groups.
    if matches!(report.options.reference, ReferencePolicy::Overall) {
        for (r, stage) in row_sets(report).iter().enumerate() {
            let Some(rate) = stage.reference_rate else {
                continue;
            };
            let inputs = rate_inputs(report.options.rate_basis, r == s_n);
            let mut rel = Vec::new();
            for g in 0..g_n {
                for &f in inputs {
                    // Σ passed − rate·Σ denominator = 0; at stages the
                    // denominator includes passed itself.
                    let coefficient = match (f, r == s_n) {
                        (PASSED, true) => 1.0,
                        (PASSED, false) => 1.0 - rate,
                        _ => -rate,
                    };
                    rel.push((cells.id(r, g, f), coefficient));
                }
            }
            out.push(rel);
        }
    }
    out
}

/// The withheld cells that the relations determine uniquely.
pub(crate) fn recoverable(relations: &[Relation], withheld: &[bool]) -> Vec<usize> {
    let mut unknowns: Vec<usize> = relations
        .iter()
        .flat_map(|rel| rel.iter().map(|(c, _)| *c))
        .filter(|&c| withheld[c])
        .collect();
    unknowns.sort_unstable();
    unknowns.dedup();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let column = |cell: usize| unknowns.binary_search(&cell).ok();
    let mut rows: Vec<Vec<f64>> = relations
        .iter()
        .filter_map(|rel| {
            let mut row = vec![0.0; unknowns.len()];
            let mut any = false;
            for &(cell, c) in rel {
                if let Some(j) = column(cell) {
                    row[j] += c;
                    any = true;
                }
            }
            any.then_some(row)
        })
        .collect();
    // Reduced row echelon form with partial pivoting.
    let tolerance = 1e-9;
    let mut pivot_row = 0;
    for col in 0..unknowns.len() {
        if pivot_row == rows.len() {
            break;
        }
        let best = (pivot_row..rows.len())
            .max_by(|&a, &b| rows[a][col].abs().total_cmp(&rows[b][col].abs()));
        let Some(best) = best else { break };
        if rows[best][col].abs() <= tolerance {
            continue;
        }
        rows.swap(pivot_row, best);
        let p = rows[pivot_row][col];
        for x in &mut rows[pivot_row] {
            *x /= p;
        }
        for r in 0..rows.len() {
            if r != pivot_row && rows[r][col].abs() > tolerance {
                let factor = rows[r][col];
                let (pivot, other) = if r < pivot_row {
                    let (a, b) = rows.split_at_mut(pivot_row);
                    (&b[0], &mut a[r])
                } else {
                    let (a, b) = rows.split_at_mut(r);
                    (&a[pivot_row], &mut b[0])
                };
                for (x, y) in other.iter_mut().zip(pivot) {
                    *x -= factor * y;
                }
            }
        }
        pivot_row += 1;
    }
    rows.iter()
        .filter_map(|row| {
            let mut nonzero = row.iter().enumerate().filter(|(_, x)| x.abs() > tolerance);
            match (nonzero.next(), nonzero.next()) {
                (Some((j, _)), None) => Some(unknowns[j]),
                _ => None,
            }
        })
        .collect()
}

pub(crate) fn suppress(report: &mut Report, k: u64) {
    let stages = report.stages.len();
    let groups = report.bottom_line.groups.len();
    let mut cells = Cells {
        stages,
        groups,
        values: vec![0; (stages + 1) * groups * FIELDS.len()],
        withheld: vec![false; (stages + 1) * groups * FIELDS.len()],
    };
    for (r, stage) in row_sets(report).iter().enumerate() {
        for (g, row) in stage.groups.iter().enumerate() {
            let v = [
                row.entered,
                row.passed,
                row.failed,
                row.withdrew,
                row.pending,
                row.exempt,
            ];
            for (f, value) in v.iter().enumerate() {
                let id = cells.id(r, g, f);
                cells.values[id] = value.unwrap_or(0);
                cells.withheld[id] = value.is_some_and(|c| c >= 1 && c < k);
            }
        }
    }
    let primary = cells.withheld.iter().filter(|w| **w).count() as u64;
    let rels = relations(report, &cells);
    let costs = CostModel::new(report, &cells);
    // Relations link the cells of one group (its rows and its bottom line),
    // and an overall rate links all groups: settle each connected component
    // on its own, which keeps every elimination small.
    let mut settled = cells.withheld.clone();
    for component in components(&rels, cells.withheld.len()) {
        settled = settle(&component, settled, &costs, true);
    }
    let secondary = settled
        .iter()
        .zip(&cells.withheld)
        .filter(|(a, b)| **a && !**b)
        .count() as u64;
    cells.withheld = settled;
    apply(report, &cells);
    report.suppression = Some(Suppression {
        min_cell: k,
        primary,
        secondary,
    });
    report.notes.push(format!(
        "small-cell suppression: {primary} counts from 1 to {} are withheld, {secondary} more so they cannot be worked out from totals, and every figure computed from a withheld count",
        k - 1
    ));
}

/// Groups relations into connected components over the cells they share.
fn components(rels: &[Relation], cells: usize) -> Vec<Vec<Relation>> {
    let mut parent: Vec<usize> = (0..cells).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for rel in rels {
        if let Some(&(first, _)) = rel.first() {
            for &(c, _) in rel {
                let (a, b) = (find(&mut parent, first), find(&mut parent, c));
                parent[a] = b;
            }
        }
    }
    let mut by_root: std::collections::BTreeMap<usize, Vec<Relation>> =
        std::collections::BTreeMap::new();
    for rel in rels {
        if let Some(&(first, _)) = rel.first() {
            let root = find(&mut parent, first);
            by_root.entry(root).or_default().push(rel.clone());
        }
    }
    by_root.into_values().collect()
}

/// What withholding costs: the published figures lost with each count.
struct CostModel {
    stages: usize,
    groups: usize,
    basis: RateBasis,
    overall: bool,
    // The reference row of each row set, if a group.
    reference: Vec<Option<usize>>,
}

impl CostModel {
    fn new(report: &Report, cells: &Cells) -> Self {
        Self {
            stages: cells.stages,
            groups: cells.groups,
            basis: report.options.rate_basis,
            overall: matches!(report.options.reference, ReferencePolicy::Overall),
            reference: row_sets(report)
                .iter()
                .map(|s| s.groups.iter().position(|g| g.reference))
                .collect(),
        }
    }

    /// Figures lost: each withheld count, each rate with a withheld input
    /// and the comparisons computed from it, and every comparison of a
    /// stage whose reference rate is lost.
    fn cost(&self, withheld: &[bool]) -> usize {
        let per_row = 1 + COMPARISONS.len();
        let mut lost = withheld.iter().filter(|w| **w).count();
        for r in 0..=self.stages {
            let inputs = rate_inputs(self.basis, r == self.stages);
            let hit = |g: usize| {
                inputs
                    .iter()
                    .any(|&f| withheld[(r * self.groups + g) * FIELDS.len() + f])
            };
            let rows_hit = (0..self.groups).filter(|&g| hit(g)).count();
            let reference_hit = match self.reference[r] {
                Some(i) => hit(i),
                None => self.overall && rows_hit > 0,
            };
            lost += if reference_hit {
                per_row * self.groups
            } else {
                per_row * rows_hit
            };
        }
        lost
    }
}

/// Withholds published counts until no withheld count can be worked out.
/// With `search`, each step tries every count that could break an exposing
/// relation, settles the rest greedily, and keeps the choice that loses the
/// fewest published figures; without it, each step takes the cheapest
/// count at once.
fn settle(
    rels: &[Relation],
    mut withheld: Vec<bool>,
    costs: &CostModel,
    search: bool,
) -> Vec<bool> {
    loop {
        let exposed = recoverable(rels, &withheld);
        if exposed.is_empty() {
            return withheld;
        }
        let mut candidates: Vec<usize> = exposed
            .iter()
            .flat_map(|&cell| {
                rels.iter()
                    .filter(move |rel| rel.iter().any(|(c, _)| *c == cell))
            })
            .flat_map(|rel| rel.iter().map(|(c, _)| *c))
            .filter(|c| !withheld[*c])
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        if candidates.is_empty() {
            // Every relation through the exposed cells is fully withheld, so
            // they are pinned through others: withhold every published cell
            // that shares a relation with a withheld one.
            let mut changed = false;
            for rel in rels {
                if rel.iter().any(|(c, _)| withheld[*c]) {
                    for &(c, _) in rel {
                        changed |= !std::mem::replace(&mut withheld[c], true);
                    }
                }
            }
            if !changed {
                return withheld;
            }
            continue;
        }
        let score = |c: usize| {
            let mut trial = withheld.clone();
            trial[c] = true;
            if search {
                costs.cost(&settle(rels, trial, costs, false))
            } else {
                costs.cost(&trial)
            }
        };
        // Candidates are few (the cells of the relations through the exposed
        // counts); ties go to the lowest cell for a deterministic result.
        let best = candidates
            .iter()
            .map(|&c| (score(c), c))
            .min()
            .map(|(_, c)| c);
        if let Some(c) = best {
            withheld[c] = true;
        }
    }
}

fn withhold_counts(row: &mut ReportGroup, withheld: [bool; 6]) {
    let fields = [
        &mut row.entered,
        &mut row.passed,
        &mut row.failed,
        &mut row.withdrew,
        &mut row.pending,
        &mut row.exempt,
    ];
    for ((slot, w), name) in fields.into_iter().zip(withheld).zip(FIELDS) {
        if w {
            *slot = None;
            row.withheld.push(name.to_owned());
        }
    }
}

fn withhold_comparisons(row: &mut ReportGroup) {
    if row.reference {
        return;
    }
    row.impact_ratio = None;
    row.impact_ratio_ci = None;
    row.adverse_impact = None;
    row.fisher = None;
    row.z_test = None;
    row.chi2 = None;
    row.chi2_p_value = None;
    row.chi2_yates = None;
    row.chi2_yates_p_value = None;
    row.z_ir = None;
    row.odds_ratio = None;
    row.cohens_h = None;
    row.shortfall = None;
    row.flip_flop = None;
    row.significant_after_one_more = None;
    row.significant_after_two_more = None;
    for name in COMPARISONS {
        if !row.withheld.iter().any(|w| w == name) {
            row.withheld.push(name.to_owned());
        }
    }
}

fn apply(report: &mut Report, cells: &Cells) {
    let stages = cells.stages;
    let basis = report.options.rate_basis;
    let overall = matches!(report.options.reference, ReferencePolicy::Overall);
    let mut withheld_terms: Vec<(usize, usize)> = Vec::new(); // (group, stage)
    let mut sets: Vec<&mut ReportStage> = report.stages.iter_mut().collect();
    sets.push(&mut report.bottom_line);
    for (r, stage) in sets.into_iter().enumerate() {
        let inputs = rate_inputs(basis, r == stages);
        let w = |g: usize, f: usize| cells.withheld[cells.id(r, g, f)];
        let own_withheld: Vec<bool> = (0..cells.groups)
            .map(|g| inputs.iter().any(|&f| w(g, f)))
            .collect();
        let reference = stage.groups.iter().position(|g| g.reference);
        let reference_withheld = match reference {
            Some(i) => own_withheld[i],
            None => overall && own_withheld.iter().any(|x| *x),
        };
        if reference_withheld && !overall {
            stage.reference_rate = None;
            stage.notes.push("the reference rate is withheld (small numbers), and with it every comparison at this stage".to_owned());
        }
        for (g, row) in stage.groups.iter_mut().enumerate() {
            let counts = [0, 1, 2, 3, 4, 5].map(|f| w(g, f));
            withhold_counts(row, counts);
            if own_withheld[g] {
                row.pass_rate = None;
                row.withheld.push("pass_rate".to_owned());
                if row.reference {
                    row.impact_ratio = None;
                    row.withheld.push("impact_ratio".to_owned());
                }
            }
            if own_withheld[g] || reference_withheld {
                if overall && !own_withheld[g] {
                    // The overall rate is protected by the relations above;
                    // only the tests against everyone else are withheld.
                    let ir = row.impact_ratio;
                    withhold_comparisons(row);
                    row.impact_ratio = ir;
                    row.withheld.retain(|x| x != "impact_ratio");
                } else {
                    withhold_comparisons(row);
                }
            }
            if r < stages {
                let decomposition_inputs = [PASSED, FAILED, WITHDREW];
                let mine = decomposition_inputs.iter().any(|&f| w(g, f));
                let theirs = match reference {
                    Some(i) => decomposition_inputs.iter().any(|&f| w(i, f)),
                    None => {
                        (0..cells.groups).any(|x| decomposition_inputs.iter().any(|&f| w(x, f)))
                    }
                };
                if mine || theirs {
                    withheld_terms.push((g, r));
                }
            }
        }
    }
    let groups: Vec<_> = report
        .bottom_line
        .groups
        .iter()
        .map(|g| g.group.clone())
        .collect();
    let bottom: Vec<Option<f64>> = report
        .bottom_line
        .groups
        .iter()
        .map(|g| g.impact_ratio)
        .collect();
    for d in &mut report.decomposition {
        let Some(g) = groups.iter().position(|x| *x == d.group) else {
            continue;
        };
        let mut any = false;
        for (s, term) in d.stages.iter_mut().enumerate() {
            if withheld_terms.contains(&(g, s)) {
                term.impact_ratio = None;
                term.ln_impact_ratio = None;
                any = true;
            }
        }
        d.bottom_line_impact_ratio = bottom[g];
        if any {
            d.product_of_stage_ratios = None;
            for term in &mut d.stages {
                term.share = None;
            }
            d.notes.push(
                "stage terms from withheld counts are withheld, and with them the shares"
                    .to_owned(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_unknown_in_a_sum_is_recoverable() {
        // a + b = c with b withheld: b is recoverable.
        let rels = vec![vec![(0, 1.0), (1, 1.0), (2, -1.0)]];
        assert_eq!(recoverable(&rels, &[false, true, false]), vec![1]);
        // With two unknowns it is not.
        assert!(recoverable(&rels, &[true, true, false]).is_empty());
        // Two relations over the same two unknowns pin both.
        let rels = vec![vec![(0, 1.0), (1, 1.0)], vec![(0, 1.0), (1, -1.0)]];
        let mut got = recoverable(&rels, &[true, true]);
        got.sort_unstable();
        assert_eq!(got, vec![0, 1]);
    }
}
