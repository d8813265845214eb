//! Mantel-Haenszel, Cochran-Mantel-Haenszel and Breslow-Day against exact
//! rationals and mpmath, cross-checked with statsmodels, including the UC
//! Berkeley admissions of 1973 by department.

use positive_action::stats::Strata;

use super::fixtures::{Agreement, counts, load, name, number};

#[test]
fn strata_agree_with_references() {
    let mut check = Agreement::new();
    for case in load("strata.json") {
        let name = name(&case);
        let tables = case["tables"].as_array().expect("tables is a list");
        let strata: Strata = tables.iter().map(counts).collect();
        check.equal(name, "tables", strata.tables().len(), tables.len());

        let mh = strata.mantel_haenszel();
        let expected = &case["mantel_haenszel"];
        check.equal(
            name,
            "mantel_haenszel is some",
            mh.is_some(),
            !expected.is_null(),
        );
        if let Some(mh) = mh.filter(|_| !expected.is_null()) {
            let odds = number(expected, "common_odds_ratio");
            check.close(
                name,
                "common_odds_ratio",
                mh.common_odds_ratio,
                odds,
                1e-12,
                0.0,
            );
            for (field, got) in [
                ("statistic", mh.statistic),
                ("p_value", mh.p_value),
                ("statistic_uncorrected", mh.statistic_uncorrected),
                ("p_value_uncorrected", mh.p_value_uncorrected),
            ] {
                check.close(name, field, Some(got), number(expected, field), 1e-9, 1e-30);
            }
            check.equal(
                name,
                "strata_used",
                Some(mh.strata_used as u64),
                expected["strata_used"].as_u64(),
            );
            check.equal(
                name,
                "strata_skipped",
                Some(mh.strata_skipped as u64),
                expected["strata_skipped"].as_u64(),
            );
        }

        let bd = strata.breslow_day();
        let expected = &case["breslow_day"];
        check.equal(
            name,
            "breslow_day is some",
            bd.is_some(),
            !expected.is_null(),
        );
        if let Some(bd) = bd.filter(|_| !expected.is_null()) {
            let stat = number(expected, "statistic");
            check.close(
                name,
                "breslow_day statistic",
                Some(bd.statistic),
                stat,
                1e-9,
                1e-12,
            );
            let p = number(expected, "p_value");
            check.close(
                name,
                "breslow_day p_value",
                Some(bd.p_value),
                p,
                1e-9,
                1e-12,
            );
            check.equal(
                name,
                "breslow_day df",
                Some(u64::from(bd.df)),
                expected["df"].as_u64(),
            );
            check.equal(
                name,
                "breslow_day strata_used",
                Some(bd.strata_used as u64),
                expected["strata_used"].as_u64(),
            );
        }
    }
    check.finish(40 * 3);
}
