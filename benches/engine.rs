#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark: failing loudly is right
//! The engine at the size of a busy small business (performance issue):
//! 10 accounts (4 cash, 6 credit on every preset), 200 recurring flows,
//! 50 open bills, and a Double-11 promotion whose prestock (paid in cash)
//! the business cannot afford, so both solvers have work to do.
//! - `projection/730d`: one projection of two years, day by day;
//! - `solve/bridge`, `solve/prestock`: the two solvers on that book;
//! - `montecarlo/10k x 365d`: 10,000 stress paths of a year, on all cores.
//!
//! Run with `cargo bench --bench engine`; the README quotes the medians.

use criterion::{Criterion, criterion_group, criterion_main};

use ebb::engine::book::Book;
use ebb::engine::bookfile::BookFile;
use ebb::engine::projection::{Request, project};
use ebb::engine::scenario::{Scenario, ScenarioFile};
use ebb::engine::{montecarlo, solve};
use ebb::store::Store;

fn as_of() -> chrono::NaiveDate {
    "2026-10-20".parse().unwrap()
}

/// The book, built through the real book file and store.
fn book() -> Book {
    let mut t = String::from("reserve = 20000\n");
    for (name, kind, open) in [
        ("bank-a", "bank", 30000),
        ("bank-b", "bank", 80000),
        ("alipay", "wallet", 5000),
        ("wechat", "wallet", 3000),
    ] {
        t += &format!(
            "[[account]]\nname = \"{name}\"\nkind = \"{kind}\"\nopening_balance = {open}\nopening_date = \"2026-10-01\"\n"
        );
    }
    let presets = [
        "jd_baitiao",
        "jd_jincai_monthly",
        "jd_jincai_weekly",
        "huabei",
        "credit_card",
        "credit_card",
    ];
    for (i, p) in presets.iter().enumerate() {
        t += &format!(
            "[[account]]\nname = \"credit-{i}\"\nkind = \"credit\"\npreset = \"{p}\"\nlimit = 400000\n"
        );
    }
    // 200 recurring flows: weekly sales and costs, monthly bills and rent.
    for i in 0..200 {
        let account = ["bank-a", "bank-b", "alipay", "wechat"][i % 4];
        let (amount, every) = match i % 5 {
            0 => (
                format!("{}", 2000 + i * 37),
                "every = \"week\"\nday = \"tue\"",
            ),
            1 => (
                format!("-{}", 300 + i * 11),
                "every = \"week\"\nday = \"fri\"",
            ),
            2 => (format!("-{}", 800 + i * 13), "every = \"month\"\nday = 5"),
            3 => (format!("{}", 1500 + i * 7), "every = \"month\"\nday = 15"),
            _ => (format!("-{}", 100 + i), "every = \"month\"\nday = 28"),
        };
        t += &format!(
            "[[recurring]]\nname = \"flow-{i}\"\naccount = \"{account}\"\namount = {amount}\n{every}\nstart = \"2026-01-01\"\n"
        );
    }
    // 50 open bills: statements in September and October, due after as_of.
    for i in 0..50 {
        let account = format!("credit-{}", i % 6);
        let due = as_of() + chrono::Days::new(2 + (i as u64 % 40));
        let statement = due - chrono::Days::new(10);
        t += &format!(
            "[[bill]]\naccount = \"{account}\"\nstatement_date = \"{statement}\"\ndue_date = \"{due}\"\namount_due = {}\npaid = 0\n",
            1000 + i * 173
        );
    }
    let bf = BookFile::parse("bench.toml", &t).expect("book file");
    let mut store = Store::open_in_memory().expect("store");
    store.apply(&bf).expect("apply");
    store.load_book().expect("load")
}

fn promotion() -> Scenario {
    ScenarioFile::parse(
        "double11.toml",
        "[[promotion]]\nstart = \"2026-11-01\"\nend = \"2026-11-11\"\nbaseline_daily_sales = 8000\nuplift = 2.0\n\
         platform_fee_rate = 0.05\nreturn_rate = 0.15\nsettlement_lag_days = 15\nad_spend_daily = 1500\n\
         prestock = { date = \"2026-10-25\", amount = 2000000, funding = \"cash\" }\n",
    )
    .expect("scenario")
    .scenario()
    .expect("resolves")
}

fn engine(c: &mut Criterion) {
    let book = book();
    let sc = promotion();
    let req = Request::new(&book, &sc, as_of(), 730);
    c.bench_function("projection/730d", |b| {
        b.iter(|| project(std::hint::black_box(&req)).expect("runs"))
    });
    let short = Request::new(&book, &sc, as_of(), 90);
    let run = project(&short).expect("runs");
    c.bench_function("solve/bridge", |b| {
        b.iter(|| solve::required_bridge(&short, &run).expect("solves"))
    });
    c.bench_function("solve/prestock", |b| {
        b.iter(|| solve::largest_safe_prestock(&short, &run).expect("solves"))
    });
    let mut g = c.benchmark_group("montecarlo");
    g.sample_size(10);
    g.bench_function("10k x 365d", |b| {
        b.iter(|| montecarlo::stress(&book, &sc, as_of(), 365, 10_000, 7, &|_| true).expect("runs"))
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
