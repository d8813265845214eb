//! Small-cell suppression of each workforce section: its counts laid out
//! as blocks for `disclosure::sections`, then every figure computed from a
//! withheld count withheld too.

use std::collections::HashMap;

use super::{
    PublishedAttrition, PublishedAttritionRow, PublishedDeclaration, PublishedDeclarationRow,
    PublishedDisproportionality, PublishedRepresentation, withhold,
};
use crate::report::disclosure::sections::{Block, suppress};
use crate::workforce::attrition::Attrition;
use crate::workforce::declaration::Declaration;
use crate::workforce::disproportionality::Disproportionality;
use crate::workforce::representation::{Representation, Scope};

/// Counts withheld: (small, more so they cannot be worked out).
pub(crate) type Withheld = (u64, u64);

fn tally(blocks: &[Block], withheld: &[Vec<bool>], k: u64) -> Withheld {
    let mut primary = 0;
    let mut secondary = 0;
    for (b, w) in blocks.iter().zip(withheld) {
        for (v, w) in b.values.iter().zip(w) {
            if *w {
                if *v >= 1 && *v < k {
                    primary += 1;
                } else {
                    secondary += 1;
                }
            }
        }
    }
    (primary, secondary)
}

fn suppression_note(what: &str, (primary, secondary): Withheld, k: u64) -> String {
    format!(
        "small-cell suppression: {primary} {what} counts from 1 to {} are withheld, {secondary} more so they cannot be worked out from totals, and every figure computed from a withheld count",
        k - 1
    )
}

/// Leaves out the notes about a group (`"{group}: …"`) with a withheld
/// figure, since they quote its counts or intervals; says how many.
fn drop_group_notes(notes: &mut Vec<String>, silenced: &[String]) {
    let before = notes.len();
    notes.retain(|n| {
        !silenced.iter().any(|g| {
            n.strip_prefix(g.as_str())
                .is_some_and(|rest| rest.starts_with(": "))
        })
    });
    let dropped = before - notes.len();
    if dropped > 0 {
        notes.push(format!(
            "{dropped} note(s) on groups with withheld figures are left out: they quote those figures"
        ));
    }
}

