//! The workforce side of positive action: who is in post, against whom
//! they should reflect, who leaves, and what parity would take.
//!
//! Runs on an embedded synthetic force (deterministic: 2,528 officers in
//! three units who joined between 1995 and 2025, some of whom leave in
//! 2023/24 or 2024/25) and a census-style benchmark of its area. It prints the headcount
//! by rank and sex, representation by ethnicity and by sex with the rank
//! band gaps (each judged by the ratio's 95% interval, against the census
//! and, for a band, against the force; "too few to tell" where the
//! interval is wide, with a note), stop and search disproportionality with
//! exact intervals and bounds for searches with no recorded ethnicity, the
//! year-on-year change, attrition by ethnicity, the appointments needed for
//! parity, and declaration completeness. Last, HeForShe's report of women's
//! share of each rank band against the force ([`BandShares::he_for_she`]) on
//! the constructed national data set `tests/fixtures/workforce/he_for_she.csv`,
//! whose counts reproduce the published 27% → 28% (middle management) and
//! 30% (senior leadership); see that file for the sources. Then the same
//! sections as a report published with small-cell suppression (`min_cell` 10): every
//! section is kept, with small counts, and what would give them away,
//! shown as "withheld".
//!
//! ```text
//! cargo run --release --example representation
//! ```

#[path = "common/synthetic.rs"]
mod synthetic;

use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use positive_action::records::{Period, Rank};
use positive_action::report::{Report, ReportOptions};
use positive_action::workforce::{
    AttritionChange, BandShares, Benchmark, Comparator, Disproportionality,
    DisproportionalityRecord, ExpectedLeavers, Headcount, HeadcountChange, HeadcountRecord, Person,
    RankStructure, Representation, TargetPlan, Unit, Workforce,
};
use positive_action::{
    Breakdown, CandidateId, Characteristic, CountRecord, FunnelCounts, Group, ImpactOptions,
    Pipeline, PipelineKind, Profile, Result, Stage,
};
use synthetic::SplitMix64;

/// Officers per rank on the snapshot, lowest first.
const RANKS: [(Rank, u64); 9] = [
    (Rank::CONSTABLE, 1_930),
    (Rank::SERGEANT, 390),
    (Rank::INSPECTOR, 125),
    (Rank::CHIEF_INSPECTOR, 45),
    (Rank::SUPERINTENDENT, 24),
    (Rank::CHIEF_SUPERINTENDENT, 9),
    (Rank::ASSISTANT_CHIEF_CONSTABLE, 3),
    (Rank::DEPUTY_CHIEF_CONSTABLE, 1),
    (Rank::CHIEF_CONSTABLE, 1),
];

/// Census-style population of the force area by ethnicity (invented).
const CENSUS: [(&str, u64); 5] = [
    ("White", 1_170_000),
    ("Asian", 65_000),
    ("Black", 19_500),
    ("Mixed", 28_600),
    ("Other", 16_900),
];

/// Stop and searches in the force area by ethnicity in a year (invented),
/// 90 of them with no ethnicity recorded.
const SEARCHES: [(&str, u64); 6] = [
    ("White", 1_170),
    ("Asian", 130),
    ("Black", 117),
    ("Mixed", 40),
    ("Other", 10),
    ("not recorded", 90),
];

const UNITS: [&str; 3] = ["North", "South", "Harbour"];

/// Constructed national headcounts by rank and sex on two dates, built to
/// reproduce HeForShe's published percentages (sources in the file).
const HE_FOR_SHE: &str = include_str!("../tests/fixtures/workforce/he_for_she.csv");

