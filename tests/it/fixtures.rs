//! Every statement fixture (CSV and spreadsheet), imported through the real binary into a fresh book.
//! Expected counts and sums were worked out by hand from each file's rows
//! (see the comments); wallet rows paid by a bank card move no balance and
//! are held to match the card's statement (`held`), closed trades and their
//! refunds drop, rows in another currency are left out.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use crate::common::fixture;

pub fn ebb(db: &Path) -> Command {
    let mut c = Command::cargo_bin("ebb").expect("binary");
    c.arg("--db").arg(db).env_remove("EBB_DB");
    c
}

pub fn import_json(db: &Path, args: &[&str]) -> Value {
    let out = ebb(db)
        .arg("import")
        .arg("--json")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// Runs `ebb ARGS…`, which must fail, and returns what it said.
pub fn fails(db: &Path, args: &[&str]) -> String {
    let out = ebb(db).args(args).output().expect("runs");
    assert!(
        !out.status.success(),
        "`ebb {}` should fail",
        args.join(" ")
    );
    String::from_utf8(out.stderr).expect("UTF-8")
}

pub fn transactions(db: &Path) -> Vec<Value> {
    let out = ebb(db)
        .args(["transactions", "--json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    serde_json::from_slice::<Value>(&out.stdout)
        .expect("json")
        .as_array()
        .expect("array")
        .clone()
}

/// (count, sum) per account, sums as exact decimal strings.
fn per_account(rows: &[Value]) -> Vec<(String, usize, String)> {
    use rust_decimal::Decimal;
    let mut acc: std::collections::BTreeMap<String, (usize, Decimal)> = Default::default();
    for r in rows {
        let e = acc
            .entry(r["account"].as_str().unwrap().to_string())
            .or_default();
        e.0 += 1;
        e.1 += r["amount"].as_str().unwrap().parse::<Decimal>().unwrap();
    }
    acc.into_iter()
        .map(|(k, (n, s))| (k, n, format!("{s:.2}")))
        .collect()
}

fn has_row(rows: &[Value], account: &str, date: &str, amount: &str, desc_contains: &str) -> bool {
    rows.iter().any(|r| {
        r["account"] == account
            && r["date"] == date
            && r["amount"] == amount
            && r["description"].as_str().unwrap().contains(desc_contains)
    })
}

struct Case {
    file: &'static str,
    profile: &'static str,
    added: u64,
    skipped: u64,
    /// Wallet rows paid by bank card, kept to match the card's statement.
    held: u64,
    accounts: &'static [(&'static str, usize, &'static str)],
    rows: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

const CASES: &[Case] = &[
    // 5 rows; 利息税 +0.00 has no effect. 10000 − 10 − 12345.89 + 0.01.
    Case {
        file: "abc/example-abc_debit-records.csv",
        profile: "abc-debit",
        added: 4,
        skipped: 1,
        held: 0,
        accounts: &[("abc", 4, "-2355.88")],
        rows: &[
            ("abc", "2024-01-03", "-12345.89", "正常还款"),
            ("abc", "2024-01-04", "0.01", "结息"),
        ],
    },
    // −27 −27 +0.01 +2725.42 (refund, no 收/支) −3000; the closed 83.00 and its refund drop.
    Case {
        file: "alipay/example-alipay-records.2019-web-format.csv",
        profile: "alipay-2019",
        added: 5,
        skipped: 2,
        held: 0,
        accounts: &[("alipay", 5, "-328.57")],
        rows: &[("alipay", "2021-02-06", "2725.42", "退款-住院预交金")],
    },
    // 16 rows: 余额宝 yield +0.11, fund sale into 余额宝 +15.40, KFC paid from 余额宝 −79,
    // +10, +42; the 5 card-paid rows are held; the closed trade, 余额→余额宝 and fund buys
    // with no method drop.
    Case {
        file: "alipay/example-alipay-records.2021-app-format.csv",
        profile: "alipay-2021",
        added: 5,
        skipped: 6,
        held: 5,
        accounts: &[("alipay", 5, "-11.49")],
        rows: &[
            ("alipay", "2020-06-14", "-79.00", "KFC"),
            ("alipay", "2021-06-25", "42.00", "随便"),
        ],
    },
    // −20 (余额), +222228.50, +99.34 (sold into 余额宝), −9.90, −82; the 2 card rows are
    // held; the closed 82.00 and the closed 一卡通 top-up with its refund drop.
    Case {
        file: "alipay/example-alipay-records.csv",
        profile: "alipay-2023",
        added: 5,
        skipped: 3,
        held: 2,
        accounts: &[("alipay", 5, "222215.94")],
        rows: &[
            ("alipay", "2023-01-18", "222228.50", "转账"),
            ("alipay", "2023-02-02", "99.34", "卖出至余额宝"),
        ],
    },
    // 14 rows, the USD row left out; sum of 存入 − 支出 of the other 13.
    Case {
        file: "boc/example-boc-credit-records.csv",
        profile: "boc-credit",
        added: 13,
        skipped: 1,
        held: 0,
        accounts: &[("boc-credit", 13, "-238.25")],
        rows: &[
            ("boc-credit", "2024-12-20", "361.19", "曾三"),
            ("boc-credit", "2024-12-24", "-468.32", "京东"),
        ],
    },
    // 9821.00 in, 9394.30 out.
    Case {
        file: "boc/example-boc-debit-records.csv",
        profile: "boc-debit",
        added: 17,
        skipped: 0,
        held: 0,
        accounts: &[("boc-3167", 17, "426.70")],
        rows: &[("boc-3167", "2025-08-05", "5771.00", "工资")],
    },
    // No sign in the file: 退货 and 信用卡还款 come in, 消费 goes out (CNY amount of the JPY row).
    Case {
        file: "bocom/example-bocom_credit-records.csv",
        profile: "bocom-credit",
        added: 8,
        skipped: 0,
        held: 0,
        accounts: &[("bocom-credit", 8, "731.69")],
        rows: &[
            ("bocom-credit", "2025-01-18", "-49.85", "Suica"),
            ("bocom-credit", "2025-01-29", "666.60", "还款"),
        ],
    },
    // 借 Dr out, 贷 Cr in.
    Case {
        file: "bocom/example-bocom_debit-records.csv",
        profile: "bocom-debit",
        added: 6,
        skipped: 0,
        held: 0,
        accounts: &[("bocom", 6, "-102.75")],
        rows: &[
            ("bocom", "2024-02-02", "-3.21", "还款"),
            ("bocom", "2025-01-01", "1.23", "利息"),
        ],
    },
    // Positive = spending: −15.90 +97.20 −387.42 +1130.68.
    Case {
        file: "cgb/example-cgb_credit-records.csv",
        profile: "cgb-credit",
        added: 4,
        skipped: 0,
        held: 0,
        accounts: &[("cgb-credit", 4, "824.56")],
        rows: &[("cgb-credit", "2024-12-26", "1130.68", "还款")],
    },
    // MM/DD dates in a 2024年01月 statement: 12/29 is 2023-12-29.
    Case {
        file: "cmb/example-cmb-credit-records.csv",
        profile: "cmb-credit",
        added: 6,
        skipped: 0,
        held: 0,
        accounts: &[("cmb-credit-1234", 6, "-7675.98")],
        rows: &[
            ("cmb-credit-1234", "2023-12-29", "1.23", "还款"),
            ("cmb-credit-1234", "2024-01-07", "-8000.00", "中国移动"),
        ],
    },
    // Signed amounts: 1234 − 1000 − 3 − 1000 − 10.14.
    Case {
        file: "cmb/example-cmb-debit-records.csv",
        profile: "cmb-debit",
        added: 5,
        skipped: 0,
        held: 0,
        accounts: &[("cmb", 5, "-779.14")],
        rows: &[("cmb", "2024-01-20", "-1000.00", "ATM")],
    },
    // 4621.01 repaid, 363.13 spent; card 1234****5678.
    Case {
        file: "icbc/example-icbc-credit-records.csv",
        profile: "icbc-credit",
        added: 9,
        skipped: 0,
        held: 0,
        accounts: &[("icbc-credit-5678", 9, "4257.88")],
        rows: &[("icbc-credit-5678", "2023-04-25", "4621.01", "还款")],
    },
    // 2841.74 in, 4241.08 out; balances are masked ("xx,yyyy.zz") and so absent.
    Case {
        file: "icbc/example-icbc-debit-v1-records.csv",
        profile: "icbc-debit-v1",
        added: 11,
        skipped: 0,
        held: 0,
        accounts: &[("icbc-9876", 11, "-1399.34")],
        rows: &[("icbc-9876", "2023-04-14", "1234.56", "工资")],
    },
    Case {
        file: "icbc/example-icbc-debit-v2-records.csv",
        profile: "icbc-debit-v2",
        added: 11,
        skipped: 0,
        held: 0,
        accounts: &[("icbc-9876", 11, "-1399.34")],
        rows: &[("icbc-9876", "2023-02-28", "341.58", "蚂蚁基金")],
    },
    // Only two rows paid from 钱包余额; the 先享后付 purchase goes to its credit account;
    // the 21 card-paid rows are held (9 of them are in the BOC statement, see matching.rs);
    // the two 0.00 先享后付 rows are left out.
    Case {
        file: "jd/example-jd-records.csv",
        profile: "jd",
        added: 3,
        skipped: 2,
        held: 21,
        accounts: &[("jd", 2, "-23.20"), ("jd-paylater", 1, "-35.61")],
        rows: &[("jd-paylater", "2024-12-21", "-35.61", "暖手宝")],
    },
    // 美团余额 −10.90; 美团月付 purchases −26.31 −11.77 −10.06 −21.17, refunds +11.77 +10.06,
    // and the 主动还款 +48.12 paid from a bank card; the 21 card-paid purchases are held.
    Case {
        file: "meituan/example-mt-records.csv",
        profile: "meituan",
        added: 8,
        skipped: 0,
        held: 21,
        accounts: &[("meituan", 1, "-10.90"), ("meituan-yuefu", 7, "0.64")],
        rows: &[("meituan-yuefu", "2025-02-12", "48.12", "主动还款")],
    },
    // 18 rows move 零钱/零钱通 (see the README's WeChat notes); the 7 bank-paid rows
    // (理财通 purchases from a card among them) are held; moves between 零钱 and 零钱通 drop.
    Case {
        file: "wechat/example-wechat-records.csv",
        profile: "wechat",
        added: 18,
        skipped: 2,
        held: 7,
        accounts: &[("wechat", 18, "-6652.84")],
        rows: &[
            ("wechat", "2021-07-11", "-1001.10", "零钱提现"),
            ("wechat", "2019-04-16", "1300.00", "零钱充值"),
        ],
    },
    // UTF-8 with BOM and CRLF: only the 零钱 receipt moves the wallet; 6 rows paid by card.
    Case {
        file: "wechat/微信支付账单(20200830-20200906).csv",
        profile: "wechat",
        added: 1,
        skipped: 0,
        held: 6,
        accounts: &[("wechat", 1, "670.00")],
        rows: &[("wechat", "2023-08-30", "670.00", "二维码收款")],
    },
    // The xlsx export: its first sheet is a converted copy of the CSV (a
    // Column1…Column11 row, amounts as text), Sheet1 is the export itself,
    // with the same 27 rows as numbers. Same 18 rows, same sum as the CSV.
    Case {
        file: "wechat/example-wechat-records.xlsx",
        profile: "wechat",
        added: 18,
        skipped: 2,
        held: 7,
        accounts: &[("wechat", 18, "-6652.84")],
        rows: &[
            ("wechat", "2021-07-11", "-1001.10", "零钱提现"),
            ("wechat", "2022-09-24", "-36.99", "赞赏码"),
        ],
    },
    // CCB .xls, 6 spending rows: 67 + 16.78 + 20 + 515.02 + 18.06 + 66.40 = 703.26;
    // the sheet's last balance is 1494.65 (2197.91 before the first row).
    Case {
        file: "ccb/交易明细_xxxx_2025xxxx_2025xxxx.xls",
        profile: "ccb-debit",
        added: 6,
        skipped: 0,
        held: 0,
        accounts: &[("ccb", 6, "-703.26")],
        rows: &[
            ("ccb", "2025-01-05", "-515.02", "无卡自助交易"),
            ("ccb", "2025-01-06", "-66.40", "支付宝-支付宝-消费-便民微超"),
        ],
    },
    // SPDB .xls, card 6200…1230 from the first row: −3.88 +10 −3.88 −3.88 = −1.64.
    Case {
        file: "spdb/example-spdb_debit-records.xls",
        profile: "spdb-debit",
        added: 4,
        skipped: 0,
        held: 0,
        accounts: &[("spdb-1230", 4, "-1.64")],
        rows: &[
            ("spdb-1230", "2025-12-05", "10.00", "汇入外"),
            ("spdb-1230", "2025-12-03", "-3.88", "网上支付-支付宝"),
        ],
    },
    // CITIC credit .xls, card 6688, positive = spending: 11 purchases total
    // 1098.80, the 财付通还款 1.21 and the 0.20 rebate come back: −1097.39.
    Case {
        file: "citic/example-citic-credit-records.xls",
        profile: "citic-credit",
        added: 13,
        skipped: 0,
        held: 0,
        accounts: &[("citic-credit-6688", 13, "-1097.39")],
        rows: &[
            (
                "citic-credit-6688",
                "2024-11-09",
                "-807.89",
                "财付通－京东商城平台商户",
            ),
            ("citic-credit-6688", "2024-10-20", "1.21", "财付通还款"),
            ("citic-credit-6688", "2024-11-09", "0.20", "现金奖励"),
        ],
    },
];

#[test]
fn every_fixture_imports_with_hand_checked_numbers() {
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("book.db");
        let path = fixture(&format!("statements/{}", case.file));
        let r = import_json(&db, &[path.to_str().unwrap()]);
        let r = &r[0];
        assert_eq!(r["profile"], case.profile, "{}", case.file);
        assert_eq!(r["added"], case.added, "{}", case.file);
        assert_eq!(r["skipped"], case.skipped, "{}", case.file);
        assert_eq!(r["held"], case.held, "{}", case.file);
        assert_eq!(r["duplicates"], 0);
        assert_eq!(r["rejected"], 0);
        let rows = transactions(&db);
        let got = per_account(&rows);
        let want: Vec<(String, usize, String)> = case
            .accounts
            .iter()
            .map(|(a, n, s)| (a.to_string(), *n, s.to_string()))
            .collect();
        assert_eq!(got, want, "{}", case.file);
        for (a, d, amt, desc) in case.rows {
            assert!(
                has_row(&rows, a, d, amt, desc),
                "{}: no row {a} {d} {amt} {desc}",
                case.file
            );
        }
        // Importing the same file again adds nothing.
        let again = import_json(&db, &[path.to_str().unwrap()]);
        assert_eq!(again[0]["added"], 0, "{} re-import", case.file);
        assert_eq!(
            again[0]["duplicates"],
            case.added + case.held,
            "{} re-import",
            case.file
        );
        assert_eq!(transactions(&db).len(), rows.len());
    }
}

#[test]
fn the_same_statement_in_two_layouts_adds_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let v1 = fixture("statements/icbc/example-icbc-debit-v1-records.csv");
    let v2 = fixture("statements/icbc/example-icbc-debit-v2-records.csv");
    import_json(&db, &[v1.to_str().unwrap()]);
    let r = import_json(&db, &[v2.to_str().unwrap()]);
    assert_eq!(
        (r[0]["added"].as_u64(), r[0]["duplicates"].as_u64()),
        (Some(0), Some(11))
    );
}

/// A GBK file, its UTF-8 twin, a UTF-8-BOM twin and a CRLF twin import identically.
#[test]
fn encodings_and_line_endings_import_identically() {
    let gbk = std::fs::read(fixture("statements/alipay/example-alipay-records.csv")).unwrap();
    let (utf8, _, bad) = encoding_rs::GB18030.decode(&gbk);
    assert!(!bad);
    let utf8 = utf8.into_owned();
    assert!(!utf8.contains('\r'), "the fixture is LF");
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(utf8.as_bytes());
    let crlf = utf8.replace('\n', "\r\n");
    let variants: [(&str, Vec<u8>); 4] = [
        ("gbk.csv", gbk.clone()),
        ("utf8.csv", utf8.clone().into_bytes()),
        ("bom.csv", bom),
        ("crlf.csv", crlf.into_bytes()),
    ];
    let mut results = Vec::new();
    for (name, bytes) in variants {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let db = dir.path().join("book.db");
        let r = import_json(&db, &[file.to_str().unwrap()]);
        assert_eq!(r[0]["added"], 5, "{name}");
        results.push(transactions(&db));
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn a_newest_first_export_keeps_its_latest_running_balance() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    import_json(
        &db,
        &[fixture("statements/boc/example-boc-debit-records.csv")
            .to_str()
            .unwrap()],
    );
    let out = ebb(&db)
        .args(["accounts", "--json", "--as-of", "2025-08-31"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The top row of the file (the last of 2025-08-22) reports 3,240.28.
    assert_eq!(v[0]["name"], "boc-3167");
    assert_eq!(v[0]["balance"], "3240.28");
    assert_eq!(v[0]["transactions"], 17);
}
