//! `update(&mut App, Action) -> Vec<Effect>`: the only place state changes.
//! Synchronous, no I/O; anything slow is returned as an `Effect` for the
//! worker. Stale worker answers (an older generation) are dropped.
//!
//! Owns: the state transitions. Must not: block, draw or touch the store.

use crate::tui::action::Action;
use crate::tui::app::{App, LEDGER_WINDOW, Mode, Param, Screen, set, step};
use crate::tui::effect::Effect;

/// Runs in one Monte Carlo stress test of the lab.
pub const MONTE_CARLO_RUNS: u32 = 1000;

fn project(app: &mut App) -> Vec<Effect> {
    // A changed scenario makes a running stress test stale: stop it.
    if let Some(mc) = app.monte_carlo.take()
        && mc.result.is_none()
    {
        mc.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    app.generation += 1;
    app.solved = None;
    app.busy = app.lab.is_some();
    vec![Effect::Project {
        generation: app.generation,
        scenario: app.lab.clone(),
    }]
}

fn rows(app: &App) -> usize {
    match app.screen {
        Screen::Lab => Param::ALL.len(),
        Screen::Credit => app.view.as_ref().map_or(0, |v| v.credit.len()),
        Screen::Transactions => app.ledger_len(),
        Screen::Import => app.view.as_ref().map_or(0, |v| v.inbox.len()),
        Screen::Dashboard => 0,
    }
}

/// Applies an action; returns what the worker should do.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut fx = apply(app, action);
    fx.extend(fetch_ledger(app));
    fx
}

/// Asks for the ledger window the transactions screen needs, if the one
/// held does not cover the selected row with a margin (or answers another
/// filter, or the book changed).
fn fetch_ledger(app: &mut App) -> Vec<Effect> {
    if app.screen != Screen::Transactions || app.view.is_none() {
        return Vec::new();
    }
    let l = &app.ledger;
    let fresh = l.filter == app.filter && l.total.is_some() && !l.stale;
    let sel = app.selected as u64;
    let end = l.offset + l.rows.len() as u64;
    let total = l.total.unwrap_or(0);
    let margin = LEDGER_WINDOW / 10;
    let covered = fresh
        && sel >= l.offset
        && (sel < end || end >= total)
        && (l.offset == 0 || sel >= l.offset + margin)
        && (end >= total || sel + margin < end);
    if covered {
        return Vec::new();
    }
    let offset = sel.saturating_sub(LEDGER_WINDOW / 2);
    let asked = (app.filter.clone(), offset);
    if l.asked.as_ref() == Some(&asked) {
        return Vec::new();
    }
    // Seek from the held row nearest the new window, when it is near.
    let near = if fresh && offset.abs_diff(l.offset) <= 4 * LEDGER_WINDOW {
        let pick = if offset >= l.offset {
            l.rows.last()
        } else {
            l.rows.first()
        };
        let index = if offset >= l.offset {
            end.saturating_sub(1)
        } else {
            l.offset
        };
        pick.map(|(id, t)| (index, t.date, *id))
    } else {
        None
    };
    let total = l.total.filter(|_| fresh);
    app.ledger.asked = Some(asked);
    vec![Effect::Ledger {
        filter: app.filter.clone(),
        offset,
        limit: LEDGER_WINDOW,
        near,
        total,
    }]
}

fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Start | Action::Reload => {
            app.generation += 1;
            app.busy = true;
            app.status = None;
            vec![Effect::Load {
                generation: app.generation,
                as_of: app.as_of,
                horizon: app.horizon,
            }]
        }
        Action::Quit => {
            match app.mode {
                Mode::Normal if app.preview.is_some() && app.screen == Screen::Import => {
                    app.preview = None
                }
                Mode::Normal => app.quit = true,
                _ => app.mode = Mode::Normal,
            }
            Vec::new()
        }
        Action::NextScreen | Action::PrevScreen | Action::GoTo(_) => {
            app.screen = match action {
                Action::NextScreen => app.screen.next(),
                Action::PrevScreen => app.screen.prev(),
                Action::GoTo(s) => s,
                _ => app.screen,
            };
            app.selected = 0;
            app.mode = Mode::Normal;
            Vec::new()
        }
        Action::Resized(w, h) => {
            app.width = w;
            app.height = h;
            Vec::new()
        }
        Action::ClickRow(i) => {
            if i < rows(app) {
                app.selected = i;
            }
            Vec::new()
        }
        Action::ToggleHelp => {
            app.mode = if app.mode == Mode::Help {
                Mode::Normal
            } else {
                Mode::Help
            };
            Vec::new()
        }
        Action::SelectNext
        | Action::SelectPrev
        | Action::PageDown
        | Action::PageUp
        | Action::First
        | Action::Last => {
            let n = rows(app);
            if n > 0 {
                let by = match action {
                    Action::SelectNext => 1,
                    Action::SelectPrev => -1,
                    Action::PageDown => 15,
                    Action::PageUp => -15,
                    Action::First => -(n as i64),
                    _ => n as i64,
                };
                app.selected = (app.selected as i64 + by).clamp(0, n as i64 - 1) as usize;
            }
            Vec::new()
        }
        Action::Adjust(dir) => {
            if app.screen != Screen::Lab {
                return Vec::new();
            }
            let Some(lab) = app.lab.as_mut() else {
                app.status = Some(
                    app.lang
                        .t("Choose a scenario first: press s", "请先按 s 选择情景")
                        .into(),
                );
                return Vec::new();
            };
            let p = Param::ALL[app.selected.min(Param::ALL.len() - 1)];
            let run = app.scenario.as_ref().or(app.baseline.as_ref());
            if step(lab, p, dir, app.as_of, app.horizon, run) {
                app.status = None;
                project(app)
            } else {
                app.status = Some(match p {
                    Param::Installments => app
                        .lang
                        .t(
                            "No bill goes overdue here: nothing to convert",
                            "没有逾期账单，无需分期",
                        )
                        .into(),
                    _ => app
                        .lang
                        .t(
                            "This scenario has no promotion with that value",
                            "该情景没有这个促销参数",
                        )
                        .into(),
                });
                Vec::new()
            }
        }
        Action::BeginEdit => {
            app.mode = match app.screen {
                Screen::Lab if app.lab.is_some() => {
                    let p = Param::ALL[app.selected.min(Param::ALL.len() - 1)];
                    let current = app
                        .lab
                        .as_ref()
                        .map(|l| crate::tui::app::param_value(l, p))
                        .unwrap_or_default();
                    Mode::EditValue(current.trim_start_matches('+').to_string())
                }
                Screen::Transactions => Mode::EditFilter(app.filter.clone()),
                _ => app.mode.clone(),
            };
            Vec::new()
        }
        Action::EditChar(c) => {
            if let Mode::EditValue(b)
            | Mode::EditFilter(b)
            | Mode::EditName(b)
            | Mode::EditCategory(b, _) = &mut app.mode
            {
                b.push(c);
            }
            if let Mode::EditFilter(b) = &app.mode {
                app.filter = b.clone();
                app.selected = 0;
            }
            Vec::new()
        }
        Action::EditBackspace => {
            if let Mode::EditValue(b)
            | Mode::EditFilter(b)
            | Mode::EditName(b)
            | Mode::EditCategory(b, _) = &mut app.mode
            {
                b.pop();
            }
            if let Mode::EditFilter(b) = &app.mode {
                app.filter = b.clone();
            }
            Vec::new()
        }
        Action::CancelEdit => {
            if matches!(app.mode, Mode::EditFilter(_)) {
                app.filter.clear();
            }
            app.mode = Mode::Normal;
            Vec::new()
        }
        Action::CommitEdit => {
            match std::mem::replace(&mut app.mode, Mode::Normal) {
                Mode::EditValue(text) => {
                    let p = Param::ALL[app.selected.min(Param::ALL.len() - 1)];
                    let Some(lab) = app.lab.as_mut() else {
                        return Vec::new();
                    };
                    let mut candidate = lab.clone();
                    match set(&mut candidate, p, &text) {
                        Ok(()) => {
                            *lab = candidate;
                            app.status = None;
                            project(app)
                        }
                        Err(e) => {
                            app.status = Some(e);
                            app.mode = Mode::EditValue(text);
                            Vec::new()
                        }
                    }
                }
                Mode::EditFilter(text) => {
                    app.filter = text;
                    Vec::new()
                }
                Mode::EditPath(text) => {
                    let path = std::path::PathBuf::from(shellish(text.trim()));
                    app.busy = true;
                    vec![Effect::PreviewImport { path }]
                }
                Mode::EditCategory(text, like_all) => {
                    let selected = app.ledger_row(app.selected).cloned();
                    match selected {
                        Some(transaction) => {
                            app.busy = true;
                            vec![Effect::Categorise {
                                transaction,
                                category: text.trim().to_string(),
                                like_all,
                            }]
                        }
                        None => Vec::new(),
                    }
                }
                Mode::EditName(text) => {
                    let name = text.trim().to_string();
                    let bad = !crate::engine::scenario::valid_name(&name);
                    match (&app.lab, bad) {
                        (_, true) => {
                            app.status = Some(app.lang.t("A name needs letters or digits, and no / \\ : or leading dot", "名称不能为空，不能含 / \\ : 或以点开头").into());
                            app.mode = Mode::EditName(text);
                            Vec::new()
                        }
                        (Some(sc), false) => vec![Effect::SaveScenario {
                            name,
                            scenario: sc.clone(),
                        }],
                        (None, false) => Vec::new(),
                    }
                }
                other => {
                    app.mode = other;
                    Vec::new()
                }
            }
        }
        Action::CycleScenario => {
            let n = app.view.as_ref().map_or(0, |v| v.scenarios.len());
            if n == 0 {
                app.status = Some(
                    app.lang
                        .t(
                            "No saved scenarios: put scenario files in scenarios/ next to the book",
                            "没有情景：把情景文件放在账簿旁的 scenarios/ 目录",
                        )
                        .into(),
                );
                return Vec::new();
            }
            app.active = match app.active {
                None => Some(0),
                Some(i) if i + 1 < n => Some(i + 1),
                Some(_) => None,
            };
            app.lab = app
                .active
                .and_then(|i| app.view.as_ref().map(|v| v.scenarios[i].1.clone()));
            app.scenario = None;
            project(app)
        }
        Action::ResetScenario => {
            app.lab = app
                .active
                .and_then(|i| app.view.as_ref().map(|v| v.scenarios[i].1.clone()));
            project(app)
        }
        Action::BeginCategorise(like_all) => {
            if app.screen == Screen::Transactions {
                if let Some(t) = app.ledger_row(app.selected) {
                    app.mode = Mode::EditCategory(t.category.clone(), like_all);
                }
            }
            Vec::new()
        }
        Action::ToggleMonteCarlo => {
            if let Some(mc) = app.monte_carlo.as_ref().filter(|m| m.result.is_none()) {
                mc.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                app.monte_carlo = None;
                app.status = Some(
                    app.lang
                        .t("Monte Carlo cancelled", "已取消蒙特卡洛模拟")
                        .into(),
                );
                return Vec::new();
            }
            let Some(sc) = app.lab.clone().filter(|s| !s.promotions.is_empty()) else {
                app.status = Some(
                    app.lang
                        .t(
                            "Monte Carlo varies a promotion: choose a scenario with one (s)",
                            "蒙特卡洛需要含促销的情景：按 s 选择",
                        )
                        .into(),
                );
                return Vec::new();
            };
            let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            app.monte_carlo = Some(crate::tui::app::MonteCarloState {
                generation: app.generation,
                done: 0,
                total: MONTE_CARLO_RUNS,
                result: None,
                cancel: cancel.clone(),
            });
            vec![Effect::MonteCarlo {
                generation: app.generation,
                scenario: sc,
                runs: MONTE_CARLO_RUNS,
                cancel,
            }]
        }
        Action::MonteCarloProgress { generation, done } => {
            if let Some(mc) = app
                .monte_carlo
                .as_mut()
                .filter(|m| m.generation == generation)
            {
                mc.done = mc.done.max(done);
            }
            Vec::new()
        }
        Action::MonteCarloFinished { generation, result } => {
            if let Some(mc) = app
                .monte_carlo
                .as_mut()
                .filter(|m| m.generation == generation)
            {
                mc.done = mc.total;
                mc.result = Some(result);
            }
            Vec::new()
        }
        Action::BeginPath => {
            if app.screen == Screen::Import {
                app.mode = Mode::EditPath(String::new());
            }
            Vec::new()
        }
        Action::PreviewSelected => {
            match app.view.as_ref().and_then(|v| v.inbox.get(app.selected)) {
                Some(path) => {
                    app.busy = true;
                    vec![Effect::PreviewImport { path: path.clone() }]
                }
                None => Vec::new(),
            }
        }
        Action::ConfirmImport(skip_bad_rows) => match &app.preview {
            Some(p) if p.report.is_ok() => {
                if !p.errors.is_empty() && !skip_bad_rows {
                    app.status = Some(app.lang.t("This file has bad rows: fix them, or press Y to import the good ones", "文件有错误行：请修正，或按 Y 只导入正确的行").into());
                    return Vec::new();
                }
                app.busy = true;
                vec![Effect::Import {
                    path: p.path.clone(),
                    skip_bad_rows,
                }]
            }
            _ => Vec::new(),
        },
        Action::UndoLastImport => match app.view.as_ref().and_then(|v| v.imports.first()) {
            Some(log) => {
                app.busy = true;
                vec![Effect::UndoImport { id: log.id }]
            }
            None => {
                app.status = Some(app.lang.t("Nothing to undo", "没有可撤销的导入").into());
                Vec::new()
            }
        },
        Action::ImportPreviewed(p) => {
            app.busy = false;
            app.preview = Some(*p);
            Vec::new()
        }
        Action::ImportFinished(r) => {
            app.busy = false;
            app.preview = None;
            app.status = Some(format!(
                "{}: {} {}, {} {}{}",
                r.file,
                r.added,
                app.lang.t("added", "笔已导入"),
                r.duplicates,
                app.lang.t("already in the book", "笔已存在"),
                r.import_id
                    .map(|id| format!(" (import {id}; u {})", app.lang.t("undoes it", "可撤销")))
                    .unwrap_or_default()
            ));
            Vec::new()
        }
        Action::ImportUndone(id, t, b) => {
            app.busy = false;
            app.status = Some(format!(
                "{} {id}: {t} {} {b} {}",
                app.lang.t("Undid import", "已撤销导入"),
                app.lang.t("transactions and", "笔交易和"),
                app.lang.t("bills removed", "张账单")
            ));
            Vec::new()
        }
        Action::BeginSave => {
            match (&app.lab, app.scenario_name()) {
                (Some(_), Some(n)) => {
                    let base = if app.lab_edited() {
                        format!("{n}-edited")
                    } else {
                        n.to_string()
                    };
                    app.mode = Mode::EditName(base);
                }
                _ => {
                    app.status = Some(
                        app.lang
                            .t("Choose a scenario first: press s", "请先按 s 选择情景")
                            .into(),
                    )
                }
            }
            Vec::new()
        }
        Action::ScenarioSaved {
            name,
            scenario,
            path,
        } => {
            if let Some(v) = app.view.as_mut() {
                let i = match v.scenarios.iter().position(|(n, _)| *n == name) {
                    Some(i) => {
                        v.scenarios[i].1 = (*scenario).clone();
                        i
                    }
                    None => {
                        v.scenarios.push((name.clone(), (*scenario).clone()));
                        v.scenarios.len() - 1
                    }
                };
                app.active = Some(i);
                app.lab = Some(*scenario);
            }
            app.status = Some(match path {
                Some(p) => format!("{} {p}", app.lang.t("Saved to", "已保存到")),
                None => format!(
                    "{} \"{name}\" {}",
                    app.lang.t("Saved", "已保存"),
                    app.lang.t(
                        "for this session (the demo book is not kept)",
                        "（示例账簿不会保留）"
                    )
                ),
            });
            Vec::new()
        }
        Action::Solve => match &app.lab {
            Some(sc) => {
                app.busy = true;
                vec![Effect::Solve {
                    generation: app.generation,
                    scenario: sc.clone(),
                }]
            }
            None => {
                app.busy = true;
                vec![Effect::Solve {
                    generation: app.generation,
                    scenario: Default::default(),
                }]
            }
        },
        Action::LedgerLoaded {
            filter,
            offset,
            total,
            rows,
        } => {
            if app.ledger.asked.as_ref() == Some(&(filter.clone(), offset)) {
                app.ledger.asked = None;
            }
            if filter == app.filter {
                app.ledger = crate::tui::app::Ledger {
                    filter,
                    total: Some(total),
                    offset,
                    rows,
                    asked: app.ledger.asked.take(),
                    stale: false,
                };
                let n = app.ledger_len();
                if app.screen == Screen::Transactions && app.selected >= n {
                    app.selected = n.saturating_sub(1);
                }
            }
            Vec::new()
        }
        Action::BookLoaded(view) => {
            app.ledger.stale = true;
            if app.active.is_some_and(|i| i >= view.scenarios.len()) {
                app.active = None;
            }
            app.lab = app
                .active
                .and_then(|i| view.scenarios.get(i).map(|s| s.1.clone()));
            app.view = Some(*view);
            if app.lab.is_some() {
                project(app)
            } else {
                Vec::new()
            }
        }
        Action::ProjectionComputed {
            generation,
            baseline,
            scenario,
        } => {
            if let Some(b) = baseline {
                app.baseline = Some(*b);
            }
            if generation >= app.generation {
                app.scenario = scenario.map(|s| *s);
                app.busy = false;
            }
            Vec::new()
        }
        Action::SolverFinished {
            generation,
            bridge,
            prestock,
        } => {
            if generation == app.generation {
                app.solved = Some((bridge, prestock));
                app.busy = false;
            }
            Vec::new()
        }
        Action::WorkerFailed(msg) => {
            app.busy = false;
            app.status = Some(msg);
            Vec::new()
        }
    }
}

