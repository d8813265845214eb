//! Inferring a stage order from the order candidates pass through stages.
//!
//! Each candidate's sequence contributes a precedence edge between each pair
//! of consecutive stages. A topological sort of those edges is the stage
//! order; stages the edges do not order (never seen in sequence) keep the
//! order they first appeared in. A cycle means candidates contradict each
//! other.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// No journey: an unused example slot.
pub(super) const NONE: u32 = u32::MAX;

/// Stages up to which edges live in a dense matrix (256² cells).
const DENSE: usize = 256;

/// The evidence for one precedence edge: how many journeys take it, and
/// the first two of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Edge {
    pub(super) count: u64,
    pub(super) examples: [u32; 2],
}

impl Edge {
    const EMPTY: Edge = Edge {
        count: 0,
        examples: [NONE; 2],
    };

    fn add(&mut self, journey: u32) {
        if self.count < 2 && self.examples[0] != journey {
            self.examples[usize::from(self.count != 0)] = journey;
        }
        self.count += 1;
    }

    /// Adds the evidence of later journeys: the same as adding them one
    /// by one after these, since an edge's first journey is always its
    /// first example.
    fn absorb(&mut self, later: Edge) {
        if later.count == 0 {
            return;
        }
        match self.count {
            0 => self.examples = later.examples,
            1 if later.examples[0] != self.examples[0] => self.examples[1] = later.examples[0],
            _ => {}
        }
        self.count += later.count;
    }
}

/// Precedence edges between stages, by interned stage id.
#[derive(Debug)]
pub(super) struct Edges {
    stages: usize,
    present: Vec<bool>,
    dense: Vec<Edge>,
    sparse: HashMap<(u16, u16), Edge>,
}

/// The outcome of a topological sort.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Sorted {
    /// The stages in order (only stages some journey used).
    Order(Vec<u16>),
    /// A cycle of edges, each leading to the next; the last leads back to
    /// the first's start.
    Cycle(Vec<(u16, u16)>),
}

impl Edges {
    /// No edges among `stages` stage ids.
    pub(super) fn new(stages: usize) -> Self {
        let dense = if stages <= DENSE {
            vec![Edge::EMPTY; stages * stages]
        } else {
            Vec::new()
        };
        Self {
            stages,
            present: vec![false; stages],
            dense,
            sparse: HashMap::new(),
        }
    }

