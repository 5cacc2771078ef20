//! Styles, by meaning: views ask for `risk(level)` or `money(sign)`, never a
//! colour. `NO_COLOR` gives a monochrome theme that relies on bold and
//! reverse video; the colours chosen read on dark and light backgrounds.
//!
//! Owns: every colour value of the UI. Must not: know any widget.

use ratatui::style::{Color, Modifier, Style};

use crate::engine::money::Money;
use crate::engine::projection::Risk;

/// The theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    /// No colours at all (`NO_COLOR`).
    pub mono: bool,
}

impl Theme {
    /// From the environment: monochrome when `NO_COLOR` is set and not empty.
    pub fn from_env() -> Theme {
        Theme {
            mono: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }

    /// A risk level.
    pub fn risk(self, r: Risk) -> Style {
        let s = match r {
            Risk::Green => self.fg(Color::Green),
            Risk::Amber => self.fg(Color::Yellow),
            Risk::Red => self.fg(Color::Red),
            Risk::Critical => self.fg(Color::Magenta),
        };
        if r >= Risk::Red {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    /// An amount: negative ones stand out.
    pub fn money(self, m: Money) -> Style {
        if m.is_negative() {
            self.fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        }
    }

    /// Titles and headings.
    pub fn title(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    /// Secondary text.
    pub fn dim(self) -> Style {
        if self.mono {
            Style::default()
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    /// The selected row or tab.
    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// Keys in the help bar.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The baseline series.
    pub fn baseline(self) -> Style {
        self.fg(Color::Blue)
    }

    /// The scenario series.
    pub fn scenario(self) -> Style {
        self.fg(Color::Magenta)
    }

    /// The reserve line.
    pub fn reserve(self) -> Style {
        self.fg(Color::Yellow)
    }
}
