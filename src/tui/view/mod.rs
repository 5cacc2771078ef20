//! Rendering: a pure function of `&App`. Each screen is a short-lived
//! widget borrowing what it shows.
//!
//! Owns: layout, the header, the help bar and the `?` overlay. Must not:
//! change state or pick colours (the theme does).

mod credit;
pub(crate) mod dashboard;
mod import;
mod lab;
mod transactions;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::engine::money::Money;
use crate::tui::app::{App, Mode, Screen};
use crate::tui::keymap;

/// Column where the tabs start (mouse clicks on tabs use it).
pub const TABS_X: u16 = 5;
/// Share of the width (percent) of the lab's value list (mouse clicks use it).
pub const LAB_LIST_PERCENT: u16 = 50;
/// Share of the width (percent) of the import screen's inbox list.
pub const INBOX_LIST_PERCENT: u16 = 40;

/// Draws the whole app.
pub fn render(app: &App, frame: &mut Frame) {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    render_header(app, frame, header);
    match &app.view {
        None => {
            let msg = app
                .status
                .clone()
                .unwrap_or_else(|| app.lang.t("Loading the book…", "正在载入账簿…").to_string());
            frame.render_widget(
                Paragraph::new(msg)
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered()),
                body,
            );
        }
        Some(v) if v.book.accounts.is_empty() => first_run(app, frame, body),
        Some(_) => match app.screen {
            Screen::Dashboard => dashboard::render(app, frame, body),
            Screen::Lab => lab::render(app, frame, body),
            Screen::Credit => credit::render(app, frame, body),
            Screen::Transactions => transactions::render(app, frame, body),
            Screen::Import => import::render(app, frame, body),
        },
    }
    render_footer(app, frame, footer);
    if app.mode == Mode::Help {
        help(app, frame);
    }
}

fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut spans = vec![Span::styled("ebb  ", t.title())];
    for s in Screen::ALL {
        let style = if s == app.screen {
            t.selected()
        } else {
            t.dim()
        };
        spans.push(Span::styled(
            format!(" {} ", s.tab_title(app.lang, area.width)),
            style,
        ));
        spans.push(Span::raw(" "));
    }
    let scenario = app
        .scenario_name()
        .unwrap_or(app.lang.t("baseline", "基线"));
    let edited = if app.lab_edited() { "*" } else { "" };
    spans.push(Span::styled(format!(" {}{edited} ", scenario), t.title()));
    if let Some(p) = app.current() {
        spans.push(Span::styled(
            format!("● {} ", p.summary.risk.name().to_uppercase()),
            t.risk(p.summary.risk),
        ));
    }
    if app.busy {
        spans.push(Span::styled("…", t.dim()));
    }
    frame.render_widget(Line::from(spans), area);
}

fn render_footer(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let l = app.lang;
    // An input prompt: label, what was typed, then the status (an error to
    // fix) or the hint.
    let prompt = |label: &'static str, typed: &str, hint: &'static str| {
        let tail = app.status.clone().unwrap_or_else(|| hint.to_string());
        Line::from(vec![
            Span::styled(label, t.key()),
            Span::raw(format!("{typed}▏")),
            Span::styled(format!("  {tail}"), t.dim()),
        ])
    };
    let line = match (&app.mode, &app.status) {
        (Mode::EditValue(b), _) => prompt(
            l.t("value: ", "数值："),
            b,
            l.t("Enter to apply, Esc to cancel", "回车确认，Esc 取消"),
        ),
        (Mode::EditCategory(b, all), _) => prompt(
            if *all {
                l.t("category for every row like this: ", "同一对方全部设为：")
            } else {
                l.t("category: ", "分类：")
            },
            b,
            l.t(
                "e.g. sales, rent, payroll, transfer · Enter to save, Esc to cancel",
                "例如 sales、rent、payroll、transfer · 回车保存，Esc 取消",
            ),
        ),
        (Mode::EditPath(b), _) => prompt(
            l.t("file: ", "文件："),
            b,
            l.t("Enter to preview, Esc to cancel", "回车预览，Esc 取消"),
        ),
        (Mode::EditName(b), _) => prompt(
            l.t("save as: ", "另存为："),
            b,
            l.t("Enter to save, Esc to cancel", "回车保存，Esc 取消"),
        ),
        (Mode::EditFilter(b), _) => Line::from(vec![
            Span::styled("/", t.key()),
            Span::raw(format!("{b}▏")),
            Span::styled(
                app.lang
                    .t("  Enter to keep, Esc to clear", "  回车保留，Esc 清除"),
                t.dim(),
            ),
        ]),
        (_, Some(s)) => Line::from(Span::styled(
            s.clone(),
            t.risk(crate::engine::projection::Risk::Amber),
        )),
        _ => {
            let mut spans = Vec::new();
            for b in keymap::screen(app.screen)
                .into_iter()
                .chain(keymap::global())
                .filter(|b| b.bar)
            {
                spans.push(Span::styled(b.shown, t.key()));
                spans.push(Span::raw(format!(" {}  ", b.label(app.lang))));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(line, area);
}

fn help(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let w = area.width.min(64);
    let mut lines = vec![
        Line::from(Span::styled(app.lang.t("Keys", "按键"), app.theme.title())),
        Line::default(),
    ];
    let mut seen = std::collections::HashSet::new();
    for b in keymap::screen(app.screen)
        .into_iter()
        .chain(keymap::global())
    {
        if seen.insert(b.shown) {
            lines.push(Line::from(vec![
                Span::styled(format!("{:>7}  ", b.shown), app.theme.key()),
                Span::raw(b.label(app.lang)),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        app.lang.t("Esc or ? closes this help", "Esc 或 ? 关闭帮助"),
        app.theme.dim(),
    )));
    let h = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(app.lang.t(" Help ", " 帮助 "))),
        rect,
    );
}

fn first_run(app: &App, frame: &mut Frame, area: Rect) {
    let l = app.lang;
    let text = vec![
        Line::from(Span::styled(
            l.t("Your book is empty", "账簿还是空的"),
            app.theme.title(),
        )),
        Line::default(),
        Line::from(l.t(
            "1. Declare your accounts, credit lines and regular payments:",
            "1. 声明账户、授信和周期性收支：",
        )),
        Line::from("     ebb apply book.toml"),
        Line::from(l.t(
            "2. Import your bank, Alipay, WeChat, JD and credit statements (CSV):",
            "2. 导入银行、支付宝、微信、京东和信用卡账单（CSV）：",
        )),
        Line::from("     ebb import ~/Downloads/*.csv"),
        Line::from(l.t(
            "3. Open ebb again and see whether the bills can be paid.",
            "3. 再次打开 ebb，查看账单能否按时还上。",
        )),
        Line::default(),
        Line::from(l.t(
            "Try the sample business first:  ebb demo",
            "先看看示例企业：  ebb demo",
        )),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .block(Block::bordered())
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// Money as `¥86,400.00`.
pub fn yuan(m: Money) -> String {
    if m.is_negative() {
        format!("-¥{}", m.abs().grouped())
    } else {
        format!("¥{}", m.grouped())
    }
}

/// Display width of the widest text, for a column that must never be cut
/// (amounts, dates): text columns use `Fill` and give way first.
pub fn width<'a>(texts: impl IntoIterator<Item = &'a str>) -> u16 {
    texts
        .into_iter()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0) as u16
}
