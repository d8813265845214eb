//! A full adverse impact analysis from counts: 8 stages × 12 groups, every
//! test (Fisher with mid-P and log p, z, chi-square, Yates, interval, Z_IR,
//! odds ratio, Cohen's h, shortfalls, flip-flop, the n-person rule), the
//! bottom line and the decomposition. Target: at most 1 ms. Also the
//! published report, with and without small-cell suppression.

use criterion::{Criterion, criterion_group, criterion_main};
use positive_action::report::{Report, ReportOptions};
use positive_action::{
    Breakdown, CountRecord, FunnelCounts, Group, ImpactAnalysis, ImpactOptions, Pipeline,
};
use std::hint::black_box;

#[path = "../examples/common/synthetic.rs"]
mod synthetic;

/// Eight stages, twelve groups (sex × six ethnicities), a closed funnel of
/// realistic size: about 60,000 applicants, with a few small groups.
fn counts() -> FunnelCounts {
    let pipeline = Pipeline::police_constable_recruitment("PC recruitment");
    let breakdown = Breakdown::parse(["sex", "ethnicity"]).expect("valid breakdown");
    let mut rng = synthetic::SplitMix64::new(42);
    let mut records = Vec::new();
    for sex in ["female", "male"] {
        for (ethnicity, applicants) in [
            ("White", 20_000u64),
            ("Asian", 3_000),
            ("Black", 2_200),
            ("Mixed", 1_400),
            ("Other", 700),
            ("Gypsy or Irish Traveller", 60),
        ] {
            let mut entered = applicants;
            for stage in pipeline.stages() {
                let pass = 0.55 + 0.4 * rng.unit();
                let withdrew = entered / 40;
                let passed = ((entered - withdrew) as f64 * pass) as u64;
                records.push(CountRecord {
                    stage: stage.clone(),
                    group: Group::parse([("sex", sex), ("ethnicity", ethnicity)])
                        .expect("valid group"),
                    passed,
                    failed: entered - withdrew - passed,
                    withdrew,
                    pending: 0,
                    exempt: 0,
                });
                entered = passed;
            }
        }
    }
    FunnelCounts::from_records(&pipeline, &breakdown, records).expect("valid counts")
}

fn impact(c: &mut Criterion) {
    let counts = counts();
    let options = ImpactOptions::new();
    let mut group = c.benchmark_group("impact");
    group.bench_function("ImpactAnalysis::new/8 stages x 12 groups", |b| {
        b.iter(|| ImpactAnalysis::new(black_box(&counts), &options))
    });
    let open = ReportOptions {
        breakdown: counts.breakdown().clone(),
        impact: options.clone(),
        min_cell: 0,
    };
    group.bench_function("Report::new/8 stages x 12 groups", |b| {
        b.iter(|| Report::new(black_box(&counts), &open, &[]))
    });
    let published = ReportOptions {
        min_cell: 10,
        ..open
    };
    group.bench_function("Report::new/8 stages x 12 groups/min_cell 10", |b| {
        b.iter(|| Report::new(black_box(&counts), &published, &[]))
    });
    group.finish();
}

criterion_group!(benches, impact);
criterion_main!(benches);
