//! The catalog's statements that the multi-backend connection cannot express: upserts
//! (diesel's `on_conflict` needs the concrete connection, so each statement is written once
//! and compiled for both variants).

use crate::agencies::PurchasePlan;
use chrono::NaiveDateTime;
use diesel::upsert::excluded;
use diesel::{ExpressionMethods, OptionalExtension, RunQueryDsl};
use muhan_core::DomainResult;
use muhan_db::schema::{categories, purchase_plans as pp};
use muhan_db::{on_backend, DbConn};

/// The values of a purchase plan as stored.
pub(crate) struct PlanValues {
    pub agency_id: i64,
    pub year: i64,
    pub total_purchase_won: i64,
    pub social_target_bp: i64,
    pub updated_at: NaiveDateTime,
}

/// Sets the plan of (agency, year) in one statement: inserted when absent, else replaced.
/// Concurrent first writes cannot collide on the key (each later one replaces the row the
/// earlier one made). Returns the row as this statement left it.
pub(crate) fn upsert_plan(conn: &mut DbConn, plan: &PlanValues) -> DomainResult<PurchasePlan> {
    let row = on_backend!(conn, |c| {
        diesel::insert_into(pp::table)
            .values((
                pp::agency_id.eq(plan.agency_id),
                pp::year.eq(plan.year),
                pp::total_purchase_won.eq(plan.total_purchase_won),
                pp::social_target_bp.eq(plan.social_target_bp),
                pp::updated_at.eq(plan.updated_at),
            ))
            .on_conflict((pp::agency_id, pp::year))
            .do_update()
            .set((
                pp::total_purchase_won.eq(excluded(pp::total_purchase_won)),
                pp::social_target_bp.eq(excluded(pp::social_target_bp)),
                pp::updated_at.eq(excluded(pp::updated_at)),
            ))
            .returning(pp::all_columns)
            .get_result::<PurchasePlan>(c)
    })?;
    Ok(row)
}

/// Inserts a category unless one with its code exists, in one statement (concurrent
/// creations of one code make it once). The new id, or `None` when the code is taken.
pub(crate) fn insert_category_if_new(
    conn: &mut DbConn,
    code: &str,
    name: &str,
    name_en: &str,
    parent_id: Option<i64>,
) -> DomainResult<Option<i64>> {
    let id = on_backend!(conn, |c| {
        diesel::insert_into(categories::table)
            .values((
                categories::code.eq(code),
                categories::name.eq(name),
                categories::name_en.eq(name_en),
                categories::parent_id.eq(parent_id),
            ))
            .on_conflict(categories::code)
            .do_nothing()
            .returning(categories::id)
            .get_result::<i64>(c)
            .optional()
    })?;
    Ok(id)
}
