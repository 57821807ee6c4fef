//! Gathers the quote comparison sheet: the request's quotes as its buyer or an admin may see
//! them, with each enterprise's business registration number and district name.

use crate::export::{QuoteColumn, QuoteSheet};
use diesel::prelude::*;
use muhan_core::{Actor, DomainError, DomainResult, ErrorCode, Role};
use muhan_db::schema::{districts, enterprises};
use muhan_db::DbConn;
use muhan_matching::{quotes, requests};
use std::collections::HashMap;

/// The sheet for `request_id`: 403 for enterprise users (they see only their own quote),
/// 409 `quotes_sealed` before the quotes are due. Writes `quotes_opened` like the JSON list,
/// so run it in a write transaction.
pub fn quote_sheet(conn: &mut DbConn, actor: &Actor, request_id: i64) -> DomainResult<QuoteSheet> {
    if actor.role == Role::Enterprise {
        return Err(DomainError::forbidden(
            "the comparison sheet is for the request's buyers and admins",
        ));
    }
    let list = quotes::list(conn, actor, request_id)?;
    let request = requests::get(conn, actor, request_id)?;
    if list.sealed {
        return Err(DomainError::conflict(
            ErrorCode::QuotesSealed,
            match request.quotes_due {
                Some(due) => format!(
                    "the quotes are sealed until {} UTC; only their count ({}) is known",
                    due.format("%Y-%m-%d %H:%M"),
                    list.count
                ),
                None => format!(
                    "the quotes are sealed; only their count ({}) is known",
                    list.count
                ),
            },
        ));
    }
    let ids: Vec<i64> = list.items.iter().map(|q| q.enterprise_id).collect();
    let facts: HashMap<i64, (String, String)> = enterprises::table
        .inner_join(districts::table.on(districts::code.eq(enterprises::district)))
        .filter(enterprises::id.eq_any(&ids))
        .select((enterprises::id, enterprises::biz_reg_no, districts::name))
        .load::<(i64, String, String)>(conn)
        .map_err(DomainError::internal)?
        .into_iter()
        .map(|(id, biz, district)| (id, (biz, district)))
        .collect();
    let quotes = list
        .items
        .into_iter()
        .map(|quote| {
            let (biz_reg_no, district_name) = facts
                .get(&quote.enterprise_id)
                .cloned()
                .unwrap_or_else(|| (String::new(), quote.enterprise_district.clone()));
            QuoteColumn {
                quote,
                biz_reg_no,
                district_name,
            }
        })
        .collect();
    Ok(QuoteSheet {
        request_id,
        request_title: request.title,
        quotes,
    })
}
