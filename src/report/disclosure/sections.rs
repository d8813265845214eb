//! Secondary suppression for the sections beside the funnel: representation,
//! disproportionality, attrition and declaration.
//!
//! Each section's counts are laid out in *blocks*: one per group (or unit),
//! and one for the section's totals. A block's cells are tied by relations
//! *within* it (a band's headcount is the sum of its ranks'; a unit's total
//! is declared + prefer not to say + not recorded), and blocks are tied by
//! *totals across them* (a scope's declared headcount is the sum of every
//! group's; a characteristic's workforce count is the sum over units). A
//! total is itself a cell, in the totals block, with coefficient −1 in its
//! own relation, so a small total is withheld like any other count and the
//! relation still binds.
//!
//! The search is the funnel's (see the parent module), over blocks of any
//! width: primary cells (1 ≤ c < k) are withheld; while the exact audit of
//! a block ([`GroupAudit`]) finds a withheld cell pinned by the relations
//! within it, the cheapest published non-zero cell of a relation through
//! it is withheld; then the totals are audited block by block, each block
//! seeing what every other block leaves determined (prefix and suffix
//! spans over blocks, one coordinate per total), so a pass is linear in
//! the number of blocks. The loop ends when a pass withholds nothing.
//!
//! A zero is never withheld as a partner: non-negativity would pin it.

use super::audit::{Echelon, Form, GroupAudit};

/// One block of a section's table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Block {
    /// The true counts.
    pub(crate) values: Vec<u64>,
    /// The published figures lost by withholding each cell.
    pub(crate) cost: Vec<u64>,
    /// Relations within the block: Σ coefficient · cell = 0.
    pub(crate) within: Vec<Form>,
    /// The block's part of each total across blocks: (total, form); the
    /// parts of a total over every block sum to 0.
    pub(crate) parts: Vec<(usize, Form)>,
    /// Cells withheld before the search starts, whatever their value: a
    /// figure another section already withholds.
    pub(crate) given: Vec<bool>,
    /// Cells the search may not withhold: figures another section has
    /// already published (or withheld), whose status is settled.
    pub(crate) frozen: Vec<bool>,
}

impl Block {
    /// A block of `values`, every cell costing `cost`.
    pub(crate) fn new(values: Vec<u64>, cost: u64) -> Self {
        let n = values.len();
        Self {
            values,
            cost: vec![cost; n],
            within: Vec::new(),
            parts: Vec::new(),
            given: vec![false; n],
            frozen: vec![false; n],
        }
    }

    /// A block of figures already published by another section: the
    /// cells marked in `withheld` stay withheld, the rest stay published,
    /// and none is a primary cell of this search.
    pub(crate) fn settled(values: Vec<u64>, withheld: Vec<bool>) -> Self {
        let n = values.len();
        Self {
            values,
            cost: vec![1; n],
            within: Vec::new(),
            parts: Vec::new(),
            given: withheld,
            frozen: vec![true; n],
        }
    }

    /// Adds `sum = Σ parts` within the block.
    pub(crate) fn sum(&mut self, sum: usize, parts: impl IntoIterator<Item = usize>) {
        let mut form: Form = vec![(sum, -1.0)];
        form.extend(parts.into_iter().map(|c| (c, 1.0)));
        self.within.push(form);
    }

    /// Adds `a = b` within the block.
    pub(crate) fn equal(&mut self, a: usize, b: usize) {
        self.within.push(vec![(a, 1.0), (b, -1.0)]);
    }
}

/// The withheld cells of every block: the primary cells (1 ≤ c < `k`) and
/// the secondary cells that keep each one from being worked out.
pub(crate) fn suppress(blocks: &[Block], totals: usize, k: u64) -> Vec<Vec<bool>> {
    search(blocks, totals, k).0
}

/// As [`suppress`], and whether the search was stuck: a withheld cell it
/// found pinned with no published cell left that it may withhold to free
/// it (only zeros, or frozen cells). A stuck search's cells are not
/// protected; its caller must withhold more (everything it may) instead.
pub(crate) fn suppress_or_stuck(blocks: &[Block], totals: usize, k: u64) -> (Vec<Vec<bool>>, bool) {
    search(blocks, totals, k)
}

