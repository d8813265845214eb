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

    /// Columns a single-entry row pins: the unknowns the basis determines.
    pub(crate) fn pinned(&self) -> impl Iterator<Item = usize> + '_ {
        self.rows.iter().filter_map(|(pivot, row)| {
            let others = row
                .iter()
                .enumerate()
                .any(|(j, x)| j != *pivot && x.abs() > TOLERANCE);
            (!others).then_some(*pivot)
        })
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

/// The audit of one group: its withheld cells as unknowns, and the
/// echelon form of every known relation restricted to them.
#[derive(Clone)]
pub(crate) struct GroupAudit {
    /// Column of each local cell, if withheld.
    pub(crate) column: Vec<Option<usize>>,
    /// The local cell of each column.
    pub(crate) cells: Vec<usize>,
    pub(crate) echelon: Echelon,
}

impl GroupAudit {
    pub(crate) fn new<'a>(withheld: &[bool], forms: impl IntoIterator<Item = &'a Form>) -> Self {
        let mut column = vec![None; withheld.len()];
        let mut cells = Vec::new();
        for (i, w) in withheld.iter().enumerate() {
            if *w {
                column[i] = Some(cells.len());
                cells.push(i);
            }
        }
        let mut audit = Self {
            column,
            cells,
            echelon: Echelon::default(),
        };
        for form in forms {
            audit.add(form);
        }
        audit
    }

    /// The form restricted to the withheld cells, if it touches any.
    pub(crate) fn restrict(&self, form: &Form) -> Option<Vec<f64>> {
        if !form.iter().any(|(cell, _)| self.column[*cell].is_some()) {
            return None;
        }
        let mut v = vec![0.0; self.cells.len()];
        let mut any = false;
        for &(cell, c) in form {
            if let Some(j) = self.column[cell] {
                v[j] += c;
                any = true;
            }
        }
        any.then_some(v)
    }

    pub(crate) fn add(&mut self, form: &Form) {
        if let Some(v) = self.restrict(form) {
            self.echelon.insert(v);
        }
    }

    /// The withheld local cells the relations pin to one value.
    pub(crate) fn exposed(&self) -> Vec<usize> {
        self.echelon.pinned().map(|j| self.cells[j]).collect()
    }

    /// What is left of a form once the known relations are subtracted.
    pub(crate) fn residual(&self, form: &Form) -> Vec<f64> {
        let mut v = self
            .restrict(form)
            .unwrap_or_else(|| vec![0.0; self.cells.len()]);
        self.echelon.reduce(&mut v);
        v
    }
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
}
