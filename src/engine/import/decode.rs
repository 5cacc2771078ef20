//! Encoding detection and streaming decoding.
//!
//! One pass over the bytes (`Scan`) decides the encoding and fingerprints
//! the file: a BOM means UTF-8 (UTF-16 is refused with a clear message);
//! else valid UTF-8 all through means UTF-8; else GB18030 (a superset of
//! GBK). A second pass (`reader`) decodes to UTF-8 a buffer at a time, so a
//! file of any size is never held whole; bytes that are not text in the
//! chosen encoding stop it with the line they are on.
//!
//! Owns: bytes → UTF-8. Must not: guess per source.

use std::io::{self, Read};

use sha2::{Digest, Sha256};

/// The text encoding of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a BOM.
    Utf8,
    /// GB18030 (GBK, GB2312).
    Gb18030,
}

impl Encoding {
    fn coding(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Gb18030 => encoding_rs::GB18030,
        }
    }

    /// Name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gb18030 => "GBK/GB18030",
        }
    }
}

/// The first pass over a file's bytes: its encoding and SHA-256, fed a
/// chunk at a time.
#[derive(Default)]
pub struct Scan {
    head: Vec<u8>,
    pending: Vec<u8>,
    seen: u64,
    bad_utf8_at: Option<u64>,
    hash: Sha256,
}

const HEAD: usize = 4096;

impl Scan {
    /// A new scan.
    pub fn new() -> Scan {
        Scan::default()
    }

    /// Feeds the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.hash.update(chunk);
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if self.bad_utf8_at.is_none() {
            // Validate incrementally: a character may straddle two chunks.
            self.pending.extend_from_slice(chunk);
            match std::str::from_utf8(&self.pending) {
                Ok(_) => {
                    self.seen += self.pending.len() as u64;
                    self.pending.clear();
                }
                Err(e) if e.error_len().is_none() => {
                    let ok = e.valid_up_to();
                    self.seen += ok as u64;
                    self.pending.drain(..ok);
                }
                Err(e) => {
                    self.bad_utf8_at = Some(self.seen + e.valid_up_to() as u64);
                    self.pending = Vec::new();
                }
            }
        }
    }

    /// The encoding (or why the bytes are not a text statement) and the
    /// SHA-256 of everything fed, in hex.
    pub fn finish(self) -> (Result<Encoding, String>, String) {
        let hash: String = self
            .hash
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let bad = self.bad_utf8_at.or_else(|| {
            // A character cut off by the end of the file.
            (!self.pending.is_empty()).then_some(self.seen)
        });
        (verdict(&self.head, bad), hash)
    }

    /// Scans a whole slice.
    pub fn bytes(bytes: &[u8]) -> (Result<Encoding, String>, String) {
        let mut s = Scan::new();
        s.feed(bytes);
        s.finish()
    }
}

fn verdict(head: &[u8], bad_utf8_at: Option<u64>) -> Result<Encoding, String> {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return match bad_utf8_at {
            None => Ok(Encoding::Utf8),
            Some(at) => Err(format!(
                "starts with a UTF-8 mark but byte {at} is not UTF-8; re-save the file as UTF-8"
            )),
        };
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err("is UTF-16 text; re-save it as UTF-8 or GBK CSV (in Excel: CSV UTF-8)".into());
    }
    if head.contains(&0) {
        return Err(
            "is not a text file (it contains NUL bytes); export the statement as CSV".into(),
        );
    }
    Ok(match bad_utf8_at {
        None => Encoding::Utf8,
        Some(_) => Encoding::Gb18030,
    })
}

/// A reader that yields the text of `inner` as UTF-8, BOM removed. Bytes
/// that are not `enc` give an error naming their line.
pub fn reader<R: Read>(enc: Encoding, inner: R) -> Decoder<R> {
    Decoder {
        inner,
        enc,
        decoder: enc.coding().new_decoder_with_bom_removal(),
        buf: vec![0; 64 * 1024].into_boxed_slice(),
        start: 0,
        end: 0,
        eof: false,
        flushed: false,
        lines: 0,
        carry: Vec::new(),
    }
}

