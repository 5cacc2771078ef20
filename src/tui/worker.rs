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
    view_of(&store, title, scenarios, as_of, horizon).map(|v| with_imports(v, &store, source))
}

/// The folder beside the book where statements wait to be imported.
pub fn inbox_dir(source: &Source) -> Option<PathBuf> {
    match source {
        Source::Demo => None,
        Source::Book(db) => Some(
            db.parent()
                .map(|p| p.join("inbox"))
                .unwrap_or_else(|| PathBuf::from("inbox")),
        ),
    }
}

fn with_imports(mut view: BookView, store: &Store, source: &Source) -> BookView {
    if let Some(dir) = inbox_dir(source)
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| {
                    ["csv", "txt", "xlsx", "xls", "ods"]
                        .iter()
                        .any(|e| x.eq_ignore_ascii_case(e))
                })
            })
            .collect();
        files.sort();
        view.inbox = files;
    }
    view.imports = store
        .imports()
        .map(|mut v| {
            v.reverse();
            v
        })
        .unwrap_or_default();
    view
}

/// User profiles from `profiles/` beside the book.
fn user_profiles(source: &Source) -> Vec<crate::engine::import::profile::Profile> {
    let Source::Book(db) = source else {
        return Vec::new();
    };
    let dir = db.parent().map(|p| p.join("profiles")).unwrap_or_default();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| {
            std::fs::read_to_string(f).ok().and_then(|t| {
                crate::engine::import::profile::Profile::from_toml(&f.display().to_string(), &t)
                    .ok()
            })
        })
        .collect()
}

/// The first rows of a file, for the preview.
type Sample = Vec<(NaiveDate, String, crate::engine::money::Money, String)>;

