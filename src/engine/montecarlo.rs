//! Monte Carlo over scenario ranges (SPEC.md §5): values written as
//! `{min, mode, max}` are drawn from a triangular distribution, each run
//! seeded from `(seed, run index)` so results do not depend on how runs are
//! split across threads.
//!
//! Owns: sampling and the risk statistics. The draw itself uses a float
//! (the uniform variate and its inverse CDF); the sampled value is rounded
//! to 6 decimals (money to the cent) before it enters the exact engine.
//! Must not: read the clock or spawn anything but scoped worker threads.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

use crate::engine::book::Book;
use crate::engine::money::Money;
use crate::engine::projection::{Checkpoints, Prepared, ProjectionError, Request};
use crate::engine::scenario::{Param, Scenario, ScenarioError, ScenarioFile};

/// What many runs say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonteCarlo {
    /// Number of runs.
    pub runs: u32,
    /// The seed.
    pub seed: u64,
    /// Share of runs with at least one obligation overdue.
    pub p_overdue: Decimal,
    /// Share of runs with an account locked.
    pub p_lock: Decimal,
    /// 5th percentile of the minimum closing cash.
    pub min_cash_p5: Money,
    /// Median minimum closing cash.
    pub min_cash_p50: Money,
    /// 95th percentile of the minimum closing cash.
    pub min_cash_p95: Money,
}

/// Why Monte Carlo cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonteCarloError {
    /// A run failed.
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    /// A sampled scenario was invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Nothing to run.
    #[error("--runs must be at least 1")]
    NoRuns,
    /// Stopped by the user.
    #[error("Monte Carlo was cancelled")]
    Cancelled,
}

/// Draws from a triangular distribution.
fn triangular(rng: &mut StdRng, min: Decimal, mode: Decimal, max: Decimal) -> Decimal {
    let (a, c, b) = (
        min.to_f64().unwrap_or(0.0),
        mode.to_f64().unwrap_or(0.0),
        max.to_f64().unwrap_or(0.0),
    );
    if b <= a {
        return min;
    }
    let u: f64 = rng.random();
    let fc = (c - a) / (b - a);
    let x = if u < fc {
        a + (u * (b - a) * (c - a)).sqrt()
    } else {
        b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
    };
    Decimal::from_f64(x)
        .map_or(mode, |d| d.round_dp(6))
        .clamp(min, max)
}

/// One outcome.
#[derive(Clone, Copy)]
struct Outcome {
    overdue: bool,
    lock: bool,
    min_cash: Money,
}

/// One sampled run's outcome.
fn outcome(
    prep: &Prepared<'_>,
    checkpoints: &Checkpoints<'_>,
    book: &Book,
    sc: &Scenario,
    as_of: chrono::NaiveDate,
    horizon: u32,
) -> Result<Outcome, MonteCarloError> {
    let p = prep.project_from(
        checkpoints,
        &Request {
            summary_only: true,
            ..Request::new(book, sc, as_of, horizon)
        },
    )?;
    let s = &p.summary;
    Ok(Outcome {
        overdue: s.overdue_bills > 0,
        lock: s.risk == crate::engine::projection::Risk::Critical,
        min_cash: s.min_cash,
    })
}

/// A sampler: makes one run's scenario from that run's seeded generator.
type Sampler<'a> = dyn Fn(&mut StdRng) -> Result<Scenario, MonteCarloError> + Sync + 'a;

