//! The workforce side: representation, disproportionality, attrition,
//! target planning and declaration, every figure checked against hand
//! computations (and, for the tests of attrition, against scipy and
//! statsmodels: see `tests/fixtures/workforce/`).

mod he_for_she;
mod intervals;
mod missing_from_benchmark;

use chrono::NaiveDate;
use positive_action::records::{Period, Rank};
use positive_action::workforce::{
    Attrition, AttritionRecord, Benchmark, Comparator, Declaration, DeclarationRecord,
    Disproportionality, DisproportionalityRecord, ExpectedLeavers, Headcount, HeadcountChange,
    HeadcountRecord, Margin, Person, Position, RankBand, RankStructure, Representation, Scope,
    TargetFinding, TargetPlan, Unit, Workforce,
};
use positive_action::{Breakdown, CandidateId, Characteristic, Error, Group, Profile};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ethnicity(label: &str) -> Group {
    Group::parse([("ethnicity", label)]).unwrap()
}

fn sex(label: &str) -> Group {
    Group::parse([("sex", label)]).unwrap()
}

fn by(name: &str) -> Breakdown {
    Breakdown::parse([name]).unwrap()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1e-300)
}

// ---------------------------------------------------------------------
// Representation by rank and band
// ---------------------------------------------------------------------

/// A force's headcount by rank and sex, as the Home Office tables give it.
fn by_rank_and_sex() -> Headcount {
    let rows: [(Rank, u64, u64, u64); 9] = [
        // rank, female, male, undeclared
        (Rank::CONSTABLE, 700, 1_100, 20),
        (Rank::SERGEANT, 90, 210, 5),
        (Rank::INSPECTOR, 30, 70, 0),
        (Rank::CHIEF_INSPECTOR, 10, 25, 0),
        (Rank::SUPERINTENDENT, 5, 15, 0),
        (Rank::CHIEF_SUPERINTENDENT, 2, 6, 0),
        (Rank::ASSISTANT_CHIEF_CONSTABLE, 1, 1, 0),
        (Rank::DEPUTY_CHIEF_CONSTABLE, 0, 1, 0),
        (Rank::CHIEF_CONSTABLE, 1, 0, 0),
    ];
    let mut records = Vec::new();
    for (rank, female, male, undeclared) in rows {
        for (label, headcount) in [
            ("female", female),
            ("male", male),
            ("prefer not to say", undeclared),
        ] {
            records.push(HeadcountRecord {
                rank: rank.clone(),
                group: sex(label),
                headcount,
            });
        }
    }
    Headcount::from_records(&RankStructure::police(), &by("sex"), records)
        .unwrap()
        .on(day(2025, 3, 31))
}

fn population_by_sex() -> Benchmark {
    Benchmark::from_shares(
        "census 2021",
        &by("sex"),
        [(sex("female"), 0.51), (sex("male"), 0.49)],
    )
    .unwrap()
}

#[test]
fn representation_by_rank_and_band_by_hand() {
    let headcount = by_rank_and_sex();
    assert_eq!(headcount.total(), 2_292);
    let r = Representation::new(&headcount, &population_by_sex()).unwrap();
    assert_eq!(r.as_at, Some(day(2025, 3, 31)));

    // Whole workforce: 839 women and 1,428 men declared, 25 not.
    let w = r.workforce().unwrap();
    assert_eq!((w.headcount, w.declared, w.undeclared), (2_292, 2_267, 25));
    let women = w.row(&sex("female")).unwrap();
    assert_eq!(women.headcount, 839);
    assert_eq!(women.share, Some(839.0 / 2_267.0));
    assert_eq!(women.benchmark_share, Some(0.51));
    assert_eq!(women.ratio, Some((839.0 / 2_267.0) / 0.51));
    assert_eq!(women.gap_points, Some(100.0 * (839.0 / 2_267.0 - 0.51)));
    // 37.0% against 51%: 14.0 points under.
    assert_eq!(format!("{:.1}", women.gap_points.unwrap()), "-14.0");
    assert_eq!(women.position, Some(Position::Under(Margin::MoreThan10)));
    assert_eq!(women.difference_from_workforce_points, None);
    let men = w.row(&sex("male")).unwrap();
    assert_eq!(men.position, Some(Position::Over(Margin::MoreThan10)));
    // Unknown groups are counted, never rows, never the denominator.
    assert!(w.rows.iter().all(|row| !row.group.is_unknown()));

    // Middle management = sergeant + inspector: 120 women of 400 declared.
    let middle = r
        .section(&Scope::Band(RankBand::MIDDLE_MANAGEMENT.into()))
        .unwrap();
    assert_eq!(
        (middle.headcount, middle.declared, middle.undeclared),
        (405, 400, 5)
    );
    let women_middle = middle.row(&sex("female")).unwrap();
    assert_eq!(women_middle.share, Some(0.3));
    assert_eq!(
        women_middle.difference_from_workforce_points,
        Some(100.0 * (0.3 - 839.0 / 2_267.0))
    );
    assert_eq!(
        women_middle.position,
        Some(Position::Under(Margin::MoreThan15))
    );

    // Senior leadership = chief inspector and above: 19 women of 67.
    let senior = r
        .section(&Scope::Band(RankBand::SENIOR_LEADERSHIP.into()))
        .unwrap();
    assert_eq!((senior.headcount, senior.declared), (67, 67));
    assert_eq!(senior.row(&sex("female")).unwrap().share, Some(19.0 / 67.0));
    assert_eq!(senior.row(&sex("male")).unwrap().headcount, 48);

    // Each rank, including one with no women.
    let dcc = r
        .section(&Scope::Rank(Rank::DEPUTY_CHIEF_CONSTABLE))
        .unwrap();
    assert_eq!(dcc.row(&sex("female")).unwrap().share, Some(0.0));
    assert_eq!(dcc.row(&sex("female")).unwrap().ratio, Some(0.0));
    let sergeants = r.section(&Scope::Rank(Rank::SERGEANT)).unwrap();
    assert_eq!(sergeants.row(&sex("female")).unwrap().share, Some(0.3));
    assert_eq!(r.sections.len(), 1 + 2 + 9);

    let text = r.to_string();
    assert!(
        text.contains("middle management: 405 in post, 400 declared, 5 not declared"),
        "{text}"
    );
    assert!(
        text.contains("under-represented by more than 10 points"),
        "{text}"
    );
}

#[test]
fn custom_bands_for_another_employer() {
    let grades = RankStructure::new(["AO", "EO", "HEO", "SEO", "G7", "G6"])
        .unwrap()
        .band("senior", ["G7", "G6"])
        .unwrap();
    let rec = |rank: &str, label: &str, headcount| HeadcountRecord {
        rank: Rank::new(rank).unwrap(),
        group: sex(label),
        headcount,
    };
    let headcount = Headcount::from_records(
        &grades,
        &by("sex"),
        [
            rec("AO", "female", 60),
            rec("AO", "male", 40),
            rec("G7", "female", 3),
            rec("G6", "male", 7),
        ],
    )
    .unwrap();
    let r = Representation::new(&headcount, &population_by_sex()).unwrap();
    let senior = r.section(&Scope::Band("senior".into())).unwrap();
    assert_eq!(senior.row(&sex("female")).unwrap().share, Some(0.3));
    // 63 of 110 women in all; the senior band is 0.3 − 63/110 below it.
    assert_eq!(
        senior
            .row(&sex("female"))
            .unwrap()
            .difference_from_workforce_points,
        Some(100.0 * (0.3 - 63.0 / 110.0))
    );
    // An unknown rank in a band is refused, naming band and rank.
    let err = RankStructure::new(["AO", "EO"])
        .unwrap()
        .band("senior", ["G7"])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "rank \"G7\" in band \"senior\" is not in the rank structure: expected one of AO, EO"
    );
}

// ---------------------------------------------------------------------
// West Mercia: 3.3% to 3.4% against 5.8%
// ---------------------------------------------------------------------

