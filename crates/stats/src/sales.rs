//! `GET /stats/sales`: revenue grouped by time, enterprise, kind, district, category or
//! agency, inside the caller's scope, with the report's totals.

use crate::labels::{kind_label, month_label, year_label};
use crate::report::{CategoryLevel, GroupBy, SalesQuery, SalesReport, SalesRow, SalesTotal};
use crate::revenue::{revenue_query, Ledger, RevenueFilter, JOIN_CATEGORY, JOIN_ENTERPRISE};
use crate::scope::Scope;
use crate::store;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use muhan_core::actor::Actor;
use muhan_core::{DomainError, DomainResult, EnterpriseKind};
use muhan_db::schema::{agencies, categories, districts, enterprises};
use muhan_db::{read_tx, DbConn};
use std::collections::HashMap;

#[derive(Debug)]
struct GroupRow {
    key: String,
    orders: i64,
    quantity: i64,
    revenue_won: i64,
}

/// A row of the grouped statement: a group, or (`total_row = 1`) the report's total where
/// the backend computes it in the same pass (`store::grouping`).
#[derive(Debug, QueryableByName)]
struct GroupedRow {
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
    #[diesel(sql_type = BigInt)]
    total_row: i64,
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    quantity: i64,
    #[diesel(sql_type = BigInt)]
    revenue_won: i64,
}

/// Figures over all of a filter's revenue (no grouping).
#[derive(Debug, QueryableByName)]
pub(crate) struct Totals {
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub revenue_won: i64,
    #[diesel(sql_type = BigInt)]
    pub enterprises: i64,
    #[diesel(sql_type = BigInt)]
    pub agencies: i64,
}

const GROUP_FIGURES: &str = ", COUNT(DISTINCT s.order_id) AS orders, \
     CAST(COALESCE(SUM(s.quantity), 0) AS BIGINT) AS quantity, \
     CAST(COALESCE(SUM(s.line_total_won), 0) AS BIGINT) AS revenue_won";

#[derive(Debug, QueryableByName)]
struct SalesTotalRow {
    #[diesel(sql_type = BigInt)]
    orders: i64,
    #[diesel(sql_type = BigInt)]
    quantity: i64,
    #[diesel(sql_type = BigInt)]
    revenue_won: i64,
}

const SALES_TOTAL_FIGURES: &str = "COUNT(DISTINCT s.order_id) AS orders, \
     CAST(COALESCE(SUM(s.quantity), 0) AS BIGINT) AS quantity, \
     CAST(COALESCE(SUM(s.line_total_won), 0) AS BIGINT) AS revenue_won";

const TOTAL_FIGURES: &str = "COUNT(DISTINCT s.order_id) AS orders, \
     CAST(COALESCE(SUM(s.line_total_won), 0) AS BIGINT) AS revenue_won, \
     COUNT(DISTINCT s.enterprise_id) AS enterprises, \
     COUNT(DISTINCT s.agency_id) AS agencies";

/// The sales report for `actor` (admin: everything; buyer: its agency; enterprise user: its
/// enterprise; a pending account: 403).
pub fn sales_report(
    conn: &mut DbConn,
    actor: &Actor,
    query: &SalesQuery,
) -> DomainResult<SalesReport> {
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if from > to {
            return Err(DomainError::invalid("to", "must not be before from"));
        }
    }
    let filter = RevenueFilter {
        from: query.from,
        to: query.to,
        contract_type: query.contract_type,
        scope: Scope::of(actor)?,
    };
    read_tx(conn, |c| {
        store::prepare_report(c)?;
        // Where the groups partition the orders, the total is their sum; else it counts each
        // order once, in the grouped statement's pass where the backend can, else apart.
        let partitioned = query.group_by.partitions_orders();
        let (groups, counted) = groups(
            c,
            &filter,
            query.group_by,
            query.category_level,
            !partitioned,
        )?;
        let total = match counted {
            Some(total) => total,
            None if partitioned => sum_of(&groups),
            None => sales_total(c, &filter)?,
        };
        let mut rows = labelled(c, query.group_by, groups)?;
        sort_rows(query.group_by, &mut rows);
        Ok(SalesReport { rows, total })
    })
}

