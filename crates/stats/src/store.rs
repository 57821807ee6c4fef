//! What the statistics' SQL says differently on the two backends: the calendar keys of an
//! order's timestamp (SQLite keeps timestamps as ISO text, PostgreSQL as `timestamp`), and
//! the planner settings of the report transaction.

use crate::report::{CategoryLevel, GroupBy};
use diesel::RunQueryDsl;
use muhan_core::DomainResult;
use muhan_db::DbConn;

/// The SQL expression (over `s`, `e`, `c` of `revenue`) whose text value names the group
/// of a revenue row.
pub(crate) fn group_key(conn: &DbConn, group_by: GroupBy, level: CategoryLevel) -> &'static str {
    let postgres = matches!(conn, DbConn::Postgresql(_));
    match (group_by, postgres) {
        (GroupBy::Year, true) => "to_char(s.ordered_at, 'YYYY')",
        (GroupBy::Year, false) => "substr(s.ordered_at, 1, 4)",
        (GroupBy::Month, true) => "to_char(s.ordered_at, 'YYYY-MM')",
        (GroupBy::Month, false) => "substr(s.ordered_at, 1, 7)",
        (GroupBy::Enterprise, _) => "CAST(s.enterprise_id AS TEXT)",
        (GroupBy::EnterpriseKind, _) => "e.kind",
        (GroupBy::District, _) => "e.district",
        (GroupBy::Agency, _) => "CAST(s.agency_id AS TEXT)",
        // The code's leading digits: a category shallower than the level keeps its own code.
        (GroupBy::Category, _) => match level {
            CategoryLevel::Segment => "substr(c.code, 1, 2)",
            CategoryLevel::Family => "substr(c.code, 1, 4)",
            CategoryLevel::Class => "substr(c.code, 1, 6)",
            CategoryLevel::Commodity => "c.code",
        },
    }
}

/// Prepares a read-only report transaction. On PostgreSQL a report aggregates a year of
/// ledger rows in one pass: JIT compilation costs more than it saves there, and the distinct
/// order count sorts in memory rather than spilling at the default 4 MB.
pub(crate) fn prepare_report(conn: &mut DbConn) -> DomainResult<()> {
    if let DbConn::Postgresql(c) = conn {
        diesel::sql_query("SET LOCAL jit = off").execute(c)?;
        diesel::sql_query("SET LOCAL work_mem = '64MB'").execute(c)?;
    }
    Ok(())
}
