//! The demo catalog: each verified enterprise sells a few products of its trade, priced per
//! commodity; a few new products wait for review. Search columns come from the catalog's own
//! upkeep functions, so seeded products are found as created ones are.

use super::goods::{Good, GOODS, SPECIALTIES};
use super::rng::Rng;
use super::rows::{EnterpriseRow, ProductRow};
use super::time::{at, plus_days};
use chrono::NaiveDate;
use muhan_catalog::search_index::product_columns;

/// A seeded category (commodity level) as the database has it.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// The goods of each specialty that the database's categories hold, with their category.
pub fn goods_by_specialty(categories: &[Category]) -> Vec<Vec<(&'static Good, &Category)>> {
    SPECIALTIES
        .iter()
        .map(|s| {
            GOODS
                .iter()
                .filter(|g| s.prefixes.iter().any(|p| g.code.starts_with(p)))
                .filter_map(|g| categories.iter().find(|c| c.code == g.code).map(|c| (g, c)))
                .collect()
        })
        .collect()
}

const GOODS_MODIFIERS: &[&str] = &[
    "",
    "",
    "",
    "친환경 ",
    "실속형 ",
    "프리미엄 ",
    "국산 ",
    "대용량 ",
];
const SERVICE_MODIFIERS: &[&str] = &["", "", "맞춤형 ", "정기 ", "표준 "];

fn round_price(price: i64) -> i64 {
    let step = if price >= 1_000_000 {
        10_000
    } else if price >= 100_000 {
        1_000
    } else {
        100
    };
    (price / step * step).max(step)
}

/// One product of `enterprise` for `good`.
pub fn product(
    rng: &mut Rng,
    enterprise: &EnterpriseRow,
    good: &Good,
    category: &Category,
    id: i64,
    status: &'static str,
    created: NaiveDate,
) -> ProductRow {
    let service = good.code.as_bytes()[0] >= b'7';
    let modifier = rng.pick(if service {
        SERVICE_MODIFIERS
    } else {
        GOODS_MODIFIERS
    });
    let name = format!("{modifier}{}", rng.pick(good.items));
    let description = format!(
        "{}에서 {} 제공하는 {}({}). 공공기관 납품 가능, 단위 {}.",
        enterprise.name,
        if service {
            "직접"
        } else {
            "직접 만들어"
        },
        category.name,
        category.code,
        good.unit
    );
    let search = product_columns(&name, &description, &enterprise.name);
    ProductRow {
        id,
        enterprise_id: enterprise.id,
        category_id: category.id,
        unit: good.unit,
        price_won: round_price(rng.range(good.price_lo, good.price_hi)),
        min_order_qty: good.min_qty * rng.range(1, 2),
        stock: if service {
            rng.range(20, 400)
        } else {
            rng.range(300, 20_000)
        },
        lead_time_days: if service {
            rng.range(5, 30)
        } else {
            rng.range(1, 10)
        },
        status,
        created_at: at(created, rng.range(30, 500)),
        name,
        description,
        search,
    }
}

/// Products for every enterprise: `lo..=hi` approved ones for each verified enterprise (on
/// sale from soon after its verification), then `pending_review` ones: one for each pending
/// enterprise and `extra_pending` new ones of verified enterprises.
pub fn catalog(
    rng: &mut Rng,
    enterprises: &[EnterpriseRow],
    categories: &[Category],
    (lo, hi): (i64, i64),
    extra_pending: usize,
    first_id: i64,
    today: NaiveDate,
) -> Vec<ProductRow> {
    let goods = goods_by_specialty(categories);
    let mut rows: Vec<ProductRow> = Vec::new();
    let mut next_id = first_id;
    for e in enterprises {
        let offer = &goods[e.specialty];
        if offer.is_empty() {
            continue;
        }
        let (count, status, from) = match e.verified_at {
            Some(v) => (rng.range(lo, hi), "approved", v.date()),
            None => (1, "pending_review", e.created_at.date()),
        };
        for _ in 0..count {
            let (good, category) = *rng.pick(offer);
            let created = if status == "approved" {
                plus_days(from, rng.range(0, 9))
            } else {
                from
            };
            rows.push(product(rng, e, good, category, next_id, status, created));
            next_id += 1;
        }
    }
    let verified: Vec<&EnterpriseRow> = enterprises
        .iter()
        .filter(|e| e.verified_at.is_some())
        .collect();
    for _ in 0..extra_pending {
        let e = *rng.pick(&verified);
        let offer = &goods[e.specialty];
        if offer.is_empty() {
            continue;
        }
        let (good, category) = *rng.pick(offer);
        let created = plus_days(today, -rng.range(1, 14));
        rows.push(product(
            rng,
            e,
            good,
            category,
            next_id,
            "pending_review",
            created,
        ));
        next_id += 1;
    }
    rows
}