/// The headcount on each date of [`HE_FOR_SHE`], earliest first.
fn he_for_she_years(by_sex: &Breakdown) -> Result<Vec<Headcount>> {
    let mut dates: Vec<(NaiveDate, Vec<HeadcountRecord>)> = Vec::new();
    for line in HE_FOR_SHE.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let field: Vec<&str> = line.split(',').collect();
        let [date, rank, sex, headcount] = field[..] else {
            return Err(positive_action::Error::InvalidOption {
                name: "he_for_she.csv line",
                value: line.to_owned(),
                expected: "as_at,rank,sex,headcount",
            });
        };
        let bad = |name: &'static str, value: &str| positive_action::Error::InvalidOption {
            name,
            value: value.to_owned(),
            expected: "a date (YYYY-MM-DD) and a whole number of people",
        };
        let date: NaiveDate = date.parse().map_err(|_| bad("as_at", date))?;
        let record = HeadcountRecord {
            rank: Rank::new(rank)?,
            group: Group::parse([("sex", sex)])?,
            headcount: headcount.parse().map_err(|_| bad("headcount", headcount))?,
        };
        match dates.iter_mut().find(|(d, _)| *d == date) {
            Some((_, records)) => records.push(record),
            None => dates.push((date, vec![record])),
        }
    }
    dates
        .into_iter()
        .map(|(date, records)| {
            Ok(Headcount::from_records(&RankStructure::police(), by_sex, records)?.on(date))
        })
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    // Fixed, valid calendar dates.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One officer of a rank, from position `r` in [`RANKS`]: fewer women and
/// fewer ethnic minority officers the higher the rank, and minority officers
/// who joined since 2023 leave more often in their first year.
fn officer(rng: &mut SplitMix64, n: u64, r: usize, rank: &Rank) -> Result<Person> {
    let female = [0.38, 0.31, 0.29, 0.24, 0.22, 0.2, 0.3, 0.0, 1.0][r];
    let sex = if rng.unit() < female {
        "female"
    } else {
        "male"
    };
    let minority = [0.052, 0.036, 0.03, 0.02, 0.0, 0.0, 0.0, 0.0, 0.0][r];
    let u = rng.unit();
    let ethnicity = if u < 0.03 {
        "prefer not to say"
    } else if u < 0.045 {
        ""
    } else if rng.unit() < minority {
        rng.pick(&[
            ("Asian", 0.45),
            ("Black", 0.2),
            ("Mixed", 0.25),
            ("Other", 0.1),
        ])
    } else {
        "White"
    };
    let religion = rng.pick(&[
        ("Christian", 0.3),
        ("none", 0.25),
        ("Muslim", 0.01),
        ("prefer not to say", 0.24),
        ("", 0.2),
    ]);
    let orientation = rng.pick(&[
        ("heterosexual", 0.24),
        ("gay or lesbian", 0.03),
        ("bisexual", 0.01),
        ("prefer not to say", 0.4),
        ("", 0.32),
    ]);
    let profile = Profile::parse([
        ("sex", sex),
        ("ethnicity", ethnicity),
        ("religion", religion),
        ("sexual orientation", orientation),
    ])?;
    // Constables may have joined recently; senior officers served longer.
    let earliest = day(1995, 4, 1);
    let span = if r == 0 { 10_950 } else { 8_000 };
    let started = earliest + Days::new(rng.between(0, span));
    let unit = Unit::new(UNITS[(rng.next_u64() % 3) as usize])?;
    let id = CandidateId::from_external(&format!("OFF-{n:05}"));
    let person = Person::new(id, profile, rank.clone(), unit, started);
    // Leaving: 7% a year in general; minority officers 15% in 2023/24 and
    // 4% in 2024/25, after a retention programme.
    let diverse = matches!(ethnicity, "Asian" | "Black" | "Mixed" | "Other");
    let (p2023, p2024) = if diverse { (0.15, 0.04) } else { (0.07, 0.07) };
    let first = started.max(day(2023, 4, 1));
    let left = if started <= day(2024, 3, 31) && rng.unit() < p2023 {
        Some(first + Days::new(rng.between(0, 300)))
    } else if started <= day(2025, 3, 31) && rng.unit() < p2024 {
        Some(started.max(day(2024, 4, 1)) + Days::new(rng.between(0, 300)))
    } else {
        None
    };
    match left {
        Some(l) if l >= started => person.left_on(l),
        _ => Ok(person),
    }
}

fn synthetic_force(seed: u64) -> Result<Workforce> {
    let mut rng = SplitMix64::new(seed);
    let mut people = Vec::new();
    let mut n = 0;
    for (r, (rank, count)) in RANKS.iter().enumerate() {
        for _ in 0..*count {
            n += 1;
            people.push(officer(&mut rng, n, r, rank)?);
        }
    }
    Workforce::new(&RankStructure::police(), people)
}