/// The published representation, with suppression at `k` if given.
pub(crate) fn publish_representation(
    r: &Representation,
    k: Option<u64>,
) -> (PublishedRepresentation, Withheld) {
    let mut out = PublishedRepresentation::from(r);
    let Some(k) = k else {
        return (out, (0, 0));
    };
    let scopes = r.sections.len();
    let groups = r.sections.first().map_or(0, |s| s.rows.len());
    // The rank sections, by rank.
    let by_rank: HashMap<_, usize> = r
        .sections
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.scope {
            Scope::Rank(rank) => Some((rank.clone(), i)),
            _ => None,
        })
        .collect();
    // Every scope other than a rank is the sum of its ranks.
    let sums: Vec<(usize, Vec<usize>)> = r
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| !matches!(s.scope, Scope::Rank(_)))
        .filter_map(|(i, s)| {
            let parts: Option<Vec<usize>> =
                s.ranks.iter().map(|x| by_rank.get(x).copied()).collect();
            parts.filter(|p| !p.is_empty()).map(|p| (i, p))
        })
        .collect();
    let per_scope = |b: &mut Block, offset: usize| {
        for (sum, parts) in &sums {
            b.sum(offset + sum, parts.iter().map(|p| offset + p));
        }
    };
    // Blocks: each group, the undeclared, then the totals (declared per
    // scope, then headcount per scope). Totals: declared(s) (index s) and
    // headcount(s) (index scopes + s).
    // Withholding a band's or the workforce's figure costs more than a
    // rank's: those are the figures readers look for first.
    let weight: Vec<u64> = r
        .sections
        .iter()
        .map(|s| s.ranks.len().max(1) as u64)
        .collect();
    let weigh = |b: &mut Block, offset: usize| {
        for (c, w) in b.cost[offset..].iter_mut().zip(&weight) {
            *c *= w;
        }
    };
    let mut blocks = Vec::with_capacity(groups + 2);
    for g in 0..groups {
        let values = r.sections.iter().map(|s| s.rows[g].headcount).collect();
        let mut b = Block::new(values, 9);
        weigh(&mut b, 0);
        per_scope(&mut b, 0);
        b.parts = (0..scopes)
            .flat_map(|s| [(s, vec![(s, 1.0)]), (scopes + s, vec![(s, 1.0)])])
            .collect();
        blocks.push(b);
    }
    let mut undeclared = Block::new(
        r.sections.iter().map(|s| s.undeclared).collect(),
        1 + groups as u64,
    );
    weigh(&mut undeclared, 0);
    per_scope(&mut undeclared, 0);
    undeclared.parts = (0..scopes).map(|s| (scopes + s, vec![(s, 1.0)])).collect();
    blocks.push(undeclared);
    let mut totals = Block::new(
        r.sections
            .iter()
            .map(|s| s.declared)
            .chain(r.sections.iter().map(|s| s.headcount))
            .collect(),
        1,
    );
    for s in 0..scopes {
        totals.cost[s] = 1 + 9 * groups as u64;
        // Withholding a headcount forces its declared or undeclared part.
        totals.cost[scopes + s] = 1 + 9 * groups as u64;
    }
    weigh(&mut totals, 0);
    weigh(&mut totals, scopes);
    per_scope(&mut totals, 0);
    per_scope(&mut totals, scopes);
    // headcount(s) = declared(s) + undeclared(s) follows from the two
    // totals, so it needs no relation of its own.
    for s in 0..scopes {
        totals.parts.push((s, vec![(s, -1.0)]));
        totals.parts.push((scopes + s, vec![(scopes + s, -1.0)]));
    }
    blocks.push(totals);
    let withheld = suppress(&blocks, 2 * scopes, k);
    let tally = tally(&blocks, &withheld, k);
    let workforce = r.sections.iter().position(|s| s.scope == Scope::Workforce);
    let (u, t) = (groups, groups + 1);
    // A share's inputs: the group's headcount and the scope's declared.
    let share_lost = |g: usize, s: usize| withheld[g][s] || withheld[t][s];
    for (s, section) in out.sections.iter_mut().enumerate() {
        let mut silenced = Vec::new();
        if withheld[t][scopes + s] {
            withhold(&mut section.headcount, "headcount", &mut section.withheld);
        }
        if withheld[t][s] {
            withhold(&mut section.declared, "declared", &mut section.withheld);
        }
        if withheld[u][s] {
            withhold(&mut section.undeclared, "undeclared", &mut section.withheld);
        }
        for (g, row) in section.rows.iter_mut().enumerate() {
            let w = &mut row.withheld;
            if withheld[g][s] {
                withhold(&mut row.headcount, "headcount", w);
            }
            if share_lost(g, s) {
                withhold(&mut row.share, "share", w);
                withhold(&mut row.ratio, "ratio", w);
                withhold(&mut row.ratio_ci, "ratio_ci", w);
                withhold(&mut row.p_value, "p_value", w);
                withhold(&mut row.gap_points, "gap_points", w);
                withhold(&mut row.position, "position", w);
            }
            if (share_lost(g, s) || workforce.is_some_and(|x| x != s && share_lost(g, x)))
                && workforce.is_some_and(|x| x != s)
            {
                withhold(
                    &mut row.difference_from_workforce_points,
                    "difference_from_workforce_points",
                    w,
                );
                withhold(&mut row.workforce_ratio, "workforce_ratio", w);
                withhold(&mut row.workforce_ratio_ci, "workforce_ratio_ci", w);
                withhold(&mut row.position_in_workforce, "position_in_workforce", w);
            }
            if share_lost(g, s) || withheld[u][s] {
                withhold(&mut row.if_undeclared, "if_undeclared", w);
            }
            if !row.withheld.is_empty() {
                silenced.push(row.group.to_string());
            }
        }
        // A note on a group missing from the benchmark quotes the declared
        // headcount: with it withheld, every row is silenced above.
        drop_group_notes(&mut section.notes, &silenced);
    }
    if let Some(first) = out.sections.first_mut() {
        first.notes.push(suppression_note("headcount", tally, k));
    }
    (out, tally)
}

