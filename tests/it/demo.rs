//! The demo business tells its story, from the engine (issue: the demo).

use ebb::demo;
use ebb::engine::money::Money;
use ebb::engine::projection::{EventKind, Request, Risk, project};
use ebb::engine::scenario::Scenario;
use ebb::engine::solve;

use crate::common::{date, m};

#[test]
fn the_demo_story_holds() {
    let store = demo::load().unwrap();
    let book = store.load_book().unwrap();
    let as_of = demo::as_of();
    let none = Scenario::default();
    let base = project(&Request::new(&book, &none, as_of, 90)).unwrap();
    assert!(
        base.summary.risk <= Risk::Amber,
        "the baseline is healthy: {:?}",
        base.summary.risk
    );

    let d11 = demo::scenario("double11").unwrap().scenario().unwrap();
    let req = Request::new(&book, &d11, as_of, 90);
    let p = project(&req).unwrap();
    assert_eq!(p.summary.risk, Risk::Critical);
    let lock = &p.summary.locks[0];
    assert_eq!(
        (lock.account.as_str(), lock.date),
        ("baitiao", date("2026-11-22"))
    );
    let kinds = |k: EventKind| p.events.iter().filter(|e| e.kind == k).count();
    assert_eq!(kinds(EventKind::Overdue), 1);
    assert_eq!(kinds(EventKind::BureauReport), 1);
    let blocked = p
        .events
        .iter()
        .find(|e| e.kind == EventKind::PurchaseBlocked)
        .expect("a blocked restock");
    assert!(blocked.date > lock.date);
    assert!(p.summary.penalty_total.is_positive());

    let cured = demo::scenario("double11-cured")
        .unwrap()
        .scenario()
        .unwrap();
    let c = project(&Request::new(&book, &cured, as_of, 90)).unwrap();
    assert!(c.summary.risk.is_safe(), "{:?}", c.summary.risk);

    // The solvers agree with the outcomes: the bridge is the least safe
    // amount to the cent, the prestock the largest safe one to the yuan.
    let bridge = solve::required_bridge(&req, &p).unwrap().unwrap();
    assert!(bridge.is_positive());
    let risk_with = |x: Money| {
        project(&Request {
            extra_inflow: x,
            ..req.clone()
        })
        .unwrap()
        .summary
        .risk
    };
    assert!(risk_with(bridge).is_safe());
    assert!(!risk_with(bridge - m("0.01")).is_safe());
    let prestock = solve::largest_safe_prestock(&req, &p).unwrap().unwrap();
    let risk_at = |x: Money| {
        project(&Request {
            prestock_override: Some(x),
            ..req.clone()
        })
        .unwrap()
        .summary
        .risk
    };
    assert!(risk_at(prestock).is_safe());
    assert!(!risk_at(prestock + m("1")).is_safe());
    assert!(prestock < d11.promotions[0].prestock.as_ref().unwrap().amount);
}

#[test]
fn ebb_demo_prints_the_story() {
    let out = assert_cmd::Command::cargo_bin("ebb")
        .unwrap()
        .args(["demo", "--no-tui"])
        .env_remove("EBB_DB")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "Baseline",
        "GREEN",
        "CRITICAL",
        "baitiao locks",
        "blocked",
        "a bridge of",
        "at most",
        "installments",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}
