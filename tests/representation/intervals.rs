//! Issue 12: small numbers are never hidden. Representation is judged by
//! its ratio and the ratio's exact interval, rank bands are judged against
//! the force as well as the benchmark, and every rate ratio of a
//! disproportionality table has an exact interval, a test and bounds for
//! events with no recorded group. Reference values: scipy, from
//! `tests/fixtures/workforce/intervals_reference.py`.

use positive_action::records::Rank;
use positive_action::workforce::{
    Benchmark, Comparator, Disproportionality, DisproportionalityRecord, Headcount,
    HeadcountRecord, Margin, Position, PositionBasis, RankBand, RankStructure, Representation,
    Scope,
};
use positive_action::{Breakdown, Group};

fn fixture() -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workforce/intervals.json");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn case<'a>(fixture: &'a serde_json::Value, section: &str, name: &str) -> &'a serde_json::Value {
    fixture[section]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= 1e-9 * expected.abs(),
        "{actual} against scipy's {expected}"
    );
}

fn g(characteristic: &str, label: &str) -> Group {
    Group::parse([(characteristic, label)]).unwrap()
}

/// Two groups at constable rank: `count` of the focal group of `total`.
fn two_groups(count: u64, total: u64, benchmark: f64) -> Representation {
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    let headcount = Headcount::from_records(
        &RankStructure::police(),
        &by,
        [
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: g("ethnicity", "Black"),
                headcount: count,
            },
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: g("ethnicity", "White"),
                headcount: total - count,
            },
        ],
    )
    .unwrap();
    let census = Benchmark::from_shares(
        "census 2021",
        &by,
        [
            (g("ethnicity", "Black"), benchmark),
            (g("ethnicity", "White"), 1.0 - benchmark),
        ],
    )
    .unwrap();
    Representation::new(&headcount, &census).unwrap()
}

#[test]
fn a_one_point_gap_is_not_equal_by_itself() {
    let fixture = fixture();
    // 0.8% against 1.5%, a ratio of 0.53: the old ±1 point rule called
    // both of these "equal (within 1 point)".
    let few = two_groups(8, 1_000, 0.015);
    let row = few
        .workforce()
        .unwrap()
        .row(&g("ethnicity", "Black"))
        .unwrap();
    let reference = case(&fixture, "shares", "few_0.8_vs_1.5");
    let ci = row.ratio_ci.unwrap();
    close(ci[0], reference["ratio_ci"][0].as_f64().unwrap());
    close(ci[1], reference["ratio_ci"][1].as_f64().unwrap());
    close(row.p_value.unwrap(), reference["p_value"].as_f64().unwrap());
    assert_eq!(row.position, Some(Position::TooFewToTell));
    let notes = &few.workforce().unwrap().notes;
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("ethnicity=Black: too few to tell against the benchmark")),
        "{notes:?}"
    );
    assert!(few.to_string().contains("too few to tell"), "{few}");

    let many = two_groups(80, 10_000, 0.015);
    let row = many
        .workforce()
        .unwrap()
        .row(&g("ethnicity", "Black"))
        .unwrap();
    let reference = case(&fixture, "shares", "many_0.8_vs_1.5");
    let ci = row.ratio_ci.unwrap();
    close(ci[0], reference["ratio_ci"][0].as_f64().unwrap());
    close(ci[1], reference["ratio_ci"][1].as_f64().unwrap());
    close(row.p_value.unwrap(), reference["p_value"].as_f64().unwrap());
    assert_eq!(row.position, Some(Position::Under(Margin::AtMost1)));
    assert_eq!(
        row.position.unwrap().to_string(),
        "under-represented by at most 1 point"
    );

    // Equal needs the whole interval inside 0.8 to 1.25: 1,500 of 100,000
    // against 1.5% is.
    let equal = two_groups(1_500, 100_000, 0.015);
    let row = equal
        .workforce()
        .unwrap()
        .row(&g("ethnicity", "Black"))
        .unwrap();
    assert_eq!(row.position, Some(Position::Equal));
}

/// tests/representation's force: women and men by rank.
fn force() -> Representation {
    let rows: [(Rank, u64, u64); 9] = [
        (Rank::CONSTABLE, 700, 1_100),
        (Rank::SERGEANT, 90, 210),
        (Rank::INSPECTOR, 30, 70),
        (Rank::CHIEF_INSPECTOR, 10, 25),
        (Rank::SUPERINTENDENT, 5, 15),
        (Rank::CHIEF_SUPERINTENDENT, 2, 6),
        (Rank::ASSISTANT_CHIEF_CONSTABLE, 1, 1),
        (Rank::DEPUTY_CHIEF_CONSTABLE, 0, 1),
        (Rank::CHIEF_CONSTABLE, 1, 0),
    ];
    let by = Breakdown::parse(["sex"]).unwrap();
    let records = rows.into_iter().flat_map(|(rank, female, male)| {
        [
            HeadcountRecord {
                rank: rank.clone(),
                group: g("sex", "female"),
                headcount: female,
            },
            HeadcountRecord {
                rank,
                group: g("sex", "male"),
                headcount: male,
            },
        ]
    });
    let headcount = Headcount::from_records(&RankStructure::police(), &by, records).unwrap();
    let census = Benchmark::from_shares(
        "census 2021",
        &by,
        [(g("sex", "female"), 0.51), (g("sex", "male"), 0.49)],
    )
    .unwrap();
    Representation::new(&headcount, &census).unwrap()
}

