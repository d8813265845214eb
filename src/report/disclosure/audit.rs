//! The linear algebra of the disclosure audit: reduced row echelon forms
//! over the withheld cells of one group, residuals modulo them, and the
//! small subspaces (one coordinate per cross-group total) that say which
//! combinations of totals another group lets an attacker subtract.
//!
//! Every relation here has small integer coefficients, so elimination in
//! `f64` with a tolerance of 1e-9 is exact in practice.

const TOLERANCE: f64 = 1e-9;

/// A linear form over one group's cells: (local cell, coefficient).
pub(crate) type Form = Vec<(usize, f64)>;

/// A basis in reduced row echelon form: each row with its pivot column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Echelon {
    pub(crate) rows: Vec<(usize, Vec<f64>)>,
}

impl Echelon {
    /// Reduces `v` by the basis in place (pivot columns become zero).
    pub(crate) fn reduce(&self, v: &mut [f64]) {
        for (pivot, row) in &self.rows {
            let c = v[*pivot];
            if c.abs() > TOLERANCE {
                for (x, y) in v.iter_mut().zip(row) {
                    *x -= c * y;
                }
            }
        }
    }

    /// Adds `v` to the basis if it is independent; keeps the form reduced.
    pub(crate) fn insert(&mut self, mut v: Vec<f64>) -> bool {
        self.reduce(&mut v);
        let Some(pivot) = (0..v.len()).max_by(|&a, &b| v[a].abs().total_cmp(&v[b].abs())) else {
            return false;
        };
        let p = v[pivot];
        if p.abs() <= TOLERANCE {
            return false;
        }
        for x in &mut v {
            *x /= p;
            if x.abs() <= TOLERANCE {
                *x = 0.0;
            }
        }
        for (_, row) in &mut self.rows {
            let c = row[pivot];
            if c.abs() > TOLERANCE {
                for (x, y) in row.iter_mut().zip(&v) {
                    *x -= c * y;
                }
            }
        }
        self.rows.push((pivot, v));
        true
    }

    /// The rank.
    pub(crate) fn rank(&self) -> usize {
        self.rows.len()
    }

    /// A basis of the null space of the rows, over `width` columns.
    pub(crate) fn null_space(&self, width: usize) -> Vec<Vec<f64>> {
        let mut is_pivot = vec![false; width];
        for (p, _) in &self.rows {
            is_pivot[*p] = true;
        }
        (0..width)
            .filter(|&free| !is_pivot[free])
            .map(|free| {
                let mut v = vec![0.0; width];
                v[free] = 1.0;
                for (p, row) in &self.rows {
                    v[*p] = -row[free];
                }
                v
            })
            .collect()
    }

    /// The span of two bases.
    pub(crate) fn merged(&self, other: &Echelon) -> Echelon {
        let mut out = self.clone();
        for (_, row) in &other.rows {
            out.insert(row.clone());
        }
        out
    }
}

/// The audit of one group, kept up to date as its cells are withheld.
///
/// The relations are held as full rows over every cell of the group, in
/// two sets:
///
/// - `rows`: a basis in reduced row echelon form *on the withheld
///   columns*, each row with its pivot (a withheld cell): no other row has
///   an entry at a pivot;
/// - `spare`: relations that are zero on every withheld column, that is,
///   relations among published counts only.
///
/// Together they span every known relation. Restricted to the withheld
/// columns, `rows` is the reduced echelon form of the relations restricted
/// to them, so a withheld count is pinned exactly when its row has no
/// other withheld entry. Withholding one more cell `c` needs no new
/// elimination: a spare relation with an entry at `c` becomes the row with
/// pivot `c`, and is subtracted from every other row with an entry there,
/// which keeps both sets as described (the new row is zero on the other
/// withheld columns). So the audit costs one elimination per group, and
/// each later withheld cell a few row operations.
#[derive(Clone, Debug)]
pub(crate) struct GroupAudit {
    /// Cells in the group.
    width: usize,
    withheld: Vec<bool>,
    /// The withheld cells, in the order they were withheld: the columns of
    /// [`GroupAudit::residual`].
    pub(crate) cells: Vec<usize>,
    /// Pivot of each row of `rows`.
    pivots: Vec<usize>,
    /// Rows with a pivot, `width` entries each.
    rows: Vec<f64>,
    /// Rows zero on the withheld columns, `width` entries each.
    spare: Vec<f64>,
    /// Scratch space: a row, and the cells where a row is not zero.
    scratch: Vec<f64>,
    support: Vec<usize>,
}

