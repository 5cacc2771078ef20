//! The dashboard: key figures, the cash chart (baseline and scenario, with
//! the reserve line and bill and lock dates), upcoming bills with their
//! risk, and plain-language alerts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Cell, Chart, Dataset, GraphType, Paragraph, Row, Table, Wrap};

use crate::engine::money::Money;
use crate::engine::projection::{EventKind, Projection, Risk};
use crate::tui::app::App;
use crate::tui::view::{width, yuan};

/// Draws the dashboard.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(run) = app.current() else { return };
    let [figures, chart, bottom] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Min(8),
        Constraint::Length(area.height.saturating_sub(12).clamp(6, 12)),
    ])
    .areas(area);
    key_figures(app, run, frame, figures);
    cash_chart(app, frame, chart);
    let [bills, alerts] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    upcoming_bills(app, run, frame, bills);
    alert_list(app, run, frame, alerts);
}

fn figure<'a>(title: &'a str, value: String, note: String, style: Style) -> Paragraph<'a> {
    Paragraph::new(vec![
        Line::from(Span::styled(value, style)),
        Line::from(Span::raw(note)),
    ])
    .block(Block::bordered().title(title))
}

fn key_figures(app: &App, run: &Projection, frame: &mut Frame, area: Rect) {
    let l = app.lang;
    let t = &app.theme;
    let s = &run.summary;
    let cols = Layout::horizontal([Constraint::Ratio(1, 5); 5]).split(area);
    frame.render_widget(
        figure(
            l.t("Cash today", "今日现金"),
            yuan(run.start_cash),
            format!("{}", run.as_of),
            t.money(run.start_cash),
        ),
        cols[0],
    );
    frame.render_widget(
        figure(
            l.t("Lowest cash", "最低现金"),
            yuan(s.min_cash),
            s.min_cash_date.to_string(),
            t.money(s.min_cash),
        ),
        cols[1],
    );
    let (runway, note) = match s.runway_days {
        Some(d) => (
            format!("{d} {}", l.t("days", "天")),
            s.first_shortfall_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        None => (
            l.t("no shortfall", "不会断流").to_string(),
            format!("{} {}", run.horizon, l.t("days ahead", "天内")),
        ),
    };
    frame.render_widget(
        figure(l.t("Runway", "现金跑道"), runway, note, t.money(s.min_cash)),
        cols[2],
    );
    let next = run
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::BillDue | EventKind::InstallmentDue));
    let (v, n) = match next {
        Some(e) => (
            yuan(e.amount),
            format!(
                "{} {}",
                e.account.as_deref().unwrap_or(""),
                e.date.format("%m-%d")
            ),
        ),
        None => ("—".into(), String::new()),
    };
    frame.render_widget(
        figure(l.t("Next bill", "下一笔账单"), v, n, Style::default()),
        cols[3],
    );
    let risk_note = match s.risk {
        Risk::Critical => l.t("a lock ahead", "账户将被冻结"),
        Risk::Red => l.t("overdue ahead", "将会逾期"),
        Risk::Amber => l.t("watch closely", "需要留意"),
        Risk::Green => l.t("on track", "一切正常"),
    };
    frame.render_widget(
        figure(
            l.t("Risk", "风险"),
            format!("● {}", s.risk.name().to_uppercase()),
            risk_note.into(),
            t.risk(s.risk),
        ),
        cols[4],
    );
}

fn series(p: &Projection) -> Vec<(f64, f64)> {
    p.days
        .iter()
        .enumerate()
        .map(|(i, d)| ((i + 1) as f64, d.cash.to_f64_lossy()))
        .collect()
}

