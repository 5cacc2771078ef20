//! The forecast's slim load (`Store::load_book_for`) gives exactly the same
//! projection — numbers, events, summary and warnings — as the whole book.

use proptest::prelude::*;

use ebb::engine::projection::{Projection, Request, project};
use ebb::engine::scenario::{Scenario, ScenarioFile};
use ebb::store::Store;

use crate::common::date;

fn same(store: &Store, sc: &Scenario, as_of: &str, days: u32) -> (Projection, usize, usize) {
    let full = store.load_book().unwrap();
    let slim = store.load_book_for(date(as_of)).unwrap();
    let a = project(&Request::new(&full, sc, date(as_of), days)).unwrap();
    let b = project(&Request::new(&slim, sc, date(as_of), days)).unwrap();
    assert_eq!(a.start_cash, b.start_cash, "start cash as of {as_of}");
    assert_eq!(a.warnings, b.warnings, "warnings as of {as_of}");
    assert_eq!(a.days, b.days, "days as of {as_of}");
    assert_eq!(a.events, b.events, "events as of {as_of}");
    assert_eq!(a.summary, b.summary, "summary as of {as_of}");
    (a, full.transactions.len(), slim.transactions.len())
}

#[test]
fn the_demo_book_projects_the_same_from_the_slim_load() {
    let store = ebb::demo::load().unwrap();
    let d11 = ebb::demo::scenario("double11").unwrap().scenario().unwrap();
    let derived = ScenarioFile::parse(
        "d.toml",
        "[[promotion]]\nstart = \"2026-11-01\"\nend = \"2026-11-05\"\nuplift = 2\n",
    )
    .unwrap()
    .scenario()
    .unwrap();
    let mut store = store;
    // Mark the JD payouts as sales so the derived baseline has history.
    let payout = store
        .load_book()
        .unwrap()
        .transactions
        .into_iter()
        .find(|t| t.description.contains("京东结算"))
        .unwrap();
    store.set_category(&payout, "sales", true).unwrap();
    for as_of in ["2026-02-10", "2026-05-31", "2026-10-20", "2026-12-31"] {
        same(&store, &Scenario::default(), as_of, 90);
        same(&store, &d11, as_of, 120);
        let (p, full, slim) = same(&store, &derived, as_of, 60);
        assert!(
            slim < full,
            "the slim load is smaller ({slim} of {full} rows)"
        );
        if as_of == "2026-10-20" {
            assert!(p.days.iter().any(|d| d.inflow.is_positive()));
        }
    }
}

#[test]
fn warnings_survive_the_slim_load() {
    let mut store = Store::open_in_memory().unwrap();
    let bf = ebb::engine::bookfile::BookFile::parse("b.toml", "[[account]]\nname = \"bank\"\nkind = \"bank\"\nopening_balance = 1000\nopening_date = \"2026-01-01\"\n").unwrap();
    store.apply(&bf).unwrap();
    let csv = "date,description,amount,balance\n2025-12-30,before opening,50,\n2026-01-05,a,-100,905\n2026-01-10,b,200,\n2026-02-01,c,-30,1075\n2026-02-03,d,10,\n2026-03-01,e,5,\n";
    let parsed = ebb::engine::import::parse("b.csv", csv.as_bytes(), &Default::default()).unwrap();
    store
        .import(
            parsed.statement(),
            &ebb::store::ImportRequest {
                file: "b.csv",
                hash: "h",
                account: Some("bank"),
                skip_bad_rows: false,
                dry_run: false,
                now: "t",
            },
        )
        .unwrap();
    for as_of in [
        "2025-12-31",
        "2026-01-07",
        "2026-02-02",
        "2026-02-20",
        "2026-04-01",
    ] {
        same(&store, &Scenario::default(), as_of, 30);
    }
    let (p, _, _) = same(&store, &Scenario::default(), "2026-02-20", 30);
    assert_eq!(p.warnings.len(), 1, "reported 1085.00 vs computed 1080.00");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn random_books_project_the_same(
        rows in prop::collection::vec((0u32..400, -50_000i64..50_000, any::<bool>(), 0u8..4), 1..60),
        opening in prop::option::of((0i64..1_000_000, 0u32..300)),
        as_of in 50u32..420,
    ) {
        let start = date("2025-06-01");
        let mut store = Store::open_in_memory().unwrap();
        let mut toml = String::from("[[account]]\nname = \"bank\"\nkind = \"bank\"\n");
        if let Some((cents, day)) = opening {
            toml.push_str(&format!("opening_balance = {}\nopening_date = \"{}\"\n", ebb::engine::money::Money::from_cents(cents), start + chrono::Days::new(u64::from(day))));
        }
        toml.push_str("[[account]]\nname = \"card\"\nkind = \"credit\"\nlimit = 10000\n");
        store.apply(&ebb::engine::bookfile::BookFile::parse("b.toml", &toml).unwrap()).unwrap();
        let mut csv = String::from("date,description,amount,balance,category\n");
        let mut card = String::from("date,description,amount\n");
        for (i, (day, cents, with_balance, kind)) in rows.iter().enumerate() {
            let d = start + chrono::Days::new(u64::from(*day));
            let m = ebb::engine::money::Money::from_cents(*cents);
            if *kind == 3 {
                card.push_str(&format!("{d},buy {i},{}\n", m.abs()));
                continue;
            }
            let balance = if *with_balance { ebb::engine::money::Money::from_cents(cents * 7 + 1000).to_string() } else { String::new() };
            let category = if *kind == 1 { "sales" } else { "" };
            csv.push_str(&format!("{d},row {i},{m},{balance},{category}\n"));
        }
        for (file, text, account) in [("b.csv", csv, "bank"), ("c.csv", card, "card")] {
            if let Ok(parsed) = ebb::engine::import::parse(file, text.as_bytes(), &ebb::engine::import::ParseOptions { target_kind: store.account_kind(account).unwrap(), ..Default::default() }) {
                store.import(parsed.statement(), &ebb::store::ImportRequest { file, hash: "h", account: Some(account), skip_bad_rows: false, dry_run: false, now: "t" }).unwrap();
            }
        }
        let as_of = (start + chrono::Days::new(u64::from(as_of))).to_string();
        let promo = ScenarioFile::parse("p.toml", &format!("[[promotion]]\nstart = \"{}\"\nend = \"{}\"\nuplift = 1\n", date(&as_of) + chrono::Days::new(3), date(&as_of) + chrono::Days::new(5))).unwrap().scenario().unwrap();
        let full = store.load_book().unwrap();
        let slim = store.load_book_for(date(&as_of)).unwrap();
        for sc in [Scenario::default(), promo] {
            let a = project(&Request::new(&full, &sc, date(&as_of), 40));
            let b = project(&Request::new(&slim, &sc, date(&as_of), 40));
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(a.start_cash, b.start_cash);
                    prop_assert_eq!(&a.warnings, &b.warnings);
                    prop_assert_eq!(&a.days, &b.days);
                    prop_assert_eq!(&a.events, &b.events);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "full {:?} vs slim {:?}", a.map(|p| p.start_cash), b.map(|p| p.start_cash)),
            }
        }
    }
}

