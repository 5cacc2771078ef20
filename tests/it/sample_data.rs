//! The demo business's data, generated deterministically.
//!
//! 暖居小家电 (Nuanju Home Appliances) sells small appliances on JD. Ten
//! months of history (January–October 2026) in the real export layouts the
//! importer reads: an ICBC debit card (2024 layout, newest first), Alipay
//! (2023 layout, GBK), WeChat Pay, and a JD wallet export whose 京东白条
//! rows are the shop's Baitiao purchases; the open Baitiao and JD
//! enterprise-credit (金采) bills in ebb's credit CSV, and the 金采
//! purchases since the last statement in ebb's credit-transaction CSV.
//!
//! `cargo test sample_data` checks that `sample-data/` is exactly what this
//! generator makes; `EBB_REGEN_SAMPLE=1 cargo test sample_data` rewrites it.
//! Nothing in the story is written into the data: the squeeze, the lock and
//! the cures come out of the engine (see `demo.rs`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rand::{Rng, SeedableRng, rngs::StdRng};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Amount in cents → "1234.56".
fn yuan(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", c.abs() / 100, c.abs() % 100)
}

/// Amount in cents → "1,234.56".
fn grouped(c: i64) -> String {
    let plain = yuan(c.abs());
    let (int, frac) = plain.split_once('.').unwrap();
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{}{out}.{frac}", if c < 0 { "-" } else { "" })
}

struct BankRow {
    date: NaiveDate,
    summary: &'static str,
    detail: String,
    place: &'static str,
    cents: i64,
    counterparty: &'static str,
    cp_account: &'static str,
}

const AS_OF: (i32, u32, u32) = (2026, 10, 20);
const BAITIAO_STATEMENT_DAY: u32 = 12;

