//! A fulfillment's history as the demo tells it: the steps of the lifecycle with their
//! times, kept within the deadlines (inspection within 14 days of delivery, payment within 5
//! days of the claim) unless it is meant to stall, and cut at "now".

use super::rng::Rng;
use chrono::{Duration, NaiveDateTime};

/// How a fulfillment's story ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Through to `settled` (as far as now allows).
    Complete,
    /// Refused by the enterprise (placed → rejected).
    Reject,
    /// Cancelled by the buyer while placed or accepted.
    Cancel,
    /// Delivered and then left uninspected.
    StallDelivered,
    /// Payment claimed and then left unpaid.
    StallClaimed,
}

impl Plan {
    /// Whether the fulfillment counts as revenue (neither rejected nor cancelled).
    pub fn counts(self) -> bool {
        !matches!(self, Plan::Reject | Plan::Cancel)
    }
}

/// Who takes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Buyer,
    Enterprise,
    Admin,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub at: NaiveDateTime,
    pub by: By,
    pub note: Option<&'static str>,
}

const REJECT_REASONS: &[&str] = &[
    "요청 납기 내 생산이 어렵습니다",
    "해당 수량의 재고가 부족합니다",
    "배송 가능 지역이 아닙니다",
];

fn minutes(rng: &mut Rng, lo: i64, hi: i64) -> Duration {
    Duration::minutes(rng.range(lo, hi))
}

fn days(rng: &mut Rng, lo: i64, hi: i64) -> Duration {
    Duration::days(rng.range(lo, hi)) + minutes(rng, 0, 300)
}

/// The steps from placement on, in time order, none after `now`.
pub fn steps(
    rng: &mut Rng,
    placed: NaiveDateTime,
    lead_days: i64,
    plan: Plan,
    now: NaiveDateTime,
) -> Vec<Step> {
    let mut out = vec![Step {
        from: None,
        to: "placed",
        at: placed,
        by: By::Buyer,
        note: None,
    }];
    let mut t = placed;
    let push = |out: &mut Vec<Step>, from, to, at: NaiveDateTime, by, note| {
        if at <= now {
            out.push(Step {
                from: Some(from),
                to,
                at,
                by,
                note,
            });
            true
        } else {
            false
        }
    };
    match plan {
        Plan::Reject => {
            let note = *rng.pick(REJECT_REASONS);
            let at = t + minutes(rng, 30, 600);
            push(
                &mut out,
                "placed",
                "rejected",
                at,
                By::Enterprise,
                Some(note),
            );
            return out;
        }
        Plan::Cancel => {
            let mut from = "placed";
            if rng.chance(500) {
                t += minutes(rng, 30, 600);
                if !push(&mut out, "placed", "accepted", t, By::Enterprise, None) {
                    return out;
                }
                from = "accepted";
            }
            let at = t + minutes(rng, 60, 1440);
            push(
                &mut out,
                from,
                "cancelled",
                at,
                By::Buyer,
                Some("예산 변경으로 취소"),
            );
            return out;
        }
        _ => {}
    }
    let chain: [(&str, &str, By); 7] = [
        ("placed", "accepted", By::Enterprise),
        ("accepted", "shipped", By::Enterprise),
        ("shipped", "delivered", By::Enterprise),
        ("delivered", "inspected", By::Buyer),
        ("inspected", "payment_claimed", By::Enterprise),
        ("payment_claimed", "paid", By::Buyer),
        ("paid", "settled", By::Admin),
    ];
    for (from, to, by) in chain {
        let gap = match to {
            "accepted" => minutes(rng, 30, 1200),
            "shipped" => days(rng, lead_days.clamp(0, 7), lead_days.clamp(1, 9)),
            "delivered" => days(rng, 0, 2),
            "inspected" => days(rng, 1, 11),
            "payment_claimed" => days(rng, 0, 2),
            "paid" => days(rng, 1, 3),
            _ => days(rng, 1, 6),
        };
        t += gap;
        let note = match to {
            "inspected" => Some("검수 완료"),
            _ => None,
        };
        if !push(&mut out, from, to, t, by, note) {
            break;
        }
        if (plan == Plan::StallDelivered && to == "delivered")
            || (plan == Plan::StallClaimed && to == "payment_claimed")
        {
            break;
        }
    }
    out
}
