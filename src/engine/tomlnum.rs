//! Exact numbers from TOML: accepts integers, floats written in the file and
//! strings, and keeps the digits as written (a TOML float `0.0005` becomes
//! the decimal `0.0005`, never a binary approximation).
//!
//! Owns: the `Num` serde adapter. Must not: do arithmetic.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use std::str::FromStr;

/// A decimal read from TOML or JSON by its shortest text form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num(pub Decimal);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number such as 1200 or 0.0005")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                if !v.is_finite() {
                    return Err(E::custom(format!("{v} is not a usable number")));
                }
                // `{}` prints the shortest text that reads back as the same
                // float: exactly what the user wrote for any sane input.
                let text = format!("{v}");
                Decimal::from_str(&text)
                    .or_else(|_| Decimal::from_scientific(&text))
                    .map(Num)
                    .map_err(|_| E::custom(format!("{text} is out of range")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                Decimal::from_str_exact(v.trim())
                    .map(Num)
                    .map_err(|_| E::custom(format!("\"{v}\" is not a number")))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[derive(Deserialize)]
    struct T {
        a: Num,
        b: Num,
        c: Num,
    }

    #[test]
    fn keeps_written_digits() {
        let t: T = toml::from_str("a = 0.0005\nb = 120000\nc = \"0.1\"").unwrap();
        assert_eq!(t.a.0, dec!(0.0005));
        assert_eq!(t.b.0, dec!(120000));
        assert_eq!(t.c.0, dec!(0.1));
        let t: T = toml::from_str("a = 0.00833\nb = 1e3\nc = 0.3").unwrap();
        assert_eq!(t.a.0, dec!(0.00833));
        assert_eq!(t.b.0, dec!(1000));
        assert_eq!(t.c.0, dec!(0.3));
    }
}
