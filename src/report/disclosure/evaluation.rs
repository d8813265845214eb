//! Small-cell suppression of an intervention evaluation, jointly with the
//! funnel it was counted from.
//!
//! An evaluation counts the same journeys as the funnel: a target group's
//! passes at the stage are the passes of the funnel groups inside it, its
//! participants' and non-participants' selections at the end are the
//! funnel's passes at the last stage, and so on. Suppressing it on its own
//! would let a withheld funnel count be worked out from published
//! evaluation figures, and the other way round. So the evaluation is
//! suppressed as more blocks of the same search (`sections`) that already
//! protects the workforce sections, beside the funnel's groups as *settled*
//! blocks (their figures are already published or withheld and stay so):
//!
//! - **cells**: every count the evaluation publishes, and for each
//!   proportion the count it implies, `of − count` (never shown, but an
//!   attacker has it whenever both are shown), so a small complement is
//!   withheld like a small count;
//! - **relations within a stage**: `of = count + not` for every
//!   proportion; the target group's table in `by_target_group` is its
//!   participants' and non-participants' rows in `gap_closure`; both rows
//!   of a gap closure share the reference's tally; disjoint target groups
//!   sum to the whole comparison, and so do the strata; before and after
//!   the launch sum to the group's and the reference's tallies; the
//!   participants and non-participants are the pass rate's sides, their sum
//!   the eligible, and not yet ended the compared less the ended;
//!   a participation's completers and non-completers sum to its candidates;
//! - **totals with the funnel**: the stage's entered and exempt are the
//!   funnel's, summed over groups; for each target and reference group
//!   over the report's characteristics, its passes and non-passes at the
//!   stage are the funnel's passes and non-passes (failed, or failed,
//!   withdrew and pending on the entered basis) of the funnel groups within
//!   it, its selections at the end the funnel's passes at the last stage,
//!   and its ended non-selections the funnel's exits from the stage on.
//!
//! Several of these hold only when nothing is set aside, undated or exempt;
//! they are assumed to hold always. An assumed relation can only make the
//! attacker stronger, so it withholds more, never less. A group over a
//! characteristic the report does not break down by is a sum of no funnel
//! groups, and has no total with the funnel.
//!
//! Every figure of a table with a withheld cell (rates, difference, ratio,
//! interval, odds ratio, tests, parity, Breslow-Day, and Mantel-Haenszel
//! over strata) is withheld too. A note that quotes a number is left out,
//! with a note saying how many were. If the search finds a cell it cannot
//! free without changing a settled figure, every count of the evaluation is
//! withheld instead, which publishes nothing the funnel does not.

use std::fmt;

use super::audit::{Form, GroupAudit};
use super::sections::{Block, suppress_or_stuck};
use super::{
    ENTERED, EXEMPT, FAILED, N, PASSED, PENDING, WITHDREW, holds, local, within_templates,
};
use crate::counts::RateBasis;
use crate::interventions::{
    PublishedComparison, PublishedEvaluation, PublishedProportion, PublishedRatioToReference,
    PublishedStageEvaluation,
};
use crate::records::breakdown::Group;

/// The figures a report has settled, with their true values: the funnel's
/// groups (and the evaluations published since), kept so that a section
/// added later is suppressed jointly with them. Never serialised, printed
/// or compared: two reports that publish the same figures are equal.
#[derive(Clone, Default)]
pub(crate) struct Settled(Option<Box<SettledState>>);

#[derive(Clone)]
enum SettledState {
    /// The funnel alone, as its suppression left it (blocks are built
    /// only when a section needs them).
    Funnel {
        groups: Vec<Group>,
        stages: Vec<String>,
        basis: RateBasis,
        values: Vec<u64>,
        withheld: Vec<bool>,
    },
    Blocks(SettledBlocks),
}

#[derive(Clone)]
struct SettledBlocks {
    blocks: Vec<Block>,
    totals: usize,
    /// While true, the totals being added hold by construction.
    certain: bool,
    /// Relations among a new block's cells that published counts fix and
    /// that hold by construction.
    known: Vec<Form>,
    /// The funnel's groups, in block order (block `g` is group `g`).
    groups: Vec<Group>,
    /// The funnel's stage names.
    stages: Vec<String>,
    basis: RateBasis,
}

impl PartialEq for Settled {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for Settled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Settled { .. }")
    }
}

impl Settled {
    /// The funnel's figures after its suppression: `values` and `withheld`
    /// per group, laid out by `local`.
    pub(crate) fn funnel(
        groups: Vec<Group>,
        stages: Vec<String>,
        basis: RateBasis,
        values: Vec<u64>,
        withheld: Vec<bool>,
    ) -> Self {
        Self(Some(Box::new(SettledState::Funnel {
            groups,
            stages,
            basis,
            values,
            withheld,
        })))
    }

