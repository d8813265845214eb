//! Small-cell suppression for publication.
//!
//! Equality data is special category personal data. In a published report
//! any count 1 ≤ c < k is withheld (*primary* suppression), and so is every
//! figure computed from it. Further counts are withheld wherever published
//! figures would let a withheld one be worked out (*secondary*
//! suppression).
//!
//! # The method
//!
//! Secondary suppression is audit-driven greedy search, the approach of
//! τ-ARGUS's "modular" and "hypercube" heuristics in spirit (Giessing and
//! Repsilber 2002, "Tools and strategies to protect multiple tables with
//! the GHQUAR cell suppression engine"; Hundepool et al. 2012, *Statistical
//! Disclosure Control*, ch. 4) with the exact audit of Fischetti and
//! Salazar-González (2000, "Models and algorithms for optimizing cell
//! suppression in tabular data with linear constraints", JASA 95):
//!
//! 1. Every linear relation among a group's published figures is written
//!    down: a stage's entered is the sum of its outcomes; the bottom line is
//!    entered at the first stage, passed at the last, and the exits,
//!    pending and exemptions summed over stages; in a closed funnel its
//!    parts sum to its entered; and the flow between stages
//!    (passed(s) = entered(s+1) + exempt(s+1), and the variants with
//!    exempt on either side) wherever it holds in the counts.
//! 2. Relations across groups are totals: the rows used by a load (the sum
//!    of every entered and exempt count). An overall reference rate is a
//!    ratio of whole-number totals, which a search over small values turns
//!    into both totals; rather than model it, a stage's overall rate is
//!    withheld, with every comparison against it, wherever one of its
//!    inputs is withheld.
//! 3. A withheld count is *exactly disclosed* when those relations pin it:
//!    its unit vector lies in the row space of the relations restricted to
//!    withheld counts. Groups are audited one at a time. Each group's audit
//!    is one elimination, then kept up to date as counts are withheld: the
//!    relations are held as full rows, in reduced echelon form on the
//!    withheld columns, beside the relations among published counts only;
//!    withholding a count turns one of the latter into its row, a few row
//!    operations (see `audit::GroupAudit`). A zero is never withheld, so it
//!    is left out of the relations as a known 0. A cross-group
//!    total tells an attacker about group g only the combinations of totals
//!    that every other group's withheld cells leave determined; these are
//!    computed in a space with one coordinate per total (prefix and suffix
//!    spans over groups), so the audit is linear in the number of groups.
//! 4. While a count is disclosed, the cheapest published count (fewest
//!    published figures lost: rate inputs and reference groups cost most;
//!    never a zero, which non-negativity would pin) in a relation through
//!    it is withheld, within
//!    the group, or in another group's part of a total when nothing in the
//!    group can help. Within a group the search is depth first: the count
//!    pinned most recently (usually the one just withheld) is protected
//!    next, so withheld counts close into cycles of relations, as in the
//!    hypercube method. Withholding only grows, so the search stops after
//!    at most one round per count.
//!
//! Then every rate, ratio, interval and test with a withheld input is
//! withheld too, so statistics never reveal more than the counts. Figures
//! that would carry a withheld count through a non-linear route are
//! withheld rather than modelled: the decomposition of a group whose
//! pending figure sums withheld pending counts, a pinch point whose stage
//! terms are withheld, and the Mantel-Haenszel, CMH and Breslow-Day figures
//! of a group whose stratum tables hold a small count or whose pooled
//! counts are withheld.
//!
//! The protection this gives: no withheld count is a linear function of
//! published figures, which is what the attacker test in
//! `tests/report/attacker.rs` checks by elimination and by brute force over
//! small values on random reports.

mod audit;
pub(crate) mod evaluation;
pub(crate) mod sections;

use audit::{Echelon, Form, GroupAudit};

use crate::counts::RateBasis;
use crate::impact::reference::ReferencePolicy;
use crate::impact::strata::Stratum;
use crate::report::{Report, ReportGroup, ReportStage, Suppression};

