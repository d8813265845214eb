//! Fisher's exact test against exact rationals (small and medium tables) and
//! 60-digit mpmath (large tables, p-values far below f64's range).

use super::fixtures::{Agreement, load, name, number, table};

/// Below this the plain p-values are carried by their logarithms.
const PLAIN_FLOOR: f64 = 1e-280;

#[test]
fn fisher_agrees_with_exact_references() {
    let mut check = Agreement::new();
    for case in load("fisher.json") {
        let name = name(&case);
        let fisher = table(&case).fisher_exact();
        let fields = [
            ("two_sided", fisher.two_sided, fisher.ln_two_sided),
            ("less", fisher.less, fisher.ln_less),
            ("greater", fisher.greater, fisher.ln_greater),
            (
                "mid_p_two_sided",
                fisher.mid_p_two_sided,
                fisher.ln_mid_p_two_sided,
            ),
        ];
        for (field, p, ln_p) in fields {
            let expected = number(&case, field).expect("p-values are never null");
            let ln_field = format!("ln_{field}");
            let expected_ln = number(&case, &ln_field).expect("ln p is never null");
            if expected >= PLAIN_FLOOR {
                check.close(name, field, Some(p), Some(expected), 1e-9, 0.0);
            } else {
                // Both tiny: the logarithm carries the comparison.
                check.equal(
                    name,
                    &format!("{field} <= 1e-279"),
                    p <= 10.0 * PLAIN_FLOOR,
                    true,
                );
            }
            check.close(name, &ln_field, Some(ln_p), Some(expected_ln), 1e-9, 1e-300);
        }
    }
    check.finish(193 * 8);
}