/// Every generated file: (path under sample-data/, bytes).
pub fn files() -> Vec<(String, Vec<u8>)> {
    let mut rng = StdRng::seed_from_u64(20_261_020);
    let start = d(2026, 1, 1);
    let as_of = d(AS_OF.0, AS_OF.1, AS_OF.2);
    let mut bank: Vec<BankRow> = Vec::new();

    // Baitiao purchases (spare parts, packaging) from the JD wallet, and the
    // cycles they are billed in: statement on the 12th, due 9 days later.
    let mut baitiao: Vec<(NaiveDate, i64, &'static str)> = Vec::new();
    let mut day = start + Days::new(3);
    while day <= as_of {
        let what = [
            "配件补货 电机组件",
            "包装材料 纸箱气泡膜",
            "配件补货 加热盘",
            "样品采购 新款暖风机",
        ][rng.random_range(0..4)];
        baitiao.push((day, rng.random_range(700_000..1_400_000) / 100 * 100, what));
        day = day + Days::new(rng.random_range(5..10));
    }
    // JD enterprise credit (金采) restocks: statement on the 1st, due the 20th.
    let mut jincai: Vec<(NaiveDate, i64, &'static str)> = Vec::new();
    let mut day = start + Days::new(2);
    while day <= as_of {
        jincai.push((
            day,
            rng.random_range(1_200_000..2_000_000) / 100 * 100,
            "整机补货 京东金采",
        ));
        day = day + Days::new(rng.random_range(9..15));
    }

    let mut date = start;
    while date <= as_of {
        let dom = date.day();
        if date.weekday() == Weekday::Tue {
            bank.push(BankRow {
                date,
                summary: "京东结算",
                detail: "店铺货款结算".into(),
                place: "网上银行",
                cents: 4_500_000 + rng.random_range(-300_000..300_000),
                counterparty: "北京京东世纪贸易有限公司",
                cp_account: "110907****0501",
            });
        }
        if date.weekday() == Weekday::Mon {
            bank.push(BankRow {
                date,
                summary: "网上支付",
                detail: "京准通广告充值".into(),
                place: "网上银行",
                cents: -350_000,
                counterparty: "北京京东叁佰陆拾度电子商务有限公司",
                cp_account: "110907****0777",
            });
        }
        let monthly: [(u32, &'static str, &'static str, i64, &'static str); 7] = [
            (
                2,
                "转账",
                "支付宝充值",
                -300_000,
                "支付宝（中国）网络技术有限公司",
            ),
            (
                3,
                "转账",
                "京东钱包充值",
                -150_000,
                "网银在线（北京）科技有限公司",
            ),
            (
                26,
                "转账",
                "微信零钱提现",
                200_000,
                "财付通支付科技有限公司",
            ),
            (
                5,
                "转账",
                "仓库租金",
                -1_800_000,
                "上海仓储物业管理有限公司",
            ),
            (
                15,
                "代扣",
                "水电费",
                -240_000 + rng.random_range(-30_000..30_000),
                "国网上海市电力公司",
            ),
            (
                18,
                "转账",
                "包装供应商货款",
                -950_000,
                "昆山宏达包装有限公司",
            ),
            (
                28,
                "代发工资",
                "10人工资",
                -6_200_000,
                "暖居小家电（上海）有限公司",
            ),
        ];
        for (mday, summary, detail, cents, cp) in monthly {
            if dom == mday {
                bank.push(BankRow {
                    date,
                    summary,
                    detail: detail.into(),
                    place: "网上银行",
                    cents,
                    counterparty: cp,
                    cp_account: "",
                });
            }
        }
        // Baitiao bill repaid in full on its due date.
        if dom == BAITIAO_STATEMENT_DAY + 9 {
            let stmt = d(date.year(), date.month(), BAITIAO_STATEMENT_DAY);
            let prev = d(
                if date.month() == 1 {
                    date.year() - 1
                } else {
                    date.year()
                },
                if date.month() == 1 {
                    12
                } else {
                    date.month() - 1
                },
                BAITIAO_STATEMENT_DAY,
            );
            let due: i64 = baitiao
                .iter()
                .filter(|(t, _, _)| *t >= prev && *t < stmt)
                .map(|(_, c, _)| c)
                .sum();
            if due > 0 && date < as_of {
                bank.push(BankRow {
                    date,
                    summary: "自动还款",
                    detail: format!("京东白条还款 {stmt}账单"),
                    place: "网上银行",
                    cents: -due,
                    counterparty: "京东白条",
                    cp_account: "",
                });
            }
        }
        // 金采 bill (purchases of the previous month + 0.6% service fee) on the 20th.
        if dom == 20 && date.month() > 1 && date < as_of {
            let stmt = d(date.year(), date.month(), 1);
            let prev = d(date.year(), date.month() - 1, 1);
            let p: i64 = jincai
                .iter()
                .filter(|(t, _, _)| *t >= prev && *t < stmt)
                .map(|(_, c, _)| c)
                .sum();
            let fee = (p * 6 + 500) / 1000;
            bank.push(BankRow {
                date,
                summary: "自动还款",
                detail: format!("京东金采还款 {stmt}账单"),
                place: "网上银行",
                cents: -(p + fee),
                counterparty: "京东金采",
                cp_account: "",
            });
        }
        date = date.succ_opt().unwrap();
    }
    bank.sort_by_key(|r| r.date);

    // The order of these calls fixes the random stream: keep it.
    let icbc_file = icbc(&bank, 2_000_000).into_bytes();
    let alipay_file = alipay(&mut rng, start, as_of);
    let wechat_file = wechat(&mut rng, start, as_of).into_bytes();
    let jd_file = jd(&mut rng, &baitiao, start, as_of);
    let mut out = vec![
        ("icbc-8866.csv".to_string(), icbc_file),
        ("alipay.csv".to_string(), alipay_file),
        ("wechat.csv".to_string(), wechat_file),
        ("jd.csv".to_string(), jd_file),
    ];

    // Open bills: Baitiao's 10-12 statement (purchases 09-12 … 10-11), unpaid,
    // due 10-21; 金采's 10-01 statement, already paid, due 10-20.
    let bt_stmt = d(2026, 10, BAITIAO_STATEMENT_DAY);
    let bt_due: i64 = baitiao
        .iter()
        .filter(|(t, _, _)| *t >= d(2026, 9, BAITIAO_STATEMENT_DAY) && *t < bt_stmt)
        .map(|(_, c, _)| c)
        .sum();
    let jc: i64 = jincai
        .iter()
        .filter(|(t, _, _)| *t >= d(2026, 9, 1) && *t < d(2026, 10, 1))
        .map(|(_, c, _)| c)
        .sum();
    let jc_due = jc + (jc * 6 + 500) / 1000;
    let mut bills = String::from("account,statement_date,due_date,amount_due,min_due,paid,note\n");
    writeln!(
        bills,
        "baitiao,{bt_stmt},2026-10-21,{},,0.00,白条 10月账单",
        yuan(bt_due)
    )
    .unwrap();
    writeln!(
        bills,
        "jincai,2026-10-01,2026-10-20,{},,{},金采 10月账单（已还）",
        yuan(jc_due),
        yuan(jc_due)
    )
    .unwrap();
    out.push(("credit-bills.csv".to_string(), bills.into_bytes()));
    let mut jt = String::from("date,description,amount\n");
    for (t, c, what) in jincai.iter().filter(|(t, _, _)| *t >= d(2026, 10, 1)) {
        writeln!(jt, "{t},{what},{}", yuan(*c)).unwrap();
    }
    out.push(("jincai-transactions.csv".to_string(), jt.into_bytes()));
    out
}

/// ICBC 明细查询文件下载, 2024 layout, newest first, with running balances.
fn icbc(rows: &[BankRow], opening: i64) -> String {
    let mut balance = opening;
    let mut lines = Vec::new();
    let (mut tin, mut tout) = (0, 0);
    for r in rows {
        balance += r.cents;
        let (i, o) = if r.cents >= 0 {
            (grouped(r.cents), String::new())
        } else {
            (String::new(), grouped(-r.cents))
        };
        if r.cents >= 0 {
            tin += r.cents
        } else {
            tout -= r.cents
        }
        lines.push(format!(
            "{}     \t,\"{}\t\",\"{}\t\",\"{}\t\",\"CHN\t\",钞\t,\"-\t\",\"-\t\",-\t,\"{}\t\",\"{}\t\",人民币\t,\"{}\t\",\"{}\t\",\"{}\t\"",
            r.date, r.summary, r.detail, r.place, i, o, grouped(balance), r.counterparty, r.cp_account
        ));
    }
    lines.reverse();
    let mut s = String::from(
        "明细查询文件下载\n\n卡号: 6222****8866,\"卡别名: 暖居对公\"\n\n子账户序号: 00000,子账户类别: 活期,\"子账户别名: \"\n\n",
    );
    s.push_str("交易日期,摘要,交易详情,交易场所,交易国家或地区简称,钞/汇,交易金额(收入),交易金额(支出),交易币种,记账金额(收入),记账金额(支出),记账币种,余额,对方户名,对方账户\n");
    for l in lines {
        s.push_str(&l);
        s.push('\n');
    }
    writeln!(
        s,
        " \n人民币合计,,,,,,,,,\"{}\",\"{}\",",
        grouped(tin),
        grouped(tout)
    )
    .unwrap();
    s
}

/// Alipay app export, 2023 layout, GBK: courier fees and packaging paid from
/// the balance, topped up from the ICBC card each month.
fn alipay(rng: &mut StdRng, start: NaiveDate, as_of: NaiveDate) -> Vec<u8> {
    let mut rows: Vec<String> = Vec::new();
    let mut date = start;
    let mut n = 0;
    while date <= as_of {
        if date.day() == 2 {
            rows.push(format!("{} 09:30:00,充值提现,暖居小家电,/,余额充值,不计收支,3000.00,工商银行(8866),交易成功,2026{:08}\t,\t,", date, n));
        }
        if date.weekday() == Weekday::Wed || date.weekday() == Weekday::Fri {
            let c: i64 = rng.random_range(15_000..45_000);
            rows.push(format!("{} 16:{:02}:00,物流快递,顺丰速运,sf***@sf-express.com,寄件运费,支出,{},余额,交易成功,2026{:08}\t,\t,", date, n % 60, yuan(c), n));
        }
        if date.day() == 9 {
            rows.push(format!("{} 11:00:00,日用百货,义乌小商品供应链,yw***@163.com,打包胶带,支出,{},余额,交易成功,2026{:08}\t,T{:08}\t,", date, yuan(rng.random_range(20_000..40_000)), n, n));
        }
        n += 1;
        date = date.succ_opt().unwrap();
    }
    rows.reverse();
    let mut s = String::from(
        "------------------------------------------------------------------------------------\n导出信息：\n姓名：暖居小家电\n支付宝账户：nuanju@example.com\n",
    );
    writeln!(s, "起始时间：[{start} 00:00:00]    终止时间：[{as_of} 23:59:59]\n导出交易类型：[全部]\n共{}笔记录\n\n特别提示：\n1.本回单内容可表明支付宝受理了相应支付交易申请；\n\n------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------", rows.len()).unwrap();
    s.push_str("交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n");
    for r in rows {
        s.push_str(&r);
        s.push('\n');
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&s);
    gbk.into_owned()
}

/// WeChat Pay CSV: small offline customer payments in, drivers' fuel and
/// meals out, a monthly withdrawal to the bank.
fn wechat(rng: &mut StdRng, start: NaiveDate, as_of: NaiveDate) -> String {
    let mut rows = Vec::new();
    let mut date = start;
    let mut n = 0u32;
    while date <= as_of {
        if date.weekday() == Weekday::Sat {
            rows.push(format!(
                "{} 15:20:00,二维码收款,门店顾客,\"/\",收入,¥{},零钱,已收钱,1000{:06}\t,/\t,/",
                date,
                yuan(rng.random_range(50_000..150_000)),
                n
            ));
        }
        if date.weekday() == Weekday::Thu {
            rows.push(format!("{} 12:10:00,商户消费,中石化加油站,\"加油\",支出,¥{},零钱,支付成功,4200{:06}\t,6100{:06}\t,/", date, yuan(rng.random_range(20_000..45_000)), n, n));
        }
        if date.day() == 26 {
            rows.push(format!("{} 18:00:00,零钱提现,工商银行(8866),\"/\",/,¥2000.00,工商银行(8866),提现已到账,2072{:06}\t,/\t,\"服务费¥0.00\"", date, n));
        }
        n += 1;
        date = date.succ_opt().unwrap();
    }
    rows.reverse();
    let mut s = String::from("微信支付账单明细,,,,,,,,,,\n微信昵称：[暖居小家电],,,,,,,,,,\n");
    writeln!(s, "起始时间：[{start} 00:00:00] 终止时间：[{as_of} 23:59:59],,,,,,,,,,\n导出类型：[全部],,,,,,,,,,\n导出时间：[{as_of} 20:00:00],,,,,,,,,,\n,,,,,,,,,,\n共{}笔记录,,,,,,,,,,\n收入：0笔 0.00元,,,,,,,,,,\n支出：0笔 0.00元,,,,,,,,,,\n中性交易：0笔 0.00元,,,,,,,,,,\n注：,,,,,,,,,,\n1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易,,,,,,,,,,\n2. 本明细仅展示当前账单中的交易，不包括已删除的记录,,,,,,,,,,\n3. 本明细仅供个人对账使用,,,,,,,,,,\n,,,,,,,,,,\n----------------------微信支付账单明细列表--------------------,,,,,,,,,,", rows.len()).unwrap();
    s.push_str(
        "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n",
    );
    for r in rows {
        s.push_str(&r);
        s.push('\n');
    }
    s
}

/// JD wallet export (UTF-8 with BOM): the Baitiao purchases and a few
/// wallet-balance payments.
fn jd(
    rng: &mut StdRng,
    baitiao: &[(NaiveDate, i64, &'static str)],
    start: NaiveDate,
    as_of: NaiveDate,
) -> Vec<u8> {
    let mut rows: BTreeMap<(NaiveDate, u32), String> = BTreeMap::new();
    for (i, (t, c, what)) in baitiao.iter().enumerate() {
        rows.insert((*t, i as u32), format!("{t} 10:{:02}:00\t,京东平台商户,{what},{},京东白条,交易成功,支出,企业采购,JDB{:09}\t,{:012}\t, ,", i % 60, yuan(*c), i, i));
    }
    let mut date = start;
    let mut n = 1000u32;
    while date <= as_of {
        if date.day() == 11 || date.day() == 25 {
            rows.insert((date, n), format!("{date} 14:00:00\t,京东物流,京东外部商户,{},钱包余额,交易成功,支出,收发快递,JDX{:09}\t,{:012}\t, ,", yuan(rng.random_range(5_000..20_000)), n, n));
        }
        if date.day() == 3 {
            rows.insert((date, n), format!("{date} 09:00:00\t,京东支付,钱包充值,1500.00,工商银行(8866),交易成功,不计收支,充值,JDC{:09}\t,{:012}\t, ,", n, n));
        }
        n += 1;
        date = date.succ_opt().unwrap();
    }
    let mut s = String::from("\u{feff}导出信息：\n京东账号名：nuanju_shop\n");
    writeln!(s, "日期区间：{start} 至 {as_of}\n导出交易类型：全部\n共：{}笔记录\n\n特别提示\n1.本明细为每笔订单支付的明细，不包括已删除的记录；\n", rows.len()).unwrap();
    s.push_str("交易时间,商户名称,交易说明,金额,收/付款方式,交易状态,收/支,交易分类,交易订单号,商家订单号,备注\n");
    for r in rows.values().rev() {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

#[test]
fn sample_data_is_what_the_generator_makes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let regen = std::env::var_os("EBB_REGEN_SAMPLE").is_some() && std::env::var_os("CI").is_none();
    for (name, bytes) in files() {
        let path = root.join(&name);
        if regen {
            std::fs::write(&path, &bytes).unwrap();
        } else {
            let committed = std::fs::read(&path).unwrap_or_default();
            assert!(
                committed == bytes,
                "sample-data/{name} differs from the generator; run EBB_REGEN_SAMPLE=1 cargo test sample_data"
            );
        }
    }
}