/// The report's total when the groups partition the orders.
fn sum_of(groups: &[GroupRow]) -> SalesTotal {
    groups.iter().fold(
        SalesTotal {
            orders: 0,
            quantity: 0,
            revenue_won: 0,
        },
        |t, g| SalesTotal {
            orders: t.orders + g.orders,
            quantity: t.quantity + g.quantity,
            revenue_won: t.revenue_won + g.revenue_won,
        },
    )
}

/// The report's total counted directly (an order in several groups counts once).
fn sales_total(conn: &mut DbConn, filter: &RevenueFilter) -> DomainResult<SalesTotal> {
    let t = revenue_query(Ledger::Fulfillments, SALES_TOTAL_FIGURES, "", filter)
        .get_result::<SalesTotalRow>(conn)?;
    Ok(SalesTotal {
        orders: t.orders,
        quantity: t.quantity,
        revenue_won: t.revenue_won,
    })
}

/// The figures of everything `filter` counts.
pub(crate) fn totals(conn: &mut DbConn, filter: &RevenueFilter) -> DomainResult<Totals> {
    Ok(
        revenue_query(Ledger::Fulfillments, TOTAL_FIGURES, "", filter)
            .get_result::<Totals>(conn)?,
    )
}

/// The groups of `filter`'s revenue, and its total when `with_total` and the backend counts
/// it in the same pass.
fn groups(
    conn: &mut DbConn,
    filter: &RevenueFilter,
    group_by: GroupBy,
    level: CategoryLevel,
    with_total: bool,
) -> DomainResult<(Vec<GroupRow>, Option<SalesTotal>)> {
    let key = store::group_key(conn, group_by, level);
    let (ledger, joins) = match group_by {
        GroupBy::EnterpriseKind | GroupBy::District => (Ledger::Fulfillments, JOIN_ENTERPRISE),
        GroupBy::Category => (Ledger::Lines, JOIN_CATEGORY),
        _ => (Ledger::Fulfillments, ""),
    };
    let grouping = store::grouping(conn, key.group, with_total);
    let columns = format!(
        "{} AS key, {} AS total_row{GROUP_FIGURES}",
        key.key, grouping.total_row
    );
    let rows = revenue_query(ledger, &columns, joins, filter)
        .sql(&grouping.clause)
        .load::<GroupedRow>(conn)?;
    let mut total = None;
    let mut groups = Vec::with_capacity(rows.len());
    for row in rows {
        if row.total_row == 1 {
            total = Some(SalesTotal {
                orders: row.orders,
                quantity: row.quantity,
                revenue_won: row.revenue_won,
            });
        } else {
            groups.push(GroupRow {
                key: row.key.unwrap_or_default(),
                orders: row.orders,
                quantity: row.quantity,
                revenue_won: row.revenue_won,
            });
        }
    }
    Ok((groups, total))
}

