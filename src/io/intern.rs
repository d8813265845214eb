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
            if **bytes == *raw {
                return Some(*value);
            }
        }
        if let Some(i) = self.scanned.iter().position(|(bytes, _)| **bytes == *raw) {
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

/// Many byte strings (candidate ids) to dense ids `0..len`, the strings
/// kept end to end in one arena: a million candidates cost a few large
/// allocations, not a million small ones.
///
/// The table maps a keyed SipHash of each string (random keys, so no input
/// can force collisions) to its id, and checks the string itself on every
/// hit. Strings whose 64-bit hashes collide go to a second map.
#[derive(Debug, Default)]
pub(super) struct KeyTable<S = RandomState> {
    arena: Vec<u8>,
    ends: Vec<usize>,
    by_hash: HashMap<u64, u32, BuildHasherDefault<Prehashed>>,
    collided: HashMap<Box<[u8]>, u32>,
    state: S,
}

impl<S: BuildHasher> KeyTable<S> {
    /// The id of `key`, if present, and its hash for [`KeyTable::insert`].
    #[inline]
    pub(super) fn get(&self, key: &[u8]) -> (Option<u32>, u64) {
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
        match self.by_hash.entry(hash) {
            Entry::Vacant(slot) => {
                slot.insert(id);
            }
            Entry::Occupied(_) => {
                self.collided.insert(key.into(), id);
            }
        }
        id
    }

    /// The key with this id (empty if there is none).
    pub(super) fn key(&self, id: u32) -> &[u8] {
        let i = id as usize;
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.arena.get(start..end).unwrap_or_default()
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Room for `more` keys of about `bytes_each` bytes.
    pub(super) fn reserve(&mut self, more: usize, bytes_each: usize) {
        self.by_hash.reserve(more);
        self.ends.reserve(more);
        self.arena.reserve(more.saturating_mul(bytes_each));
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
        for key in ["a", "b", "c"] {
            let (found, hash) = table.get(key.as_bytes());
            assert_eq!(found, None);
            table.insert(key.as_bytes(), hash);
        }
        assert_eq!(table.get(b"a").0, Some(0));
        assert_eq!(table.get(b"b").0, Some(1));
        assert_eq!(table.get(b"c").0, Some(2));
        assert_eq!(table.get(b"d").0, None);
        assert_eq!(table.collided.len(), 2);
    }
}