fn run() -> Result<()> {
    let force = synthetic_force(2025)?;
    let march_2024 = day(2024, 3, 31);
    let march_2025 = day(2025, 3, 31);
    let by_sex = Breakdown::parse(["sex"])?;
    let by_ethnicity = Breakdown::parse(["ethnicity"])?;

    let by_rank_and_sex = force.headcount_on(march_2025, &by_sex);
    println!("{by_rank_and_sex}");

    let census = Benchmark::from_counts(
        "census 2021 (force area)",
        &by_ethnicity,
        CENSUS
            .iter()
            .map(|&(label, n)| Ok((Group::parse([("ethnicity", label)])?, n)))
            .collect::<Result<Vec<_>>>()?,
    )?;
    let now = force.headcount_on(march_2025, &by_ethnicity);
    let representation = Representation::new(&now, &census)?;
    println!("{representation}");

    let population = Benchmark::from_shares(
        "census 2021 (force area)",
        &by_sex,
        [
            (Group::parse([("sex", "female")])?, 0.51),
            (Group::parse([("sex", "male")])?, 0.49),
        ],
    )?;
    println!("{}", Representation::new(&by_rank_and_sex, &population)?);

    let population_of = |label: &str| CENSUS.iter().find(|c| c.0 == label).map_or(0, |c| c.1);
    let searches = Disproportionality::new(
        "stop and search",
        &by_ethnicity,
        SEARCHES
            .iter()
            .map(|&(label, events)| {
                Ok(DisproportionalityRecord {
                    group: Group::parse([("ethnicity", label)])?,
                    events,
                    population: population_of(label),
                })
            })
            .collect::<Result<Vec<_>>>()?,
        Comparator::Group(Group::parse([("ethnicity", "White")])?),
    )?;
    println!("{searches}");

    let before = force.headcount_on(march_2024, &by_ethnicity);
    println!("{}", HeadcountChange::new(&before, &now)?);

    let white = Comparator::Group(Group::parse([("ethnicity", "White")])?);
    let fy2023 = force.attrition(Period::financial_year(2023)?, &by_ethnicity, white.clone())?;
    let fy2024 = force.attrition(Period::financial_year(2024)?, &by_ethnicity, white)?;
    println!("{fy2023}");
    println!("{fy2024}");
    println!("{}", AttritionChange::new(&fy2023, &fy2024)?);

    // Parity by 2030 for each under-represented group, with leavers at the
    // group's and everyone else's attrition rate of the last year.
    let by = day(2030, 3, 31);
    let rows = representation.workforce().map_or(&[][..], |w| &w.rows[..]);
    for row in rows {
        if row.ratio.is_none_or(|r| r >= 1.0) {
            continue;
        }
        let group_rate = fy2024
            .row(&row.group)
            .and_then(|a| a.attrition_rate)
            .unwrap_or(0.0);
        let others = fy2024
            .total
            .leavers
            .saturating_sub(fy2024.row(&row.group).map_or(0, |a| a.leavers));
        let others_at_start = fy2024
            .total
            .headcount_at_start
            .saturating_sub(fy2024.row(&row.group).map_or(0, |a| a.headcount_at_start));
        let others_rate = if others_at_start > 0 {
            others as f64 / others_at_start as f64
        } else {
            0.0
        };
        let plan = TargetPlan::parity(&representation, &row.group, by)?.leavers(
            ExpectedLeavers::annual_rate(group_rate, march_2025, by)?,
            ExpectedLeavers::annual_rate(others_rate, march_2025, by)?,
        )?;
        println!("{}", plan.table([200, 400, 800, 1_200, 2_000]));
    }

    let declaration = force
        .declaration_on(
            march_2025,
            [
                Characteristic::sex(),
                Characteristic::ethnicity(),
                Characteristic::new("religion")?,
                Characteristic::new("sexual orientation")?,
            ],
        )?
        .check(&representation);
    println!("{declaration}");

    // HeForShe's report: women's share of each band, against the force.
    if let [previous, current] = &he_for_she_years(&by_sex)?[..] {
        let england_and_wales = Benchmark::from_shares(
            "census 2021 (England and Wales)",
            &by_sex,
            [
                (Group::parse([("sex", "female")])?, 0.51),
                (Group::parse([("sex", "male")])?, 0.49),
            ],
        )?;
        let women = Group::parse([("sex", "female")])?;
        println!(
            "{}",
            BandShares::he_for_she(previous, current, &england_and_wales, &women)?
        );
    }
    // The same sections, published beside a promotion board's funnel with
    // small-cell suppression: nothing is left out, small counts are
    // withheld, and so is every figure that would let them be worked out.
    let board = Pipeline::new(
        "sergeant promotion 2024/25",
        PipelineKind::Promotion {
            from: Rank::CONSTABLE,
            to: Rank::SERGEANT,
        },
        ["board"],
    )?;
    let outcome = |label: &str, passed, failed| -> Result<CountRecord> {
        Ok(CountRecord {
            stage: Stage::new("board")?,
            group: Group::parse([("ethnicity", label)])?,
            passed,
            failed,
            withdrew: 0,
            pending: 0,
            exempt: 0,
        })
    };
    let counts = FunnelCounts::from_records(
        &board,
        &by_ethnicity,
        [
            outcome("Asian", 12, 30)?,
            outcome("Black", 4, 11)?,
            outcome("White", 88, 150)?,
        ],
    )?;
    let options = ReportOptions {
        breakdown: by_ethnicity.clone(),
        impact: ImpactOptions::new(),
        min_cell: 10,
    };
    let published = Report::new(&counts, &options, &[])?
        .with_representation(Some(representation.clone()))
        .with_disproportionality(&searches)
        .with_attrition(&fy2024)
        .with_declaration(&declaration);
    println!("{published}");
    Ok(())
}
