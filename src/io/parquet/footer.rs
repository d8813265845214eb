//! A bound on the work of reading a Parquet footer.
//!
//! The footer is Thrift's compact protocol. The `parquet` crate's Thrift
//! reader (59.3) skips fields it does not know, and in a list of booleans
//! it takes each element as zero bytes long, so a list that says it holds
//! two billion booleans is two billion steps of work from six bytes of
//! file, and lists of such lists multiply: a footer of a few kilobytes ran
//! for minutes. [`check`] walks the footer once as that reader skips it
//! and refuses it if a collection claims more elements than there are
//! bytes left (in the protocol every element takes a byte at least) or if
//! the walk takes more steps than a footer of its length can hold values.
//! The walk is linear in the footer's length, and so is the crate's read of
//! any footer it passes. The crate reads a field it knows by Parquet's
//! schema whatever type the file declares, so the walk checks every field
//! the schema names against it (`schema.rs`): past a mistyped field the
//! crate and a walk by declared types would read different bytes.
//! [`check_pages`] walks a column chunk's page headers the same way.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use super::schema::{self, Expect, Kind};

/// What a footer is: Parquet's FileMetaData.
static FOOTER: Expect = Expect::Struct(&schema::FILE_METADATA);

/// What a page header is.
static PAGE_HEADER: Expect = Expect::Struct(&schema::PAGE_HEADER);

/// How deep structures may nest: the `parquet` crate's own bound.
const MAX_DEPTH: usize = 64;

/// Checks that a Parquet file's footer is Thrift of plausible shape:
/// every collection claims no more elements than the bytes left, nothing
/// nests deeper than [`MAX_DEPTH`]. Reads only the footer. `Err` says what
/// is wrong; the caller names the file. A file too short or not ending as
/// Parquet does passes, for the crate to refuse in its own words.
pub(super) fn check(mut file: &File, length: u64) -> Result<(), String> {
    if length < 12 {
        return Ok(());
    }
    let mut tail = [0u8; 8];
    file.seek(SeekFrom::Start(length - 8))
        .and_then(|_| file.read_exact(&mut tail))
        .map_err(|e| format!("cannot read the footer: {e}"))?;
    let footer = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if &tail[4..] != b"PAR1" || footer > length - 8 {
        return Ok(());
    }
    let mut bytes = vec![0u8; usize::try_from(footer).map_err(|e| e.to_string())?];
    file.seek(SeekFrom::Start(length - 8 - footer))
        .and_then(|_| file.read_exact(&mut bytes))
        .map_err(|e| format!("cannot read the footer: {e}"))?;
    check_footer(&bytes)
}

/// [`check`] of the footer's bytes.
fn check_footer(bytes: &[u8]) -> Result<(), String> {
    Walk {
        what: "the footer",
        bytes,
        at: 0,
        steps: 0,
        // Each value of a well-formed footer takes a byte at least.
        budget: 2 * bytes.len() + 64,
        page_size: None,
    }
    .value(STRUCT, 0, Some(&FOOTER))
}

/// Checks every page header of a column chunk, `len` bytes from byte
/// `start` of the file, as [`check`] does the footer: the `parquet` crate
/// reads page headers with the same Thrift reader, so a header that
/// declares billions of booleans, or nests lists deep, is as slow there.
/// Walks header to header by each one's compressed page size, reading
/// only the headers. `Err` names the page by its byte offset.
pub(super) fn check_pages(mut file: &File, start: u64, len: u64) -> Result<(), String> {
    let end = start + len;
    let mut at = start;
    let mut buffer = Vec::new();
    while at < end {
        let left = end - at;
        // Read enough for the header: a small window first, doubled while
        // the header runs past it.
        let mut window = left.min(256);
        let (header_len, page_size) = loop {
            buffer.resize(usize::try_from(window).map_err(|e| e.to_string())?, 0);
            file.seek(SeekFrom::Start(at))
                .and_then(|_| file.read_exact(&mut buffer))
                .map_err(|e| format!("cannot read the page header at byte {at}: {e}"))?;
            let mut walk = Walk {
                what: "a page header",
                bytes: &buffer,
                at: 0,
                steps: 0,
                budget: 2 * buffer.len() + 64,
                page_size: Some(None),
            };
            match walk.value(STRUCT, 0, Some(&PAGE_HEADER)) {
                Ok(()) => break (walk.at as u64, walk.page_size.flatten()),
                Err(_) if window < left => window = left.min(window * 8),
                Err(reason) => return Err(format!("{reason} (the page at byte {at})")),
            }
        };
        let Some(size) = page_size.and_then(|s| u64::try_from(s).ok()) else {
            return Err(format!(
                "a page header gives no compressed page size (field 3, a 32-bit integer) (the page at byte {at})"
            ));
        };
        at = at
            .checked_add(header_len)
            .and_then(|x| x.checked_add(size))
            .filter(|&next| next <= end)
            .ok_or_else(|| {
                format!(
                    "the page at byte {at} says it takes {size} bytes, past the end of its column chunk at byte {end}"
                )
            })?;
    }
    Ok(())
}

