//! Importing: files waiting in `inbox/` beside the book (or a typed path),
//! a preview of what the import would do — profile, account, counts, the
//! first rows, every bad row — then confirm; the import log with undo.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use crate::tui::app::App;
use crate::tui::view::{width, yuan};

/// Draws the import screen.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let l = app.lang;
    let t = &app.theme;
    let Some(view) = &app.view else { return };
    let [left, right] = Layout::horizontal([
        Constraint::Percentage(super::INBOX_LIST_PERCENT),
        Constraint::Percentage(100 - super::INBOX_LIST_PERCENT),
    ])
    .areas(area);
    let [inbox, log] = Layout::vertical([Constraint::Min(5), Constraint::Length(9)]).areas(left);

    let inbox_lines: Vec<Line> = if view.inbox.is_empty() {
        vec![
            Line::from(l.t("No statements waiting.", "没有待导入的账单。")),
            Line::default(),
            Line::from(Span::styled(
                l.t("Put CSV or Excel exports in the inbox/ folder next to your book, or press p and type a file's path.", "把 CSV 或 Excel 账单放进账簿旁的 inbox/ 文件夹，或按 p 输入文件路径。"),
                t.dim(),
            )),
        ]
    } else {
        view.inbox
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let s = if i == app.selected {
                    t.selected()
                } else {
                    ratatui::style::Style::default()
                };
                Line::from(Span::styled(name, s))
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(inbox_lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(l.t(" Inbox ", " 待导入 "))),
        inbox,
    );

    let rows = view.imports.iter().take(7).map(|g| {
        let file = std::path::Path::new(&g.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| g.file.clone());
        Row::new(vec![
            Cell::from(g.id.to_string()),
            Cell::from(file),
            Cell::from(Line::from(format!("+{}", g.added)).right_aligned()),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(4),
                Constraint::Fill(1),
                Constraint::Length(7),
            ],
        )
        .block(Block::bordered().title(l.t(
            " Imported (u undoes the newest) ",
            " 导入记录（u 撤销最近一次） ",
        ))),
        log,
    );

    let Some(p) = &app.preview else {
        let hint = l.t(
            "Select a file and press Enter to preview it: nothing is written until you press y.",
            "选择文件后按回车预览：按 y 之前不会写入任何数据。",
        );
        frame.render_widget(
            Paragraph::new(hint)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(l.t(" Preview ", " 预览 "))),
            right,
        );
        return;
    };
    let title = format!(
        " {} ",
        p.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    // A spreadsheet's title names the sheet read.
    let title = match p.report.as_ref().ok().and_then(|r| r.sheet.as_ref()) {
        Some(s) => format!("{title}· {} {s} ", l.t("sheet", "工作表")),
        None => title,
    };
    let r = match &p.report {
        Err(e) => {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    e.clone(),
                    t.risk(crate::engine::projection::Risk::Red),
                ))
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(title)),
                right,
            );
            return;
        }
        Ok(r) => r,
    };
    let errors_h = if p.errors.is_empty() {
        0
    } else {
        (p.errors.len() as u16 + 2).min(8)
    };
    let pairs_h = if r.matches.is_empty() {
        0
    } else {
        (r.matches.len() as u16 + 2).min(8)
    };
    let [head, sample, pairs, errors] = Layout::vertical([
        Constraint::Length(if r.held > 0 || !r.matches.is_empty() {
            6
        } else {
            5
        }),
        Constraint::Min(4),
        Constraint::Length(pairs_h),
        Constraint::Length(errors_h),
    ])
    .areas(right);
    let near = r.matches.iter().filter(|m| m.state == "near").count();
    let mut summary = vec![
        Line::from(format!(
            "{} {}  →  {} {}",
            l.t("profile", "格式"),
            r.profile,
            l.t("account", "账户"),
            r.account
        )),
        Line::from(vec![
            Span::styled(format!("{} {}", r.added, l.t("new", "笔新增")), t.title()),
            Span::raw(format!(
                " · {} {} · {} {} · {} {}",
                r.duplicates,
                l.t("already in the book", "笔已存在"),
                r.skipped,
                l.t("left out", "笔略过"),
                p.errors.len(),
                l.t("bad", "笔错误")
            )),
        ]),
    ];
    if r.held > 0 || !r.matches.is_empty() {
        summary.push(Line::from(format!(
            "{} {} · {} {} · {} {}",
            r.held,
            l.t("paid by card", "笔银行卡支付"),
            r.matches.len() - near,
            l.t("also in a statement", "笔已在账单中"),
            near,
            l.t("to confirm", "笔待确认")
        )));
    }
    summary.push(Line::from(Span::styled(
        if p.errors.is_empty() {
            l.t(
                "y imports it · Esc closes the preview",
                "按 y 导入 · Esc 关闭预览",
            )
        } else {
            l.t(
                "Y imports the good rows · fix the file to import all",
                "按 Y 导入正确的行；修正文件后可全部导入",
            )
        },
        t.key(),
    )));
    frame.render_widget(
        Paragraph::new(summary).block(Block::bordered().title(title)),
        head,
    );
    let amounts: Vec<String> = p.sample.iter().map(|s| yuan(s.2)).collect();
    let aw = width(amounts.iter().map(String::as_str)).max(6);
    let accw = width(p.sample.iter().map(|s| s.1.as_str())).max(7);
    let rows = p.sample.iter().zip(&amounts).map(|(s, a)| {
        Row::new(vec![
            Cell::from(s.0.to_string()),
            Cell::from(s.1.clone()),
            Cell::from(Line::from(a.clone()).right_aligned()).style(t.money(s.2)),
            Cell::from(s.3.clone()),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(10),
                Constraint::Length(accw),
                Constraint::Length(aw),
                Constraint::Fill(1),
            ],
        )
        .block(Block::bordered().title(l.t(" First rows ", " 前几行 "))),
        sample,
    );
    if pairs_h > 0 {
        let lines: Vec<Line> = r
            .matches
            .iter()
            .map(|m| {
                let other = m
                    .statement
                    .as_ref()
                    .map_or_else(String::new, |s| format!("{} {}", s.account, s.description));
                // What was bought, in at most 20 columns.
                let mut what = String::new();
                for c in m.description.chars() {
                    if width([what.as_str()]) + width([c.encode_utf8(&mut [0; 4]) as &str]) > 20 {
                        break;
                    }
                    what.push(c);
                }
                let pad = 20usize.saturating_sub(usize::from(width([what.as_str()])));
                let (mark, style) = if m.state == "near" {
                    ("?", t.key())
                } else {
                    ("=", ratatui::style::Style::default())
                };
                Line::from(vec![
                    Span::raw(format!(
                        "{} {:>10} {what}{} ",
                        m.date,
                        yuan(m.amount),
                        " ".repeat(pad)
                    )),
                    Span::styled(format!("{mark} "), style),
                    Span::raw(other),
                ])
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(l.t(
                " Also in a statement (= counted once, ? to confirm) ",
                " 账单中的同一笔（= 只计一次，? 待确认） ",
            ))),
            pairs,
        );
    }
    if errors_h > 0 {
        let lines: Vec<Line> = p
            .errors
            .iter()
            .map(|e| {
                Line::from(Span::styled(
                    e.clone(),
                    t.risk(crate::engine::projection::Risk::Red),
                ))
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(l.t(" Bad rows ", " 错误行 "))),
            errors,
        );
    }
}
