//! Reading on every core: the input is cut into chunks, the chunks are
//! split into records in parallel, and the records are decoded in order.
//!
//! Splitting CSV (the `csv_core` state machine) is most of reading, and it
//! is sequential by nature: whether a byte is inside a quoted field depends
//! on every byte before it. So it is done speculatively. The input is cut
//! into chunks of about a megabyte, each ending just after a `\n`, and each
//! chunk is split from its start by a fresh `csv_core` reader on whichever
//! thread is free. A chunk split this way is exactly what one reader over
//! the whole input would have produced, provided the previous chunk ended
//! between records, since `csv_core` at the start of a record is in the
//! same state as a fresh reader. Each chunk says whether it ended between
//! records; when one did not (a quoted field holding a line break that fell
//! on the cut), its unfinished record and the next chunk are split again,
//! in order, from the start of that record. The result is always
//! identical to one sequential reader's, records, lines and byte offsets
//! alike, and in the common case costs one pass per core.
//!
//! A record whose quoted field runs past a line break and then does not
//! fit the header, or is still open at the end of the input, has a bad
//! quote, and decoding (in order, so it knows the header) re-reads from the
//! line after the one the record starts on: that line is the row set aside
//! or the error, and the rest is split again from there as from a fresh
//! reader. Only such input reads differently from the `csv` crate.
//!
//! Decoding (interning cells, dates, journeys) runs on its own thread and
//! takes the chunks in input order, so the first bad row in strict mode,
//! the progress callbacks and the lines named are those of a sequential
//! read. Buffers go back to the reading thread to be refilled, so memory
//! stays at a few chunks however large the input. Small inputs, one core,
//! or no thread to be had: the same chunks are split and decoded in turn
//! on the calling thread.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use crate::error::limits::MAX_CELL_BYTES;
use csv_core::{ReadRecordResult, Reader as Core, ReaderBuilder as CoreBuilder};

use super::{Progress, ProgressHook, Reader, SAMPLE_ROWS};
use crate::error::{Error, Result, SetAside};

/// The input is cut into chunks of about this many bytes.
const CHUNK: usize = 1 << 20;

/// Chunks in flight between reading, splitting and decoding.
const IN_FLIGHT: usize = 8;

/// Records split from a chunk: their fields end to end in one buffer.
#[derive(Debug, Default)]
pub(super) struct Batch {
    /// Field bytes; only the ranges `ends` and `records` name are used.
    bytes: Vec<u8>,
    /// Each field's end in `bytes`; only `ends[..used_ends]` are used.
    ends: Vec<usize>,
    records: Vec<Split>,
}

/// Where one record is in a batch, and where its read started in the
/// chunk: the byte offset, and the line (the chunk's first line is 1).
#[derive(Debug, Clone, Copy)]
struct Split {
    first: usize,
    last: usize,
    start: usize,
    byte: u64,
    line: u64,
}

/// How a chunk's split ended.
#[derive(Debug, Clone, Copy, Default)]
struct Tail {
    /// Where the read after the last record starts (byte, line), relative
    /// to the chunk: the next record's position.
    next: (u64, u64),
    /// Whether a record was still open at the chunk's end: then the bytes
    /// from `next` on must be split again with the next chunk.
    open: bool,
    /// The chunk's `\n` bytes.
    newlines: u64,
}

/// One record's fields, as decoding sees them.
#[derive(Debug, Clone, Copy)]
pub(in crate::io) struct Fields<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
    start: usize,
}

impl<'a> Fields<'a> {
    /// The fields `bytes[..ends[0]]`, `bytes[ends[0]..ends[1]]`, ...: a
    /// record from cells that did not come from CSV text.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(in crate::io) fn new(bytes: &'a [u8], ends: &'a [usize]) -> Self {
        Self {
            bytes,
            ends,
            start: 0,
        }
    }

    /// The number of fields.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i`, or nothing past the last field.
    #[inline]
    pub(super) fn get(&self, i: usize) -> &'a [u8] {
        let Some(&end) = self.ends.get(i) else {
            return &[];
        };
        let start = match i.checked_sub(1) {
            None => self.start,
            Some(previous) => self.ends[previous],
        };
        self.bytes.get(start..end).unwrap_or_default()
    }

    /// Every field, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl Batch {
    /// Whether a field of the record holds a `\n`: one pass over its
    /// fields' bytes, which lie end to end.
    fn holds_newline(&self, split: &Split) -> bool {
        let end = match split.last.checked_sub(1) {
            Some(last) if split.last > split.first => {
                self.ends.get(last).copied().unwrap_or(split.start)
            }
            _ => split.start,
        };
        self.bytes
            .get(split.start..end)
            .is_some_and(|bytes| bytes.contains(&b'\n'))
    }

    fn fields(&self, split: &Split) -> Fields<'_> {
        Fields {
            bytes: &self.bytes,
            ends: &self.ends[split.first..split.last],
            start: split.start,
        }
    }
}