/// Gives each group its Korean name (and a category group its category's id as key).
fn labelled(
    conn: &mut DbConn,
    group_by: GroupBy,
    groups: Vec<GroupRow>,
) -> DomainResult<Vec<SalesRow>> {
    let row = |key: String, label: String, g: &GroupRow| SalesRow {
        key,
        label,
        orders: g.orders,
        quantity: g.quantity,
        revenue_won: g.revenue_won,
    };
    let rows = match group_by {
        GroupBy::Year => groups
            .iter()
            .map(|g| row(g.key.clone(), year_label(&g.key), g))
            .collect(),
        GroupBy::Month => groups
            .iter()
            .map(|g| row(g.key.clone(), month_label(&g.key), g))
            .collect(),
        GroupBy::EnterpriseKind => groups
            .iter()
            .map(|g| {
                let label = g
                    .key
                    .parse::<EnterpriseKind>()
                    .map(|k| kind_label(k).to_owned())
                    .unwrap_or_else(|_| g.key.clone());
                row(g.key.clone(), label, g)
            })
            .collect(),
        GroupBy::District => {
            let codes: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
            let names: HashMap<String, String> = districts::table
                .filter(districts::code.eq_any(&codes))
                .select((districts::code, districts::name))
                .load(conn)?
                .into_iter()
                .collect();
            with_names(&groups, |key| names.get(key).cloned(), row)
        }
        GroupBy::Enterprise => {
            let names = names_by_id(&groups, |ids| {
                enterprises::table
                    .filter(enterprises::id.eq_any(ids))
                    .select((enterprises::id, enterprises::name))
                    .load(conn)
            })?;
            with_names(&groups, |key| names.get(key).cloned(), row)
        }
        GroupBy::Agency => {
            let names = names_by_id(&groups, |ids| {
                agencies::table
                    .filter(agencies::id.eq_any(ids))
                    .select((agencies::id, agencies::name))
                    .load(conn)
            })?;
            with_names(&groups, |key| names.get(key).cloned(), row)
        }
        GroupBy::Category => {
            // The group's key is the leading digits of its code; its category is the one
            // whose code they are, padded with zeros (codes extend their parent's).
            let codes: Vec<String> = groups.iter().map(|g| padded_code(&g.key)).collect();
            let found: HashMap<String, (i64, String)> = categories::table
                .filter(categories::code.eq_any(&codes))
                .select((categories::code, categories::id, categories::name))
                .load::<(String, i64, String)>(conn)?
                .into_iter()
                .map(|(code, id, name)| (code, (id, name)))
                .collect();
            groups
                .iter()
                .map(|g| {
                    let code = padded_code(&g.key);
                    match found.get(&code) {
                        Some((id, name)) => row(id.to_string(), name.clone(), g),
                        None => row(code.clone(), code, g),
                    }
                })
                .collect()
        }
    };
    Ok(rows)
}

fn padded_code(prefix: &str) -> String {
    format!("{prefix:0<8}")
}

/// Looks up the names of the groups whose keys are ids.
fn names_by_id(
    groups: &[GroupRow],
    load: impl FnOnce(&[i64]) -> QueryResult<Vec<(i64, String)>>,
) -> DomainResult<HashMap<String, String>> {
    let ids: Vec<i64> = groups.iter().filter_map(|g| g.key.parse().ok()).collect();
    Ok(load(&ids)?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect())
}

fn with_names(
    groups: &[GroupRow],
    name_of: impl Fn(&str) -> Option<String>,
    row: impl Fn(String, String, &GroupRow) -> SalesRow,
) -> Vec<SalesRow> {
    groups
        .iter()
        .map(|g| {
            let label = name_of(&g.key).unwrap_or_else(|| g.key.clone());
            row(g.key.clone(), label, g)
        })
        .collect()
}

/// Time in calendar order; everything else by revenue, the largest first (ties by key).
fn sort_rows(group_by: GroupBy, rows: &mut [SalesRow]) {
    let numeric = |key: &str| key.parse::<i64>().unwrap_or(i64::MAX);
    match group_by {
        GroupBy::Year | GroupBy::Month => rows.sort_by(|a, b| a.key.cmp(&b.key)),
        _ => rows.sort_by(|a, b| {
            b.revenue_won
                .cmp(&a.revenue_won)
                .then_with(|| numeric(&a.key).cmp(&numeric(&b.key)))
                .then_with(|| a.key.cmp(&b.key))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_prefixes_pad_to_their_code() {
        assert_eq!(padded_code("44"), "44000000");
        assert_eq!(padded_code("4410"), "44100000");
        assert_eq!(padded_code("44103103"), "44103103");
    }
}
