//! Fisher's exact test at the sizes equality monitoring meets: a promotion
//! board (n = 100), a force's recruitment year (10³), a national scheme
//! (10⁵) and several years of it (10⁶), with a focal group of 10% and an
//! impact ratio near 0.85. At 10⁶ a ratio of 0.85 is far beyond f64's range
//! (ln p ≈ −3,900), so that size also has a ratio of 0.99 (p ≈ 1e-8), and
//! the DESIGN's example of 200,000 per group at 40% and 50% (ln p ≈ −2,000).
//!
//! Throughput is in tests (tables) per second. Targets: ≤ 1 µs a test for
//! n ≤ 1,000 and ≤ 100 µs at n = 10⁶.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use positive_action::stats::TwoByTwo;

fn fisher(c: &mut Criterion) {
    let cases: [(&str, [u64; 4]); 7] = [
        ("n=100 ir=0.88", [7, 3, 72, 18]),
        ("n=1000 ir=0.85", [68, 32, 720, 180]),
        ("n=1000 ir=0.85 balanced", [340, 160, 400, 100]),
        ("n=100000 ir=0.85", [6_800, 3_200, 72_000, 18_000]),
        ("n=1000000 ir=0.99", [79_200, 20_800, 720_000, 180_000]),
        (
            "n=1000000 ir=0.85 underflow",
            [68_000, 32_000, 720_000, 180_000],
        ),
        (
            "n=400000 40% vs 50% underflow",
            [80_000, 120_000, 100_000, 100_000],
        ),
    ];
    let mut group = c.benchmark_group("fisher_exact");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(1));
    for (name, [a, b, c, d]) in cases {
        let Ok(table) = TwoByTwo::new(a, b, c, d) else {
            continue;
        };
        group.bench_with_input(BenchmarkId::from_parameter(name), &table, |bench, table| {
            bench.iter(|| black_box(table).fisher_exact());
        });
    }
    group.finish();
}

criterion_group!(benches, fisher);
criterion_main!(benches);