/// A fresh `csv_core` reader with the defaults. Building one compiles its
/// state machine, which costs more than splitting a small input, so each
/// thread keeps one and resets it (`csv_core`'s `Clone` of a built reader
/// does not copy the whole machine, so it is not cloned).
struct FreshCore(Option<Core>);

thread_local! {
    static SPARE_CORE: std::cell::RefCell<Option<Core>> = const { std::cell::RefCell::new(None) };
}

fn fresh_core() -> FreshCore {
    let spare = SPARE_CORE.with(|spare| spare.borrow_mut().take());
    let mut core = spare.unwrap_or_else(|| CoreBuilder::new().build());
    core.reset();
    FreshCore(Some(core))
}

impl std::ops::Deref for FreshCore {
    type Target = Core;
    fn deref(&self) -> &Core {
        self.0
            .as_ref()
            .unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl std::ops::DerefMut for FreshCore {
    fn deref_mut(&mut self) -> &mut Core {
        self.0
            .as_mut()
            .unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl Drop for FreshCore {
    fn drop(&mut self) {
        let core = self.0.take();
        let _ = SPARE_CORE.try_with(|spare| *spare.borrow_mut() = core);
    }
}

/// Splits `raw` into records from a fresh reader, as the `csv` crate's
/// reader does (its defaults: comma, double quotes, CR, LF or CRLF), with
/// each record's position where its read started. `last` says the input
/// ends with `raw`; otherwise a record open at the end is left open.
fn split(raw: &[u8], last: bool, batch: &mut Batch) -> Tail {
    let mut core = fresh_core();
    batch.records.clear();
    // Fields are never longer than the bytes they come from.
    if batch.bytes.len() < raw.len() + 1 {
        batch.bytes.resize(raw.len() + 1, 0);
    }
    if batch.ends.len() < 64 {
        batch.ends.resize(64, 0);
    }
    let (mut pos, mut out, mut used_ends) = (0usize, 0usize, 0usize);
    loop {
        let call = (pos, core.line());
        let (record_out, record_ends) = (out, used_ends);
        loop {
            let input = &raw[pos..];
            if input.is_empty() && !last {
                // Between records only if what is left of this read is
                // line endings, which a reader between records skips.
                let open = raw[call.0..].iter().any(|&b| b != b'\r' && b != b'\n');
                return Tail {
                    next: (call.0 as u64, call.1),
                    open,
                    newlines: core.line() - 1,
                };
            }
            let (result, read, written, ended) =
                core.read_record(input, &mut batch.bytes[out..], &mut batch.ends[used_ends..]);
            pos += read;
            out += written;
            used_ends += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let grown = batch.bytes.len() * 2;
                    batch.bytes.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = batch.ends.len() * 2;
                    batch.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    // csv_core gives ends from the record's start.
                    for end in &mut batch.ends[record_ends..used_ends] {
                        *end += record_out;
                    }
                    batch.records.push(Split {
                        first: record_ends,
                        last: used_ends,
                        start: record_out,
                        byte: call.0 as u64,
                        line: call.1,
                    });
                    break;
                }
                ReadRecordResult::End => {
                    return Tail {
                        next: (pos as u64, core.line()),
                        open: false,
                        newlines: core.line() - 1,
                    };
                }
            }
        }
    }
}

/// A chunk of input, and its records once split.
#[derive(Debug, Default)]
struct Chunk {
    seq: u64,
    raw: Vec<u8>,
    /// The byte offset of `raw[0]` in the input.
    start: u64,
    /// The input ends after this chunk.
    last: bool,
    /// The input failed after this chunk.
    error: Option<Error>,
    batch: Batch,
    tail: Tail,
}

impl Chunk {
    fn split(&mut self) {
        // A chunk that ends in an error is not the input's end: its last
        // record, if unfinished, is lost with the error, as a sequential
        // reader would lose it.
        self.tail = split(&self.raw, self.last, &mut self.batch);
    }
}

/// Cuts the input into chunks that end after a `\n`.
struct Cutter<'e, R> {
    input: R,
    carry: Vec<u8>,
    start: u64,
    seq: u64,
    done: bool,
    /// The size chunks are cut at.
    chunk: usize,
    io_error: &'e dyn Fn(std::io::Error) -> Error,
}

impl<R: Read> Cutter<'_, R> {
    /// Fills `chunk` with the next chunk; false once the input is done.
    fn next(&mut self, chunk: &mut Chunk) -> bool {
        if self.done {
            return false;
        }
        chunk.raw.clear();
        chunk.raw.append(&mut self.carry);
        chunk.last = false;
        chunk.error = None;
        loop {
            let want = self
                .chunk
                .saturating_sub(chunk.raw.len())
                .max(self.chunk.min(1 << 16)) as u64;
            match (&mut self.input).take(want).read_to_end(&mut chunk.raw) {
                Ok(read) if (read as u64) < want => {
                    chunk.last = true;
                    break;
                }
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    chunk.error = Some((self.io_error)(e));
                    break;
                }
            }
            if chunk.raw.len() >= self.chunk {
                // End the chunk after its last line break; a chunk with
                // none (one enormous field) keeps growing.
                if let Some(at) = chunk.raw.iter().rposition(|&b| b == b'\n') {
                    self.carry.extend_from_slice(&chunk.raw[at + 1..]);
                    chunk.raw.truncate(at + 1);
                    break;
                }
            }
        }
        if chunk.error.is_some() {
            // Only whole lines before the failure are split.
            let keep = chunk
                .raw
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |at| at + 1);
            chunk.raw.truncate(keep);
        }
        self.done = chunk.last || chunk.error.is_some();
        chunk.seq = self.seq;
        chunk.start = self.start;
        self.seq += 1;
        self.start += chunk.raw.len() as u64;
        true
    }
}