const BOOLEAN_TRUE: u8 = 1;
const BOOLEAN_FALSE: u8 = 2;
const BYTE: u8 = 3;
const I16: u8 = 4;
const I32: u8 = 5;
const I64: u8 = 6;
const DOUBLE: u8 = 7;
const BINARY: u8 = 8;
const LIST: u8 = 9;
const SET: u8 = 10;
const MAP: u8 = 11;
const STRUCT: u8 = 12;
const UUID: u8 = 13;

struct Walk<'a> {
    /// What is walked, for messages: "the footer", "a page header".
    what: &'static str,
    bytes: &'a [u8],
    at: usize,
    /// Values visited so far, and how many the footer's length allows.
    steps: usize,
    budget: usize,
    /// Walking a page header: the compressed page size (field 3 of the
    /// top-level structure), once read.
    page_size: Option<Option<i64>>,
}

impl Walk<'_> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn byte(&mut self) -> Result<u8, String> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| format!("{} ends in the middle of a value", self.what))?;
        self.at += 1;
        Ok(b)
    }

    fn skip(&mut self, n: usize) -> Result<(), String> {
        if n > self.left() {
            return Err(format!(
                "{} holds a value of {n} bytes where {} are left",
                self.what,
                self.left()
            ));
        }
        self.at += n;
        Ok(())
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            if shift < 64 {
                value |= u64::from(b & 0x7f) << shift;
            }
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(format!(
            "{} holds a number longer than ten bytes",
            self.what
        ))
    }

    /// A collection of `size` elements: at least one byte each.
    fn elements(&self, size: u64) -> Result<usize, String> {
        usize::try_from(size)
            .ok()
            .filter(|&n| n <= self.left())
            .ok_or_else(|| {
                format!(
                    "{} declares a collection of {size} elements with {} bytes left",
                    self.what,
                    self.left()
                )
            })
    }

    /// Walks one value of type `kind`; `expect` is what the Parquet schema
    /// says it is, where it says.
    fn value(
        &mut self,
        kind: u8,
        depth: usize,
        expect: Option<&'static Expect>,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "{} nests deeper than {MAX_DEPTH} levels",
                self.what
            ));
        }
        self.steps += 1;
        if self.steps > self.budget {
            return Err(format!(
                "{} declares more values than its {} bytes can hold",
                self.what,
                self.bytes.len()
            ));
        }
        match kind {
            // A boolean field's value is in its header.
            BOOLEAN_TRUE | BOOLEAN_FALSE => Ok(()),
            BYTE => self.skip(1),
            I16 | I32 | I64 => self.varint().map(|_| ()),
            DOUBLE => self.skip(8),
            BINARY => {
                let n = self.varint()?;
                self.skip(usize::try_from(n).unwrap_or(usize::MAX))
            }
            UUID => self.skip(16),
            STRUCT => {
                let table = match expect {
                    Some(Expect::Struct(table)) => Some(*table),
                    _ => None,
                };
                let mut id = 0i64;
                loop {
                    let header = self.byte()?;
                    let field = header & 0x0f;
                    if field == 0 {
                        return Ok(());
                    }
                    id = match header >> 4 {
                        // The field id in full, as a zigzag varint.
                        0 => zigzag(self.varint()?),
                        delta => id + i64::from(delta),
                    };
                    let known = table.and_then(|t| t.field(id));
                    if let (Some(table), Some(known)) = (table, known) {
                        self.agrees(field, known, || format!("field {id} of {}", table.name))?;
                    }
                    if depth == 0 && id == 3 && field == I32 && self.page_size.is_some() {
                        self.steps += 1;
                        self.page_size = Some(Some(zigzag(self.varint()?)));
                    } else {
                        self.value(field, depth + 1, known)?;
                    }
                }
            }
            LIST | SET => {
                let header = self.byte()?;
                let size = match header >> 4 {
                    0x0f => self.varint()?,
                    short => u64::from(short),
                };
                let element = header & 0x0f;
                let inner = match expect {
                    Some(Expect::List(inner)) => Some(*inner),
                    _ => None,
                };
                if let Some(inner) = inner {
                    self.agrees(element, inner, || "a list's elements".to_owned())?;
                }
                let n = self.elements(size)?;
                for _ in 0..n {
                    // A boolean element is skipped as no bytes, as the
                    // crate skips it, but counts as a step.
                    self.value(element, depth + 1, inner)?;
                }
                Ok(())
            }
            MAP => {
                let size = self.varint()?;
                let n = self.elements(size)?;
                if n == 0 {
                    return Ok(());
                }
                let types = self.byte()?;
                for _ in 0..n {
                    for kind in [types >> 4, types & 0x0f] {
                        self.value(kind, depth + 1, None)?;
                    }
                }
                Ok(())
            }
            other => Err(format!(
                "{} holds a value of unknown type {other}",
                self.what
            )),
        }
    }
}

