//! The aggregate's state as bytes: a counter's groups and counters, so
//! that partial counts travel between partitions, processes and machines
//! and merge exactly.
//!
//! The layout (integers little-endian `u64`, texts a length then UTF-8):
//! the tag `PAFC` and a version byte; the pipeline's stage names; the
//! number of characteristics; the number of groups; then per group its
//! category labels (empty: not recorded) and its counters, stages times
//! outcomes.

use crate::error::{Error, Result};
use crate::io::ArrowCounter;
use crate::records::applications::OUTCOMES;
use crate::records::characteristic::Category;

const TAG: &[u8; 4] = b"PAFC";
const VERSION: u8 = 1;

/// The column name errors about a state give.
pub(crate) const STATE_COLUMN: &str = "funnel_counts state";

/// A counter's counts as bytes.
pub(crate) fn encode(counter: &ArrowCounter) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(TAG);
    out.push(VERSION);
    let stages = counter.pipeline().stages();
    put(&mut out, stages.len() as u64);
    for stage in stages {
        put_text(&mut out, stage.name());
    }
    put(&mut out, counter.breakdown().characteristics().len() as u64);
    let groups: Vec<_> = counter
        .counted()
        .filter(|(_, counters)| counters.iter().any(|&n| n > 0))
        .collect();
    put(&mut out, groups.len() as u64);
    for (categories, counters) in groups {
        for category in categories {
            match category {
                Category::NotRecorded => put_text(&mut out, ""),
                category => put_text(&mut out, category.label()),
            }
        }
        for &n in counters {
            put(&mut out, n);
        }
    }
    out
}

/// Adds the counts of a state to a counter; nothing is added from a
/// state that cannot be read.
///
/// # Errors
/// [`Error::ArrowInput`] for bytes that are not a state, or a state of
/// another pipeline or breakdown; [`Error::TotalOverflow`] when a counter
/// would pass `u64::MAX`.
pub(crate) fn decode_into(counter: &mut ArrowCounter, bytes: &[u8]) -> Result<()> {
    let mut input = Input { bytes, at: 0 };
    if input.take(TAG.len())? != TAG || input.take(1)? != [VERSION] {
        return Err(input.refuse("does not start with PAFC and version 1"));
    }
    let stages = input.number()?;
    let expected = counter.pipeline().stages();
    if stages != expected.len() as u64 {
        return Err(input.refuse(&format!(
            "has {stages} stages: expected the {} of pipeline {}",
            expected.len(),
            counter.pipeline().name()
        )));
    }
    for stage in expected {
        let name = input.text()?;
        if name != stage.name() {
            return Err(input.refuse(&format!(
                "has stage {name:?} where pipeline {} has {:?}",
                counter.pipeline().name(),
                stage.name()
            )));
        }
    }
    let characteristics = input.number()?;
    let wanted = counter.breakdown().characteristics().len();
    if characteristics != wanted as u64 {
        return Err(input.refuse(&format!(
            "has {characteristics} characteristics: expected the breakdown's {wanted}"
        )));
    }
    let width = expected.len() * OUTCOMES as usize;
    debug_assert_eq!(width, counter.width());
    let groups = input.number()?;
    let mut read = Vec::new();
    for _ in 0..groups {
        let mut categories = Vec::with_capacity(wanted);
        for _ in 0..wanted {
            categories.push(Category::parse(input.text()?));
        }
        let mut counters = Vec::with_capacity(width);
        for _ in 0..width {
            counters.push(input.number()?);
        }
        read.push((categories, counters));
    }
    if input.at != bytes.len() {
        return Err(input.refuse(&format!(
            "has {} bytes after its last group",
            bytes.len() - input.at
        )));
    }
    for (categories, counters) in &read {
        counter.add_counted(categories, counters)?;
    }
    Ok(())
}

fn put(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    put(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// Bytes being read, and how far.
struct Input<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Input<'a> {
    fn refuse(&self, reason: &str) -> Error {
        Error::ArrowInput {
            file: None,
            column: Some(STATE_COLUMN.to_owned()),
            reason: format!("byte {}: the state {reason}", self.at),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(self.refuse(&format!(
                "ends early: {n} more bytes expected, {} left",
                self.bytes.len() - self.at
            )));
        };
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn number(&mut self) -> Result<u64> {
        let mut le = [0u8; 8];
        le.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(le))
    }

    fn text(&mut self) -> Result<&'a str> {
        let len = self.number()?;
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        let raw = self.take(len)?;
        std::str::from_utf8(raw).map_err(|_| self.refuse("holds a label that is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::breakdown::Breakdown;
    use crate::records::pipeline::{Pipeline, PipelineKind};
    use arrow::array::{ArrayRef, StringArray};
    use std::sync::Arc;

    fn counter() -> ArrowCounter {
        let pipeline =
            Pipeline::new("p", PipelineKind::Recruitment, ["sift", "interview"]).expect("stages");
        let breakdown = Breakdown::parse(["sex", "ethnicity"]).expect("breakdown");
        ArrowCounter::new(&pipeline, &breakdown)
    }

    fn text(values: &[&str]) -> ArrayRef {
        Arc::new(StringArray::from(values.to_vec()))
    }

    #[test]
    fn a_state_round_trips_and_merges() {
        let mut a = counter();
        a.count_arrays(
            text(&["sift", "sift", "interview"]).as_ref(),
            text(&["passed", "failed", "withdrew"]).as_ref(),
            &[
                text(&["female", "", "Prefer not to say"]).as_ref(),
                text(&["Black", "White", "Asian"]).as_ref(),
            ],
        )
        .expect("valid rows");
        let bytes = encode(&a);
        let mut b = counter();
        decode_into(&mut b, &bytes).expect("a state");
        assert_eq!(b.finish(), a.finish());
        assert_eq!(b.rows(), 3);
        decode_into(&mut b, &bytes).expect("a state");
        let mut twice = a.clone();
        twice.merge(&a).expect("same pipeline");
        assert_eq!(b.finish(), twice.finish());
    }

    #[test]
    fn bad_states_are_refused_and_add_nothing() {
        let mut a = counter();
        a.count_arrays(
            text(&["sift"]).as_ref(),
            text(&["passed"]).as_ref(),
            &[text(&["female"]).as_ref(), text(&["Black"]).as_ref()],
        )
        .expect("valid rows");
        let bytes = encode(&a);
        let mut b = counter();
        for cut in 0..bytes.len() {
            let err = decode_into(&mut b, &bytes[..cut]).expect_err("a cut state");
            assert!(err.to_string().contains("funnel_counts state"), "{err}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        let err = decode_into(&mut b, &longer).expect_err("a byte too many");
        assert!(err.to_string().contains("after its last group"), "{err}");
        assert_eq!(b.rows(), 0);

        let other =
            Pipeline::new("q", PipelineKind::Recruitment, ["sift", "offer"]).expect("stages");
        let mut c = ArrowCounter::new(&other, &Breakdown::parse(["sex", "ethnicity"]).expect("ok"));
        let err = decode_into(&mut c, &bytes).expect_err("another pipeline");
        assert!(
            err.to_string()
                .contains("stage \"interview\" where pipeline q has \"offer\""),
            "{err}"
        );
    }
}
