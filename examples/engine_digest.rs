//! The engine's numbers on thousands of random books, as one digest per
//! book: `scripts/engine-diff.sh` runs this at two revisions and compares,
//! so a change meant to keep the numbers (a speed-up, a tidy-up) can show
//! that it does. RULES.md is a contract: the same inputs give the same
//! numbers, to the cent and to the event text.
//!
//!   cargo run --release --example engine_digest -- [BOOKS] [SEED|all]
//!
//! Prints a digest per book with `all`, the whole projection of one book
//! with its seed, and always the digest of everything last. Each book has
//! cash and credit accounts of every preset, bills in every state, sub-cent
//! amounts, purchases, recurring and scheduled flows; each is projected
//! under an empty scenario and a random one (promotions, delays, scales,
//! one-offs, conversions, plans, bridges), with and without a bridge and a
//! prestock override, and summary-only. Every 16th book also gives the two solvers' answers
//! and a small Monte Carlo stress of its scenario (which share prepared
//! books and resume from checkpoints).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a dev tool: fail loudly

use chrono::{Days, NaiveDate, Weekday};
use ebb::engine::book::*;
use ebb::engine::credit::{PaymentPolicy, PolicyOverrides, Preset};
use ebb::engine::money::Money;
use ebb::engine::projection::{Projection, Request, project};
use ebb::engine::scenario::*;
use ebb::engine::{montecarlo, solve};
use rand::{Rng, SeedableRng, rngs::StdRng};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::fmt::Write;

fn c(r: &mut StdRng, lo: i64, hi: i64) -> Money {
    let v = r.random_range(lo..hi);
    if r.random_bool(0.03) {
        Money::new(Decimal::new(v * 10 + r.random_range(0..10), 3))
    } else {
        Money::from_cents(v)
    }
}
fn dt(base: NaiveDate, off: i64) -> NaiveDate {
    if off >= 0 {
        base + Days::new(off as u64)
    } else {
        base - Days::new((-off) as u64)
    }
}
fn rate(r: &mut StdRng, max_milli: i64) -> Decimal {
    Decimal::new(r.random_range(0..max_milli), 3)
}

