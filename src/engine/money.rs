//! Money: a newtype over `rust_decimal::Decimal`, and the one rounding rule
//! of RULES.md §1.
//!
//! Owns: the `Money` type, parsing of user-facing amounts, `round`, and the
//! two-decimal display. Must not: use `f64` anywhere but `to_f64_lossy`,
//! which exists only for drawing charts.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An exact amount of money. Inflow positive, outflow negative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// `round(x)` of RULES.md §1: to 0.01, midpoint away from zero.
pub fn round(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Wraps an exact decimal without rounding.
    pub const fn new(d: Decimal) -> Self {
        Money(d)
    }

    /// Rounds an amount the engine creates, once, the RULES.md §1 way.
    pub fn rounded(d: Decimal) -> Self {
        Money(round(d))
    }

    /// From whole cents (the store's representation).
    pub fn from_cents(cents: i64) -> Self {
        Money(Decimal::new(cents, 2))
    }

    /// Whole cents, or `None` when the amount has more than two decimals or
    /// does not fit an `i64` of cents.
    pub fn to_cents(self) -> Option<i64> {
        let scaled = self.0.checked_mul(Decimal::ONE_HUNDRED)?;
        if scaled.fract() != Decimal::ZERO {
            return None;
        }
        i64::try_from(scaled.trunc()).ok()
    }

    /// The underlying decimal.
    pub const fn decimal(self) -> Decimal {
        self.0
    }

    /// Is this amount below zero?
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }

    /// Is this amount above zero?
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }

    /// Is this amount exactly zero?
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Absolute value.
    pub fn abs(self) -> Self {
        Money(self.0.abs())
    }

    /// `max(self, 0)`.
    pub fn clamp_zero(self) -> Self {
        if self.is_negative() {
            Money::ZERO
        } else {
            self
        }
    }

    /// A lossy float for drawing charts; never for arithmetic.
    pub fn to_f64_lossy(self) -> f64 {
        use rust_decimal::prelude::ToPrimitive;
        self.0.to_f64().unwrap_or(0.0)
    }

    /// Thousands-grouped display with two decimals: `-86,400.00`.
    pub fn grouped(self) -> String {
        let plain = format!("{:.2}", self.0.abs());
        let (int, frac) = plain.split_once('.').unwrap_or((&plain, "00"));
        let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 1);
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        let sign = if self.is_negative() { "-" } else { "" };
        format!("{sign}{out}.{frac}")
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl FromStr for Money {
    type Err = rust_decimal::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::from_str_exact(s.trim()).map(Money)
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::engine::tomlnum::Num::deserialize(d).map(|n| Money(n.0))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        self.0 -= o.0;
    }
}
/// Multiplying by a rate gives an unrounded decimal: the caller rounds it
/// where RULES.md creates an amount.
impl Mul<Decimal> for Money {
    type Output = Decimal;
    fn mul(self, r: Decimal) -> Decimal {
        self.0 * r
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}
impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + *b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_midpoint_away_from_zero() {
        assert_eq!(round(dec!(0.005)), dec!(0.01));
        assert_eq!(round(dec!(-0.005)), dec!(-0.01));
        assert_eq!(round(dec!(2.344999)), dec!(2.34));
        assert_eq!(round(dec!(43.2)), dec!(43.20));
    }

    #[test]
    fn cents_round_trip_and_reject_fractions() {
        assert_eq!(Money::from_cents(-8640000).to_string(), "-86400.00");
        assert_eq!(Money::new(dec!(12.34)).to_cents(), Some(1234));
        assert_eq!(Money::new(dec!(12.345)).to_cents(), None);
        assert_eq!(Money::new(Decimal::MAX).to_cents(), None);
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(Money::new(dec!(86400)).grouped(), "86,400.00");
        assert_eq!(Money::new(dec!(-1234567.5)).grouped(), "-1,234,567.50");
        assert_eq!(Money::new(dec!(999)).grouped(), "999.00");
    }
}