/// Where split records go, in input order, each with the byte offset and
/// line where its read started.
trait Records {
    /// The state the records build.
    type Done;

    fn record(&mut self, fields: &Fields<'_>, byte: u64, line: u64) -> Result<()>;

    /// The input ended after `bytes` bytes.
    fn end(&mut self, bytes: u64) -> Result<Self::Done>;

    /// The input failed after the records so far.
    fn failed(&mut self, error: Error) -> Error;

    /// The header's number of fields, if a record whose quoted field runs
    /// past a line break must fit it; none takes every record as split.
    fn quote_check(&self) -> Option<usize> {
        None
    }

    /// A quote opened on `line` runs on for `lines` lines without closing
    /// where its row should end: the line is set aside, or is the error.
    fn bad_quote(&mut self, line: u64, lines: u64) -> Result<()> {
        Err(Error::CsvUnterminatedQuote { line, lines })
    }
}

/// How decoding starts, reports and sizes itself.
pub(super) struct Decoding<'a> {
    pub(super) hook: Option<&'a ProgressHook>,
    /// The input's size, if known, for sizing tables from a sample.
    pub(super) size: Option<u64>,
    /// Makes the reader from the header record.
    pub(super) start: &'a (dyn Fn(&Fields<'_>) -> Result<Reader> + Sync),
}

/// Decodes records into a [`Reader`]: the first is the header.
struct Decoder<'a> {
    decoding: &'a Decoding<'a>,
    reader: Option<Reader>,
}