/// The cash chart: baseline, active scenario, reserve, bill dues and locks.
pub fn cash_chart(app: &App, frame: &mut Frame, area: Rect) {
    let l = app.lang;
    let t = &app.theme;
    let Some(base) = &app.baseline else { return };
    let scen = app.scenario.as_ref().filter(|_| app.active.is_some());
    let base_pts = series(base);
    let scen_pts = scen.map(series).unwrap_or_default();
    let reserve = app
        .view
        .as_ref()
        .map_or(Money::ZERO, |v| v.book.reserve)
        .to_f64_lossy();
    let horizon = base.days.len() as f64;
    let reserve_pts = [(1.0, reserve), (horizon.max(1.0), reserve)];
    let ys = base_pts.iter().chain(&scen_pts).map(|p| p.1).chain([
        0.0,
        reserve,
        base.start_cash.to_f64_lossy(),
    ]);
    let (lo, hi) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let pad = ((hi - lo) * 0.05).max(1.0);
    let (lo, hi) = (lo - pad, hi + pad);
    // Bill due dates (•) and locks (✗) of the run the dashboard talks about.
    let run = app.current().unwrap_or(base);
    let mark = |k: EventKind| -> Vec<(f64, f64)> {
        run.events
            .iter()
            .filter(|e| e.kind == k)
            .filter_map(|e| {
                run.days
                    .iter()
                    .position(|d| d.date == e.date)
                    .map(|i| ((i + 1) as f64, run.days[i].cash.to_f64_lossy()))
            })
            .collect()
    };
    let dues = mark(EventKind::BillDue);
    let locks = mark(EventKind::Lock);
    let mut sets = vec![
        Dataset::default()
            .name(l.t("reserve", "储备"))
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.reserve())
            .data(&reserve_pts),
        Dataset::default()
            .name(l.t("baseline", "基线"))
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.baseline())
            .data(&base_pts),
    ];
    if scen.is_some() {
        sets.push(
            Dataset::default()
                .name(app.scenario_name().unwrap_or("scenario"))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.scenario())
                .data(&scen_pts),
        );
    }
    sets.push(
        Dataset::default()
            .name(l.t("bill due", "账单到期"))
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .data(&dues),
    );
    sets.push(
        Dataset::default()
            .name(l.t("lock", "冻结"))
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(t.risk(Risk::Critical))
            .data(&locks),
    );
    let first = base
        .days
        .first()
        .map(|d| d.date.format("%m-%d").to_string())
        .unwrap_or_default();
    let mid = base
        .days
        .get(base.days.len() / 2)
        .map(|d| d.date.format("%m-%d").to_string())
        .unwrap_or_default();
    let last = base
        .days
        .last()
        .map(|d| d.date.format("%m-%d").to_string())
        .unwrap_or_default();
    let k = |v: f64| format!("{:.0}k", v / 1000.0);
    let chart = Chart::new(sets)
        .legend_position(Some(ratatui::widgets::LegendPosition::TopRight))
        .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(80)))
        .block(Block::bordered().title(l.t(" Cash, day by day ", " 每日现金 ")))
        .x_axis(
            Axis::default()
                .bounds([1.0, horizon.max(2.0)])
                .labels(vec![first, mid, last]),
        )
        .y_axis(
            Axis::default()
                .bounds([lo, hi])
                .labels(vec![k(lo), k((lo + hi) / 2.0), k(hi)]),
        );
    frame.render_widget(chart, area);
}

