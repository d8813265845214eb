//! The intervention evaluation in a published report: present under
//! small-cell suppression, with no small count in it, no statistic from a
//! withheld count, no note quoting one, and the same JSON as the
//! evaluation when nothing is suppressed. `attacker_evaluation` checks that
//! nothing withheld can be worked out.

use positive_action::interventions::InterventionEvaluation;
use positive_action::report::{Report, ReportOptions};
use positive_action::{Breakdown, Counting, FunnelCounts, ImpactOptions};
use serde_json::Value;

use crate::synthetic::{WorkshopYear, recruitment_with_interview_workshop};

fn year() -> (WorkshopYear, InterventionEvaluation) {
    let year = recruitment_with_interview_workshop(5_000, 2025).expect("synthetic year");
    let evaluation = year.evaluation().expect("evaluation");
    (year, evaluation)
}

fn report(year: &WorkshopYear, evaluation: InterventionEvaluation, k: u64) -> Report {
    let breakdown = Breakdown::parse(["ethnicity"]).expect("breakdown");
    let counts =
        FunnelCounts::from_applications(&year.applications, &breakdown, Counting::Applications);
    let options = ReportOptions {
        breakdown,
        impact: ImpactOptions::new(),
        min_cell: k,
    };
    Report::new(&counts, &options, &[])
        .expect("report")
        .with_intervention(evaluation)
}

