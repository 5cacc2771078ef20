//! Worked examples of RULES.md: small books whose numbers are computed by
//! hand in the comments. 2026-10-01 is a Thursday.

use crate::common::{book, cash_on, date, events, m, run, scenario};
use ebb::engine::money::Money;
use ebb::engine::projection::{Request, Risk, project};
use ebb::engine::scenario::Scenario;
use ebb::engine::solve;

const BANK: &str = r#"
[[account]]
name = "bank"
kind = "bank"
opening_balance = OPEN
opening_date = "2026-01-01"
"#;

fn bank(open: &str) -> String {
    BANK.replace("OPEN", open)
}

fn none() -> Scenario {
    Scenario::default()
}

/// 1. A bill paid in full on its due date.
#[test]
fn bill_paid_in_full() {
    let b = book(&format!(
        "{}{}",
        bank("10000"),
        r#"
[[account]]
name = "baitiao"
kind = "credit"
limit = 50000
[[bill]]
account = "baitiao"
statement_date = "2026-10-01"
due_date = "2026-10-10"
amount_due = 3000
"#
    ));
    let p = run(&b, &none(), "2026-10-05", 10);
    // 10-10: bill_due 3000 and a payment of 3000 from 10000 cash.
    assert_eq!(
        events(&p),
        [
            "2026-10-10 bill_due baitiao 3000.00",
            "2026-10-10 payment baitiao 3000.00"
        ]
    );
    assert_eq!(cash_on(&p, "2026-10-09"), m("10000.00"));
    assert_eq!(cash_on(&p, "2026-10-15"), m("7000.00"));
    assert_eq!(p.summary.risk, Risk::Green);
    assert_eq!(
        (p.summary.min_cash, p.summary.min_cash_date),
        (m("7000.00"), date("2026-10-10"))
    );
    assert_eq!(p.days[4].outflow, m("3000.00"));
}

/// 2. Paying the minimum: revolving, daily interest, the next statement.
#[test]
fn paid_the_minimum_revolves() {
    let b = book(&format!(
        "{}{}",
        bank("10000"),
        r#"
[[account]]
name = "baitiao"
kind = "credit"
limit = 50000
payment_policy = "minimum"
[[bill]]
account = "baitiao"
statement_date = "2026-10-01"
due_date = "2026-10-10"
amount_due = 3000
"#
    ));
    let p = run(&b, &none(), "2026-10-05", 40);
    // min = round(10% × 3000) = 300, paid on 10-10; 2700 revolves.
    // Interest round(2700 × 0.0005) = 1.35 a day, carried into 10-11 … 11-01:
    // 22 days = 29.70. Statement 11-01: 2700 + 29.70 = 2729.70, min 272.97,
    // due 11-10. After paying 272.97, 2456.73 revolves: round(1.228365) = 1.23
    // a day for 11-11 … 11-14 = 4.92. Interest total 34.62.
    assert_eq!(
        events(&p),
        [
            "2026-10-10 bill_due baitiao 3000.00",
            "2026-10-10 payment baitiao 300.00",
            "2026-11-01 statement baitiao 2729.70",
            "2026-11-10 bill_due baitiao 2729.70",
            "2026-11-10 payment baitiao 272.97",
        ]
    );
    assert_eq!(p.summary.interest_total, m("34.62"));
    assert_eq!(cash_on(&p, "2026-11-14"), m("9427.03"));
    assert_eq!(p.summary.risk, Risk::Amber);
    assert_eq!(
        p.days.last().unwrap().credit.get("baitiao").unwrap().owed,
        m("2461.65")
    );
}

const CARD: &str = r#"
[[account]]
name = "card"
kind = "credit"
preset = "credit_card"
statement_day = 1
limit = 20000
"#;

