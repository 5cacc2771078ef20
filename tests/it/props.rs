//! Property tests of the projection and the store (STYLE.md §10), on random
//! books.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use ebb::engine::book::{Account, AccountKind, Bill, Book, CreditTerms, Scheduled};
use ebb::engine::credit::{PolicyOverrides, Preset};
use ebb::engine::money::Money;
use ebb::engine::projection::{Request, project};
use ebb::engine::report::ForecastJson;
use ebb::engine::scenario::{DelayInflows, Scale, Scenario};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 20).unwrap()
}

fn cents(lo: i64, hi: i64) -> impl Strategy<Value = Money> {
    (lo..hi).prop_map(Money::from_cents)
}

fn flows() -> impl Strategy<Value = Vec<Scheduled>> {
    prop::collection::vec((1u64..60, cents(-500_000, 500_000)), 0..12).prop_map(|v| {
        v.into_iter()
            .map(|(d, amount)| Scheduled {
                date: as_of() + Days::new(d),
                account: "bank".into(),
                amount,
                label: format!("f{d}"),
            })
            .collect()
    })
}

fn bills() -> impl Strategy<Value = (Preset, Vec<Bill>)> {
    let preset = prop::sample::select(Preset::ALL.to_vec());
    let bill =
        (-20i64..40, cents(100, 3_000_000), 0u32..3).prop_map(|(due, amount, paid_part)| Bill {
            account: "credit".into(),
            statement_date: as_of() - Days::new(40),
            due_date: if due >= 0 {
                as_of() + Days::new(due as u64)
            } else {
                as_of() - Days::new((-due) as u64)
            },
            amount_due: amount,
            min_due: None,
            paid: match paid_part {
                0 => Money::ZERO,
                1 => Money::rounded(amount.decimal() / rust_decimal::Decimal::from(7)),
                _ => amount,
            },
            penalty: Money::ZERO,
            fees: Money::ZERO,
            installment: None,
            fee: Money::ZERO,
            note: String::new(),
        });
    (preset, prop::collection::vec(bill, 0..4))
}

