//! Fisher's exact test at the edge of its limit: `fisher_exact_bounded`
//! against 60-digit mpmath values (`fisher_limit.json`, made by
//! `generate_fisher_limit.py`) for the tables it computes, and withheld,
//! with the documented error and note, for those beyond the limit.

use positive_action::stats::{FISHER_EXACT_MAX_TOTAL, TwoByTwo};
use positive_action::{
    Breakdown, CountRecord, Error, FunnelCounts, Group, ImpactAnalysis, ImpactOptions, Pipeline,
    PipelineKind, ReferencePolicy, Stage,
};

use super::fixtures::{Agreement, load, name, number, table};

/// Below this the plain p-values are carried by their logarithms.
const PLAIN_FLOOR: f64 = 1e-280;

/// The note an impact analysis gives for a group whose test is withheld.
const WITHHELD_NOTE: &str = "fisher and the n-person rule (the table is beyond FISHER_EXACT_MAX_TOTAL; the z-test's p stands in for a significance rule)";

fn withheld(case: &serde_json::Value) -> bool {
    case["withheld"].as_bool().unwrap_or(false)
}

#[test]
fn bounded_fisher_agrees_with_mpmath_at_the_limit() {
    let mut check = Agreement::new();
    let mut computed = 0;
    for case in load("fisher_limit.json").iter().filter(|c| !withheld(c)) {
        computed += 1;
        let name = name(case);
        let t = table(case);
        let Some(fisher) = t.fisher_exact_bounded() else {
            check.equal(name, "computed within the limit", false, true);
            continue;
        };
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
            let expected = number(case, field).expect("p-values are never null");
            let ln_field = format!("ln_{field}");
            let expected_ln = number(case, &ln_field).expect("ln p is never null");
            if expected >= PLAIN_FLOOR {
                check.close(name, field, Some(p), Some(expected), 1e-9, 0.0);
            } else {
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
    assert!(
        computed >= 5,
        "only {computed} computed cases in the fixture"
    );
    check.finish(computed * 8);
}

/// A two-group, one-stage count of the table: the focal group ("focal")
/// passed `a`, failed `b`; the reference ("reference") passed `c`, failed `d`.
fn counts_of(t: &TwoByTwo) -> FunnelCounts {
    let pipeline = Pipeline::new("selection", PipelineKind::Recruitment, ["selection"]).unwrap();
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let row = |label: &str, passed, failed| {
        CountRecord::new(
            Stage::new("selection").unwrap(),
            Group::parse([("ethnicity", label)]).unwrap(),
            passed,
            failed,
        )
    };
    let records = [
        row("focal", t.focal_passed(), t.focal_failed()),
        row("reference", t.reference_passed(), t.reference_failed()),
    ];
    FunnelCounts::from_records(&pipeline, &by, records).unwrap()
}

#[test]
fn tables_beyond_the_limit_are_withheld_with_the_documented_note() {
    let cases: Vec<_> = load("fisher_limit.json")
        .into_iter()
        .filter(withheld)
        .collect();
    assert!(cases.len() >= 3, "only {} withheld cases", cases.len());
    for case in &cases {
        let name = name(case);
        let t = table(case);
        assert!(t.total() > FISHER_EXACT_MAX_TOTAL, "{name}");
        assert!(
            number(case, "variance").unwrap() > (FISHER_EXACT_MAX_TOTAL / 16) as f64,
            "{name}"
        );
        assert_eq!(t.fisher_exact_bounded(), None, "{name}");

        // The free function names the limit.
        let cells = (
            t.focal_passed(),
            t.focal_failed(),
            t.reference_passed(),
            t.reference_failed(),
        );
        match positive_action::stats::fisher_exact(cells.0, cells.1, cells.2, cells.3) {
            Err(Error::LimitExceeded {
                limit, value, max, ..
            }) => {
                assert_eq!(limit, "FISHER_EXACT_MAX_TOTAL", "{name}");
                assert_eq!((value, max), (t.total(), FISHER_EXACT_MAX_TOTAL), "{name}");
            }
            other => panic!("{name}: expected LimitExceeded, got {other:?}"),
        }

        // The impact analysis keeps every other figure and says why the
        // test is missing.
        let reference = Group::parse([("ethnicity", "reference")]).unwrap();
        let options = ImpactOptions::new().reference(ReferencePolicy::Group(reference));
        let analysis = ImpactAnalysis::new(&counts_of(&t), &options).unwrap();
        let stage = &analysis.stages[0];
        let focal = stage
            .groups
            .iter()
            .find(|g| g.group.label() == "focal")
            .unwrap();
        assert_eq!(focal.fisher, None, "{name}");
        assert!(
            focal.impact_ratio.is_some() && focal.z_test.is_some(),
            "{name}"
        );
        assert!(
            stage.notes.iter().any(|n| n.contains(WITHHELD_NOTE)),
            "{name}: no withheld note in {:?}",
            stage.notes
        );
    }
}