fn west_mercia_census() -> Benchmark {
    // 5.8% of the local population is ethnically diverse.
    Benchmark::from_shares(
        "census 2021",
        &by("ethnicity"),
        [
            (ethnicity("ethnically diverse"), 0.058),
            (ethnicity("White"), 0.942),
        ],
    )
    .unwrap()
}

fn officers(diverse: u64, white: u64, date: NaiveDate) -> Headcount {
    Headcount::from_records(
        &RankStructure::police(),
        &by("ethnicity"),
        [
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: ethnicity("ethnically diverse"),
                headcount: diverse,
            },
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: ethnicity("White"),
                headcount: white,
            },
        ],
    )
    .unwrap()
    .on(date)
}

#[test]
fn west_mercia_representation_rose_from_3_3_to_3_4_percent() {
    let census = west_mercia_census();
    let before = officers(81, 2_374, day(2024, 3, 31));
    let after = officers(84, 2_386, day(2025, 3, 31));
    let diverse = ethnicity("ethnically diverse");

    let r0 = Representation::new(&before, &census).unwrap();
    let r1 = Representation::new(&after, &census).unwrap();
    let row0 = r0.workforce().unwrap().row(&diverse).unwrap();
    let row1 = r1.workforce().unwrap().row(&diverse).unwrap();
    assert_eq!(row0.share, Some(81.0 / 2_455.0));
    assert_eq!(row1.share, Some(84.0 / 2_470.0));
    assert_eq!(row0.ratio, Some((81.0 / 2_455.0) / 0.058));
    assert_eq!(row1.ratio, Some((84.0 / 2_470.0) / 0.058));
    // The published, rounded figures come out of the exact ones.
    assert_eq!(format!("{:.1}%", 100.0 * row0.share.unwrap()), "3.3%");
    assert_eq!(format!("{:.1}%", 100.0 * row1.share.unwrap()), "3.4%");
    assert_eq!(format!("{:.2}", row0.ratio.unwrap()), "0.57");
    assert_eq!(format!("{:.2}", row1.ratio.unwrap()), "0.59");
    assert_eq!(row1.position, Some(Position::Under(Margin::MoreThan1)));

    // Year on year: +3 officers is +3.7%, +0.1 points of share.
    let change = HeadcountChange::new(&before, &after).unwrap();
    let c = change.workforce().unwrap().row(&diverse).unwrap();
    assert_eq!((c.previous, c.current), (81, 84));
    assert_eq!(c.change_percent, Some(100.0 * 3.0 / 81.0));
    assert_eq!(
        c.share_change_points,
        Some(100.0 * (84.0 / 2_470.0 - 81.0 / 2_455.0))
    );
    assert_eq!(format!("{:.1}", c.share_change_points.unwrap()), "0.1");
    // A band with nobody in either year has an undefined change.
    let senior = change
        .section(&Scope::Band(RankBand::SENIOR_LEADERSHIP.into()))
        .unwrap();
    assert_eq!(senior.row(&diverse).unwrap().change_percent, None);
    assert!(change.to_string().contains("+3.7%"));
}

#[test]
fn what_parity_takes_in_west_mercia() {
    let census = west_mercia_census();
    let now = officers(84, 2_386, day(2025, 3, 31));
    let r = Representation::new(&now, &census).unwrap();
    let diverse = ethnicity("ethnically diverse");
    let plan = TargetPlan::parity(&r, &diverse, day(2030, 3, 31)).unwrap();
    assert_eq!((plan.headcount, plan.group_headcount), (2_470, 84));
    assert_eq!(plan.target_share, 0.058);

    // With nobody leaving, parity needs ⌈0.058·(2,470 + R)⌉ − 84 of R recruits.
    // R = 0: 143.26 → 144 − 84 = 60, more than none: infeasible.
    let none = plan.requirement(0);
    assert_eq!(none.appointments_needed, 60);
    assert_eq!(none.finding, TargetFinding::Infeasible);
    assert_eq!(none.share_of_recruits, None);
    // R = 1,000: 0.058·3,470 = 201.26 → 202 − 84 = 118 (11.8% of recruits).
    let thousand = plan.requirement(1_000);
    assert_eq!(thousand.appointments_needed, 118);
    assert_eq!(thousand.share_of_recruits, Some(0.118));
    assert_eq!(thousand.finding, TargetFinding::Feasible);
    assert_eq!(thousand.projected_share, Some(202.0 / 3_470.0));
    // Least R with ⌈0.058·(2,470 + R) − 84⌉ ≤ R: R ≥ 59.26/0.942 = 62.9, so 63.
    assert_eq!(plan.minimum_recruits(), Some(63));
    assert_eq!(plan.requirement(63).appointments_needed, 63);
    assert_eq!(plan.requirement(62).finding, TargetFinding::Infeasible);

    // With leavers: 3 of the group and 167 others a year for 5 years
    // (counts), recruiting 850: 0.058·(2,470 − 15 − 835 + 850) = 143.26,
    // group left 84 − 15 = 69, so 144 − 69 = 75 (8.8% of recruits).
    let plan = plan
        .leavers(ExpectedLeavers::Count(15), ExpectedLeavers::Count(835))
        .unwrap();
    let r850 = plan.requirement(850);
    assert_eq!(r850.appointments_needed, 75);
    assert_eq!(r850.projected_headcount, 2_470.0);
    assert_eq!(r850.share_of_recruits, Some(75.0 / 850.0));

    // The share of recruits the target needs falls towards 5.8% with volume.
    let table = plan.table([100, 500, 1_000, 5_000, 50_000]);
    let shares: Vec<f64> = table
        .rows
        .iter()
        .map(|r| r.share_of_recruits.unwrap())
        .collect();
    assert!(shares.windows(2).all(|w| w[0] > w[1]), "{shares:?}");
    assert!(shares[4] > 0.058 && shares[4] < 0.06, "{shares:?}");
    let text = table.to_string();
    assert!(
        text.contains("ethnically diverse at 5.8% by 2030-03-31"),
        "{text}"
    );

    // Leaving rates: 3.7% of 84 is 3.108 leavers.
    let by_rate = TargetPlan::new(diverse.clone(), 2_470, 84, 0.058, day(2026, 3, 31))
        .unwrap()
        .leavers(ExpectedLeavers::Rate(0.037), ExpectedLeavers::Rate(0.08))
        .unwrap();
    assert!(close(by_rate.group_leavers, 0.037 * 84.0, 1e-15));
    assert!(close(by_rate.other_leavers, 0.08 * 2_386.0, 1e-15));
    // 0.058·(2,470 − 3.108 − 190.88 + 200) − (84 − 3.108)
    // = 143.6087 − 80.892 = 62.72 → 63.
    assert_eq!(by_rate.requirement(200).appointments_needed, 63);
}

#[test]
fn a_target_already_met_and_one_never_feasible() {
    let g = sex("female");
    let met = TargetPlan::new(g.clone(), 100, 60, 0.5, day(2030, 1, 1)).unwrap();
    assert_eq!(met.requirement(10).finding, TargetFinding::AlreadyMet);
    assert_eq!(met.requirement(10).appointments_needed, 0);
    assert_eq!(met.minimum_recruits(), Some(0));
    // A target of 100% while others stay can never be met.
    let all = TargetPlan::new(g.clone(), 100, 60, 1.0, day(2030, 1, 1)).unwrap();
    assert_eq!(all.minimum_recruits(), None);
    assert_eq!(all.requirement(1_000).finding, TargetFinding::Infeasible);
    assert_eq!(all.requirement(1_000).appointments_needed, 1_040);
    // Everyone leaves and nobody is recruited: no share at all.
    let empty = TargetPlan::new(g, 10, 5, 0.5, day(2030, 1, 1))
        .unwrap()
        .leavers(ExpectedLeavers::Rate(1.0), ExpectedLeavers::Count(5))
        .unwrap();
    assert_eq!(empty.requirement(0).finding, TargetFinding::NoOneInPost);
    assert_eq!(empty.requirement(0).projected_share, None);
}