/// 3. Unpaid into the grace period, paid inside it: the pending penalty is waived.
#[test]
fn paid_inside_grace_waives_penalty() {
    let b = book(&format!(
        "{}{CARD}{}",
        bank("0"),
        r#"
[[bill]]
account = "card"
statement_date = "2026-10-01"
due_date = "2026-10-21"
amount_due = 5000
[[scheduled]]
date = "2026-10-23"
account = "bank"
amount = 6000
label = "customer payment"
"#
    ));
    let p = run(&b, &none(), "2026-10-20", 10);
    // 10-21 due with no cash; 10-22 and 10-23 accrue pending 2.50 each
    // (5000 × 0.0005); 10-23 cash arrives and pays 5000 (pending is not
    // owed); the minimum is met in grace (3 days), so the 5.00 is waived.
    assert_eq!(
        events(&p),
        [
            "2026-10-21 bill_due card 5000.00",
            "2026-10-23 payment card 5000.00"
        ]
    );
    assert_eq!(p.summary.penalty_total, Money::ZERO);
    assert_eq!(p.summary.overdue_bills, 0);
    assert_eq!(p.summary.max_days_past_due, 2);
    assert_eq!(
        p.summary.risk,
        Risk::Amber,
        "minimum unmet at the end of the due date"
    );
    assert_eq!(cash_on(&p, "2026-10-30"), m("1000.00"));
}

/// 4. Overdue after grace, with the late fee minimum.
#[test]
fn overdue_with_late_fee_minimum() {
    let b = book(&format!(
        "{}{CARD}{}",
        bank("0"),
        r#"
[[bill]]
account = "card"
statement_date = "2026-10-01"
due_date = "2026-10-21"
amount_due = 150
"#
    ));
    let p = run(&b, &none(), "2026-10-20", 6);
    // min = round(15.0) = 15. Pending round(150 × 0.0005 = 0.075) = 0.08 on
    // 10-22, 10-23, 10-24 and 10-25 (k = 1..4); on 10-25 (k = 4 > grace 3)
    // it turns overdue: 0.32 becomes owed, late fee max(round(5% × 15) =
    // 0.75, 10.00) = 10.00, bureau at k = max(4, 4). 10-26 adds 0.08 owed.
    assert_eq!(
        events(&p),
        [
            "2026-10-21 bill_due card 150.00",
            "2026-10-25 overdue card 150.00",
            "2026-10-25 late_fee card 10.00",
            "2026-10-25 bureau_report card 150.00",
        ]
    );
    assert_eq!(p.summary.penalty_total, m("0.40"));
    assert_eq!(p.summary.fee_total, m("10.00"));
    assert_eq!(p.summary.overdue_bills, 1);
    assert_eq!(p.summary.max_days_past_due, 5);
    assert_eq!(p.summary.risk, Risk::Red);
    assert_eq!(
        p.days.last().unwrap().credit.get("card").unwrap().owed,
        m("160.40")
    );
}

/// 5. Tiered penalty crossing day 30 (JD enterprise credit, monthly).
#[test]
fn tiered_penalty_crosses_day_30() {
    let b = book(&format!(
        "{}{}",
        bank("0"),
        r#"
[[account]]
name = "jincai"
kind = "credit"
preset = "jd_jincai_monthly"
limit = 100000
[[bill]]
account = "jincai"
statement_date = "2026-10-01"
due_date = "2026-10-20"
amount_due = 10000
"#
    ));
    let p = run(&b, &none(), "2026-10-20", 32);
    // Due on as_of, unpaid: k = 1 on 10-21 turns overdue (grace 0), locks
    // (limit cut 100%) and is reported. Penalty 10000 × 0.0005 = 5.00 for
    // k = 1..30 (10-21 … 11-19) = 150.00, then 10000 × 0.0008 = 8.00 for
    // k = 31, 32 = 16.00. Total 166.00.
    assert_eq!(
        events(&p),
        [
            "2026-10-21 overdue jincai 10000.00",
            "2026-10-21 lock jincai 10000.00",
            "2026-10-21 limit_cut jincai 100000.00",
            "2026-10-21 bureau_report jincai 10000.00",
        ]
    );
    assert_eq!(p.summary.penalty_total, m("166.00"));
    assert_eq!(p.summary.risk, Risk::Critical);
    assert_eq!(p.summary.locks.len(), 1);
    assert_eq!(p.summary.max_days_past_due, 32);
    let last = p.days.last().unwrap().credit.get("jincai").unwrap();
    assert!(last.locked);
    assert_eq!((last.owed, last.available), (m("10166.00"), Money::ZERO));
}