    fn blocks(&self) -> Option<SettledBlocks> {
        match self.0.as_deref()? {
            SettledState::Blocks(b) => Some(b.clone()),
            SettledState::Funnel {
                groups,
                stages,
                basis,
                values,
                withheld,
            } => Some(SettledBlocks::funnel(
                groups.clone(),
                stages.clone(),
                *basis,
                values,
                withheld,
            )),
        }
    }
}

impl SettledBlocks {
    /// One settled block per funnel group, with the relations that hold in
    /// its counts, and the rows used (every entered and exempt count) as a
    /// total across them: a load publishes it.
    fn funnel(
        groups: Vec<Group>,
        stages: Vec<String>,
        basis: RateBasis,
        values: &[u64],
        withheld: &[bool],
    ) -> Self {
        let s = stages.len();
        let width = (s + 1) * N;
        let within = within_templates(s);
        let mut used: Form = Vec::new();
        for r in 0..s {
            used.push((local(r, ENTERED), 1.0));
            used.push((local(r, EXEMPT), 1.0));
        }
        let mut blocks = Vec::with_capacity(groups.len() + 1);
        let mut total = 0u64;
        for g in 0..groups.len() {
            let v = values[g * width..(g + 1) * width].to_vec();
            total += used.iter().map(|&(c, _)| v[c]).sum::<u64>();
            let mut b = Block::settled(v, withheld[g * width..(g + 1) * width].to_vec());
            b.within = within
                .iter()
                .filter(|f| holds(f, &b.values))
                .cloned()
                .collect();
            b.parts.push((0, used.clone()));
            blocks.push(b);
        }
        let mut t = Block::settled(vec![total], vec![false]);
        t.parts.push((0, vec![(0, -1.0)]));
        blocks.push(t);
        Self {
            blocks,
            totals: 1,
            certain: false,
            known: Vec::new(),
            groups,
            stages,
            basis,
        }
    }
}

/// One proportion's cells: count, of, and the implied of − count.
#[derive(Clone, Copy)]
struct Prop {
    count: usize,
    of: usize,
    not: usize,
}

/// A two-row table: the focal row and the other (participants and
/// non-participants, or a group and its reference).
#[derive(Clone, Copy)]
struct Table {
    a: Prop,
    b: Prop,
}

impl Table {
    fn cells(&self) -> [usize; 6] {
        [
            self.a.count,
            self.a.of,
            self.a.not,
            self.b.count,
            self.b.of,
            self.b.not,
        ]
    }
}

/// The cells of one evaluation block, with their relations.
#[derive(Default)]
struct Cells {
    values: Vec<u64>,
    cost: Vec<u64>,
    within: Vec<Form>,
    /// Proportions shown more than once (a reference group's tally in
    /// every gap closure against it; a target group's tallies in its own
    /// comparison and in its gap closure): one set of cells, withheld or
    /// published together.
    shown: Vec<(String, (u64, u64), Prop)>,
    /// What withholding a count or total costs, in published figures: the
    /// whole comparison is worth more than one target group's or
    /// stratum's, so partners are sought in the finer tables first.
    weight: u64,
    /// The relations that hold by construction (a proportion's of is its
    /// count and complement), as against those that hold in these counts
    /// and may be a coincidence: only these may show that a count is known
    /// already, and so published.
    certain: Vec<Form>,
}

impl Cells {
    fn cell(&mut self, value: Option<u64>, cost: u64) -> usize {
        self.values.push(value.unwrap_or(0));
        self.cost.push(cost);
        self.values.len() - 1
    }

    fn prop(&mut self, p: &PublishedProportion) -> Prop {
        let (count, of) = (p.count.unwrap_or(0), p.of.unwrap_or(0));
        let prop = Prop {
            count: self.cell(Some(count), 3 * self.weight.max(1)),
            of: self.cell(Some(of), 3 * self.weight.max(1)),
            not: self.cell(Some(of.saturating_sub(count)), self.weight.max(1)),
        };
        let form = vec![(prop.of, 1.0), (prop.count, -1.0), (prop.not, -1.0)];
        self.within.push(form.clone());
        self.certain.push(form);
        prop
    }

    /// The cells of `p`, shared with every earlier proportion of the same
    /// `key` and the same values.
    fn shared(&mut self, key: String, p: &PublishedProportion) -> Prop {
        let v = (p.count.unwrap_or(0), p.of.unwrap_or(0));
        if let Some((_, _, prop)) = self.shown.iter().find(|(k, w, _)| *k == key && *w == v) {
            return *prop;
        }
        let prop = self.prop(p);
        self.shown.push((key, v, prop));
        prop
    }