/// Imports a file, streamed (or rolls back with `dry_run`); also returns
/// the first rows read.
fn import_file(
    store: &mut Store,
    source: &Source,
    path: &std::path::Path,
    skip_bad_rows: bool,
    dry_run: bool,
) -> Result<(crate::store::ImportReport, Sample), String> {
    use crate::engine::import::{Holds, Item};
    let name = path.display().to_string();
    let opts = crate::engine::import::ParseOptions {
        user_profiles: user_profiles(source),
        ..Default::default()
    };
    let crate::ingest::Opened {
        statement: st,
        hash,
        ..
    } = crate::ingest::open(path, &name, &opts, |_| {}).map_err(|e| e.to_string())?;
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    // A file in ebb's own format names no account: the dashboard uses the
    // file's name (inbox/icbc-8866.csv → icbc-8866), shown in the preview.
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let account = if st.account.is_none() && st.holds == Holds::Transactions {
        stem.as_deref()
    } else {
        None
    };
    let default = account
        .map(str::to_string)
        .or_else(|| st.account.as_ref().map(|a| a.name.clone()))
        .unwrap_or_default();
    let mut sample: Sample = Vec::new();
    let items = st.items.inspect(|item| {
        if sample.len() >= 8 {
            return;
        }
        match item {
            Item::Tx(r, _) => sample.push((
                r.date,
                r.account
                    .as_ref()
                    .map_or_else(|| default.clone(), |a| a.name.clone()),
                r.amount,
                r.description.clone(),
            )),
            Item::Bill(_, b) => sample.push((
                b.due_date,
                b.account.clone(),
                b.amount_due,
                format!("bill, paid {}", b.paid),
            )),
            _ => {}
        }
    });
    let st = crate::engine::import::Statement {
        items: Box::new(items),
        ..st
    };
    let req = crate::store::ImportRequest {
        file: &name,
        hash: &hash,
        account,
        skip_bad_rows,
        dry_run,
        now: &now,
    };
    let result = crate::ingest::pipelined(st, |st| store.import(st, &req));
    match result {
        Ok(r) => Ok((r, sample)),
        Err(crate::store::StoreError::BadRows { total, .. }) => Err(format!(
            "{name}: {total} bad row(s); press Y to import the good rows, or fix the file"
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// A dry run of importing `path`, with the first rows and every bad row.
fn preview(
    store: &mut Store,
    source: &Source,
    path: &std::path::Path,
) -> crate::tui::app::ImportPreview {
    match import_file(store, source, path, true, true) {
        Ok((report, sample)) => {
            let errors = report.errors.iter().map(ToString::to_string).collect();
            crate::tui::app::ImportPreview {
                path: path.to_path_buf(),
                report: Ok(report),
                sample,
                errors,
            }
        }
        Err(e) => crate::tui::app::ImportPreview {
            path: path.to_path_buf(),
            report: Err(e),
            sample: Vec::new(),
            errors: Vec::new(),
        },
    }
}

fn view_of(
    store: &Store,
    title: String,
    scenarios: Vec<(String, Scenario)>,
    as_of: NaiveDate,
    horizon: u32,
) -> Result<BookView, String> {
    // What the projection needs, not every row: the ledger screen fetches
    // its rows a window at a time.
    let book = store.load_book_for(as_of).map_err(|e| e.to_string())?;
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

/// The worker's state between requests.
struct Worker {
    source: Source,
    actions: UnboundedSender<Action>,
    /// The open store with the book's title and saved scenarios.
    opened: Option<Opened>,
    /// The book as last loaded.
    book: Option<Book>,
    as_of: NaiveDate,
    horizon: u32,
}

/// The generation a reload after an edit answers with: it refreshes the
/// baseline and never overrides a newer scenario run.
const RELOAD: u64 = 0;

impl Worker {
    /// Sends the (re)loaded book and answers with its baseline.
    fn publish(&mut self, generation: u64) -> Action {
        let Some((store, title, scenarios)) = &self.opened else {
            return Action::WorkerFailed("no book is open".into());
        };
        match view_of(
            store,
            title.clone(),
            scenarios.clone(),
            self.as_of,
            self.horizon,
        )
        .map(|v| with_imports(v, store, &self.source))
        {
            Ok(view) => {
                let baseline = project(&Request::new(
                    &view.book,
                    &Scenario::default(),
                    self.as_of,
                    self.horizon,
                ));
                self.book = Some(view.book.clone());
                let _ = self.actions.send(Action::BookLoaded(Box::new(view)));
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

    /// Runs a store edit, then reloads the book; `done` is told first.
    fn edit<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, String>,
        done: impl FnOnce(T) -> Option<Action>,
    ) -> Option<Action> {
        let (store, _, _) = self.opened.as_mut()?;
        Some(match f(store) {
            Ok(v) => {
                if let Some(a) = done(v) {
                    let _ = self.actions.send(a);
                }
                self.publish(RELOAD)
            }
            Err(e) => Action::WorkerFailed(e),
        })
    }

    /// Answers one request; `None` when there is nothing to say.
    fn handle(&mut self, effect: Effect) -> Option<Action> {
        Some(match effect {
            Effect::Load {
                generation,
                as_of,
                horizon,
            } => {
                self.as_of = as_of;
                self.horizon = horizon;
                match open(&self.source) {
                    Ok(opened) => {
                        self.opened = Some(opened);
                        self.publish(generation)
                    }
                    Err(e) => Action::WorkerFailed(e),
                }
            }
            Effect::Ledger {
                filter,
                offset,
                limit,
                near,
                total,
            } => {
                let (store, _, _) = self.opened.as_ref()?;
                return Some(match store.ledger(&filter, offset, limit, near, total) {
                    Ok((total, rows)) => Action::LedgerLoaded {
                        filter,
                        offset,
                        total,
                        rows,
                    },
                    Err(e) => Action::WorkerFailed(e.to_string()),
                });
            }
            Effect::Categorise {
                transaction,
                category,
                like_all,
            } => {
                return self.edit(
                    |st| {
                        st.set_category(&transaction, &category, like_all)
                            .map_err(|e| e.to_string())
                    },
                    |_| None,
                );
            }
            Effect::Import {
                path,
                skip_bad_rows,
            } => {
                let source = self.source.clone();
                return self.edit(
                    |st| import_file(st, &source, &path, skip_bad_rows, false).map(|(r, _)| r),
                    |r| Some(Action::ImportFinished(Box::new(r))),
                );
            }
            Effect::UndoImport { id } => {
                return self.edit(
                    |st| st.undo_import(id).map_err(|e| e.to_string()),
                    |(t, b, _)| Some(Action::ImportUndone(id, t, b)),
                );
            }
            Effect::PreviewImport { path } => {
                let (store, _, _) = self.opened.as_mut()?;
                Action::ImportPreviewed(Box::new(preview(store, &self.source, &path)))
            }
            Effect::Project {
                generation,
                scenario,
            } => {
                let book = self.book.as_ref()?;
                match scenario {
                    None => Action::ProjectionComputed {
                        generation,
                        baseline: None,
                        scenario: None,
                    },
                    Some(sc) => match project(&Request::new(book, &sc, self.as_of, self.horizon)) {
                        Ok(p) => Action::ProjectionComputed {
                            generation,
                            baseline: None,
                            scenario: Some(Box::new(p)),
                        },
                        Err(e) => Action::WorkerFailed(e.to_string()),
                    },
                }
            }
            Effect::MonteCarlo {
                generation,
                scenario,
                runs,
                cancel,
            } => {
                let book = self.book.as_ref()?;
                let tell = self.actions.clone();
                let progress = move |done: u32| {
                    if done % 25 == 0 {
                        let _ = tell.send(Action::MonteCarloProgress { generation, done });
                    }
                    !cancel.load(std::sync::atomic::Ordering::Relaxed)
                };
                let result = crate::engine::montecarlo::stress(
                    book,
                    &scenario,
                    self.as_of,
                    self.horizon,
                    runs,
                    1,
                    &progress,
                )
                .map_err(|e| e.to_string());
                Action::MonteCarloFinished { generation, result }
            }
            Effect::Solve {
                generation,
                scenario,
            } => {
                let book = self.book.as_ref()?;
                let req = Request::new(book, &scenario, self.as_of, self.horizon);
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
            Effect::SaveScenario { name, .. } if !crate::engine::scenario::valid_name(&name) => {
                Action::WorkerFailed(format!("\"{name}\" cannot be a scenario's file name"))
            }
            Effect::SaveScenario { name, scenario } => match &self.source {
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
                    match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, text)) {
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
        })
    }
}

/// The worker loop: runs until the UI drops its sender.
pub fn run(source: Source, effects: Receiver<Effect>, actions: UnboundedSender<Action>) {
    let mut w = Worker {
        source,
        actions,
        opened: None,
        book: None,
        as_of: NaiveDate::default(),
        horizon: 90,
    };
    while let Ok(first) = effects.recv() {
        // Of the projection requests queued, only the newest is computed.
        let mut batch = vec![first];
        while let Ok(e) = effects.try_recv() {
            batch.push(e);
        }
        // So is only the newest ledger window (typing a filter asks for
        // one a key).
        let newest_project = batch
            .iter()
            .rposition(|e| matches!(e, Effect::Project { .. }));
        let newest_ledger = batch
            .iter()
            .rposition(|e| matches!(e, Effect::Ledger { .. }));
        for (i, effect) in batch.into_iter().enumerate() {
            if matches!(effect, Effect::Project { .. }) && Some(i) != newest_project {
                continue;
            }
            if matches!(effect, Effect::Ledger { .. }) && Some(i) != newest_ledger {
                continue;
            }
            if let Some(reply) = w.handle(effect)
                && w.actions.send(reply).is_err()
            {
                return;
            }
        }
    }
}
