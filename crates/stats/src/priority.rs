//! `GET /stats/priority-purchase`: each agency's priority-purchase result (우선구매 실적) for
//! a year — its plan and target against what it bought from social-economy enterprises, and
//! from certified social enterprises (인증 사회적기업) among them.

use crate::report::{PriorityReport, PriorityRow};
use crate::revenue::{revenue_query, Ledger, RevenueFilter, JOIN_ENTERPRISE};
use crate::scope::Scope;
use crate::store;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use muhan_core::actor::Actor;
use muhan_core::{DomainError, DomainResult};
use muhan_db::schema::{agencies, purchase_plans};
use muhan_db::{read_tx, DbConn};
use std::collections::HashMap;

#[derive(Debug, QueryableByName)]
struct AgencyPurchases {
    #[diesel(sql_type = BigInt)]
    agency_id: i64,
    #[diesel(sql_type = BigInt)]
    social_economy_won: i64,
    #[diesel(sql_type = BigInt)]
    certified_won: i64,
}

const PURCHASES: &str = "s.agency_id AS agency_id, \
     CAST(SUM(s.line_total_won) AS BIGINT) AS social_economy_won, \
     CAST(SUM(CASE WHEN e.kind = 'social_enterprise' THEN s.line_total_won ELSE 0 END) \
     AS BIGINT) AS certified_won";

/// The report for `actor`: admins every agency, a buyer its own; it is an agency's filing, so
/// enterprise users get 403.
pub fn priority_purchase(
    conn: &mut DbConn,
    actor: &Actor,
    year: i32,
) -> DomainResult<PriorityReport> {
    let scope = Scope::of(actor)?;
    if let Scope::Enterprise(_) = scope {
        return Err(DomainError::forbidden(
            "the priority-purchase report is for agencies and administrators",
        ));
    }
    let filter = RevenueFilter::year(year, scope)?;
    read_tx(conn, |c| {
        store::prepare_report(c)?;
        let mut agency_query = agencies::table.into_boxed();
        if let Scope::Agency(id) = scope {
            agency_query = agency_query.filter(agencies::id.eq(id));
        }
        let agencies: Vec<(i64, String)> = agency_query
            .order((agencies::name, agencies::id))
            .select((agencies::id, agencies::name))
            .load(c)?;
        let mut plan_query = purchase_plans::table
            .filter(purchase_plans::year.eq(i64::from(year)))
            .into_boxed();
        if let Scope::Agency(id) = scope {
            plan_query = plan_query.filter(purchase_plans::agency_id.eq(id));
        }
        let plans: HashMap<i64, (i64, i64)> = plan_query
            .select((
                purchase_plans::agency_id,
                purchase_plans::total_purchase_won,
                purchase_plans::social_target_bp,
            ))
            .load::<(i64, i64, i64)>(c)?
            .into_iter()
            .map(|(agency, total, target)| (agency, (total, target)))
            .collect();
        let purchases: HashMap<i64, AgencyPurchases> =
            revenue_query(Ledger::Fulfillments, PURCHASES, JOIN_ENTERPRISE, &filter)
                .sql(" GROUP BY s.agency_id")
                .load::<AgencyPurchases>(c)?
                .into_iter()
                .map(|p| (p.agency_id, p))
                .collect();
        let rows = agencies
            .into_iter()
            .map(|(agency_id, agency_name)| {
                let bought = purchases.get(&agency_id);
                row(
                    agency_id,
                    agency_name,
                    plans.get(&agency_id).copied(),
                    bought.map_or(0, |p| p.social_economy_won),
                    bought.map_or(0, |p| p.certified_won),
                )
            })
            .collect();
        Ok(PriorityReport { year, rows })
    })
}

/// One agency's row: the ratio is its social-economy purchases over its planned total
/// (rounded down); attained when the ratio reaches the target.
pub fn row(
    agency_id: i64,
    agency_name: String,
    plan: Option<(i64, i64)>,
    social_economy_won: i64,
    certified_social_enterprise_won: i64,
) -> PriorityRow {
    let ratio_bp = plan.and_then(|(total, _)| ratio_bp(social_economy_won, total));
    let attained = match (plan, ratio_bp) {
        (Some((_, target)), Some(ratio)) => Some(ratio >= target),
        _ => None,
    };
    PriorityRow {
        agency_id,
        agency_name,
        total_purchase_won: plan.map(|(total, _)| total),
        social_target_bp: plan.map(|(_, target)| target),
        social_economy_won,
        certified_social_enterprise_won,
        ratio_bp,
        attained,
    }
}

/// `part / whole` in basis points, rounded down; none for a zero whole.
fn ratio_bp(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    i64::try_from((i128::from(part) * 10_000).div_euclid(i128::from(whole))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attained_when_the_ratio_reaches_the_target() {
        let r = row(1, "달서구청".into(), Some((1_000_000, 500)), 50_000, 10_000);
        assert_eq!((r.ratio_bp, r.attained), (Some(500), Some(true)));
        let r = row(1, "달서구청".into(), Some((1_000_000, 500)), 49_999, 0);
        assert_eq!((r.ratio_bp, r.attained), (Some(499), Some(false)));
    }

    #[test]
    fn without_a_plan_nothing_is_judged() {
        let r = row(1, "대구광역시청".into(), None, 50_000, 0);
        assert_eq!(
            (r.total_purchase_won, r.ratio_bp, r.attained),
            (None, None, None)
        );
        let r = row(1, "대구광역시청".into(), Some((0, 500)), 50_000, 0);
        assert_eq!((r.ratio_bp, r.attained), (None, None));
    }
}
