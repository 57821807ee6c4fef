//! `GET /stats/summary`: the year's revenue, growth over the year before, orders and the
//! enterprises and agencies that traded, inside the caller's scope.

use crate::report::Summary;
use crate::revenue::RevenueFilter;
use crate::sales::totals;
use crate::scope::Scope;
use crate::store;
use muhan_core::actor::Actor;
use muhan_core::DomainResult;
use muhan_db::{read_tx, DbConn};

pub fn summary(conn: &mut DbConn, actor: &Actor, year: i32) -> DomainResult<Summary> {
    let scope = Scope::of(actor)?;
    let this_year = RevenueFilter::year(year, scope)?;
    let last_year = RevenueFilter::year(year - 1, scope)?;
    read_tx(conn, |c| {
        store::prepare_report(c)?;
        let now = totals(c, &this_year)?;
        let before = totals(c, &last_year)?;
        Ok(Summary {
            year,
            revenue_won: now.revenue_won,
            previous_year_revenue_won: before.revenue_won,
            growth_bp: growth_bp(now.revenue_won, before.revenue_won),
            orders: now.orders,
            active_enterprises: now.enterprises,
            active_agencies: now.agencies,
        })
    })
}

/// `(now − before) / before` in basis points, rounded down; none without a previous year.
pub fn growth_bp(now: i64, before: i64) -> Option<i64> {
    if before <= 0 {
        return None;
    }
    let bp = (i128::from(now) - i128::from(before)) * 10_000;
    i64::try_from(bp.div_euclid(i128::from(before))).ok()
}

#[cfg(test)]
mod tests {
    use super::growth_bp;
    use proptest::prelude::*;

    #[test]
    fn the_cooperatives_published_growth() {
        assert_eq!(growth_bp(1_400_000_000, 300_000_000), Some(36_666));
        assert_eq!(growth_bp(5_600_000_000, 1_400_000_000), Some(30_000));
        assert_eq!(growth_bp(9_100_000_000, 5_600_000_000), Some(6_250));
        assert_eq!(growth_bp(0, 100), Some(-10_000));
        assert_eq!(growth_bp(100, 0), None);
    }

    proptest! {
        #[test]
        fn rounds_down(now in 0i64..1_000_000_000_000, before in 1i64..1_000_000_000_000) {
            let bp = i128::from(growth_bp(now, before).unwrap());
            let exact = (i128::from(now) - i128::from(before)) * 10_000;
            prop_assert!(bp * i128::from(before) <= exact);
            prop_assert!((bp + 1) * i128::from(before) > exact);
        }
    }
}