impl GroupAudit {
    /// The audit of relations `forms` over `width` cells, of which those
    /// marked in `withheld` are unknown.
    pub(crate) fn new<'a>(withheld: &[bool], forms: impl IntoIterator<Item = &'a Form>) -> Self {
        let width = withheld.len();
        let mut audit = Self {
            width,
            withheld: vec![false; width],
            cells: Vec::new(),
            pivots: Vec::new(),
            rows: Vec::new(),
            spare: Vec::new(),
            scratch: Vec::with_capacity(width),
            support: Vec::with_capacity(width),
        };
        for (cell, w) in withheld.iter().enumerate() {
            if *w {
                audit.withheld[cell] = true;
                audit.cells.push(cell);
            }
        }
        let mut v = vec![0.0; width];
        for form in forms {
            dense(form, &mut v);
            audit.insert(&mut v);
        }
        audit
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.rows[i * self.width..(i + 1) * self.width]
    }

    /// Adds the relation `v` (dense, over every cell; used as scratch).
    fn insert(&mut self, v: &mut [f64]) {
        for i in 0..self.pivots.len() {
            let c = v[self.pivots[i]];
            if c.abs() > TOLERANCE {
                let row = &self.rows[i * self.width..(i + 1) * self.width];
                for (x, y) in v.iter_mut().zip(row) {
                    *x -= c * y;
                }
            }
        }
        let mut pivot = None;
        let mut best = TOLERANCE;
        let mut any = false;
        for (cell, x) in v.iter_mut().enumerate() {
            if x.abs() <= TOLERANCE {
                *x = 0.0;
                continue;
            }
            any = true;
            if self.withheld[cell] && x.abs() > best {
                best = x.abs();
                pivot = Some(cell);
            }
        }
        match pivot {
            Some(p) => self.push_row(p, v),
            None if any => self.spare.extend_from_slice(v),
            None => {}
        }
    }

    /// Makes `v` the row with pivot `p`: scales it, and clears `p` from
    /// every other row and spare relation.
    fn push_row(&mut self, p: usize, v: &mut [f64]) {
        let width = self.width;
        let scale = v[p];
        let mut support = std::mem::take(&mut self.support);
        support.clear();
        for (cell, x) in v.iter_mut().enumerate() {
            *x /= scale;
            if x.abs() <= TOLERANCE {
                *x = 0.0;
            } else {
                support.push(cell);
            }
        }
        v[p] = 1.0;
        let mut emptied = false;
        for (rows, spare) in [(&mut self.rows, false), (&mut self.spare, true)] {
            for row in rows.chunks_exact_mut(width) {
                let c = row[p];
                if c != 0.0 {
                    for &j in &support {
                        let x = &mut row[j];
                        *x -= c * v[j];
                        if x.abs() <= TOLERANCE {
                            *x = 0.0;
                        }
                    }
                    row[p] = 0.0;
                    emptied |= spare && row.iter().all(|x| *x == 0.0);
                }
            }
        }
        if emptied {
            drop_zero_rows(&mut self.spare, width);
        }
        self.support = support;
        self.pivots.push(p);
        self.rows.extend_from_slice(v);
    }

    /// Withholds one more cell.
    pub(crate) fn withhold(&mut self, cell: usize) {
        if self.withheld[cell] {
            return;
        }
        self.withheld[cell] = true;
        self.cells.push(cell);
        // The spare relation with the largest entry at `cell` becomes its
        // row; without one the cell is a free column of every row.
        let width = self.width;
        let best = self
            .spare
            .chunks_exact(width)
            .enumerate()
            .filter(|(_, row)| row[cell].abs() > TOLERANCE)
            .max_by(|(_, a), (_, b)| a[cell].abs().total_cmp(&b[cell].abs()))
            .map(|(i, _)| i);
        if let Some(i) = best {
            // Take the row out (the last spare row takes its place).
            let last = self.spare.len() / width - 1;
            let mut v = std::mem::take(&mut self.scratch);
            v.clear();
            v.extend_from_slice(&self.spare[i * width..(i + 1) * width]);
            self.spare
                .copy_within(last * width..(last + 1) * width, i * width);
            self.spare.truncate(last * width);
            self.push_row(cell, &mut v);
            self.scratch = v;
        }
    }

    /// Adds a relation.
    pub(crate) fn add(&mut self, form: &Form) {
        let mut v = vec![0.0; self.width];
        dense(form, &mut v);
        self.insert(&mut v);
    }

    /// The withheld cells the relations pin to one value.
    pub(crate) fn exposed(&self) -> Vec<usize> {
        (0..self.pivots.len())
            .filter(|&i| {
                let row = self.row(i);
                self.cells
                    .iter()
                    .all(|&c| c == self.pivots[i] || row[c] == 0.0)
            })
            .map(|i| self.pivots[i])
            .collect()
    }

    /// The withheld cell pinned most recently (by the row made last), other
    /// than those in `skip`.
    pub(crate) fn last_exposed(&self, skip: &[usize]) -> Option<usize> {
        (0..self.pivots.len())
            .rev()
            .map(|i| (i, self.pivots[i]))
            .find(|&(i, p)| {
                let row = self.row(i);
                !skip.contains(&p) && self.cells.iter().all(|&c| c == p || row[c] == 0.0)
            })
            .map(|(_, p)| p)
    }

    /// What is left of a form, on the withheld cells (in the order of
    /// `cells`), once the known relations are subtracted.
    pub(crate) fn residual(&self, form: &Form) -> Vec<f64> {
        let mut v = vec![0.0; self.width];
        dense(form, &mut v);
        for (i, &p) in self.pivots.iter().enumerate() {
            let c = v[p];
            if c.abs() > TOLERANCE {
                for (x, y) in v.iter_mut().zip(self.row(i)) {
                    *x -= c * y;
                }
            }
        }
        self.cells
            .iter()
            .map(|&c| if v[c].abs() > TOLERANCE { v[c] } else { 0.0 })
            .collect()
    }
}

