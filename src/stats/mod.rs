//! Statistics of two-by-two tables and strata of them.
//!
//! This module is a leaf: it knows tables of counts, not candidates.
