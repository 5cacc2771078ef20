//! The binary end to end: generic formats, bad input, idempotence, undo,
//! the contract commands of the engine issue, and a real kill mid-import.

use std::io::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::common::fixture;
use crate::fixtures::{ebb, import_json, transactions};

pub fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn count(db: &Path, table: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_bad_row_imports_nothing_and_names_file_line_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let f = write(
        dir.path(),
        "bank.csv",
        "date,description,amount,balance\n2026-10-01,rent,-18000,100000\n2026-10-02,sales,12a.50,\n2026-10-03,sales,500,\n",
    );
    let out = ebb(&db)
        .args(["import", "--account", "icbc"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bank.csv:3:3 (column \"amount\")"), "{err}");
    assert!(
        err.contains("\"12a.50\"") && err.contains("not an amount"),
        "{err}"
    );
    assert!(err.contains("--skip-bad-rows"), "{err}");
    assert_eq!(count(&db, "transactions"), 0);
    assert_eq!(count(&db, "imports"), 0);
    // With --skip-bad-rows the rest goes in and the bad row is listed.
    let out = ebb(&db)
        .args(["import", "--json", "--skip-bad-rows", "--account", "icbc"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (r[0]["added"].as_u64(), r[0]["rejected"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("bank.csv:3:3"));
}

#[test]
fn unknown_layout_and_empty_files_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    for (name, text, want) in [
        (
            "odd.csv",
            "when,what,howmuch\n2026-01-01,x,1\n",
            "no known statement layout",
        ),
        ("empty.csv", "", "empty"),
        (
            "header.csv",
            "date,description,amount\n",
            "header but no rows",
        ),
    ] {
        let f = write(dir.path(), name, text);
        let out = ebb(&db)
            .args(["import", "--account", "a"])
            .arg(&f)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(name) && err.contains(want), "{name}: {err}");
    }
    assert_eq!(count(&db, "transactions"), 0);
}

#[test]
fn dry_run_writes_nothing_and_undo_removes_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let f = write(
        dir.path(),
        "bank.csv",
        "date,description,amount\n2026-10-01,a,1\n2026-10-02,b,2\n",
    );
    let r = import_json(
        &db,
        &["--dry-run", "--account", "icbc", f.to_str().unwrap()],
    );
    assert_eq!(r[0]["added"], 2);
    assert_eq!(count(&db, "transactions"), 0);
    let r = import_json(&db, &["--account", "icbc", f.to_str().unwrap()]);
    let id = r[0]["import_id"].as_i64().unwrap();
    assert_eq!(count(&db, "transactions"), 2);
    let out = ebb(&db)
        .args(["undo-import", &id.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(count(&db, "transactions"), 0);
    let out = ebb(&db).args(["undo-import", "99"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no import 99"));
}

#[test]
fn overlapping_files_add_only_new_rows_and_identical_rows_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    // Two genuinely identical purchases on 10-02 in one file are both kept.
    let a = write(
        dir.path(),
        "sep.csv",
        "date,description,amount\n2026-10-01,a,1\n2026-10-02,coffee,-3\n2026-10-02,coffee,-3\n",
    );
    let b = write(
        dir.path(),
        "oct.csv",
        "date,description,amount\n2026-10-02,coffee,-3\n2026-10-02,coffee,-3\n2026-10-03,c,5\n",
    );
    let r = import_json(&db, &["--account", "icbc", a.to_str().unwrap()]);
    assert_eq!(r[0]["added"], 3);
    let r = import_json(&db, &["--account", "icbc", b.to_str().unwrap()]);
    assert_eq!(
        (r[0]["added"].as_u64(), r[0]["duplicates"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(transactions(&db).len(), 4);
}

#[test]
fn credit_transactions_and_bills_in_ebbs_own_formats() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let book = write(
        dir.path(),
        "book.toml",
        "[[account]]\nname = \"baitiao\"\nkind = \"credit\"\nlimit = 1000\n",
    );
    assert!(
        ebb(&db)
            .arg("apply")
            .arg(&book)
            .output()
            .unwrap()
            .status
            .success()
    );
    let tx = write(
        dir.path(),
        "bt.csv",
        "date,description,amount\n2026-10-02,stock,300\n2026-10-05,refund,-50\n",
    );
    import_json(&db, &["--account", "baitiao", tx.to_str().unwrap()]);
    let rows = transactions(&db);
    assert_eq!(
        rows[0]["amount"], "-300.00",
        "a purchase is money out from the holder's side"
    );
    assert_eq!(rows[1]["amount"], "50.00");
    let bills = write(
        dir.path(),
        "bills.csv",
        "account,statement_date,due_date,amount_due,min_due,paid,installment_no,installment_total,fee\nbaitiao,2026-10-01,2026-10-10,864,,0,,,\nbaitiao,2026-09-01,2026-10-10,105,,5,2,6,5\n",
    );
    let r = import_json(&db, &[bills.to_str().unwrap()]);
    assert_eq!(
        (r[0]["profile"].as_str(), r[0]["added"].as_u64()),
        (Some("ebb-bills"), Some(2))
    );
    let r = import_json(&db, &[bills.to_str().unwrap()]);
    assert_eq!(
        r[0]["added"], 0,
        "re-importing the same bills changes nothing"
    );
    let out = ebb(&db).args(["bills", "--json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[1]["installment_no"], 2);
}

fn dump(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut out = Vec::new();
    for t in [
        "settings",
        "accounts",
        "recurring",
        "scheduled",
        "bills",
        "purchases",
    ] {
        let mut s = c.prepare(&format!("SELECT * FROM {t} ORDER BY 1")).unwrap();
        let n = s.column_count();
        let rows = s
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        out.extend(rows.map(|r| format!("{t}: {}", r.unwrap())));
    }
    out
}

#[test]
fn applying_the_spec_book_twice_leaves_it_as_after_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let book = fixture("book/spec-book.toml");
    assert!(
        ebb(&db)
            .arg("apply")
            .arg(&book)
            .output()
            .unwrap()
            .status
            .success()
    );
    let once = dump(&db);
    assert!(once.len() >= 7, "{once:?}");
    assert!(
        ebb(&db)
            .arg("apply")
            .arg(&book)
            .output()
            .unwrap()
            .status
            .success()
    );
    assert_eq!(dump(&db), once);
}

#[test]
fn a_bad_book_file_names_the_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let f = write(
        dir.path(),
        "book.toml",
        "[[account]]\nname = \"x\"\nkind = \"bank\"\nopening_balanse = 5\n",
    );
    let out = ebb(&db).arg("apply").arg(&f).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("book.toml") && err.contains("line 4") && err.contains("opening_balanse"),
        "{err}"
    );
}

const CONTRACT_BOOK: &str = r#"
reserve = 5000
[[account]]
name = "icbc"
kind = "bank"
[[account]]
name = "baitiao"
kind = "credit"
limit = 100000
"#;

/// The commands the independent implementation drives, exactly as written
/// in the engine issue, and every field of `ebb.forecast/1`.
#[test]
fn the_contract_commands_and_the_forecast_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("BOOK.db");
    let book = write(dir.path(), "book.toml", CONTRACT_BOOK);
    let bank = write(
        dir.path(),
        "bank.csv",
        "date,description,amount,balance\n2026-10-01,opening,0,30000\n2026-10-15,sales,2000,32000\n",
    );
    let bills = write(
        dir.path(),
        "bills.csv",
        "account,statement_date,due_date,amount_due,min_due,paid\nbaitiao,2026-10-01,2026-10-10,8000,800,8000\nbaitiao,2026-10-01,2026-11-10,40000,,0\n",
    );
    let scen = write(
        dir.path(),
        "scenario.toml",
        "name = \"squeeze\"\n[[promotion]]\nstart = \"2026-10-25\"\nend = \"2026-10-26\"\nbaseline_daily_sales = 1000\nprestock = { date = \"2026-10-22\", amount = 30000, funding = \"baitiao\" }\n",
    );
    let db_s = db.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("ebb")
            .unwrap()
            .arg("--db")
            .arg(db_s)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    run(&["apply", book.to_str().unwrap()]);
    run(&["import", bank.to_str().unwrap(), "--account", "icbc"]);
    run(&["import", bills.to_str().unwrap()]);
    let out = run(&[
        "forecast",
        "--as-of",
        "2026-10-20",
        "--days",
        "90",
        "--scenario",
        scen.to_str().unwrap(),
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    let keys = |v: &Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
    };
    let set = |s: &[&str]| {
        s.iter()
            .map(|x| x.to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(
        keys(&v),
        set(&[
            "schema",
            "as_of",
            "horizon_days",
            "scenario",
            "currency",
            "start_cash",
            "days",
            "events",
            "summary"
        ])
    );
    assert_eq!(v["schema"], "ebb.forecast/1");
    assert_eq!(
        (
            v["as_of"].as_str(),
            v["horizon_days"].as_u64(),
            v["scenario"].as_str()
        ),
        (Some("2026-10-20"), Some(90), Some("squeeze"))
    );
    assert_eq!(
        (v["currency"].as_str(), v["start_cash"].as_str()),
        (Some("CNY"), Some("32000.00"))
    );
    let days = v["days"].as_array().unwrap();
    assert_eq!(days.len(), 90);
    assert_eq!(
        keys(&days[0]),
        set(&["date", "cash", "inflow", "outflow", "credit"])
    );
    assert_eq!(
        keys(&days[0]["credit"]["baitiao"]),
        set(&["owed", "available", "locked"])
    );
    assert_eq!(days[0]["date"], "2026-10-21");
    let ev = v["events"].as_array().unwrap();
    assert!(!ev.is_empty());
    for e in ev {
        assert_eq!(
            keys(e),
            set(&["date", "kind", "account", "amount", "ref", "detail"])
        );
    }
    assert_eq!(
        keys(&v["summary"]),
        set(&[
            "risk",
            "min_cash",
            "min_cash_date",
            "first_shortfall_date",
            "runway_days",
            "overdue_bills",
            "max_days_past_due",
            "locks",
            "penalty_total",
            "fee_total",
            "interest_total",
            "required_bridge",
            "largest_safe_prestock"
        ])
    );
    // Amounts are strings with two places.
    for s in [
        &v["start_cash"],
        &days[0]["cash"],
        &v["summary"]["penalty_total"],
        &ev[0]["amount"],
    ] {
        let t = s.as_str().unwrap();
        assert!(t.split_once('.').is_some_and(|(_, f)| f.len() == 2), "{t}");
    }
    // Worked by hand: 32000 cash + 2 × 1000 promotion sales = 34000 on 11-10.
    // Both bills fall due then; the older 40000 bill comes first in payment
    // order and takes all 34000 (its 4000 minimum met, 6000 revolves); the
    // 30000 prestock bill (statement 11-01, minimum 3000) gets nothing, turns
    // overdue on 11-11 and locks Baitiao.
    let on = |d: &str| {
        ev.iter()
            .filter(|e| e["date"] == d)
            .map(|e| {
                format!(
                    "{} {}",
                    e["kind"].as_str().unwrap(),
                    e["amount"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(on("2026-11-01"), ["statement 30000.00"]);
    assert_eq!(
        on("2026-11-10"),
        [
            "bill_due 40000.00",
            "bill_due 30000.00",
            "payment 34000.00",
            "below_reserve 0.00"
        ]
    );
    assert_eq!(
        on("2026-11-11"),
        [
            "overdue 30000.00",
            "lock 30000.00",
            "limit_cut 100000.00",
            "bureau_report 30000.00"
        ]
    );
    assert_eq!(v["summary"]["risk"], "critical");
    assert_eq!(v["summary"]["locks"][0]["date"], "2026-11-11");
    // Required bridge X: on 11-10 the `full` policy pays the 40000 bill first,
    // then 30000 − U with U = 36000 − X left unpaid. U revolves (interest
    // round(U × 0.0005) a day) and is billed 12-01, due 12-10, when cash is 0:
    // safe only if that minimum round(10% × (U + interest)) is 0.00, i.e.
    // U + interest < 0.05. U = 0.04 earns round(0.00002) = 0 interest and
    // bills 0.04 (minimum 0.00); U = 0.05 bills a 0.01 minimum that cannot
    // be paid. So X = 36000 − 0.04.
    assert_eq!(v["summary"]["required_bridge"], "35999.96");
    // The JSON round-trips: parsing and re-serialising gives the same value.
    let again: Value = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(again, v);
}

#[test]
fn check_exit_codes_follow_the_risk() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let book = write(
        dir.path(),
        "book.toml",
        "[[account]]\nname = \"bank\"\nkind = \"bank\"\nopening_balance = 1000\n[[account]]\nname = \"bt\"\nkind = \"credit\"\nlimit = 9000\n[[bill]]\naccount = \"bt\"\nstatement_date = \"2026-10-01\"\ndue_date = \"2026-10-25\"\namount_due = AMOUNT\n",
    );
    let apply = |amount: &str| {
        let f = write(
            dir.path(),
            "b.toml",
            &std::fs::read_to_string(&book)
                .unwrap()
                .replace("AMOUNT", amount),
        );
        assert!(
            ebb(&db)
                .arg("apply")
                .arg(&f)
                .output()
                .unwrap()
                .status
                .success()
        );
    };
    let check = || {
        ebb(&db)
            .args(["check", "--as-of", "2026-10-20", "--days", "30"])
            .output()
            .unwrap()
    };
    apply("500");
    let out = check();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("GREEN"));
    apply("20000"); // minimum 2000 > 1000 cash: overdue, Baitiao locks.
    let out = check();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("CRITICAL: bt locks on 2026-10-26"));
    let out = ebb(&db)
        .args(["check", "--scenario", "nope"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "errors in check exit 3, apart from risk codes"
    );
}

/// Killing `ebb import` with SIGKILL leaves the book as before that import:
/// all of the file's rows or none, and an intact database. The kill points
/// are spread over the time a full import takes on this machine, so they
/// land mid-import wherever the test runs.
#[cfg(unix)]
#[test]
fn a_killed_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let big = dir.path().join("big.csv");
    let n = 100_000;
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        writeln!(f, "date,description,amount").unwrap();
        for i in 0..n {
            writeln!(
                f,
                "2026-{:02}-{:02},row {i},{}.{:02}",
                1 + i % 12,
                1 + i % 28,
                i % 1000,
                i % 100
            )
            .unwrap();
        }
    }
    let bin = assert_cmd::cargo::cargo_bin("ebb");
    let import = |db: &std::path::Path| {
        std::process::Command::new(&bin)
            .arg("--db")
            .arg(db)
            .args(["import", "--account", "bank"])
            .arg(&big)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long a whole import takes here.
    let start = std::time::Instant::now();
    assert!(
        import(&dir.path().join("timing.db"))
            .wait()
            .unwrap()
            .success()
    );
    let full = start.elapsed();
    // A first small import so the book exists with some data.
    let small = write(
        dir.path(),
        "small.csv",
        "date,description,amount\n2026-01-01,seed,1\n",
    );
    import_json(&db, &["--account", "bank", small.to_str().unwrap()]);
    let points = 20;
    let (mut none, mut all) = (0, 0);
    for k in 1..=points {
        let mut child = import(&db);
        std::thread::sleep(full * k / (points + 1));
        let _ = child.kill();
        let _ = child.wait();
        let c = rusqlite::Connection::open(&db).unwrap();
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "kill point {k}");
        let rows: i64 = c
            .query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))
            .unwrap();
        assert!(
            rows == 1 || rows == 1 + n as i64,
            "after kill point {k}: {rows} rows"
        );
        if rows == 1 {
            none += 1;
        } else {
            all += 1;
            // Undo it so the next kill point starts from the same book.
            let id: i64 = c
                .query_row("SELECT max(id) FROM imports", [], |r| r.get(0))
                .unwrap();
            assert!(
                ebb(&db)
                    .args(["undo-import", &id.to_string()])
                    .output()
                    .unwrap()
                    .status
                    .success()
            );
        }
    }
    eprintln!(
        "{points} kill points over a {full:?} import: {none} left nothing, {all} had finished"
    );
    assert!(
        none >= points / 2,
        "most kills landed mid-import ({none} of {points})"
    );
}

/// The documented example profile reads a bank ebb does not know, from a
/// file given with --profile and from the profiles folder beside the book.
#[test]
fn a_user_profile_reads_an_unknown_bank() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let example = fixture("../../assets/profile-example.toml");
    let stmt = write(
        dir.path(),
        "rural.csv",
        "Example Rural Bank statement\nCard No: 6222 0000 0000 4321\nPosting Date,Narrative,Debit,Credit,Ref,Payee,Balance\n\
         01/10/2026,SALARY OCT,,8000.00,A1,ACME,18000.00\n02/10/2026,RENT OCT,3000.00,,A2,Landlord,15000.00\n\
         03/10/2026,REVERSAL fee,1.00,,A3,,14999.00\n04/10/2026,JD.COM payout,,1200.50,A4,JD,16200.50\n",
    );
    let r = import_json(
        &db,
        &[
            "--profile",
            example.to_str().unwrap(),
            stmt.to_str().unwrap(),
        ],
    );
    assert_eq!(
        (r[0]["profile"].as_str(), r[0]["account"].as_str()),
        (Some("rural-bank"), Some("rural-4321"))
    );
    assert_eq!(
        (r[0]["added"].as_u64(), r[0]["skipped"].as_u64()),
        (Some(3), Some(1))
    );
    let rows = transactions(&db);
    let cats: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r["date"].as_str().unwrap(),
                r["amount"].as_str().unwrap(),
                r["category"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cats,
        [
            ("2026-10-01", "8000.00", "payroll"),
            ("2026-10-02", "-3000.00", "rent"),
            ("2026-10-04", "1200.50", "sales")
        ]
    );
    // Detected without --profile once it sits in the profiles folder.
    std::fs::create_dir_all(dir.path().join("profiles")).unwrap();
    std::fs::copy(&example, dir.path().join("profiles/rural.toml")).unwrap();
    let db2 = dir.path().join("other.db");
    let r = import_json(&db2, &[stmt.to_str().unwrap()]);
    assert_eq!(r[0]["profile"], "rural-bank");
}

#[test]
fn recurring_items_are_detected_confirmed_and_projected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut csv =
        String::from("date,description,amount,balance,counterparty\n2026-05-31,opening,0,50000,\n");
    for m in 6..=10 {
        csv.push_str(&format!(
            "2026-{m:02}-05,rent {m},-18000,,Landlord\n2026-{m:02}-20,payout {m},25000,,JD\n"
        ));
    }
    csv.push_str("2026-07-13,lunch,-88,,Cafe\n");
    let f = write(dir.path(), "bank.csv", &csv);
    import_json(&db, &["--account", "icbc", f.to_str().unwrap()]);
    let out = ebb(&db)
        .args(["recurring", "detect", "--as-of", "2026-10-25"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("icbc-landlord") && text.contains("icbc-jd") && !text.contains("cafe"),
        "{text}"
    );
    let out = ebb(&db)
        .args([
            "recurring",
            "detect",
            "--as-of",
            "2026-10-25",
            "--confirm",
            "icbc-landlord",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8_lossy(
        &ebb(&db)
            .args(["recurring", "list"])
            .output()
            .unwrap()
            .stdout,
    )
    .to_string();
    assert!(
        list.contains("icbc-landlord")
            && list.contains("-18,000.00")
            && list.contains("monthly on day 5"),
        "{list}"
    );
    // The forecast now pays rent on 11-05: 50000 − 5 × 18000 + 5 × 25000 − 88
    // (lunch) = 84912 at as_of.
    let out = ebb(&db)
        .args([
            "forecast",
            "--as-of",
            "2026-10-25",
            "--days",
            "15",
            "--json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["start_cash"], "84912.00");
    let day = v["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-11-05")
        .unwrap()
        .clone();
    assert_eq!(
        (day["outflow"].as_str(), day["cash"].as_str()),
        (Some("18000.00"), Some("66912.00"))
    );
}

/// A CSV export opened in a spreadsheet must not run anything: text cells
/// that start like a formula get a leading `'`; numbers stay numbers.
#[test]
fn csv_exports_defuse_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let f = write(
        dir.path(),
        "bank.csv",
        "date,description,amount,balance,counterparty,category\n\
         2026-01-02,\"=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",-12.50,100.00,@SUM(1),+fee\n\
         2026-01-03,-coffee,5.00,,\"\tx\",plain\n",
    );
    assert!(
        ebb(&db)
            .args(["import", "--account", "bank"])
            .arg(&f)
            .output()
            .unwrap()
            .status
            .success()
    );
    let out = ebb(&db).args(["transactions", "--csv"]).output().unwrap();
    assert!(out.status.success());
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "date",
            "account",
            "amount",
            "balance",
            "category",
            "description",
            "counterparty"
        ]
    );
    let row = |i: usize| rows[i].iter().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        row(0),
        [
            "2026-01-02",
            "bank",
            "-12.50",
            "100.00",
            "'+fee",
            "'=HYPERLINK(\"http://x\",\"click\")",
            "'@SUM(1)"
        ]
    );
    assert_eq!(row(1)[5], "'-coffee");
    assert_eq!(row(1)[2], "5.00");
    for rec in &rows {
        for cell in rec.iter().skip(4) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
}