/// 6. Lock, limit freeze, unlock after 5 business days, limit restored.
#[test]
fn lock_unlock_and_limit_recovery() {
    let b = book(&format!(
        "{}{}",
        bank("0"),
        r#"
[[account]]
name = "baitiao"
kind = "credit"
limit = 20000
[[bill]]
account = "baitiao"
statement_date = "2026-10-01"
due_date = "2026-10-10"
amount_due = 4000
[[scheduled]]
date = "2026-10-14"
account = "bank"
amount = 10000
label = "payout"
"#
    ));
    let p = run(&b, &none(), "2026-10-09", 60);
    // 10-11 (k=1): overdue, lock, limit 20000 → 0, bureau. Penalty 2.00 a day
    // on 10-11 … 10-14 = 8.00. 10-14 (Wed): 10000 arrives, 4008.00 paid, no
    // overdue left → unlock review: 5th business day after Wed 10-14 = Wed
    // 10-21. Limit back 30 days after the unlock: 11-20.
    assert_eq!(
        events(&p),
        [
            "2026-10-10 bill_due baitiao 4000.00",
            "2026-10-11 overdue baitiao 4000.00",
            "2026-10-11 lock baitiao 4000.00",
            "2026-10-11 limit_cut baitiao 20000.00",
            "2026-10-11 bureau_report baitiao 4000.00",
            "2026-10-14 payment baitiao 4008.00",
            "2026-10-14 unlock_requested baitiao 0.00",
            "2026-10-21 unlock baitiao 0.00",
            "2026-11-20 limit_restored baitiao 20000.00",
        ]
    );
    assert_eq!(p.summary.penalty_total, m("8.00"));
    assert_eq!(cash_on(&p, "2026-12-08"), m("5992.00"));
    let on = |d: &str| {
        p.days
            .iter()
            .find(|x| x.date == date(d))
            .unwrap()
            .credit
            .get("baitiao")
            .unwrap()
            .clone()
    };
    assert!(on("2026-10-20").locked);
    assert_eq!(
        on("2026-11-19").available,
        Money::ZERO,
        "unlocked but the limit is still cut"
    );
    assert_eq!(on("2026-11-20").available, m("20000.00"));
}

/// 7. A weekly cycle (JD enterprise credit, weekly): Monday statements, +14 days.
#[test]
fn weekly_cycle() {
    let b = book(&format!(
        "{}{}",
        bank("5000"),
        r#"
[[account]]
name = "jcw"
kind = "credit"
preset = "jd_jincai_weekly"
limit = 10000
[[purchase]]
account = "jcw"
date = "2026-10-21"
amount = 1000
label = "stock"
[[purchase]]
account = "jcw"
date = "2026-10-26"
amount = 500
label = "packaging"
"#
    ));
    let p = run(&b, &none(), "2026-10-20", 30);
    // Mon 10-26 bills the 10-21 purchase (1000, due 11-09); the 10-26
    // purchase is dated on the statement day, so Mon 11-02 bills it (500,
    // due 11-16). Minimum = whole (ratio 1).
    assert_eq!(
        events(&p),
        [
            "2026-10-26 statement jcw 1000.00",
            "2026-11-02 statement jcw 500.00",
            "2026-11-09 bill_due jcw 1000.00",
            "2026-11-09 payment jcw 1000.00",
            "2026-11-16 bill_due jcw 500.00",
            "2026-11-16 payment jcw 500.00",
        ]
    );
    assert_eq!(p.events[0].reference.as_deref(), Some("bill 2026-11-09"));
    assert_eq!(cash_on(&p, "2026-11-19"), m("3500.00"));
    assert_eq!(p.summary.risk, Risk::Green);
}

/// 8. `due_day` clamped at the end of a short month.
#[test]
fn due_day_clamps_at_month_end() {
    let b = book(&format!(
        "{}{}",
        bank("2000"),
        r#"
[[account]]
name = "huabei"
kind = "credit"
preset = "huabei"
due_day = 31
limit = 5000
[[purchase]]
account = "huabei"
date = "2026-01-15"
amount = 800
label = "supplies"
"#
    ));
    let p = run(&b, &none(), "2026-01-20", 45);
    // The 01-15 purchase is unbilled at as_of; the 02-01 statement bills it
    // and the first day after 02-01 with day 31, clamped, is 02-28.
    assert_eq!(
        events(&p),
        [
            "2026-02-01 statement huabei 800.00",
            "2026-02-28 bill_due huabei 800.00",
            "2026-02-28 payment huabei 800.00",
        ]
    );
    assert_eq!(p.events[0].reference.as_deref(), Some("bill 2026-02-28"));
    assert_eq!(cash_on(&p, "2026-03-06"), m("1200.00"));
}