    fn comparison(&mut self, c: &PublishedComparison) -> Table {
        Table {
            a: self.prop(&c.participants),
            b: self.prop(&c.non_participants),
        }
    }

    /// `Σ plus = Σ minus`.
    fn balance(&mut self, plus: &[usize], minus: &[usize]) {
        let mut form: Form = plus.iter().map(|&c| (c, 1.0)).collect();
        form.extend(minus.iter().map(|&c| (c, -1.0)));
        self.within.push(form);
    }

    /// The block, with the relations that hold in the counts (one that
    /// does not, such as one assuming nothing is set aside when something
    /// is, holds only with terms nobody publishes, and tells an attacker
    /// nothing).
    fn block(self) -> (Block, Vec<Form>) {
        let mut b = Block::new(self.values, 1);
        b.cost = self.cost;
        b.within = self
            .within
            .into_iter()
            .filter(|f| holds(f, &b.values))
            .collect();
        (b, self.certain)
    }
}

/// The cells of one stage's evaluation.
struct StageCells {
    counts: [usize; 5],
    set_aside: [usize; 4],
    pass: Table,
    selected: Table,
    by_target: Vec<(Table, Table)>,
    gap: Vec<(Table, Table)>,
    strata: Vec<(Table, Table)>,
    strata_counts: Option<[usize; 2]>,
    before_after: Vec<(Table, Table, Prop)>,
}