impl Walk<'_> {
    /// A value declared as `code` where the schema expects `expect`: the
    /// same encoding, or an error naming `place`.
    fn agrees(
        &self,
        code: u8,
        expect: &Expect,
        place: impl FnOnce() -> String,
    ) -> Result<(), String> {
        let want = expect.kind();
        match Kind::of(code) {
            Some(kind) if kind == want => Ok(()),
            declared => Err(format!(
                "{} declares {} as {} where Parquet gives it {}",
                self.what,
                place(),
                declared.map_or_else(|| format!("type {code}"), |k| k.name().to_owned()),
                want.name()
            )),
        }
    }
}

/// A compact-protocol zigzag varint's value.
fn zigzag(n: u64) -> i64 {
    // Both halves fit: n >> 1 is below 2^63.
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_booleans_longer_than_the_footer_is_refused() {
        // Field 15 (not in the schema), a list; 0xF0|1: a long size,
        // booleans; size 2^31 - 1.
        let footer = [0xf9, 0xf1, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00];
        let err = check_footer(&footer).unwrap_err();
        assert_eq!(
            err,
            "the footer declares a collection of 2147483647 elements with 1 bytes left"
        );
    }

    #[test]
    fn plausible_footers_pass_and_cut_ones_are_named() {
        // Field 1: i32 2; field 15: a list of two i64; field 16: "ab"; stop.
        let footer = [
            0x15, 0x04, 0xe9, 0x26, 0x02, 0x04, 0x18, 0x02, b'a', b'b', 0x00,
        ];
        assert_eq!(check_footer(&footer), Ok(()));
        assert_eq!(
            check_footer(&footer[..7]),
            Err("the footer ends in the middle of a value".to_owned())
        );
    }

    #[test]
    fn lists_of_lists_of_booleans_are_bounded_by_the_footer_length() {
        // Field 15: a list of 30 lists, each of 30 booleans (skipped as no
        // bytes each); field 16: 100 bytes of text. 933 values from 166
        // bytes, where each list claims no more elements than bytes left.
        let mut footer = vec![0xf9, 0xf9, 30];
        footer.extend(std::iter::repeat_n([0xf1, 30], 30).flatten());
        footer.extend([0x18, 100]);
        footer.extend([b'x'; 100]);
        footer.push(0x00);
        assert_eq!(
            check_footer(&footer),
            Err("the footer declares more values than its 166 bytes can hold".to_owned())
        );
    }

    /// Pages of a column chunk written to a file, checked as a whole.
    fn pages(bytes: &[u8]) -> Result<(), String> {
        use std::io::Write;
        let path =
            std::env::temp_dir().join(format!("pages-{}-{}", std::process::id(), bytes.len()));
        File::create(&path).unwrap().write_all(bytes).unwrap();
        let result = check_pages(&File::open(&path).unwrap(), 0, bytes.len() as u64);
        std::fs::remove_file(&path).unwrap();
        result
    }

    /// type = 0, compressed size = `size` (zigzag), stop; then the page.
    fn page(size: u8, extra: &[u8]) -> Vec<u8> {
        let mut v = vec![0x15, 0x00, 0x25, size * 2];
        v.extend_from_slice(extra);
        v.push(0x00);
        v.extend(std::iter::repeat_n(7u8, usize::from(size)));
        v
    }

    #[test]
    fn page_headers_are_walked_page_to_page() {
        let mut chunk = page(10, &[]);
        chunk.extend(page(3, &[]));
        assert_eq!(pages(&chunk), Ok(()));

        // The second page says it is longer than what is left.
        let mut cut = chunk.clone();
        cut.pop();
        assert_eq!(
            pages(&cut),
            Err(format!(
                "the page at byte 15 says it takes 3 bytes, past the end of its column chunk at byte {}",
                cut.len()
            ))
        );

        // No compressed size.
        assert_eq!(
            pages(&[0x15, 0x00, 0x00, 1, 2]),
            Err("a page header gives no compressed page size (field 3, a 32-bit integer) (the page at byte 0)".to_owned())
        );
    }

    /// A field the crate does not know, holding 100 lists of 2³¹
    /// booleans each: refused before any is counted.
    #[test]
    fn a_page_header_of_boolean_lists_is_refused() {
        let mut lists = vec![0x79, 0xf9, 100];
        for _ in 0..100 {
            lists.extend([0xf1, 0x80, 0x80, 0x80, 0x80, 0x08]);
        }
        let err = pages(&page(10, &lists)).unwrap_err();
        assert!(
            err.starts_with("a page header declares a collection of 2147483648 elements with"),
            "{err}"
        );
        assert!(err.ends_with("(the page at byte 0)"), "{err}");
    }

    /// The crate reads a field the schema names by the schema, so one
    /// declared with another encoding is refused, at any depth.
    #[test]
    fn fields_declared_against_the_schema_are_refused() {
        // Field 1 (version, an i32) declared as a list.
        assert_eq!(
            check_footer(&[0x19, 0x00, 0x00]),
            Err(
                "the footer declares field 1 of FileMetaData as a list where Parquet gives it an integer"
                    .to_owned()
            )
        );
        // Field 4, a list of one row group, whose field 1 (its column
        // chunks, a list) is declared as a byte string.
        assert_eq!(
            check_footer(&[0x49, 0x1c, 0x18, 0x00, 0x00, 0x00]),
            Err(
                "the footer declares field 1 of RowGroup as a byte string where Parquet gives it a list"
                    .to_owned()
            )
        );
        // Field 2, the schema, as a list of integers.
        assert_eq!(
            check_footer(&[0x29, 0x15, 0x02, 0x00]),
            Err(
                "the footer declares a list's elements as an integer where Parquet gives it a structure"
                    .to_owned()
            )
        );
        // Integers of any width are one encoding: i64 for an i32 passes.
        assert_eq!(check_footer(&[0x16, 0x02, 0x00]), Ok(()));
    }

    #[test]
    fn nesting_is_bounded() {
        // Field 15 a struct, inside it field 1 a struct, ... never closed.
        let mut footer = vec![0xfc];
        footer.extend([0x1c; 99]);
        assert_eq!(
            check_footer(&footer),
            Err("the footer nests deeper than 64 levels".to_owned())
        );
    }
}