/// The published disproportionality table, with suppression at `k` if
/// given.
pub(crate) fn publish_disproportionality(
    d: &Disproportionality,
    k: Option<u64>,
) -> (PublishedDisproportionality, Withheld) {
    let mut out = PublishedDisproportionality::from(d);
    let Some(k) = k else {
        return (out, (0, 0));
    };
    let comparator = d
        .comparator
        .as_ref()
        .and_then(|c| d.rows.iter().position(|r| &r.group == c));
    let n = d.rows.len();
    // Totals: events (0), population (1), events with no recorded group (2).
    let unrecorded: u64 = d
        .rows
        .iter()
        .filter(|r| r.group.is_unknown())
        .map(|r| r.events)
        .sum();
    let mut blocks: Vec<Block> = d
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut b = Block::new(vec![r.events, r.population], 6);
            if Some(i) == comparator {
                b.cost = vec![1 + 6 * n as u64; 2];
            }
            b.parts = vec![(0, vec![(0, 1.0)]), (1, vec![(1, 1.0)])];
            if r.group.is_unknown() {
                b.parts.push((2, vec![(0, 1.0)]));
            }
            b
        })
        .collect();
    let mut totals = Block::new(vec![d.total_events, d.total_population, unrecorded], 1);
    totals.cost[0] = 1 + n as u64;
    totals.cost[2] = 1 + n as u64;
    totals.parts = (0..3).map(|j| (j, vec![(j, -1.0)])).collect();
    blocks.push(totals);
    let withheld = suppress(&blocks, 3, k);
    let tally = tally(&blocks, &withheld, k);
    let t = n;
    if withheld[t][0] {
        withhold(&mut out.total_events, "total_events", &mut out.withheld);
    }
    if withheld[t][1] {
        withhold(
            &mut out.total_population,
            "total_population",
            &mut out.withheld,
        );
    }
    let unrecorded_withheld = withheld[t][2];
    if unrecorded_withheld && !out.withheld.iter().any(|w| w == "unrecorded_events") {
        out.withheld.push("unrecorded_events".to_owned());
    }
    let own = |i: usize| withheld[i][0] || withheld[i][1];
    let comparator_lost = comparator.is_some_and(own);
    let mut silenced = Vec::new();
    for (i, row) in out.rows.iter_mut().enumerate() {
        let w = &mut row.withheld;
        if withheld[i][0] {
            withhold(&mut row.events, "events", w);
        }
        if withheld[i][1] {
            withhold(&mut row.population, "population", w);
        }
        if withheld[i][0] || withheld[t][0] {
            withhold(&mut row.share_of_events, "share_of_events", w);
        }
        if own(i) {
            withhold(&mut row.rate, "rate", w);
        }
        if Some(i) != comparator && (own(i) || comparator_lost) {
            withhold(&mut row.rate_ratio, "rate_ratio", w);
            withhold(&mut row.rate_ratio_ci, "rate_ratio_ci", w);
            withhold(&mut row.p_value, "p_value", w);
        }
        if row.if_unrecorded.is_some() && (own(i) || comparator_lost || unrecorded_withheld) {
            withhold(&mut row.if_unrecorded, "if_unrecorded", w);
        }
        if !row.withheld.is_empty() {
            silenced.push(row.group.to_string());
        }
    }
    drop_group_notes(&mut out.notes, &silenced);
    if unrecorded_withheld {
        let before = out.notes.len();
        out.notes
            .retain(|n| !n.contains("event(s) have no recorded group"));
        if out.notes.len() < before {
            out.notes.push(
                "some events have no recorded group; their number is withheld (small numbers), and with it the bounds it gives".to_owned(),
            );
        }
    }
    out.notes
        .push(suppression_note("event and population", tally, k));
    (out, tally)
}