fn stage_cells(s: &PublishedStageEvaluation, disjoint: bool) -> (Cells, StageCells) {
    let mut c = Cells::default();
    let counts = [
        s.entered,
        s.exempt,
        s.eligible,
        s.participants,
        s.non_participants,
    ]
    .map(|v| c.cell(v, 10));
    let a = &s.set_aside;
    let set_aside = [
        a.not_completed,
        a.took_part_after_stage,
        a.ineligible_participants,
        a.not_yet_ended,
    ]
    .map(|v| c.cell(v, 1));
    c.weight = 10;
    let pass = c.comparison(&s.pass_rate);
    let selected = c.comparison(&s.selected_at_end);
    c.weight = 1;
    let by_target: Vec<(Table, Table)> = s
        .by_target_group
        .iter()
        .map(|g| {
            let pass = Table {
                a: c.shared(
                    format!("{} participants", g.group),
                    &g.pass_rate.participants,
                ),
                b: c.shared(
                    format!("{} non-participants", g.group),
                    &g.pass_rate.non_participants,
                ),
            };
            (pass, c.comparison(&g.selected_at_end))
        })
        .collect();
    let reference = |g: &Option<Group>| {
        g.as_ref()
            .map_or_else(|| "no reference".to_owned(), Group::to_string)
    };
    let gap: Vec<(Table, Table)> = s
        .gap_closure
        .iter()
        .map(|g| {
            let r = reference(&g.reference);
            (
                Table {
                    a: c.shared(format!("{} participants", g.group), &g.participants.group),
                    b: c.shared(format!("reference {r}"), &g.participants.reference),
                },
                Table {
                    a: c.shared(
                        format!("{} non-participants", g.group),
                        &g.non_participants.group,
                    ),
                    b: c.shared(format!("reference {r}"), &g.non_participants.reference),
                },
            )
        })
        .collect();
    let strata: Vec<(Table, Table)> = s
        .strata
        .iter()
        .flat_map(|st| &st.strata)
        .map(|x| (c.comparison(&x.pass_rate), c.comparison(&x.selected_at_end)))
        .collect();
    let strata_counts = s
        .strata
        .as_ref()
        .map(|st| [c.cell(st.undated, 1), c.cell(st.outside, 1)]);
    let before_after: Vec<(Table, Table, Prop)> = s
        .before_after
        .iter()
        .map(|b| {
            let r = reference(&b.reference);
            (
                Table {
                    a: c.prop(&b.before.group),
                    b: c.shared(format!("reference {r} before"), &b.before.reference),
                },
                Table {
                    a: c.prop(&b.after.group),
                    b: c.shared(format!("reference {r} after"), &b.after.reference),
                },
                c.prop(&b.participation_after),
            )
        })
        .collect();
    let [_, _, eligible, participants, non_participants] = counts;
    // The compared are the pass rate's sides, and the eligible.
    c.balance(&[participants], &[pass.a.count, pass.a.not]);
    c.balance(&[non_participants], &[pass.b.count, pass.b.not]);
    c.balance(&[eligible], &[participants, non_participants]);
    // Not yet ended: compared less the ended.
    c.balance(
        &[participants, non_participants],
        &[selected.a.of, selected.b.of, set_aside[3]],
    );
    // The same people, where every one of them was rated and has ended
    // (a zero set aside or not yet ended published beside them shows it):
    // a comparison's pass-rate and selection denominators, and the
    // participants of a stratum and those after the launch.
    let mut same = |a: usize, b: usize| c.balance(&[a], &[b]);
    for (p, e) in [(pass, selected)]
        .into_iter()
        .chain(by_target.iter().copied())
        .chain(strata.iter().copied())
    {
        same(p.a.of, e.a.of);
        same(p.b.of, e.b.of);
    }
    for (_, _, took_part) in &before_after {
        for (p, e) in &strata {
            same(took_part.count, p.a.of);
            same(took_part.count, e.a.of);
        }
    }
    // Who is set aside: the eligible who did not complete or took part
    // late, and the ineligible who took part; which of these hold depends
    // on who they are, so each is kept where it holds.
    let [not_completed, after, ineligible, _] = set_aside;
    for extra in [&[not_completed, after][..], &[not_completed], &[after]] {
        let mut parts = vec![participants, non_participants];
        parts.extend_from_slice(extra);
        c.balance(&[eligible], &parts);
    }
    let entered = counts[0];
    let gap_references: Vec<usize> = {
        let mut r: Vec<usize> = s
            .gap_closure
            .iter()
            .filter(|g| g.reference.is_some())
            .map(|g| {
                let key = format!("reference {}", reference(&g.reference));
                c.shown
                    .iter()
                    .find(|(k, _, _)| *k == key)
                    .map_or(usize::MAX, |(_, _, p)| p.of)
            })
            .filter(|&x| x != usize::MAX)
            .collect();
        r.sort_unstable();
        r.dedup();
        r
    };
    for &r in &gap_references {
        c.balance(
            &[entered],
            &[
                participants,
                non_participants,
                not_completed,
                after,
                ineligible,
                r,
            ],
        );
        c.balance(&[entered], &[eligible, ineligible, r]);
        c.balance(&[entered], &[eligible, r]);
    }
    // A whole comparison is the sum of parts that split it (disjoint
    // target groups; strata), side by side and cell by cell.
    let mut split = |parts: &[(Table, Table)]| {
        let sides = |t: &Table| [t.a.count, t.a.not, t.b.count, t.b.not];
        for (whole, pick) in [
            (
                sides(&pass),
                (|x: &(Table, Table)| x.0) as fn(&(Table, Table)) -> Table,
            ),
            (sides(&selected), |x| x.1),
        ] {
            for (k, &w) in whole.iter().enumerate() {
                let cells: Vec<usize> = parts.iter().map(|x| sides(&pick(x))[k]).collect();
                c.balance(&[w], &cells);
            }
        }
    };
    if disjoint && !by_target.is_empty() {
        split(&by_target);
    }
    if !strata.is_empty() {
        split(&strata);
        // With the undated and those outside every stratum: the compared,
        // the rated and the ended are the strata's and theirs (each holds
        // where everyone is rated, or has ended).
        if let Some([undated, outside]) = strata_counts {
            let ofs = |t: fn(&(Table, Table)) -> Table| -> Vec<usize> {
                strata
                    .iter()
                    .flat_map(|x| [t(x).a.of, t(x).b.of])
                    .chain([undated, outside])
                    .collect()
            };
            let (pass_ofs, selected_ofs) = (ofs(|x| x.0), ofs(|x| x.1));
            c.balance(&[participants, non_participants], &pass_ofs);
            c.balance(&[pass.a.of, pass.b.of], &pass_ofs);
            c.balance(&[selected.a.of, selected.b.of], &selected_ofs);
        }
    }
    for (i, (before, after, took_part)) in before_after.iter().enumerate() {
        if let Some((p, n)) = gap.get(i) {
            c.balance(&[before.a.count, after.a.count], &[p.a.count, n.a.count]);
            c.balance(&[before.a.not, after.a.not], &[p.a.not, n.a.not]);
            c.balance(&[before.b.count, after.b.count], &[p.b.count]);
            c.balance(&[before.b.not, after.b.not], &[p.b.not]);
        }
        c.balance(&[took_part.of], &[after.a.of]);
    }
    (
        c,
        StageCells {
            counts,
            set_aside,
            pass,
            selected,
            by_target,
            gap,
            strata,
            strata_counts,
            before_after,
        },
    )
}