/// 9. Converting a bill into installments, with a rounding rest.
#[test]
fn installment_conversion_rounding_rest() {
    let b = book(&format!(
        "{}{}",
        bank("10000"),
        r#"
[[account]]
name = "baitiao"
kind = "credit"
limit = 50000
[[bill]]
account = "baitiao"
statement_date = "2026-11-01"
due_date = "2026-11-10"
amount_due = 1000
"#
    ));
    let sc = scenario(
        r#"
[[convert_to_installments]]
account = "baitiao"
bill_due = "2026-11-10"
periods = 3
"#,
    );
    let p = run(&b, &sc, "2026-11-05", 70);
    // P = 1000; fee round(1000 × 0.005) = 5.00 a period; parts 333.33,
    // 333.33 and the rest 333.34 (+ 5.00 fee = 338.34); due 11-10, 12-10,
    // 01-10. Fees 15.00; cash 10000 − 1015.00 = 8985.00.
    assert_eq!(
        events(&p),
        [
            "2026-11-10 installment_due baitiao 338.33",
            "2026-11-10 payment baitiao 338.33",
            "2026-12-10 installment_due baitiao 338.33",
            "2026-12-10 payment baitiao 338.33",
            "2027-01-10 installment_due baitiao 338.34",
            "2027-01-10 payment baitiao 338.34",
        ]
    );
    assert_eq!(
        p.events[0].reference.as_deref(),
        Some("installment 1/3 2026-11-10")
    );
    assert_eq!(p.summary.fee_total, m("15.00"));
    assert_eq!(cash_on(&p, "2027-01-14"), m("8985.00"));
    // Without the conversion the bill is due whole.
    let base = run(&b, &none(), "2026-11-05", 70);
    assert_eq!(base.events[0].amount, m("1000.00"));
}

/// 10. A negotiated plan for an overdue, locked account.
#[test]
fn negotiated_plan() {
    let b = book(&format!(
        "{}{}",
        bank("0"),
        r#"
[[account]]
name = "baitiao"
kind = "credit"
limit = 10000
[[bill]]
account = "baitiao"
statement_date = "2026-10-01"
due_date = "2026-10-10"
amount_due = 3000
[[scheduled]]
date = "2026-11-01"
account = "bank"
amount = 5000
label = "payout"
"#
    ));
    let sc = scenario(
        r#"
[[negotiated_plan]]
account = "baitiao"
date = "2026-10-15"
periods = 3
"#,
    );
    let p = run(&b, &sc, "2026-10-12", 40);
    // At as_of k0 = 2: overdue, reported and locked (no events). Penalty 1.50
    // on 10-13 and 10-14 (3.00). 10-15: 3003.00 becomes 3 installments of
    // 1001.00 due 11-15, 12-15, 01-15; no overdue left → unlock review, 5th
    // business day after Thu 10-15 = Thu 10-22; limit back on 11-21.
    assert_eq!(
        events(&p),
        [
            "2026-10-15 unlock_requested baitiao 0.00",
            "2026-10-22 unlock baitiao 0.00",
            "2026-11-15 installment_due baitiao 1001.00",
            "2026-11-15 payment baitiao 1001.00",
            "2026-11-21 limit_restored baitiao 10000.00",
        ]
    );
    assert_eq!(p.summary.penalty_total, m("3.00"));
    assert_eq!(p.summary.overdue_bills, 1);
    assert_eq!(p.summary.max_days_past_due, 4);
    assert_eq!(p.summary.risk, Risk::Critical, "locked at as_of");
    assert_eq!(cash_on(&p, "2026-11-21"), m("3999.00"));
    let base = run(&b, &none(), "2026-10-12", 40);
    // Without the plan: 1.50 a day for 10-13 … 11-01 (accrued before the
    // 11-01 payment) = 20 days = 30.00.
    assert_eq!(base.summary.penalty_total, m("30.00"));
}

const PROMO_BOOK: &str = r#"
[[account]]
name = "baitiao"
kind = "credit"
limit = 100000
[[purchase]]
account = "baitiao"
date = "2026-11-15"
amount = 2000
label = "restock"
"#;

