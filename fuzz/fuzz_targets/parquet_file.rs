//! Arbitrary bytes as a Parquet file (seeded with valid files, which the
//! fuzzer then corrupts): every Parquet entry gives counts or an `Error`
//! naming the file, never a panic, a hang or a runaway allocation.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use positive_action::io::{CsvOptions, Mode, count_parquet, count_parquet_unchecked, read_parquet};
use positive_action::{Breakdown, Counting, Error, Pipeline};

/// One file per fuzzing process, rewritten for each input.
fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        dir.join(format!(
            "positive-action-fuzz-{}.parquet",
            std::process::id()
        ))
    })
}

fuzz_target!(
    init: {
        // libFuzzer's hook aborts on any panic, even one the reader turns
        // into an error (a panic of the `parquet` crate on a file it did
        // not check). Such a panic is printed, so the log tells of it; one
        // that escapes the library still aborts the run.
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
        let Some((&flags, bytes)) = data.split_first() else {
            return;
        };
        let path = path();
        std::fs::write(path, bytes).expect("the fuzz file is writable");
        let mut options = CsvOptions::new();
        if flags & 1 == 1 {
            options = options.mode(Mode::Lenient);
        }
        let Ok(by) = Breakdown::parse(["sex"]) else {
            return;
        };
        // An error about the file or one of its rows names the file.
        let named = |e: Error| match &e {
            Error::ArrowInput { file, .. } => {
                assert!(file.is_some(), "a Parquet input error names the file: {e}")
            }
            Error::ArrowRow { place, .. } => {
                assert!(place.file.is_some(), "a Parquet row error names the file: {e}")
            }
            _ => {}
        };
        if flags & 2 == 2 {
            if let Err(e) = read_parquet(path, &options) {
                named(e);
            }
        } else if let Err(e) = count_parquet(path, &options, &by, Counting::Applications) {
            named(e);
        }
        let pipeline = Pipeline::police_constable_recruitment("fuzz");
        if let Err(e) = count_parquet_unchecked(path, &pipeline, &by) {
            named(e);
        }
    }
);
