//! Exact fixed-point amounts for the projection's daily loop.
//!
//! Owns: `Amt`, an amount as a whole number of 10⁻⁸ units in an `i128`, and
//! the rounding of RULES.md §1 done in integers. A projection converts its
//! inputs once, runs its days on integer sums and compares, and converts
//! back to `Money` for what it reports: the same numbers to the cent as the
//! rules worked on `Decimal`, several times faster.
//! Must not: lose a digit. An input with more than eight decimals is
//! refused with an error, never rounded; a product too large for the
//! integer path is worked on `Decimal` instead, as the rules write it.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::Decimal;

use crate::engine::money::Money;

/// Decimal places an `Amt` keeps.
pub const SCALE: u32 = 8;

/// Units in a cent.
const PER_CENT: i128 = 1_000_000;

/// An exact amount, in 10⁻⁸ units. Overflow panics as `Decimal`'s does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amt(i128);

/// An amount with more decimals than an `Amt` keeps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the amount {0} has more than {SCALE} decimal places; ebb computes money to {SCALE} places, \
     so round it in the book or the scenario"
)]
pub struct TooPrecise(pub Decimal);

impl TryFrom<Money> for Amt {
    type Error = TooPrecise;
    fn try_from(m: Money) -> Result<Amt, TooPrecise> {
        let d = m.decimal();
        let s = d.scale();
        if s <= SCALE {
            return Ok(Amt(d.mantissa() * POW10[(SCALE - s) as usize]));
        }
        let drop = POW10[(s - SCALE) as usize];
        if d.mantissa() % drop == 0 {
            Ok(Amt(d.mantissa() / drop))
        } else {
            Err(TooPrecise(d))
        }
    }
}

impl From<Amt> for Money {
    /// Whole cents come back with two decimals, the rest with what they need.
    fn from(a: Amt) -> Money {
        // 64-bit division is many times faster than 128-bit.
        const PER_CENT_64: i64 = PER_CENT as i64;
        if let Ok(units) = i64::try_from(a.0)
            && units % PER_CENT_64 == 0
        {
            return Money::from_cents(units / PER_CENT_64);
        }
        Money::new(Decimal::from_i128_with_scale(a.0, SCALE).normalize())
    }
}

/// An amount beyond about ±10³⁰: the same failure as `Decimal`'s overflow,
/// which the rules worked on `Decimal` would have hit first (at ±7.9·10²⁸).
#[cold]
#[allow(clippy::panic)] // Decimal arithmetic panics on overflow too
fn overflow() -> i128 {
    panic!("an amount overflowed the engine's range")
}

/// 10⁰ … 10³⁸, every power an `i128` holds.
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `n ÷ d` rounded to the nearest integer, midpoint away from zero; `d > 0`.
fn div_round(n: i128, d: i128) -> i128 {
    if let (Ok(n), Ok(d)) = (i64::try_from(n), i64::try_from(d)) {
        // 64-bit division is many times faster than 128-bit.
        let (q, r) = (n / d, n % d);
        return i128::from(if r.abs() >= d - r.abs() {
            q + n.signum()
        } else {
            q
        });
    }
    let (q, r) = (n / d, n % d);
    if r.abs() >= d - r.abs() {
        q + n.signum()
    } else {
        q
    }
}

impl Amt {
    /// Zero.
    pub const ZERO: Amt = Amt(0);

    /// Is this amount above zero?
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Is this amount below zero?
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Is this amount exactly zero?
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `max(self, 0)`.
    pub fn clamp_zero(self) -> Amt {
        Amt(self.0.max(0))
    }

    /// `round(self × rate)` of RULES.md §1.
    pub fn mul_round(self, rate: Decimal) -> Amt {
        let exact = self
            .0
            .checked_mul(rate.mantissa())
            .zip(POW10.get((SCALE - 2 + rate.scale()) as usize));
        match exact {
            Some((n, &d)) => Amt(div_round(n, d) * PER_CENT),
            // Representable: a rounded amount has at most two decimals.
            None => Amt::try_from(Money::rounded(Money::from(self).decimal() * rate))
                .unwrap_or_else(|_| Amt(overflow())),
        }
    }

