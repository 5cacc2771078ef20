//! The scenario lab: every overlay value as an editable list, baseline and
//! scenario side by side, the solvers' answers.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::engine::projection::Projection;
use crate::tui::app::{App, Mode, Param, param_value};
use crate::tui::view::yuan;

/// Draws the lab.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let l = app.lang;
    let t = &app.theme;
    // Parameters and the comparison on top; the chart takes what is left.
    let top_h = (Param::ALL.len() as u16 + 3).max(area.height.saturating_sub(12).min(20));
    // No room for a readable chart: the lists take the whole height.
    let top_h = if area.height.saturating_sub(top_h) < 6 {
        area.height
    } else {
        top_h
    };
    let [top, chart] =
        Layout::vertical([Constraint::Length(top_h), Constraint::Min(0)]).areas(area);
    let [params, compare] = Layout::horizontal([
        Constraint::Percentage(super::LAB_LIST_PERCENT),
        Constraint::Percentage(100 - super::LAB_LIST_PERCENT),
    ])
    .areas(top);
    if chart.height >= 6 {
        crate::tui::view::dashboard::cash_chart(app, frame, chart);
    }
    let title = match app.scenario_name() {
        Some(n) => format!(" {} — {} ", l.t("Scenario", "情景"), n),
        None => l
            .t(" No scenario: press s ", " 未选择情景：按 s ")
            .to_string(),
    };
    let value_width = crate::tui::view::width(
        Param::ALL
            .iter()
            .map(|p| {
                app.lab
                    .as_ref()
                    .map_or(String::new(), |s| param_value(s, *p))
            })
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    )
    .max(8)
        + 1;
    let rows = Param::ALL.iter().enumerate().map(|(i, p)| {
        let value = match (&app.mode, i == app.selected) {
            (Mode::EditValue(b), true) => format!("{b}▏"),
            _ => app.lab.as_ref().map_or("—".into(), |s| param_value(s, *p)),
        };
        let row = Row::new(vec![
            Cell::from(p.label(l)),
            Cell::from(Line::from(value).right_aligned()),
        ]);
        if i == app.selected {
            row.style(t.selected())
        } else {
            row
        }
    });
    // A fresh state each frame: ratatui scrolls it to show the selection.
    let mut state = ratatui::widgets::TableState::default().with_selected(Some(app.selected));
    frame.render_stateful_widget(
        Table::new(rows, [Constraint::Fill(1), Constraint::Length(value_width)])
            .block(Block::bordered().title(title)),
        params,
        &mut state,
    );

    let base = app.baseline.as_ref();
    let scen = app.scenario.as_ref().filter(|_| app.active.is_some());
    let col =
        |p: Option<&Projection>, f: &dyn Fn(&Projection) -> String| p.map_or("…".to_string(), f);
    let line = |label: &str, f: &dyn Fn(&Projection) -> String| {
        Row::new(vec![
            Cell::from(label.to_string()),
            Cell::from(Line::from(col(base, f)).right_aligned()),
            Cell::from(Line::from(col(scen, f)).right_aligned()),
        ])
    };
    let risk_row = Row::new(vec![
        Cell::from(l.t("risk", "风险")),
        Cell::from(
            Line::from(base.map_or(Span::raw("…"), |p| {
                Span::styled(p.summary.risk.name().to_uppercase(), t.risk(p.summary.risk))
            }))
            .right_aligned(),
        ),
        Cell::from(
            Line::from(scen.map_or(
                Span::raw(if app.active.is_some() { "…" } else { "—" }),
                |p| Span::styled(p.summary.risk.name().to_uppercase(), t.risk(p.summary.risk)),
            ))
            .right_aligned(),
        ),
    ]);
    let rows = vec![
        risk_row,
        line(l.t("lowest cash", "最低现金"), &|p| {
            yuan(p.summary.min_cash)
        }),
        line(l.t("on", "日期"), &|p| {
            p.summary.min_cash_date.to_string()
        }),
        line(l.t("cash below zero", "现金跌破零"), &|p| {
            p.summary
                .first_shortfall_date
                .map_or("—".into(), |d| d.to_string())
        }),
        line(l.t("overdue bills", "逾期账单"), &|p| {
            p.summary.overdue_bills.to_string()
        }),
        line(l.t("locks on", "冻结日期"), &|p| {
            p.summary
                .locks
                .first()
                .map_or("—".into(), |k| k.date.to_string())
        }),
        line(l.t("penalty", "罚息"), &|p| yuan(p.summary.penalty_total)),
        line(l.t("fees", "费用"), &|p| yuan(p.summary.fee_total)),
        line(l.t("interest", "利息"), &|p| {
            yuan(p.summary.interest_total)
        }),
    ];
    let [table, solver] = Layout::vertical([
        Constraint::Length(12.min(compare.height.saturating_sub(4))),
        Constraint::Min(0),
    ])
    .areas(compare);
    let header = Row::new(vec![
        "",
        l.t("baseline", "基线"),
        app.scenario_name().unwrap_or("—"),
    ])
    .style(t.title());
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Fill(1),
                Constraint::Length(12),
                Constraint::Length(12),
            ],
        )
        .header(header)
        .block(Block::bordered().title(l.t(" Baseline vs scenario ", " 基线与情景对比 "))),
        table,
    );
    let mut text = match &app.solved {
        Some((bridge, prestock)) => vec![
            Line::from(format!(
                "{} {}",
                l.t("Required bridge (tomorrow):", "所需过桥资金（明天）："),
                bridge.map_or(l.t("none fixes it", "无法化解").to_string(), yuan)
            )),
            Line::from(format!(
                "{} {}",
                l.t("Largest safe prestock:", "最大安全备货："),
                prestock.map_or(
                    l.t("— (no prestock, or unbounded)", "—（无备货或无上限）")
                        .to_string(),
                    yuan
                )
            )),
        ],
        None => vec![Line::from(Span::styled(
            l.t(
                "b: the bridge and the safe prestock · m: Monte Carlo",
                "b：过桥资金与安全备货 · m：蒙特卡洛",
            ),
            t.dim(),
        ))],
    };
    if let Some(mc) = &app.monte_carlo {
        match &mc.result {
            None => {
                let w = 20usize;
                let filled = (mc.done as usize * w / mc.total.max(1) as usize).min(w);
                text.push(Line::from(format!(
                    "Monte Carlo ▕{}{}▏ {}/{}  (m {})",
                    "█".repeat(filled),
                    "░".repeat(w - filled),
                    mc.done,
                    mc.total,
                    l.t("cancels", "取消")
                )));
            }
            Some(Ok(r)) => {
                let pct = |d: rust_decimal::Decimal| {
                    format!(
                        "{}%",
                        (d * rust_decimal::Decimal::ONE_HUNDRED)
                            .round_dp(1)
                            .normalize()
                    )
                };
                text.push(Line::from(vec![
                    Span::raw(format!(
                        "{} {} {}: ",
                        l.t("Monte Carlo,", "蒙特卡洛"),
                        r.runs,
                        l.t("runs", "次")
                    )),
                    Span::styled(
                        format!(
                            "P({}) {}  P({}) {}",
                            l.t("overdue", "逾期"),
                            pct(r.p_overdue),
                            l.t("lock", "冻结"),
                            pct(r.p_lock)
                        ),
                        t.title(),
                    ),
                ]));
                text.push(Line::from(format!(
                    "{} p5 {} · p50 {} · p95 {}",
                    l.t("lowest cash", "最低现金"),
                    yuan(r.min_cash_p5),
                    yuan(r.min_cash_p50),
                    yuan(r.min_cash_p95)
                )));
                text.push(Line::from(Span::styled(
                    l.t(
                        "(uplift ×0.5–1.2, payouts 0–10 days later, returns ×0.8–1.5)",
                        "（销量×0.5–1.2，回款晚 0–10 天，退货×0.8–1.5）",
                    ),
                    t.dim(),
                )));
            }
            Some(Err(e)) => text.push(Line::from(e.clone())),
        }
    }
    frame.render_widget(
        Paragraph::new(text)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(Block::bordered().title(l.t(" Solvers ", " 求解 "))),
        solver,
    );
}
