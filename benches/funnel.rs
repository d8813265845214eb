//! Funnel aggregation from validated journeys: 1 million synthetic
//! candidates through eight stages. Throughput is in stage results per
//! second (target: at least 100 M/s on one core).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use positive_action::counts::CodedCounts;
use positive_action::{Breakdown, Counting, Funnel, FunnelCounts, Group, Outcome, RateBasis};
use std::hint::black_box;

#[path = "../examples/common/synthetic.rs"]
mod synthetic;

fn funnel(c: &mut Criterion) {
    let applications =
        synthetic::constable_recruitment(1_000_000, 7).expect("synthetic data is valid");
    let results: u64 = applications.journeys().iter().map(|j| j.len() as u64).sum();
    let by_ethnicity = Breakdown::parse(["ethnicity"]).expect("valid breakdown");
    let by_sex_and_ethnicity = Breakdown::parse(["sex", "ethnicity"]).expect("valid breakdown");

    let mut group = c.benchmark_group("funnel_counts");
    group.throughput(Throughput::Elements(results));
    group.sample_size(20);
    group.bench_function("from_applications/1M candidates/by ethnicity", |b| {
        b.iter(|| {
            FunnelCounts::from_applications(
                black_box(&applications),
                &by_ethnicity,
                Counting::Applications,
            )
        })
    });
    group.bench_function("from_applications/1M candidates/by sex x ethnicity", |b| {
        b.iter(|| {
            FunnelCounts::from_applications(
                black_box(&applications),
                &by_sex_and_ethnicity,
                Counting::Applications,
            )
        })
    });
    group.bench_function("from_applications/1M candidates/unique candidates", |b| {
        b.iter(|| {
            FunnelCounts::from_applications(
                black_box(&applications),
                &by_ethnicity,
                Counting::UniqueCandidates,
            )
        })
    });
    group.finish();

    // The same results pre-coded as a data platform holds them: (stage
    // index, outcome, group index), counted through the public API.
    let groups: Vec<Group> = FunnelCounts::from_applications(
        &applications,
        &by_sex_and_ethnicity,
        Counting::Applications,
    )
    .groups()
    .to_vec();
    let mut coded: Vec<(usize, Outcome, usize)> = Vec::with_capacity(results as usize);
    let profiles: std::collections::HashMap<_, _> = applications
        .candidates()
        .iter()
        .map(|c| (c.id, &c.profile))
        .collect();
    for journey in applications.journeys() {
        let group = by_sex_and_ethnicity.group_of(profiles[&journey.candidate()]);
        let g = groups
            .binary_search(&group)
            .expect("every group is counted");
        coded.extend(journey.results().map(|r| (r.stage_index, r.outcome, g)));
    }
    let mut group = c.benchmark_group("coded_counts");
    group.throughput(Throughput::Elements(coded.len() as u64));
    group.sample_size(20);
    group.bench_function("add_all/3.6M pre-coded results/21 groups", |b| {
        b.iter(|| {
            let mut counts = CodedCounts::new(
                applications.pipeline(),
                &by_sex_and_ethnicity,
                groups.iter().cloned(),
            )
            .expect("valid groups");
            counts
                .add_all(black_box(&coded).iter().copied())
                .expect("indices in range");
            counts.finish()
        })
    });
    group.finish();

    let counts = FunnelCounts::from_applications(
        &applications,
        &by_sex_and_ethnicity,
        Counting::Applications,
    );
    let mut group = c.benchmark_group("funnel");
    group.bench_function("Funnel::new/8 stages x 21 groups", |b| {
        b.iter(|| Funnel::new(black_box(&counts), RateBasis::Decided))
    });
    group.finish();
}

criterion_group!(benches, funnel);
criterion_main!(benches);
