//! The `ebb forecast --json` document (schema `ebb.forecast/1`, SPEC.md) and
//! the CSV day series.
//!
//! Owns: the serialisable shapes of the contract. Field names here are a
//! contract other tools read: add fields, never rename. Must not: compute.

use chrono::NaiveDate;
use serde::Serialize;

use crate::engine::money::Money;
use crate::engine::montecarlo::MonteCarlo;
use crate::engine::projection::{Day, Event, Projection, Summary};

/// The schema name.
pub const SCHEMA: &str = "ebb.forecast/1";

/// Summary with the solver answers.
#[derive(Debug, Serialize)]
pub struct SummaryJson<'a> {
    /// Everything the projection summarises.
    #[serde(flatten)]
    pub summary: &'a Summary,
    /// Least bridge on day 1 for amber or better.
    pub required_bridge: Option<Money>,
    /// Largest prestock that stays amber or better.
    pub largest_safe_prestock: Option<Money>,
}

/// The whole document.
#[derive(Debug, Serialize)]
pub struct ForecastJson<'a> {
    /// Always `ebb.forecast/1`.
    pub schema: &'static str,
    /// Last known day.
    pub as_of: NaiveDate,
    /// Days projected.
    pub horizon_days: u32,
    /// Scenario name, null for the baseline.
    pub scenario: Option<&'a str>,
    /// Book currency.
    pub currency: &'a str,
    /// Cash at the end of `as_of`.
    pub start_cash: Money,
    /// Day series.
    pub days: &'a [Day],
    /// Events.
    pub events: &'a [Event],
    /// Summary.
    pub summary: SummaryJson<'a>,
    /// Monte Carlo statistics, with `--runs` (an additive field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<&'a MonteCarlo>,
}

impl<'a> ForecastJson<'a> {
    /// Builds the document from a projection and the solver answers.
    pub fn new(
        p: &'a Projection,
        scenario: Option<&'a str>,
        currency: &'a str,
        required_bridge: Option<Money>,
        largest_safe_prestock: Option<Money>,
    ) -> Self {
        ForecastJson {
            schema: SCHEMA,
            as_of: p.as_of,
            horizon_days: p.horizon,
            scenario,
            currency,
            start_cash: p.start_cash,
            days: &p.days,
            events: &p.events,
            summary: SummaryJson {
                summary: &p.summary,
                required_bridge,
                largest_safe_prestock,
            },
            monte_carlo: None,
        }
    }
}