#[test]
fn target_inputs_are_checked() {
    let g = sex("female");
    let by = day(2030, 1, 1);
    assert_eq!(
        TargetPlan::new(g.clone(), 10, 11, 0.5, by)
            .unwrap_err()
            .to_string(),
        "headcount of group sex=female (11) exceeds the headcount (10)"
    );
    assert_eq!(
        TargetPlan::new(g.clone(), 10, 1, 1.5, by)
            .unwrap_err()
            .to_string(),
        "target share of group sex=female is 1.5: expected a number in [0, 1]"
    );
    // Parity needs the group in the representation, with a benchmark share.
    let r = Representation::new(
        &officers(84, 2_386, day(2025, 3, 31)),
        &west_mercia_census(),
    )
    .unwrap();
    assert_eq!(
        TargetPlan::parity(&r, &ethnicity("Mixed"), by)
            .unwrap_err()
            .to_string(),
        "group ethnicity=Mixed is not in the representation: expected a declared group of the headcount or benchmark"
    );
    let plan = TargetPlan::new(g, 10, 4, 0.5, by).unwrap();
    assert_eq!(
        plan.clone()
            .leavers(ExpectedLeavers::Count(5), ExpectedLeavers::Count(0))
            .unwrap_err()
            .to_string(),
        "expected leavers of group sex=female (5) exceeds the current headcount of group sex=female (4)"
    );
    assert_eq!(
        plan.leavers(ExpectedLeavers::Count(0), ExpectedLeavers::Rate(-0.1))
            .unwrap_err()
            .to_string(),
        "expected leaving rate of everyone else is -0.1: expected a number in [0, 1]"
    );
    assert_eq!(
        ExpectedLeavers::annual_rate(0.1, day(2025, 1, 2), day(2025, 1, 1))
            .unwrap_err()
            .to_string(),
        "period from 2025-01-02 to 2025-01-01 ends before it starts"
    );
    // Two years at 10% a year: 1 − 0.9^(731/365.25).
    let ExpectedLeavers::Rate(two_years) =
        ExpectedLeavers::annual_rate(0.1, day(2024, 1, 1), day(2026, 1, 1)).unwrap()
    else {
        panic!("a rate")
    };
    assert!(close(two_years, 1.0 - 0.9f64.powf(731.0 / 365.25), 1e-15));
}

// ---------------------------------------------------------------------
// Disproportionality: 70% of notices, six times as likely
// ---------------------------------------------------------------------

#[test]
fn fixed_penalty_notices_share_and_rate_ratio() {
    let rec = |label: &str, events, population| DisproportionalityRecord {
        group: ethnicity(label),
        events,
        population,
    };
    let fpn = Disproportionality::new(
        "fixed penalty notices",
        &by("ethnicity"),
        [
            rec("White", 700, 900_000),
            rec("Black", 140, 30_000),
            rec("Asian", 120, 60_000),
            rec("Other", 25, 10_000),
            rec("not recorded", 15, 0),
        ],
        Comparator::Group(ethnicity("White")),
    )
    .unwrap();
    assert_eq!((fpn.total_events, fpn.total_population), (1_000, 1_000_000));
    let white = fpn.row(&ethnicity("White")).unwrap();
    let black = fpn.row(&ethnicity("Black")).unwrap();
    // 70% of the notices went to White people...
    assert_eq!(white.share_of_events, Some(0.7));
    assert_eq!(white.rate, Some(700.0 / 900_000.0));
    assert_eq!(white.rate_ratio, Some(1.0));
    // ...yet Black people were six times as likely to receive one.
    assert_eq!(black.share_of_events, Some(0.14));
    assert_eq!(black.rate, Some(140.0 / 30_000.0));
    assert!(close(black.rate_ratio.unwrap(), 6.0, 1e-12));
    assert_eq!(
        black.rate_ratio,
        Some((140.0 / 30_000.0) / (700.0 / 900_000.0))
    );
    let asian = fpn.row(&ethnicity("Asian")).unwrap();
    assert!(close(asian.rate_ratio.unwrap(), 18.0 / 7.0, 1e-12));
    // Events with no recorded ethnicity count in the shares, have no rate.
    let unknown = fpn.row(&ethnicity("not recorded")).unwrap();
    assert_eq!(unknown.share_of_events, Some(0.015));
    assert_eq!((unknown.rate, unknown.rate_ratio), (None, None));
    let text = fpn.to_string();
    assert!(text.contains("comparator: White"), "{text}");
    assert!(text.contains("6.00"), "{text}");

    // By default the comparator is the largest population.
    let largest = Disproportionality::new(
        "fixed penalty notices",
        &by("ethnicity"),
        [rec("White", 700, 900_000), rec("Black", 140, 30_000)],
        Comparator::Largest,
    )
    .unwrap();
    assert_eq!(largest.comparator, Some(ethnicity("White")));

    // A comparator with no events gives undefined ratios, never infinity.
    let zero = Disproportionality::new(
        "stop and search",
        &by("ethnicity"),
        [rec("White", 0, 900_000), rec("Black", 3, 30_000)],
        Comparator::Group(ethnicity("White")),
    )
    .unwrap();
    assert_eq!(zero.row(&ethnicity("Black")).unwrap().rate_ratio, None);
}

#[test]
fn disproportionality_inputs_are_checked() {
    let rec = |label: &str, events, population| DisproportionalityRecord {
        group: ethnicity(label),
        events,
        population,
    };
    let err = Disproportionality::new(
        "fpn",
        &by("ethnicity"),
        [rec("White", 1, 2), rec("White", 3, 4)],
        Comparator::Largest,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "group ethnicity=White is given more than once in the disproportionality records"
    );
    let err = Disproportionality::new(
        "fpn",
        &by("ethnicity"),
        [rec("White", u64::MAX, 2), rec("Black", 3, 4)],
        Comparator::Largest,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "count overflow in the events of fpn: the total exceeds {}",
            u64::MAX
        )
    );
    let err = Disproportionality::new(
        "fpn",
        &by("ethnicity"),
        [rec("Black", 3, 4)],
        Comparator::Group(ethnicity("White")),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "group ethnicity=White is not among the groups given: expected the comparator to be one of them"
    );
    let err = Disproportionality::new("  ", &by("ethnicity"), [], Comparator::Largest).unwrap_err();
    assert_eq!(
        err.to_string(),
        "empty event name: expected at least one non-blank character"
    );
    let err = Disproportionality::new(
        "fpn",
        &by("ethnicity"),
        [DisproportionalityRecord {
            group: sex("male"),
            events: 1,
            population: 1,
        }],
        Comparator::Largest,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "group sex=male does not match the breakdown [ethnicity]: expected one category for each of its characteristics"
    );
}

// ---------------------------------------------------------------------
// A workforce snapshot: headcount, joiners, leavers, attrition
// ---------------------------------------------------------------------

