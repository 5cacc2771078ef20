//! The dashboard on `TestBackend`: every screen at 80×24 and 120×40, in
//! English and Chinese, from the demo book and its fixed `as_of`; and the
//! real binary in tmux, when tmux is installed.

use ebb::demo;
use ebb::engine::projection::{Request, project};
use ebb::tui::app::{App, Screen};
use ebb::tui::theme::Theme;
use ebb::tui::update::update;
use ebb::tui::worker::{Source, load};
use ebb::tui::{Action, Effect, Lang};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Runs effects the way the worker does, synchronously.
fn settle(app: &mut App, effects: Vec<Effect>) {
    let mut queue = effects;
    while let Some(e) = queue.pop() {
        let reply = match e {
            Effect::Load {
                generation,
                as_of,
                horizon,
            } => {
                let view = load(&Source::Demo, as_of, horizon).unwrap();
                let base = project(&Request::new(
                    &view.book,
                    &Default::default(),
                    as_of,
                    horizon,
                ))
                .unwrap();
                queue.extend(update(app, Action::BookLoaded(Box::new(view))));
                Action::ProjectionComputed {
                    generation,
                    baseline: Some(Box::new(base)),
                    scenario: None,
                }
            }
            Effect::Project {
                generation,
                scenario,
            } => {
                let v = app.view.as_ref().unwrap();
                let p = scenario.map(|s| {
                    Box::new(project(&Request::new(&v.book, &s, app.as_of, app.horizon)).unwrap())
                });
                Action::ProjectionComputed {
                    generation,
                    baseline: None,
                    scenario: p,
                }
            }
            Effect::PreviewImport { .. } | Effect::Import { .. } | Effect::UndoImport { .. } => {
                continue;
            }
            Effect::MonteCarlo {
                generation,
                scenario,
                runs,
                ..
            } => {
                let v = app.view.as_ref().unwrap();
                let result = ebb::engine::montecarlo::stress(
                    &v.book,
                    &scenario,
                    app.as_of,
                    app.horizon,
                    runs,
                    1,
                    &|_| true,
                )
                .map_err(|e| e.to_string());
                Action::MonteCarloFinished { generation, result }
            }
            Effect::Categorise { .. } => continue,
            Effect::Ledger {
                filter,
                offset,
                limit,
                near,
                total,
            } => {
                let store = demo::load().unwrap();
                let (total, rows) = store.ledger(&filter, offset, limit, near, total).unwrap();
                Action::LedgerLoaded {
                    filter,
                    offset,
                    total,
                    rows,
                }
            }
            Effect::SaveScenario { name, scenario } => Action::ScenarioSaved {
                name,
                scenario: Box::new(scenario),
                path: None,
            },
            Effect::Solve {
                generation,
                scenario,
            } => {
                let v = app.view.as_ref().unwrap();
                let req = Request::new(&v.book, &scenario, app.as_of, app.horizon);
                let p = project(&req).unwrap();
                Action::SolverFinished {
                    generation,
                    bridge: ebb::engine::solve::required_bridge(&req, &p).unwrap(),
                    prestock: ebb::engine::solve::largest_safe_prestock(&req, &p).unwrap(),
                }
            }
        };
        queue.extend(update(app, reply));
    }
}

pub fn demo_app(lang: Lang) -> App {
    let mut app = App::new(demo::as_of(), lang, Theme { mono: true });
    app.active = Some(0);
    let fx = update(&mut app, Action::Start);
    settle(&mut app, fx);
    app
}