    /// Adds one journey's sequence of stage ids, in the order it went
    /// through them.
    pub(super) fn add_sequence(&mut self, journey: u32, sequence: &[u16]) {
        for &s in sequence {
            if let Some(p) = self.present.get_mut(usize::from(s)) {
                *p = true;
            }
        }
        for pair in sequence.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            if from == to || usize::from(from.max(to)) >= self.stages {
                continue;
            }
            if self.dense.is_empty() {
                self.sparse
                    .entry((from, to))
                    .or_insert(Edge::EMPTY)
                    .add(journey);
            } else {
                self.dense[usize::from(from) * self.stages + usize::from(to)].add(journey);
            }
        }
    }

    /// Adds the edges of later journeys (edges built over the same stages):
    /// the same as if their sequences had been added here, in order.
    pub(super) fn merge(&mut self, later: Edges) {
        for (mine, theirs) in self.present.iter_mut().zip(&later.present) {
            *mine |= *theirs;
        }
        for (mine, theirs) in self.dense.iter_mut().zip(later.dense) {
            mine.absorb(theirs);
        }
        for (key, theirs) in later.sparse {
            self.sparse.entry(key).or_insert(Edge::EMPTY).absorb(theirs);
        }
    }

    /// The evidence for `from → to`, if any journey took it.
    pub(super) fn edge(&self, from: u16, to: u16) -> Option<Edge> {
        let edge = if self.dense.is_empty() {
            self.sparse.get(&(from, to)).copied()
        } else {
            self.dense
                .get(usize::from(from) * self.stages + usize::from(to))
                .copied()
        };
        edge.filter(|e| e.count > 0)
    }

    fn all(&self) -> Vec<(u16, u16)> {
        let mut edges: Vec<(u16, u16)> = if self.dense.is_empty() {
            self.sparse.keys().copied().collect()
        } else {
            self.dense
                .iter()
                .enumerate()
                .filter(|(_, e)| e.count > 0)
                // Dense only below 256 stages, so both ids fit in u16.
                .map(|(i, _)| ((i / self.stages) as u16, (i % self.stages) as u16))
                .collect()
        };
        edges.sort_unstable();
        edges
    }

    /// Sorts the stages some journey used: Kahn's algorithm, taking the
    /// smallest id (the earliest to appear) whenever several are free.
    pub(super) fn sort(&self) -> Sorted {
        let n = self.stages;
        let edges = self.all();
        let mut successors: Vec<Vec<u16>> = vec![Vec::new(); n];
        let mut predecessors: Vec<Vec<u16>> = vec![Vec::new(); n];
        let mut indegree = vec![0u32; n];
        for &(from, to) in &edges {
            successors[usize::from(from)].push(to);
            predecessors[usize::from(to)].push(from);
            indegree[usize::from(to)] += 1;
        }
        let mut free: BinaryHeap<Reverse<u16>> = (0..n)
            .filter(|&s| self.present[s] && indegree[s] == 0)
            // Stage ids are u16 by construction.
            .map(|s| Reverse(s as u16))
            .collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse(s)) = free.pop() {
            order.push(s);
            for &t in &successors[usize::from(s)] {
                let d = &mut indegree[usize::from(t)];
                *d -= 1;
                if *d == 0 {
                    free.push(Reverse(t));
                }
            }
        }
        let used = self.present.iter().filter(|&&p| p).count();
        if order.len() == used {
            return Sorted::Order(order);
        }
        let left = |s: u16| indegree[usize::from(s)] > 0;
        // A direct contradiction (a → b and b → a) is the clearest to
        // report, so look for one first.
        for &(from, to) in &edges {
            if from < to && left(from) && left(to) && self.edge(to, from).is_some() {
                return Sorted::Cycle(vec![(from, to), (to, from)]);
            }
        }
        // Every stage left has a predecessor that is also left, so walking
        // back along predecessors must repeat a stage: that is a cycle.
        let Some(start) = (0..n).find(|&s| indegree[s] > 0) else {
            return Sorted::Order(order);
        };
        // Stage ids are u16 by construction.
        let mut walk: Vec<u16> = vec![start as u16];
        let mut seen_at: HashMap<u16, usize> = HashMap::from([(start as u16, 0)]);
        loop {
            let here = walk[walk.len() - 1];
            let Some(&back) = predecessors[usize::from(here)].iter().find(|&&p| left(p)) else {
                // Unreachable: a stage left over has a predecessor left over.
                return Sorted::Order(order);
            };
            if let Some(&i) = seen_at.get(&back) {
                // walk[i] = back ← ... ← here ← back: reverse it into edges.
                let mut cycle: Vec<u16> = walk[i..].to_vec();
                cycle.reverse();
                let k = cycle.len();
                return Sorted::Cycle((0..k).map(|j| (cycle[j], cycle[(j + 1) % k])).collect());
            }
            seen_at.insert(back, walk.len());
            walk.push(back);
        }
    }
}