/// A West Mercia-like force, person by person: 82 ethnically diverse and
/// 2,380 White officers on 1 April 2023; in 2023/24, 14 and 190 leave and
/// 13 and 184 join (one diverse and two White joiners leave again within
/// the year, and are not among the 14 and 190); in 2024/25, 3 and 170 leave
/// and 6 and 182 join.
fn west_mercia_workforce() -> Workforce {
    let unit = Unit::new("West Mercia").unwrap();
    let mut people = Vec::new();
    let mut n = 0;
    let mut add = |label: &str, started: NaiveDate, left: Option<NaiveDate>| {
        n += 1;
        let rank = if n % 10 == 0 {
            Rank::SERGEANT
        } else {
            Rank::CONSTABLE
        };
        let person = Person::new(
            CandidateId::from_external(&format!("WM-{n:05}")),
            Profile::parse([("ethnicity", label)]).unwrap(),
            rank,
            unit.clone(),
            started,
        );
        people.push(match left {
            Some(l) => person.left_on(l).unwrap(),
            None => person,
        });
    };
    for (label, at_start, left_1, joined_1, left_2, joined_2) in [
        ("ethnically diverse", 82, 14, 13, 3, 6),
        ("White", 2_380, 190, 184, 170, 182),
    ] {
        let mut in_post = Vec::new();
        for _ in 0..at_start {
            in_post.push(day(2015, 9, 1));
        }
        // 2023/24: the first `left_1` of those in post leave; the last day
        // of the year counts as in the year.
        let leaving_2023 = [day(2023, 4, 1), day(2024, 3, 31)];
        let mut stay = Vec::new();
        for (i, started) in in_post.into_iter().enumerate() {
            if i < left_1 {
                add(label, started, Some(leaving_2023[i % 2]));
            } else {
                stay.push(started);
            }
        }
        for _ in 0..joined_1 {
            stay.push(day(2023, 9, 4));
        }
        // Joiners who leave within their first year: outside the rates.
        let early = if label == "White" { 2 } else { 1 };
        for _ in 0..early {
            add(label, day(2023, 10, 2), Some(day(2024, 2, 28)));
        }
        for (i, started) in stay.into_iter().enumerate() {
            if i < left_2 {
                add(label, started, Some(day(2024, 11, 15)));
            } else {
                add(label, started, None);
            }
        }
        for _ in 0..joined_2 {
            add(label, day(2024, 10, 7), None);
        }
    }
    Workforce::new(&RankStructure::police(), people).unwrap()
}

#[test]
fn headcount_joiners_and_leavers_from_a_snapshot() {
    let w = west_mercia_workforce();
    let by_ethnicity = by("ethnicity");
    let diverse = ethnicity("ethnically diverse");
    let white = ethnicity("White");
    let total = |h: &Headcount, g: &Group| {
        RankStructure::police()
            .ranks()
            .iter()
            .map(|r| h.count(r, g))
            .sum::<u64>()
    };
    let start = w.headcount_on(day(2023, 4, 1), &by_ethnicity);
    assert_eq!(
        (total(&start, &diverse), total(&start, &white)),
        (82, 2_380)
    );
    // 1 April 2024: 82 − 14 + 13 = 81 and 2,380 − 190 + 184 = 2,374.
    let april_2024 = w.headcount_on(day(2024, 4, 1), &by_ethnicity);
    assert_eq!(total(&april_2024, &diverse), 81);
    assert_eq!(total(&april_2024, &white), 2_374);
    assert_eq!(april_2024.as_at(), Some(day(2024, 4, 1)));
    // A leaving date is the last day of service: the 7 diverse and 95
    // White officers whose last day was 31 March 2024 were in post on it.
    let march_2024 = w.headcount_on(day(2024, 3, 31), &by_ethnicity);
    assert_eq!(total(&march_2024, &diverse), 81 + 7);
    assert_eq!(total(&march_2024, &white), 2_374 + 95);
    // 31 March 2025: 81 − 3 + 6 = 84 and 2,374 − 170 + 182 = 2,386.
    let march_2025 = w.headcount_on(day(2025, 3, 31), &by_ethnicity);
    assert_eq!(total(&march_2025, &diverse), 84);
    assert_eq!(total(&march_2025, &white), 2_386);
    assert_eq!(march_2025.total(), 2_470);

    let fy2023 = Period::financial_year(2023).unwrap();
    let leavers = w.leavers_in(fy2023, &by_ethnicity);
    // 14 + 1 early leaver, and 190 + 2.
    assert_eq!(total(&leavers, &diverse), 15);
    assert_eq!(total(&leavers, &white), 192);
    let joiners = w.joiners_in(fy2023, &by_ethnicity);
    assert_eq!(total(&joiners, &diverse), 14);
    assert_eq!(total(&joiners, &white), 186);

    // Leaving on the last day of the period is leaving in it; leaving on
    // the first day still counts the person in post at the start.
    let first = w
        .people()
        .iter()
        .find(|p| p.left() == Some(day(2023, 4, 1)))
        .unwrap();
    assert!(first.in_post_on(day(2023, 4, 1)));
    assert!(!first.in_post_on(day(2023, 4, 2)));
}

#[test]
fn west_mercia_attrition_fell_from_17_to_3_7_percent() {
    let w = west_mercia_workforce();
    let by_ethnicity = by("ethnicity");
    let diverse = ethnicity("ethnically diverse");
    let fy2023 = w
        .attrition(
            Period::financial_year(2023).unwrap(),
            &by_ethnicity,
            Comparator::Group(ethnicity("White")),
        )
        .unwrap();
    let fy2024 = w
        .attrition(
            Period::financial_year(2024).unwrap(),
            &by_ethnicity,
            Comparator::Group(ethnicity("White")),
        )
        .unwrap();
    let before = fy2023.row(&diverse).unwrap();
    assert_eq!(
        (before.headcount_at_start, before.leavers, before.stayed),
        (82, 14, 68)
    );
    assert_eq!(before.attrition_rate, Some(14.0 / 82.0));
    assert_eq!(before.retention_rate, Some(68.0 / 82.0));
    assert_eq!(
        format!("{:.0}%", 100.0 * before.attrition_rate.unwrap()),
        "17%"
    );
    let after = fy2024.row(&diverse).unwrap();
    assert_eq!((after.headcount_at_start, after.leavers), (81, 3));
    assert_eq!(
        format!("{:.1}%", 100.0 * after.attrition_rate.unwrap()),
        "3.7%"
    );
    // Early leavers are outside the rates but counted.
    assert_eq!(fy2023.joined_and_left, 3);
    assert_eq!(fy2024.joined_and_left, 0);
    assert_eq!(fy2023.total.headcount_at_start, 2_462);
    assert_eq!(fy2023.total.leavers, 204);
    assert_eq!(fy2023.comparator, Some(ethnicity("White")));
    let text = fy2023.to_string();
    assert!(text.contains("Attrition 2023/24"), "{text}");
    assert!(
        text.contains("3 joined during the period and left in it"),
        "{text}"
    );
}

#[test]
fn attrition_records_are_checked() {
    let period = Period::financial_year(2024).unwrap();
    let rec = |label: &str, headcount_at_start, leavers| AttritionRecord {
        group: ethnicity(label),
        headcount_at_start,
        leavers,
    };
    let err = Attrition::new(
        period,
        &by("ethnicity"),
        [rec("White", 10, 11)],
        Comparator::Largest,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "leavers of group ethnicity=White (11) exceeds the headcount at the start of the period (10)"
    );
    let err = Attrition::new(
        period,
        &by("ethnicity"),
        [rec("White", 10, 1), rec("White", 10, 1)],
        Comparator::Largest,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "group ethnicity=White is given more than once in the attrition records"
    );
    let err = Attrition::new(
        period,
        &by("ethnicity"),
        [rec("White", u64::MAX, 1), rec("Black", 1, 0)],
        Comparator::Largest,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "count overflow in the headcount at the start of 2024-04-01 to 2025-03-31: the total exceeds {}",
            u64::MAX
        )
    );
    let err = Attrition::new(
        period,
        &by("ethnicity"),
        [rec("White", 10, 1), rec("not recorded", 10, 1)],
        Comparator::Group(ethnicity("not recorded")),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "group ethnicity=not recorded cannot be the comparator: an unknown group is never the comparator"
    );
    // A group with nobody in post has undefined rates, never 0.
    let empty = Attrition::new(
        period,
        &by("ethnicity"),
        [rec("Mixed", 0, 0)],
        Comparator::Largest,
    )
    .unwrap();
    let mixed = empty.row(&ethnicity("Mixed")).unwrap();
    assert_eq!((mixed.attrition_rate, mixed.retention_rate), (None, None));
    assert_eq!(empty.comparator, None);
}

