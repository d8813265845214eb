//! The input of the `analyses_over_counts` fuzz target and what it runs:
//! the funnel, the impact analysis (every reference policy) and the
//! published report with suppression, over arbitrary counts. Shared, by
//! `#[path]`, between the fuzz target and the regression tests, so that an
//! input the fuzzer kept is decoded and run the same way by `cargo test`.

use arbitrary::Arbitrary;
use positive_action::report::{Report, ReportOptions};
use positive_action::{
    Breakdown, CountRecord, Funnel, FunnelCounts, ImpactAnalysis, ImpactOptions, Pipeline,
    PipelineKind, RateBasis, ReferencePolicy, Stage,
};

/// One stage-and-group cell of counts.
#[derive(Debug, Arbitrary)]
pub struct Cell {
    pub stage: u8,
    pub group: u8,
    pub passed: u64,
    pub failed: u64,
    pub withdrew: u16,
    pub pending: u16,
    pub exempt: u16,
}

/// A whole fuzz input.
#[derive(Debug, Arbitrary)]
pub struct Case {
    pub stages: u8,
    pub cells: Vec<Cell>,
    pub reference: u8,
    pub entered_basis: bool,
    pub min_cell: u8,
}

const LABELS: [&str; 8] = [
    "White",
    "Black",
    "Asian",
    "Mixed",
    "Other",
    "prefer not to say",
    "",
    "Chinese",
];

/// What a case gave, for the regression tests to check.
#[derive(Debug)]
pub struct Replay {
    pub counts: FunnelCounts,
    pub impact: positive_action::Result<ImpactAnalysis>,
    /// The report's text, when it could be made.
    pub report: positive_action::Result<String>,
}

/// Runs a case: `None` when its counts are refused (an `Error`, never a
/// panic). Panics only if a funnel rate lies outside [0, 1].
pub fn run(case: &Case) -> Option<Replay> {
    let stages = usize::from(case.stages % 8) + 1;
    let names: Vec<String> = (0..stages).map(|s| format!("stage {s}")).collect();
    let pipeline = Pipeline::new("fuzz", PipelineKind::Recruitment, &names).ok()?;
    let by = Breakdown::parse(["ethnicity"]).ok()?;
    let mut records = Vec::new();
    for c in case.cells.iter().take(64) {
        let stage = Stage::new(&names[usize::from(c.stage) % stages]).ok()?;
        let group =
            positive_action::Group::parse([("ethnicity", LABELS[usize::from(c.group) % 8])])
                .ok()?;
        records.push(
            CountRecord::new(stage, group, c.passed, c.failed)
                .withdrew(c.withdrew.into())
                .pending(c.pending.into())
                .exempt(c.exempt.into()),
        );
    }
    let counts = FunnelCounts::from_records(&pipeline, &by, records).ok()?;
    let basis = if case.entered_basis {
        RateBasis::Entered
    } else {
        RateBasis::Decided
    };
    if let Ok(funnel) = Funnel::new(&counts, basis) {
        for stage in &funnel.stages {
            for row in &stage.groups {
                assert!(row.pass_rate.is_none_or(|r| (0.0..=1.0).contains(&r)));
            }
        }
    }
    let reference = match case.reference % 4 {
        0 => ReferencePolicy::HighestRate,
        1 => ReferencePolicy::Overall,
        2 => ReferencePolicy::HighestRateAmong { min_share: 0.02 },
        _ => match counts.groups().first() {
            Some(g) => ReferencePolicy::Group(g.clone()),
            None => ReferencePolicy::HighestRate,
        },
    };
    let impact = ImpactOptions::new().reference(reference).basis(basis);
    let analysis = ImpactAnalysis::new(&counts, &impact);
    let options = ReportOptions {
        breakdown: by,
        impact,
        min_cell: u64::from(case.min_cell % 12),
    };
    let report = Report::new(&counts, &options, &[]).map(|r| r.to_string());
    Some(Replay {
        counts,
        impact: analysis,
        report,
    })
}
