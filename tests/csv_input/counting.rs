//! `io::count_csv` counts what `io::read_csv` loads: the same counts, stage
//! times and load report, or the same error, on every input. And the
//! applications `read_csv` builds are those `Applications::new` builds from
//! its candidates and journeys.

use std::path::Path;

use positive_action::counts::StageTimes;
use positive_action::io::{CsvOptions, Mode, count_csv, count_csv_path, read_csv, read_csv_path};
use positive_action::{Applications, Breakdown, Counting, Error, FunnelCounts};
use proptest::prelude::*;

use crate::synthetic;

use super::{RECRUITMENT, fixture, mutate, mutation, recruitment_bytes, synthetic_csv};

fn breakdowns() -> Vec<Breakdown> {
    [
        &[][..],
        &["sex"][..],
        &["sex", "ethnicity"][..],
        &["ethnicity", "sex"][..],
        // Not a column: an error naming the columns there are.
        &["disability"][..],
    ]
    .iter()
    .map(|names| Breakdown::parse(names.iter().copied()).unwrap())
    .collect()
}

const COUNTINGS: [Counting; 2] = [Counting::Applications, Counting::UniqueCandidates];

/// Counting the CSV gives what counting its records gives, or the same
/// error.
fn check_same(
    bytes: &[u8],
    options: &CsvOptions,
    by: &Breakdown,
    counting: Counting,
) -> Result<(), TestCaseError> {
    let loaded = read_csv(bytes, options);
    let counted = count_csv(bytes, options, by, counting);
    match (loaded, counted) {
        (Ok(loaded), Ok(counted)) => {
            // The loader builds its applications without hashing: they are
            // what validating its candidates and journeys again builds.
            let apps = &loaded.applications;
            let again = Applications::new(
                apps.pipeline(),
                apps.candidates().to_vec(),
                apps.journeys().to_vec(),
            );
            prop_assert_eq!(again.as_ref(), Ok(apps));
            let counts = FunnelCounts::from_applications(&loaded.applications, by, counting);
            let times = StageTimes::from_applications(&loaded.applications, by, counting);
            prop_assert_eq!(&counted.counts, &counts);
            prop_assert_eq!(&counted.stage_times, &times);
            prop_assert_eq!(&counted.load, &loaded.load);
        }
        (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
        // Records need no breakdown; counting by one the header lacks is
        // refused rather than counting everyone as not recorded.
        (Ok(loaded), Err(Error::UnknownBreakdownColumn { column, .. })) => {
            let lower = column.to_lowercase();
            prop_assert!(by.characteristics().iter().any(|c| c.name() == column));
            let has_column = loaded.applications.candidates().iter().any(|c| {
                c.profile
                    .characteristics()
                    .any(|k| k.name().to_lowercase() == lower)
            });
            prop_assert!(!has_column, "{} is a column", column);
        }
        (Ok(_), Err(e)) => prop_assert!(false, "records loaded, counting failed: {e}"),
        (Err(e), Ok(_)) => prop_assert!(false, "counting succeeded, records failed: {e}"),
    }
    Ok(())
}

fn check_every_way(bytes: &[u8], options: &CsvOptions) -> Result<(), TestCaseError> {
    for by in &breakdowns() {
        for counting in COUNTINGS {
            check_same(bytes, options, by, counting)?;
        }
    }
    Ok(())
}

#[test]
fn every_fixture_counts_as_its_records_count() {
    let dir = fixture("");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv" || x == "bin"))
        .collect();
    files.sort();
    assert!(files.len() >= 14, "{files:?}");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        for options in [
            CsvOptions::new(),
            CsvOptions::new().mode(Mode::Lenient),
            CsvOptions::new().stages(RECRUITMENT),
            CsvOptions::new().stages(RECRUITMENT).mode(Mode::Lenient),
        ] {
            check_every_way(&bytes, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

#[test]
fn a_second_application_counts_once_for_unique_candidates() {
    let path = fixture("two_applications.csv");
    let by = Breakdown::parse(["sex"]).unwrap();
    let every = count_csv_path(&path, &CsvOptions::new(), &by, Counting::Applications).unwrap();
    let unique =
        count_csv_path(&path, &CsvOptions::new(), &by, Counting::UniqueCandidates).unwrap();
    let entered = |c: &FunnelCounts| c.stage_total(0).unwrap().entered();
    assert!(entered(&every.counts) > entered(&unique.counts));
    let loaded = read_csv_path(&path, &CsvOptions::new()).unwrap();
    assert_eq!(
        unique.counts,
        FunnelCounts::from_applications(&loaded.applications, &by, Counting::UniqueCandidates)
    );
    // The pipeline is named after the file, as read_csv_path names it.
    assert_eq!(unique.counts.pipeline(), loaded.applications.pipeline());
}

#[test]
fn the_synthetic_year_counts_as_its_records_count() {
    let csv = synthetic_csv(3_000, 5);
    check_every_way(&csv, &CsvOptions::new()).unwrap();
    // Rows in reverse: every journey's rows out of order and apart.
    let text = std::str::from_utf8(&csv).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let reversed = lines.join("\n");
    let pipeline = synthetic::constable_recruitment(3_000, 5)
        .unwrap()
        .pipeline()
        .clone();
    let options = CsvOptions::from(pipeline);
    assert!(read_csv(reversed.as_bytes(), &options).is_ok());
    check_every_way(reversed.as_bytes(), &options).unwrap();
}

#[test]
fn errors_from_a_file_name_it_as_reading_does() {
    let by = Breakdown::parse(["sex"]).unwrap();
    let missing = Path::new("no/such/file.csv");
    let counted = count_csv_path(missing, &CsvOptions::new(), &by, Counting::Applications);
    let read = read_csv_path(missing, &CsvOptions::new());
    assert_eq!(
        counted.unwrap_err().to_string(),
        read.unwrap_err().to_string()
    );
    let bad = fixture("result_after_failed.csv");
    let counted = count_csv_path(&bad, &CsvOptions::new(), &by, Counting::Applications);
    let error = counted.unwrap_err();
    assert!(matches!(error, Error::InFile { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        read_csv_path(&bad, &CsvOptions::new())
            .unwrap_err()
            .to_string()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_files_count_as_their_records_count(
        mutations in prop::collection::vec(mutation(), 1..8),
        lenient in any::<bool>(),
        given in any::<bool>(),
        by in 0..5usize,
        unique in any::<bool>(),
    ) {
        let bytes = mutate(&recruitment_bytes(), &mutations);
        let mut options = CsvOptions::new();
        if lenient {
            options = options.mode(Mode::Lenient);
        }
        if given {
            options = options.stages(RECRUITMENT);
        }
        let counting = if unique { Counting::UniqueCandidates } else { Counting::Applications };
        check_same(&bytes, &options, &breakdowns()[by], counting)?;
    }

    #[test]
    fn arbitrary_bodies_count_as_their_records_count(
        body in prop::collection::vec(any::<u8>(), 0..400),
        lenient in any::<bool>(),
    ) {
        let mut bytes = b"candidate,application,stage,outcome,date,sex\n".to_vec();
        bytes.extend(body);
        let options = if lenient { CsvOptions::new().mode(Mode::Lenient) } else { CsvOptions::new() };
        check_same(&bytes, &options, &breakdowns()[1], Counting::UniqueCandidates)?;
    }
}