#[test]
fn workforce_snapshot_errors_name_the_person() {
    let id = CandidateId::from_external("PC-0001");
    let person = Person::new(
        id,
        Profile::default(),
        Rank::CONSTABLE,
        Unit::new("North").unwrap(),
        day(2020, 6, 1),
    );
    let err = person.clone().left_on(day(2020, 5, 31)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "person {id}: leaving date 2020-05-31 is before start date 2020-06-01; expected a leaving date on or after the start date"
        )
    );
    assert!(matches!(err, Error::LeftBeforeStart { person, .. } if person == id));
    // One day of service is fine.
    assert!(person.clone().left_on(day(2020, 6, 1)).is_ok());

    let err =
        Workforce::new(&RankStructure::police(), [person.clone(), person.clone()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("person {id} is given more than once in the workforce")
    );
    let cadet = Person::new(
        id,
        Profile::default(),
        Rank::new("cadet").unwrap(),
        Unit::new("North").unwrap(),
        day(2020, 6, 1),
    );
    let err = Workforce::new(&RankStructure::police(), [cadet]).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "rank \"cadet\" of person {id} is not in the rank structure: expected one of constable, sergeant"
        )),
        "{err}"
    );
    assert_eq!(
        Unit::new(" ").unwrap_err().to_string(),
        "empty unit name: expected at least one non-blank character"
    );
}

// ---------------------------------------------------------------------
// Benchmarks and headcount records: bad input
// ---------------------------------------------------------------------

#[test]
fn benchmark_inputs_are_checked() {
    let b = by("ethnicity");
    let err = Benchmark::from_shares(
        "census 2021",
        &b,
        [(ethnicity("White"), 1.058), (ethnicity("Black"), -0.058)],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "benchmark \"census 2021\" share of group ethnicity=Black is -0.058: expected a number in [0, 1]"
    );
    let err = Benchmark::from_shares(
        "census 2021",
        &b,
        [(ethnicity("White"), 0.9), (ethnicity("Black"), 0.05)],
    )
    .unwrap_err();
    assert!(matches!(err, Error::SharesDoNotSumToOne { .. }));
    assert!(
        err.to_string()
            .starts_with("benchmark \"census 2021\": shares sum to 0.95"),
        "{err}"
    );
    let err = Benchmark::from_shares("census 2021", &b, []).unwrap_err();
    assert_eq!(
        err.to_string(),
        "benchmark \"census 2021\" has no population: expected at least one group with a positive count or share"
    );
    // From counts, the shares are exact.
    let census = Benchmark::from_counts(
        "census 2021",
        &b,
        [
            (ethnicity("White"), 942),
            (ethnicity("ethnically diverse"), 58),
        ],
    )
    .unwrap();
    assert_eq!(census.share(&ethnicity("ethnically diverse")), Some(0.058));
    assert_eq!(census.population(&ethnicity("White")), Some(942));
    assert_eq!(census.share(&ethnicity("Mixed")), None);

    // A benchmark by another characteristic cannot be compared.
    let err = Representation::new(&by_rank_and_sex(), &census).unwrap_err();
    assert_eq!(
        err.to_string(),
        "breakdown mismatch: expected [ethnicity], found [sex]"
    );
}

#[test]
fn a_group_missing_from_the_benchmark_has_no_ratio() {
    let census =
        Benchmark::from_counts("c", &by("sex"), [(sex("female"), 51), (sex("male"), 49)]).unwrap();
    let headcount = Headcount::from_records(
        &RankStructure::police(),
        &by("sex"),
        [
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: sex("female"),
                headcount: 45,
            },
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: sex("non-binary"),
                headcount: 5,
            },
        ],
    )
    .unwrap();
    let r = Representation::new(&headcount, &census).unwrap();
    let w = r.workforce().unwrap();
    let nb = w.row(&sex("non-binary")).unwrap();
    assert_eq!(nb.share, Some(0.1));
    assert_eq!(
        (nb.benchmark_share, nb.ratio, nb.gap_points, nb.position),
        (None, None, None, None)
    );
    // A benchmark group with no one in post: share 0, ratio 0.
    let men = w.row(&sex("male")).unwrap();
    assert_eq!(
        (men.headcount, men.share, men.ratio),
        (0, Some(0.0), Some(0.0))
    );
    assert_eq!(men.position, Some(Position::Under(Margin::MoreThan15)));
}

#[cfg(feature = "serde")]
#[test]
fn negative_and_unknown_inputs_in_json_are_refused() {
    let err = serde_json::from_str::<HeadcountRecord>(
        r#"{"rank": "constable", "group": {"sex": "female"}, "headcount": -3}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("invalid value: integer `-3`, expected u64"),
        "{err}"
    );
    let err = serde_json::from_str::<AttritionRecord>(
        r#"{"group": {"sex": "female"}, "headcount_at_start": 10, "leavers": -1}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("invalid value: integer `-1`, expected u64"),
        "{err}"
    );
    let err = serde_json::from_str::<Benchmark>(
        r#"{"name": "census", "breakdown": ["sex"], "groups": [
            {"group": {"sex": "female"}, "share": 0.7},
            {"group": {"sex": "male"}, "share": 0.7}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("shares sum to 1.4"), "{err}");
    let err = serde_json::from_str::<Benchmark>(
        r#"{"name": "census", "breakdown": ["sex"], "groups": [
            {"group": {"sex": "female"}, "share": 0.5},
            {"group": {"sex": "male"}, "population": 5}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("every group with a population, or every group with a share"),
        "{err}"
    );
    let err = serde_json::from_str::<Person>(
        r#"{"id": "67e55044-10b1-426f-9247-bb680e5fe0c8", "profile": {"sex": "male"},
            "rank": "sergeant", "unit": "North", "started": "2020-01-02", "left": "2020-01-01"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("person 67e55044-10b1-426f-9247-bb680e5fe0c8: leaving date 2020-01-01 is before start date 2020-01-02"),
        "{err}"
    );
}

#[cfg(feature = "serde")]
#[test]
fn results_serialise_and_inputs_round_trip() {
    let headcount = by_rank_and_sex();
    let json = serde_json::to_string(&headcount).unwrap();
    assert_eq!(serde_json::from_str::<Headcount>(&json).unwrap(), headcount);
    let census = population_by_sex();
    let json = serde_json::to_string(&census).unwrap();
    assert_eq!(serde_json::from_str::<Benchmark>(&json).unwrap(), census);

    let r = Representation::new(&headcount, &census).unwrap();
    let value = serde_json::to_value(&r).unwrap();
    let women = &value["sections"][0]["rows"][0];
    assert_eq!(women["group"]["sex"], "female");
    assert_eq!(women["headcount"], 839);
    assert_eq!(women["position"]["under"], "more_than_10");
    assert_eq!(
        women["difference_from_workforce_points"],
        serde_json::Value::Null
    );
    assert_eq!(value["sections"][1]["scope"]["band"], "middle management");
    let back: Representation = serde_json::from_value(value).unwrap();
    assert_eq!(back, r);

    let w = west_mercia_workforce();
    let json = serde_json::to_string(&w).unwrap();
    assert_eq!(serde_json::from_str::<Workforce>(&json).unwrap(), w);

    // A group with nobody in post survives the round trip.
    let empty_group = Headcount::from_records(
        &RankStructure::police(),
        &by("sex"),
        [HeadcountRecord {
            rank: Rank::CONSTABLE,
            group: sex("intersex"),
            headcount: 0,
        }],
    )
    .unwrap();
    let json = serde_json::to_string(&empty_group).unwrap();
    assert_eq!(
        serde_json::from_str::<Headcount>(&json).unwrap(),
        empty_group
    );

    // A target plan deserialises through its constructor.
    let plan = TargetPlan::new(sex("female"), 100, 40, 0.5, day(2030, 3, 31))
        .unwrap()
        .leavers(ExpectedLeavers::Count(4), ExpectedLeavers::Rate(0.1))
        .unwrap();
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<TargetPlan>(&json).unwrap(), plan);
    let bad = json.replace("\"group_headcount\":40", "\"group_headcount\":140");
    let err = serde_json::from_str::<TargetPlan>(&bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("headcount of group sex=female (140) exceeds the headcount (100)"),
        "{err}"
    );
    let bad = json.replace("\"group_leavers\":4.0", "\"group_leavers\":41.0");
    let err = serde_json::from_str::<TargetPlan>(&bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("group_leavers is 41"), "{err}");

    // Attrition with its tests serialises in the JSON contract's shape.
    let fy2023 = w
        .attrition(
            Period::financial_year(2023).unwrap(),
            &by("ethnicity"),
            Comparator::Group(ethnicity("White")),
        )
        .unwrap();
    let value = serde_json::to_value(&fy2023).unwrap();
    let diverse = &value["rows"][1];
    assert_eq!(diverse["group"]["ethnicity"], "ethnically diverse");
    assert_eq!(diverse["leavers"], 14);
    let fisher = &diverse["versus_comparator"]["fisher"];
    assert!(fisher["two_sided"].as_f64().unwrap() < 0.01);
    assert!(
        diverse["versus_comparator"]["z_test"]["z"]
            .as_f64()
            .unwrap()
            > 2.0
    );
    assert_eq!(
        value["rows"][0]["versus_comparator"],
        serde_json::Value::Null
    );
    assert_eq!(value["period"]["start"], "2023-04-01");
}