/// See [`reader`].
pub struct Decoder<R> {
    inner: R,
    enc: Encoding,
    decoder: encoding_rs::Decoder,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    flushed: bool,
    lines: u64,
    carry: Vec<u8>,
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        use encoding_rs::DecoderResult;
        if !self.carry.is_empty() || out.len() < 4 {
            // The decoder needs room for a whole character: decode into a
            // small buffer and hand it out a byte at a time.
            if self.carry.is_empty() {
                let mut small = [0u8; 4];
                let n = self.read(&mut small)?;
                self.carry.extend_from_slice(&small[..n]);
            }
            let n = self.carry.len().min(out.len());
            out[..n].copy_from_slice(&self.carry[..n]);
            self.carry.drain(..n);
            return Ok(n);
        }
        loop {
            if self.flushed {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.buf) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                self.start = 0;
                self.end = n;
                self.eof = n == 0;
            }
            let (res, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.buf[self.start..self.end],
                out,
                self.eof,
            );
            self.start += read;
            self.lines += out[..written].iter().filter(|&&b| b == b'\n').count() as u64;
            match res {
                DecoderResult::Malformed(..) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "line {} is not {} text (does the file mix encodings?); re-save the whole file as UTF-8",
                            self.lines + 1,
                            self.enc.name()
                        ),
                    ));
                }
                DecoderResult::OutputFull => return Ok(written),
                DecoderResult::InputEmpty => {
                    if self.eof {
                        self.flushed = true;
                    }
                    if written > 0 {
                        return Ok(written);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a whole slice.
    fn decode(bytes: &[u8]) -> Result<String, String> {
        let enc = Scan::bytes(bytes).0?;
        let mut text = String::new();
        reader(enc, bytes)
            .read_to_string(&mut text)
            .map_err(|e| e.to_string())?;
        Ok(text)
    }

    #[test]
    fn detects_bom_utf8_gbk_and_refuses_utf16() {
        assert_eq!(decode("日期".as_bytes()).unwrap(), "日期");
        assert_eq!(decode(&[0xEF, 0xBB, 0xBF, b'a']).unwrap(), "a");
        let (gbk, _, _) = encoding_rs::GBK.encode("交易时间");
        assert_eq!(decode(&gbk).unwrap(), "交易时间");
        assert!(
            decode(&[0xFF, 0xFE, b'a', 0])
                .unwrap_err()
                .contains("UTF-16")
        );
        assert!(decode(&[b'a', 0, b'b']).unwrap_err().contains("NUL"));
    }

    #[test]
    fn scans_in_chunks_that_split_characters() {
        let text = "日期,金额\n2026-01-02,1.00\n".repeat(50);
        for size in [1, 2, 3, 5, 7, 4096] {
            let mut s = Scan::new();
            for c in text.as_bytes().chunks(size) {
                s.feed(c);
            }
            let (enc, hash) = s.finish();
            assert_eq!(enc, Ok(Encoding::Utf8), "chunk {size}");
            assert_eq!(hash, Scan::bytes(text.as_bytes()).1);
        }
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let mut s = Scan::new();
        for c in gbk.chunks(3) {
            s.feed(c);
        }
        assert_eq!(s.finish().0, Ok(Encoding::Gb18030));
    }

    #[test]
    fn a_bad_byte_names_its_line() {
        // GBK text with a byte that is not GBK on line 3.
        let mut bytes = encoding_rs::GBK.encode("日期\n一\n").0.into_owned();
        bytes.extend_from_slice(b"x\xff\xff\n");
        let err = decode(&bytes).unwrap_err();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn decodes_through_tiny_output_buffers() {
        let (gbk, _, _) = encoding_rs::GBK.encode("交易时间,金额\n");
        let mut r = reader(Encoding::Gb18030, &gbk[..]);
        let mut out = Vec::new();
        let mut one = [0u8; 1];
        while r.read(&mut one).unwrap() == 1 {
            out.push(one[0]);
        }
        assert_eq!(String::from_utf8(out).unwrap(), "交易时间,金额\n");
    }
}
