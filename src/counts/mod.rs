//! TODO guide for counts.

pub(crate) mod funnel_counts;
pub(crate) mod headcount;
pub(crate) mod rate_basis;
pub(crate) mod stage_time;

pub use funnel_counts::{CountRecord, Counting, FunnelCounts, StageCounts};
pub use headcount::{Headcount, HeadcountRecord};
pub use rate_basis::RateBasis;
pub use stage_time::{DaysSummary, StageTimes};
