//! Report SQL assembled from pieces, with every value bound (never spliced into the text).
//!
//! The statistics combine a grouping, optional date bounds, an optional contract type and the
//! caller's scope; the query builder cannot group by the computed keys they need, and
//! `muhan_db::cached_sql` wants one constant text. A `Statement` is text plus bound values in
//! order; the backend's placeholders (`$1`, … on PostgreSQL, `?` on SQLite) are written by
//! diesel. The texts come from a small finite set, so the connection's statement cache keys
//! on them and PostgreSQL plans each variant once.

use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Text, Timestamp, Untyped};
use diesel::{QueryResult, RunQueryDsl};

/// A value bound in a statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    BigInt(i64),
    Text(String),
    Timestamp(NaiveDateTime),
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Sql(String),
    Param(Param),
}

/// SQL text interleaved with bound values.
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use = "queries are only executed when run"]
pub(crate) struct Statement(Vec<Piece>);

impl Statement {
    pub(crate) fn new(sql: &str) -> Self {
        Statement(vec![Piece::Sql(sql.to_owned())])
    }

    /// Appends text (a constant of the report, never a caller's value).
    pub(crate) fn sql(mut self, sql: &str) -> Self {
        self.0.push(Piece::Sql(sql.to_owned()));
        self
    }

    /// Appends a placeholder bound to `value`.
    pub(crate) fn bind(mut self, value: Param) -> Self {
        self.0.push(Piece::Param(value));
        self
    }
}

impl<DB> QueryFragment<DB> for Statement
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text> + HasSqlType<Timestamp>,
    i64: ToSql<BigInt, DB>,
    String: ToSql<Text, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for piece in &self.0 {
            match piece {
                Piece::Sql(sql) => out.push_sql(sql),
                Piece::Param(Param::BigInt(v)) => out.push_bind_param::<BigInt, i64>(v)?,
                Piece::Param(Param::Text(v)) => out.push_bind_param::<Text, String>(v)?,
                Piece::Param(Param::Timestamp(v)) => {
                    out.push_bind_param::<Timestamp, NaiveDateTime>(v)?
                }
            }
        }
        Ok(())
    }
}

// No static id: the statement cache keys on the SQL text itself.
impl QueryId for Statement {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Statement {}
