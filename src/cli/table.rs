//! Plain-text tables for the terminal, aligned by display width so CJK
//! text lines up.
//!
//! Owns: column layout. Must not: format money (callers pass strings).

use std::io::Write;

use unicode_width::UnicodeWidthStr;

/// A table of strings.
pub struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
    right: Vec<usize>,
}

impl Table {
    /// A table with these column headings.
    pub fn new(head: &[&str]) -> Table {
        Table {
            head: head.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            right: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, r: Vec<String>) {
        self.rows.push(r);
    }

    /// Right-aligns these columns.
    pub fn right(&mut self, cols: &[usize]) -> &mut Self {
        self.right = cols.to_vec();
        self
    }

    /// Writes the table.
    pub fn print(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let n = self.head.len();
        let mut w = vec![0usize; n];
        for r in std::iter::once(&self.head).chain(&self.rows) {
            for (i, c) in r.iter().enumerate().take(n) {
                w[i] = w[i].max(c.width().min(48));
            }
        }
        for r in std::iter::once(&self.head).chain(&self.rows) {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate().take(n) {
                let text = truncate(c, 48);
                let pad = w[i].saturating_sub(text.width());
                if i > 0 {
                    line.push_str("  ");
                }
                if self.right.contains(&i) {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(&text);
                } else {
                    line.push_str(&text);
                    if i + 1 < n {
                        line.push_str(&" ".repeat(pad));
                    }
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for ch in s.chars() {
        if out.width() + 2 > max {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}
