//! Solvers (RULES.md §8): the required bridge, to the cent, and the largest
//! safe prestock, to the yuan — each a bisection over the real projection.
//!
//! Owns: the search bounds and the bisections. Must not: approximate the
//! projection.

use rust_decimal::Decimal;

use crate::engine::money::Money;
use crate::engine::projection::{Prepared, Projection, ProjectionError, Request};
use crate::engine::scenario::Funding;

fn ceil_yuan(x: Money) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    x.decimal().ceil().to_i64().unwrap_or(i64::MAX / 200)
}

/// Is the run safe with `f` applied to the request? Every step of a
/// bisection runs the same prepared book.
fn safe_with(
    prep: &Prepared<'_>,
    req: &Request<'_>,
    f: impl FnOnce(&mut Request<'_>),
) -> Result<bool, ProjectionError> {
    let mut r = req.clone();
    r.summary_only = true;
    f(&mut r);
    Ok(prep.project(&r)?.summary.risk.is_safe())
}

/// The least inflow on `as_of + 1` that makes the run amber or better:
/// `Some(0)` when already safe, `None` when even the upper bound is not.
pub fn required_bridge(
    req: &Request<'_>,
    run: &Projection,
) -> Result<Option<Money>, ProjectionError> {
    if run.summary.risk.is_safe() {
        return Ok(Some(Money::ZERO));
    }
    let b = &run.bounds;
    let u = req.book.reserve
        + (-run.start_cash).clamp_zero()
        + b.negative_flows.abs()
        + Money::new((b.owed_at_as_of + b.credit_purchases).decimal() * Decimal::TWO)
        + Money::new(Decimal::ONE);
    let hi_cents = ceil_yuan(u).saturating_mul(100);
    let at = |cents: i64| Money::from_cents(cents);
    let base = req.extra_inflow;
    let prep = Prepared::new(req.book, req.as_of, req.horizon)?;
    if !safe_with(&prep, req, |r| r.extra_inflow = base + at(hi_cents))? {
        return Ok(None);
    }
    let (mut lo, mut hi) = (0i64, hi_cents);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if safe_with(&prep, req, |r| r.extra_inflow = base + at(mid))? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Some(at(hi)))
}

/// The largest prestock (whole yuan) of the first promotion with one that
/// keeps the run amber or better; `None` when there is no such promotion,
/// when 0 is not safe, or when the upper bound is safe (unbounded).
pub fn largest_safe_prestock(
    req: &Request<'_>,
    run: &Projection,
) -> Result<Option<Money>, ProjectionError> {
    let Some(ps) = req
        .scenario
        .promotions
        .iter()
        .find_map(|p| p.prestock.as_ref())
    else {
        return Ok(None);
    };
    let yuan = |y: i64| Money::new(Decimal::from(y));
    let prep = Prepared::new(req.book, req.as_of, req.horizon)?;
    if !safe_with(&prep, req, |r| r.prestock_override = Some(Money::ZERO))? {
        return Ok(None);
    }
    let limit = match &ps.funding {
        Funding::Cash => Money::ZERO,
        Funding::Credit(name) => req
            .book
            .account(name)
            .and_then(|a| a.credit.as_ref())
            .map_or(Money::ZERO, |c| c.limit),
    };
    let u =
        run.start_cash.clamp_zero() + run.bounds.positive_flows + limit + Money::new(Decimal::ONE);
    let hi_yuan = ceil_yuan(u);
    if safe_with(&prep, req, |r| r.prestock_override = Some(yuan(hi_yuan)))? {
        return Ok(None);
    }
    let (mut lo, mut hi) = (0i64, hi_yuan);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if safe_with(&prep, req, |r| r.prestock_override = Some(yuan(mid)))? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(Some(yuan(lo)))
}
