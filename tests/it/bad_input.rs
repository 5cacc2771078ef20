//! The bad-input catalogue (reliability issue): malformed statement files,
//! each imported through the real binary. Every one must fail with a
//! message naming the file (and the line and column where one row is to
//! blame) and a non-zero exit, and must leave the book exactly as it was.

use crate::fixtures::ebb;

const HEAD: &str = "date,description,amount,balance\n";

fn cases() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let rows = |body: &str| format!("{HEAD}{body}").into_bytes();
    let mut v: Vec<(&'static str, Vec<u8>, &'static str)> = vec![
        ("empty.csv", Vec::new(), "empty"),
        ("blank-lines.csv", b"\n\n   \n".to_vec(), "empty"),
        ("header-only.csv", HEAD.as_bytes().to_vec(), "header but no rows"),
        ("unknown-header.csv", b"when,what,how much\n2026-01-01,x,1\n".to_vec(), "no known statement layout"),
        ("no-header.csv", b"2026-01-01,x,1\n2026-01-02,y,2\n".to_vec(), "no known statement layout"),
        ("binary-junk.csv", (0u8..=255).cycle().take(4096).collect(), "not a text file"),
        ("nul-bytes.csv", b"date,description,amount\n2026-01-01,a\0b,1\n".to_vec(), "not a text file"),
        ("utf16le.csv", { let mut b = vec![0xFF, 0xFE]; for c in "date,description,amount\n".encode_utf16() { b.extend(c.to_le_bytes()); } b }, "UTF-16"),
        ("utf16be.csv", { let mut b = vec![0xFE, 0xFF]; for c in "date,description,amount\n".encode_utf16() { b.extend(c.to_be_bytes()); } b }, "UTF-16"),
        ("bom-then-latin1.csv", { let mut b = vec![0xEF, 0xBB, 0xBF]; b.extend(HEAD.as_bytes()); b.extend(b"2026-01-01,caf\xe9,1,\n"); b }, "not UTF-8"),
        ("bad-date-feb30.csv", rows("2026-02-30,rent,-100,\n"), "bad-date-feb30.csv:2:1"),
        ("bad-date-month13.csv", rows("2026-13-01,rent,-100,\n"), ":2:1"),
        ("bad-date-text.csv", rows("yesterday,rent,-100,\n2026-01-02,x,1,\n"), "\"yesterday\""),
        ("bad-date-empty.csv", rows(",rent,-100,\n"), "the date is empty"),
        ("bad-date-us.csv", rows("10/20/2026,rent,-100,\n"), ":2:1"),
        ("amount-letters.csv", rows("2026-01-01,rent,12a.50,\n"), "not an amount"),
        ("amount-empty.csv", rows("2026-01-01,rent,,\n"), "the amount is empty"),
        ("amount-two-dots.csv", rows("2026-01-01,rent,1.2.3,\n"), "not an amount"),
        ("amount-three-decimals.csv", rows("2026-01-01,rent,1.234,\n"), "more than two decimals"),
        ("amount-huge.csv", rows("2026-01-01,rent,999999999999999999999999,\n"), "too large"),
        ("amount-very-long.csv", rows(&format!("2026-01-01,rent,{},\n", "9".repeat(100))), "too long"),
        ("amount-formula.csv", rows("2026-01-01,rent,=SUM(A1:A9),\n"), "not an amount"),
        ("amount-plus-formula.csv", rows("2026-01-01,rent,+1+1,\n"), "not an amount"),
        ("amount-at-formula.csv", rows("2026-01-01,rent,@SUM(1),\n"), "not an amount"),
        ("amount-nan.csv", rows("2026-01-01,rent,NaN,\n"), "not an amount"),
        ("amount-infinity.csv", rows("2026-01-01,rent,inf,\n"), "not an amount"),
        ("amount-exponent.csv", rows("2026-01-01,rent,1e5,\n"), "not an amount"),
        ("amount-bracket-note.csv", rows("2026-01-01,rent,12.00(note),\n"), "brackets"),
        ("amount-only-sign.csv", rows("2026-01-01,rent,-,\n"), "the amount is empty"),
        ("balance-letters.csv", rows("2026-01-01,rent,-1.00,abc\n"), "the balance"),
        ("truncated-row.csv", rows("2026-01-01,rent\n"), "the amount is empty"),
        ("truncated-date-only.csv", rows("2026-01-01\n"), "the amount is empty"),
        ("bad-row-among-good.csv", rows("2026-01-01,a,1,\n2026-01-02,b,2,\n2026-01-03,c,x,\n2026-01-04,d,4,\n"), "bad-row-among-good.csv:4:3"),
        ("many-bad-rows.csv", rows(&"2026-01-01,a,x,\n".repeat(50)), "50 bad row(s)"),
        ("unclosed-quote.csv", rows("2026-01-01,\"never closed,1,\n2026-01-02,b,2,\n"), "amount"),
        ("bills-missing-account.csv", b"account,statement_date,due_date,amount_due,min_due,paid\n,2026-10-01,2026-10-10,100,,0\n".to_vec(), "the account is empty"),
        ("bills-due-before-statement.csv", b"account,statement_date,due_date,amount_due,min_due,paid\nbt,2026-10-10,2026-10-01,100,,0\n".to_vec(), "is before statement_date"),
        ("bills-bad-amount.csv", b"account,statement_date,due_date,amount_due,min_due,paid\nbt,2026-10-01,2026-10-10,lots,,0\n".to_vec(), "amount_due"),
        ("bills-installment-no-total.csv", b"account,statement_date,due_date,amount_due,min_due,paid,installment_no\nbt,2026-10-01,2026-10-10,100,,0,2\n".to_vec(), "needs installment_total"),
        ("bills-installment-out-of-range.csv", b"account,statement_date,due_date,amount_due,min_due,paid,installment_no,installment_total\nbt,2026-10-01,2026-10-10,100,,0,7,6\n".to_vec(), "out of range"),
        ("bills-bad-date.csv", b"account,statement_date,due_date,amount_due,min_due,paid\nbt,2026-10-01,someday,100,,0\n".to_vec(), "due_date"),
        ("gbk-header-garbage.csv", { let (b, _, _) = encoding_rs::GBK.encode("交易时间,未知列,金额\n2026-01-01,x,1\n"); b.into_owned() }, "no known statement layout"),
        ("mixed-encodings.csv", { let mut b = HEAD.as_bytes().to_vec(); b.extend("2026-01-01,咖啡,-1,\n".as_bytes()); let (g, _, _) = encoding_rs::GBK.encode("2026-01-02,咖啡,x,\n"); b.extend(g.iter()); b }, "not an amount"),
        ("one-10mb-line.csv", { let mut b = b"date,description,amount\n2026-01-01,".to_vec(); b.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024)); b.extend(b",oops\n"); b }, "not an amount"),
        ("late-bad-bytes.csv", { let mut b = HEAD.as_bytes().to_vec(); for i in 0..70_000 { b.extend(format!("2026-01-01,row {i},1.00,\n").as_bytes()); } b.extend(b"2026-01-02,\xff\xfe,1.00,\n"); b }, "line 70002 is not GBK/GB18030 text"),
        ("alipay-header-bad-row.csv", { let (b, _, _) = encoding_rs::GBK.encode("交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注\n2026-01-01 10:00:00,餐饮,店,/,饭,支出,十块,余额,交易成功,1,2,\n"); b.into_owned() }, "not an amount"),
    ];
    v.sort_by_key(|c| c.0);
    v
}