/// The largest `min_cell` accepted (see [`crate::limits`]).
pub(crate) use crate::error::limits::MAX_MIN_CELL;

const FIELDS: [&str; 6] = [
    "entered", "passed", "failed", "withdrew", "pending", "exempt",
];
const N: usize = FIELDS.len();
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

/// One group's cells: row set `r` (stages, then the bottom line) and field.
fn local(r: usize, f: usize) -> usize {
    r * N + f
}

/// Relations within a group that hold for some groups: each is kept for a
/// group only where it holds in its counts (an attacker can use it there).
fn within_templates(stages: usize) -> Vec<Form> {
    let bl = stages;
    let mut out = Vec::new();
    for r in 0..=stages {
        out.push(vec![
            (local(r, ENTERED), 1.0),
            (local(r, PASSED), -1.0),
            (local(r, FAILED), -1.0),
            (local(r, WITHDREW), -1.0),
            (local(r, PENDING), -1.0),
        ]);
    }
    out.push(vec![(local(bl, ENTERED), 1.0), (local(0, ENTERED), -1.0)]);
    out.push(vec![
        (local(bl, PASSED), 1.0),
        (local(stages - 1, PASSED), -1.0),
    ]);
    for f in [FAILED, WITHDREW, PENDING, EXEMPT] {
        let mut rel = vec![(local(bl, f), 1.0)];
        rel.extend((0..stages).map(|r| (local(r, f), -1.0)));
        out.push(rel);
    }
    // Flow between stages, with exempt counted on either side.
    for s in 0..stages.saturating_sub(1) {
        for (exempt_before, exempt_after) in
            [(false, true), (true, true), (false, false), (true, false)]
        {
            let mut rel = vec![(local(s, PASSED), 1.0), (local(s + 1, ENTERED), -1.0)];
            if exempt_before {
                rel.push((local(s, EXEMPT), 1.0));
            }
            if exempt_after {
                rel.push((local(s + 1, EXEMPT), -1.0));
            }
            out.push(rel);
        }
    }
    out
}

/// Each group's part of every total across groups.
fn global_templates(report: &Report, stages: usize) -> Vec<Form> {
    // Rows used by a load: every entered and exempt count.
    let mut used = Vec::new();
    for r in 0..stages {
        used.push((local(r, ENTERED), 1.0));
        used.push((local(r, EXEMPT), 1.0));
    }
    // An overall rate is not modelled: where any of its inputs is withheld
    // it is withheld, with every comparison made against it (see `apply`),
    // because its numerator and denominator are whole numbers, so the rate
    // pins both totals to a search over small values.
    let _ = report;
    vec![used]
}

/// Whether a relation (small whole-number coefficients) holds in `values`.
fn holds(form: &Form, values: &[u64]) -> bool {
    let sum: i128 = form
        .iter()
        .map(|&(c, k)| i128::from(values[c]) * i128::from(k as i64))
        .sum();
    sum == 0
}

struct Search {
    stages: usize,
    groups: usize,
    width: usize,
    values: Vec<u64>,
    withheld: Vec<bool>,
    within: Vec<Form>,
    /// Per cell of a group, the within-group relations through it.
    through: Vec<Vec<usize>>,
    /// Per group, which within-group templates hold.
    within_holds: Vec<Vec<bool>>,
    global: Vec<Form>,
    basis: RateBasis,
    overall: bool,
    /// The reference row of each row set, if a group.
    reference: Vec<Option<usize>>,
    /// Each group's audit, once it has a withheld cell.
    audits: Vec<Option<GroupAudit>>,
}

impl Search {
    fn cells(&self, g: usize) -> std::ops::Range<usize> {
        g * self.width..(g + 1) * self.width
    }

