//! The catalog's statements that differ by backend or that the multi-backend connection
//! cannot express: upserts (diesel's `on_conflict` needs the concrete connection, so each
//! statement is written once and compiled for both variants) and query plans.

use crate::model::PurchasePlan;
use crate::search::Db;
use chrono::NaiveDateTime;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Integer, Text};
use diesel::upsert::excluded;
use diesel::{ExpressionMethods, OptionalExtension, QueryResult, RunQueryDsl};
use muhan_core::DomainResult;
use muhan_db::schema::{categories, purchase_plans as pp};
use muhan_db::{on_backend, Backend, DbConn};
use std::marker::PhantomData;

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

/// `{prefix}{query}` with the query's own binds, returning rows of `ST`: the plan of exactly
/// the statement the code runs.
struct Explain<Q, ST> {
    prefix: &'static str,
    query: Q,
    row: PhantomData<ST>,
}

impl<Q, ST> Explain<Q, ST> {
    fn new(prefix: &'static str, query: Q) -> Self {
        Self {
            prefix,
            query,
            row: PhantomData,
        }
    }
}

impl<Q, ST> QueryId for Explain<Q, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, ST> Query for Explain<Q, ST> {
    type SqlType = ST;
}

impl<Q: QueryFragment<Db>, ST> QueryFragment<Db> for Explain<Q, ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Db>) -> QueryResult<()> {
        out.push_sql(self.prefix);
        self.query.walk_ast(out.reborrow())
    }
}

impl<Q, ST> RunQueryDsl<DbConn> for Explain<Q, ST> {}

/// The plan of `query`, one line per plan node: PostgreSQL's `EXPLAIN` text, or the
/// `detail` column of SQLite's `EXPLAIN QUERY PLAN`.
pub(crate) fn explain<Q: QueryFragment<Db>>(
    conn: &mut DbConn,
    query: Q,
) -> DomainResult<Vec<String>> {
    Ok(match conn.backend() {
        Backend::Postgres => Explain::<_, Text>::new("EXPLAIN ", query).load::<String>(conn)?,
        Backend::Sqlite => {
            Explain::<_, (Integer, Integer, Integer, Text)>::new("EXPLAIN QUERY PLAN ", query)
                .load::<(i32, i32, i32, String)>(conn)?
                .into_iter()
                .map(|(_, _, _, detail)| detail)
                .collect()
        }
    })
}
