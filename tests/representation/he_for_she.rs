//! Issue 12: HeForShe's rank-band position compares a band's share with the
//! force's, and its report does so by default. The constructed data set
//! `tests/fixtures/workforce/he_for_she.csv` (see its header for the
//! sources) reproduces the published figures: women 27% → 28% of middle
//! management, 30% of senior leadership.

use chrono::NaiveDate;
use positive_action::records::Rank;
use positive_action::workforce::{
    BandShares, Benchmark, Headcount, HeadcountRecord, Margin, Position, PositionBasis, RankBand,
    RankStructure, Scope,
};
use positive_action::{Breakdown, Group};

fn sex(s: &str) -> Group {
    Group::parse([("sex", s)]).unwrap()
}

/// The headcount on each date in the fixture, earliest first.
fn years() -> Vec<Headcount> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workforce/he_for_she.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    let mut dates: Vec<(NaiveDate, Vec<HeadcountRecord>)> = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let date: NaiveDate = f[0].parse().unwrap();
        let record = HeadcountRecord {
            rank: Rank::new(f[1]).unwrap(),
            group: sex(f[2]),
            headcount: f[3].parse().unwrap(),
        };
        match dates.iter_mut().find(|(d, _)| *d == date) {
            Some((_, records)) => records.push(record),
            None => dates.push((date, vec![record])),
        }
    }
    dates
        .into_iter()
        .map(|(date, records)| {
            Headcount::from_records(&RankStructure::police(), &by_sex, records)
                .unwrap()
                .on(date)
        })
        .collect()
}

/// Census 2021, England and Wales: 51.0% of residents female.
fn census() -> Benchmark {
    let by_sex = Breakdown::parse(["sex"]).unwrap();
    Benchmark::from_shares(
        "census 2021 (England and Wales)",
        &by_sex,
        [(sex("female"), 0.51), (sex("male"), 0.49)],
    )
    .unwrap()
}

fn whole_percent(share: Option<f64>) -> i64 {
    (100.0 * share.unwrap()).round() as i64
}

#[test]
fn the_he_for_she_report_reproduces_its_published_figures() {
    let years = years();
    assert_eq!(years.len(), 2);
    let report = BandShares::he_for_she(&years[0], &years[1], &census(), &sex("female")).unwrap();
    assert_eq!(report.basis, PositionBasis::Workforce);
    let middle = report
        .row(&Scope::Band(RankBand::MIDDLE_MANAGEMENT.into()))
        .unwrap();
    let senior = report
        .row(&Scope::Band(RankBand::SENIOR_LEADERSHIP.into()))
        .unwrap();
    let whole = report.row(&Scope::Workforce).unwrap();
    // The published figures, rounded as published.
    assert_eq!(whole_percent(middle.previous_share), 27);
    assert_eq!(whole_percent(middle.current_share), 28);
    assert_eq!(whole_percent(senior.previous_share), 30);
    assert_eq!(whole_percent(whole.previous_share), 35);
    // Exact shares from the counts, never the rounded figures.
    assert_eq!(middle.previous_share, Some(7_830.0 / 29_000.0));
    assert_eq!(middle.current_share, Some(8_232.0 / 29_400.0));
    assert_eq!(senior.previous_share, Some(1_077.0 / 3_590.0));
    assert_eq!(
        middle.change_points,
        Some(100.0 * (8_232.0 / 29_400.0 - 7_830.0 / 29_000.0))
    );
    assert_eq!(
        (middle.current_headcount, middle.current_declared),
        (8_232, 29_400)
    );

    // Band against force by default: 28% of middle management against the
    // force's 35%; 30% of senior leadership against 35%.
    assert_eq!(middle.position, middle.position_against_workforce);
    assert_eq!(middle.position, Some(Position::Under(Margin::MoreThan5)));
    assert_eq!(senior.position, Some(Position::Under(Margin::MoreThan1)));
    // Against the census (51% women) both are further below.
    assert_eq!(
        middle.position_against_benchmark,
        Some(Position::Under(Margin::MoreThan15))
    );
    assert_eq!(
        senior.position_against_benchmark,
        Some(Position::Under(Margin::MoreThan15))
    );
    // The force is not compared with itself.
    assert_eq!(whole.position_against_workforce, None);
    assert_eq!(whole.position, None);
    assert_eq!(
        whole.position_against_benchmark,
        Some(Position::Under(Margin::MoreThan15))
    );

    // Text: the shares as published, and both bases by name, the report's
    // own first.
    let text = report.to_string();
    assert!(text.contains("27% → 28%"), "{text}");
    assert!(text.contains("30% → 30%"), "{text}");
    assert!(
        text.contains("position against the whole workforce (the report's basis)"),
        "{text}"
    );
    let header = text.lines().nth(1).unwrap();
    let force = header.find("position against the whole workforce").unwrap();
    let census = header.find("position against the benchmark").unwrap();
    assert!(force < census, "{header}");
    assert!(
        text.contains("under-represented by more than 5 points"),
        "{text}"
    );

    // JSON: the basis and both positions, named.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["basis"], "workforce");
    let band = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["scope"]["band"] == RankBand::MIDDLE_MANAGEMENT)
        .unwrap();
    assert_eq!(band["position_against_workforce"]["under"], "more_than_5");
    assert_eq!(band["position_against_benchmark"]["under"], "more_than_15");
    assert_eq!(band["position"], band["position_against_workforce"]);
    let back: BandShares = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn the_benchmark_basis_is_offered_by_name() {
    let years = years();
    let report = BandShares::new(
        &years[0],
        &years[1],
        &census(),
        &sex("female"),
        PositionBasis::Benchmark,
    )
    .unwrap();
    let middle = report
        .row(&Scope::Band(RankBand::MIDDLE_MANAGEMENT.into()))
        .unwrap();
    assert_eq!(middle.position, middle.position_against_benchmark);
    assert_eq!(serde_json::to_value(&report).unwrap()["basis"], "benchmark");
    let text = report.to_string();
    assert!(
        text.contains("position against the benchmark (the report's basis)"),
        "{text}"
    );
    // The same counts, the same figures on either basis.
    let he_for_she =
        BandShares::he_for_she(&years[0], &years[1], &census(), &sex("female")).unwrap();
    for (a, b) in report.rows.iter().zip(&he_for_she.rows) {
        assert_eq!(a.position_against_workforce, b.position_against_workforce);
        assert_eq!(a.position_against_benchmark, b.position_against_benchmark);
        assert_eq!(a.current_share, b.current_share);
    }
}
