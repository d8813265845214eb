//! Small-cell suppression at scale: `Report::new` with `min_cell` 10 over
//! 8 stages and 5 to 500 groups (intersectional breakdowns of sex ×
//! ethnicity × age band reach 100+ groups), against the same report without
//! suppression. Target: at most 10 ms at 120 groups × 8 stages, and growth
//! close to linear in the number of groups.
//!
//! Measured 2 December 2026 on a shared 2-core machine (load 7 to 16, so
//! wall times swing by 2×; user CPU time per report, main's code and this
//! one alternating, is steadier), `min_cell` 10, highest-rate reference:
//!
//! | groups | 5 | 10 | 20 | 40 | 60 | 80 | 120 | 250 | 500 |
//! |---|---|---|---|---|---|---|---|---|---|
//! | before, ms CPU | 0.35 | 0.92 | 2.0 | 4.1 | 6.0 | 7.8 | 11.8 | 24.4 | 52–64 |
//! | after, ms CPU | 0.15 | 0.33 | 0.8 | 1.7 | 2.4 | 3.5 | 5.3 | 10.6 | 21 |
//! | secondary suppressions before | 65 | 186 | 419 | 839 | 1,259 | 1,686 | 2,552 | 5,381 | 10,909 |
//! | secondary suppressions after | 47 | 126 | 277 | 604 | 888 | 1,190 | 1,769 | 3,714 | 7,597 |
//!
//! On a quiet machine (load 1.3, 3 December 2026), criterion wall time per
//! report, `min_cell` 10, highest-rate reference (overall reference in
//! brackets), against no suppression:
//!
//! | groups | 5 | 10 | 20 | 40 | 60 | 80 | 120 | 250 | 500 |
//! |---|---|---|---|---|---|---|---|---|---|
//! | `min_cell` 0, ms | 0.041 | 0.117 | 0.26 | 0.59 | 0.81 | 1.09 | 1.56 | 3.40 | 7.34 |
//! | `min_cell` 10, ms | 0.135 (0.160) | 0.32 (0.38) | 0.69 (0.79) | 1.48 (1.63) | 2.10 (2.36) | 2.80 (3.09) | 4.00 (4.71) | 8.59 (9.70) | 18.6 (20.1) |
//!
//! The workshop evaluation of the `report` example (5,000 applicants, 5
//! groups) suppressed jointly with its funnel: 3.9 ms for report and
//! evaluation against 0.21 ms for the report alone (load 4).
//!
//! Instructions (callgrind) at 120 groups: `Report::new` 93.8 M before,
//! 39.3 M after, of which the report itself (analysis, statistics, rows)
//! is about 17 M and the suppression 22 M (76 M before).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use positive_action::report::{Report, ReportOptions};
use positive_action::{
    Breakdown, CountRecord, FunnelCounts, Group, ImpactOptions, Pipeline, ReferencePolicy,
};
use std::hint::black_box;

#[path = "../examples/common/synthetic.rs"]
mod synthetic;

/// `groups` groups over the 8 stages of constable recruitment, sizes from
/// 8 to about 4,000 applicants so that many stages hold small counts.
pub fn counts(groups: usize) -> FunnelCounts {
    let pipeline = Pipeline::police_constable_recruitment("PC recruitment");
    let breakdown = Breakdown::parse(["group"]).expect("valid breakdown");
    let mut rng = synthetic::SplitMix64::new(7);
    let mut records = Vec::new();
    for g in 0..groups {
        let label = format!("g{g:04}");
        let mut entered = 8 + (rng.unit() * rng.unit() * 4000.0) as u64;
        for stage in pipeline.stages() {
            let withdrew = (entered as f64 * 0.05 * rng.unit()) as u64;
            let pending = u64::from(rng.unit() < 0.2) * (entered / 50);
            let rest = entered - withdrew - pending;
            let passed = (rest as f64 * (0.5 + 0.45 * rng.unit())) as u64;
            records.push(CountRecord {
                stage: stage.clone(),
                group: Group::parse([("group", label.as_str())]).expect("valid group"),
                passed,
                failed: rest - passed,
                withdrew,
                pending,
                exempt: 0,
            });
            entered = passed;
        }
    }
    FunnelCounts::from_records(&pipeline, &breakdown, records).expect("valid counts")
}

fn suppression(c: &mut Criterion) {
    let mut group = c.benchmark_group("suppression");
    for groups in [5usize, 10, 20, 40, 60, 80, 120, 250, 500] {
        let counts = counts(groups);
        for (name, min_cell, reference) in [
            ("min_cell 0", 0, ReferencePolicy::HighestRate),
            ("min_cell 10", 10, ReferencePolicy::HighestRate),
            ("min_cell 10 overall", 10, ReferencePolicy::Overall),
        ] {
            let options = ReportOptions {
                breakdown: counts.breakdown().clone(),
                impact: ImpactOptions::new().reference(reference),
                min_cell,
            };
            group.bench_with_input(BenchmarkId::new(name, groups), &options, |b, o| {
                b.iter(|| Report::new(black_box(&counts), o, &[]))
            });
        }
    }
    group.finish();
}

/// The interview workshop's evaluation published with the funnel (the
/// `report` example's year, 5,000 applicants, by ethnicity): the report
/// alone, and the report with the evaluation suppressed jointly with it.
fn evaluation(c: &mut Criterion) {
    use positive_action::Counting;
    let year = synthetic::recruitment_with_interview_workshop(5_000, 2025).expect("year");
    let evaluation = year.evaluation().expect("evaluation");
    let breakdown = Breakdown::parse(["ethnicity"]).expect("breakdown");
    let counts =
        FunnelCounts::from_applications(&year.applications, &breakdown, Counting::Applications);
    let mut group = c.benchmark_group("suppression with an evaluation");
    for min_cell in [0u64, 10] {
        let options = ReportOptions {
            breakdown: breakdown.clone(),
            impact: ImpactOptions::new(),
            min_cell,
        };
        group.bench_function(BenchmarkId::new("report", min_cell), |b| {
            b.iter(|| Report::new(black_box(&counts), &options, &[]))
        });
        group.bench_function(BenchmarkId::new("report and evaluation", min_cell), |b| {
            b.iter(|| {
                Report::new(black_box(&counts), &options, &[])
                    .map(|r| r.with_intervention(evaluation.clone()))
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(2)).warm_up_time(std::time::Duration::from_millis(300));
    targets = suppression, evaluation
}
criterion_main!(benches);