// ---------------------------------------------------------------------
// Declaration: completeness and what undeclared data could change
// ---------------------------------------------------------------------

#[test]
fn over_70_percent_undisclosed_orientation_over_40_percent_religion() {
    let rec = |unit: &str, c: &str, declared, prefer_not_to_say, not_recorded| DeclarationRecord {
        unit: Unit::new(unit).unwrap(),
        characteristic: Characteristic::new(c).unwrap(),
        declared,
        prefer_not_to_say,
        not_recorded,
    };
    let d = Declaration::from_records([
        rec("North", "sexual orientation", 160, 240, 200),
        rec("South", "sexual orientation", 120, 180, 100),
        rec("North", "religion", 340, 130, 130),
        rec("South", "religion", 240, 80, 80),
        rec("North", "sex", 600, 0, 0),
        rec("South", "sex", 398, 2, 0),
    ])
    .unwrap();
    let orientation = Characteristic::new("sexual orientation").unwrap();
    let religion = Characteristic::new("religion").unwrap();
    let o = d.characteristic(&orientation).unwrap();
    assert_eq!(
        (o.total, o.declared, o.prefer_not_to_say, o.not_recorded),
        (1_000, 280, 420, 300)
    );
    assert_eq!(o.declaration_rate, Some(0.28));
    assert_eq!(o.prefer_not_to_say_rate, Some(0.42));
    assert_eq!(o.not_recorded_rate, Some(0.3));
    assert_eq!(o.undeclared_rate(), Some(0.72));
    let r = d.characteristic(&religion).unwrap();
    assert_eq!(r.undeclared_rate(), Some(0.42));
    // Per unit.
    let north = d.unit(&Unit::new("North").unwrap(), &orientation).unwrap();
    assert_eq!(north.declaration_rate, Some(160.0 / 600.0));
    let south = d.unit(&Unit::new("South").unwrap(), &religion).unwrap();
    assert_eq!(south.declaration_rate, Some(0.6));
    let sex = d.characteristic(&Characteristic::sex()).unwrap();
    assert_eq!(sex.declaration_rate, Some(0.998));
    let text = d.to_string();
    assert!(text.contains("sexual orientation"), "{text}");
    assert!(text.contains("28.0%"), "{text}");

    let err = Declaration::from_records([
        rec("North", "religion", 1, 0, 0),
        rec("North", "religion", 1, 0, 0),
    ])
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "characteristic religion in unit North is given more than once in the declaration records"
    );
    let err = Declaration::from_records([rec("North", "religion", u64::MAX, 1, 0)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "count overflow in the declaration counts of religion in unit North: the total exceeds {}",
            u64::MAX
        )
    );
}

#[test]
fn declaration_from_a_snapshot_per_unit() {
    let person = |id: &str, unit: &str, pairs: &[(&str, &str)]| {
        Person::new(
            CandidateId::from_external(id),
            Profile::parse(pairs.iter().copied()).unwrap(),
            Rank::CONSTABLE,
            Unit::new(unit).unwrap(),
            day(2020, 1, 1),
        )
    };
    let w = Workforce::new(
        &RankStructure::police(),
        [
            person(
                "1",
                "North",
                &[
                    ("religion", "none"),
                    ("sexual orientation", "prefer not to say"),
                ],
            ),
            person("2", "North", &[("religion", "prefer not to say")]),
            person(
                "3",
                "South",
                &[
                    ("religion", "Christian"),
                    ("sexual orientation", "bisexual"),
                ],
            ),
            person("4", "South", &[]),
            person("5", "South", &[("religion", "Muslim")])
                .left_on(day(2023, 1, 1))
                .unwrap(),
        ],
    )
    .unwrap();
    let religion = Characteristic::new("religion").unwrap();
    let orientation = Characteristic::new("sexual orientation").unwrap();
    let d = w
        .declaration_on(day(2024, 3, 31), [religion.clone(), orientation.clone()])
        .unwrap();
    assert_eq!(d.as_at, Some(day(2024, 3, 31)));
    let r = d.characteristic(&religion).unwrap();
    // Person 5 has left: 4 in post, 2 declared, 1 prefer not to say, 1 not recorded.
    assert_eq!(
        (r.total, r.declared, r.prefer_not_to_say, r.not_recorded),
        (4, 2, 1, 1)
    );
    let o = d.characteristic(&orientation).unwrap();
    assert_eq!((o.declared, o.prefer_not_to_say, o.not_recorded), (1, 1, 2));
    let south = d.unit(&Unit::new("South").unwrap(), &orientation).unwrap();
    assert_eq!(south.declaration_rate, Some(0.5));
    let err = w
        .declaration_on(day(2024, 3, 31), [religion.clone(), religion])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "characteristic religion is given more than once in the declaration"
    );
}

#[test]
fn undeclared_data_that_could_change_a_conclusion_is_flagged() {
    // 30 ethnically diverse and 900 White declared, 70 not recorded,
    // against 5.8%: 3.2% is under by more than 1 point; with none of the 70
    // it is 3.0% (under), with all of them 10.0% (over).
    let headcount = Headcount::from_records(
        &RankStructure::police(),
        &by("ethnicity"),
        [
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: ethnicity("ethnically diverse"),
                headcount: 30,
            },
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: ethnicity("White"),
                headcount: 900,
            },
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: ethnicity("not recorded"),
                headcount: 70,
            },
        ],
    )
    .unwrap();
    let r = Representation::new(&headcount, &west_mercia_census()).unwrap();
    let row = r
        .workforce()
        .unwrap()
        .row(&ethnicity("ethnically diverse"))
        .unwrap();
    assert_eq!(row.share, Some(30.0 / 930.0));
    let bounds = row.if_undeclared.unwrap();
    assert_eq!(bounds.undeclared, 70);
    assert_eq!(bounds.share_if_none, 0.03);
    assert_eq!(bounds.share_if_all, 0.1);
    assert_eq!(bounds.ratio_if_none, Some(0.03 / 0.058));
    assert_eq!(bounds.ratio_if_all, Some(0.1 / 0.058));
    assert!(bounds.could_change_conclusion);

    let d = Declaration::from_records([DeclarationRecord {
        unit: Unit::new("force").unwrap(),
        characteristic: Characteristic::ethnicity(),
        declared: 930,
        prefer_not_to_say: 0,
        not_recorded: 70,
    }])
    .unwrap()
    .check(&r);
    // Both groups in the whole workforce and in the constable rank.
    assert_eq!(d.flags.len(), 4, "{:?}", d.flags);
    let flag = d
        .flags
        .iter()
        .find(|f| f.scope == Scope::Workforce && f.group == ethnicity("ethnically diverse"))
        .unwrap();
    assert_eq!(flag.bounds, bounds);
    assert_eq!(flag.ratio, Some((30.0 / 930.0) / 0.058));
    assert!(
        d.flags
            .iter()
            .any(|f| f.scope == Scope::Rank(Rank::CONSTABLE))
    );
    assert!(
        d.to_string()
            .contains("Undeclared data could change these conclusions")
    );

    // With 5 undeclared the conclusion stands: 30/935 = 3.2% to 35/935 = 3.7%.
    let small = Headcount::from_records(
        &RankStructure::police(),
        &by("ethnicity"),
        [
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: ethnicity("ethnically diverse"),
                headcount: 30,
            },
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: ethnicity("White"),
                headcount: 900,
            },
            HeadcountRecord {
                rank: Rank::CONSTABLE,
                group: ethnicity("not recorded"),
                headcount: 5,
            },
        ],
    )
    .unwrap();
    let r = Representation::new(&small, &west_mercia_census()).unwrap();
    let row = r
        .workforce()
        .unwrap()
        .row(&ethnicity("ethnically diverse"))
        .unwrap();
    assert!(!row.if_undeclared.unwrap().could_change_conclusion);
}