impl Records for Decoder<'_> {
    type Done = Reader;

    #[inline]
    fn record(&mut self, fields: &Fields<'_>, byte: u64, line: u64) -> Result<()> {
        let Some(reader) = self.reader.as_mut() else {
            self.reader = Some((self.decoding.start)(fields)?);
            return Ok(());
        };
        if let Some(at) = fields.iter().position(|f| f.len() as u64 > MAX_CELL_BYTES) {
            let column = reader.column_name(at);
            return Err(Error::LimitExceeded {
                limit: "MAX_CELL_BYTES",
                what: "the cell's length in bytes",
                value: fields.get(at).len() as u64,
                max: MAX_CELL_BYTES,
                location: format!("csv line {line}, column {column}"),
            });
        }
        reader.read_row(fields, line)?;
        if reader.rows_read == SAMPLE_ROWS {
            if let Some(size) = self.decoding.size {
                // Growing tables by doubling copies and rehashes them; size
                // them once from the sample instead.
                reader.reserve(size as f64 / byte.max(1) as f64);
            }
        }
        if let Some(hook) = self.decoding.hook {
            if reader.rows_read % hook.every == 0 {
                (hook.callback)(Progress {
                    rows_read: reader.rows_read,
                    bytes_read: byte,
                });
            }
        }
        Ok(())
    }

    fn end(&mut self, bytes: u64) -> Result<Reader> {
        let reader = self.reader.take().ok_or(Error::CsvNoHeader)?;
        if let Some(hook) = self.decoding.hook {
            (hook.callback)(Progress {
                rows_read: reader.rows_read,
                bytes_read: bytes,
            });
        }
        Ok(reader)
    }

    fn failed(&mut self, error: Error) -> Error {
        match (&self.reader, error) {
            // The header could not be read: the error is on line 1.
            (None, Error::CsvIo { path, reason, .. }) => Error::CsvIo {
                path,
                line: Some(1),
                reason,
            },
            (_, error) => error,
        }
    }

    fn quote_check(&self) -> Option<usize> {
        self.reader.as_ref().map(|reader| reader.columns.count)
    }

    fn bad_quote(&mut self, line: u64, lines: u64) -> Result<()> {
        let error = Error::CsvUnterminatedQuote { line, lines };
        let Some(reader) = self.reader.as_mut().filter(|reader| reader.lenient) else {
            return Err(error);
        };
        // The line is one row read, and set aside.
        reader.rows_read += 1;
        reader.set_aside.push(SetAside {
            line,
            candidate: None,
            reason: error.to_string(),
        });
        Ok(())
    }
}

/// Takes split chunks in input order and decodes their records.
struct Stitcher<S> {
    sink: S,
    /// The line and byte at the start of the next chunk.
    line: u64,
    /// Where the next record's read starts: (byte, line).
    pending: (u64, u64),
    /// An unfinished record's bytes, and where they start (byte, line).
    open: Option<(Vec<u8>, (u64, u64))>,
    scratch: Batch,
}

impl<S: Records> Stitcher<S> {
    fn new(sink: S) -> Self {
        Self {
            sink,
            line: 1,
            pending: (0, 1),
            open: None,
            scratch: Batch::default(),
        }
    }

    /// Decodes the next chunk in order; the reader once the input is done.
    fn take(&mut self, chunk: &mut Chunk) -> Result<Option<S::Done>> {
        let chunk_line = self.line;
        self.line += chunk.tail.newlines;
        if let Some((mut open, base)) = self.open.take() {
            // The last chunk ended inside a record: split again from that
            // record's start, through this chunk.
            open.extend_from_slice(&chunk.raw);
            let mut batch = std::mem::take(&mut self.scratch);
            let tail = split(&open, chunk.last, &mut batch);
            let decoded = self.decode(&batch, tail, base, &open, chunk.last);
            self.scratch = batch;
            decoded?;
        } else {
            let base = (chunk.start, chunk_line);
            self.decode(&chunk.batch, chunk.tail, base, &chunk.raw, chunk.last)?;
        }
        if let Some(error) = chunk.error.take() {
            return Err(self.sink.failed(error));
        }
        if !chunk.last {
            return Ok(None);
        }
        self.sink
            .end(chunk.start + chunk.raw.len() as u64)
            .map(Some)
    }

    /// Decodes a batch whose bytes start at `base` (byte, line), and notes
    /// where the next read starts; `last` says `raw` ends the input. After
    /// a bad quote the rest of `raw` is split again from the next line.
    fn decode(
        &mut self,
        batch: &Batch,
        tail: Tail,
        base: (u64, u64),
        raw: &[u8],
        last: bool,
    ) -> Result<()> {
        let Some(mut resync) = self.decode_batch(batch, tail, base, raw, last)? else {
            return Ok(());
        };
        // Bad quotes are few; each one costs a split of the rest of `raw`.
        let mut again = Batch::default();
        loop {
            let (from, at) = resync;
            let rest = raw.get(from..).unwrap_or_default();
            let tail = split(rest, last, &mut again);
            self.pending = at;
            match self.decode_batch(&again, tail, at, rest, last)? {
                None => return Ok(()),
                Some((more, at)) => resync = (from + more, at),
            }
        }
    }

