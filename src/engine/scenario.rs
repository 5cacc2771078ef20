//! Scenario overlays (RULES.md §7) and the scenario TOML of SPEC.md.
//!
//! Owns: `ScenarioFile` (as written, values possibly ranges), `Scenario`
//! (point values the projection runs on), resolving one into the other with
//! the modes or with a sampler, and `ScenarioError` with file, line and key.
//! Must not: read files (callers pass the text and its name).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, de};

use crate::engine::money::Money;
use crate::engine::tomlnum::Num;

/// A value written as a point or as a range `{min, mode, max}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// A single value.
    Point(Decimal),
    /// A triangular range: `mode` in a plain forecast, sampled by Monte Carlo.
    Range {
        /// Lowest.
        min: Decimal,
        /// Most likely.
        mode: Decimal,
        /// Highest.
        max: Decimal,
    },
}

impl Param {
    /// The value a plain forecast uses.
    pub fn mode(self) -> Decimal {
        match self {
            Param::Point(v) => v,
            Param::Range { mode, .. } => mode,
        }
    }

    /// Is this a range?
    pub fn is_range(self) -> bool {
        matches!(self, Param::Range { .. })
    }
}

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct R {
            min: Num,
            mode: Option<Num>,
            max: Num,
        }
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Param;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a range { min = …, mode = …, max = … }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Param, E> {
                Ok(Param::Point(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Param, E> {
                Ok(Param::Point(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Param, E> {
                Num::deserialize(de::value::F64Deserializer::<E>::new(v)).map(|n| Param::Point(n.0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Param, E> {
                Num::deserialize(de::value::StrDeserializer::<E>::new(v)).map(|n| Param::Point(n.0))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Param, A::Error> {
                let r = R::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let mode = r.mode.map_or((r.min.0 + r.max.0) / Decimal::TWO, |m| m.0);
                if !(r.min.0 <= mode && mode <= r.max.0) {
                    return Err(de::Error::custom(format!(
                        "range needs min ≤ mode ≤ max, got min {}, mode {}, max {}",
                        r.min.0, mode, r.max.0
                    )));
                }
                Ok(Param::Range {
                    min: r.min.0,
                    mode,
                    max: r.max.0,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Where prestock and ad spend are paid from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Funding {
    /// From cash (a step 1 outflow).
    Cash,
    /// A purchase on this credit account.
    Credit(String),
}

impl Funding {
    fn parse(s: &str) -> Funding {
        if s == "cash" {
            Funding::Cash
        } else {
            Funding::Credit(s.to_string())
        }
    }
}

/// Stock bought ahead of a promotion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prestock {
    /// Purchase date.
    pub date: NaiveDate,
    /// Amount.
    pub amount: Money,
    /// Cash or a credit account.
    pub funding: Funding,
}

/// A sales promotion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Promotion {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Daily sales without the promotion; derived from history when absent.
    pub baseline_daily_sales: Option<Money>,
    /// Sales multiplier.
    pub uplift: Decimal,
    /// Platform commission.
    pub platform_fee_rate: Decimal,
    /// Share of sales returned.
    pub return_rate: Decimal,
    /// Days from sale to payout.
    pub settlement_lag_days: u32,
    /// Ad spend per promotion day.
    pub ad_spend_daily: Money,
    /// Where ad spend is paid from.
    pub ad_funding: Funding,
    /// Stock bought ahead.
    pub prestock: Option<Prestock>,
    /// Sales drop after the promotion.
    pub post_promo_dip: Decimal,
    /// Days of that drop.
    pub dip_days: u32,
}

/// Inflows arriving later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelayInflows {
    /// From (undelayed date, inclusive).
    pub from: NaiveDate,
    /// To (inclusive).
    pub to: NaiveDate,
    /// Days later.
    pub days: u32,
}

/// Inflows and outflows scaled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scale {
    /// From (inclusive).
    pub from: NaiveDate,
    /// To (inclusive).
    pub to: NaiveDate,
    /// Factor on positive flows and promotion flows.
    pub inflow_factor: Decimal,
    /// Factor on negative flows.
    pub outflow_factor: Decimal,
}

/// A one-off cash flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneOff {
    /// Date.
    pub date: NaiveDate,
    /// Signed amount.
    pub amount: Money,
    /// Cash account.
    pub account: String,
    /// Label.
    pub label: String,
}

/// Convert a bill into installments before it falls due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversion {
    /// Credit account.
    pub account: String,
    /// Due date of the bill.
    pub bill_due: NaiveDate,
    /// Number of periods.
    pub periods: u32,
}

/// An installment plan negotiated for overdue debt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NegotiatedPlan {
    /// Credit account.
    pub account: String,
    /// Date the plan starts.
    pub date: NaiveDate,
    /// Number of monthly installments.
    pub periods: u32,
}

/// A short-term loan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bridge {
    /// Cash arrives.
    pub date: NaiveDate,
    /// Amount.
    pub amount: Money,
    /// Repaid with interest.
    pub repay_date: NaiveDate,
    /// Annual simple rate.
    pub rate: Decimal,
}

impl Bridge {
    /// Simple interest from `date` to `repay_date` on a 365-day year,
    /// rounded once (RULES.md §7).
    pub fn interest(&self) -> Money {
        let days = Decimal::from((self.repay_date - self.date).num_days());
        Money::rounded(self.amount * (self.rate * days / Decimal::from(365)))
    }
}

/// A scenario with point values: what the projection runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scenario {
    /// Its name; `None` for the baseline.
    pub name: Option<String>,
    /// Promotions, in file order.
    pub promotions: Vec<Promotion>,
    /// Delays.
    pub delays: Vec<DelayInflows>,
    /// Scales.
    pub scales: Vec<Scale>,
    /// One-offs.
    pub one_offs: Vec<OneOff>,
    /// Conversions to installments.
    pub conversions: Vec<Conversion>,
    /// Negotiated plans.
    pub plans: Vec<NegotiatedPlan>,
    /// Bridges.
    pub bridges: Vec<Bridge>,
}

impl Scenario {
    /// Does it have no overlay at all (then it is the baseline)?
    pub fn is_empty(&self) -> bool {
        self.promotions.is_empty()
            && self.delays.is_empty()
            && self.scales.is_empty()
            && self.one_offs.is_empty()
            && self.conversions.is_empty()
            && self.plans.is_empty()
            && self.bridges.is_empty()
    }
}

impl Scenario {
    /// The scenario as TOML in the format `ScenarioFile::parse` reads:
    /// saving and loading give back the same scenario.
    pub fn to_toml(&self, name: &str) -> String {
        use std::fmt::Write as _;
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let funding = |f: &Funding| match f {
            Funding::Cash => q("cash"),
            Funding::Credit(a) => q(a),
        };
        let mut out = format!("name = {}\n", q(name));
        for p in &self.promotions {
            let _ = write!(
                out,
                "\n[[promotion]]\nstart = \"{}\"\nend = \"{}\"\n",
                p.start, p.end
            );
            if let Some(b) = p.baseline_daily_sales {
                let _ = writeln!(out, "baseline_daily_sales = {b}");
            }
            let _ = writeln!(out, "uplift = {}", p.uplift.normalize());
            let _ = writeln!(
                out,
                "platform_fee_rate = {}",
                p.platform_fee_rate.normalize()
            );
            let _ = writeln!(out, "return_rate = {}", p.return_rate.normalize());
            let _ = writeln!(out, "settlement_lag_days = {}", p.settlement_lag_days);
            let _ = writeln!(out, "ad_spend_daily = {}", p.ad_spend_daily);
            let _ = writeln!(out, "ad_funding = {}", funding(&p.ad_funding));
            if let Some(ps) = &p.prestock {
                let _ = writeln!(
                    out,
                    "prestock = {{ date = \"{}\", amount = {}, funding = {} }}",
                    ps.date,
                    ps.amount,
                    funding(&ps.funding)
                );
            }
            let _ = writeln!(out, "post_promo_dip = {}", p.post_promo_dip.normalize());
            let _ = writeln!(out, "dip_days = {}", p.dip_days);
        }
        for d in &self.delays {
            let _ = write!(
                out,
                "\n[[delay_inflows]]\nfrom = \"{}\"\nto = \"{}\"\ndays = {}\n",
                d.from, d.to, d.days
            );
        }
        for sc in &self.scales {
            let _ = write!(
                out,
                "\n[[scale]]\nfrom = \"{}\"\nto = \"{}\"\ninflow_factor = {}\noutflow_factor = {}\n",
                sc.from,
                sc.to,
                sc.inflow_factor.normalize(),
                sc.outflow_factor.normalize()
            );
        }
        for o in &self.one_offs {
            let _ = write!(
                out,
                "\n[[one_off]]\ndate = \"{}\"\namount = {}\naccount = {}\nlabel = {}\n",
                o.date,
                o.amount,
                q(&o.account),
                q(&o.label)
            );
        }
        for c in &self.conversions {
            let _ = write!(
                out,
                "\n[[convert_to_installments]]\naccount = {}\nbill_due = \"{}\"\nperiods = {}\n",
                q(&c.account),
                c.bill_due,
                c.periods
            );
        }
        for p in &self.plans {
            let _ = write!(
                out,
                "\n[[negotiated_plan]]\naccount = {}\ndate = \"{}\"\nperiods = {}\n",
                q(&p.account),
                p.date,
                p.periods
            );
        }
        for b in &self.bridges {
            let _ = write!(
                out,
                "\n[[bridge]]\ndate = \"{}\"\namount = {}\nrepay_date = \"{}\"\nrate = {}\n",
                b.date,
                b.amount,
                b.repay_date,
                b.rate.normalize()
            );
        }
        out
    }
}

/// Why a scenario file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// The TOML does not parse or a key has the wrong type.
    #[error("{file}: {message}")]
    Syntax {
        /// File name.
        file: String,
        /// toml's message, with line, column and key.
        message: String,
    },
    /// A value is out of range.
    #[error("{file}: {section}: {message}")]
    Invalid {
        /// File name.
        file: String,
        /// Which table, e.g. `promotion #1`.
        section: String,
        /// What is wrong and what to do.
        message: String,
    },
}

fn cash() -> String {
    "cash".into()
}

/// A promotion as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PromotionFile {
    start: NaiveDate,
    end: NaiveDate,
    baseline_daily_sales: Option<Param>,
    #[serde(default = "one")]
    uplift: Param,
    #[serde(default = "zero")]
    platform_fee_rate: Param,
    #[serde(default = "zero")]
    return_rate: Param,
    #[serde(default = "zero")]
    settlement_lag_days: Param,
    #[serde(default = "zero")]
    ad_spend_daily: Param,
    #[serde(default = "cash")]
    ad_funding: String,
    prestock: Option<PrestockFile>,
    #[serde(default = "zero")]
    post_promo_dip: Param,
    #[serde(default)]
    dip_days: u32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrestockFile {
    date: NaiveDate,
    amount: Param,
    #[serde(default = "cash")]
    funding: String,
}

fn one() -> Param {
    Param::Point(Decimal::ONE)
}
fn zero() -> Param {
    Param::Point(Decimal::ZERO)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DelayFile {
    from: NaiveDate,
    to: NaiveDate,
    days: Param,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleFile {
    from: NaiveDate,
    to: NaiveDate,
    #[serde(default = "one")]
    inflow_factor: Param,
    #[serde(default = "one")]
    outflow_factor: Param,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OneOffFile {
    date: NaiveDate,
    amount: Param,
    account: String,
    #[serde(default)]
    label: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConversionFile {
    account: String,
    bill_due: NaiveDate,
    periods: u32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    account: String,
    date: NaiveDate,
    periods: u32,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BridgeFile {
    date: NaiveDate,
    amount: Param,
    repay_date: NaiveDate,
    #[serde(default = "zero")]
    rate: Param,
}

/// A scenario as written in its TOML file: values may be ranges.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    name: Option<String>,
    #[serde(default)]
    promotion: Vec<PromotionFile>,
    #[serde(default)]
    delay_inflows: Vec<DelayFile>,
    #[serde(default)]
    scale: Vec<ScaleFile>,
    #[serde(default)]
    one_off: Vec<OneOffFile>,
    #[serde(default)]
    convert_to_installments: Vec<ConversionFile>,
    #[serde(default)]
    negotiated_plan: Vec<PlanFile>,
    #[serde(default)]
    bridge: Vec<BridgeFile>,
    #[serde(skip)]
    file: String,
    #[serde(skip)]
    stem: String,
}

impl ScenarioFile {
    /// Parses scenario TOML. `file` names it in errors; its stem is the
    /// scenario's name when the file has no `name` key.
    pub fn parse(file: &str, text: &str) -> Result<ScenarioFile, ScenarioError> {
        let mut sf: ScenarioFile = toml::from_str(text).map_err(|e| ScenarioError::Syntax {
            file: file.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        sf.file = file.to_string();
        sf.stem = std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Check every value once with the modes, so errors come at load time.
        sf.resolve(&mut |p| p.mode())?;
        Ok(sf)
    }

    /// Does any value have a range (so Monte Carlo has something to vary)?
    pub fn has_ranges(&self) -> bool {
        let mut found = false;
        let _ = self.clone().resolve(&mut |p| {
            found |= p.is_range();
            p.mode()
        });
        found
    }

    /// The point scenario with the modes.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        self.resolve(&mut |p| p.mode())
    }

    /// Resolves every value with `pick` (the mode, or a sample).
    pub fn resolve(
        &self,
        pick: &mut dyn FnMut(Param) -> Decimal,
    ) -> Result<Scenario, ScenarioError> {
        let err = |section: String, message: String| ScenarioError::Invalid {
            file: self.file.clone(),
            section,
            message,
        };
        let mut s = Scenario {
            name: self
                .name
                .clone()
                .or_else(|| (!self.stem.is_empty()).then(|| self.stem.clone())),
            ..Default::default()
        };
        for (i, p) in self.promotion.iter().enumerate() {
            let sec = format!("[[promotion]] #{}", i + 1);
            if p.end < p.start {
                return Err(err(
                    sec,
                    format!("end {} is before start {}", p.end, p.start),
                ));
            }
            let rate = |name: &str, v: Decimal| {
                if v < Decimal::ZERO || v > Decimal::ONE {
                    Err(err(
                        sec.clone(),
                        format!("{name} {v} must be between 0 and 1 (0.15 = 15%)"),
                    ))
                } else {
                    Ok(v)
                }
            };
            let nonneg = |name: &str, v: Decimal| {
                if v < Decimal::ZERO {
                    Err(err(sec.clone(), format!("{name} {v} must not be negative")))
                } else {
                    Ok(v)
                }
            };
            let lag = whole_days(sampled_days(pick, p.settlement_lag_days)).ok_or_else(|| {
                err(
                    sec.clone(),
                    "settlement_lag_days must be a whole number of days, 0 to 3650".into(),
                )
            })?;
            let prestock = match &p.prestock {
                Some(ps) => Some(Prestock {
                    date: ps.date,
                    amount: Money::rounded(nonneg("prestock amount", pick(ps.amount))?),
                    funding: Funding::parse(&ps.funding),
                }),
                None => None,
            };
            s.promotions.push(Promotion {
                start: p.start,
                end: p.end,
                baseline_daily_sales: match p.baseline_daily_sales {
                    Some(b) => Some(Money::rounded(nonneg("baseline_daily_sales", pick(b))?)),
                    None => None,
                },
                uplift: nonneg("uplift", pick(p.uplift))?,
                platform_fee_rate: rate("platform_fee_rate", pick(p.platform_fee_rate))?,
                return_rate: rate("return_rate", pick(p.return_rate))?,
                settlement_lag_days: lag,
                ad_spend_daily: Money::rounded(nonneg("ad_spend_daily", pick(p.ad_spend_daily))?),
                ad_funding: Funding::parse(&p.ad_funding),
                prestock,
                post_promo_dip: rate("post_promo_dip", pick(p.post_promo_dip))?,
                dip_days: p.dip_days,
            });
        }
        for (i, d) in self.delay_inflows.iter().enumerate() {
            let sec = format!("[[delay_inflows]] #{}", i + 1);
            let days = whole_days(sampled_days(pick, d.days))
                .ok_or_else(|| err(sec.clone(), "days must be a whole number, 0 to 3650".into()))?;
            s.delays.push(DelayInflows {
                from: d.from,
                to: d.to,
                days,
            });
        }
        for (i, sc) in self.scale.iter().enumerate() {
            let sec = format!("[[scale]] #{}", i + 1);
            let (fi, fo) = (pick(sc.inflow_factor), pick(sc.outflow_factor));
            if fi < Decimal::ZERO || fo < Decimal::ZERO {
                return Err(err(sec, "factors must not be negative".into()));
            }
            s.scales.push(Scale {
                from: sc.from,
                to: sc.to,
                inflow_factor: fi,
                outflow_factor: fo,
            });
        }
        for o in &self.one_off {
            s.one_offs.push(OneOff {
                date: o.date,
                amount: Money::rounded(pick(o.amount)),
                account: o.account.clone(),
                label: o.label.clone(),
            });
        }
        for (i, c) in self.convert_to_installments.iter().enumerate() {
            if c.periods == 0 {
                return Err(err(
                    format!("[[convert_to_installments]] #{}", i + 1),
                    "periods must be at least 1".into(),
                ));
            }
            s.conversions.push(Conversion {
                account: c.account.clone(),
                bill_due: c.bill_due,
                periods: c.periods,
            });
        }
        for (i, p) in self.negotiated_plan.iter().enumerate() {
            if p.periods == 0 {
                return Err(err(
                    format!("[[negotiated_plan]] #{}", i + 1),
                    "periods must be at least 1".into(),
                ));
            }
            s.plans.push(NegotiatedPlan {
                account: p.account.clone(),
                date: p.date,
                periods: p.periods,
            });
        }
        for (i, b) in self.bridge.iter().enumerate() {
            if b.repay_date < b.date {
                return Err(err(
                    format!("[[bridge]] #{}", i + 1),
                    format!("repay_date {} is before date {}", b.repay_date, b.date),
                ));
            }
            s.bridges.push(Bridge {
                date: b.date,
                amount: Money::rounded(pick(b.amount)),
                repay_date: b.repay_date,
                rate: pick(b.rate),
            });
        }
        if s.is_empty() {
            s.name = None;
        }
        Ok(s)
    }
}

/// A day count: a sampled range value is rounded to whole days; a point
/// value must already be whole.
fn sampled_days(pick: &mut dyn FnMut(Param) -> Decimal, p: Param) -> Decimal {
    let v = pick(p);
    if p.is_range() { v.round() } else { v }
}

fn whole_days(v: Decimal) -> Option<u32> {
    use rust_decimal::prelude::ToPrimitive;
    if v.fract() != Decimal::ZERO || v < Decimal::ZERO || v > Decimal::from(3650) {
        return None;
    }
    v.to_u32()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const SPEC: &str = r#"
name = "double11"
[[promotion]]
start = "2026-11-01"
end = "2026-11-11"
uplift = 2.0
baseline_daily_sales = 8000
platform_fee_rate = 0.05
return_rate = 0.15
settlement_lag_days = 15
ad_spend_daily = 1500
ad_funding = "cash"
prestock = { date = "2026-10-25", amount = 150000, funding = "baitiao" }
post_promo_dip = 0.3
dip_days = 14
[[delay_inflows]]
from = "2026-11-01"
to = "2026-11-30"
days = 7
[[convert_to_installments]]
account = "baitiao"
bill_due = "2026-11-19"
periods = 6
"#;

    #[test]
    fn parses_the_spec_example() {
        let s = ScenarioFile::parse("double11.toml", SPEC)
            .unwrap()
            .scenario()
            .unwrap();
        assert_eq!(s.name.as_deref(), Some("double11"));
        let p = &s.promotions[0];
        assert_eq!(p.uplift, dec!(2.0));
        assert_eq!(p.return_rate, dec!(0.15));
        assert_eq!(
            p.prestock.as_ref().unwrap().funding,
            Funding::Credit("baitiao".into())
        );
        assert_eq!(s.delays[0].days, 7);
        assert_eq!(s.conversions[0].periods, 6);
    }

    #[test]
    fn ranges_use_the_mode_and_errors_name_line_and_key() {
        let t = SPEC.replace(
            "uplift = 2.0",
            "uplift = { min = 1.0, mode = 2.5, max = 3.0 }",
        );
        let sf = ScenarioFile::parse("d.toml", &t).unwrap();
        assert!(sf.has_ranges());
        assert_eq!(sf.scenario().unwrap().promotions[0].uplift, dec!(2.5));
        let bad = SPEC.replace("return_rate = 0.15", "return_rat = 0.15");
        let e = ScenarioFile::parse("d.toml", &bad).unwrap_err().to_string();
        assert!(
            e.contains("d.toml") && e.contains("line 9") && e.contains("return_rat"),
            "{e}"
        );
        let bad = SPEC.replace("return_rate = 0.15", "return_rate = 15");
        let e = ScenarioFile::parse("d.toml", &bad).unwrap_err().to_string();
        assert!(e.contains("return_rate 15 must be between 0 and 1"), "{e}");
    }

    #[test]
    fn saving_and_loading_give_back_the_same_scenario() {
        let mut s = ScenarioFile::parse("double11.toml", SPEC)
            .unwrap()
            .scenario()
            .unwrap();
        s.bridges.push(Bridge {
            date: "2026-10-21".parse().unwrap(),
            amount: Money::new(dec!(5000)),
            repay_date: "2026-12-20".parse().unwrap(),
            rate: dec!(0.08),
        });
        s.one_offs.push(OneOff {
            date: "2026-11-02".parse().unwrap(),
            amount: Money::new(dec!(-1200.50)),
            account: "icbc \"main\"".into(),
            label: "税 tax".into(),
        });
        s.scales.push(Scale {
            from: "2026-11-01".parse().unwrap(),
            to: "2026-11-30".parse().unwrap(),
            inflow_factor: dec!(0.9),
            outflow_factor: dec!(1.1),
        });
        s.plans.push(NegotiatedPlan {
            account: "baitiao".into(),
            date: "2026-12-01".parse().unwrap(),
            periods: 6,
        });
        let text = s.to_toml("double11 v2");
        let back = ScenarioFile::parse("x.toml", &text)
            .unwrap()
            .scenario()
            .unwrap();
        assert_eq!(back.name.as_deref(), Some("double11 v2"));
        assert_eq!(
            Scenario { name: None, ..back },
            Scenario { name: None, ..s },
            "{text}"
        );
    }

    #[test]
    fn no_overlays_is_the_baseline() {
        let s = ScenarioFile::parse("x.toml", "name = \"x\"")
            .unwrap()
            .scenario()
            .unwrap();
        assert!(s.is_empty());
        assert_eq!(s.name, None);
    }
}

/// Can `name` be a saved scenario's file name (`scenarios/NAME.toml`)? Not
/// empty, no path separator, drive colon or control character, no leading
/// dot: a name never reaches outside the scenarios folder.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

#[cfg(test)]
mod name_tests {
    use super::valid_name;

    #[test]
    fn names_stay_inside_the_scenarios_folder() {
        for ok in ["double11", "双十一 备货", "v2.final"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "../book", "..", ".hidden", "a/b", "a\\b", "C:x", "a\nb"] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }
}