/// Runs `runs` sampled projections on all cores; run `i` is seeded from
/// `(seed, i)`. `progress` is told how many runs are done; false cancels.
/// `base` is the scenario the samples vary: every run starts from its
/// state on the last day before the run's inputs first differ from it.
#[allow(clippy::too_many_arguments)]
fn simulate(
    book: &Book,
    base: &Scenario,
    as_of: chrono::NaiveDate,
    horizon: u32,
    runs: u32,
    seed: u64,
    sample: &Sampler<'_>,
    progress: &(dyn Fn(u32) -> bool + Sync),
) -> Result<MonteCarlo, MonteCarloError> {
    if runs == 0 {
        return Err(MonteCarloError::NoRuns);
    }
    // The scenario the runs vary; each thread runs it for its checkpoints.
    let base = Request {
        summary_only: true,
        ..Request::new(book, base, as_of, horizon)
    };
    let done = std::sync::atomic::AtomicU32::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(runs as usize)
        .max(1);
    let chunks: Vec<Result<Vec<Outcome>, MonteCarloError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (done, base) = (&done, &base);
                s.spawn(move || {
                    // What every run starts from, worked out once per
                    // thread (sharing it across cores costs more than
                    // working it out: its counters would be contended).
                    let prep = Prepared::new(book, as_of, horizon)?;
                    let checkpoints = prep.checkpoints(base);
                    let mut out = Vec::new();
                    for i in (0..runs).filter(|i| *i as usize % threads == t) {
                        let mut rng = StdRng::seed_from_u64(
                            seed ^ (u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                        );
                        out.push(outcome(
                            &prep,
                            &checkpoints,
                            book,
                            &sample(&mut rng)?,
                            as_of,
                            horizon,
                        )?);
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if !progress(n) {
                            return Err(MonteCarloError::Cancelled);
                        }
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(MonteCarloError::NoRuns)))
            .collect()
    });
    let mut outcomes = Vec::with_capacity(runs as usize);
    for c in chunks {
        outcomes.extend(c?);
    }
    let n = Decimal::from(outcomes.len());
    let share = |f: &dyn Fn(&Outcome) -> bool| {
        (Decimal::from(outcomes.iter().filter(|o| f(o)).count()) / n).round_dp(4)
    };
    let mut mins: Vec<Money> = outcomes.iter().map(|o| o.min_cash).collect();
    mins.sort();
    // Nearest rank: the ⌈p·n⌉-th smallest.
    let pct = |p: u32| {
        let rank = (u64::from(p) * mins.len() as u64).div_ceil(100).max(1) as usize;
        mins[rank.min(mins.len()) - 1]
    };
    Ok(MonteCarlo {
        runs,
        seed,
        p_overdue: share(&|o| o.overdue),
        p_lock: share(&|o| o.lock),
        min_cash_p5: pct(5),
        min_cash_p50: pct(50),
        min_cash_p95: pct(95),
    })
}

/// Runs `runs` projections of a scenario file, its ranges sampled.
pub fn run(
    book: &Book,
    file: &ScenarioFile,
    as_of: chrono::NaiveDate,
    horizon: u32,
    runs: u32,
    seed: u64,
) -> Result<MonteCarlo, MonteCarloError> {
    let sample = |rng: &mut StdRng| -> Result<Scenario, MonteCarloError> {
        Ok(file.resolve(&mut |p| match p {
            Param::Point(v) => v,
            Param::Range { min, mode, max } => triangular(rng, min, mode, max),
        })?)
    };
    // The base: every range at its mode (parsing checked that it
    // resolves; a base that did not would only share no days).
    let base = file
        .resolve(&mut |p| match p {
            Param::Point(v) => v,
            Param::Range { mode, .. } => mode,
        })
        .unwrap_or_default();
    simulate(book, &base, as_of, horizon, runs, seed, &sample, &|_| true)
}

/// Stress-tests a point scenario (the lab's): each promotion's uplift is
/// drawn between 0.5× and 1.2× its value (mode 1×), its payouts come 0–10
/// days later (mode 0), its return rate between 0.8× and 1.5× (capped at
/// 100%). `progress` is told how many runs are done; false cancels.
pub fn stress(
    book: &Book,
    base: &Scenario,
    as_of: chrono::NaiveDate,
    horizon: u32,
    runs: u32,
    seed: u64,
    progress: &(dyn Fn(u32) -> bool + Sync),
) -> Result<MonteCarlo, MonteCarloError> {
    use rust_decimal_macros::dec;
    let sample = |rng: &mut StdRng| -> Result<Scenario, MonteCarloError> {
        let mut sc = base.clone();
        for p in &mut sc.promotions {
            p.uplift = (p.uplift * triangular(rng, dec!(0.5), dec!(1), dec!(1.2))).round_dp(6);
            let extra = triangular(rng, dec!(0), dec!(0), dec!(10)).round();
            p.settlement_lag_days = p
                .settlement_lag_days
                .saturating_add(extra.to_u32().unwrap_or(0));
            p.return_rate = (p.return_rate * triangular(rng, dec!(0.8), dec!(1), dec!(1.5)))
                .min(Decimal::ONE)
                .round_dp(6);
        }
        Ok(sc)
    };
    simulate(book, base, as_of, horizon, runs, seed, &sample, progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn triangular_stays_in_range_and_centres_on_the_mode() {
        let mut rng = StdRng::seed_from_u64(7);
        let xs: Vec<Decimal> = (0..4000)
            .map(|_| triangular(&mut rng, dec!(1), dec!(2), dec!(3)))
            .collect();
        assert!(xs.iter().all(|x| *x >= dec!(1) && *x <= dec!(3)));
        let mean = xs.iter().sum::<Decimal>() / Decimal::from(xs.len());
        assert!((mean - dec!(2)).abs() < dec!(0.05), "{mean}");
    }
}
