//! The worker: owns the store, runs the engine, answers with `Action`s. It
//! runs on its own thread so the UI never waits for SQLite or a projection;
//! of several queued projection requests only the newest is computed.
//!
//! Owns: the book source and the cached book. Must not: draw.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use chrono::NaiveDate;
use tokio::sync::mpsc::UnboundedSender;

use crate::engine::book::Book;
use crate::engine::projection::{Request, project};
use crate::engine::scenario::{Scenario, ScenarioFile};
use crate::engine::solve;
use crate::store::Store;
use crate::tui::action::Action;
use crate::tui::app::BookView;
use crate::tui::effect::Effect;

/// Which book the dashboard shows.
#[derive(Clone, Debug)]
pub enum Source {
    /// The embedded demo business, in memory.
    Demo,
    /// A book file.
    Book(PathBuf),
}

type Opened = (Store, String, Vec<(String, Scenario)>);

/// Loads the book and its saved scenarios.
pub fn load(source: &Source, as_of: NaiveDate, horizon: u32) -> Result<BookView, String> {
    let (store, title, scenarios) = open(source)?;
    view_of(&store, title, scenarios, as_of, horizon)
}

fn view_of(
    store: &Store,
    title: String,
    scenarios: Vec<(String, Scenario)>,
    as_of: NaiveDate,
    horizon: u32,
) -> Result<BookView, String> {
    let book = store.load_book().map_err(|e| e.to_string())?;
    Ok(BookView::new(title, book, scenarios, as_of, horizon))
}

/// Opens the store of a source, with the title and the saved scenarios.
fn open(source: &Source) -> Result<Opened, String> {
    Ok(match source {
        Source::Demo => {
            let store = crate::demo::load().map_err(|e| e.to_string())?;
            let mut list = Vec::new();
            for (name, _) in crate::demo::SCENARIOS {
                let sc = crate::demo::scenario(name).and_then(|f| {
                    f.scenario()
                        .map_err(|e| crate::demo::DemoError::Sample(e.to_string()))
                });
                list.push((name.to_string(), sc.map_err(|e| e.to_string())?));
            }
            (store, "暖居小家电 (demo)".to_string(), list)
        }
        Source::Book(path) => {
            let store =
                Store::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            let mut list = Vec::new();
            let dir = path
                .parent()
                .map(|p| p.join("scenarios"))
                .unwrap_or_default();
            if let Ok(entries) = std::fs::read_dir(&dir) {
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect();
                files.sort();
                for f in files {
                    let text =
                        std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
                    let sf = ScenarioFile::parse(&f.display().to_string(), &text)
                        .map_err(|e| e.to_string())?;
                    let sc = sf.scenario().map_err(|e| e.to_string())?;
                    let name = sc.name.clone().unwrap_or_else(|| {
                        f.file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    });
                    list.push((name, sc));
                }
            }
            (store, path.display().to_string(), list)
        }
    })
}

