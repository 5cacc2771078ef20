//! Credit accounts: limit, owed, available, locked; the selected account's
//! policy values with where each came from; its bills and installments.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Row, Table};

use crate::engine::projection::EventKind;
use crate::tui::app::App;
use crate::tui::view::yuan;

/// Draws the credit screen.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let l = app.lang;
    let t = &app.theme;
    let Some(view) = &app.view else { return };
    let run = app.current();
    let first_day = run.and_then(|p| p.days.first());
    let [top, bottom] = Layout::vertical([
        Constraint::Length((view.credit.len() as u16 + 3).max(4)),
        Constraint::Min(0),
    ])
    .areas(area);
    let rows = view.credit.iter().enumerate().map(|(i, c)| {
        let day = first_day.and_then(|d| d.credit.get(&c.name));
        let locked = day.is_some_and(|d| d.locked);
        let row = Row::new(vec![
            Cell::from(c.name.clone()),
            Cell::from(c.preset.clone()),
            Cell::from(Line::from(yuan(c.limit)).right_aligned()),
            Cell::from(Line::from(day.map_or("—".into(), |d| yuan(d.owed))).right_aligned()),
            Cell::from(Line::from(day.map_or("—".into(), |d| yuan(d.available))).right_aligned()),
            Cell::from(if locked {
                l.t("LOCKED", "已冻结")
            } else {
                l.t("open", "正常")
            }),
        ]);
        if i == app.selected {
            row.style(t.selected())
        } else {
            row
        }
    });
    let nw = crate::tui::view::width(view.credit.iter().map(|c| c.name.as_str())).max(7);
    let widths = [
        Constraint::Length(nw),
        Constraint::Fill(1),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(6),
    ];
    let header = Row::new(vec![
        l.t("account", "账户"),
        l.t("preset", "预设"),
        l.t("limit", "额度"),
        l.t("owed", "欠款"),
        l.t("available", "可用"),
        l.t("state", "状态"),
    ])
    .style(t.title());
    frame.render_widget(
        Table::new(rows, widths).header(header).block(
            Block::bordered()
                .title(l.t(" Credit accounts (tomorrow morning) ", " 信用账户（明日） ")),
        ),
        top,
    );

    let Some(sel) = view.credit.get(app.selected) else {
        return;
    };
    let [policy, bills] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    let prow = match &sel.policy {
        Ok(lines) => lines
            .iter()
            .map(|p| {
                Row::new(vec![
                    Cell::from(p.name),
                    Cell::from(p.value.clone()),
                    Cell::from(p.source).style(if p.source == "preset" {
                        t.dim()
                    } else {
                        t.title()
                    }),
                ])
            })
            .collect::<Vec<_>>(),
        Err(e) => vec![Row::new(vec![Cell::from(e.clone())])],
    };
    frame.render_widget(
        Table::new(
            prow,
            [
                Constraint::Length(21),
                Constraint::Fill(1),
                Constraint::Length(8),
            ],
        )
        .block(Block::bordered().title(format!(
            " {} — {} ",
            sel.name,
            l.t("policy", "条款")
        ))),
        policy,
    );
    let mut brows: Vec<Row> = view
        .book
        .bills
        .iter()
        .filter(|b| b.account == sel.name)
        .map(|b| {
            let what = b
                .installment
                .map_or(l.t("bill", "账单").to_string(), |(n, tot)| {
                    format!("{} {n}/{tot}", l.t("installment", "分期"))
                });
            Row::new(vec![
                Cell::from(b.due_date.to_string()),
                Cell::from(what),
                Cell::from(Line::from(yuan(b.amount_due - b.paid)).right_aligned()),
            ])
        })
        .collect();
    if let Some(p) = run {
        for e in p.events.iter().filter(|e| {
            e.account.as_deref() == Some(&sel.name)
                && matches!(e.kind, EventKind::Statement | EventKind::InstallmentDue)
        }) {
            let what = match e.kind {
                EventKind::Statement => format!(
                    "{} → {}",
                    l.t("statement", "出账"),
                    e.reference.clone().unwrap_or_default()
                ),
                _ => e.reference.clone().unwrap_or_default(),
            };
            brows.push(Row::new(vec![
                Cell::from(e.date.to_string()),
                Cell::from(what).style(t.dim()),
                Cell::from(Line::from(yuan(e.amount)).right_aligned()),
            ]));
        }
    }
    frame.render_widget(
        Table::new(
            brows,
            [
                Constraint::Length(10),
                Constraint::Fill(1),
                Constraint::Length(12),
            ],
        )
        .block(Block::bordered().title(l.t(" Bills and installments ", " 账单与分期 "))),
        bills,
    );
}