fn book(open: Money, scheduled: Vec<Scheduled>, preset: Preset, bills: Vec<Bill>) -> Book {
    let mut accounts = vec![Account {
        name: "bank".into(),
        kind: AccountKind::Bank,
        opening_balance: Some(open),
        opening_date: None,
        credit: None,
    }];
    if !bills.is_empty() {
        accounts.push(Account {
            name: "credit".into(),
            kind: AccountKind::Credit,
            opening_balance: None,
            opening_date: None,
            credit: Some(CreditTerms {
                preset,
                overrides: PolicyOverrides {
                    statement_day: Some(5).filter(|_| preset != Preset::JdJincaiWeekly),
                    ..Default::default()
                },
                limit: Money::from_cents(5_000_000),
                locked: false,
            }),
        });
    }
    Book {
        currency: "CNY".into(),
        reserve: Money::from_cents(100_000),
        accounts,
        scheduled,
        bills,
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Without credit activity, closing cash = start cash + every flow, and
    /// every day cash(d) = cash(d − 1) + inflow − outflow.
    #[test]
    fn cash_is_conserved_without_credit(open in cents(-1_000_000, 10_000_000), f in flows()) {
        let b = book(open, f.clone(), Preset::JdBaitiao, vec![]);
        let sc = Scenario::default();
        let p = project(&Request::new(&b, &sc, as_of(), 90)).unwrap();
        let total: Money = f.iter().map(|s| s.amount).sum();
        prop_assert_eq!(p.days.last().unwrap().cash, open + total);
        let mut prev = p.start_cash;
        for d in &p.days {
            prop_assert_eq!(d.cash, prev + d.inflow - d.outflow);
            prev = d.cash;
        }
    }

    /// An empty scenario, a scale of 1 and a delay of 0 days reproduce the
    /// baseline exactly; the day identity holds with credit activity too.
    #[test]
    fn neutral_scenarios_reproduce_the_baseline(open in cents(0, 6_000_000), f in flows(), (preset, bs) in bills()) {
        let b = book(open, f, preset, bs);
        let base = project(&Request::new(&b, &Scenario::default(), as_of(), 60)).unwrap();
        let neutral = Scenario {
            name: Some("neutral".into()),
            scales: vec![Scale { from: as_of(), to: as_of() + Days::new(60), inflow_factor: 1.into(), outflow_factor: 1.into() }],
            delays: vec![DelayInflows { from: as_of(), to: as_of() + Days::new(60), days: 0 }],
            ..Default::default()
        };
        let p = project(&Request::new(&b, &neutral, as_of(), 60)).unwrap();
        prop_assert_eq!(&p.days, &base.days);
        prop_assert_eq!(&p.events, &base.events);
        prop_assert_eq!(&p.summary, &base.summary);
        let mut prev = base.start_cash;
        for d in &base.days {
            prop_assert_eq!(d.cash, prev + d.inflow - d.outflow);
            prev = d.cash;
        }
    }

    /// More cash on day 1 never raises the risk level.
    #[test]
    fn more_cash_never_raises_risk(open in cents(0, 4_000_000), f in flows(), (preset, bs) in bills(), extra in cents(1, 5_000_000)) {
        let b = book(open, f, preset, bs);
        let sc = Scenario::default();
        let req = Request::new(&b, &sc, as_of(), 60);
        let base = project(&req).unwrap().summary.risk;
        let more = project(&Request { extra_inflow: extra, ..req.clone() }).unwrap().summary.risk;
        prop_assert!(more <= base, "{:?} with {} more, {:?} without", more, extra, base);
    }

    /// A summary-only run (what the solvers and Monte Carlo ask for) gives
    /// the full run's summary and bounds, and keeps no days or events.
    #[test]
    fn summary_only_runs_agree_with_full_runs(open in cents(-500_000, 4_000_000), f in flows(), (preset, bs) in bills(), extra in cents(0, 2_000_000)) {
        let b = book(open, f, preset, bs);
        let sc = Scenario::default();
        let req = Request { extra_inflow: extra, ..Request::new(&b, &sc, as_of(), 120) };
        let full = project(&req).unwrap();
        let lean = project(&Request { summary_only: true, ..req.clone() }).unwrap();
        prop_assert_eq!(&lean.summary, &full.summary);
        prop_assert_eq!(&lean.bounds, &full.bounds);
        prop_assert!(lean.days.is_empty() && lean.events.is_empty());
    }

    /// The JSON document round-trips: every amount parses back to the same
    /// exact value.
    #[test]
    fn forecast_json_round_trips(open in cents(0, 4_000_000), f in flows(), (preset, bs) in bills()) {
        let b = book(open, f, preset, bs);
        let sc = Scenario::default();
        let p = project(&Request::new(&b, &sc, as_of(), 45)).unwrap();
        let text = serde_json::to_string(&ForecastJson::new(&p, None, "CNY", None, None)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let again: serde_json::Value = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        prop_assert_eq!(&again, &v);
        for (d, j) in p.days.iter().zip(v["days"].as_array().unwrap()) {
            prop_assert_eq!(j["cash"].as_str().unwrap().parse::<Money>().unwrap(), d.cash);
            prop_assert_eq!(j["date"].as_str().unwrap(), d.date.to_string());
            prop_assert_eq!(j["credit"].as_object().unwrap().len(), d.credit.len());
            for (name, c) in d.credit.iter() {
                prop_assert_eq!(j["credit"][name]["owed"].as_str().unwrap().parse::<Money>().unwrap(), c.owed);
                prop_assert_eq!(j["credit"][name]["locked"].as_bool().unwrap(), c.locked);
            }
        }
        for (e, j) in p.events.iter().zip(v["events"].as_array().unwrap()) {
            prop_assert_eq!(j["amount"].as_str().unwrap().parse::<Money>().unwrap(), e.amount);
            prop_assert_eq!(j["kind"].as_str().unwrap(), e.kind.name());
        }
    }

    /// Importing then summing through the store equals summing the parsed
    /// decimals exactly, extreme amounts included.
    #[test]
    fn store_sums_equal_parsed_sums(amounts in prop::collection::vec(-9_000_000_000_000i64..9_000_000_000_000, 1..40)) {
        let mut csv = String::from("date,description,amount\n");
        for (i, c) in amounts.iter().enumerate() {
            csv.push_str(&format!("2026-10-{:02},row {i},{}\n", 1 + i % 28, Money::from_cents(*c)));
        }
        let parsed = ebb::engine::import::parse("gen.csv", csv.as_bytes(), &Default::default()).unwrap();
        let mut store = ebb::store::Store::open_in_memory().unwrap();
        let req = ebb::store::ImportRequest { file: "gen.csv", hash: "h", account: Some("bank"), skip_bad_rows: false, dry_run: false, now: "t" };
        store.import(parsed.statement(), &req).unwrap();
        let stored: Money = store.transactions(None, None, None).unwrap().iter().map(|t| t.amount).sum();
        let want: Money = amounts.iter().map(|c| Money::from_cents(*c)).sum();
        prop_assert_eq!(stored, want);
    }
}

#[test]
fn an_amount_too_large_to_store_is_an_error_not_a_wrap() {
    let csv = "date,description,amount\n2026-10-01,huge,99999999999999999999.00\n";
    let parsed =
        ebb::engine::import::parse("huge.csv", csv.as_bytes(), &Default::default()).unwrap();
    assert_eq!(parsed.errors.len(), 1);
    assert!(
        parsed.errors[0].to_string().contains("too large"),
        "{}",
        parsed.errors[0]
    );
}

#[test]
fn an_amount_finer_than_the_engine_keeps_is_an_error_not_a_rounding() {
    let mut f = vec![Scheduled {
        date: as_of() + Days::new(3),
        account: "bank".into(),
        amount: "12.000000001".parse().unwrap(),
        label: "odd".into(),
    }];
    let b = book(Money::from_cents(100), f.clone(), Preset::JdBaitiao, vec![]);
    let err = project(&Request::new(&b, &Scenario::default(), as_of(), 30)).unwrap_err();
    assert!(
        err.to_string()
            .contains("12.000000001 has more than 8 decimal places"),
        "{err}"
    );
    // Eight places are kept exactly, and come back as they went in.
    f[0].amount = "12.00000001".parse().unwrap();
    let b = book(Money::from_cents(100), f, Preset::JdBaitiao, vec![]);
    let p = project(&Request::new(&b, &Scenario::default(), as_of(), 30)).unwrap();
    assert_eq!(p.days.last().unwrap().cash, "13.00000001".parse().unwrap());
}
