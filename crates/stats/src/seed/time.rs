//! Dates and times of the demo: stored as naive UTC; office hours in Daegu (09:00–18:00 KST)
//! are 00:00–09:00 UTC.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

/// `minutes` after 09:00 KST on `date`, as naive UTC.
pub fn at(date: NaiveDate, minutes: i64) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN) + Duration::minutes(minutes)
}

pub fn plus_days(date: NaiveDate, days: i64) -> NaiveDate {
    date + Duration::days(days)
}

pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// The next working day on or after `date` (Saturdays and Sundays skipped).
pub fn working_day(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => plus_days(date, 2),
        Weekday::Sun => plus_days(date, 1),
        _ => date,
    }
}

pub fn first_of_month(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default()
}

pub fn days_in_month(year: i32, month: u32) -> i64 {
    let next = if month == 12 {
        first_of_month(year + 1, 1)
    } else {
        first_of_month(year, month + 1)
    };
    days_between(first_of_month(year, month), next)
}