/// The published attrition table, with suppression at `k` if given.
pub(crate) fn publish_attrition(a: &Attrition, k: Option<u64>) -> (PublishedAttrition, Withheld) {
    let mut out = PublishedAttrition::from(a);
    let Some(k) = k else {
        return (out, (0, 0));
    };
    let comparator = a
        .comparator
        .as_ref()
        .and_then(|c| a.rows.iter().position(|r| &r.group == c));
    let n = a.rows.len();
    // Cells: headcount at start (0), leavers (1), stayed (2).
    let block = |r: &crate::workforce::attrition::AttritionRow, cost: u64, sign: f64| {
        let mut b = Block::new(vec![r.headcount_at_start, r.leavers, r.stayed], cost);
        b.sum(0, [1, 2]);
        b.parts = (0..3).map(|j| (j, vec![(j, sign)])).collect();
        b
    };
    let mut blocks: Vec<Block> = a
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            block(
                r,
                if Some(i) == comparator {
                    1 + 4 * n as u64
                } else {
                    4
                },
                1.0,
            )
        })
        .collect();
    blocks.push(block(&a.total, 3, -1.0));
    // Joined and left: a count on its own, in no relation.
    blocks.push(Block::new(vec![a.joined_and_left], 1));
    let withheld = suppress(&blocks, 3, k);
    let tally = tally(&blocks, &withheld, k);
    let own = |i: usize| withheld[i].iter().any(|w| *w);
    let comparator_lost = comparator.is_some_and(own);
    let apply = |row: &mut PublishedAttritionRow, w: &[bool], versus: bool| {
        let list = &mut row.withheld;
        if w[0] {
            withhold(&mut row.headcount_at_start, "headcount_at_start", list);
        }
        if w[1] {
            withhold(&mut row.leavers, "leavers", list);
        }
        if w[2] {
            withhold(&mut row.stayed, "stayed", list);
        }
        if w.iter().any(|x| *x) {
            withhold(&mut row.attrition_rate, "attrition_rate", list);
            withhold(&mut row.retention_rate, "retention_rate", list);
        }
        if versus && row.versus_comparator.is_some() {
            withhold(&mut row.versus_comparator, "versus_comparator", list);
        }
    };
    for (i, row) in out.rows.iter_mut().enumerate() {
        apply(row, &withheld[i], own(i) || comparator_lost);
    }
    apply(&mut out.total, &withheld[n], false);
    if withheld[n + 1][0] {
        out.joined_and_left = None;
    }
    out.notes.push(suppression_note("attrition", tally, k));
    (out, tally)
}

