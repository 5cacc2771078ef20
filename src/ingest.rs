//! A statement file from disk, streamed: one pass fingerprints it and picks
//! its encoding, a second reads it row by row into the store. Neither pass
//! holds the file whole, so memory stays flat at any size.
//!
//! Owns: file reading and progress. Must not: parse rows (the engine does)
//! or write the book (the store does).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::engine::import::{self, ImportError, Item, ParseOptions, Statement, decode, sheet};

/// An opened statement and its SHA-256.
pub struct Opened<'a> {
    /// The rows, read as they are consumed.
    pub statement: Statement<'a>,
    /// SHA-256 of the file's bytes, hex.
    pub hash: String,
}

fn unreadable(name: &str, e: &std::io::Error) -> ImportError {
    ImportError::NotText {
        file: name.to_string(),
        reason: format!("cannot be read: {e}"),
    }
}

/// Opens `path` (shown as `name`) for import. `progress` hears the bytes
/// read so far of the second pass.
pub fn open<'a>(
    path: &Path,
    name: &str,
    opts: &ParseOptions,
    progress: impl FnMut(u64) + Send + 'a,
) -> Result<Opened<'a>, ImportError> {
    let mut f = File::open(path).map_err(|e| unreadable(name, &e))?;
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut f, &mut magic).map_err(|e| unreadable(name, &e))?;
    if sheet::sniff(&magic[..n]).is_some() {
        // A workbook is a zip or compound file: read whole, as calamine
        // needs (exports are a few thousand rows).
        let mut bytes = magic[..n].to_vec();
        f.read_to_end(&mut bytes)
            .map_err(|e| unreadable(name, &e))?;
        let hash = decode::Scan::bytes(&bytes).1;
        let mut progress = progress;
        progress(bytes.len() as u64);
        let statement = import::open_sheets(name, &bytes, opts)?;
        return Ok(Opened { statement, hash });
    }
    let mut scan = decode::Scan::new();
    scan.feed(&magic[..n]);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(unreadable(name, &e)),
        };
        scan.feed(&buf[..n]);
    }
    let (enc, hash) = scan.finish();
    let enc = enc.map_err(|reason| ImportError::NotText {
        file: name.to_string(),
        reason,
    })?;
    let f = File::open(path).map_err(|e| unreadable(name, &e))?;
    let input = Counted {
        inner: f,
        read: 0,
        progress,
    };
    let statement = import::open(name, input, enc, opts)?;
    Ok(Opened { statement, hash })
}

/// Reads until `buf` is full or the file ends.
fn read_up_to(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A reader that reports how far it has read.
struct Counted<R, F> {
    inner: R,
    read: u64,
    progress: F,
}

impl<R: Read, F: FnMut(u64)> Read for Counted<R, F> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.read += n as u64;
        (self.progress)(self.read);
        Ok(n)
    }
}

/// Rows handed from the reading thread to the writing one at a time.
const BATCH: usize = 4096;

/// Runs `consume` (the store's import) on this thread while another
/// thread reads and parses the statement, a batch ahead: the two halves
/// of an import use both cores. If `consume` stops early, the reader
/// stops too.
pub fn pipelined<T>(st: Statement<'_>, consume: impl FnOnce(Statement<'_>) -> T) -> T {
    let Statement {
        profile,
        account,
        holds,
        sheet,
        mut items,
    } = st;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(8);
    std::thread::scope(|s| {
        s.spawn(move || {
            loop {
                let batch: Vec<Item> = items.by_ref().take(BATCH).collect();
                if batch.is_empty() || tx.send(batch).is_err() {
                    break;
                }
            }
        });
        consume(Statement {
            profile,
            account,
            holds,
            sheet,
            items: Box::new(rx.into_iter().flatten()),
        })
    })
}