/// `~/x` → the home directory's `x`; surrounding quotes are dropped (paths
/// pasted from a file manager often carry them).
fn shellish(p: &str) -> String {
    let p = p.trim_matches(|c| c == '"' || c == '\'');
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest).display().to_string(),
        _ => p.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::i18n::Lang;
    use crate::tui::theme::Theme;

    fn loaded() -> App {
        let mut app = App::new(
            "2026-10-20".parse().unwrap(),
            Lang::En,
            Theme { mono: true },
        );
        let fx = update(&mut app, Action::Start);
        assert!(matches!(fx[..], [Effect::Load { generation: 1, .. }]));
        let view =
            crate::tui::worker::load(&crate::tui::worker::Source::Demo, app.as_of, 90).unwrap();
        assert!(
            update(&mut app, Action::BookLoaded(Box::new(view))).is_empty(),
            "no scenario active yet"
        );
        app
    }

    #[test]
    fn cycling_scenarios_asks_for_a_projection_and_drops_stale_answers() {
        let mut app = loaded();
        let fx = update(&mut app, Action::CycleScenario);
        assert_eq!(app.scenario_name(), Some("double11"));
        let Effect::Project {
            generation,
            scenario: Some(_),
        } = &fx[0]
        else {
            panic!("{fx:?}")
        };
        assert_eq!(*generation, 2);
        // Step the uplift twice: generations 3 and 4.
        update(&mut app, Action::GoTo(Screen::Lab));
        update(&mut app, Action::Adjust(1));
        let fx = update(&mut app, Action::Adjust(1));
        assert!(matches!(fx[..], [Effect::Project { generation: 4, .. }]));
        assert_eq!(
            crate::tui::app::param_value(app.lab.as_ref().unwrap(), Param::Uplift),
            "+220%"
        );
        // An answer to generation 3 arrives late: ignored.
        let stale = Box::new(
            crate::engine::projection::project(&crate::engine::projection::Request::new(
                &app.view.as_ref().unwrap().book,
                &Default::default(),
                app.as_of,
                10,
            ))
            .unwrap(),
        );
        update(
            &mut app,
            Action::ProjectionComputed {
                generation: 3,
                baseline: None,
                scenario: Some(stale),
            },
        );
        assert!(app.scenario.is_none() && app.busy);
    }

    #[test]
    fn typing_a_value_validates_inline() {
        let mut app = loaded();
        update(&mut app, Action::CycleScenario);
        update(&mut app, Action::GoTo(Screen::Lab));
        update(&mut app, Action::SelectNext); // Lag
        update(&mut app, Action::SelectNext); // Returns
        update(&mut app, Action::BeginEdit);
        assert_eq!(app.mode, Mode::EditValue("15%".into()));
        for _ in 0..3 {
            update(&mut app, Action::EditBackspace);
        }
        for c in "abc".chars() {
            update(&mut app, Action::EditChar(c));
        }
        assert!(update(&mut app, Action::CommitEdit).is_empty());
        assert!(app.status.as_deref().unwrap().contains("not a number"));
        assert_eq!(
            app.mode,
            Mode::EditValue("abc".into()),
            "the typed text stays for correction"
        );
        update(&mut app, Action::CancelEdit);
        update(&mut app, Action::BeginEdit);
        for _ in 0..3 {
            update(&mut app, Action::EditBackspace);
        }
        for c in "25%".chars() {
            update(&mut app, Action::EditChar(c));
        }
        let fx = update(&mut app, Action::CommitEdit);
        assert_eq!(fx.len(), 1);
        assert_eq!(
            app.lab.as_ref().unwrap().promotions[0]
                .return_rate
                .to_string(),
            "0.25"
        );
        assert!(app.lab_edited());
    }

    #[test]
    fn monte_carlo_starts_cancels_and_goes_stale_on_edit() {
        let mut app = loaded();
        update(&mut app, Action::CycleScenario);
        update(&mut app, Action::GoTo(Screen::Lab));
        let fx = update(&mut app, Action::ToggleMonteCarlo);
        let Effect::MonteCarlo {
            generation,
            runs,
            cancel,
            ..
        } = &fx[0]
        else {
            panic!("{fx:?}")
        };
        assert_eq!((*generation, *runs), (app.generation, MONTE_CARLO_RUNS));
        update(
            &mut app,
            Action::MonteCarloProgress {
                generation: *generation,
                done: 250,
            },
        );
        assert_eq!(app.monte_carlo.as_ref().unwrap().done, 250);
        // m again cancels: the flag the worker polls is set.
        update(&mut app, Action::ToggleMonteCarlo);
        assert!(cancel.load(std::sync::atomic::Ordering::Relaxed));
        assert!(app.monte_carlo.is_none());
        // A new run, then an edit: the run is stale and stopped.
        let fx = update(&mut app, Action::ToggleMonteCarlo);
        let Effect::MonteCarlo { cancel, .. } = &fx[0] else {
            panic!()
        };
        update(&mut app, Action::Adjust(1));
        assert!(cancel.load(std::sync::atomic::Ordering::Relaxed));
        assert!(app.monte_carlo.is_none());
    }

    #[test]
    fn quit_closes_overlays_first() {
        let mut app = loaded();
        update(&mut app, Action::ToggleHelp);
        update(&mut app, Action::Quit);
        assert!(!app.quit && app.mode == Mode::Normal);
        update(&mut app, Action::Quit);
        assert!(app.quit);
    }
}