/// The published declaration table, with suppression at `k` if given.
/// Its flags are settled against the report's representation by
/// [`reconcile_flags`].
pub(crate) fn publish_declaration(
    d: &Declaration,
    k: Option<u64>,
) -> (PublishedDeclaration, Withheld) {
    let mut out = PublishedDeclaration::from(d);
    let Some(k) = k else {
        return (out, (0, 0));
    };
    let characteristics: Vec<_> = d
        .characteristics
        .iter()
        .map(|r| r.characteristic.clone())
        .collect();
    let c_index: HashMap<_, usize> = characteristics
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect();
    let mut units: Vec<_> = d.units.iter().filter_map(|r| r.unit.clone()).collect();
    units.sort();
    units.dedup();
    let u_index: HashMap<_, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.clone(), i))
        .collect();
    let c = characteristics.len();
    // Cells per characteristic: total, declared, prefer not to say, not
    // recorded; a characteristic missing in a unit is a published zero.
    let counts = |r: &crate::workforce::declaration::DeclarationRow| {
        [r.total, r.declared, r.prefer_not_to_say, r.not_recorded]
    };
    let build = |rows: Vec<Option<[u64; 4]>>, cost: [u64; 4], sign: f64| {
        let mut values = vec![0; 4 * c];
        for (i, r) in rows.iter().enumerate() {
            if let Some(v) = r {
                values[4 * i..4 * i + 4].copy_from_slice(v);
            }
        }
        let mut b = Block::new(values, 1);
        for (i, row) in rows.iter().enumerate() {
            b.cost[4 * i..4 * i + 4].copy_from_slice(&cost);
            if row.is_some() {
                b.sum(4 * i, [4 * i + 1, 4 * i + 2, 4 * i + 3]);
            }
        }
        // The same people: two characteristics' totals where equal.
        let present: Vec<usize> = (0..c).filter(|&i| rows[i].is_some()).collect();
        for w in present.windows(2) {
            if b.values[4 * w[0]] == b.values[4 * w[1]] {
                b.equal(4 * w[0], 4 * w[1]);
            }
        }
        b.parts = (0..4 * c).map(|j| (j, vec![(j, sign)])).collect();
        b
    };
    let mut per_unit: Vec<Vec<Option<[u64; 4]>>> = vec![vec![None; c]; units.len()];
    for r in &d.units {
        if let (Some(u), Some(&ci)) = (
            r.unit.as_ref().and_then(|u| u_index.get(u)),
            c_index.get(&r.characteristic),
        ) {
            per_unit[*u][ci] = Some(counts(r));
        }
    }
    let mut blocks: Vec<Block> = per_unit
        .into_iter()
        .map(|rows| build(rows, [4, 2, 2, 2], 1.0))
        .collect();
    blocks.push(build(
        d.characteristics.iter().map(|r| Some(counts(r))).collect(),
        [4, 2, 2, 2],
        -1.0,
    ));
    let withheld = suppress(&blocks, 4 * c, k);
    let tally = tally(&blocks, &withheld, k);
    let apply = |row: &mut PublishedDeclarationRow, w: &[bool]| {
        let list = &mut row.withheld;
        for (f, name) in ["total", "declared", "prefer_not_to_say", "not_recorded"]
            .iter()
            .enumerate()
        {
            if w[f] {
                let slot = match f {
                    0 => &mut row.total,
                    1 => &mut row.declared,
                    2 => &mut row.prefer_not_to_say,
                    _ => &mut row.not_recorded,
                };
                withhold(slot, name, list);
            }
        }
        if w[0] || w[1] {
            withhold(&mut row.declaration_rate, "declaration_rate", list);
        }
        if w[0] || w[2] {
            withhold(
                &mut row.prefer_not_to_say_rate,
                "prefer_not_to_say_rate",
                list,
            );
        }
        if w[0] || w[3] {
            withhold(&mut row.not_recorded_rate, "not_recorded_rate", list);
        }
    };
    let last = blocks.len() - 1;
    for row in &mut out.characteristics {
        if let Some(&i) = c_index.get(&row.characteristic) {
            apply(row, &withheld[last][4 * i..4 * i + 4]);
        }
    }
    for row in &mut out.units {
        if let (Some(&u), Some(&i)) = (
            row.unit.as_ref().and_then(|u| u_index.get(u)),
            c_index.get(&row.characteristic),
        ) {
            apply(row, &withheld[u][4 * i..4 * i + 4]);
        }
    }
    out.notes.push(suppression_note("declaration", tally, k));
    (out, tally)
}

/// Under suppression, keeps only the declaration flags whose figures the
/// report's representation section publishes (the group's ratio and its
/// bounds if undeclared, in the same scope); says how many were left out.
pub(crate) fn reconcile_flags(
    declaration: &mut PublishedDeclaration,
    all_flags: &[crate::workforce::declaration::UndeclaredFlag],
    representation: Option<&PublishedRepresentation>,
) {
    let before = all_flags.len();
    declaration.flags = all_flags
        .iter()
        .filter(|f| {
            representation
                .and_then(|r| r.section(&f.scope))
                .and_then(|s| s.row(&f.group))
                .is_some_and(|row| {
                    row.ratio == f.ratio && row.if_undeclared.as_ref() == Some(&f.bounds)
                })
        })
        .cloned()
        .collect();
    let note_start = "representation flags left out";
    declaration.notes.retain(|n| !n.starts_with(note_start));
    let left_out = before - declaration.flags.len();
    if left_out > 0 {
        declaration.notes.push(format!(
            "{note_start}: {left_out}, because the representation figures they quote are withheld or not in this report"
        ));
    }
}
