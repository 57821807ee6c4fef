//! The years of trade: the co-op's published yearly revenue for 2017–2020, hit exactly (the
//! last order of each year takes the remainder as one extra line), then synthetic growth up
//! to now, spread over the months (heavier at the year's end, when budgets are spent).

use super::drafts::{DraftLine, DraftOrder, DraftRequest};
use super::lifecycle::Plan;
use super::rng::Rng;
use super::time::{at, days_in_month, first_of_month, plus_days, working_day};
use super::trade::Trader;
use chrono::{Datelike, Duration, NaiveDateTime};
use muhan_core::{DomainError, DomainResult};

/// 무한상사's brokered purchases: 3억 (2017), 14억, 56억, 91억 (2020).
pub const PUBLISHED: [(i32, i64); 4] = [
    (2017, 300_000_000),
    (2018, 1_400_000_000),
    (2019, 5_600_000_000),
    (2020, 9_100_000_000),
];

/// Synthetic revenue from 2021 on (the 2021 target was 100억), growing a little each year.
pub fn synthetic_target(year: i32) -> i64 {
    let mut target: i64 = 10_800_000_000;
    for _ in 2021..year {
        target = target * 108 / 100;
    }
    target
}

const MONTH_WEIGHTS: [u32; 12] = [5, 6, 8, 8, 8, 9, 8, 7, 8, 9, 11, 13];

/// A time in office hours on a working day of `year` (from September in 2017), never after now.
pub fn moment(rng: &mut Rng, year: i32, now: NaiveDateTime) -> NaiveDateTime {
    let first_month = if year == 2017 { 9 } else { 1 };
    let last_month = if year == now.year() { now.month() } else { 12 };
    // The current month weighs only as much of it as has passed.
    let weights: Vec<u32> = (1..=12u32)
        .map(|m| {
            let w = MONTH_WEIGHTS[(m - 1) as usize] * 100;
            if !(first_month..=last_month).contains(&m) {
                0
            } else if year == now.year() && m == now.month() {
                (i64::from(w) * i64::from(now.day()) / days_in_month(year, m)).max(1) as u32
            } else {
                w
            }
        })
        .collect();
    let month = rng.weighted(&weights) as u32 + 1;
    let mut last_day = days_in_month(year, month);
    if year == now.year() && month == now.month() {
        last_day = i64::from(now.day());
    }
    let day = plus_days(first_of_month(year, month), rng.range(0, last_day - 1));
    let mut date = working_day(day);
    if date.month() != month {
        date = plus_days(day, -2);
    }
    let t = at(date, rng.range(0, 540));
    if t > now {
        now - Duration::minutes(rng.range(5, 600))
    } else {
        t
    }
}

/// The largest part a year's orders draw (purchases grow with the co-op).
fn part_size(year: i32) -> i64 {
    match year {
        ..=2018 => 6_000_000,
        2019..=2020 => 10_000_000,
        _ => 14_000_000,
    }
}

/// Orders of `year` adding up to `target` counted won: exactly when `exact`, otherwise at
/// least that much.
pub fn year_orders(
    trader: &mut Trader<'_, '_>,
    year: i32,
    target: i64,
    exact: bool,
) -> DomainResult<Vec<DraftOrder>> {
    const STOP: i64 = 3_000_000;
    let mut drafts: Vec<DraftOrder> = Vec::new();
    let mut sum = 0i64;
    let mut tries = 0u32;
    let size = part_size(year);
    while if exact {
        target - sum > STOP
    } else {
        sum < target
    } {
        tries += 1;
        if tries > 2_000_000 {
            return Err(DomainError::internal("the demo orders do not add up"));
        }
        let when = moment(trader.rng, year, trader.now);
        let cap = if exact {
            target - sum - 1
        } else {
            i64::MAX / 4
        };
        let draft = if trader.rng.chance(70) {
            trader.rfq_order(when, cap, size)
        } else {
            trader.catalog_order(when, cap, size)
        };
        if let Some(d) = draft {
            let counted = d.counted();
            if !exact || counted <= cap {
                sum += counted;
                drafts.push(d);
            }
        }
    }
    if exact {
        add_remainder(&mut drafts, target - sum)?;
    }
    Ok(drafts)
}

/// Adds `remainder` won as one line (quantity 1) to the latest completed catalog part of the
/// year that stays within its limit.
fn add_remainder(drafts: &mut [DraftOrder], remainder: i64) -> DomainResult<()> {
    if remainder <= 0 {
        return Ok(());
    }
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(drafts[i].created_at));
    for i in order {
        if drafts[i].request.is_some() {
            continue; // an rfq part is what its quote says
        }
        for part in &mut drafts[i].parts {
            if part.plan == Plan::Complete && part.subtotal() + remainder <= part.limit {
                let Some(first) = part.lines.first() else {
                    continue;
                };
                let line = DraftLine {
                    product_id: first.product_id,
                    category_id: first.category_id,
                    name: format!("{} (추가 납품분)", first.name),
                    unit: first.unit,
                    price: remainder,
                    quantity: 1,
                };
                part.lines.push(line);
                return Ok(());
            }
        }
    }
    Err(DomainError::internal(
        "no order can take the year's remainder",
    ))
}

/// Requests still open at now: opened in the last ten days, half sealed until a deadline
/// after now.
pub fn open_requests(trader: &mut Trader<'_, '_>, count: usize) -> Vec<DraftRequest> {
    let mut out = Vec::new();
    for n in 0..count {
        let opened = trader.now - Duration::hours(trader.rng.range(6, 240));
        if let Some(r) = trader.open_request(opened, n % 2 == 0) {
            out.push(r);
        }
    }
    out
}
