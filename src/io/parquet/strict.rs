//! A Parquet file for the `parquet` crate to read whose readers fail at
//! the end of the file instead of returning nothing.
//!
//! The crate reads page headers through [`ChunkReader::get_read`]. Over a
//! `File`, a read at the end returns no bytes and no error, and its Thrift
//! decoder skips a field by copying that many bytes to nowhere, stopping
//! quietly at the end. A page header declaring a list of 2³¹ byte strings
//! past the end of the file is then 2³¹ empty reads: a 1.4 kB file found
//! by fuzzing took 90 s. Here a read asked for bytes at the end of the
//! file is an `UnexpectedEof` error, which the crate reports at once.

use std::fs::File;
use std::io::{self, BufReader, Read};

use bytes::Bytes;
use parquet::errors::Result;
use parquet::file::reader::{ChunkReader, Length};

/// A file whose readers end in an error at its end.
pub(super) struct StrictFile(pub(super) File);

impl Length for StrictFile {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

impl ChunkReader for StrictFile {
    type T = StrictRead;

    fn get_read(&self, start: u64) -> Result<StrictRead> {
        Ok(StrictRead(self.0.get_read(start)?))
    }

    fn get_bytes(&self, start: u64, length: usize) -> Result<Bytes> {
        self.0.get_bytes(start, length)
    }
}

/// A reader of a [`StrictFile`]: asked for bytes at the end of the file,
/// it fails rather than returning none.
pub(super) struct StrictRead(BufReader<File>);

impl Read for StrictRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        if n == 0 && !buf.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file ends inside a page header or page",
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_read_at_the_end_is_an_error_and_a_read_before_it_is_not() {
        let path = std::env::temp_dir().join(format!("strict-read-{}", std::process::id()));
        File::create(&path).unwrap().write_all(b"abc").unwrap();
        let file = StrictFile(File::open(&path).unwrap());
        assert_eq!(file.len(), 3);
        let mut read = file.get_read(1).unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(read.read(&mut buf).unwrap(), 2);
        assert_eq!(&buf[..2], b"bc");
        let err = read.read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(read.read(&mut []).unwrap(), 0);
        assert_eq!(&file.get_bytes(0, 3).unwrap()[..], b"abc");
        std::fs::remove_file(&path).unwrap();
    }
}