/// Whether no candidate can be in two of `groups`: each pair differs on a
/// characteristic both name.
fn disjoint(groups: &[&Group]) -> bool {
    groups.iter().enumerate().all(|(i, a)| {
        groups[i + 1..].iter().all(|b| {
            a.entries()
                .any(|(c, v)| b.category(c).is_some_and(|w| w != v))
        })
    })
}

impl SettledBlocks {
    /// The funnel groups inside `group`, or `None` when the report's groups
    /// do not split by one of its characteristics.
    fn inside(&self, group: &Group) -> Option<Vec<usize>> {
        let first = self.groups.first()?;
        if group.entries().any(|(c, _)| first.category(c).is_none()) {
            return None;
        }
        Some(
            (0..self.groups.len())
                .filter(|&g| {
                    group
                        .entries()
                        .all(|(c, v)| self.groups[g].category(c) == Some(v))
                })
                .collect(),
        )
    }

    /// Relates the funnel `fields` (row set, field) of `groups`, summed, to
    /// `cells` of block `b`, summed, where the two sums are equal: when
    /// every funnel count in it is published, as a relation within `b`
    /// (its sum is known); otherwise as a total across blocks.
    fn total(
        &mut self,
        groups: &[usize],
        fields: &[(usize, usize)],
        b: &mut Block,
        cells: &[usize],
    ) {
        let signed: Vec<(usize, i64)> = cells.iter().map(|&c| (c, 1)).collect();
        self.signed_total(groups, fields, b, &signed);
    }

    /// As [`SettledBlocks::total`], with `cells` weighted ±1.
    fn signed_total(
        &mut self,
        groups: &[usize],
        fields: &[(usize, usize)],
        b: &mut Block,
        cells: &[(usize, i64)],
    ) {
        let form: Form = fields.iter().map(|&(r, f)| (local(r, f), 1.0)).collect();
        let funnel: u64 = groups
            .iter()
            .map(|&g| {
                form.iter()
                    .map(|&(c, _)| self.blocks[g].values[c])
                    .sum::<u64>()
            })
            .sum();
        let here: i128 = cells
            .iter()
            .map(|&(c, k)| i128::from(b.values[c]) * i128::from(k))
            .sum();
        if i128::from(funnel) != here {
            return;
        }
        let mine: Form = cells.iter().map(|&(c, k)| (c, -(k as f64))).collect();
        let public = groups
            .iter()
            .all(|&g| form.iter().all(|&(c, _)| !self.blocks[g].given[c]));
        if public {
            // A constant: the relation binds this block's cells alone.
            if self.certain {
                self.known.push(mine.clone());
            }
            b.within.push(mine);
            return;
        }
        let j = self.totals;
        self.totals += 1;
        for &g in groups {
            self.blocks[g].parts.push((j, form.clone()));
        }
        b.parts.push((j, mine));
    }
}