    /// The audit of group `g`, built on first use and kept up to date by
    /// [`Search::withhold`].
    fn audit(&mut self, g: usize) -> &GroupAudit {
        let audit = match self.audits[g].take() {
            Some(audit) => audit,
            None => self.build_audit(g),
        };
        self.audits[g].insert(audit)
    }

    /// Group `g`'s audit from scratch, over its relations that hold.
    fn build_audit(&self, g: usize) -> GroupAudit {
        {
            let w = &self.withheld[self.cells(g)];
            let values = &self.values[self.cells(g)];
            // A zero is never withheld (see `cheapest`): in every relation
            // it is a known 0. Leaving zeros out makes relations that differ
            // only by them (flow with and without zero exemptions) one.
            let mut forms: Vec<Form> = Vec::new();
            for (form, _) in self
                .within
                .iter()
                .zip(&self.within_holds[g])
                .filter(|(_, h)| **h)
            {
                let form: Form = form
                    .iter()
                    .copied()
                    .filter(|&(c, _)| values[c] > 0 || w[c])
                    .collect();
                if !form.is_empty() && !forms.contains(&form) {
                    forms.push(form);
                }
            }
            GroupAudit::new(w, &forms)
        }
    }

    fn withhold(&mut self, g: usize, cell: usize) {
        self.withheld[g * self.width + cell] = true;
        if let Some(audit) = &mut self.audits[g] {
            audit.withhold(cell);
        }
    }

    fn rate_lost(&self, g: usize, r: usize) -> bool {
        rate_inputs(self.basis, r == self.stages)
            .iter()
            .any(|&f| self.withheld[g * self.width + local(r, f)])
    }

    /// Published figures lost by withholding one more count.
    fn cost(&self, g: usize, cell: usize) -> u64 {
        let (r, f) = (cell / N, cell % N);
        let mut cost = 1;
        if rate_inputs(self.basis, r == self.stages).contains(&f) && !self.rate_lost(g, r) {
            cost += 1 + COMPARISONS.len() as u64;
            let reference = self.reference[r] == Some(g);
            if reference && !self.overall {
                cost += (1 + COMPARISONS.len() as u64) * self.groups as u64;
            }
        }
        cost
    }

    fn cheapest(
        &self,
        g: usize,
        candidates: impl IntoIterator<Item = usize>,
    ) -> Option<(u64, usize)> {
        // A withheld zero protects nothing: in a relation whose published
        // total is zero, non-negativity pins every term.
        candidates
            .into_iter()
            .filter(|&c| !self.withheld[g * self.width + c] && self.values[g * self.width + c] > 0)
            .map(|c| (self.cost(g, c), c))
            .min()
    }

    /// Published counts of group `g` in a relation with a withheld one: what
    /// can break a chain of relations that pins a count.
    fn near(&self, g: usize) -> Vec<usize> {
        let w = &self.withheld[self.cells(g)];
        self.within
            .iter()
            .zip(&self.within_holds[g])
            .filter(|(form, h)| **h && form.iter().any(|(c, _)| w[*c]))
            .flat_map(|(form, _)| form.iter().map(|(c, _)| *c))
            .collect()
    }

    /// Withholds one more count of group `g` so that `exposed` is no longer
    /// pinned by the relations within the group; returns the count withheld.
    fn fix_within(&mut self, g: usize, exposed: usize) -> Option<usize> {
        let holds = &self.within_holds[g];
        let through = self.through[exposed]
            .iter()
            .filter(|&&f| holds[f])
            .flat_map(|&f| self.within[f].iter().map(|(c, _)| *c));
        let (_, c) = self
            .cheapest(g, through)
            .or_else(|| self.cheapest(g, self.near(g)))?;
        self.withhold(g, c);
        Some(c)
    }