#[test]
fn bands_are_judged_against_the_force_and_against_the_benchmark() {
    let fixture = fixture();
    let r = force();
    let women = g("sex", "female");
    let whole = r.workforce().unwrap().row(&women).unwrap();
    let reference = case(&fixture, "shares", "women_workforce_vs_census");
    close(
        whole.ratio_ci.unwrap()[0],
        reference["ratio_ci"][0].as_f64().unwrap(),
    );
    close(
        whole.ratio_ci.unwrap()[1],
        reference["ratio_ci"][1].as_f64().unwrap(),
    );
    // The whole workforce is not compared with itself.
    assert_eq!(whole.position_in_workforce, None);
    assert_eq!(whole.workforce_ratio, None);

    // Middle management: 120 women of 400 (30%) against the force's 37.0%.
    let middle = r
        .section(&Scope::Band(RankBand::MIDDLE_MANAGEMENT.into()))
        .unwrap()
        .row(&women)
        .unwrap();
    let reference = case(&fixture, "shares", "women_middle_vs_force");
    assert_eq!(middle.workforce_ratio, Some(0.3 / (839.0 / 2_267.0)));
    let ci = middle.workforce_ratio_ci.unwrap();
    close(ci[0], reference["ratio_ci"][0].as_f64().unwrap());
    close(ci[1], reference["ratio_ci"][1].as_f64().unwrap());
    assert_eq!(
        middle.position_against(PositionBasis::Workforce),
        Some(Position::Under(Margin::MoreThan5))
    );
    assert_eq!(
        middle.position_against(PositionBasis::Benchmark),
        Some(Position::Under(Margin::MoreThan15))
    );

    // Senior leadership: 19 women of 67 (28.4%). Against the census (51%)
    // clearly under; against the force's 37.0%, too few to tell.
    let senior_section = r
        .section(&Scope::Band(RankBand::SENIOR_LEADERSHIP.into()))
        .unwrap();
    let senior = senior_section.row(&women).unwrap();
    let reference = case(&fixture, "shares", "women_senior_vs_force");
    let ci = senior.workforce_ratio_ci.unwrap();
    close(ci[0], reference["ratio_ci"][0].as_f64().unwrap());
    close(ci[1], reference["ratio_ci"][1].as_f64().unwrap());
    assert_eq!(senior.position_in_workforce, Some(Position::TooFewToTell));
    let reference = case(&fixture, "shares", "women_senior_vs_census");
    let ci = senior.ratio_ci.unwrap();
    close(ci[0], reference["ratio_ci"][0].as_f64().unwrap());
    close(ci[1], reference["ratio_ci"][1].as_f64().unwrap());
    close(
        senior.p_value.unwrap(),
        reference["p_value"].as_f64().unwrap(),
    );
    assert_eq!(senior.position, Some(Position::Under(Margin::MoreThan15)));
    assert!(
        senior_section
            .notes
            .iter()
            .any(|n| n.starts_with("sex=female: too few to tell against the whole workforce")),
        "{:?}",
        senior_section.notes
    );
    let text = r.to_string();
    assert!(text.contains("position against workforce"), "{text}");
    assert_eq!(PositionBasis::default(), PositionBasis::Benchmark);
}

fn fpn(records: &[(&str, u64, u64)]) -> Disproportionality {
    let by = Breakdown::parse(["ethnicity"]).unwrap();
    Disproportionality::new(
        "fixed penalty notices",
        &by,
        records
            .iter()
            .map(|&(label, events, population)| DisproportionalityRecord {
                group: g("ethnicity", label),
                events,
                population,
            }),
        Comparator::Group(g("ethnicity", "White")),
    )
    .unwrap()
}