fn make(seed: u64) -> (Book, Scenario, NaiveDate, u32) {
    let r = &mut StdRng::seed_from_u64(seed);
    let as_of = dt(
        NaiveDate::from_ymd_opt(2026, 10, 20).unwrap(),
        r.random_range(-200..200),
    );
    let mut b = Book {
        reserve: c(r, 0, 3_000_000),
        ..Book::default()
    };
    for i in 0..r.random_range(0..6) {
        b.calendar
            .holidays
            .insert(dt(as_of, r.random_range(0..60) + i));
    }
    let ncash = r.random_range(1..3);
    for i in 0..ncash {
        b.accounts.push(Account {
            name: format!("bank{i}"),
            kind: if i == 0 {
                AccountKind::Bank
            } else {
                AccountKind::Wallet
            },
            opening_balance: if r.random_bool(0.8) {
                Some(c(r, -100_000, 5_000_000))
            } else {
                None
            },
            opening_date: if r.random_bool(0.3) {
                Some(dt(as_of, -30))
            } else {
                None
            },
            credit: None,
        });
        for _ in 0..r.random_range(0..8) {
            b.transactions.push(Transaction {
                account: format!("bank{i}"),
                date: dt(as_of, r.random_range(-100..1)),
                amount: c(r, -300_000, 300_000),
                balance: if r.random_bool(0.3) {
                    Some(c(r, 0, 3_000_000))
                } else {
                    None
                },
                description: String::new(),
                counterparty: String::new(),
                category: if r.random_bool(0.5) {
                    "sales".into()
                } else {
                    String::new()
                },
            });
        }
    }
    b.transactions.sort_by_key(|t| t.date);
    let ncred = r.random_range(0..5);
    for i in 0..ncred {
        let preset = Preset::ALL[r.random_range(0..5)];
        let mut ov = PolicyOverrides::default();
        if r.random_bool(0.4) {
            ov.payment_policy = Some(
                [
                    PaymentPolicy::Full,
                    PaymentPolicy::Minimum,
                    PaymentPolicy::KeepReserve,
                ][r.random_range(0..3)],
            );
        }
        if r.random_bool(0.2) && preset != Preset::JdJincaiWeekly {
            ov.statement_day = Some(r.random_range(1..29));
        }
        if r.random_bool(0.2) {
            ov.min_payment_ratio = Some(Decimal::new(r.random_range(1..10), 1));
        }
        if r.random_bool(0.2) {
            ov.revolving_daily_rate = Some(Decimal::new(r.random_range(0..10), 4));
        }
        if r.random_bool(0.2) {
            ov.limit_cut_on_lock = Some(Decimal::new(r.random_range(0..10), 1));
        }
        if r.random_bool(0.2) {
            ov.service_fee_rate = Some(rate(r, 20));
        }
        if r.random_bool(0.2) {
            ov.late_fee_rate = Some(rate(r, 100));
            ov.late_fee_min = Some(c(r, 0, 5000));
        }
        let name = format!("cr{i}");
        b.accounts.push(Account {
            name: name.clone(),
            kind: AccountKind::Credit,
            opening_balance: None,
            opening_date: None,
            credit: Some(CreditTerms {
                preset,
                overrides: ov,
                limit: c(r, 0, 10_000_000),
                locked: r.random_bool(0.1),
            }),
        });
        for _ in 0..r.random_range(0..6) {
            let due = dt(as_of, r.random_range(-50..45));
            let amount = c(r, 100, 4_000_000);
            let inst = r.random_bool(0.15);
            b.bills.push(Bill {
                account: name.clone(),
                statement_date: due - Days::new(10),
                due_date: due,
                amount_due: amount,
                min_due: if r.random_bool(0.2) {
                    Some(c(r, 0, 100_000))
                } else {
                    None
                },
                paid: match r.random_range(0..4) {
                    0 => c(r, 0, 100_000).min(amount),
                    1 => amount,
                    _ => Money::ZERO,
                },
                penalty: if r.random_bool(0.2) {
                    c(r, 0, 10_000)
                } else {
                    Money::ZERO
                },
                fees: if r.random_bool(0.2) {
                    c(r, 0, 10_000)
                } else {
                    Money::ZERO
                },
                installment: if inst { Some((1, 3)) } else { None },
                fee: if inst {
                    c(r, 0, 100).min(amount)
                } else {
                    Money::ZERO
                },
                note: String::new(),
            });
        }
        for _ in 0..r.random_range(0..8) {
            b.purchases.push(Purchase {
                account: name.clone(),
                date: dt(as_of, r.random_range(-35..200)),
                amount: c(r, -50_000, 3_000_000),
                label: if r.random_bool(0.5) {
                    "stock".into()
                } else {
                    String::new()
                },
            });
        }
        for _ in 0..r.random_range(0..5) {
            b.transactions.push(Transaction {
                account: name.clone(),
                date: dt(as_of, r.random_range(-40..1)),
                amount: c(r, -300_000, 50_000),
                balance: None,
                description: String::new(),
                counterparty: String::new(),
                category: String::new(),
            });
        }
    }
    for i in 0..r.random_range(0..12) {
        let every = match r.random_range(0..3) {
            0 => Every::Month(if r.random_bool(0.7) {
                Some(r.random_range(1..32))
            } else {
                None
            }),
            1 => Every::Week(
                [Weekday::Mon, Weekday::Tue, Weekday::Fri, Weekday::Sun][r.random_range(0..4)],
            ),
            _ => Every::Days(r.random_range(1..20)),
        };
        b.recurring.push(Recurring {
            name: format!("r{i}"),
            account: format!("bank{}", r.random_range(0..ncash)),
            amount: c(r, -400_000, 500_000),
            every,
            start: if r.random_bool(0.7) {
                Some(dt(as_of, r.random_range(-100..100)))
            } else {
                None
            },
            end: if r.random_bool(0.3) {
                Some(dt(as_of, r.random_range(0..300)))
            } else {
                None
            },
            category: String::new(),
        });
    }
    for _ in 0..r.random_range(0..10) {
        b.scheduled.push(Scheduled {
            date: dt(as_of, r.random_range(-10..400)),
            account: format!("bank{}", r.random_range(0..ncash)),
            amount: c(r, -2_000_000, 2_000_000),
            label: "s".into(),
        });
    }
    let mut sc = Scenario::default();
    let fund = |r: &mut StdRng| {
        if ncred > 0 && r.random_bool(0.4) {
            Funding::Credit(format!("cr{}", r.random_range(0..ncred)))
        } else {
            Funding::Cash
        }
    };
    for _ in 0..r.random_range(0..3) {
        let start = dt(as_of, r.random_range(-5..120));
        sc.promotions.push(Promotion {
            start,
            end: start + Days::new(r.random_range(0..15)),
            baseline_daily_sales: if r.random_bool(0.8) {
                Some(c(r, 0, 2_000_000))
            } else {
                None
            },
            uplift: Decimal::new(r.random_range(0..40), 1),
            platform_fee_rate: rate(r, 200),
            return_rate: rate(r, 500),
            settlement_lag_days: r.random_range(0..30),
            ad_spend_daily: if r.random_bool(0.5) {
                c(r, 0, 300_000)
            } else {
                Money::ZERO
            },
            ad_funding: fund(r),
            prestock: if r.random_bool(0.7) {
                Some(Prestock {
                    date: dt(start, -r.random_range(0..10)),
                    amount: c(r, 0, 30_000_000),
                    funding: fund(r),
                })
            } else {
                None
            },
            post_promo_dip: rate(r, 500),
            dip_days: r.random_range(0..10),
        });
    }
    for _ in 0..r.random_range(0..2) {
        let from = dt(as_of, r.random_range(0..100));
        sc.delays.push(DelayInflows {
            from,
            to: from + Days::new(r.random_range(0..60)),
            days: r.random_range(0..20),
        });
    }
    for _ in 0..r.random_range(0..2) {
        let from = dt(as_of, r.random_range(0..100));
        sc.scales.push(Scale {
            from,
            to: from + Days::new(r.random_range(0..60)),
            inflow_factor: Decimal::new(r.random_range(0..2000), 3),
            outflow_factor: Decimal::new(r.random_range(0..2000), 3),
        });
    }
    for _ in 0..r.random_range(0..3) {
        sc.one_offs.push(OneOff {
            date: dt(as_of, r.random_range(0..200)),
            amount: c(r, -3_000_000, 3_000_000),
            account: format!("bank{}", r.random_range(0..ncash)),
            label: "o".into(),
        });
    }
    if ncred > 0 {
        for _ in 0..r.random_range(0..3) {
            let acct = format!("cr{}", r.random_range(0..ncred));
            let due = b
                .bills
                .iter()
                .filter(|x| x.account == acct)
                .map(|x| x.due_date)
                .next()
                .unwrap_or(dt(as_of, r.random_range(0..90)));
            let due = if r.random_bool(0.3) {
                dt(as_of, r.random_range(0..90))
            } else {
                due
            };
            sc.conversions.push(Conversion {
                account: acct,
                bill_due: due,
                periods: [3, 6, 12, 5][r.random_range(0..4)],
            });
        }
        for _ in 0..r.random_range(0..2) {
            sc.plans.push(NegotiatedPlan {
                account: format!("cr{}", r.random_range(0..ncred)),
                date: dt(as_of, r.random_range(1..120)),
                periods: r.random_range(1..12),
            });
        }
    }
    for _ in 0..r.random_range(0..2) {
        let date = dt(as_of, r.random_range(-5..100));
        sc.bridges.push(Bridge {
            date,
            amount: c(r, 0, 5_000_000),
            repay_date: date + Days::new(r.random_range(1..120)),
            rate: rate(r, 300),
        });
    }
    let horizon = if r.random_bool(0.1) {
        r.random_range(0..740)
    } else {
        r.random_range(1..400)
    };
    (b, sc, as_of, horizon)
}