/// 11. A promotion whose prestock on credit cannot be paid: the account
///     locks and the planned restock is blocked.
#[test]
fn promotion_prestock_locks_and_blocks_restock() {
    let b = book(&format!("{}{PROMO_BOOK}", bank("3000")));
    let sc = scenario(
        r#"
name = "double11"
[[promotion]]
start = "2026-11-01"
end = "2026-11-03"
baseline_daily_sales = 1000
uplift = 2
settlement_lag_days = 30
prestock = { date = "2026-10-25", amount = 50000, funding = "baitiao" }
"#,
    );
    let p = run(&b, &sc, "2026-10-20", 40);
    // 11-01 bills the 50000 prestock (min 5000, due 11-10); 3000 cash pays
    // 3000; the minimum is 2000 short → 11-11 overdue on 47000, lock, limit
    // cut, bureau; penalty 23.50 a day for 11-11 … 11-29 (19 days) = 446.50.
    // The 11-15 restock hits the locked account and is paid from cash.
    // Promotion payouts settle 30 days later, after the horizon.
    assert_eq!(
        events(&p),
        [
            "2026-11-01 statement baitiao 50000.00",
            "2026-11-10 bill_due baitiao 50000.00",
            "2026-11-10 payment baitiao 3000.00",
            "2026-11-11 overdue baitiao 47000.00",
            "2026-11-11 lock baitiao 47000.00",
            "2026-11-11 limit_cut baitiao 100000.00",
            "2026-11-11 bureau_report baitiao 47000.00",
            "2026-11-15 purchase_blocked baitiao 2000.00",
            "2026-11-15 shortfall - -2000.00",
            "2026-11-15 below_reserve - -2000.00",
        ]
    );
    assert_eq!(p.summary.penalty_total, m("446.50"));
    assert_eq!(p.summary.risk, Risk::Critical);
    assert_eq!(p.summary.first_shortfall_date, Some(date("2026-11-15")));
    assert_eq!(p.summary.runway_days, Some(26));
    assert_eq!(p.summary.locks[0].date, date("2026-11-11"));
    // The baseline (no promotion) is safe: only the restock, paid on 12-10.
    let base = run(&b, &none(), "2026-10-20", 40);
    assert_eq!(base.summary.risk, Risk::Green);
}

/// 12. The solvers at their exact boundaries.
#[test]
fn solvers_at_the_boundary() {
    let b = book(&format!(
        "{}{}",
        bank("1000"),
        r#"
[[account]]
name = "baitiao"
kind = "credit"
limit = 100000
"#
    ));
    let sc = scenario(
        r#"
[[promotion]]
start = "2026-11-01"
end = "2026-11-01"
baseline_daily_sales = 0
prestock = { date = "2026-10-25", amount = 20000, funding = "baitiao" }
"#,
    );
    let req = Request::new(&b, &sc, date("2026-10-20"), 30);
    let p = project(&req).unwrap();
    // Prestock 20000 → minimum 2000 due 11-10; 1000 cash → overdue, lock.
    assert_eq!(p.summary.risk, Risk::Critical);
    // Required bridge: 1000.00 more makes the minimum payable.
    let bridge = solve::required_bridge(&req, &p).unwrap();
    assert_eq!(bridge, Some(m("1000.00")));
    let with = |x: &str| {
        project(&Request {
            extra_inflow: m(x),
            ..req.clone()
        })
        .unwrap()
        .summary
        .risk
    };
    assert!(with("1000.00").is_safe());
    assert!(!with("999.99").is_safe(), "one cent less is not safe");
    // Largest safe prestock: minimum round(10% × P) ≤ 1000 ⇔ P ≤ 10000.
    let ps = solve::largest_safe_prestock(&req, &p).unwrap();
    assert_eq!(ps, Some(m("10000")));
    let at = |x: &str| {
        project(&Request {
            prestock_override: Some(m(x)),
            ..req.clone()
        })
        .unwrap()
        .summary
        .risk
    };
    assert!(at("10000").is_safe());
    assert!(!at("10001").is_safe(), "one yuan more is not safe");
    // Already safe: the bridge is 0.00.
    let base = project(&Request::new(&b, &none(), date("2026-10-20"), 30)).unwrap();
    assert_eq!(
        solve::required_bridge(&Request::new(&b, &none(), date("2026-10-20"), 30), &base).unwrap(),
        Some(Money::ZERO)
    );
}

