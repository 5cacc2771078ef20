//! Dates: month arithmetic and business days (RULES.md §1).
//!
//! Owns: `add_months` (clamped, always from the original date), the
//! business-day calendar with holidays and make-up workdays. Must not: read
//! the clock.

use std::collections::BTreeSet;

use chrono::{Datelike, Months, NaiveDate, Weekday};

/// Adds `n` months keeping the day of month, clamped to the month's end.
/// Always computed from the original date: Jan 31 + 2 months = Mar 31.
pub fn add_months(date: NaiveDate, n: u32) -> NaiveDate {
    date.checked_add_months(Months::new(n)).unwrap_or(date)
}

/// The date in `year`/`month` with day `day`, clamped to the month's end.
pub fn clamped(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    let last = match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    };
    NaiveDate::from_ymd_opt(year, month, day.clamp(1, last))
}

/// The last day of `date`'s month.
pub fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    add_months(first, 1).pred_opt().unwrap_or(date)
}

/// The first day of the month after `date`'s.
pub fn next_month_start(date: NaiveDate) -> NaiveDate {
    add_months(date.with_day(1).unwrap_or(date), 1)
}

/// Business days: Monday–Friday, minus `holidays`, plus `workdays`
/// (a date in both is a workday).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Non-business weekdays.
    pub holidays: BTreeSet<NaiveDate>,
    /// Make-up working weekend days.
    pub workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Is `d` a business day?
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        !weekend && !self.holidays.contains(&d)
    }

    /// The `n`-th business day after `d`; `d + 1` when `n` is 0.
    pub fn nth_business_day_after(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut day = d;
        if n == 0 {
            return d.succ_opt().unwrap_or(d);
        }
        let mut found = 0;
        while found < n {
            day = match day.succ_opt() {
                Some(next) => next,
                None => return day,
            };
            if self.is_business_day(day) {
                found += 1;
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_clamp_from_the_original_date() {
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2026-01-31"), 2), d("2026-03-31"));
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(clamped(2026, 2, 31), Some(d("2026-02-28")));
    }

    #[test]
    fn clamping_agrees_with_the_calendar_in_every_month() {
        // Leap years by every rule (2000 yes, 1900 and 2100 no).
        for year in 1896..=2104 {
            for month in 1..=12 {
                let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
                let last = add_months(first, 1).pred_opt().unwrap().day();
                for day in 0..=32 {
                    let want = NaiveDate::from_ymd_opt(year, month, day.clamp(1, last));
                    assert_eq!(clamped(year, month, day), want, "{year}-{month}-{day}");
                }
            }
        }
        assert_eq!(clamped(2026, 13, 1), None);
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let mut cal = Calendar::default();
        // 2026-10-01 is a Thursday.
        assert_eq!(
            cal.nth_business_day_after(d("2026-10-01"), 5),
            d("2026-10-08")
        );
        cal.holidays.insert(d("2026-10-02"));
        cal.workdays.insert(d("2026-10-03"));
        // Fri is a holiday, Sat a make-up workday.
        assert_eq!(
            cal.nth_business_day_after(d("2026-10-01"), 1),
            d("2026-10-03")
        );
        assert_eq!(
            cal.nth_business_day_after(d("2026-10-01"), 0),
            d("2026-10-02")
        );
    }
}