fn n(m: Money) -> String {
    m.decimal().normalize().to_string()
}

fn digest(p: &Projection, out: &mut String) {
    let _ = write!(out, "{} {} {} |", p.as_of, p.horizon, n(p.start_cash));
    for d in &p.days {
        let _ = write!(
            out,
            "{} {} {} {}",
            d.date,
            n(d.cash),
            n(d.inflow),
            n(d.outflow)
        );
        for (k, v) in d.credit.iter() {
            let _ = write!(out, " {k}:{}:{}:{}", n(v.owed), n(v.available), v.locked);
        }
        out.push('\n');
    }
    for e in &p.events {
        let _ = writeln!(
            out,
            "{} {} {:?} {} {:?} {}",
            e.date,
            e.kind,
            e.account,
            n(e.amount),
            e.reference,
            e.detail
        );
    }
    let s = &p.summary;
    let _ = writeln!(
        out,
        "{:?} {} {} {:?} {:?} {} {} {:?} {} {} {}",
        s.risk,
        n(s.min_cash),
        s.min_cash_date,
        s.first_shortfall_date,
        s.runway_days,
        s.overdue_bills,
        s.max_days_past_due,
        s.locks,
        n(s.penalty_total),
        n(s.fee_total),
        n(s.interest_total)
    );
    let _ = writeln!(out, "{:?}", p.warnings);
    let bd = &p.bounds;
    let _ = writeln!(
        out,
        "{} {} {} {}",
        n(bd.positive_flows),
        n(bd.negative_flows),
        n(bd.owed_at_as_of),
        n(bd.credit_purchases)
    );
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn main() {
    let n_cases: u64 = std::env::args()
        .nth(1)
        .map_or(20_000, |s| s.parse().unwrap());
    let verbose = std::env::args().nth(2);
    let mut all = Sha256::new();
    for seed in 0..n_cases {
        let (b, sc, as_of, h) = make(seed);
        let mut out = String::new();
        for scen in [&Scenario::default(), &sc] {
            match project(&Request::new(&b, scen, as_of, h)) {
                Ok(p) => digest(&p, &mut out),
                Err(e) => {
                    let _ = writeln!(out, "ERR {e}");
                }
            }
            // Summary only, as the solvers and Monte Carlo run.
            let lean = Request {
                summary_only: true,
                ..Request::new(&b, scen, as_of, h)
            };
            if let Ok(p) = project(&lean) {
                digest(&p, &mut out);
            }
            let mut rq = Request::new(&b, scen, as_of, h);
            rq.extra_inflow = Money::from_cents(1_000_000);
            rq.prestock_override = Some(Money::from_cents(12345));
            match project(&rq) {
                Ok(p) => digest(&p, &mut out),
                Err(e) => {
                    let _ = writeln!(out, "ERR {e}");
                }
            }
        }
        if seed % 16 == 0 {
            let req = Request::new(&b, &sc, as_of, h);
            if let Ok(run) = project(&req) {
                let bridge = solve::required_bridge(&req, &run);
                let prestock = solve::largest_safe_prestock(&req, &run);
                let _ = writeln!(out, "solve {bridge:?} {prestock:?}");
            }
            let mc = montecarlo::stress(&b, &sc, as_of, h, 24, seed, &|_| true);
            let _ = writeln!(out, "mc {mc:?}");
        }
        if verbose.as_deref() == Some(&seed.to_string()) {
            println!("{out}");
        }
        let h = Sha256::digest(out.as_bytes());
        if verbose.as_deref() == Some("all") {
            println!("{seed} {}", hex(&h));
        }
        all.update(h);
    }
    println!("{}", hex(&all.finalize()));
}