/// 13. Promotion flows: uplift, returns, fee, lag, delay and scale, and the
///     derived baseline.
#[test]
fn promotion_flows_delay_and_scale() {
    let b = book(&bank("0"));
    let sc = scenario(
        r#"
[[promotion]]
start = "2026-11-01"
end = "2026-11-02"
baseline_daily_sales = 1000
uplift = 3
platform_fee_rate = 0.05
return_rate = 0.15
settlement_lag_days = 10
ad_spend_daily = 100
post_promo_dip = 0.3
dip_days = 1
[[delay_inflows]]
from = "2026-11-12"
to = "2026-11-12"
days = 2
[[scale]]
from = "2026-11-11"
to = "2026-11-11"
inflow_factor = 0.5
"#,
    );
    let p = run(&b, &sc, "2026-10-20", 40);
    // Daily inflow round(1000 × 3 × 0.85 × 0.95) = 2422.50 on t + 10:
    // 11-11 (scaled × 0.5 = 1211.25) and 11-12 (delayed 2 days to 11-14).
    // Dip on 11-03: −round(1000 × 0.3 × 0.85 × 0.95) = −242.25 on 11-13.
    // Ad spend 100 on 11-01 and 11-02 from cash.
    let day = |d: &str| p.days.iter().find(|x| x.date == date(d)).unwrap().clone();
    assert_eq!(day("2026-11-01").outflow, m("100.00"));
    assert_eq!(day("2026-11-11").inflow, m("1211.25"));
    assert_eq!(day("2026-11-12").inflow, Money::ZERO);
    assert_eq!(day("2026-11-13").outflow, m("242.25"));
    assert_eq!(day("2026-11-14").inflow, m("2422.50"));
    assert_eq!(cash_on(&p, "2026-11-29"), m("3191.50"));
}

/// 14. Monte Carlo: seeded and reproducible; a scenario without ranges
///     gives 0 or 1, as its point run says.
#[test]
fn monte_carlo_is_seeded_and_agrees_with_point_runs() {
    use ebb::engine::montecarlo;
    use ebb::engine::scenario::ScenarioFile;
    let b = book(&format!(
        "{}{}",
        bank("8000"),
        "[[account]]\nname = \"baitiao\"\nkind = \"credit\"\nlimit = 100000\n"
    ));
    let text = r#"
[[promotion]]
start = "2026-11-01"
end = "2026-11-03"
baseline_daily_sales = 0
uplift = { min = 1.0, mode = 2.0, max = 3.0 }
prestock = { date = "2026-10-25", amount = { min = 30000, mode = 50000, max = 120000 }, funding = "baitiao" }
"#;
    let file = ScenarioFile::parse("r.toml", text).unwrap();
    // 30 days: only the 11-01 statement's bill (due 11-10) falls due.
    let a = montecarlo::run(&b, &file, date("2026-10-20"), 30, 300, 42).unwrap();
    let again = montecarlo::run(&b, &file, date("2026-10-20"), 30, 300, 42).unwrap();
    assert_eq!(a, again);
    // The minimum round(10% × prestock) exceeds 8000 cash above 80000: the
    // triangular (30000, 50000, 120000) puts P(X > 80000) at
    // (120000 − 80000)² / ((120000 − 30000)(120000 − 50000)) = 0.254.
    assert!(
        a.p_lock > rust_decimal_macros::dec!(0.18) && a.p_lock < rust_decimal_macros::dec!(0.33),
        "{a:?}"
    );
    assert_eq!(
        a.p_overdue, a.p_lock,
        "every overdue here locks the next day"
    );
    let point = ScenarioFile::parse(
        "p.toml",
        &text.replace("{ min = 30000, mode = 50000, max = 120000 }", "90000"),
    )
    .unwrap();
    let m = montecarlo::run(&b, &point, date("2026-10-20"), 30, 20, 1).unwrap();
    assert_eq!(m.p_lock, rust_decimal::Decimal::ONE);
}

