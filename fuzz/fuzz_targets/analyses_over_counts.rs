//! The funnel, the impact analysis (every reference policy) and the
//! published report with suppression, over arbitrary counts: any counts give
//! figures or an `Error`, never a panic, and every rate lies in [0, 1].
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use positive_action::report::{Report, ReportOptions};
use positive_action::{
    Breakdown, CountRecord, Funnel, FunnelCounts, ImpactAnalysis, ImpactOptions, Pipeline,
    PipelineKind, RateBasis, ReferencePolicy, Stage,
};

#[derive(Debug, Arbitrary)]
struct Cell {
    stage: u8,
    group: u8,
    passed: u64,
    failed: u64,
    withdrew: u16,
    pending: u16,
    exempt: u16,
}

#[derive(Debug, Arbitrary)]
struct Case {
    stages: u8,
    cells: Vec<Cell>,
    reference: u8,
    entered_basis: bool,
    min_cell: u8,
}

const LABELS: [&str; 8] = [
    "White", "Black", "Asian", "Mixed", "Other", "prefer not to say", "", "Chinese",
];

fuzz_target!(|case: Case| {
    let stages = usize::from(case.stages % 8) + 1;
    let names: Vec<String> = (0..stages).map(|s| format!("stage {s}")).collect();
    let Ok(pipeline) = Pipeline::new("fuzz", PipelineKind::Recruitment, &names) else {
        return;
    };
    let Ok(by) = Breakdown::parse(["ethnicity"]) else {
        return;
    };
    let mut records = Vec::new();
    for c in case.cells.iter().take(64) {
        let (Ok(stage), Ok(group)) = (
            Stage::new(&names[usize::from(c.stage) % stages]),
            positive_action::Group::parse([("ethnicity", LABELS[usize::from(c.group) % 8])]),
        ) else {
            return;
        };
        records.push(
            CountRecord::new(stage, group, c.passed, c.failed)
                .withdrew(c.withdrew.into())
                .pending(c.pending.into())
                .exempt(c.exempt.into()),
        );
    }
    let Ok(counts) = FunnelCounts::from_records(&pipeline, &by, records) else {
        return;
    };
    let basis = if case.entered_basis { RateBasis::Entered } else { RateBasis::Decided };
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
    let _ = ImpactAnalysis::new(&counts, &impact);
    let options = ReportOptions { breakdown: by, impact, min_cell: u64::from(case.min_cell % 12) };
    if let Ok(report) = Report::new(&counts, &options, &[]) {
        let _ = report.to_string();
    }
});
