//! What a load of outside data sets aside, and the stage orders it finds
//! contradicted: plain values that errors and load reports both carry.

use std::fmt;

/// A row set aside by a lenient load.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SetAside {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    /// The row's candidate (external id), when it could be read.
    pub candidate: Option<String>,
    /// Why: the error a strict load would have stopped with, or the journey
    /// problem the row was set aside with.
    pub reason: String,
}

/// One step of a contradictory stage order: candidates who went from one
/// stage straight to another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderConflict {
    /// The stage they went from.
    pub from: String,
    /// The stage they went to next.
    pub to: String,
    /// Up to two of them (external ids), the first in the file.
    pub candidates: Vec<String>,
    /// How many journeys took this step.
    pub journeys: u64,
}

impl fmt::Display for OrderConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let named = self.candidates.len() as u64;
        let others = self.journeys.saturating_sub(named);
        f.write_str(&self.candidates.join(" and "))?;
        match others {
            0 => {}
            1 => f.write_str(" and 1 other")?,
            n => write!(f, " and {n} others")?,
        }
        let verb = if self.journeys == 1 { "goes" } else { "go" };
        write!(f, " {verb} {} → {}", self.from, self.to)
    }
}

/// Where a row of Arrow or Parquet input is: the record batch and the
/// row in it, or, for Parquet, the file, the row group and the row in it;
/// each counted from 0, as Arrow and Parquet count them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArrowPlace {
    /// The Parquet file, or none for record batches given directly.
    pub file: Option<String>,
    /// The batch among the batches given, or the row group in the file.
    pub batch: u64,
    /// The row in the batch or row group.
    pub row: u64,
}

impl fmt::Display for ArrowPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(
                f,
                "parquet {file}, row group {}, row {}",
                self.batch, self.row
            ),
            None => write!(f, "arrow batch {}, row {}", self.batch, self.row),
        }
    }
}