    /// Decodes a batch as [`Stitcher::decode`] does, up to a record whose
    /// quote is bad: then that record's first line is set aside, and what
    /// comes back is where to read again from, in `raw` and in the input.
    fn decode_batch(
        &mut self,
        batch: &Batch,
        tail: Tail,
        base: (u64, u64),
        raw: &[u8],
        last: bool,
    ) -> Result<Option<(usize, (u64, u64))>> {
        let at = |byte: u64, line: u64| (base.0 + byte, base.1 + line - 1);
        for (i, split) in batch.records.iter().enumerate() {
            // The first record's read started where the last one's ended,
            // perhaps in the chunk before.
            let (byte, line) = if i == 0 {
                self.pending
            } else {
                at(split.byte, split.line)
            };
            let fields = batch.fields(split);
            let at_end = last && !tail.open && i + 1 == batch.records.len();
            if let Some(expected) = self.sink.quote_check() {
                // A bad quote shows as a ragged record or an open quote at
                // the end; only then is it worth looking for the line break
                // that only a quoted field holds.
                if (fields.len() != expected || at_end) && batch.holds_newline(split) {
                    let end = batch
                        .records
                        .get(i + 1)
                        .map_or(tail.next.0, |next| next.byte);
                    let from = usize::try_from(split.byte)
                        .unwrap_or(raw.len())
                        .min(raw.len());
                    let end = usize::try_from(end)
                        .unwrap_or(raw.len())
                        .clamp(from, raw.len());
                    let record = &raw[from..end];
                    if fields.len() != expected || (at_end && unterminated(record)) {
                        let (line, lines, after) = bad_line(record, split.line);
                        self.sink.bad_quote(base.1 + line - 1, lines)?;
                        let next = from + after;
                        // Lines from the read's start, blank lines and all.
                        let next_line = base.1 + split.line - 1 + newlines(&record[..after]);
                        return Ok(Some((next, (base.0 + next as u64, next_line))));
                    }
                }
            }
            self.sink.record(&fields, byte, line)?;
        }
        // Without a record, the read that started before these bytes goes
        // on through them: the next record's position stays.
        if !batch.records.is_empty() {
            self.pending = at(tail.next.0, tail.next.1);
        }
        if tail.open {
            let from = usize::try_from(tail.next.0)
                .unwrap_or(raw.len())
                .min(raw.len());
            self.open = Some((raw[from..].to_vec(), at(tail.next.0, tail.next.1)));
        }
        Ok(None)
    }
}

/// The `\n` bytes in `bytes`: the lines `csv_core` counts.
fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// A record's bytes (its read, from `line` on) with a bad quote: the line
/// the record starts on, past any blank lines; the lines it spans, to its
/// last that is not blank; and
/// where, in `record`, the line after its first starts.
fn bad_line(record: &[u8], line: u64) -> (u64, u64, usize) {
    let blank = record
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    let content = &record[blank..];
    let line = line + newlines(&record[..blank]);
    // To its last line with anything on it: what follows the record's end
    // (line endings a reader skips) depends on where the read stopped.
    let trimmed = content
        .iter()
        .rposition(|&b| b != b'\r' && b != b'\n')
        .map_or(&content[..0], |at| &content[..=at]);
    let lines = newlines(trimmed) + 1;
    let first = content
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .map_or(content.len(), |at| at + 1);
    (line, lines.max(1), blank + first)
}

/// Whether a record read to the end of the input left a quote open: a
/// fresh reader given its bytes and one more line break has no record.
fn unterminated(record: &[u8]) -> bool {
    let mut core = fresh_core();
    let (mut out, mut ends) = ([0u8; 256], [0usize; 64]);
    let mut input: &[u8] = record;
    let mut newline_given = false;
    loop {
        if input.is_empty() {
            if newline_given {
                return true;
            }
            newline_given = true;
            input = b"\n";
        }
        let (result, read, _, _) = core.read_record(input, &mut out, &mut ends);
        input = &input[read..];
        match result {
            ReadRecordResult::Record | ReadRecordResult::End => return false,
            // Only whether a record ends matters: the output is scratch.
            ReadRecordResult::InputEmpty
            | ReadRecordResult::OutputFull
            | ReadRecordResult::OutputEndsFull => {}
        }
    }
}

/// Reads the header and every record after it into a reader: chunks are
/// split on every core and decoded in order on one thread.
pub(super) fn read_records<R: Read>(
    input: R,
    decoding: &Decoding<'_>,
    io_error: &dyn Fn(std::io::Error) -> Error,
) -> Result<Reader> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let decoder = Decoder {
        decoding,
        reader: None,
    };
    read_chunked(input, decoder, io_error, CHUNK, cores)
}