// ---------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------

mod invariants {
    use super::*;
    use proptest::prelude::*;

    /// A headcount of a few groups over the police ranks.
    fn headcount() -> impl Strategy<Value = Headcount> {
        prop::collection::vec(
            (
                0..Rank::POLICE.len(),
                prop::sample::select(vec!["female", "male", "prefer not to say", ""]),
                0u64..5_000,
            ),
            0..20,
        )
        .prop_map(|rows| {
            let mut seen = std::collections::HashSet::new();
            let records: Vec<HeadcountRecord> = rows
                .into_iter()
                .filter(|(r, g, _)| seen.insert((*r, *g)))
                .map(|(r, g, headcount)| HeadcountRecord {
                    rank: Rank::POLICE[r].clone(),
                    group: sex(g),
                    headcount,
                })
                .collect();
            Headcount::from_records(&RankStructure::police(), &by("sex"), records).unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn shares_sum_to_one_and_bounds_bracket_them(h in headcount(), female in 0.0f64..=1.0) {
            let census = Benchmark::from_shares(
                "c",
                &by("sex"),
                [(sex("female"), female), (sex("male"), 1.0 - female)],
            )
            .unwrap();
            let r = Representation::new(&h, &census).unwrap();
            prop_assert_eq!(r.workforce().unwrap().headcount, h.total());
            for s in &r.sections {
                prop_assert_eq!(s.declared + s.undeclared, s.headcount);
                let shares: Vec<f64> = s.rows.iter().filter_map(|row| row.share).collect();
                if s.declared > 0 {
                    prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
                } else {
                    prop_assert!(shares.is_empty());
                }
                for row in &s.rows {
                    if let (Some(share), Some(b)) = (row.share, row.if_undeclared) {
                        prop_assert!((0.0..=1.0).contains(&share));
                        prop_assert!(b.share_if_none <= share + 1e-15);
                        prop_assert!(share <= b.share_if_all + 1e-15);
                    }
                }
            }
        }

        #[test]
        fn merge_is_commutative(a in headcount(), b in headcount()) {
            let mut ab = a.clone();
            ab.merge(&b).unwrap();
            let mut ba = b.clone();
            ba.merge(&a).unwrap();
            prop_assert_eq!(ab.total(), a.total() + b.total());
            prop_assert_eq!(ab, ba);
        }

        #[test]
        fn appointments_needed_are_the_least_that_reach_the_target(
            headcount in 1u64..20_000,
            group_per_mille in 0u64..=1_000,
            target in 0.0f64..=0.99,
            recruits in 0u64..5_000,
            group_leaving in 0u64..=100,
            other_leaving in 0u64..=100,
        ) {
            let group = group_per_mille * headcount / 1_000;
            let plan = TargetPlan::new(sex("female"), headcount, group, target, day(2030, 3, 31))
                .unwrap()
                .leavers(
                    ExpectedLeavers::Count(group_leaving * group / 100),
                    ExpectedLeavers::Count(other_leaving * (headcount - group) / 100),
                )
                .unwrap();
            let need = plan.requirement(recruits);
            let remaining_group = plan.group_headcount as f64 - plan.group_leavers;
            let target_people = target * need.projected_headcount;
            if need.finding != TargetFinding::NoOneInPost {
                // Enough: the group reaches the target (up to float noise)...
                prop_assert!(remaining_group + need.appointments_needed as f64 >= target_people - 1e-6);
                // ...and one fewer would not.
                if need.appointments_needed > 0 {
                    let one_fewer = (need.appointments_needed - 1) as f64;
                    prop_assert!(remaining_group + one_fewer < target_people);
                }
            }
            // More recruits never need fewer from the group.
            prop_assert!(plan.requirement(recruits + 1).appointments_needed >= need.appointments_needed);
            // The least feasible volume is feasible, and one fewer is not.
            let least = plan.minimum_recruits().unwrap();
            prop_assert!(matches!(
                plan.requirement(least).finding,
                TargetFinding::Feasible | TargetFinding::AlreadyMet
            ));
            if least > 0 {
                prop_assert!(!matches!(
                    plan.requirement(least - 1).finding,
                    TargetFinding::Feasible | TargetFinding::AlreadyMet
                ));
            }
        }
    }
}

// ---------------------------------------------------------------------
// Attrition tests against scipy and statsmodels
// (tests/fixtures/workforce/attrition_reference.py and .txt)
// ---------------------------------------------------------------------

/// The reference values the generator printed for one table.
struct Reference {
    rate_ratio: f64,
    fisher: [f64; 4], // two-sided, less, greater, mid-P
    z: f64,
    z_p: f64,
    chi2: f64,
    chi2_p: f64,
    odds_ratio: f64,
    cohens_h: f64,
    ci95: (f64, f64),
}

fn assert_matches(c: &positive_action::workforce::AttritionComparison, r: &Reference) {
    let near = |got: f64, want: f64, what: &str| {
        assert!(close(got, want, 1e-9), "{what}: {got} against {want}");
    };
    near(c.rate_ratio.unwrap(), r.rate_ratio, "rate ratio");
    near(c.fisher.unwrap().two_sided, r.fisher[0], "fisher two-sided");
    near(c.fisher.unwrap().less, r.fisher[1], "fisher less");
    near(c.fisher.unwrap().greater, r.fisher[2], "fisher greater");
    near(c.fisher.unwrap().mid_p_two_sided, r.fisher[3], "mid-P");
    let z = c.z_test.unwrap();
    near(z.z, r.z, "z");
    near(z.p_two_sided, r.z_p, "z p");
    let chi2 = c.chi_square.unwrap();
    near(chi2.statistic, r.chi2, "chi-square");
    near(chi2.p_value, r.chi2_p, "chi-square p");
    near(c.odds_ratio.unwrap(), r.odds_ratio, "odds ratio");
    near(c.cohens_h.unwrap(), r.cohens_h, "cohen's h");
    let (lo, hi) = c.rate_ratio_ci.unwrap();
    near(lo, r.ci95.0, "ci low");
    near(hi, r.ci95.1, "ci high");
    assert_eq!(c.confidence, 0.95);
}

const CHANGE_CONSISTENT: Reference = Reference {
    rate_ratio: 0.2169312169312169,
    fisher: [
        0.008649442286597173,
        0.004658620808802984,
        0.99925277527282,
        0.006693744245785699,
    ],
    z: -2.7922637856686223,
    z_p: 0.0052340667583266505,
    chi2: 7.7967370487564684,
    chi2_p: 0.005234066758326648,
    odds_ratio: 0.18681318681318682,
    cohens_h: -0.46460723481226335,
    ci95: (0.06478188040457306, 0.7264246203624662),
};

const CHANGE_BRIEF: Reference = Reference {
    rate_ratio: 0.21851851851851853,
    fisher: [
        0.0005205219327976632,
        0.00037665372129220626,
        0.9999361058322144,
        0.000364142156044384,
    ],
    z: -3.522065271705256,
    z_p: 0.0004281987008862776,
    chi2: 12.404943778152223,
    chi2_p: 0.0004281987008862784,
    odds_ratio: 0.18846153846153846,
    cohens_h: -0.4613065108119651,
    ci95: (0.08465021257780117, 0.5640900534259291),
};

const GROUPS_2023: Reference = Reference {
    rate_ratio: 2.1386392811296537,
    fisher: [
        0.007058558251304086,
        0.9976221672991982,
        0.0063247827026445165,
        0.005085083250382772,
    ],
    z: 2.935791323117868,
    z_p: 0.0033269804895293717,
    chi2: 8.618870692894161,
    chi2_p: 0.0033269804895293712,
    odds_ratio: 2.373065015479876,
    cohens_h: 0.2790305326969862,
    ci95: (1.3021773330222215, 3.512407917726142),
};

const GROUPS_2024: Reference = Reference {
    rate_ratio: 0.5172113289760348,
    fisher: [
        0.37213606120612985,
        0.16460211811974984,
        0.9339146458135891,
        0.3228776792394603,
    ],
    z: -1.1955094700143332,
    z_p: 0.2318880384968557,
    chi2: 1.429242892893952,
    chi2_p: 0.23188803849685205,
    odds_ratio: 0.4986425339366516,
    cohens_h: -0.1544834858446244,
    ci95: (0.16878276680394522, 1.584922228060687),
};

#[test]
fn west_mercia_fall_in_attrition_is_significant() {
    use positive_action::workforce::AttritionChange;
    let w = west_mercia_workforce();
    let white = Comparator::Group(ethnicity("White"));
    let fy2023 = w
        .attrition(
            Period::financial_year(2023).unwrap(),
            &by("ethnicity"),
            white.clone(),
        )
        .unwrap();
    let fy2024 = w
        .attrition(
            Period::financial_year(2024).unwrap(),
            &by("ethnicity"),
            white,
        )
        .unwrap();
    let change = AttritionChange::new(&fy2023, &fy2024).unwrap();
    let diverse = change.row(&ethnicity("ethnically diverse")).unwrap();
    assert_eq!(
        (diverse.earlier_leavers, diverse.earlier_headcount_at_start),
        (14, 82)
    );
    assert_eq!(
        (diverse.later_leavers, diverse.later_headcount_at_start),
        (3, 81)
    );
    assert_eq!(
        diverse.comparison.difference_points,
        Some(100.0 * (3.0 / 81.0 - 14.0 / 82.0))
    );
    assert_matches(&diverse.comparison, &CHANGE_CONSISTENT);
    // Significant at 1%, two-sided, and one-sided for a fall.
    assert!(diverse.comparison.fisher.unwrap().two_sided < 0.01);
    assert!(diverse.comparison.fisher.unwrap().less < 0.005);
    let text = change.to_string();
    assert!(text.contains("14 of 82 (17.1%)"), "{text}");
    assert!(text.contains("3 of 81 (3.7%)"), "{text}");

    // Between groups: in 2023/24 diverse officers left at 2.1 times the
    // White rate, significantly; in 2024/25 the difference is not significant.
    let d2023 = fy2023.row(&ethnicity("ethnically diverse")).unwrap();
    assert_matches(d2023.versus_comparator.as_ref().unwrap(), &GROUPS_2023);
    let d2024 = fy2024.row(&ethnicity("ethnically diverse")).unwrap();
    let c2024 = d2024.versus_comparator.as_ref().unwrap();
    assert_matches(c2024, &GROUPS_2024);
    assert!(c2024.fisher.unwrap().two_sided > 0.05);
    assert!(close(
        c2024.retention_ratio.unwrap(),
        (78.0 / 81.0) / (2_204.0 / 2_374.0),
        1e-14
    ));
    // The comparator's own row and the total row carry no comparison.
    assert!(
        fy2024
            .row(&ethnicity("White"))
            .unwrap()
            .versus_comparator
            .is_none()
    );
    assert!(fy2024.total.versus_comparator.is_none());
    let text = fy2023.to_string();
    assert!(text.contains("comparator"), "{text}");
    assert!(text.contains("2.14"), "{text}");
}

#[test]
fn the_brief_counts_for_the_same_fall_agree_too() {
    use positive_action::workforce::AttritionChange;
    let diverse = ethnicity("ethnically diverse");
    let year = |start, headcount_at_start, leavers| {
        Attrition::new(
            Period::financial_year(start).unwrap(),
            &by("ethnicity"),
            [AttritionRecord {
                group: diverse.clone(),
                headcount_at_start,
                leavers,
            }],
            Comparator::Largest,
        )
        .unwrap()
    };
    let (before, after) = (year(2023, 118, 20), year(2024, 135, 5));
    // 20 of 118 is 16.9%, published as 17%; 5 of 135 is 3.7%.
    assert_eq!(
        format!("{:.0}%", 100.0 * before.rows[0].attrition_rate.unwrap()),
        "17%"
    );
    assert_eq!(
        format!("{:.1}%", 100.0 * after.rows[0].attrition_rate.unwrap()),
        "3.7%"
    );
    let change = AttritionChange::new(&before, &after).unwrap();
    assert_matches(&change.row(&diverse).unwrap().comparison, &CHANGE_BRIEF);

    // Another confidence level widens the interval; a bad one is refused.
    let wider = after.clone().with_confidence(0.99).unwrap();
    assert_eq!(wider.confidence, 0.99);
    let err = after.with_confidence(1.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "confidence is 1: expected a number strictly between 0 and 1"
    );
    // Different breakdowns cannot be compared.
    let by_sex = Attrition::new(
        Period::financial_year(2024).unwrap(),
        &by("sex"),
        [],
        Comparator::Largest,
    )
    .unwrap();
    assert_eq!(
        AttritionChange::new(&before, &by_sex)
            .unwrap_err()
            .to_string(),
        "breakdown mismatch: expected [ethnicity], found [sex]"
    );
}

#[test]
fn impact_ratio_bounds_with_undeclared_candidates() {
    use positive_action::StageCounts;
    use positive_action::workforce::ImpactRatioBounds;
    let counts = |passed, failed| StageCounts {
        passed,
        failed,
        ..StageCounts::default()
    };
    // Focal 45 of 100, reference 50 of 100 (ratio 0.9), and 10 undeclared
    // of whom 0 passed: all in the focal group gives 45/110 over 0.5 =
    // 0.818; all in the reference gives 0.45 over 50/110 = 0.99. Neither
    // crosses 0.8, so the four-fifths conclusion stands.
    let b = ImpactRatioBounds::new(&counts(45, 55), &counts(50, 50), &counts(0, 10), 0.8).unwrap();
    assert_eq!(b.impact_ratio, Some(0.45 / 0.5));
    assert_eq!(b.if_undeclared_focal, Some((45.0 / 110.0) / 0.5));
    assert_eq!(b.if_undeclared_reference, Some(0.45 / (50.0 / 110.0)));
    assert!(!b.could_change_conclusion);
    // 30 undeclared who all failed: 45/130 over 0.5 = 0.69 is adverse.
    let b = ImpactRatioBounds::new(&counts(45, 55), &counts(50, 50), &counts(0, 30), 0.8).unwrap();
    assert_eq!(b.if_undeclared_focal, Some((45.0 / 130.0) / 0.5));
    assert!(b.could_change_conclusion);
    assert!(
        b.to_string()
            .contains("could change the four-fifths conclusion")
    );
    // A reference that passed nobody leaves every ratio undefined.
    let b = ImpactRatioBounds::new(&counts(5, 5), &counts(0, 10), &counts(0, 3), 0.8).unwrap();
    assert_eq!((b.impact_ratio, b.if_undeclared_focal), (None, None));
    assert_eq!(b.if_undeclared_reference, None);
    assert!(!b.could_change_conclusion);
}
