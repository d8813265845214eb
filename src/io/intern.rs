//! A small interner from raw cell bytes to a value, for columns with few
//! distinct values (stages, outcomes, categories).
//!
//! Columns like these repeat a handful of values millions of times, so the
//! common lookup is a comparison with the last hit or a short scan, not a
//! hash. Past [`SCAN`] distinct values (a free-text column, or garbage) it
//! falls back to a hash map, so no input makes it quadratic.

use std::collections::HashMap;

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
}