/// Writes `form` into the dense row `v`.
fn dense(form: &Form, v: &mut [f64]) {
    v.fill(0.0);
    for &(cell, k) in form {
        v[cell] += k;
    }
}

fn drop_zero_rows(rows: &mut Vec<f64>, width: usize) {
    let mut kept = 0;
    for i in 0..rows.len() / width {
        if rows[i * width..(i + 1) * width].iter().any(|x| *x != 0.0) {
            if kept != i {
                rows.copy_within(i * width..(i + 1) * width, kept * width);
            }
            kept += 1;
        }
    }
    rows.truncate(kept * width);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_unknown_in_a_sum_is_pinned() {
        // a + b = c with b withheld: b is pinned.
        let form: Form = vec![(0, 1.0), (1, 1.0), (2, -1.0)];
        let audit = GroupAudit::new(&[false, true, false], [&form]);
        assert_eq!(audit.exposed(), vec![1]);
        // With two unknowns it is not.
        let audit = GroupAudit::new(&[true, true, false], [&form]);
        assert!(audit.exposed().is_empty());
        // Two relations over the same two unknowns pin both.
        let a: Form = vec![(0, 1.0), (1, 1.0)];
        let b: Form = vec![(0, 1.0), (1, -1.0)];
        let mut got = GroupAudit::new(&[true, true], [&a, &b]).exposed();
        got.sort_unstable();
        assert_eq!(got, vec![0, 1]);
    }

    /// Zero rows are dropped and the rows after them move up intact, in
    /// order, whatever the width.
    #[test]
    fn dropping_zero_rows_keeps_the_others_in_order() {
        let mut rows = vec![
            0.0, 0.0, 0.0, // dropped
            1.0, 2.0, 3.0, //
            0.0, 0.0, 0.0, // dropped
            0.0, 0.0, 0.0, // dropped
            4.0, 0.0, 5.0, //
            0.0, 6.0, 0.0, //
        ];
        drop_zero_rows(&mut rows, 3);
        assert_eq!(rows, vec![1.0, 2.0, 3.0, 4.0, 0.0, 5.0, 0.0, 6.0, 0.0]);
        let mut none = vec![0.0; 8];
        drop_zero_rows(&mut none, 4);
        assert!(none.is_empty());
    }

    #[test]
    fn null_space_and_merge() {
        let mut e = Echelon::default();
        assert!(e.insert(vec![1.0, 1.0, 0.0]));
        assert!(!e.insert(vec![2.0, 2.0, 0.0]));
        let null = e.null_space(3);
        assert_eq!(null.len(), 2);
        for v in &null {
            assert!((v[0] + v[1]).abs() < 1e-12);
        }
        let mut f = Echelon::default();
        f.insert(vec![0.0, 0.0, 1.0]);
        assert_eq!(e.merged(&f).rank(), 2);
    }

    /// Withholding cells one at a time leaves the audit as building it
    /// afresh would: the same pinned cells, and the same residuals.
    #[test]
    fn withholding_keeps_the_audit_as_a_fresh_one() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..300 {
            let width = 3 + next(10) as usize;
            let forms: Vec<Form> = (0..1 + next(8))
                .map(|_| {
                    (0..2 + next(4))
                        .map(|_| (next(width as u64) as usize, next(5) as f64 - 2.0))
                        .collect()
                })
                .collect();
            let mut withheld = vec![false; width];
            withheld[next(width as u64) as usize] = true;
            let mut audit = GroupAudit::new(&withheld, &forms);
            for _ in 0..width {
                let cell = next(width as u64) as usize;
                withheld[cell] = true;
                audit.withhold(cell);
                let fresh = GroupAudit::new(&withheld, &forms);
                let sorted = |mut v: Vec<usize>| {
                    v.sort_unstable();
                    v
                };
                assert_eq!(sorted(audit.exposed()), sorted(fresh.exposed()));
                for form in &forms {
                    let (a, b) = (audit.residual(form), fresh.residual(form));
                    let by_cell = |audit: &GroupAudit, r: Vec<f64>| {
                        let mut v: Vec<(usize, f64)> = audit.cells.iter().copied().zip(r).collect();
                        v.sort_by_key(|(c, _)| *c);
                        v
                    };
                    // Residuals are unique only up to the row space, so
                    // compare whether each form is fully determined.
                    let zero = |v: &[(usize, f64)]| v.iter().all(|(_, x)| x.abs() < 1e-9);
                    assert_eq!(zero(&by_cell(&audit, a)), zero(&by_cell(&fresh, b)));
                }
            }
        }
    }
}