#[test]
fn every_malformed_file_fails_clearly_and_writes_nothing() {
    let cases = cases();
    assert!(cases.len() >= 40, "the catalogue has {} files", cases.len());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    // A book with some data already, which must come out untouched.
    let seed = dir.path().join("seed.csv");
    std::fs::write(&seed, "date,description,amount\n2026-01-01,seed,1\n").unwrap();
    assert!(
        ebb(&db)
            .args(["import", "--account", "bank"])
            .arg(&seed)
            .output()
            .unwrap()
            .status
            .success()
    );
    let snapshot = || {
        let c = rusqlite::Connection::open(&db).unwrap();
        let n = |t: &str| {
            c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
        };
        (n("transactions"), n("imports"), n("accounts"), n("bills"))
    };
    let before = snapshot();
    for (name, bytes, want) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, &bytes).unwrap();
        let out = ebb(&db)
            .args(["import", "--account", "bank"])
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} was accepted");
        assert!(
            err.contains(name),
            "{name}: the message does not name the file:\n{err}"
        );
        assert!(err.contains(want), "{name}: expected {want:?} in:\n{err}");
        assert_eq!(snapshot(), before, "{name} changed the book");
        let ok: String = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
}

/// A file that stops being text deep inside (after the first rows were
/// already read and written) rolls back whole, even with
/// `--skip-bad-rows`: the rest of the file cannot be trusted.
#[test]
fn a_file_that_stops_being_text_writes_nothing_even_when_skipping_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let file = dir.path().join("late.csv");
    let mut b = HEAD.as_bytes().to_vec();
    for i in 0..50_000 {
        b.extend(format!("2026-01-01,row {i},1.00,\n").as_bytes());
    }
    b.extend(b"2026-01-02,\xff\xfe,1.00,\n2026-01-03,after,1.00,\n");
    std::fs::write(&file, &b).unwrap();
    let out = ebb(&db)
        .args(["import", "--skip-bad-rows", "--account", "bank"])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("late.csv: line 50002"), "{err}");
    let n: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

/// Two processes importing into one book at once: both succeed (SQLite's
/// busy timeout serialises them) or one says the book is busy; nothing is
/// doubled or corrupted.
#[test]
fn two_imports_at_once_do_not_corrupt_or_double() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut files = Vec::new();
    for k in 0..2 {
        let path = dir.path().join(format!("part{k}.csv"));
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(f, "date,description,amount").unwrap();
        for i in 0..20_000 {
            writeln!(
                f,
                "2026-{:02}-{:02},p{k} row {i},{}.00",
                1 + i % 12,
                1 + i % 28,
                i % 500
            )
            .unwrap();
        }
        files.push(path);
    }
    drop(ebb::store::Store::open(&db).unwrap());
    let bin = assert_cmd::cargo::cargo_bin("ebb");
    // Both started before either is waited for: they really overlap.
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            std::process::Command::new(&bin)
                .arg("--db")
                .arg(&db)
                .args(["import", "--account", "bank"])
                .arg(f)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut added = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() || err.contains("busy"), "{err}");
        if out.status.success() {
            added += 20_000;
        }
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, added);
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[cfg(unix)]
#[test]
fn the_book_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new").join("book.db");
    drop(ebb::store::Store::open(&db).unwrap());
    assert_eq!(
        std::fs::metadata(&db).unwrap().permissions().mode() & 0o777,
        0o600
    );
}