    /// `round(self ÷ n)` of RULES.md §1; `n ≥ 1`.
    pub fn div_round(self, n: u32) -> Amt {
        Amt(div_round(self.0, PER_CENT * i128::from(n.max(1))) * PER_CENT)
    }

    /// `self × n`, exact.
    pub fn times(self, n: u32) -> Amt {
        Amt(self.0.checked_mul(i128::from(n)).unwrap_or_else(overflow))
    }

    /// Thousands-grouped display with two decimals (see `Money::grouped`).
    pub fn grouped(self) -> String {
        Money::from(self).grouped()
    }
}

impl Add for Amt {
    type Output = Amt;
    fn add(self, o: Amt) -> Amt {
        Amt(self.0.checked_add(o.0).unwrap_or_else(overflow))
    }
}

impl Sub for Amt {
    type Output = Amt;
    fn sub(self, o: Amt) -> Amt {
        Amt(self.0.checked_sub(o.0).unwrap_or_else(overflow))
    }
}

impl Neg for Amt {
    type Output = Amt;
    fn neg(self) -> Amt {
        Amt(self.0.checked_neg().unwrap_or_else(overflow))
    }
}

impl AddAssign for Amt {
    fn add_assign(&mut self, o: Amt) {
        *self = *self + o;
    }
}

impl SubAssign for Amt {
    fn sub_assign(&mut self, o: Amt) {
        *self = *self - o;
    }
}

impl Sum for Amt {
    fn sum<I: Iterator<Item = Amt>>(it: I) -> Amt {
        it.fold(Amt::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn amt(s: &str) -> Amt {
        Amt::try_from(s.parse::<Money>().unwrap()).unwrap()
    }

    #[test]
    fn round_trips_every_amount_it_keeps() {
        for s in [
            "0",
            "1.5",
            "-86400.00",
            "0.00000001",
            "123456789012345.67",
            "-0.005",
        ] {
            let m: Money = s.parse().unwrap();
            assert_eq!(Money::from(Amt::try_from(m).unwrap()), m, "{s}");
        }
        assert_eq!(Money::from(amt("12.3")).to_string(), "12.30");
        assert_eq!(
            Amt::try_from("0.000000001".parse::<Money>().unwrap()),
            Err(TooPrecise(dec!(0.000000001)))
        );
        // Trailing zeros beyond the scale are not precision.
        assert_eq!(amt("1.0000000000"), amt("1"));
    }

    #[test]
    fn rounding_matches_the_decimal_rule_at_every_midpoint() {
        // Every amount of a few cents either side of zero, at many rates,
        // against RULES.md §1 worked on Decimal.
        let rates = [
            dec!(0.0005),
            dec!(0.5),
            dec!(0.015),
            dec!(0.333333),
            dec!(1),
            dec!(0),
            dec!(0.00049999),
            dec!(2.5),
        ];
        for cents in -2_000..2_000i64 {
            for extra in [0i64, 5_000, 1] {
                let m = Money::new(Decimal::new(cents * 1_000_000 + extra, 8));
                let a = Amt::try_from(m).unwrap();
                for r in rates {
                    assert_eq!(
                        Money::from(a.mul_round(r)),
                        Money::rounded(m.decimal() * r),
                        "{m} × {r}"
                    );
                }
                for n in [1u32, 3, 6, 7, 12] {
                    assert_eq!(
                        Money::from(a.div_round(n)),
                        Money::rounded(m.decimal() / Decimal::from(n)),
                        "{m} ÷ {n}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_product_too_large_for_integers_is_worked_on_decimal() {
        let big = amt("900000000000000");
        let rate = dec!(0.1234567890123456789012345678);
        assert_eq!(
            Money::from(big.mul_round(rate)),
            Money::rounded(dec!(900000000000000) * rate)
        );
    }
}
