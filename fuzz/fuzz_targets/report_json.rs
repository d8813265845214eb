//! The JSON report input, prepared and published with and without
//! small-cell suppression: any text gives a report or an `Error`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use positive_action::report::{Report, ReportInput};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, json)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(json) else {
        return;
    };
    let Ok(input) = ReportInput::from_json(text) else {
        return;
    };
    let Ok(mut prepared) = input.prepare(flags & 1 == 1) else {
        return;
    };
    prepared.options.min_cell = u64::from(flags >> 4);
    if let Ok(report) = Report::new(&prepared.counts, &prepared.options, &prepared.strata) {
        let _ = report.to_string();
    }
});
