#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark: failing loudly is right
//! Key press to redrawn frame in the scenario lab, on the demo book:
//! `update(Adjust)` → the worker's projection → `update(ProjectionComputed)`
//! → `render` on a 120×40 `TestBackend`. Run with `cargo bench --bench
//! lab_keypress`; the README's performance table quotes its output.

use std::time::{Duration, Instant};

use ebb::engine::projection::{Request, project};
use ebb::tui::app::{App, Screen};
use ebb::tui::theme::Theme;
use ebb::tui::update::update;
use ebb::tui::{Action, Effect, Lang};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    let as_of = ebb::demo::as_of();
    let view =
        ebb::tui::worker::load(&ebb::tui::worker::Source::Demo, as_of, 90).expect("demo loads");
    let book = view.book.clone();
    let mut app = App::new(as_of, Lang::En, Theme { mono: false });
    app.active = Some(0);
    update(&mut app, Action::Start);
    let base = project(&Request::new(&book, &Default::default(), as_of, 90)).expect("baseline");
    update(&mut app, Action::BookLoaded(Box::new(view)));
    let generation = app.generation;
    update(
        &mut app,
        Action::ProjectionComputed {
            generation,
            baseline: Some(Box::new(base)),
            scenario: None,
        },
    );
    update(&mut app, Action::GoTo(Screen::Lab));
    for _ in 0..5 {
        update(&mut app, Action::SelectNext); // the prestock row
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("backend");
    let mut samples: Vec<Duration> = Vec::new();
    for i in 0..400 {
        let start = Instant::now();
        let dir = if i % 2 == 0 { -1 } else { 1 };
        for effect in update(&mut app, Action::Adjust(dir)) {
            if let Effect::Project {
                generation,
                scenario: Some(sc),
            } = effect
            {
                let p = project(&Request::new(&book, &sc, as_of, 90)).expect("projection");
                update(
                    &mut app,
                    Action::ProjectionComputed {
                        generation,
                        baseline: None,
                        scenario: Some(Box::new(p)),
                    },
                );
            }
        }
        terminal
            .draw(|f| ebb::tui::view::render(&app, f))
            .expect("draw");
        if i >= 20 {
            samples.push(start.elapsed());
        }
    }
    samples.sort();
    let pct = |p: usize| samples[(samples.len() * p / 100).min(samples.len() - 1)];
    println!(
        "lab key press → redrawn frame (demo book, 90 days, 120×40), {} samples",
        samples.len()
    );
    println!(
        "  median {:.2} ms   p95 {:.2} ms   max {:.2} ms",
        ms(pct(50)),
        ms(pct(95)),
        ms(*samples.last().unwrap_or(&Duration::ZERO))
    );
    println!(
        "  target < 16 ms: {}",
        if pct(95) < Duration::from_millis(16) {
            "met"
        } else {
            "MISSED"
        }
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