pub fn draw(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| ebb::tui::view::render(app, f)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0;
        for x in 0..w {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let s = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(s).saturating_sub(1);
            out.push_str(s);
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_screen_in_both_sizes_and_languages() {
    for lang in [Lang::En, Lang::Zh] {
        let mut app = demo_app(lang);
        // Solve once so the lab and the alerts show the answers.
        let fx = update(&mut app, Action::Solve);
        settle(&mut app, fx);
        for screen in Screen::ALL {
            {
                let fx = update(&mut app, Action::GoTo(screen));
                settle(&mut app, fx);
            }
            for (w, h) in [(80, 24), (120, 40)] {
                let name = format!(
                    "{}_{:?}_{w}x{h}",
                    if lang == Lang::En { "en" } else { "zh" },
                    screen
                )
                .to_lowercase();
                insta::assert_snapshot!(name, draw(&app, w, h));
            }
        }
    }
}

#[test]
fn help_overlay_and_first_run() {
    let mut app = demo_app(Lang::En);
    update(&mut app, Action::ToggleHelp);
    insta::assert_snapshot!("en_help_80x24", draw(&app, 80, 24));
    let mut empty = App::new(demo::as_of(), Lang::En, Theme { mono: true });
    let view = ebb::tui::app::BookView::new(
        "empty".into(),
        Default::default(),
        vec![],
        demo::as_of(),
        90,
    );
    update(&mut empty, Action::BookLoaded(Box::new(view)));
    insta::assert_snapshot!("en_first_run_80x24", draw(&empty, 80, 24));
}

#[test]
fn a_lab_change_reprojects_and_the_summary_follows() {
    let mut app = demo_app(Lang::En);
    {
        let fx = update(&mut app, Action::GoTo(Screen::Lab));
        settle(&mut app, fx);
    }
    assert_eq!(
        app.current().unwrap().summary.risk,
        ebb::engine::projection::Risk::Critical
    );
    for _ in 0..5 {
        {
            let fx = update(&mut app, Action::SelectNext);
            settle(&mut app, fx);
        } // down to Prestock
    }
    for _ in 0..7 {
        let fx = update(&mut app, Action::Adjust(-1));
        settle(&mut app, fx);
    }
    // 200,000 − 7 × 5,000 = 165,000: below the largest safe prestock.
    let p = app.current().unwrap();
    assert!(p.summary.risk.is_safe(), "{:?}", p.summary.risk);
    assert!(draw(&app, 120, 40).contains("165,000.00"));
}

/// A tmux session running a command, killed when dropped (also when an
/// assertion fails). `None` where tmux is not installed.
struct Tmux {
    session: String,
}

impl Tmux {
    fn start(session: String, width: u16, height: u16, cmd: &str) -> Option<Tmux> {
        if std::process::Command::new("tmux")
            .arg("-V")
            .output()
            .is_err()
        {
            return None;
        }
        let t = Tmux { session };
        let (w, h) = (width.to_string(), height.to_string());
        let out = t.run(&[
            "new-session",
            "-d",
            "-s",
            &t.session,
            "-x",
            &w,
            "-y",
            &h,
            cmd,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(t)
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new("tmux")
            .args(args)
            .output()
            .unwrap()
    }

    fn send(&self, key: &str) {
        self.run(&["send-keys", "-t", &self.session, key]);
    }

    /// What the pane shows; with `history`, the 200 lines above too.
    fn screen(&self, history: bool) -> String {
        let mut args = vec!["capture-pane", "-p", "-t", &self.session];
        if history {
            args.extend(["-S", "-200"]);
        }
        String::from_utf8_lossy(&self.run(&args).stdout).to_string()
    }

    /// Waits up to 20 s for `what` to show.
    fn wait_for(&self, what: &str, history: bool) -> bool {
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(20) {
            if self.screen(history).contains(what) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        false
    }

    /// A tmux format of the pane, e.g. `#{alternate_on}`.
    fn format(&self, f: &str) -> String {
        String::from_utf8_lossy(
            &self
                .run(&["display-message", "-p", "-t", &self.session, f])
                .stdout,
        )
        .trim()
        .to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-session", "-t", &self.session]);
    }
}

/// The real binary in a real terminal (tmux): open the demo, switch screens,
/// change a scenario value, see the summary change, quit, and find the
/// terminal restored. Skipped, with a message, where tmux is not installed.
#[test]
fn the_real_binary_in_tmux() {
    let bin = assert_cmd::cargo::cargo_bin("ebb");
    let cmd = format!("{} demo; echo EXITED:$?; sleep 30", bin.display());
    let Some(t) = Tmux::start(format!("ebb-e2e-{}", std::process::id()), 120, 40, &cmd) else {
        eprintln!("tmux is not installed: skipping the end-to-end terminal test");
        return;
    };
    assert!(
        t.wait_for("CRITICAL", false),
        "the dashboard opens on Double 11:\n{}",
        t.screen(false)
    );
    t.send("2");
    assert!(
        t.wait_for("Baseline vs scenario", false),
        "{}",
        t.screen(false)
    );
    for _ in 0..5 {
        t.send("j");
    }
    for _ in 0..7 {
        t.send("Left");
    }
    assert!(
        t.wait_for("165,000.00", false),
        "the prestock steps down:\n{}",
        t.screen(false)
    );
    assert!(
        t.wait_for("AMBER", false),
        "and the summary follows:\n{}",
        t.screen(false)
    );
    t.send("q");
    assert!(
        t.wait_for("EXITED:0", false),
        "ebb quits cleanly:\n{}",
        t.screen(false)
    );
    assert_eq!(
        t.format("#{alternate_on} #{mouse_any_flag}"),
        "0 0",
        "the terminal left the alternate screen"
    );
    assert!(
        !t.screen(false).contains("Baseline vs scenario"),
        "the dashboard is gone from the screen"
    );
    eprintln!("tmux end-to-end: opened, switched, stepped, quit, restored");
}

/// A panic and a SIGTERM both leave the terminal restored (tmux, when
/// installed): the alternate screen is left and the shell gets the exit.
#[cfg(unix)]
#[test]
fn panic_and_sigterm_restore_the_terminal() {
    use std::process::Command;
    let bin = assert_cmd::cargo::cargo_bin("ebb");
    for (case, env, kill) in [
        (
            "panic",
            "RUST_BACKTRACE=0 EBB_TEST_PANIC_AFTER_DRAW=1 ",
            false,
        ),
        ("sigterm", "", true),
    ] {
        let cmd = format!("{env}{} demo; echo EXITED:$?; sleep 30", bin.display());
        let Some(t) = Tmux::start(
            format!("ebb-restore-{case}-{}", std::process::id()),
            100,
            30,
            &cmd,
        ) else {
            eprintln!("tmux is not installed: skipping the terminal-restore test");
            return;
        };
        if kill {
            assert!(t.wait_for("CRITICAL", true), "{}", t.screen(true));
            // The pane runs a shell; ebb is its child.
            let shell = t.format("#{pane_pid}");
            let pids = String::from_utf8_lossy(
                &Command::new("pgrep")
                    .args(["-P", &shell])
                    .output()
                    .unwrap()
                    .stdout,
            )
            .to_string();
            assert!(
                !pids.trim().is_empty(),
                "found ebb under the pane's shell {shell}"
            );
            for p in pids.split_whitespace() {
                Command::new("kill").args(["-TERM", p]).status().unwrap();
            }
        }
        assert!(
            t.wait_for("EXITED:", true),
            "{case}: ebb exits:\n{}",
            t.screen(true)
        );
        assert_eq!(
            t.format("#{alternate_on} #{mouse_any_flag}"),
            "0 0",
            "{case}: alternate screen left"
        );
        if case == "panic" {
            assert!(
                t.screen(true).contains("test panic after the first frame"),
                "the panic message is readable:\n{}",
                t.screen(true)
            );
        } else {
            assert!(
                t.screen(true).contains("EXITED:0"),
                "SIGTERM is a clean quit:\n{}",
                t.screen(true)
            );
        }
    }
}

/// The worker, on its own thread with a real book: loading answers with the
/// book and the baseline; saving a lab scenario writes scenarios/NAME.toml
/// beside the book, which loads back as the same scenario.
#[test]
fn the_worker_saves_scenarios_beside_the_book() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut store = ebb::store::Store::open(&db).unwrap();
    let bf = ebb::engine::bookfile::BookFile::parse(
        "book.toml",
        include_str!("../../sample-data/book.toml"),
    )
    .unwrap();
    store.apply(&bf).unwrap();
    drop(store);
    let (tx, rx) = std::sync::mpsc::channel();
    let (out, mut answers) = tokio::sync::mpsc::unbounded_channel();
    let worker = std::thread::spawn(move || ebb::tui::worker::run(Source::Book(db), rx, out));
    tx.send(Effect::Load {
        generation: 1,
        as_of: demo::as_of(),
        horizon: 30,
    })
    .unwrap();
    let Some(Action::BookLoaded(view)) = answers.blocking_recv() else {
        panic!("book first")
    };
    assert_eq!(view.credit.len(), 2);
    let Some(Action::ProjectionComputed {
        generation: 1,
        baseline: Some(_),
        ..
    }) = answers.blocking_recv()
    else {
        panic!("then the baseline")
    };
    let sc = demo::scenario("double11").unwrap().scenario().unwrap();
    tx.send(Effect::SaveScenario {
        name: "双十一 plan".into(),
        scenario: sc.clone(),
    })
    .unwrap();
    let Some(Action::ScenarioSaved {
        path: Some(path), ..
    }) = answers.blocking_recv()
    else {
        panic!("saved")
    };
    assert!(path.ends_with("scenarios/双十一 plan.toml"), "{path}");
    let text = std::fs::read_to_string(&path).unwrap();
    let back = ebb::engine::scenario::ScenarioFile::parse(&path, &text)
        .unwrap()
        .scenario()
        .unwrap();
    assert_eq!(back.promotions, sc.promotions);
    // Reloading lists it.
    tx.send(Effect::Load {
        generation: 2,
        as_of: demo::as_of(),
        horizon: 30,
    })
    .unwrap();
    let Some(Action::BookLoaded(view)) = answers.blocking_recv() else {
        panic!("reloaded")
    };
    assert_eq!(
        view.scenarios
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["双十一 plan"]
    );
    drop(tx);
    worker.join().unwrap();
}

/// A real worker thread on a book file, driven like the event loop does:
/// send the effects, apply the answers (and send what they ask for).
struct LiveWorker {
    tx: std::sync::mpsc::Sender<Effect>,
    answers: tokio::sync::mpsc::UnboundedReceiver<Action>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl LiveWorker {
    fn start(db: std::path::PathBuf) -> LiveWorker {
        let (tx, rx) = std::sync::mpsc::channel();
        let (out, answers) = tokio::sync::mpsc::unbounded_channel();
        let handle = std::thread::spawn(move || ebb::tui::worker::run(Source::Book(db), rx, out));
        LiveWorker {
            tx,
            answers,
            handle: Some(handle),
        }
    }

    /// Sends `fx`, then applies `replies` answers to `app`.
    fn step(&mut self, app: &mut App, fx: Vec<Effect>, replies: usize) {
        for e in fx {
            self.tx.send(e).unwrap();
        }
        for _ in 0..replies {
            let a = self.answers.blocking_recv().unwrap();
            for e in update(app, a) {
                self.tx.send(e).unwrap();
            }
        }
    }

    /// Stops the worker (dropping its channel) and waits for it.
    fn stop(mut self) {
        let (tx, _) = std::sync::mpsc::channel();
        drop(std::mem::replace(&mut self.tx, tx));
        if let Some(h) = self.handle.take() {
            h.join().unwrap();
        }
    }
}

/// Categorising in the transactions screen: `C` on a JD payout marks every
/// payout from JD as sales, in the book; the book reloads with them, and a
/// promotion without a baseline can now derive it from that history.
#[test]
fn categorising_every_row_like_this_updates_the_book() {
    use ebb::engine::import;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut store = ebb::store::Store::open(&db).unwrap();
    let mut csv = String::from("date,description,amount,counterparty\n");
    for d in ["2026-09-01", "2026-09-08", "2026-09-15", "2026-10-13"] {
        csv.push_str(&format!("{d},payout,9000,JD\n{d},coffee,-20,Cafe\n"));
    }
    let parsed = import::parse("bank.csv", csv.as_bytes(), &Default::default()).unwrap();
    let req = ebb::store::ImportRequest {
        file: "bank.csv",
        hash: "h",
        account: Some("bank"),
        skip_bad_rows: false,
        dry_run: false,
        now: "t",
    };
    store.import(parsed.statement(), &req).unwrap();
    drop(store);

    let mut live = LiveWorker::start(db.clone());
    let mut app = App::new(demo::as_of(), Lang::En, Theme { mono: true });
    let fx = update(&mut app, Action::Start);
    live.step(&mut app, fx, 2);
    let fx = update(&mut app, Action::GoTo(Screen::Transactions));
    live.step(&mut app, fx, 1);
    assert_eq!(app.ledger_len(), 8);
    let row = app
        .ledger
        .rows
        .iter()
        .position(|(_, t)| t.counterparty == "JD")
        .unwrap();
    app.selected = row;
    update(&mut app, Action::BeginCategorise(true));
    for c in "sales".chars() {
        update(&mut app, Action::EditChar(c));
    }
    let fx = update(&mut app, Action::CommitEdit);
    assert!(matches!(
        &fx[..],
        [Effect::Categorise { like_all: true, .. }]
    ));
    // The edit, the reloaded book and its baseline, then the ledger window
    // the reload made stale.
    live.step(&mut app, fx, 3);
    let book = &app.view.as_ref().unwrap().book;
    let cats: Vec<(&str, &str)> = app
        .ledger
        .rows
        .iter()
        .map(|(_, t)| (t.counterparty.as_str(), t.category.as_str()))
        .collect();
    assert_eq!(cats.len(), 8);
    assert_eq!(
        cats.iter().filter(|c| **c == ("JD", "sales")).count(),
        4,
        "{cats:?}"
    );
    assert!(cats.iter().all(|c| c.0 != "Cafe" || c.1.is_empty()));
    // 36000 of sales in the 90 days to 10-20: baseline 400.00 a day.
    let sc = ebb::engine::scenario::ScenarioFile::parse(
        "p.toml",
        "[[promotion]]\nstart = \"2026-11-01\"\nend = \"2026-11-01\"\n",
    )
    .unwrap()
    .scenario()
    .unwrap();
    let p = project(&Request::new(book, &sc, demo::as_of(), 20)).unwrap();
    assert_eq!(
        p.days
            .iter()
            .find(|d| d.date.to_string() == "2026-11-01")
            .unwrap()
            .inflow
            .to_string(),
        "400.00"
    );
    live.stop();
}

/// The import screen's flow through the real worker: a file in inbox/ is
/// previewed (a dry run: nothing written), imported, and undone.
#[test]
fn import_screen_previews_imports_and_undoes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    std::fs::create_dir_all(dir.path().join("inbox")).unwrap();
    std::fs::copy(
        crate::common::fixture("statements/cmb/example-cmb-debit-records.csv"),
        dir.path().join("inbox/cmb.csv"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("inbox/petty-cash.csv"),
        "date,description,amount\n2026-10-01,float,500\n2026-10-02,stamps,-12x\n",
    )
    .unwrap();
    drop(ebb::store::Store::open(&db).unwrap());

    let mut live = LiveWorker::start(db.clone());
    let mut app = App::new(demo::as_of(), Lang::En, Theme { mono: true });
    let fx = update(&mut app, Action::Start);
    live.step(&mut app, fx, 2);
    let fx = update(&mut app, Action::GoTo(Screen::Import));
    live.step(&mut app, fx, 0);
    assert_eq!(app.view.as_ref().unwrap().inbox.len(), 2);
    let fx = update(&mut app, Action::PreviewSelected);
    live.step(&mut app, fx, 1);
    let p = app.preview.clone().unwrap();
    let r = p.report.as_ref().unwrap();
    assert_eq!(
        (r.profile.as_str(), r.account.as_str(), r.added),
        ("cmb-debit", "cmb", 5)
    );
    assert_eq!(p.sample.len(), 5);
    let count = || {
        rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT count(*) FROM transactions", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
    };
    assert_eq!(count(), 0, "a preview writes nothing");
    let fx = update(&mut app, Action::ConfirmImport(false));
    live.step(&mut app, fx, 3); // finished, book reloaded, baseline
    assert_eq!(count(), 5);
    assert!(app.status.as_deref().unwrap().contains("5 added"));
    assert_eq!(app.view.as_ref().unwrap().imports.len(), 1);
    // The petty-cash file has a bad row: y refuses, Y imports the good one
    // into an account named after the file.
    app.selected = 1;
    let fx = update(&mut app, Action::PreviewSelected);
    live.step(&mut app, fx, 1);
    assert_eq!(app.preview.as_ref().unwrap().errors.len(), 1);
    assert!(update(&mut app, Action::ConfirmImport(false)).is_empty());
    let fx = update(&mut app, Action::ConfirmImport(true));
    live.step(&mut app, fx, 3);
    assert_eq!(count(), 6);
    let fx = update(&mut app, Action::UndoLastImport);
    live.step(&mut app, fx, 3);
    assert_eq!(count(), 5);
    assert!(app.status.as_deref().unwrap().starts_with("Undid import 2"));
    live.stop();
}

/// The import preview of a spreadsheet names its sheet, and the preview of
/// a wallet export lists the card payments the book's statements already
/// hold, each shown beside its statement row.
#[test]
fn import_preview_shows_the_sheet_and_the_payments_found_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    std::fs::create_dir_all(dir.path().join("inbox")).unwrap();
    for (from, to) in [
        (
            "statements/citic/example-citic-credit-records.xls",
            "inbox/citic.xls",
        ),
        ("statements/jd/example-jd-records.csv", "inbox/jd.csv"),
    ] {
        std::fs::copy(crate::common::fixture(from), dir.path().join(to)).unwrap();
    }
    {
        let mut store = ebb::store::Store::open(&db).unwrap();
        let path = crate::common::fixture("statements/boc/example-boc-credit-records.csv");
        let opened = ebb::ingest::open(&path, "boc.csv", &Default::default(), |_| {}).unwrap();
        let req = ebb::store::ImportRequest {
            file: "boc.csv",
            hash: &opened.hash,
            account: None,
            skip_bad_rows: false,
            dry_run: false,
            now: "2026-11-22 09:00:00",
        };
        store.import(opened.statement, &req).unwrap();
    }
    let mut live = LiveWorker::start(db.clone());
    let mut app = App::new(demo::as_of(), Lang::En, Theme { mono: true });
    let fx = update(&mut app, Action::Start);
    live.step(&mut app, fx, 2);
    let fx = update(&mut app, Action::GoTo(Screen::Import));
    live.step(&mut app, fx, 0);
    assert_eq!(
        app.view.as_ref().unwrap().inbox.len(),
        2,
        "the .xls is listed"
    );
    let fx = update(&mut app, Action::PreviewSelected);
    live.step(&mut app, fx, 1);
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("┌ citic.xls · sheet 本期账单明细(人民币) ─")
            && screen.contains("account citic-credit-6688"),
        "{screen}"
    );
    assert!(screen.contains("13 new"), "{screen}");
    app.selected = 1;
    let fx = update(&mut app, Action::PreviewSelected);
    live.step(&mut app, fx, 1);
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("21 paid by card · 9 also in a statement · 0 to confirm"),
        "{screen}"
    );
    assert!(
        screen.contains("2024-12-21    -¥68.19 京东京造暖星智能双人 = boc-credit 网银在线"),
        "{screen}"
    );
    live.stop();
}

/// The lab's negotiated plan is offered for the account that locks, the day
/// after the lock, and the projection changes with it.
#[test]
fn the_lab_negotiates_a_plan_for_the_locked_account() {
    use ebb::tui::app::Param;
    let mut app = demo_app(Lang::En);
    let fx = update(&mut app, Action::GoTo(Screen::Lab));
    settle(&mut app, fx);
    let before = app.current().unwrap().summary.penalty_total;
    app.selected = Param::ALL.iter().position(|p| *p == Param::Plan).unwrap();
    let fx = update(&mut app, Action::Adjust(1));
    settle(&mut app, fx);
    let plan = &app.lab.as_ref().unwrap().plans[0];
    assert_eq!(
        (
            plan.account.as_str(),
            plan.date.to_string().as_str(),
            plan.periods
        ),
        ("baitiao", "2026-11-23", 3)
    );
    let after = app.current().unwrap().summary.penalty_total;
    assert!(
        after < before,
        "penalty stops once the debt is rescheduled: {before} → {after}"
    );
    // Typing a date where the promotion would end before it starts is refused.
    app.selected = Param::ALL.iter().position(|p| *p == Param::End).unwrap();
    update(&mut app, Action::BeginEdit);
    for _ in 0..10 {
        update(&mut app, Action::EditBackspace);
    }
    for c in "2026-10-01".chars() {
        update(&mut app, Action::EditChar(c));
    }
    assert!(update(&mut app, Action::CommitEdit).is_empty());
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("start on or before its end"),
        "{:?}",
        app.status
    );
}
