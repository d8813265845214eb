//! The CSV reader into records, strict and lenient, with and without a
//! stage order: any bytes give `Ok` or an `Error`, never a panic, and a
//! lenient load accounts for every row.
#![no_main]

use libfuzzer_sys::fuzz_target;
use positive_action::io::{CsvOptions, Mode, read_csv};

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
    if let Ok(loaded) = read_csv(csv, &options) {
        let load = &loaded.load;
        assert_eq!(load.rows_read, load.rows_used + load.rows_set_aside);
    }
});