/// Withholds the evaluation's small counts and whatever would reveal them
/// or a withheld funnel count. Returns `false` (and leaves `settled` and
/// the evaluation unchanged) when the evaluation cannot be linked to the
/// report's funnel: another pipeline, or a stage the funnel lacks.
pub(crate) fn suppress_evaluation(
    settled: &mut Settled,
    evaluation: &mut PublishedEvaluation,
    pipeline: &str,
    k: u64,
) -> bool {
    if evaluation.pipeline != pipeline {
        return false;
    }
    let Some(mut state) = settled.blocks() else {
        return false;
    };
    let Some(stage_rows) = evaluation
        .stages
        .iter()
        .map(|s| state.stages.iter().position(|x| *x == s.stage.to_string()))
        .collect::<Option<Vec<usize>>>()
    else {
        return false;
    };
    let Some(last) = state.stages.len().checked_sub(1) else {
        return false;
    };
    let not_passed: &[usize] = match state.basis {
        RateBasis::Decided => &[FAILED],
        RateBasis::Entered => &[FAILED, WITHDREW, PENDING],
    };
    let settled_count = state.blocks.len();
    let mut new_blocks = Vec::new();
    let mut layouts = Vec::new();
    let mut public: Vec<Vec<usize>> = Vec::new();
    let all: Vec<usize> = (0..state.groups.len()).collect();
    for (s, &r) in evaluation.stages.iter().zip(&stage_rows) {
        let targets: Vec<&Group> = s.by_target_group.iter().map(|g| &g.group).collect();
        let (cells, layout) = stage_cells(s, disjoint(&targets));
        let (mut b, certain) = cells.block();
        state.known = certain;
        state.certain = true;
        state.total(&all, &[(r, ENTERED)], &mut b, &[layout.counts[0]]);
        state.total(&all, &[(r, EXEMPT)], &mut b, &[layout.counts[1]]);
        // The eligible: everyone in a target group who entered.
        if disjoint(&targets) {
            let inside: Option<Vec<Vec<usize>>> = targets.iter().map(|t| state.inside(t)).collect();
            if let Some(inside) = inside {
                let union: Vec<usize> = inside.concat();
                state.total(&union, &[(r, ENTERED)], &mut b, &[layout.counts[2]]);
                // Everyone else who entered: the entered less the eligible.
                let rest: Vec<usize> = all.iter().copied().filter(|g| !union.contains(g)).collect();
                state.signed_total(
                    &rest,
                    &[(r, ENTERED)],
                    &mut b,
                    &[(layout.counts[0], 1), (layout.counts[2], -1)],
                );
            }
        }
        state.certain = false;
        let pass_fields = [(r, PASSED)];
        let not_fields: Vec<(usize, usize)> = not_passed.iter().map(|&f| (r, f)).collect();
        let exits: Vec<(usize, usize)> = (r..=last)
            .flat_map(|t| [(t, FAILED), (t, WITHDREW)])
            .collect();
        for (i, (p, n)) in layout.gap.iter().enumerate() {
            let gap = &s.gap_closure[i];
            if let Some(inside) = state.inside(&gap.group) {
                state.total(&inside, &pass_fields, &mut b, &[p.a.count, n.a.count]);
                state.total(&inside, &not_fields, &mut b, &[p.a.not, n.a.not]);
                if let Some((_, sel)) = layout.by_target.get(i) {
                    state.total(
                        &inside,
                        &[(last, PASSED)],
                        &mut b,
                        &[sel.a.count, sel.b.count],
                    );
                    state.total(&inside, &exits, &mut b, &[sel.a.not, sel.b.not]);
                }
                if let Some((before, after, _)) = layout.before_after.get(i) {
                    // Everyone in the group who entered (or was rated) is
                    // before, after or undated; the undated of the strata
                    // are often the same people.
                    let rated: Vec<(usize, usize)> = match state.basis {
                        RateBasis::Entered => vec![(r, ENTERED)],
                        RateBasis::Decided => vec![(r, PASSED), (r, FAILED)],
                    };
                    let mut sides = vec![before.a.of, after.a.of];
                    state.total(&inside, &rated, &mut b, &sides);
                    if let Some([undated, outside]) = layout.strata_counts {
                        sides.push(undated);
                        state.total(&inside, &rated, &mut b, &sides);
                        sides.push(outside);
                        state.total(&inside, &rated, &mut b, &sides);
                    }
                    state.total(
                        &inside,
                        &pass_fields,
                        &mut b,
                        &[before.a.count, after.a.count],
                    );
                    state.total(&inside, &not_fields, &mut b, &[before.a.not, after.a.not]);
                }
            }
            if let Some(inside) = gap.reference.as_ref().and_then(|g| state.inside(g)) {
                state.total(&inside, &pass_fields, &mut b, &[p.b.count]);
                state.total(&inside, &not_fields, &mut b, &[p.b.not]);
                // The reference's rated are its non-participants, and
                // perhaps some who took part though ineligible, or late.
                let rated: Vec<(usize, usize)> = match state.basis {
                    RateBasis::Entered => vec![(r, ENTERED)],
                    RateBasis::Decided => vec![(r, PASSED), (r, FAILED)],
                };
                let [_, after, ineligible, _] = layout.set_aside;
                for extra in [&[ineligible][..], &[after], &[ineligible, after]] {
                    let mut cells = vec![p.b.of];
                    cells.extend_from_slice(extra);
                    state.total(&inside, &rated, &mut b, &cells);
                }
                if let Some((before, after, _)) = layout.before_after.get(i) {
                    state.total(
                        &inside,
                        &pass_fields,
                        &mut b,
                        &[before.b.count, after.b.count],
                    );
                    state.total(&inside, &not_fields, &mut b, &[before.b.not, after.b.not]);
                }
            }
        }
        // What the funnel's published counts give for certain: all that a
        // search that gets stuck may still publish.
        public.push(pinned(b.values.len(), &state.known));
        // What they give under the relations assumed too: published, since
        // withholding it would protect nothing if the relation holds, and
        // publishing a count of k or more is safe whenever the search knows
        // it is published.
        let mut all_relations = b.within.clone();
        all_relations.extend(state.known.iter().cloned());
        for c in pinned(b.values.len(), &all_relations) {
            if !(1..k).contains(&b.values[c]) {
                b.frozen[c] = true;
            }
        }
        new_blocks.push(b);
        layouts.push(layout);
    }
    // The participation summary.
    let p = &evaluation.participation;
    let mut pc = Cells::default();
    let summary = [
        p.records,
        p.candidates,
        p.completed,
        p.not_completed,
        p.without_application,
        p.partial_attendance,
        p.full_attendance,
    ]
    .map(|v| pc.cell(v, 1));
    pc.balance(&[summary[1]], &[summary[2], summary[3]]);
    new_blocks.push(pc.block().0);

    let mut blocks = state.blocks.clone();
    blocks.extend(new_blocks.iter().cloned());
    let (mut withheld, stuck) = suppress_or_stuck(&blocks, state.totals, k);
    if stuck {
        // Everything but what the funnel's published counts already give.
        for (i, w) in withheld[settled_count..].iter_mut().enumerate() {
            w.fill(true);
            for &c in public.get(i).into_iter().flatten() {
                if !(1..k).contains(&blocks[settled_count + i].values[c]) {
                    w[c] = false;
                }
            }
        }
        evaluation.notes.push(
            "small-cell suppression could not protect this evaluation's small counts without withholding figures the report already publishes, so every count of it is withheld but those the funnel's published counts give".to_owned(),
        );
    }
    for (s, (layout, w)) in evaluation
        .stages
        .iter_mut()
        .zip(layouts.iter().zip(&withheld[settled_count..]))
    {
        apply_stage(s, layout, w);
    }
    let w = &withheld[withheld.len() - 1];
    let p = &mut evaluation.participation;
    let slots = [
        &mut p.records,
        &mut p.candidates,
        &mut p.completed,
        &mut p.not_completed,
        &mut p.without_application,
        &mut p.partial_attendance,
        &mut p.full_attendance,
    ];
    for (slot, &c) in slots.into_iter().zip(&summary) {
        if w[c] {
            *slot = None;
        }
    }
    drop_notes_with_numbers(evaluation);
    // What later sections must respect.
    for (b, w) in new_blocks.iter_mut().zip(&withheld[settled_count..]) {
        b.given = w.clone();
        b.frozen = vec![true; w.len()];
    }
    state.blocks.extend(new_blocks);
    *settled = Settled(Some(Box::new(SettledState::Blocks(state))));
    true
}