fn search(blocks: &[Block], totals: usize, k: u64) -> (Vec<Vec<bool>>, bool) {
    let withheld = blocks
        .iter()
        .map(|b| {
            b.values
                .iter()
                .zip(&b.given)
                .zip(&b.frozen)
                .map(|((&v, &given), &frozen)| given || (!frozen && v >= 1 && v < k))
                .collect()
        })
        .collect();
    let mut search = Search {
        blocks,
        totals,
        k,
        withheld,
        cache: vec![None; blocks.len()],
        stuck: false,
        settled: blocks.iter().any(|b| b.frozen.iter().any(|f| *f)),
    };
    let mut dirty = vec![true; blocks.len()];
    loop {
        search.settle_within(&mut dirty);
        let widened = search.widen(&mut dirty);
        if !search.settle_totals(&mut dirty) && !widened {
            break;
        }
    }
    (search.withheld, search.stuck)
}

struct Search<'a> {
    blocks: &'a [Block],
    totals: usize,
    k: u64,
    withheld: Vec<Vec<bool>>,
    cache: Vec<Option<GroupAudit>>,
    stuck: bool,
    /// Whether some block is settled (has frozen cells).
    settled: bool,
}

impl Search<'_> {
    fn audit(&mut self, b: usize) -> GroupAudit {
        if let Some(a) = &self.cache[b] {
            return a.clone();
        }
        let a = GroupAudit::new(&self.withheld[b], &self.blocks[b].within);
        self.cache[b] = Some(a.clone());
        a
    }

    fn withhold(&mut self, b: usize, cell: usize) {
        self.withheld[b][cell] = true;
        self.cache[b] = None;
    }

    /// The cheapest published non-zero cell among `candidates`; on a tie,
    /// the one listed most often (in the most relations through the
    /// exposed cell, so one cell protects it in all of them), then a cell
    /// of at least k (it widens the interval an attacker gets).
    fn cheapest(
        &self,
        b: usize,
        candidates: impl IntoIterator<Item = usize>,
    ) -> Option<(u64, usize)> {
        let block = &self.blocks[b];
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for c in candidates {
            if self.withheld[b][c] || block.values[c] == 0 || block.frozen[c] {
                continue;
            }
            match seen.iter_mut().find(|(x, _)| *x == c) {
                Some((_, n)) => *n += 1,
                None => seen.push((c, 1)),
            }
        }
        seen.into_iter()
            .map(|(c, n)| {
                let small = u64::from(block.values[c] < self.k);
                ((block.cost[c], std::cmp::Reverse(n), small, c), c)
            })
            .min()
            .map(|((cost, ..), c)| (cost, c))
    }

    /// Published cells of block `b` in a relation with a withheld one.
    fn near(&self, b: usize) -> Vec<usize> {
        let w = &self.withheld[b];
        self.blocks[b]
            .within
            .iter()
            .filter(|form| form.iter().any(|(c, _)| w[*c]))
            .flat_map(|form| form.iter().map(|(c, _)| *c))
            .collect()
    }

    /// Withholds one more cell in each relation within a block whose
    /// withheld cells sum to 1 to k − 1: the relation would otherwise show
    /// that they are few (an attacker's interval for each would lie within
    /// 1 to k − 1, or close to it).
    fn widen(&mut self, dirty: &mut [bool]) -> bool {
        let mut changed = false;
        for (b, dirty) in dirty.iter_mut().enumerate() {
            if !self.withheld[b].iter().any(|w| *w) {
                continue;
            }
            for f in 0..self.blocks[b].within.len() {
                let form = &self.blocks[b].within[f];
                let sum: u64 = form
                    .iter()
                    .filter(|(c, _)| self.withheld[b][*c])
                    .map(|(c, _)| self.blocks[b].values[*c])
                    .sum();
                if sum == 0 || sum >= self.k {
                    continue;
                }
                let cells: Vec<usize> = form.iter().map(|(c, _)| *c).collect();
                if let Some((_, c)) = self.cheapest(b, cells) {
                    self.withhold(b, c);
                    *dirty = true;
                    changed = true;
                }
            }
        }
        changed
    }

    fn settle_within(&mut self, dirty: &mut [bool]) {
        for (b, dirty) in dirty.iter_mut().enumerate() {
            if !*dirty {
                continue;
            }
            *dirty = false;
            loop {
                let exposed = self.audit(b).exposed();
                let Some(&cell) = exposed.first() else {
                    break;
                };
                let through: Vec<usize> = self.blocks[b]
                    .within
                    .iter()
                    .filter(|form| form.iter().any(|(c, _)| *c == cell))
                    .flat_map(|form| form.iter().map(|(c, _)| *c))
                    .collect();
                match self
                    .cheapest(b, through)
                    .or_else(|| self.cheapest(b, self.near(b)))
                {
                    Some((_, c)) => self.withhold(b, c),
                    // Nothing left to withhold in the block: only zeros
                    // (which non-negativity pins anyway) or frozen cells.
                    None => {
                        self.stuck |= self.blocks[b].frozen.iter().any(|f| *f);
                        break;
                    }
                }
            }
        }
    }

    fn settle_totals(&mut self, dirty: &mut [bool]) -> bool {
        let l = self.totals;
        if l == 0 {
            return false;
        }
        let involved: Vec<usize> = (0..self.blocks.len())
            .filter(|&b| self.withheld[b].iter().any(|w| *w))
            .collect();
        if involved.is_empty() {
            return false;
        }
        let audits: Vec<GroupAudit> = involved.iter().map(|&b| self.audit(b)).collect();
        let part = |b: usize, j: usize| -> Form {
            self.blocks[b]
                .parts
                .iter()
                .filter(|(t, _)| *t == j)
                .flat_map(|(_, f)| f.iter().copied())
                .collect()
        };
        // What each block's withheld cells leave undetermined, in
        // total-coordinates.
        let spans: Vec<Echelon> = involved
            .iter()
            .zip(&audits)
            .map(|(&b, a)| {
                let residuals: Vec<Vec<f64>> = (0..l).map(|j| a.residual(&part(b, j))).collect();
                let mut e = Echelon::default();
                for i in 0..a.cells.len() {
                    e.insert(residuals.iter().map(|r| r[i]).collect());
                }
                e
            })
            .collect();
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
        // For each total, the cheapest partners in any block (a busy block
        // first: it loses fewer published figures), a few deep so one
        // outside the block in hand is at hand: a pass stays linear in the
        // number of blocks.
        let leaders: Vec<Vec<(u64, usize, usize)>> = (0..l)
            .map(|j| {
                let mut all: Vec<(u64, usize, usize)> = (0..self.blocks.len())
                    .filter_map(|h| {
                        let busy = self.withheld[h].iter().any(|w| *w);
                        let cells: Vec<usize> = part(h, j).iter().map(|(c, _)| *c).collect();
                        self.cheapest(h, cells)
                            .map(|(cost, c)| (cost + if busy { 0 } else { 5 }, h, c))
                    })
                    .collect();
                all.sort_unstable();
                all.truncate(8);
                all
            })
            .collect();
        let mut changed = false;
        for (i, &b) in involved.iter().enumerate() {
            let others = prefix[i].merged(&suffix[i + 1]);
            if others.rank() == l {
                continue;
            }
            let learned: Vec<(Vec<f64>, Form)> = others
                .null_space(l)
                .into_iter()
                .map(|lambda| {
                    let mut form: Form = Vec::new();
                    for (j, x) in lambda.iter().enumerate() {
                        if x.abs() > 1e-12 {
                            form.extend(part(b, j).into_iter().map(|(c, k)| (c, k * x)));
                        }
                    }
                    (lambda, form)
                })
                .collect();
            let mut audit = audits[i].clone();
            for (_, form) in &learned {
                audit.add(form);
            }
            let Some(&exposed) = audit.exposed().first() else {
                continue;
            };
            // The learned relations through the exposed cell (or all, when
            // only a combination of them pins it).
            let through: Vec<&(Vec<f64>, Form)> = {
                let t: Vec<_> = learned
                    .iter()
                    .filter(|(_, f)| f.iter().any(|(c, k)| *c == exposed && k.abs() > 1e-12))
                    .collect();
                if t.is_empty() {
                    learned.iter().collect()
                } else {
                    t
                }
            };
            // Inside the block: a published cell that, withheld, leaves the
            // exposed cell undetermined (a total whose part here is the
            // exposed cell alone needs a partner in another block).
            let mut inside = None;
            let mut tried: Vec<usize> = Vec::new();
            // With settled blocks beside it, no other block may help, so
            // the search goes on to any cell in a learned relation or next
            // to a withheld one (a combination of relations may pin the
            // exposed cell).
            let wide = self.settled;
            for round in 0..if wide { 64 } else { 4 } {
                let pool: Vec<&Form> = if round < 4 {
                    through.iter().map(|(_, f)| f).collect()
                } else {
                    learned.iter().map(|(_, f)| f).collect()
                };
                let mut candidates: Vec<usize> = pool
                    .iter()
                    .flat_map(|f| f.iter().filter(|(_, k)| k.abs() > 1e-12).map(|(c, _)| *c))
                    .filter(|c| !tried.contains(c))
                    .collect();
                if round >= 4 {
                    candidates.extend(self.near(b).into_iter().filter(|c| !tried.contains(c)));
                }
                let Some((_, c)) = self.cheapest(b, candidates) else {
                    break;
                };
                tried.push(c);
                let mut w = self.withheld[b].clone();
                w[c] = true;
                let mut trial = GroupAudit::new(&w, &self.blocks[b].within);
                for (_, form) in &learned {
                    trial.add(form);
                }
                if !trial.exposed().contains(&exposed) {
                    inside = Some(c);
                    break;
                }
            }
            let mut choice = match inside {
                Some(c) => vec![(b, c)],
                // Another block's cell in a total: the cheapest whose
                // withholding leaves the exposed cell undetermined, judged
                // by adding the cell's column of parts to the other blocks'
                // span; failing that, the cheapest in any learned total.
                None => {
                    let mut candidates: Vec<(u64, usize, usize)> = leaders
                        .iter()
                        .flatten()
                        .filter(|&&(_, h, c)| h != b && !self.withheld[h][c])
                        .copied()
                        .collect();
                    candidates.sort_unstable();
                    candidates.dedup();
                    let column = |h: usize, c: usize| -> Vec<f64> {
                        let mut v = vec![0.0; l];
                        for (j, f) in &self.blocks[h].parts {
                            v[*j] += f
                                .iter()
                                .filter(|(x, _)| *x == c)
                                .map(|(_, k)| k)
                                .sum::<f64>();
                        }
                        v
                    };
                    let helps = |cells: &[(usize, usize)]| -> bool {
                        let mut wider = others.clone();
                        let mut grew = false;
                        for &(h, c) in cells {
                            grew |= wider.insert(column(h, c));
                        }
                        if !grew {
                            return false;
                        }
                        let mut trial = audits[i].clone();
                        for lambda in wider.null_space(l) {
                            let mut form: Form = Vec::new();
                            for (j, x) in lambda.iter().enumerate() {
                                if x.abs() > 1e-12 {
                                    form.extend(part(b, j).into_iter().map(|(c, k)| (c, k * x)));
                                }
                            }
                            trial.add(&form);
                        }
                        !trial.exposed().contains(&exposed)
                    };
                    let learned_in = |h: usize, c: usize| {
                        let v = column(h, c);
                        learned.iter().any(|(lambda, _)| {
                            lambda.iter().zip(&v).map(|(a, b)| a * b).sum::<f64>().abs() > 1e-12
                        })
                    };
                    // One partner; else two in one block (the corners of a
                    // rectangle, when the exposed cell is pinned by two
                    // totals at once); else any cell in a learned total, to
                    // make progress.
                    let single = candidates
                        .iter()
                        .find(|&&(_, h, c)| helps(&[(h, c)]))
                        .map(|&(_, h, c)| vec![(h, c)]);
                    single
                        .or_else(|| {
                            let mut blocks: Vec<usize> = Vec::new();
                            for &(_, h, _) in &candidates {
                                if !blocks.contains(&h) && blocks.len() < 6 {
                                    blocks.push(h);
                                }
                            }
                            let mut best: Option<(u64, Vec<(usize, usize)>)> = None;
                            for h in blocks {
                                let cells: Vec<(u64, usize)> = candidates
                                    .iter()
                                    .filter(|&&(_, x, _)| x == h)
                                    .map(|&(cost, _, c)| (cost, c))
                                    .take(8)
                                    .collect();
                                for (a, &(ca, x)) in cells.iter().enumerate() {
                                    for &(cb, y) in &cells[a + 1..] {
                                        let cost = ca + cb;
                                        if best.as_ref().is_some_and(|(b, _)| *b <= cost) {
                                            continue;
                                        }
                                        if helps(&[(h, x), (h, y)]) {
                                            best = Some((cost, vec![(h, x), (h, y)]));
                                        }
                                    }
                                }
                            }
                            best.map(|(_, cells)| cells)
                        })
                        .or_else(|| {
                            candidates
                                .iter()
                                .find(|&&(_, h, c)| learned_in(h, c))
                                .map(|&(_, h, c)| vec![(h, c)])
                        })
                        .unwrap_or_default()
                }
            };
            if choice.is_empty() && self.settled {
                // Beside settled blocks, a cell outside every total may be
                // what frees the exposed one (a proportion's `of`, when its
                // count and complement are withheld). Judge any published
                // cell of an unsettled block by its block's whole span.
                'blocks: for h in 0..self.blocks.len() {
                    let block = &self.blocks[h];
                    if h == b || block.frozen.iter().all(|f| *f) || block.parts.is_empty() {
                        continue;
                    }
                    let mut cells: Vec<(u64, usize)> = (0..block.values.len())
                        .filter(|&c| {
                            !self.withheld[h][c] && block.values[c] > 0 && !block.frozen[c]
                        })
                        .map(|c| (block.cost[c], c))
                        .collect();
                    cells.sort_unstable();
                    let rest: Echelon = involved
                        .iter()
                        .zip(&spans)
                        .filter(|&(&x, _)| x != b && x != h)
                        .fold(Echelon::default(), |e, (_, s)| e.merged(s));
                    for (_, c) in cells {
                        let mut w = self.withheld[h].clone();
                        w[c] = true;
                        let a = GroupAudit::new(&w, &block.within);
                        let residuals: Vec<Vec<f64>> =
                            (0..l).map(|j| a.residual(&part(h, j))).collect();
                        let mut span = rest.clone();
                        for i in 0..a.cells.len() {
                            span.insert(residuals.iter().map(|r| r[i]).collect());
                        }
                        let mut trial = audits[i].clone();
                        for lambda in span.null_space(l) {
                            let mut form: Form = Vec::new();
                            for (j, x) in lambda.iter().enumerate() {
                                if x.abs() > 1e-12 {
                                    form.extend(part(b, j).into_iter().map(|(c, k)| (c, k * x)));
                                }
                            }
                            trial.add(&form);
                        }
                        if !trial.exposed().contains(&exposed) {
                            choice = vec![(h, c)];
                            break 'blocks;
                        }
                    }
                }
            }
            if choice.is_empty() {
                self.stuck = true;
            }
            for (h, c) in choice {
                if !self.withheld[h][c] {
                    self.withhold(h, c);
                    dirty[h] = true;
                    dirty[b] = true;
                    changed = true;
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-way table with margins: `rows` blocks of `cols` cells plus a
    /// row total, and a totals block of column totals and the grand total.
    fn two_way(table: &[Vec<u64>]) -> (Vec<Block>, usize) {
        let cols = table[0].len();
        let mut blocks = Vec::new();
        let mut column_totals = vec![0; cols + 1];
        for row in table {
            let mut values = row.clone();
            values.push(row.iter().sum());
            for (t, v) in column_totals.iter_mut().zip(&values) {
                *t += v;
            }
            let mut b = Block::new(values, 1);
            b.sum(cols, 0..cols);
            b.parts = (0..=cols).map(|j| (j, vec![(j, 1.0)])).collect();
            blocks.push(b);
        }
        let mut t = Block::new(column_totals, 1);
        t.sum(cols, 0..cols);
        t.parts = (0..=cols).map(|j| (j, vec![(j, -1.0)])).collect();
        blocks.push(t);
        (blocks, cols + 1)
    }

    #[test]
    fn a_lone_small_cell_gets_partners_in_its_row_and_column() {
        let (blocks, totals) = two_way(&[vec![3, 40, 50], vec![60, 70, 80], vec![90, 20, 30]]);
        let w = suppress(&blocks, totals, 10);
        assert!(w[0][0]);
        // A partner in its row and one in its column, and a fourth cell
        // closing the rectangle.
        assert!(w[0][1..3].iter().any(|x| *x));
        assert!(w[1..3].iter().any(|r| r[0]));
        let count: usize = w.iter().map(|r| r.iter().filter(|x| **x).count()).sum();
        assert!(count >= 4, "{w:?}");
    }

    #[test]
    fn nothing_small_withholds_nothing() {
        let (blocks, totals) = two_way(&[vec![0, 40], vec![60, 0]]);
        let w = suppress(&blocks, totals, 10);
        assert!(w.iter().flatten().all(|x| !x));
    }
}