#[test]
fn every_rate_ratio_has_an_exact_interval_and_test() {
    let fixture = fixture();
    let table = fpn(&[
        ("White", 700, 900_000),
        ("Black", 140, 30_000),
        ("Asian", 120, 60_000),
        ("Other", 40, 10_000),
        ("Mixed", 2, 300),
        ("Arab", 0, 500),
    ]);
    for (label, name) in [
        ("Black", "black_fpn"),
        ("Asian", "asian_fpn"),
        ("Other", "other_fpn"),
        ("Mixed", "two_in_300"),
        ("Arab", "none_in_500"),
    ] {
        let row = table.row(&g("ethnicity", label)).unwrap();
        let reference = case(&fixture, "rates", name);
        close(
            row.rate_ratio.unwrap(),
            reference["rate_ratio"].as_f64().unwrap(),
        );
        let (low, high) = row.rate_ratio_ci.unwrap();
        close(low, reference["rate_ratio_ci"][0].as_f64().unwrap());
        close(
            high.unwrap(),
            reference["rate_ratio_ci"][1].as_f64().unwrap(),
        );
        close(row.p_value.unwrap(), reference["p_value"].as_f64().unwrap());
        assert_eq!(row.if_unrecorded, None, "every event has a group");
    }
    // The comparator carries no test.
    let white = table.row(&g("ethnicity", "White")).unwrap();
    assert_eq!((white.rate_ratio_ci, white.p_value), (None, None));
    // 2 events in 300: 8.57 times as likely, but the interval runs from
    // 1.04 to 31: wide, though it excludes 1. No event in 500: too few.
    assert!(
        table
            .notes
            .iter()
            .any(|n| n.starts_with("ethnicity=Arab: too few to tell")),
        "{:?}",
        table.notes
    );
    assert!(
        table
            .notes
            .iter()
            .all(|n| !n.starts_with("ethnicity=Mixed"))
    );
    let text = table.to_string();
    assert!(text.contains("95% CI (exact)"), "{text}");
    assert!(text.contains("1.04–31.08"), "{text}");
}

#[test]
fn events_with_no_recorded_group_bound_each_rate_ratio() {
    // 60 events have no recorded ethnicity. Black: 20 of 10,000 against
    // White 700 of 900,000 (2.57); if all 60 were Black, (80/10,000) /
    // (700/900,000) = 10.29; if all were White, (20/10,000) /
    // (760/900,000) = 2.37. Every scenario is above 1.
    let table = fpn(&[
        ("White", 700, 900_000),
        ("Black", 20, 10_000),
        ("Asian", 8, 10_000),
        ("not recorded", 60, 0),
    ]);
    let black = table
        .row(&g("ethnicity", "Black"))
        .unwrap()
        .if_unrecorded
        .unwrap();
    assert_eq!(black.unrecorded_events, 60);
    assert_eq!(
        black.if_unrecorded_focal,
        Some((80.0 * 900_000.0) / (700.0 * 10_000.0))
    );
    assert_eq!(
        black.if_unrecorded_comparator,
        Some((20.0 * 900_000.0) / (760.0 * 10_000.0))
    );
    assert!(!black.could_change_conclusion);
    // Asian: 8 of 10,000 (1.03) could be 7.71 or 0.95: either side of 1.
    let asian = table
        .row(&g("ethnicity", "Asian"))
        .unwrap()
        .if_unrecorded
        .unwrap();
    assert_eq!(
        asian.if_unrecorded_comparator,
        Some((8.0 * 900_000.0) / (760.0 * 10_000.0))
    );
    assert!(asian.could_change_conclusion);
    assert!(
        table.notes.iter().any(|n| n
            .starts_with("ethnicity=Asian: the 60 event(s) with no recorded group could decide")),
        "{:?}",
        table.notes
    );
    assert!(
        table
            .notes
            .iter()
            .any(|n| n.starts_with("60 event(s) have no recorded group")),
        "{:?}",
        table.notes
    );
    // The unknown group and the comparator carry no bounds.
    assert_eq!(
        table
            .row(&g("ethnicity", "not recorded"))
            .unwrap()
            .if_unrecorded,
        None
    );
    assert_eq!(
        table.row(&g("ethnicity", "White")).unwrap().if_unrecorded,
        None
    );
}

#[test]
fn the_new_figures_are_in_the_json() {
    let r = force();
    let value = serde_json::to_value(&r).unwrap();
    let senior = &value["sections"][2];
    assert_eq!(senior["scope"]["band"], "senior leadership");
    let women = &senior["rows"][0];
    assert_eq!(women["group"]["sex"], "female");
    assert_eq!(women["position_in_workforce"], "too_few_to_tell");
    assert_eq!(women["position"]["under"], "more_than_15");
    assert_eq!(women["ratio_ci"].as_array().unwrap().len(), 2);
    assert!(women["p_value"].as_f64().is_some());
    assert!(
        senior["notes"][0]
            .as_str()
            .unwrap()
            .contains("too few to tell")
    );
    let back: Representation = serde_json::from_value(value).unwrap();
    assert_eq!(back, r);

    let table = fpn(&[
        ("White", 700, 900_000),
        ("Mixed", 2, 300),
        ("not recorded", 5, 0),
    ]);
    let value = serde_json::to_value(&table).unwrap();
    let mixed = &value["rows"][0];
    assert_eq!(mixed["group"]["ethnicity"], "Mixed");
    assert_eq!(mixed["rate_ratio_ci"].as_array().unwrap().len(), 2);
    assert_eq!(mixed["if_unrecorded"]["unrecorded_events"], 5);
    assert!(value["notes"].as_array().is_some_and(|n| !n.is_empty()));
}