fn upcoming_bills(app: &App, run: &Projection, frame: &mut Frame, area: Rect) {
    let l = app.lang;
    let t = &app.theme;
    let dues: Vec<_> = run
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::BillDue | EventKind::InstallmentDue))
        .collect();
    let amounts: Vec<String> = dues.iter().map(|e| yuan(e.amount)).collect();
    let aw = width(amounts.iter().map(String::as_str)).max(6);
    let cw = width(dues.iter().filter_map(|e| e.account.as_deref())).max(7);
    let rows = dues.iter().zip(&amounts).map(|(e, amount)| {
        let paid: Money = run
            .events
            .iter()
            .filter(|p| {
                p.kind == EventKind::Payment
                    && p.date == e.date
                    && p.reference == e.reference
                    && p.account == e.account
            })
            .map(|p| p.amount)
            .sum();
        let overdue = run.events.iter().any(|o| {
            o.kind == EventKind::Overdue && o.reference == e.reference && o.account == e.account
        });
        // The status column is what is left of the width; a shortfall is
        // shown whole or as the bare signed amount, never cut.
        let room = area.width.saturating_sub(2 + 5 + cw + aw + 3) as usize;
        let (risk, status) = if overdue {
            let short = yuan(-(e.amount - paid));
            let long = format!("{} {}", l.t("short", "缺口"), yuan(e.amount - paid));
            (
                Risk::Critical,
                if unicode_width::UnicodeWidthStr::width(long.as_str()) <= room {
                    long
                } else {
                    short
                },
            )
        } else if paid < e.amount {
            (
                Risk::Amber,
                format!("{} {}", l.t("part paid", "部分还款"), yuan(paid)),
            )
        } else {
            (Risk::Green, l.t("paid", "已还清").to_string())
        };
        Row::new(vec![
            Cell::from(e.date.format("%m-%d").to_string()),
            Cell::from(e.account.clone().unwrap_or_default()),
            Cell::from(Line::from(amount.clone()).right_aligned()),
            Cell::from(Span::styled(status, t.risk(risk))),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(5),
            Constraint::Length(cw),
            Constraint::Length(aw),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(vec![
            l.t("due", "到期"),
            l.t("account", "账户"),
            l.t("amount", "金额"),
            l.t("status", "状态"),
        ])
        .style(t.title()),
    )
    .block(Block::bordered().title(l.t(" Upcoming bills ", " 待还账单 ")));
    frame.render_widget(table, area);
}

/// Plain-language alerts for a run.
pub fn alerts(app: &App, run: &Projection) -> Vec<(Risk, String)> {
    let l = app.lang;
    let mut out = Vec::new();
    for o in run.events.iter().filter(|e| e.kind == EventKind::Overdue) {
        let acct = o.account.clone().unwrap_or_default();
        let due = run.events.iter().find(|e| {
            matches!(e.kind, EventKind::BillDue | EventKind::InstallmentDue)
                && e.reference == o.reference
                && e.account == o.account
        });
        let lock = run
            .events
            .iter()
            .find(|e| e.kind == EventKind::Lock && e.account == o.account && e.date >= o.date);
        let amount = due.map_or(o.amount, |d| d.amount);
        let due_date = due.map_or(o.date, |d| d.date);
        let mut s = match l {
            crate::tui::Lang::En => format!(
                "{acct} bill {} due {due_date} is {} short",
                yuan(amount),
                yuan(o.amount)
            ),
            crate::tui::Lang::Zh => format!(
                "{acct} 账单 {}（{due_date} 到期）缺口 {}",
                yuan(amount),
                yuan(o.amount)
            ),
        };
        if let Some(lk) = lock {
            s.push_str(&match l {
                crate::tui::Lang::En => format!("; the account locks on {}", lk.date),
                crate::tui::Lang::Zh => format!("；{} 账户被冻结", lk.date),
            });
        }
        out.push((Risk::Critical, s));
    }
    for e in run
        .events
        .iter()
        .filter(|e| e.kind == EventKind::PurchaseBlocked)
    {
        out.push((
            Risk::Critical,
            match l {
                crate::tui::Lang::En => format!(
                    "{}: {} {} blocked ({} locked), paid from cash",
                    e.date,
                    e.reference.clone().unwrap_or_default(),
                    yuan(e.amount),
                    e.account.clone().unwrap_or_default()
                ),
                crate::tui::Lang::Zh => format!(
                    "{}：{} {} 无法赊购（{} 已冻结），改用现金",
                    e.date,
                    e.reference.clone().unwrap_or_default(),
                    yuan(e.amount),
                    e.account.clone().unwrap_or_default()
                ),
            },
        ));
    }
    if let Some(e) = run.events.iter().find(|e| e.kind == EventKind::Shortfall) {
        out.push((
            Risk::Red,
            match l {
                crate::tui::Lang::En => {
                    format!("Cash falls below zero on {} ({})", e.date, yuan(e.amount))
                }
                crate::tui::Lang::Zh => format!("{} 现金跌破零（{}）", e.date, yuan(e.amount)),
            },
        ));
        // The flows that caused it: the largest outflows of the week before.
        let mut days: Vec<_> = run
            .days
            .iter()
            .filter(|d| d.date <= e.date && d.date > e.date - chrono::Days::new(7))
            .collect();
        days.sort_by_key(|d| std::cmp::Reverse(d.outflow));
        let causes: Vec<String> = days
            .iter()
            .take(3)
            .filter(|d| d.outflow.is_positive())
            .map(|d| format!("{} −{}", d.date.format("%m-%d"), d.outflow.grouped()))
            .collect();
        if !causes.is_empty() {
            out.push((
                Risk::Red,
                format!(
                    "  {} {}",
                    l.t("largest outflows before it:", "之前最大的支出："),
                    causes.join(", ")
                ),
            ));
        }
    } else if let Some(e) = run
        .events
        .iter()
        .find(|e| e.kind == EventKind::BelowReserve)
    {
        out.push((
            Risk::Amber,
            match l {
                crate::tui::Lang::En => format!(
                    "Cash drops below the reserve on {} ({})",
                    e.date,
                    yuan(e.amount)
                ),
                crate::tui::Lang::Zh => format!("{} 现金低于储备（{}）", e.date, yuan(e.amount)),
            },
        ));
    }
    if let Some((bridge, prestock)) = &app.solved {
        if let Some(b) = bridge.filter(|b| b.is_positive()) {
            out.push((
                Risk::Green,
                format!(
                    "{} {} {}",
                    l.t("A bridge of", "过桥资金"),
                    yuan(b),
                    l.t(
                        "tomorrow keeps the risk amber or better",
                        "明天到账即可化解"
                    )
                ),
            ));
        }
        if let Some(p) = prestock {
            out.push((
                Risk::Green,
                format!(
                    "{} {}",
                    l.t("Largest safe prestock:", "最大安全备货："),
                    yuan(*p)
                ),
            ));
        }
    }
    if out.is_empty() {
        out.push((
            Risk::Green,
            l.t(
                "Every bill in the horizon is paid on time.",
                "预测期内所有账单都能按时还清。",
            )
            .to_string(),
        ));
    }
    out
}

fn alert_list(app: &App, run: &Projection, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = alerts(app, run)
        .into_iter()
        .map(|(r, s)| Line::from(Span::styled(s, app.theme.risk(r))))
        .collect();
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(app.lang.t(" Alerts ", " 提醒 "))),
        area,
    );
}
