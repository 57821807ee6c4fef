//! Hand-written SQL that the connection prepares once and reuses.
//!
//! `diesel::sql_query` marks every statement "unsafe to cache", so PostgreSQL parses and plans
//! it on each call. A constant text with bound parameters is safe to cache; diesel then keys
//! the prepared statement by that text. Used on hot paths whose SQL the query builder cannot
//! express (row locks on one side of a join, `unnest` of array parameters, data-modifying
//! `WITH`). Load results with `QueryableByName`, as with `sql_query`.
//!
//! Write each parameter as `?`, bind the values in the same order; the backend's own
//! placeholders (`$1`, … on PostgreSQL) are put in their place. The text must contain no
//! other `?`.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use diesel::{QueryResult, RunQueryDsl};
use std::marker::PhantomData;

/// A statement whose text never changes between calls: values are bound, never spliced in.
pub fn cached_sql(sql: &'static str) -> CachedSql {
    CachedSql(sql)
}

#[derive(Debug, Clone, Copy)]
#[must_use = "queries are only executed when run"]
pub struct CachedSql(&'static str);

/// `query` followed by one more bound parameter of SQL type `ST`.
#[derive(Debug, Clone)]
#[must_use = "queries are only executed when run"]
pub struct Bound<Q, V, ST> {
    query: Q,
    value: V,
    _type: PhantomData<ST>,
}

/// A statement text with the first `BINDS` of its `?` bound.
pub trait BindNext: Sized {
    const BINDS: usize;

    fn text(&self) -> &'static str;

    /// Binds the next `?`.
    fn bind<ST, V>(self, value: V) -> Bound<Self, V, ST> {
        Bound {
            query: self,
            value,
            _type: PhantomData,
        }
    }
}

impl BindNext for CachedSql {
    const BINDS: usize = 0;

    fn text(&self) -> &'static str {
        self.0
    }
}

impl<Q: BindNext, V, ST> BindNext for Bound<Q, V, ST> {
    const BINDS: usize = Q::BINDS + 1;

    fn text(&self) -> &'static str {
        self.query.text()
    }
}

/// The text between the `n`-th and the next `?` (the whole rest after the last one).
fn piece(sql: &'static str, n: usize) -> &'static str {
    sql.split('?').nth(n).unwrap_or_default()
}

impl<DB: Backend> QueryFragment<DB> for CachedSql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(piece(self.0, 0));
        Ok(())
    }
}

impl<DB, Q, V, ST> QueryFragment<DB> for Bound<Q, V, ST>
where
    DB: Backend + HasSqlType<ST>,
    Q: QueryFragment<DB> + BindNext,
    V: ToSql<ST, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_bind_param::<ST, V>(&self.value)?;
        out.push_sql(piece(self.text(), Q::BINDS + 1));
        Ok(())
    }
}

// No static id: the statement cache then keys on the SQL text itself.
impl QueryId for CachedSql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, V, ST> QueryId for Bound<Q, V, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for CachedSql {
    type SqlType = Untyped;
}

impl<Q, V, ST> Query for Bound<Q, V, ST> {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for CachedSql {}
impl<Q, V, ST, Conn> RunQueryDsl<Conn> for Bound<Q, V, ST> {}

#[cfg(test)]
mod tests {
    use super::piece;

    #[test]
    fn pieces_between_placeholders() {
        let sql = "SELECT a FROM t WHERE a = ? AND b = ANY(?) ORDER BY a";
        assert_eq!(piece(sql, 0), "SELECT a FROM t WHERE a = ");
        assert_eq!(piece(sql, 1), " AND b = ANY(");
        assert_eq!(piece(sql, 2), ") ORDER BY a");
        assert_eq!(piece(sql, 3), "");
    }
}
