//! The CSV reader straight to counts, by one breakdown: the same promise as
//! the records path, and counts that agree with it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use positive_action::io::{CsvOptions, Mode, count_csv, read_csv};
use positive_action::{Breakdown, Counting, Error, FunnelCounts};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, csv)) = data.split_first() else {
        return;
    };
    let mut options = CsvOptions::new();
    if flags & 1 == 1 {
        options = options.mode(Mode::Lenient);
    }
    if flags & 2 == 2 {
        options = options.stages(["application", "sift", "interview", "appointment"]);
    }
    let Ok(by) = Breakdown::parse(["sex"]) else {
        return;
    };
    let counted = count_csv(csv, &options, &by, Counting::Applications);
    let loaded = read_csv(csv, &options);
    match (counted, loaded) {
        (Ok(counted), Ok(loaded)) => {
            let from_records =
                FunnelCounts::from_applications(&loaded.applications, &by, Counting::Applications);
            assert_eq!(counted.counts, from_records, "the two paths count alike");
            assert_eq!(counted.load, loaded.load);
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        // Only the counting path takes a breakdown, so only it can find
        // that the input has no column for it.
        (Err(Error::UnknownBreakdownColumn { .. }), Ok(_)) => {}
        (a, b) => panic!("the two paths disagree: {:?} against {:?}", a.err(), b.err()),
    }
});