/// The cells that `relations` pin when every cell is unknown: what the
/// constants in them (published funnel counts) give away by themselves.
fn pinned(width: usize, relations: &[Form]) -> Vec<usize> {
    GroupAudit::new(&vec![true; width], relations).exposed()
}

fn apply_prop(
    p: &mut PublishedProportion,
    cells: Prop,
    w: &[bool],
    name: &str,
    out: &mut Vec<String>,
) {
    if w[cells.count] {
        p.count = None;
        out.push(format!("{name}.count"));
    }
    if w[cells.of] {
        p.of = None;
        out.push(format!("{name}.of"));
    }
    if w[cells.count] || w[cells.of] {
        p.rate = None;
        out.push(format!("{name}.rate"));
    }
}

fn lost(t: &Table, w: &[bool]) -> bool {
    t.cells().iter().any(|&c| w[c])
}

fn apply_comparison(c: &mut PublishedComparison, t: &Table, w: &[bool]) {
    let mut out = Vec::new();
    apply_prop(&mut c.participants, t.a, w, "participants", &mut out);
    apply_prop(
        &mut c.non_participants,
        t.b,
        w,
        "non_participants",
        &mut out,
    );
    if lost(t, w) {
        c.difference_points = None;
        c.ratio = None;
        c.ratio_ci = None;
        c.odds_ratio = None;
        c.fisher = None;
        c.z_test = None;
        out.extend(
            [
                "difference_points",
                "ratio",
                "ratio_ci",
                "odds_ratio",
                "fisher",
                "z_test",
            ]
            .map(str::to_owned),
        );
    }
    c.withheld = out;
}

fn apply_ratio(r: &mut PublishedRatioToReference, t: &Table, w: &[bool]) {
    let mut out = Vec::new();
    apply_prop(&mut r.group, t.a, w, "group", &mut out);
    apply_prop(&mut r.reference, t.b, w, "reference", &mut out);
    if lost(t, w) {
        r.impact_ratio = None;
        r.impact_ratio_ci = None;
        r.fisher = None;
        r.z_test = None;
        out.extend(["impact_ratio", "impact_ratio_ci", "fisher", "z_test"].map(str::to_owned));
    }
    r.withheld = out;
}