/// The worker loop: runs until the UI drops its sender.
pub fn run(source: Source, effects: Receiver<Effect>, actions: UnboundedSender<Action>) {
    let mut book: Option<Book> = None;
    let mut opened: Option<Opened> = None;
    // A reload after an edit answers as generation 0: it refreshes the
    // baseline and never overrides a newer scenario run.
    let generation_of_reload = 0;
    let mut as_of = NaiveDate::default();
    let mut horizon = 90;
    while let Ok(first) = effects.recv() {
        // Keep only the newest projection request of what is queued.
        let mut batch = vec![first];
        while let Ok(e) = effects.try_recv() {
            batch.push(e);
        }
        let newest_project = batch
            .iter()
            .rposition(|e| matches!(e, Effect::Project { .. }));
        for (i, effect) in batch.into_iter().enumerate() {
            let reply = match effect {
                Effect::Load {
                    generation,
                    as_of: day,
                    horizon: days,
                } => {
                    as_of = day;
                    horizon = days;
                    match open(&source) {
                        Ok((st, title, scenarios)) => {
                            let reply = publish(
                                &st,
                                title.clone(),
                                scenarios.clone(),
                                generation,
                                as_of,
                                horizon,
                                &actions,
                                &mut book,
                            );
                            opened = Some((st, title, scenarios));
                            reply
                        }
                        Err(e) => Action::WorkerFailed(e),
                    }
                }
                Effect::Categorise {
                    transaction,
                    category,
                    like_all,
                } => match opened.as_mut() {
                    None => continue,
                    Some((st, title, scenarios)) => {
                        match st.set_category(&transaction, &category, like_all) {
                            Ok(_) => publish(
                                st,
                                title.clone(),
                                scenarios.clone(),
                                generation_of_reload,
                                as_of,
                                horizon,
                                &actions,
                                &mut book,
                            ),
                            Err(e) => Action::WorkerFailed(e.to_string()),
                        }
                    }
                },
                Effect::Project { .. } if Some(i) != newest_project => continue,
                Effect::Project {
                    generation,
                    scenario,
                } => {
                    let Some(b) = &book else { continue };
                    match scenario {
                        None => Action::ProjectionComputed {
                            generation,
                            baseline: None,
                            scenario: None,
                        },
                        Some(sc) => match project(&Request::new(b, &sc, as_of, horizon)) {
                            Ok(p) => Action::ProjectionComputed {
                                generation,
                                baseline: None,
                                scenario: Some(Box::new(p)),
                            },
                            Err(e) => Action::WorkerFailed(e.to_string()),
                        },
                    }
                }
                Effect::SaveScenario { name, scenario } => match &source {
                    Source::Demo => Action::ScenarioSaved {
                        name,
                        scenario: Box::new(scenario),
                        path: None,
                    },
                    Source::Book(db) => {
                        let dir = db
                            .parent()
                            .map(|p| p.join("scenarios"))
                            .unwrap_or_else(|| PathBuf::from("scenarios"));
                        let file = dir.join(format!("{name}.toml"));
                        let text = scenario.to_toml(&name);
                        match std::fs::create_dir_all(&dir)
                            .and_then(|()| std::fs::write(&file, text))
                        {
                            Ok(()) => Action::ScenarioSaved {
                                name,
                                scenario: Box::new(scenario),
                                path: Some(file.display().to_string()),
                            },
                            Err(e) => {
                                Action::WorkerFailed(format!("cannot save {}: {e}", file.display()))
                            }
                        }
                    }
                },
                Effect::Solve {
                    generation,
                    scenario,
                } => {
                    let Some(b) = &book else { continue };
                    let req = Request::new(b, &scenario, as_of, horizon);
                    match project(&req).and_then(|p| {
                        Ok((
                            solve::required_bridge(&req, &p)?,
                            solve::largest_safe_prestock(&req, &p)?,
                        ))
                    }) {
                        Ok((bridge, prestock)) => Action::SolverFinished {
                            generation,
                            bridge,
                            prestock,
                        },
                        Err(e) => Action::WorkerFailed(e.to_string()),
                    }
                }
            };
            if actions.send(reply).is_err() {
                return;
            }
        }
    }
}

/// Sends the loaded book, projects the baseline and returns that answer.
#[allow(clippy::too_many_arguments)]
fn publish(
    store: &Store,
    title: String,
    scenarios: Vec<(String, Scenario)>,
    generation: u64,
    as_of: NaiveDate,
    horizon: u32,
    actions: &UnboundedSender<Action>,
    book: &mut Option<Book>,
) -> Action {
    match view_of(store, title, scenarios, as_of, horizon) {
        Ok(view) => {
            let b = view.book.clone();
            let baseline = project(&Request::new(&b, &Scenario::default(), as_of, horizon));
            *book = Some(b);
            let _ = actions.send(Action::BookLoaded(Box::new(view)));
            match baseline {
                Ok(p) => Action::ProjectionComputed {
                    generation,
                    baseline: Some(Box::new(p)),
                    scenario: None,
                },
                Err(e) => Action::WorkerFailed(e.to_string()),
            }
        }
        Err(e) => Action::WorkerFailed(e),
    }
}
