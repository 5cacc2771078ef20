//! Encoding detection: a BOM means UTF-8 (or UTF-16, which is refused with
//! a clear message); else strict UTF-8; else GB18030 (a superset of GBK).
//!
//! Owns: bytes → `String`. Must not: guess per source.

/// Decodes statement bytes to text.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).map_err(|e| {
            format!(
                "starts with a UTF-8 mark but byte {} is not UTF-8; re-save the file as UTF-8",
                e.utf8_error().valid_up_to() + 3
            )
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("is UTF-16 text; re-save it as UTF-8 or GBK CSV (in Excel: CSV UTF-8)".into());
    }
    let sample = &bytes[..bytes.len().min(4096)];
    if sample.iter().filter(|&&b| b == 0).count() > 0 {
        return Err(
            "is not a text file (it contains NUL bytes); export the statement as CSV".into(),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                Err("is neither UTF-8 nor GBK/GB18030 text; export the statement as CSV".into())
            } else {
                Ok(text.into_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
