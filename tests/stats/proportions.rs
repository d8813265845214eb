//! z, chi-square, Yates, the impact-ratio interval, Z_IR, odds ratio and
//! Cohen's h against exact rationals and mpmath.

use super::fixtures::{Agreement, load, name, number, table};

#[test]
fn proportions_agree_with_references() {
    let mut check = Agreement::new();
    for case in load("proportions.json") {
        let name = name(&case);
        let t = table(&case);
        let z = t.z_test();
        check.close(name, "z", z.map(|z| z.z), number(&case, "z"), 1e-9, 1e-15);
        let p = number(&case, "z_p_two_sided");
        check.close(
            name,
            "z_p_two_sided",
            z.map(|z| z.p_two_sided),
            p,
            1e-9,
            0.0,
        );
        let chi = t.chi_square();
        check.close(
            name,
            "chi_square",
            chi.map(|c| c.statistic),
            number(&case, "chi_square"),
            1e-9,
            1e-30,
        );
        check.close(name, "chi_square p", chi.map(|c| c.p_value), p, 1e-9, 0.0);
        check.equal(name, "chi_square df", chi.map(|c| c.df), p.map(|_| 1));
        let yates = t.chi_square_yates();
        let expected = number(&case, "chi_square_yates");
        check.close(
            name,
            "chi_square_yates",
            yates.map(|c| c.statistic),
            expected,
            1e-9,
            1e-30,
        );
        let expected = number(&case, "chi_square_yates_p");
        check.close(
            name,
            "chi_square_yates p",
            yates.map(|c| c.p_value),
            expected,
            1e-9,
            0.0,
        );
        check.close(
            name,
            "odds_ratio",
            t.odds_ratio(),
            number(&case, "odds_ratio"),
            1e-12,
            0.0,
        );
        check.close(
            name,
            "cohens_h",
            t.cohens_h(),
            number(&case, "cohens_h"),
            1e-9,
            1e-15,
        );
        check.close(name, "z_ir", t.z_ir(), number(&case, "z_ir"), 1e-9, 1e-15);
        for (confidence, field) in [(0.95, "ir_ci_95"), (0.99, "ir_ci_99"), (0.5, "ir_ci_50")] {
            let ci = t.impact_ratio_ci(confidence).expect("valid confidence");
            let expected = &case[field];
            let bound = |i: usize| expected.get(i).and_then(serde_json::Value::as_f64);
            check.close(
                name,
                &format!("{field} low"),
                ci.map(|c| c.0),
                bound(0),
                1e-9,
                0.0,
            );
            check.close(
                name,
                &format!("{field} high"),
                ci.map(|c| c.1),
                bound(1),
                1e-9,
                0.0,
            );
        }
    }
    check.finish(109 * 16);
}
