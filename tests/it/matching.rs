//! One card payment in two exports: the BOC credit-card statement and the
//! JD wallet export list the same JD purchases. Through the real binary,
//! in both orders, each shared payment is counted once (the statement row)
//! and takes the wallet's counterparty and category.

use std::path::Path;

use serde_json::Value;

use crate::cli::write;
use crate::common::fixture;
use crate::fixtures::{ebb, fails, import_json, transactions};

fn jd() -> String {
    fixture("statements/jd/example-jd-records.csv")
        .to_str()
        .unwrap()
        .to_string()
}

fn boc() -> String {
    fixture("statements/boc/example-boc-credit-records.csv")
        .to_str()
        .unwrap()
        .to_string()
}

fn matches(db: &Path, args: &[&str]) -> Vec<Value> {
    let out = ebb(db)
        .args(["matches", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// (wallet date, amount, wallet description start, statement date, statement description).
type Named = (String, String, String, String, String);

fn pairs(db: &Path) -> Vec<Named> {
    let mut v: Vec<Named> = matches(db, &["--state", "matched"])
        .iter()
        .map(|m| {
            let s = &m["statement"];
            (
                m["date"].as_str().unwrap().to_string(),
                m["amount"].as_str().unwrap().to_string(),
                m["description"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .take(12)
                    .collect(),
                s["date"].as_str().unwrap().to_string(),
                s["description"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The nine JD purchases and refunds on card 1875 that the BOC statement
/// also lists, worked out by hand from the two files. JD lists the gross
/// amount a card paid before its refund note (`448.32(已退款70.48)`).
const SHARED: &[(&str, &str, &str, &str, &str)] = &[
    (
        "2024-12-21",
        "-68.19",
        "京东京造暖星智能双人电热毯",
        "2024-12-21",
        "网银在线-京东商城业务CHN",
    ),
    (
        "2024-12-24",
        "-448.32",
        "拓路者（Pioneer Camp）藏狼",
        "2024-12-24",
        "网银在线-拓路者运*京东商城CHN",
    ),
    (
        "2024-12-24",
        "-468.32",
        "拓路者（Pioneer Camp）男裤",
        "2024-12-24",
        "网银在线-拓路者运*京东商城CHN",
    ),
    (
        "2024-12-24",
        "397.84",
        "退款-拓路者（Pioneer Ca",
        "2024-12-24",
        "网银在线CHN",
    ),
    (
        "2024-12-24",
        "70.48",
        "退款-痞帅翻领青年男士高品质",
        "2024-12-24",
        "网银在线CHN",
    ),
    (
        "2024-12-24",
        "70.48",
        "退款-痞帅翻领青年男士高品质",
        "2024-12-24",
        "网银在线CHN",
    ),
    (
        "2024-12-28",
        "-131.77",
        "JEEP SPIRIT吉",
        "2024-12-28",
        "网银在线-京东商城业务CHN",
    ),
    (
        "2024-12-28",
        "89.84",
        "退款-JEEP SPIR",
        "2024-12-28",
        "网银在线CHN",
    ),
    (
        "2024-12-30",
        "-60.90",
        "利园潮汕正宗手打牛肉丸火锅",
        "2024-12-30",
        "网银在线-京东商城业务CHN",
    ),
];

fn shared() -> Vec<Named> {
    let mut v: Vec<Named> = SHARED
        .iter()
        .map(|(a, b, c, d, e)| {
            (
                a.to_string(),
                b.to_string(),
                c.chars().take(12).collect(),
                d.to_string(),
                e.to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn sum(rows: &[Value], account: &str) -> (usize, rust_decimal::Decimal) {
    let mine: Vec<&Value> = rows.iter().filter(|r| r["account"] == account).collect();
    let total = mine
        .iter()
        .map(|r| {
            r["amount"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    (mine.len(), total)
}

#[test]
fn boc_and_jd_count_each_shared_payment_once_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let jd_first = import_json(&a, &[&jd()]);
    assert_eq!(jd_first[0]["held"], 21);
    assert!(jd_first[0]["matches"].as_array().unwrap().is_empty());
    let then_boc = import_json(&a, &[&boc()]);
    assert_eq!(then_boc[0]["matches"].as_array().unwrap().len(), 9);
    import_json(&b, &[&boc()]);
    let then_jd = import_json(&b, &[&jd()]);
    assert_eq!(then_jd[0]["matches"].as_array().unwrap().len(), 9);

    assert_eq!(pairs(&a), shared(), "the named pairs, JD first");
    assert_eq!(pairs(&b), shared(), "the named pairs, BOC first");
    // Both books hold the same rows, enriched the same way.
    let (ra, rb) = (transactions(&a), transactions(&b));
    assert_eq!(ra, rb);
    // Counted once: the card's rows are the statement's 13 (the USD row is
    // left out), and the JD wallet has only its own two balance payments.
    let boc_rows = sum(&ra, "boc-credit");
    assert_eq!(boc_rows, (13, "-238.25".parse().unwrap()));
    assert_eq!(sum(&ra, "jd"), (2, "-23.20".parse().unwrap()));
    // The statement row takes the wallet's counterparty and category.
    let blanket = ra
        .iter()
        .find(|r| r["account"] == "boc-credit" && r["amount"] == "-68.19")
        .unwrap();
    assert_eq!(blanket["counterparty"], "京东平台商户");
    assert_eq!(blanket["category"], "其他网购");
    // The 1341 card's rows, the BOCOM and CMB ones wait for their statements.
    assert_eq!(matches(&a, &["--state", "open"]).len(), 12);
    assert!(matches(&a, &["--state", "near"]).is_empty());
}

#[test]
fn importing_again_or_undoing_either_side_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    import_json(&db, &[&boc()]);
    let plain = transactions(&db);
    let jd_import = import_json(&db, &[&jd()]);
    let again = import_json(&db, &[&jd(), &boc()]);
    assert_eq!(again[0]["added"], 0);
    assert_eq!(again[0]["held"], 0);
    assert_eq!(again[1]["added"], 0);
    assert_eq!(pairs(&db), shared(), "re-importing changes no pair");
    // Undo the wallet: the statement rows get their own fields back.
    let id = jd_import[0]["import_id"].as_i64().unwrap().to_string();
    let out = ebb(&db).args(["undo-import", &id]).output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("removed 3 transaction(s) and 0 bill(s), and 21 wallet row(s) paid by card."),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(transactions(&db), plain);
    assert!(matches(&db, &[]).is_empty());
    // Undo the statement instead: the wallet rows wait again.
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = dir2.path().join("book.db");
    let boc_import = import_json(&db2, &[&boc()]);
    import_json(&db2, &[&jd()]);
    let id = boc_import[0]["import_id"].as_i64().unwrap().to_string();
    ebb(&db2).args(["undo-import", &id]).assert().success();
    assert_eq!(matches(&db2, &["--state", "open"]).len(), 21);
    assert!(
        transactions(&db2)
            .iter()
            .all(|r| r["account"] != "boc-credit")
    );
}

const JD_HEADER: &str = "交易时间,商户名称,交易说明,金额,收/付款方式,交易状态,收/支,交易分类,交易订单号,商家订单号,备注\n";

#[test]
fn two_identical_purchases_are_two_payments() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    // Two boxes of the same tea, bought one after the other on one card.
    let wallet = write(
        dir.path(),
        "jd.csv",
        &format!(
            "{JD_HEADER}2025-03-02 10:00:01,京东平台商户,茶叶 一盒,35.00,中国银行信用卡(1875),交易成功,支出,食品酒饮,A1,B1,\n\
             2025-03-02 10:00:09,京东平台商户,茶叶 一盒,35.00,中国银行信用卡(1875),交易成功,支出,食品酒饮,A2,B2,\n"
        ),
    );
    let wallet = wallet.to_str().unwrap();
    // The statement lists them twice; a third identical charge the next
    // day is a third purchase, not in the wallet export.
    let statement = write(
        dir.path(),
        "boc.csv",
        "中国银行信用卡账单(2025年03月)\n交易日,银行记账日,卡号后四位,交易描述,存入,支出,币种\n\
         2025-03-02,2025-03-03,1875,网银在线-京东商城业务CHN,,35.00,CNY\n\
         2025-03-02,2025-03-03,1875,网银在线-京东商城业务CHN,,35.00,CNY\n\
         2025-03-03,2025-03-04,1875,网银在线-京东商城业务CHN,,35.00,CNY\n",
    );
    let statement = statement.to_str().unwrap();
    import_json(&db, &[statement]);
    let r = import_json(&db, &[wallet]);
    assert_eq!(r[0]["held"], 2, "both wallet rows are kept");
    let m = r[0]["matches"].as_array().unwrap();
    assert_eq!(m.len(), 2, "each pairs with its own statement row");
    assert_ne!(m[0]["statement"]["id"], m[1]["statement"]["id"]);
    assert!(m.iter().all(|x| x["statement"]["date"] == "2025-03-02"));
    let rows = transactions(&db);
    assert_eq!(sum(&rows, "boc-credit"), (3, "-105.00".parse().unwrap()));
}

#[test]
fn a_near_match_waits_for_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    // A bank account of the user's own naming: the statement row does not
    // say JD, and the account says no bank, so the pair is near.
    let bank = write(
        dir.path(),
        "bank.csv",
        "date,description,amount\n2025-03-02,消费,-35.00\n2025-03-05,消费,-12.00\n",
    );
    let bank = bank.to_str().unwrap();
    let wallet = write(
        dir.path(),
        "jd.csv",
        &format!(
            "{JD_HEADER}2025-03-02 10:00:01,京东平台商户,茶叶 一盒,35.00,中国银行储蓄卡(1234),交易成功,支出,食品酒饮,A1,B1,\n\
             2025-03-05 09:00:00,京东平台商户,纸巾,12.00,中国银行储蓄卡(1234),交易成功,支出,日用,A3,B3,\n"
        ),
    );
    let wallet = wallet.to_str().unwrap();
    import_json(&db, &[bank, "--account", "main"]);
    // A dry run lists the pairs it would make and keeps none of them.
    let dry = import_json(&db, &[wallet, "--dry-run"]);
    assert_eq!(dry[0]["matches"].as_array().unwrap().len(), 2);
    assert!(matches(&db, &[]).is_empty());
    let r = import_json(&db, &[wallet]);
    let m = r[0]["matches"].as_array().unwrap();
    assert_eq!(m.len(), 2);
    assert!(m.iter().all(|x| x["state"] == "near"));
    // Near pairs lend nothing until confirmed.
    assert!(transactions(&db).iter().all(|t| t["counterparty"] == ""));
    let tea = m.iter().find(|x| x["amount"] == "-35.00").unwrap()["id"].to_string();
    let tissue = m.iter().find(|x| x["amount"] == "-12.00").unwrap()["id"].to_string();
    ebb(&db)
        .args(["matches", "confirm", &tea])
        .assert()
        .success();
    ebb(&db)
        .args(["matches", "reject", &tissue])
        .assert()
        .success();
    let rows = transactions(&db);
    let get = |amt: &str| rows.iter().find(|t| t["amount"] == amt).unwrap().clone();
    assert_eq!(get("-35.00")["counterparty"], "京东平台商户");
    assert_eq!(get("-35.00")["category"], "食品酒饮");
    assert_eq!(get("-12.00")["counterparty"], "");
    assert_eq!(matches(&db, &["--state", "confirmed"]).len(), 1);
    assert_eq!(matches(&db, &["--state", "rejected"]).len(), 1);
    // A confirmed pair stays when the wallet is imported again.
    import_json(&db, &[wallet]);
    assert_eq!(matches(&db, &["--state", "confirmed"]).len(), 1);
    // An unknown id is a clear error.
    assert!(fails(&db, &["matches", "confirm", "999"]).contains("no wallet row 999"));
}