impl Edges {
    /// An order of the stages some journey used, even when the edges have
    /// cycles: Kahn's algorithm that, when no stage is free, takes the stage
    /// with the fewest journeys coming in from the stages left (then the
    /// smallest id). Without cycles this is [`Edges::sort`]'s order.
    pub(super) fn forced_order(&self) -> Vec<u16> {
        let n = self.stages;
        let edges = self.all();
        let mut successors: Vec<Vec<(u16, u64)>> = vec![Vec::new(); n];
        let mut weight = vec![0u64; n];
        for &(from, to) in &edges {
            let count = self.edge(from, to).map_or(0, |e| e.count);
            successors[usize::from(from)].push((to, count));
            weight[usize::from(to)] += count;
        }
        // (weight in, id), smallest first; stale entries are skipped.
        let mut heap: BinaryHeap<Reverse<(u64, u16)>> = (0..n)
            .filter(|&s| self.present[s])
            // Stage ids are u16 by construction.
            .map(|s| Reverse((weight[s], s as u16)))
            .collect();
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse((w, s))) = heap.pop() {
            let i = usize::from(s);
            if done[i] || w != weight[i] {
                continue;
            }
            done[i] = true;
            order.push(s);
            for &(t, count) in &successors[i] {
                let t = usize::from(t);
                if !done[t] {
                    weight[t] -= count;
                    // Stage ids are u16 by construction.
                    heap.push(Reverse((weight[t], t as u16)));
                }
            }
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_edges_are_edges_added_in_order() {
        let sequences: Vec<(u32, Vec<u16>)> = vec![
            (0, vec![0, 1, 2]),
            (1, vec![0, 1]),
            (2, vec![1, 0]),
            (3, vec![0, 1, 3]),
            (4, vec![2, 3]),
            (5, vec![0, 1]),
        ];
        for stages in [4, 300] {
            let mut whole = Edges::new(stages);
            for (j, s) in &sequences {
                whole.add_sequence(*j, s);
            }
            for cut in 0..=sequences.len() {
                let (mut first, mut second) = (Edges::new(stages), Edges::new(stages));
                for (j, s) in &sequences[..cut] {
                    first.add_sequence(*j, s);
                }
                for (j, s) in &sequences[cut..] {
                    second.add_sequence(*j, s);
                }
                first.merge(second);
                for from in 0..4 {
                    for to in 0..4 {
                        assert_eq!(first.edge(from, to), whole.edge(from, to), "cut {cut}");
                    }
                }
                assert_eq!(first.sort(), whole.sort());
            }
        }
    }

    #[test]
    fn sorts_and_breaks_ties_by_first_appearance() {
        let mut e = Edges::new(5);
        e.add_sequence(0, &[0, 2, 3]);
        e.add_sequence(1, &[1]);
        e.add_sequence(2, &[4, 3]);
        // 0 and 1 and 4 are free from the start; 2 after 0; 3 after 2 and 4.
        assert_eq!(e.sort(), Sorted::Order(vec![0, 1, 2, 4, 3]));
        assert_eq!(
            e.edge(0, 2),
            Some(Edge {
                count: 1,
                examples: [0, NONE]
            })
        );
    }

    #[test]
    fn finds_a_direct_contradiction_first() {
        let mut e = Edges::new(3);
        e.add_sequence(0, &[0, 1, 2]);
        e.add_sequence(1, &[2, 0]);
        e.add_sequence(2, &[1, 0]);
        assert_eq!(e.sort(), Sorted::Cycle(vec![(0, 1), (1, 0)]));
    }

    #[test]
    fn finds_a_longer_cycle() {
        let mut e = Edges::new(3);
        e.add_sequence(0, &[0, 1]);
        e.add_sequence(1, &[1, 2]);
        e.add_sequence(2, &[2, 0]);
        let Sorted::Cycle(cycle) = e.sort() else {
            panic!("expected a cycle");
        };
        assert_eq!(cycle.len(), 3);
        for w in 0..3 {
            assert_eq!(cycle[w].1, cycle[(w + 1) % 3].0);
            assert!(e.edge(cycle[w].0, cycle[w].1).is_some());
        }
    }

    #[test]
    fn forced_order_breaks_cycles_at_the_weakest_stage() {
        let mut e = Edges::new(3);
        for j in 0..5 {
            e.add_sequence(j, &[0, 1, 2]);
        }
        e.add_sequence(5, &[2, 0]);
        e.add_sequence(6, &[1, 0]);
        // 0 has 2 journeys coming in, 1 has 5, 2 has 5: start at 0.
        assert_eq!(e.forced_order(), vec![0, 1, 2]);
        // Without a cycle it is the topological order.
        let mut acyclic = Edges::new(5);
        acyclic.add_sequence(0, &[0, 2, 3]);
        acyclic.add_sequence(1, &[1]);
        acyclic.add_sequence(2, &[4, 3]);
        assert_eq!(acyclic.forced_order(), vec![0, 1, 2, 4, 3]);
    }

    #[test]
    fn many_stages_use_the_sparse_form() {
        let mut e = Edges::new(1000);
        e.add_sequence(0, &[999, 5, 700]);
        e.add_sequence(1, &[5, 700]);
        assert_eq!(e.sort(), Sorted::Order(vec![999, 5, 700]));
        assert_eq!(e.edge(5, 700).map(|e| e.count), Some(2));
        assert_eq!(e.edge(5, 700).map(|e| e.examples), Some([0, 1]));
    }
}