    /// Withholds until no count is pinned within its group, one count at a
    /// time against the audit as it stands, depth first: the count pinned
    /// most recently (usually the one just withheld, which a relation among
    /// published counts pins) is protected next, so the withheld counts
    /// close into cycles of relations, as the hypercube method's do.
    fn settle_within(&mut self, dirty: &mut [bool]) -> bool {
        let mut changed = false;
        for (g, dirty) in dirty.iter_mut().enumerate() {
            if !std::mem::take(dirty) {
                continue;
            }
            if !self.withheld[self.cells(g)].iter().any(|w| *w) {
                continue;
            }
            // Counts nothing published can protect (every relation through
            // them is among withheld counts and zeros), until the next fix.
            let mut stuck: Vec<usize> = Vec::new();
            while let Some(cell) = self.audit(g).last_exposed(&stuck) {
                if self.fix_within(g, cell).is_some() {
                    changed = true;
                    stuck.clear();
                } else {
                    stuck.push(cell);
                }
            }
        }
        changed
    }

    /// One pass over totals across groups; returns whether anything more
    /// was withheld.
    fn settle_totals(&mut self, dirty: &mut [bool]) -> bool {
        let l = self.global.len();
        if l == 0 {
            return false;
        }
        let involved: Vec<usize> = (0..self.groups)
            .filter(|&g| self.withheld[self.cells(g)].iter().any(|w| *w))
            .collect();
        if involved.is_empty() {
            return false;
        }
        // For each involved group, the span (in total-coordinates) of what
        // its withheld cells leave undetermined: λ with Σ λ_j part_j
        // determined by the group's own relations are those orthogonal to it.
        // `audit` borrows the search mutably, so the global relations are
        // set aside while the spans are taken, and put back after.
        let global = std::mem::take(&mut self.global);
        let mut spans: Vec<Echelon> = Vec::with_capacity(involved.len());
        for &g in &involved {
            let a = self.audit(g);
            let residuals: Vec<Vec<f64>> = global.iter().map(|t| a.residual(t)).collect();
            let mut e = Echelon::default();
            for i in 0..a.cells.len() {
                e.insert(residuals.iter().map(|r| r[i]).collect());
            }
            spans.push(e);
        }
        self.global = global;
        let n = involved.len();
        let mut prefix = vec![Echelon::default(); n + 1];
        for i in 0..n {
            prefix[i + 1] = if prefix[i].rank() == l {
                prefix[i].clone()
            } else {
                prefix[i].merged(&spans[i])
            };
        }
        let mut suffix = vec![Echelon::default(); n + 1];
        for i in (0..n).rev() {
            suffix[i] = if suffix[i + 1].rank() == l {
                suffix[i + 1].clone()
            } else {
                suffix[i + 1].merged(&spans[i])
            };
        }
        let mut changed = false;
        for (i, &g) in involved.iter().enumerate() {
            let others = prefix[i].merged(&suffix[i + 1]);
            if others.rank() == l {
                continue;
            }
            // What the totals, less every other group's determined part,
            // tell about this group.
            let learned: Vec<(Vec<f64>, Form)> = others
                .null_space(l)
                .into_iter()
                .map(|lambda| {
                    let mut form: Form = Vec::new();
                    for (j, t) in self.global.iter().enumerate() {
                        if lambda[j].abs() > 1e-12 {
                            form.extend(t.iter().map(|&(c, k)| (c, k * lambda[j])));
                        }
                    }
                    (lambda, form)
                })
                .collect();
            let mut audit = self.audit(g).clone();
            for (_, form) in &learned {
                audit.add(form);
            }
            let exposed = audit.exposed();
            if exposed.is_empty() {
                continue;
            }
            // Within the group: a published count in a learned relation.
            let inside = self
                .cheapest(
                    g,
                    learned
                        .iter()
                        .flat_map(|(_, f)| {
                            f.iter().filter(|(_, k)| k.abs() > 1e-12).map(|(c, _)| *c)
                        })
                        .collect::<Vec<_>>(),
                )
                .or_else(|| self.cheapest(g, self.near(g)));
            let choice = match inside {
                Some((_, c)) => Some((g, c)),
                _ => {
                    // Another group's part of a total the relation uses.
                    let mut best: Option<(u64, usize, usize)> = None;
                    for (lambda, _) in &learned {
                        for (j, t) in self.global.iter().enumerate() {
                            if lambda[j].abs() <= 1e-12 {
                                continue;
                            }
                            for h in (0..self.groups).filter(|&h| h != g) {
                                let busy = self.withheld[self.cells(h)].iter().any(|w| *w);
                                if let Some((cost, c)) = self.cheapest(h, t.iter().map(|(c, _)| *c))
                                {
                                    let cost = cost + if busy { 0 } else { 5 };
                                    if best.is_none_or(|(b, _, _)| cost < b) {
                                        best = Some((cost, h, c));
                                    }
                                }
                            }
                        }
                    }
                    best.map(|(_, h, c)| (h, c))
                }
            };
            if let Some((h, c)) = choice {
                self.withhold(h, c);
                dirty[h] = true;
                dirty[g] = true;
                // The spans are stale now, but withholding more only makes
                // other groups' parts less determined, so the rest of this
                // pass errs on the safe side; the next pass re-audits.
                changed = true;
            }
        }
        changed
    }
}

