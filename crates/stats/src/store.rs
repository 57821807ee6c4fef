//! What the statistics' SQL says differently on the two backends: the calendar keys of an
//! order's timestamp (SQLite keeps timestamps as ISO text, PostgreSQL as `timestamp`), and
//! the planner settings of the report transaction.

use crate::report::{CategoryLevel, GroupBy};
use diesel::RunQueryDsl;
use muhan_core::DomainResult;
use muhan_db::DbConn;

/// How a report groups its revenue rows: `group`, the SQL expression (over `s`, `e`, `c` of
/// `revenue`) it groups by, and `key`, the text value that names the group, written over
/// `group`. They differ where grouping by the raw value is cheaper than by its text (an id,
/// a truncated timestamp: no collation, no per-row formatting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GroupKey {
    pub group: &'static str,
    pub key: &'static str,
}

const fn same(expression: &'static str) -> GroupKey {
    GroupKey {
        group: expression,
        key: expression,
    }
}

pub(crate) fn group_key(conn: &DbConn, group_by: GroupBy, level: CategoryLevel) -> GroupKey {
    let postgres = matches!(conn, DbConn::Postgresql(_));
    match (group_by, postgres) {
        (GroupBy::Year, true) => GroupKey {
            group: "date_trunc('year', s.ordered_at)",
            key: "to_char(date_trunc('year', s.ordered_at), 'YYYY')",
        },
        (GroupBy::Year, false) => same("substr(s.ordered_at, 1, 4)"),
        (GroupBy::Month, true) => GroupKey {
            group: "date_trunc('month', s.ordered_at)",
            key: "to_char(date_trunc('month', s.ordered_at), 'YYYY-MM')",
        },
        (GroupBy::Month, false) => same("substr(s.ordered_at, 1, 7)"),
        (GroupBy::Enterprise, _) => GroupKey {
            group: "s.enterprise_id",
            key: "CAST(s.enterprise_id AS TEXT)",
        },
        (GroupBy::EnterpriseKind, _) => same("e.kind"),
        (GroupBy::District, _) => same("e.district"),
        (GroupBy::Agency, _) => GroupKey {
            group: "s.agency_id",
            key: "CAST(s.agency_id AS TEXT)",
        },
        // The code's leading digits: a category shallower than the level keeps its own code.
        (GroupBy::Category, _) => same(match level {
            CategoryLevel::Segment => "substr(c.code, 1, 2)",
            CategoryLevel::Family => "substr(c.code, 1, 4)",
            CategoryLevel::Class => "substr(c.code, 1, 6)",
            CategoryLevel::Commodity => "c.code",
        }),
    }
}

/// The `GROUP BY` of a grouped report and `total_row`, the SQL value that is 1 on the row
/// holding the report's total (each order counted once) and 0 on the groups.
pub(crate) struct Grouping {
    pub clause: String,
    pub total_row: String,
}

/// Groups by `group`; with `with_total`, PostgreSQL adds the total as one more grouping set,
/// so the ledger is read once instead of twice. SQLite has no grouping sets: its total is
/// counted by a statement of its own.
pub(crate) fn grouping(conn: &DbConn, group: &str, with_total: bool) -> Grouping {
    match conn {
        DbConn::Postgresql(_) if with_total => Grouping {
            clause: format!(" GROUP BY GROUPING SETS (({group}), ())"),
            total_row: format!("CAST(GROUPING({group}) AS BIGINT)"),
        },
        _ => Grouping {
            clause: format!(" GROUP BY {group}"),
            total_row: "CAST(0 AS BIGINT)".to_owned(),
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