/// Every (path, count) under `v` whose key names a count.
fn counts(v: &Value, path: &str, out: &mut Vec<(String, Option<u64>)>) {
    const COUNTS: [&str; 18] = [
        "count",
        "of",
        "entered",
        "exempt",
        "eligible",
        "participants",
        "non_participants",
        "not_completed",
        "took_part_after_stage",
        "ineligible_participants",
        "not_yet_ended",
        "undated",
        "outside",
        "records",
        "candidates",
        "completed",
        "without_application",
        "partial_attendance",
    ];
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                if (COUNTS.contains(&k.as_str()) || k == "full_attendance")
                    && (x.is_u64() || x.is_null())
                {
                    out.push((p, x.as_u64()));
                } else {
                    counts(x, &p, out);
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                counts(x, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn unsuppressed_the_json_is_the_evaluations_own() {
    let (year, evaluation) = year();
    let own = serde_json::to_value(&evaluation).expect("json");
    let r = report(&year, evaluation, 0);
    let published = serde_json::to_value(&r.interventions[0]).expect("json");
    assert_eq!(own, published);
    // The text is the evaluation's own too.
    let (_, again) = self::year();
    assert!(r.to_string().contains(&again.to_string()));
}

#[test]
fn suppressed_it_is_published_without_a_small_count() {
    for k in [3, 5, 10] {
        let (year, evaluation) = year();
        let r = report(&year, evaluation, k);
        assert_eq!(r.interventions.len(), 1, "k = {k}: {:?}", r.notes);
        let json = serde_json::to_value(&r.interventions[0]).expect("json");
        let mut found = Vec::new();
        counts(&json, "", &mut found);
        assert!(found.len() > 100, "{}", found.len());
        let small: Vec<_> = found
            .iter()
            .filter(|(_, c)| c.is_some_and(|c| (1..k).contains(&c)))
            .collect();
        assert!(
            small.is_empty(),
            "k = {k}: small counts published: {small:?}"
        );
        let withheld = found.iter().filter(|(_, c)| c.is_none()).count();
        let published = found.len() - withheld;
        assert!(
            withheld > 0 && published > 0,
            "k = {k}: {withheld} withheld, {published} published"
        );
    }
}

/// A table's statistics, and the implied complement of each proportion.
fn check_tables(v: &Value, k: u64, path: &str) {
    if let Value::Object(m) = v {
        let sides: Vec<&str> = ["participants", "non_participants", "group", "reference"]
            .into_iter()
            .filter(|s| m.get(*s).is_some_and(|x| x.get("rate").is_some()))
            .collect();
        if sides.len() == 2 {
            let mut any_null = false;
            for s in &sides {
                let (c, of) = (&m[*s]["count"], &m[*s]["of"]);
                any_null |= c.is_null() || of.is_null();
                if c.is_null() || of.is_null() {
                    assert!(
                        m[*s]["rate"].is_null(),
                        "{path}.{s}: a rate from a withheld count"
                    );
                }
                if let (Some(c), Some(of)) = (c.as_u64(), of.as_u64()) {
                    let not = of - c;
                    assert!(
                        !(1..k).contains(&not),
                        "{path}.{s}: of − count = {not} is shown"
                    );
                }
            }
            if any_null {
                for stat in [
                    "difference_points",
                    "ratio",
                    "ratio_ci",
                    "odds_ratio",
                    "fisher",
                    "z_test",
                    "impact_ratio",
                    "impact_ratio_ci",
                ] {
                    if let Some(x) = m.get(stat) {
                        assert!(
                            x.is_null(),
                            "{path}.{stat} is published from a withheld count"
                        );
                    }
                }
                let listed = m["withheld"].as_array().expect("withheld listed");
                assert!(!listed.is_empty());
            }
        }
        for (key, x) in m {
            check_tables(x, k, &format!("{path}.{key}"));
        }
    } else if let Value::Array(a) = v {
        for (i, x) in a.iter().enumerate() {
            check_tables(x, k, &format!("{path}[{i}]"));
        }
    }
}

#[test]
fn suppressed_no_statistic_or_complement_gives_a_withheld_count_away() {
    for k in [3, 5, 10] {
        let (year, evaluation) = year();
        let r = report(&year, evaluation, k);
        let json = serde_json::to_value(&r.interventions[0]).expect("json");
        check_tables(&json, k, "");
        // Mantel-Haenszel pools the strata: withheld with any of them.
        for s in json["stages"].as_array().expect("stages") {
            let strata = &s["strata"];
            let any_null = strata["strata"]
                .as_array()
                .expect("strata")
                .iter()
                .any(|x| {
                    x["pass_rate"]["withheld"]
                        .as_array()
                        .is_some_and(|w| !w.is_empty())
                });
            if any_null {
                assert!(strata["pass_rate_mantel_haenszel"].is_null());
                assert!(strata["pass_rate_breslow_day"].is_null());
            }
            for b in s["before_after"].as_array().expect("before and after") {
                let lost = ["before", "after"]
                    .iter()
                    .any(|w| b[*w]["withheld"].as_array().is_some_and(|x| !x.is_empty()));
                if lost {
                    assert!(b["breslow_day"].is_null() && b["parity_after"].is_null());
                }
            }
        }
    }
}

#[test]
fn suppressed_notes_quote_no_number() {
    let (year, evaluation) = year();
    let quoted = evaluation.stages[0].notes.len();
    assert!(quoted > 0);
    let r = report(&year, evaluation, 10);
    let e = &r.interventions[0];
    for n in e.stages.iter().flat_map(|s| &s.notes) {
        let rest = n.replace("2025", "").replace("2026", "");
        assert!(!rest.bytes().any(|b| b.is_ascii_digit()), "{n}");
    }
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains("left out under small-cell suppression"))
    );
    assert!(r.to_string().contains("withheld"));
}

#[test]
fn a_report_read_back_from_json_leaves_a_new_evaluation_out() {
    let (year, evaluation) = year();
    let r = report(&year, evaluation, 10);
    let back: Report =
        serde_json::from_str(&serde_json::to_string(&r).expect("json")).expect("read");
    assert_eq!(back, r);
    let (_, evaluation) = self::year();
    let again = back.with_intervention(evaluation);
    assert_eq!(again.interventions.len(), 1);
    assert!(
        again
            .notes
            .iter()
            .any(|n| n.contains("left out of this published report")),
        "{:?}",
        again.notes
    );
}

#[test]
fn an_evaluation_of_another_pipeline_is_left_out() {
    let (year, evaluation) = year();
    let promotion = crate::synthetic::sergeant_promotion(1_200, 2025).expect("promotion");
    let breakdown = Breakdown::parse(["ethnicity"]).expect("breakdown");
    let counts = FunnelCounts::from_applications(&promotion, &breakdown, Counting::Applications);
    let options = ReportOptions {
        breakdown,
        impact: ImpactOptions::new(),
        min_cell: 10,
    };
    let r = Report::new(&counts, &options, &[])
        .expect("report")
        .with_intervention(evaluation);
    assert!(r.interventions.is_empty());
    assert!(r.notes.iter().any(|n| n.contains("cannot be linked")));
    // Unsuppressed, nothing needs linking.
    let _ = year;
}