fn row_sets(report: &Report) -> Vec<&ReportStage> {
    report.stages.iter().chain([&report.bottom_line]).collect()
}

/// Withholds small counts and everything that would reveal them. `strata`
/// are the stratum counts behind the stratified section, if any.
pub(crate) fn suppress(report: &mut Report, k: u64, strata: &[Stratum]) {
    let stages = report.stages.len();
    let groups = report.bottom_line.groups.len();
    let width = (stages + 1) * N;
    let mut values = vec![0; groups * width];
    let mut primary_mask = vec![false; groups * width];
    for (r, stage) in row_sets(report).iter().enumerate() {
        for (g, row) in stage.groups.iter().enumerate().take(groups) {
            let v = [
                row.entered,
                row.passed,
                row.failed,
                row.withdrew,
                row.pending,
                row.exempt,
            ];
            for (f, value) in v.iter().enumerate() {
                let id = g * width + local(r, f);
                values[id] = value.unwrap_or(0);
                primary_mask[id] = value.is_some_and(|c| c >= 1 && c < k);
            }
        }
    }
    let within = within_templates(stages);
    let within_holds = (0..groups)
        .map(|g| {
            let v = &values[g * width..(g + 1) * width];
            within.iter().map(|f| holds(f, v)).collect()
        })
        .collect();
    let mut through = vec![Vec::new(); width];
    for (i, form) in within.iter().enumerate() {
        for &(c, _) in form {
            if !through[c].contains(&i) {
                through[c].push(i);
            }
        }
    }
    let mut search = Search {
        stages,
        groups,
        width,
        values,
        withheld: primary_mask.clone(),
        within,
        through,
        within_holds,
        global: global_templates(report, stages),
        basis: report.options.rate_basis,
        overall: matches!(report.options.reference, ReferencePolicy::Overall),
        reference: row_sets(report)
            .iter()
            .map(|s| s.groups.iter().position(|g| g.reference))
            .collect(),
        audits: vec![None; groups],
    };
    let mut dirty = vec![true; groups];
    loop {
        search.settle_within(&mut dirty);
        if !search.settle_totals(&mut dirty) {
            break;
        }
    }
    let primary = primary_mask.iter().filter(|w| **w).count() as u64;
    let secondary = search
        .withheld
        .iter()
        .zip(&primary_mask)
        .filter(|(a, b)| **a && !**b)
        .count() as u64;
    report.settled = evaluation::Settled::funnel(
        report
            .bottom_line
            .groups
            .iter()
            .map(|g| g.group.clone())
            .collect(),
        report.stages.iter().map(|s| s.stage.clone()).collect(),
        search.basis,
        search.values.clone(),
        search.withheld.clone(),
    );
    apply(report, &search);
    withhold_stratified(report, &search, strata, k);
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
    let before = row.withheld.len();
    row.withheld.reserve(COMPARISONS.len());
    for name in COMPARISONS {
        if !row.withheld[..before].iter().any(|w| w == name) {
            row.withheld.push(name.to_owned());
        }
    }
}

