//! Exact values at the edges of the rules: the tie, the boundary and the
//! degenerate case of each comparison in the funnel and the impact
//! analysis, where a test of typical data passes whichever way the rule
//! was written.

mod disclosure;
mod funnel;
mod impact;
mod statistics;