/// The dashboard's ledger windows (`Store::ledger`): whichever way a window
/// is found — counted from the top, from the end, or by seeking from a row
/// on screen — it holds exactly the rows of the whole ledger at those
/// positions, newest first, filtered like the whole list.
#[test]
fn ledger_windows_match_the_whole_ledger() {
    let mut store = Store::open_in_memory().unwrap();
    let mut csv = String::from("date,description,amount,counterparty\n");
    // 600 rows over 40 days, several a day, two payees.
    for i in 0..600u32 {
        let d = date("2026-01-01") + chrono::Days::new(u64::from((i * 7) % 40));
        let who = if i % 3 == 0 { "JD" } else { "Cafe" };
        csv.push_str(&format!("{d},row {i},-{}.00,{who}\n", i + 1));
    }
    let parsed = ebb::engine::import::parse("b.csv", csv.as_bytes(), &Default::default()).unwrap();
    let req = ebb::store::ImportRequest {
        file: "b.csv",
        hash: "h",
        account: Some("bank"),
        skip_bad_rows: false,
        dry_run: false,
        now: "t",
    };
    store.import(parsed.statement(), &req).unwrap();
    for filter in ["", "jd", "ROW 1"] {
        let (total, all) = store.ledger(filter, 0, 10_000, None, None).unwrap();
        assert_eq!(total as usize, all.len());
        assert!(
            all.windows(2)
                .all(|w| (w[0].1.date, w[0].0) > (w[1].1.date, w[1].0))
        );
        let expect = match filter {
            "" => 600,
            "jd" => 200,
            _ => all
                .iter()
                .filter(|(_, t)| t.description.starts_with("row 1"))
                .count(),
        };
        assert_eq!(total as usize, expect, "filter {filter:?}");
        let ids = |rows: &[(i64, ebb::engine::book::Transaction)]| -> Vec<i64> {
            rows.iter().map(|r| r.0).collect()
        };
        for offset in [
            0u64,
            1,
            37,
            150,
            199,
            250,
            300,
            total.saturating_sub(5),
            total,
        ] {
            let want: Vec<i64> = ids(&all)
                .into_iter()
                .skip(offset as usize)
                .take(50)
                .collect();
            let (n, got) = store.ledger(filter, offset, 50, None, None).unwrap();
            assert_eq!(n, total);
            assert_eq!(ids(&got), want, "{filter:?} from {offset}, counted");
            let (_, got) = store.ledger(filter, offset, 50, None, Some(total)).unwrap();
            assert_eq!(ids(&got), want, "{filter:?} from {offset}, known total");
            for near in [0u64, 10, 100, 180, total.saturating_sub(1)] {
                let Some((id, t)) = all.get(near as usize) else {
                    continue;
                };
                let (_, got) = store
                    .ledger(filter, offset, 50, Some((near, t.date, *id)), Some(total))
                    .unwrap();
                assert_eq!(ids(&got), want, "{filter:?} from {offset} near {near}");
            }
        }
    }
}
