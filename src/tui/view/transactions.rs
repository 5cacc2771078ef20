//! Transactions: newest first, filtered with `/`, scrolled with the keys
//! or the mouse wheel.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Row, Table};

use crate::tui::app::App;
use crate::tui::view::yuan;

/// Draws the transactions screen.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let l = app.lang;
    let t = &app.theme;
    let len = app.ledger_len();
    let visible = area.height.saturating_sub(3) as usize;
    let start = app.selected.saturating_sub(visible.saturating_sub(1));
    let shown: Vec<(usize, &crate::engine::book::Transaction)> = (start..len.min(start + visible))
        .filter_map(|i| app.ledger_row(i).map(|t| (i, t)))
        .collect();
    let rows = shown.iter().map(|&(i, tx)| {
        let row = Row::new(vec![
            Cell::from(tx.date.to_string()),
            Cell::from(tx.account.clone()),
            Cell::from(Line::from(yuan(tx.amount)).right_aligned()).style(t.money(tx.amount)),
            Cell::from(tx.category.clone()),
            Cell::from(tx.description.clone()),
            Cell::from(tx.counterparty.clone()),
        ]);
        if i == app.selected {
            row.style(t.selected())
        } else {
            row
        }
    });
    let title = if app.filter.is_empty() {
        format!(" {} ({}) ", l.t("Transactions", "交易"), len)
    } else {
        format!(
            " {} ({}) — /{} ",
            l.t("Transactions", "交易"),
            len,
            app.filter
        )
    };
    let aw = crate::tui::view::width(shown.iter().map(|(_, t)| t.account.as_str())).max(7);
    let amounts: Vec<String> = shown.iter().map(|(_, t)| yuan(t.amount)).collect();
    let mw = crate::tui::view::width(amounts.iter().map(String::as_str)).max(6);
    let widths = [
        Constraint::Length(10),
        Constraint::Length(aw),
        Constraint::Length(mw),
        Constraint::Length(8),
        Constraint::Fill(2),
        Constraint::Fill(1),
    ];
    let header = Row::new(vec![
        l.t("date", "日期"),
        l.t("account", "账户"),
        l.t("amount", "金额"),
        l.t("category", "分类"),
        l.t("description", "说明"),
        l.t("counterparty", "对方"),
    ])
    .style(t.title());
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(Block::bordered().title(title)),
        area,
    );
}
