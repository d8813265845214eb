//! The synthetic force year of `synthetic.rs` as a long-format CSV: one row
//! per candidate and stage, with the columns candidate, stage, outcome,
//! date, sex and ethnicity. The CSV bench and the pandas and polars
//! comparison (`benches/compare_polars.py`) read the same file.
#![allow(dead_code)]

use std::io::Write;

use positive_action::{Category, Characteristic, Result};

use super::synthetic;

fn cell(c: &Category) -> &str {
    match c {
        Category::NotRecorded => "",
        c => c.label(),
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Candidates.
    pub candidates: u64,
    /// Data rows, not counting the header.
    pub rows: u64,
}

/// Writes `candidates` synthetic constable recruitment candidates (financial
/// year 2025/26, deterministic for `seed`) as long-format CSV.
///
/// An unknown category is written the way exports write it: prefer not to
/// say as `prefer not to say`, not recorded as an empty cell. A pending
/// result has no date.
pub fn write_constable_year(out: impl Write, candidates: usize, seed: u64) -> Result<Written> {
    let applications = synthetic::constable_recruitment(candidates, seed)?;
    let (sex, ethnicity) = (Characteristic::sex(), Characteristic::ethnicity());
    let mut csv = csv::Writer::from_writer(out);
    let io = |e: csv::Error| positive_action::Error::InvalidTable {
        reason: format!("cannot write the synthetic csv: {e}"),
    };
    csv.write_record(["candidate", "stage", "outcome", "date", "sex", "ethnicity"])
        .map_err(io)?;
    let mut rows = 0;
    let mut date = String::new();
    // The synthetic year lists candidate n as APP-n, journeys in candidate order.
    for (n, (candidate, journey)) in applications.iter().enumerate() {
        let id = format!("APP-{n:07}");
        let profile = &candidate.profile;
        for step in journey.results() {
            date.clear();
            if let Some(d) = step.date {
                use std::fmt::Write as _;
                let _ = write!(date, "{d}");
            }
            csv.write_record([
                id.as_str(),
                step.stage.name(),
                step.outcome.name(),
                date.as_str(),
                cell(profile.category(&sex)),
                cell(profile.category(&ethnicity)),
            ])
            .map_err(io)?;
            rows += 1;
        }
    }
    csv.flush().map_err(|e| io(e.into()))?;
    Ok(Written {
        candidates: applications.candidates().len() as u64,
        rows,
    })
}
