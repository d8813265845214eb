//! Shortfalls, flip-flop and the n-person rule against exact rationals (and,
//! for `to_threshold`, the f64 definition walked from 0).

use super::fixtures::{Agreement, load, name, number, table};

#[test]
fn practical_significance_agrees_with_references() {
    let mut check = Agreement::new();
    for case in load("practical.json") {
        let name = name(&case);
        let t = table(&case);
        let shortfall = t.shortfall(0.8).expect("valid threshold");
        let pooled = number(&case, "shortfall_pooled");
        check.close(
            name,
            "shortfall pooled",
            shortfall.pooled,
            pooled,
            1e-12,
            1e-12,
        );
        let parity = number(&case, "shortfall_to_parity");
        check.close(
            name,
            "shortfall to_parity",
            shortfall.to_parity,
            parity,
            1e-12,
            1e-12,
        );
        for (threshold, field) in [
            (0.8, "to_threshold_80"),
            (0.5, "to_threshold_50"),
            (0.9, "to_threshold_90"),
            (1.0, "to_threshold_100"),
        ] {
            let got = t
                .shortfall(threshold)
                .expect("valid threshold")
                .to_threshold;
            check.equal(name, field, got, case[field].as_u64());
        }
        check.equal(
            name,
            "flip_flop",
            t.flip_flop(),
            case["flip_flop"].as_bool(),
        );
        for more in 0..=2 {
            let field = format!("significant_after_{more}");
            let got = t.significant_after(more, 0.05).expect("valid alpha");
            check.equal(name, &field, got, case[&field].as_bool());
        }
    }
    check.finish(113 * 10);
}