/// Cuts the input into chunks of about `chunk` bytes and gives every
/// record to `sink` in order: split on `threads` threads and decoded on
/// another, or everything on this thread if `threads` is below 2 or the
/// input fits one chunk.
fn read_chunked<R: Read, S: Records + Send>(
    input: R,
    sink: S,
    io_error: &dyn Fn(std::io::Error) -> Error,
    chunk: usize,
    threads: usize,
) -> Result<S::Done>
where
    S::Done: Send,
{
    let mut cutter = Cutter {
        input,
        carry: Vec::new(),
        start: 0,
        seq: 0,
        done: false,
        chunk: chunk.max(1),
        io_error,
    };
    let mut first = Chunk::default();
    cutter.next(&mut first);
    if first.last || first.error.is_some() || threads < 2 {
        return in_turn(&mut cutter, first, Stitcher::new(sink));
    }
    let stitcher = Mutex::new(Some(Stitcher::new(sink)));
    std::thread::scope(|scope| {
        let (to_split, chunks) = mpsc::sync_channel::<Chunk>(IN_FLIGHT);
        let chunks = Arc::new(Mutex::new(chunks));
        let (to_decode, split_chunks) = mpsc::channel::<Chunk>();
        let (to_refill, refills) = mpsc::channel::<Chunk>();
        let stitcher = &stitcher;
        let decoder = std::thread::Builder::new().spawn_scoped(scope, move || {
            let mut stitcher = stitcher
                .lock()
                .ok()
                .and_then(|mut s| s.take())
                .ok_or_else(lost)?;
            decode_in_order(&mut stitcher, &split_chunks, &to_refill)
        });
        let Ok(decoder) = decoder else {
            // No thread to be had: all of it here.
            let stitcher = stitcher
                .lock()
                .ok()
                .and_then(|mut s| s.take())
                .ok_or_else(lost)?;
            return in_turn(&mut cutter, first, stitcher);
        };
        let mut splitters = 0;
        for _ in 0..threads {
            let chunks = Arc::clone(&chunks);
            let to_decode = to_decode.clone();
            let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                split_chunks_from(&chunks, &to_decode);
            });
            splitters += usize::from(spawned.is_ok());
        }
        let mut made = 1;
        let mut chunk = first;
        loop {
            let done = chunk.last || chunk.error.is_some();
            let sent = if splitters == 0 {
                chunk.split();
                to_decode.send(chunk).is_ok()
            } else {
                to_split.send(chunk).is_ok()
            };
            if !sent || done {
                break;
            }
            chunk = if made < IN_FLIGHT {
                made += 1;
                Chunk::default()
            } else {
                // Decoding has stopped (at an error) if no chunk comes back.
                match refills.recv() {
                    Ok(chunk) => chunk,
                    Err(_) => break,
                }
            };
            if !cutter.next(&mut chunk) {
                break;
            }
        }
        drop((to_split, to_decode));
        match decoder.join() {
            Ok(result) => result,
            // Decoding does not panic; if it did, panic as one thread would.
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}

fn split_chunks_from(chunks: &Mutex<Receiver<Chunk>>, to_decode: &Sender<Chunk>) {
    loop {
        let next = match chunks.lock() {
            Ok(chunks) => chunks.recv(),
            Err(_) => return,
        };
        let Ok(mut chunk) = next else {
            return;
        };
        chunk.split();
        if to_decode.send(chunk).is_err() {
            return;
        }
    }
}

fn decode_in_order<S: Records>(
    stitcher: &mut Stitcher<S>,
    split_chunks: &Receiver<Chunk>,
    to_refill: &Sender<Chunk>,
) -> Result<S::Done> {
    let mut waiting: BTreeMap<u64, Chunk> = BTreeMap::new();
    let mut next = 0u64;
    for chunk in split_chunks {
        waiting.insert(chunk.seq, chunk);
        while let Some(mut chunk) = waiting.remove(&next) {
            if let Some(done) = stitcher.take(&mut chunk)? {
                return Ok(done);
            }
            next += 1;
            // The reading thread may have stopped: nothing to refill.
            let _ = to_refill.send(chunk);
        }
    }
    // Reading stops only after a chunk that ends the input.
    Err(lost())
}

fn in_turn<R: Read, S: Records>(
    cutter: &mut Cutter<'_, R>,
    mut chunk: Chunk,
    mut stitcher: Stitcher<S>,
) -> Result<S::Done> {
    loop {
        chunk.split();
        if let Some(done) = stitcher.take(&mut chunk)? {
            return Ok(done);
        }
        if !cutter.next(&mut chunk) {
            return Err(lost());
        }
    }
}

/// Reading lost its state between threads: cannot happen, but is an
/// error, not a panic, if it does.
fn lost() -> Error {
    Error::CsvIo {
        path: None,
        line: None,
        reason: "the csv reader's state was lost between threads".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A record's fields, byte offset and line.
    type Record = (Vec<Vec<u8>>, u64, u64);

    /// Every record, and the bytes read.
    type Read = (Vec<Record>, u64);

    #[derive(Debug, Default)]
    struct Collect {
        records: Vec<Record>,
    }

    impl Records for Collect {
        type Done = Read;

        fn record(&mut self, fields: &Fields<'_>, byte: u64, line: u64) -> Result<()> {
            self.records
                .push((fields.iter().map(<[u8]>::to_vec).collect(), byte, line));
            Ok(())
        }

        fn end(&mut self, bytes: u64) -> Result<Self::Done> {
            Ok((std::mem::take(&mut self.records), bytes))
        }

        fn failed(&mut self, error: Error) -> Error {
            error
        }
    }

    /// What one `csv` crate reader over the whole input gives.
    fn sequential(bytes: &[u8]) -> Read {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = ::csv::ByteRecord::new();
        let mut records = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let position = record.position().unwrap();
            records.push((
                record.iter().map(<[u8]>::to_vec).collect(),
                position.byte(),
                position.line(),
            ));
        }
        (records, reader.position().byte())
    }

    fn io_error(e: std::io::Error) -> Error {
        Error::CsvIo {
            path: None,
            line: None,
            reason: e.to_string(),
        }
    }

    fn chunked(bytes: &[u8], chunk: usize, threads: usize) -> Read {
        read_chunked(bytes, Collect::default(), &io_error, chunk, threads).unwrap()
    }

    #[test]
    fn quoted_line_breaks_across_chunks_are_split_again() {
        let text = b"candidate,note\r\nA,\"one\ntwo\nthree\"\r\n\r\nB,\"x\"\"y\"\nC,plain\rD,last";
        let expected = sequential(text);
        assert_eq!(expected.0.len(), 5);
        for chunk in 1..text.len() + 2 {
            for threads in [0, 2, 3] {
                assert_eq!(
                    chunked(text, chunk, threads),
                    expected,
                    "chunk {chunk}, threads {threads}"
                );
            }
        }
    }

    #[test]
    fn empty_input_and_blank_lines_have_no_records() {
        for text in [&b""[..], b"\n", b"\r\n\r\n", b"\n\n\n"] {
            for chunk in [1, 2, 1 << 20] {
                assert_eq!(chunked(text, chunk, 2), sequential(text));
            }
        }
    }

    /// A reader that fails after `at` bytes.
    struct FailAt<'a> {
        bytes: &'a [u8],
        at: usize,
    }

    impl std::io::Read for FailAt<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.at == 0 {
                return Err(std::io::Error::other("disk gone"));
            }
            let n = buf.len().min(self.at).min(self.bytes.len());
            if n == 0 {
                return Ok(0);
            }
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            self.at -= n;
            Ok(n)
        }
    }

    /// Records before a failure, then the failure, as a sequential reader
    /// gives them.
    #[derive(Default)]
    struct UntilFailure {
        records: Vec<Vec<Vec<u8>>>,
    }

    impl Records for UntilFailure {
        type Done = ();

        fn record(&mut self, fields: &Fields<'_>, _: u64, _: u64) -> Result<()> {
            self.records
                .push(fields.iter().map(<[u8]>::to_vec).collect());
            Ok(())
        }

        fn end(&mut self, _: u64) -> Result<()> {
            Ok(())
        }

        fn failed(&mut self, error: Error) -> Error {
            error
        }
    }

    #[test]
    fn a_failing_input_is_an_error_after_the_whole_lines_before_it() {
        let text = b"a,b\nc,\"d\ne\"\nf,g\nh,i\n";
        for at in 0..text.len() {
            let mut sequential_records = Vec::new();
            let mut reader = ::csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(1)
                .from_reader(FailAt { bytes: text, at });
            let mut record = ::csv::ByteRecord::new();
            while let Ok(true) = reader.read_byte_record(&mut record) {
                sequential_records.push(record.iter().map(<[u8]>::to_vec).collect::<Vec<_>>());
            }
            for (chunk, threads) in [(1, 0), (3, 2), (1 << 20, 2)] {
                let mut sink = UntilFailure::default();
                let result = read_chunked(
                    FailAt { bytes: text, at },
                    &mut sink,
                    &io_error,
                    chunk,
                    threads,
                );
                assert!(result.is_err(), "at {at}");
                assert_eq!(sink.records, sequential_records, "at {at}, chunk {chunk}");
            }
        }
    }

    impl<S: Records> Records for &mut S {
        type Done = S::Done;

        fn record(&mut self, fields: &Fields<'_>, byte: u64, line: u64) -> Result<()> {
            (**self).record(fields, byte, line)
        }

        fn end(&mut self, bytes: u64) -> Result<S::Done> {
            (**self).end(bytes)
        }

        fn failed(&mut self, error: Error) -> Error {
            (**self).failed(error)
        }
    }

    /// Records and bad quotes, with every record of a line break and the
    /// wrong number of fields a bad quote.
    struct Resync {
        expected: usize,
        records: Vec<Record>,
        bad: Vec<(u64, u64)>,
    }

    impl Records for Resync {
        type Done = (Vec<Record>, Vec<(u64, u64)>, u64);

        fn record(&mut self, fields: &Fields<'_>, byte: u64, line: u64) -> Result<()> {
            self.records
                .push((fields.iter().map(<[u8]>::to_vec).collect(), byte, line));
            Ok(())
        }

        fn end(&mut self, bytes: u64) -> Result<Self::Done> {
            let records = std::mem::take(&mut self.records);
            Ok((records, std::mem::take(&mut self.bad), bytes))
        }

        fn failed(&mut self, error: Error) -> Error {
            error
        }

        fn quote_check(&self) -> Option<usize> {
            Some(self.expected)
        }

        fn bad_quote(&mut self, line: u64, lines: u64) -> Result<()> {
            self.bad.push((line, lines));
            Ok(())
        }
    }

    fn resync(bytes: &[u8], chunk: usize, threads: usize) -> <Resync as Records>::Done {
        let sink = Resync {
            expected: 2,
            records: Vec::new(),
            bad: Vec::new(),
        };
        read_chunked(bytes, sink, &io_error, chunk, threads).unwrap()
    }

    #[test]
    fn a_bad_quote_is_read_again_from_its_next_line_at_any_chunk_size() {
        let text = b"a,b\nc,\"d\ne,f\"x,y\ng,h\n\r\ni,\"j\nk,l\n";
        let (records, bad, bytes) = resync(text, 1 << 20, 0);
        let fields =
            |r: &[Record]| -> Vec<Vec<Vec<u8>>> { r.iter().map(|r| r.0.clone()).collect() };
        let owned = |cells: &[&[u8]]| cells.iter().map(|c| c.to_vec()).collect::<Vec<_>>();
        // Line 2's quote closes on line 3 in a record of three fields; read
        // again from line 3, that line is a record of its own (its quote
        // is inside a field, so not a quote). Line 6's quote, after a blank
        // line, is still open at the end.
        assert_eq!(bad, [(2, 2), (6, 2)]);
        assert_eq!(
            fields(&records),
            [
                owned(&[b"a", b"b"]),
                owned(&[b"e", b"f\"x", b"y"]),
                owned(&[b"g", b"h"]),
                owned(&[b"k", b"l"]),
            ]
        );
        let positions: Vec<(u64, u64)> = records.iter().map(|r| (r.1, r.2)).collect();
        assert_eq!(positions, [(0, 1), (9, 3), (17, 4), (28, 7)]);
        assert_eq!(bytes, text.len() as u64);
        let whole = (records, bad, bytes);
        for chunk in 1..text.len() + 2 {
            for threads in [0, 2, 3] {
                assert_eq!(
                    resync(text, chunk, threads),
                    whole,
                    "chunk {chunk}, threads {threads}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn bad_quotes_resync_alike_at_any_chunk_size(
            bytes in prop::collection::vec(prop::sample::select(b"ab,\"\r\n".to_vec()), 0..200),
            chunk in 1..40usize,
            threads in 0..4usize,
        ) {
            prop_assert_eq!(resync(&bytes, chunk, threads), resync(&bytes, 1 << 20, 0));
        }

        #[test]
        fn chunks_split_as_one_reader_splits(
            bytes in prop::collection::vec(prop::sample::select(b"ab,\"\r\n".to_vec()), 0..200),
            chunk in 1..40usize,
            threads in 0..4usize,
        ) {
            prop_assert_eq!(chunked(&bytes, chunk, threads), sequential(&bytes));
        }
    }
}