/// 15. `baseline_daily_sales` derived from history: round(Σ positive cash
///     rows categorised `sales` in [as_of − 89, as_of] ÷ 90).
#[test]
fn promotion_baseline_comes_from_sales_history() {
    use ebb::engine::book::Transaction;
    let mut b = book(&bank("0"));
    let sale = |d: &str, amount: &str, category: &str| Transaction {
        account: "bank".into(),
        date: date(d),
        amount: m(amount),
        balance: None,
        description: "JD payout".into(),
        counterparty: String::new(),
        category: category.into(),
    };
    // In the window 07-23 … 10-20: 50000 + 40000.10 = 90000.10; the 07-22
    // row is one day too early, the refund is negative, the rent is not sales.
    b.transactions = vec![
        sale("2026-07-22", "99999.00", "sales"),
        sale("2026-07-23", "50000.00", "sales"),
        sale("2026-10-20", "40000.10", "sales"),
        sale("2026-09-01", "-500.00", "sales"),
        sale("2026-09-02", "7000.00", "rent"),
    ];
    let sc = scenario("[[promotion]]\nstart = \"2026-11-01\"\nend = \"2026-11-01\"\nuplift = 2\n");
    let p = run(&b, &sc, "2026-10-20", 15);
    // Baseline round(90000.10 / 90) = round(1000.00111) = 1000.00; × 2 = 2000.00 on 11-01.
    assert_eq!(
        p.days
            .iter()
            .find(|d| d.date == date("2026-11-01"))
            .unwrap()
            .inflow,
        m("2000.00")
    );
    // Without any sales history the promotion needs an explicit baseline.
    b.transactions.clear();
    let err = ebb::engine::projection::project(&Request::new(&b, &sc, date("2026-10-20"), 15))
        .unwrap_err();
    assert!(err.to_string().contains("baseline_daily_sales"), "{err}");
}

/// 16. Runs that share a prepared book (the solvers, Monte Carlo), or start
///     from a base run's checkpoints (Monte Carlo's paths), give exactly
///     what a run of their own gives, whatever differs from the base and
///     from when.
#[test]
fn shared_and_resumed_runs_agree_with_runs_of_their_own() {
    use ebb::engine::projection::Prepared;
    let b = book(&format!("{}{PROMO_BOOK}", bank("3000")));
    let base_text = r#"
[[promotion]]
start = "2026-11-01"
end = "2026-11-05"
baseline_daily_sales = 1000
uplift = 2
settlement_lag_days = 5
prestock = { date = "2026-10-25", amount = 50000, funding = "baitiao" }
"#;
    let base = scenario(base_text);
    let as_of = date("2026-10-20");
    let prep = Prepared::new(&b, as_of, 90).unwrap();
    let base_req = Request {
        summary_only: true,
        ..Request::new(&b, &base, as_of, 90)
    };
    let checkpoints = prep.checkpoints(&base_req);
    let variants = [
        base_text.to_string(),
        base_text.replace("uplift = 2", "uplift = 7"),
        base_text.replace("settlement_lag_days = 5", "settlement_lag_days = 9"),
        base_text.replace("amount = 50000", "amount = 5000"),
        format!(
            "{base_text}[[scale]]\nfrom = \"2026-12-01\"\nto = \"2026-12-09\"\ninflow_factor = 0.5\n"
        ),
        format!(
            "{base_text}[[delay_inflows]]\nfrom = \"2026-11-06\"\nto = \"2026-11-08\"\ndays = 4\n"
        ),
        format!(
            "{base_text}[[negotiated_plan]]\naccount = \"baitiao\"\ndate = \"2026-11-20\"\nperiods = 3\n"
        ),
        format!(
            "{base_text}[[convert_to_installments]]\naccount = \"baitiao\"\nbill_due = \"2026-11-10\"\nperiods = 3\n"
        ),
        format!(
            "{base_text}[[one_off]]\ndate = \"2026-10-22\"\naccount = \"bank\"\namount = 9000\nlabel = \"early\"\n"
        ),
    ];
    let mut resumed_late = 0;
    for text in &variants {
        let sc = scenario(text);
        for (extra, prestock) in [(0, None), (250_000, None), (0, Some(m("80000")))] {
            let req = Request {
                extra_inflow: Money::from_cents(extra),
                prestock_override: prestock,
                ..Request::new(&b, &sc, as_of, 90)
            };
            let own = project(&req).unwrap();
            assert_eq!(prep.project(&req).unwrap(), own, "{text}");
            let lean = Request {
                summary_only: true,
                ..req.clone()
            };
            let own_lean = project(&lean).unwrap();
            assert_eq!(own_lean.summary, own.summary);
            assert_eq!(prep.project(&lean).unwrap(), own_lean, "{text}");
            assert_eq!(
                prep.project_from(&checkpoints, &lean).unwrap(),
                own_lean,
                "{text}"
            );
            resumed_late += usize::from(own.summary.risk == Risk::Critical);
        }
    }
    // The variants do differ: some lock, some do not.
    assert!(
        resumed_late > 0 && resumed_late < variants.len() * 3,
        "{resumed_late}"
    );
}
