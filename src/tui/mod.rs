//! The terminal dashboard: the only layer that knows the terminal or async.
//!
//! Shape (STYLE.md): terminal event → `keymap` → `Action` → `update(&mut
//! App, Action)` → `Vec<Effect>` → the `worker` (which owns the store and
//! runs the engine off the UI task) → `Action::…Computed` back. `view::render`
//! is a pure function of `&App`. Owns: the event loop, terminal set-up and
//! restore (on quit, panic and SIGTERM). Must not: touch SQLite or run a
//! projection on the UI task.

pub mod action;
pub mod app;
pub mod effect;
pub mod i18n;
pub mod keymap;
pub mod theme;
pub mod update;
pub mod view;
pub mod worker;

use std::time::Duration;

use chrono::NaiveDate;
use futures_util::StreamExt;

pub use action::Action;
pub use app::App;
pub use effect::Effect;
pub use i18n::Lang;

/// Runs the dashboard until the user quits. `source` says which book.
pub fn run(
    source: worker::Source,
    as_of: NaiveDate,
    lang: Lang,
    scenario: Option<usize>,
) -> anyhow::Result<()> {
    let (to_worker, from_ui) = std::sync::mpsc::channel::<Effect>();
    let (to_ui, mut from_worker) = tokio::sync::mpsc::unbounded_channel::<Action>();
    let worker = std::thread::Builder::new()
        .name("ebb-worker".into())
        .spawn(move || worker::run(source, from_ui, to_ui))?;
    let mut app = App::new(as_of, lang, theme::Theme::from_env());
    app.active = scenario;
    let mut terminal = ratatui::init();
    // Mouse capture, released on every way out: quit, SIGTERM (below) and
    // panic (this hook runs before ratatui's, which restores the rest).
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A damaged workbook's reader panic is caught on the worker and
        // reported in the preview: the terminal stays as it is.
        if crate::engine::import::sheet::reading_workbook() {
            return;
        }
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
        ratatui_hook(info);
    }));
    let size = terminal.size().unwrap_or_default();
    (app.width, app.height) = (size.width, size.height);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let mut events = crossterm::event::EventStream::new();
        #[cfg(unix)]
        let mut sigterm =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        for e in update::update(&mut app, Action::Start) {
            let _ = to_worker.send(e);
        }
        let mut dirty = true;
        while !app.quit {
            if dirty {
                terminal.draw(|f| view::render(&app, f))?;
                dirty = false;
                test_hook_panic();
                // Start-up benchmark: stop at the first frame with numbers.
                if app.baseline.is_some() && std::env::var_os("EBB_BENCH_FIRST_FRAME").is_some() {
                    break;
                }
            }
            #[cfg(unix)]
            let term = sigterm.recv();
            #[cfg(not(unix))]
            let term = std::future::pending::<Option<()>>();
            let first = tokio::select! {
                ev = events.next() => match ev {
                    Some(Ok(ev)) => keymap::action_for(&app, &ev),
                    Some(Err(e)) => return Err(anyhow::Error::from(e)),
                    None => Some(Action::Quit),
                },
                a = from_worker.recv() => a,
                _ = term => Some(Action::Quit),
                _ = tokio::time::sleep(Duration::from_secs(60)) => None,
            };
            // Apply this action and everything already queued, then draw once.
            let mut queue: Vec<Action> = first.into_iter().collect();
            while let Ok(a) = from_worker.try_recv() {
                queue.push(a);
            }
            for a in queue {
                dirty = true;
                for e in update::update(&mut app, a) {
                    let _ = to_worker.send(e);
                }
            }
        }
        Ok::<(), anyhow::Error>(())
    });
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    ratatui::restore();
    drop(to_worker);
    let _ = worker.join();
    result
}

/// A test hook: with `EBB_TEST_PANIC_AFTER_DRAW` set, panic right after a
/// frame is drawn, so a test can check that the terminal is restored.
#[allow(clippy::panic)]
fn test_hook_panic() {
    if std::env::var_os("EBB_TEST_PANIC_AFTER_DRAW").is_some() {
        panic!("test panic after the first frame (EBB_TEST_PANIC_AFTER_DRAW)");
    }
}