fn apply_stage(s: &mut PublishedStageEvaluation, l: &StageCells, w: &[bool]) {
    let mut out = Vec::new();
    let slots = [
        (&mut s.entered, "entered"),
        (&mut s.exempt, "exempt"),
        (&mut s.eligible, "eligible"),
        (&mut s.participants, "participants"),
        (&mut s.non_participants, "non_participants"),
    ];
    for ((slot, name), &c) in slots.into_iter().zip(&l.counts) {
        if w[c] {
            *slot = None;
            out.push(name.to_owned());
        }
    }
    let a = &mut s.set_aside;
    let slots = [
        (&mut a.not_completed, "set_aside.not_completed"),
        (
            &mut a.took_part_after_stage,
            "set_aside.took_part_after_stage",
        ),
        (
            &mut a.ineligible_participants,
            "set_aside.ineligible_participants",
        ),
        (&mut a.not_yet_ended, "set_aside.not_yet_ended"),
    ];
    for ((slot, name), &c) in slots.into_iter().zip(&l.set_aside) {
        if w[c] {
            *slot = None;
            out.push(name.to_owned());
        }
    }
    apply_comparison(&mut s.pass_rate, &l.pass, w);
    apply_comparison(&mut s.selected_at_end, &l.selected, w);
    for (g, (p, c)) in s.by_target_group.iter_mut().zip(&l.by_target) {
        apply_comparison(&mut g.pass_rate, p, w);
        apply_comparison(&mut g.selected_at_end, c, w);
    }
    for (g, (p, n)) in s.gap_closure.iter_mut().zip(&l.gap) {
        apply_ratio(&mut g.participants, p, w);
        apply_ratio(&mut g.non_participants, n, w);
        if lost(p, w) || lost(n, w) {
            g.parity = None;
        }
    }
    if let Some(st) = &mut s.strata {
        let (mut pass_lost, mut sel_lost) = (false, false);
        for (x, (p, c)) in st.strata.iter_mut().zip(&l.strata) {
            apply_comparison(&mut x.pass_rate, p, w);
            apply_comparison(&mut x.selected_at_end, c, w);
            pass_lost |= lost(p, w);
            sel_lost |= lost(c, w);
        }
        if pass_lost {
            st.pass_rate_mantel_haenszel = None;
            st.pass_rate_breslow_day = None;
        }
        if sel_lost {
            st.selected_at_end_mantel_haenszel = None;
            st.selected_at_end_breslow_day = None;
        }
        if let Some([undated, outside]) = l.strata_counts {
            if w[undated] {
                st.undated = None;
                out.push("strata.undated".to_owned());
            }
            if w[outside] {
                st.outside = None;
                out.push("strata.outside".to_owned());
            }
        }
    }
    for (b, (before, after, took_part)) in s.before_after.iter_mut().zip(&l.before_after) {
        apply_ratio(&mut b.before, before, w);
        apply_ratio(&mut b.after, after, w);
        if lost(before, w) || lost(after, w) {
            b.breslow_day = None;
            b.disparity_changed = None;
            b.parity_after = None;
        }
        let mut ignored = Vec::new();
        apply_prop(&mut b.participation_after, *took_part, w, "", &mut ignored);
        if w[took_part.not] {
            b.participation_after.rate = None;
        }
    }
    s.withheld = out;
}

/// Leaves out every note that quotes a number (a count, or a figure from
/// one), once the names it quotes are taken out, and says that some were
/// (not how many: which notes there are tells which counts are not zero).
fn drop_notes_with_numbers(e: &mut PublishedEvaluation) {
    let mut names: Vec<String> = vec![
        e.intervention.clone(),
        e.pipeline.clone(),
        e.final_stage.to_string(),
    ];
    for s in &e.stages {
        names.push(s.stage.to_string());
        names.extend(s.by_target_group.iter().map(|g| g.group.to_string()));
        for g in &s.gap_closure {
            names.push(g.group.to_string());
            names.extend(g.reference.as_ref().map(Group::to_string));
        }
        names.extend(
            s.strata
                .iter()
                .flat_map(|st| st.strata.iter().map(|x| x.name.clone())),
        );
    }
    // Longest first, so a name inside another is taken out with it.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let quotes_number = |note: &str| {
        let mut rest = note.to_owned();
        for n in &names {
            if !n.is_empty() {
                rest = rest.replace(n.as_str(), "");
            }
        }
        rest.bytes().any(|b| b.is_ascii_digit())
    };
    let mut dropped = 0usize;
    let mut keep = |notes: &mut Vec<String>| {
        let before = notes.len();
        notes.retain(|n| !quotes_number(n));
        dropped += before - notes.len();
    };
    for s in &mut e.stages {
        keep(&mut s.notes);
    }
    keep(&mut e.notes);
    if dropped > 0 {
        // How many would tell which set-aside counts are not zero.
        e.notes.push(
            "notes quoting counts or figures from them are left out under small-cell suppression"
                .to_owned(),
        );
    }
}
