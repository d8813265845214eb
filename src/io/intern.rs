//! A small interner from raw cell bytes to a value, for columns with few
//! distinct values (stages, outcomes, categories).
//!
//! Columns like these repeat a handful of values millions of times, so the
//! common lookup is a comparison with the last hit or a short scan, not a
//! hash. Past [`SCAN`] distinct values (a free-text column, or garbage) it
//! falls back to a hash map, so no input makes it quadratic.

use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// Distinct values kept in the scanned list before the hash map takes over.
const SCAN: usize = 16;

#[derive(Debug, Clone)]
pub(super) struct Interner<T> {
    scanned: Vec<(Box<[u8]>, T)>,
    hashed: HashMap<Box<[u8]>, T>,
    last: usize,
}

impl<T: Copy> Interner<T> {
    pub(super) fn new() -> Self {
        Self {
            scanned: Vec::new(),
            hashed: HashMap::new(),
            last: 0,
        }
    }

    /// The value of these exact bytes, if they were inserted.
    #[inline]
    pub(super) fn get(&mut self, raw: &[u8]) -> Option<T> {
        if let Some((bytes, value)) = self.scanned.get(self.last) {
            if same(bytes, raw) {
                return Some(*value);
            }
        }
        if let Some(i) = self.scanned.iter().position(|(bytes, _)| same(bytes, raw)) {
            self.last = i;
            return Some(self.scanned[i].1);
        }
        if self.hashed.is_empty() {
            None
        } else {
            self.hashed.get(raw).copied()
        }
    }

    /// Remembers the value of these bytes (not already present).
    pub(super) fn insert(&mut self, raw: &[u8], value: T) {
        if self.scanned.len() < SCAN {
            self.scanned.push((raw.into(), value));
        } else {
            self.hashed.insert(raw.into(), value);
        }
    }
}

