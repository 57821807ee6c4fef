//! The split-purchase check (분할 수의계약): catalog purchases by one agency from one enterprise
//! in one category, added up over 30 days, past the enterprise kind's private-contract limit
//! earn the order a `possible_split_purchase` warning (stored with it; the order still goes
//! through). The sums come from per-day running totals kept by the order writes.

use crate::model::{Part, Warning};
use crate::store::PurchaseAmount;
use crate::OrderSettings;
use chrono::{Duration, NaiveDate};

pub(crate) const WINDOW_DAYS: i64 = 30;

/// The exclusive start of the window that ends `today`.
pub(crate) fn window_start(today: NaiveDate) -> NaiveDate {
    today - Duration::days(WINDOW_DAYS)
}

/// This order's amounts per enterprise and category, in key order (the order in which
/// concurrent orders lock the running totals).
pub(crate) fn amounts(parts: &[Part]) -> Vec<PurchaseAmount> {
    let mut amounts: Vec<PurchaseAmount> = Vec::new();
    for part in parts {
        for line in &part.lines {
            match amounts.iter_mut().find(|a| {
                a.enterprise_id == part.enterprise_id && a.category_id == line.category_id
            }) {
                Some(entry) => entry.amount_won += line.line_total_won,
                None => amounts.push(PurchaseAmount {
                    enterprise_id: part.enterprise_id,
                    category_id: line.category_id,
                    amount_won: line.line_total_won,
                }),
            }
        }
    }
    amounts.sort_unstable_by_key(|a| (a.enterprise_id, a.category_id));
    amounts
}

/// `possible_split_purchase`: the agency's catalog purchases from one enterprise in one
/// category within 30 days, this order included, add up past that enterprise's limit. One
/// warning per enterprise and category, in the order of the order's parts and lines.
pub(crate) fn warnings(
    settings: &OrderSettings,
    parts: &[Part],
    amounts: &[PurchaseAmount],
    earlier: &[PurchaseAmount],
) -> Vec<Warning> {
    let sum = |list: &[PurchaseAmount], enterprise_id: i64, category_id: i64| -> i64 {
        list.iter()
            .filter(|a| a.enterprise_id == enterprise_id && a.category_id == category_id)
            .map(|a| a.amount_won)
            .sum()
    };
    let mut warnings: Vec<Warning> = Vec::new();
    for part in parts {
        let limit = settings.limit_for(part.kind);
        for line in &part.lines {
            let (enterprise_id, category_id) = (part.enterprise_id, line.category_id);
            if warnings
                .iter()
                .any(|w| w.enterprise_id == enterprise_id && w.category_id == category_id)
            {
                continue;
            }
            let total =
                sum(earlier, enterprise_id, category_id) + sum(amounts, enterprise_id, category_id);
            if total > limit {
                warnings.push(Warning {
                    code: "possible_split_purchase".into(),
                    message: format!(
                        "catalog purchases from {} in this category add up to {total} won within {WINDOW_DAYS} days, over the {limit} won private-contract limit",
                        part.enterprise_name
                    ),
                    enterprise_id,
                    category_id,
                    total_won: total,
                    limit_won: limit,
                });
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PartLine;
    use muhan_core::EnterpriseKind;

    fn line(product_id: i64, category_id: i64, won: i64) -> PartLine {
        PartLine {
            product_id,
            category_id,
            name: format!("상품 {product_id}"),
            unit: "EA".into(),
            unit_price_won: won,
            quantity: 1,
            line_total_won: won,
        }
    }

    fn part(enterprise_id: i64, kind: EnterpriseKind, lines: Vec<PartLine>) -> Part {
        Part {
            enterprise_id,
            enterprise_name: format!("기업 {enterprise_id}"),
            kind,
            subtotal: lines.iter().map(|l| l.line_total_won).sum(),
            lines,
        }
    }

    fn earlier(enterprise_id: i64, category_id: i64, amount_won: i64) -> PurchaseAmount {
        PurchaseAmount {
            enterprise_id,
            category_id,
            amount_won,
        }
    }

    #[test]
    fn amounts_add_up_per_enterprise_and_category_in_key_order() {
        let parts = [
            part(
                9,
                EnterpriseKind::Cooperative,
                vec![line(1, 7, 100), line(2, 7, 50)],
            ),
            part(
                3,
                EnterpriseKind::Cooperative,
                vec![line(3, 8, 10), line(4, 2, 5)],
            ),
        ];
        assert_eq!(
            amounts(&parts),
            vec![earlier(3, 2, 5), earlier(3, 8, 10), earlier(9, 7, 150)]
        );
    }

    #[test]
    fn a_warning_once_per_enterprise_and_category_only_past_the_limit() {
        let settings = OrderSettings::default();
        let limit = settings.limit_for(EnterpriseKind::Cooperative);
        let parts = [
            part(
                1,
                EnterpriseKind::Cooperative,
                vec![line(1, 7, 600), line(2, 7, 400), line(3, 8, 1)],
            ),
            part(2, EnterpriseKind::Cooperative, vec![line(4, 7, 1)]),
        ];
        let this_order = amounts(&parts);
        // Category 7 of enterprise 1 crosses the limit by 1 won; category 8 of enterprise 1
        // and category 7 of enterprise 2 reach it exactly, which is allowed.
        let before = [
            earlier(1, 7, limit - 999),
            earlier(1, 8, limit - 1),
            earlier(2, 7, limit - 1),
        ];
        let found = warnings(&settings, &parts, &this_order, &before);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].enterprise_id, found[0].category_id), (1, 7));
        assert_eq!(found[0].total_won, limit + 1);
        assert_eq!(found[0].limit_won, limit);
        assert_eq!(found[0].code, "possible_split_purchase");
        assert!(warnings(&settings, &parts, &this_order, &[]).is_empty());
    }
}