fn apply(report: &mut Report, search: &Search) {
    let stages = search.stages;
    let basis = report.options.rate_basis;
    let overall = search.overall;
    let w = |g: usize, r: usize, f: usize| search.withheld[g * search.width + local(r, f)];
    let mut withheld_terms: Vec<Vec<bool>> = vec![vec![false; stages]; search.groups];
    let mut sets: Vec<&mut ReportStage> = report.stages.iter_mut().collect();
    sets.push(&mut report.bottom_line);
    for (r, stage) in sets.into_iter().enumerate() {
        let inputs = rate_inputs(basis, r == stages);
        let own_withheld: Vec<bool> = (0..search.groups)
            .map(|g| inputs.iter().any(|&f| w(g, r, f)))
            .collect();
        let reference = stage.groups.iter().position(|g| g.reference);
        let reference_withheld = match reference {
            Some(i) => own_withheld[i],
            None => overall && own_withheld.iter().any(|x| *x),
        };
        if reference_withheld {
            stage.reference_rate = None;
            stage.notes.push("the reference rate is withheld (small numbers), and with it every comparison at this stage".to_owned());
        }
        let mut silenced = Vec::new();
        for (g, row) in stage.groups.iter_mut().enumerate().take(search.groups) {
            let counts = [0, 1, 2, 3, 4, 5].map(|f| w(g, r, f));
            withhold_counts(row, counts);
            if own_withheld[g] {
                row.pass_rate = None;
                row.withheld.push("pass_rate".to_owned());
                if row.reference {
                    row.impact_ratio = None;
                    row.withheld.push("impact_ratio".to_owned());
                }
                // Notes on why a figure is undefined speak of its counts.
                silenced.push(g);
            }
            if own_withheld[g] || reference_withheld {
                withhold_comparisons(row);
            }
            if r < stages {
                let decomposition_inputs = [PASSED, FAILED, WITHDREW];
                let mine = decomposition_inputs.iter().any(|&f| w(g, r, f));
                let theirs = match reference {
                    Some(i) => decomposition_inputs.iter().any(|&f| w(i, r, f)),
                    None => {
                        (0..search.groups).any(|x| decomposition_inputs.iter().any(|&f| w(x, r, f)))
                    }
                };
                withheld_terms[g][r] = mine || theirs;
            }
        }
        if !stage.notes.is_empty() && !silenced.is_empty() {
            let silenced: std::collections::HashSet<String> = silenced
                .iter()
                .map(|&g| stage.groups[g].group.to_string())
                .collect();
            stage.notes.retain(|n| {
                !n.match_indices(": ")
                    .any(|(i, _)| silenced.contains(&n[..i]))
            });
        }
    }
    let groups: Vec<_> = report
        .bottom_line
        .groups
        .iter()
        .map(|g| g.group.clone())
        .collect();
    let index: std::collections::HashMap<&crate::records::breakdown::Group, usize> =
        groups.iter().enumerate().map(|(i, g)| (g, i)).collect();
    let bottom: Vec<Option<f64>> = report
        .bottom_line
        .groups
        .iter()
        .map(|g| g.impact_ratio)
        .collect();
    let pending_withheld = |g: usize| (0..=stages).any(|r| w(g, r, PENDING));
    let mut dropped = Vec::new();
    report.decomposition.retain_mut(|d| {
        let Some(&g) = index.get(&d.group) else {
            return true;
        };
        // Its pending figure sums the group's (and the reference's)
        // pending counts: with one of them withheld it would give it away.
        let reference = index.get(&d.reference).copied();
        if pending_withheld(g) || reference.is_some_and(pending_withheld) {
            dropped.push(d.group.to_string());
            return false;
        }
        let mut any = false;
        for (s, term) in d.stages.iter_mut().enumerate() {
            if withheld_terms[g].get(s).copied().unwrap_or(true) {
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
        // The pinch point ranks the stage terms: withheld terms would be
        // ranked through it.
        if any || d.bottom_line_impact_ratio.is_none() {
            d.pinch_point = None;
        }
        true
    });
    if !dropped.is_empty() {
        report.notes.push(format!(
            "the decomposition of {} is withheld: its pending figure would give away withheld pending counts",
            dropped.join(", ")
        ));
    }
    // Rebuild the pinch-point note from what is still published.
    report.notes.retain(|n| !n.starts_with("pinch points"));
    let pinch: Vec<String> = report
        .decomposition
        .iter()
        .filter_map(|d| d.pinch_point.as_ref().map(|p| format!("{}: {p}", d.group)))
        .collect();
    if !pinch.is_empty() {
        report.notes.push(format!(
            "pinch points (the stage contributing most to the bottom-line gap): {}",
            pinch.join("; ")
        ));
    }
}

/// Withholds the pooled-over-strata figures of every group whose stratum
/// tables hold a small count, or whose pooled counts (or its reference's)
/// are withheld: the statistics of a few small tables pin them by search.
fn withhold_stratified(report: &mut Report, search: &Search, strata: &[Stratum], k: u64) {
    let Some(stratified) = report.stratified.as_mut() else {
        return;
    };
    let stages = search.stages;
    let groups: Vec<_> = report
        .bottom_line
        .groups
        .iter()
        .map(|g| g.group.clone())
        .collect();
    let index: std::collections::HashMap<&crate::records::breakdown::Group, usize> =
        groups.iter().enumerate().map(|(i, g)| (g, i)).collect();
    // small[g][s]: a stratum count of group g at stage s is small.
    let mut small = vec![vec![false; stages]; groups.len()];
    for stratum in strata {
        let c = &stratum.counts;
        for (g, group) in groups.iter().enumerate() {
            let Some(i) = c.group_index(group) else {
                continue;
            };
            for (s, slot) in small[g].iter_mut().enumerate() {
                if let Some(x) = c.counts(s, i) {
                    let cells = [
                        x.entered(),
                        x.passed,
                        x.failed,
                        x.withdrew,
                        x.pending,
                        x.exempt,
                    ];
                    *slot |= cells.iter().any(|&v| v >= 1 && v < k);
                }
            }
        }
    }
    let sensitive = |g: usize, r: usize| {
        let counts = (0..N).any(|f| search.withheld[g * search.width + local(r, f)]);
        let tables = if r == stages {
            small[g].iter().any(|x| *x)
        } else {
            small[g][r]
        };
        counts || tables
    };
    let mut withheld = 0;
    for (r, stage) in stratified
        .stages
        .iter_mut()
        .chain([&mut stratified.bottom_line])
        .enumerate()
    {
        let r = r.min(stages);
        let reference = stage.reference.as_ref().and_then(|x| index.get(x).copied());
        let any_sensitive = (0..groups.len()).any(|g| sensitive(g, r));
        for sg in &mut stage.groups {
            let g = index.get(&sg.group).copied();
            let hit = match (g, reference) {
                (Some(g), Some(reference)) => sensitive(g, r) || sensitive(reference, r),
                // Against everyone else, every group's tables are inputs.
                _ => any_sensitive,
            };
            if hit && (sg.mantel_haenszel.is_some() || sg.breslow_day.is_some()) {
                sg.mantel_haenszel = None;
                sg.breslow_day = None;
                withheld += 1;
            }
        }
    }
    if withheld > 0 {
        report.notes.push(format!(
            "pooled over strata: {withheld} rows of Mantel-Haenszel, CMH and Breslow-Day figures are withheld, because their stratum tables hold counts from 1 to {} or their counts are withheld",
            k - 1
        ));
    }
}