/// Whether two short byte strings are equal: cells are mostly under 16
/// bytes, where two word compares beat a call to `memcmp`.
#[inline]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_le_bytes)
    };
    match n {
        0 => true,
        1..=7 => a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0,
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// Many byte strings (candidate ids) to dense ids `0..len`, the strings
/// kept end to end in one arena: a million candidates cost a few large
/// allocations, not a million small ones.
///
/// While the strings arrive in increasing order (an export sorted by
/// candidate), a string greater than the last is new and needs no lookup
/// at all: on this kind of machine a lookup in a table of a million is a
/// cache and TLB miss, dearer than parsing the row. The first string out of
/// order builds the index, and lookups use it from then on.
///
/// The index maps a keyed SipHash of each string (random keys, so no input
/// can force collisions) to its id, and checks the string itself on every
/// hit. Strings whose 64-bit hashes collide go to a second map.
#[derive(Debug, Default)]
pub(super) struct KeyTable<S = RandomState> {
    arena: Vec<u8>,
    ends: Vec<usize>,
    /// Whether the index is built: once a string came out of order.
    indexed: bool,
    by_hash: HashMap<u64, u32, BuildHasherDefault<Prehashed>>,
    collided: HashMap<Box<[u8]>, u32>,
    state: S,
}

impl<S: BuildHasher> KeyTable<S> {
    /// The id of `key`, if present, and its hash for [`KeyTable::insert`].
    #[inline]
    pub(super) fn get(&mut self, key: &[u8]) -> (Option<u32>, u64) {
        if !self.indexed {
            let Some(last) = self.ends.len().checked_sub(1) else {
                return (None, 0);
            };
            // Fewer than u32::MAX keys: the caller caps them.
            let last = last as u32;
            match key.cmp(self.key(last)) {
                std::cmp::Ordering::Greater => return (None, 0),
                std::cmp::Ordering::Equal => return (Some(last), 0),
                std::cmp::Ordering::Less => self.index(),
            }
        }
        let hash = self.state.hash_one(key);
        let id = match self.by_hash.get(&hash) {
            Some(&id) if self.key(id) == key => Some(id),
            Some(_) => self.collided.get(key).copied(),
            None => None,
        };
        (id, hash)
    }

    /// Adds `key`, absent, with the hash [`KeyTable::get`] gave; returns its
    /// id. The caller keeps the table below `u32::MAX` keys.
    pub(super) fn insert(&mut self, key: &[u8], hash: u64) -> u32 {
        let id = self.ends.len() as u32;
        self.arena.extend_from_slice(key);
        self.ends.push(self.arena.len());
        if self.indexed {
            self.enter(key, hash, id);
        }
        id
    }

    /// Builds the index of every key so far.
    fn index(&mut self) {
        self.indexed = true;
        self.by_hash.reserve(self.ends.len());
        for id in 0..self.ends.len() {
            // Fewer than u32::MAX keys: the caller caps them.
            let id = id as u32;
            let (start, end) = self.span(id);
            let hash = self.state.hash_one(&self.arena[start..end]);
            match self.by_hash.entry(hash) {
                Entry::Vacant(slot) => {
                    slot.insert(id);
                }
                Entry::Occupied(_) => {
                    self.collided.insert(self.arena[start..end].into(), id);
                }
            }
        }
    }

    fn enter(&mut self, key: &[u8], hash: u64, id: u32) {
        match self.by_hash.entry(hash) {
            Entry::Vacant(slot) => {
                slot.insert(id);
            }
            Entry::Occupied(_) => {
                self.collided.insert(key.into(), id);
            }
        }
    }

    /// Where key `id` lies in the arena.
    fn span(&self, id: u32) -> (usize, usize) {
        let i = id as usize;
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        (start, self.ends.get(i).copied().unwrap_or(start).max(start))
    }

    /// The key with this id (empty if there is none).
    pub(super) fn key(&self, id: u32) -> &[u8] {
        let (start, end) = self.span(id);
        self.arena.get(start..end).unwrap_or_default()
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Room for `more` keys of about `bytes_each` bytes, if memory allows
    /// (a failed reservation only means growing as usual).
    pub(super) fn reserve(&mut self, more: usize, bytes_each: usize) {
        if self.indexed {
            let _ = self.by_hash.try_reserve(more);
        }
        let _ = self.ends.try_reserve(more);
        let _ = self.arena.try_reserve(more.saturating_mul(bytes_each));
    }
}

/// A hasher for keys that already are hashes.
#[derive(Debug, Default)]
pub(super) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_agrees_with_equality() {
        let words: Vec<Vec<u8>> = [
            "",
            "a",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "xbcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnopr",
        ]
        .iter()
        .map(|w| w.as_bytes().to_vec())
        .collect();
        for a in &words {
            for b in &words {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn finds_what_was_inserted_past_the_scanned_list() {
        let mut interner = Interner::new();
        for i in 0..100u32 {
            assert_eq!(interner.get(i.to_string().as_bytes()), None);
            interner.insert(i.to_string().as_bytes(), i);
        }
        for i in (0..100u32).rev() {
            assert_eq!(interner.get(i.to_string().as_bytes()), Some(i));
        }
        assert_eq!(interner.get(b""), None);
        assert_eq!(interner.get(b"100"), None);
    }

    #[test]
    fn key_table_round_trips_in_order_and_out_of_order() {
        let mut table: KeyTable = KeyTable::default();
        for i in 0..1000u32 {
            let key = format!("APP-{i:04}");
            let (found, hash) = table.get(key.as_bytes());
            assert_eq!(found, None);
            assert_eq!(table.insert(key.as_bytes(), hash), i);
            assert_eq!(table.get(key.as_bytes()).0, Some(i));
        }
        assert!(!table.indexed, "sorted keys need no index");
        assert_eq!(table.get(b"APP-0500").0, Some(500));
        assert!(table.indexed);
        for i in 0..1000u32 {
            let key = format!("APP-{i:04}");
            assert_eq!(table.get(key.as_bytes()).0, Some(i));
        }
        let (found, hash) = table.get(b"APP-0000x");
        assert_eq!(found, None);
        assert_eq!(table.insert(b"APP-0000x", hash), 1000);
        assert_eq!(table.get(b"APP-0000x").0, Some(1000));
    }

    #[test]
    fn key_table_round_trips() {
        let mut table: KeyTable = KeyTable::default();
        for i in 0..1000u32 {
            let key = format!("APP-{i}");
            let (found, hash) = table.get(key.as_bytes());
            assert_eq!(found, None);
            assert_eq!(table.insert(key.as_bytes(), hash), i);
        }
        for i in 0..1000u32 {
            let key = format!("APP-{i}");
            assert_eq!(table.get(key.as_bytes()).0, Some(i));
            assert_eq!(table.key(i), key.as_bytes());
        }
        assert_eq!(table.get(b"APP-1000").0, None);
        assert_eq!(table.key(5000), b"");
        assert_eq!(table.len(), 1000);
    }

    /// Hashes everything alike: every key collides.
    #[derive(Debug, Default)]
    struct Constant;

    impl Hasher for Constant {
        fn finish(&self) -> u64 {
            7
        }
        fn write(&mut self, _: &[u8]) {}
    }

    #[test]
    fn key_table_survives_hash_collisions() {
        let mut table: KeyTable<BuildHasherDefault<Constant>> = KeyTable::default();
        for key in ["c", "b", "a"] {
            let (found, hash) = table.get(key.as_bytes());
            assert_eq!(found, None);
            table.insert(key.as_bytes(), hash);
        }
        assert_eq!(table.get(b"c").0, Some(0));
        assert_eq!(table.get(b"b").0, Some(1));
        assert_eq!(table.get(b"a").0, Some(2));
        assert_eq!(table.get(b"d").0, None);
        assert_eq!(table.collided.len(), 2);
    }
}
