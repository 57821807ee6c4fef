//! The public catalog: approved products of verified enterprises, filtered, searched (Korean
//! aware) and sorted, paged with keyset cursors that never skip or repeat an item.

use crate::products::{into_view, joined_columns, Joined, JoinedColumns, Product};
use crate::search::{self, Columns, Db, TextQuery};
use crate::{categories, store};
use diesel::dsl::{InnerJoin, IntoBoxed, Select};
use diesel::prelude::*;
use muhan_core::cursor;
use muhan_core::{
    Actor, DomainError, DomainResult, EnterpriseKind, EnterpriseStatus, ProductStatus,
};
use muhan_db::schema::{enterprises as e, products as p};
use muhan_db::DbConn;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct CatalogParams {
    /// Searches name, description and enterprise name. One or two syllables find the words
    /// containing them; initial consonants only (e.g. `ㅋㅍ`) match the name's 초성.
    pub q: Option<String>,
    /// Includes the category's descendants.
    pub category_id: Option<i64>,
    pub kind: Option<EnterpriseKind>,
    pub district: Option<String>,
    pub enterprise_id: Option<i64>,
    pub min_price_won: Option<i64>,
    pub max_price_won: Option<i64>,
    /// `true`: only products with stock.
    pub in_stock: Option<bool>,
    /// Default `relevance` with `q`, else `newest`.
    pub sort: Option<Sort>,
    /// Admins, or an enterprise's own users with `enterprise_id`: list this status instead of
    /// the public catalog.
    pub status: Option<ProductStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

const COLUMNS: Columns = Columns {
    name: "products.search_name",
    chosung: "products.search_chosung",
    text: "products.search_text",
    grams: "products.search_grams",
    id: "products.id",
};

/// Where the previous page ended: the sort it was made with, its sort key and id.
#[derive(Serialize, Deserialize)]
struct After(Sort, i64, i64);

/// The statement a page of the catalog runs.
type PageQuery = IntoBoxed<'static, Select<InnerJoin<p::table, e::table>, JoinedColumns>, Db>;

/// A page about to be read: its statement (LIMIT included) and how to read its rows.
struct Page {
    query: PageQuery,
    sort: Sort,
    text: Option<TextQuery>,
    privileged: bool,
}

/// One page of the catalog (`limit` items at most) and the cursor of the next.
pub fn list(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    params: &CatalogParams,
    limit: i64,
) -> DomainResult<(Vec<Product>, Option<String>)> {
    let Page {
        query,
        sort,
        text,
        privileged,
    } = page(conn, actor, params, limit)?;
    let (rows, more) = cursor::split_page(query.load::<Joined>(conn)?, limit);
    let items: Vec<Product> = rows
        .into_iter()
        .map(|row| into_view(row, privileged))
        .collect::<DomainResult<_>>()?;
    let next = match (more, items.last()) {
        (true, Some(last)) => {
            let key = match sort {
                Sort::Relevance => text.as_ref().map_or(0, |t| t.rank_of(&last.name)),
                Sort::PriceAsc | Sort::PriceDesc => last.price_won,
                Sort::Newest => 0,
            };
            Some(cursor::encode(&After(sort, key, last.id)))
        }
        _ => None,
    };
    Ok((items, next))
}

/// The database's plan for exactly the statement `list` runs with these arguments, one line
/// per plan node (PostgreSQL `EXPLAIN`, SQLite `EXPLAIN QUERY PLAN`): shows whether search
/// uses its indexes.
pub fn explain_list(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    params: &CatalogParams,
    limit: i64,
) -> DomainResult<Vec<String>> {
    let page = page(conn, actor, params, limit)?;
    store::explain(conn, page.query)
}

/// Builds the statement of one page: filters, text match, keyset bound, order and limit.
fn page(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    params: &CatalogParams,
    limit: i64,
) -> DomainResult<Page> {
    let backend = conn.backend();
    let text = params.q.as_deref().and_then(TextQuery::parse);
    let sort = match (params.sort, &text) {
        (Some(Sort::Relevance), None) | (None, None) => Sort::Newest,
        (Some(sort), _) => sort,
        (None, Some(_)) => Sort::Relevance,
    };
    let mut query = p::table
        .inner_join(e::table)
        .select(joined_columns())
        .into_boxed();

    let privileged = match params.status {
        Some(_) => actor.is_some_and(|a| {
            a.is_admin()
                || params
                    .enterprise_id
                    .is_some_and(|id| a.acts_for_enterprise(id))
        }),
        None => false,
    };
    match (privileged, params.status) {
        (true, Some(status)) => query = query.filter(p::status.eq(status.as_str())),
        _ => {
            query = query
                .filter(p::status.eq(ProductStatus::Approved.as_str()))
                .filter(e::status.eq(EnterpriseStatus::Verified.as_str()))
        }
    }
    if let Some(category_id) = params.category_id {
        let ids = categories::with_descendants(conn, category_id)?;
        query = query.filter(p::category_id.eq_any(ids));
    }
    if let Some(kind) = params.kind {
        query = query.filter(e::kind.eq(kind.as_str()));
    }
    if let Some(district) = &params.district {
        query = query.filter(e::district.eq(district.trim().to_owned()));
    }
    if let Some(enterprise_id) = params.enterprise_id {
        query = query.filter(p::enterprise_id.eq(enterprise_id));
    }
    if let (Some(min), Some(max)) = (params.min_price_won, params.max_price_won) {
        if min > max {
            return Err(DomainError::invalid(
                "min_price_won",
                "must not exceed max_price_won",
            ));
        }
    }
    if let Some(min) = params.min_price_won {
        query = query.filter(p::price_won.ge(min));
    }
    if let Some(max) = params.max_price_won {
        query = query.filter(p::price_won.le(max));
    }
    match params.in_stock {
        Some(true) => query = query.filter(p::stock.gt(0)),
        Some(false) => query = query.filter(p::stock.eq(0)),
        None => {}
    }
    if let Some(text) = &text {
        query = query.filter(search::matches(&COLUMNS, text, backend));
    }
    let after: Option<After> = params.cursor.as_deref().map(cursor::decode).transpose()?;
    if let Some(After(cursor_sort, key, id)) = &after {
        if *cursor_sort != sort {
            return Err(DomainError::invalid(
                "cursor",
                "the cursor belongs to another sort order",
            ));
        }
        let (key, id) = (*key, *id);
        query = match sort {
            Sort::Relevance => match &text {
                Some(text) => query.filter(search::after_rank(&COLUMNS, text, key, id)),
                None => query,
            },
            Sort::PriceAsc => query.filter(
                p::price_won
                    .gt(key)
                    .or(p::price_won.eq(key).and(p::id.gt(id))),
            ),
            Sort::PriceDesc => query.filter(
                p::price_won
                    .lt(key)
                    .or(p::price_won.eq(key).and(p::id.gt(id))),
            ),
            Sort::Newest => query.filter(p::id.lt(id)),
        };
    }
    query = match sort {
        Sort::Relevance => match &text {
            Some(text) => query.order((search::rank(&COLUMNS, text).desc(), p::id.asc())),
            None => query.order(p::id.desc()),
        },
        Sort::PriceAsc => query.order((p::price_won.asc(), p::id.asc())),
        Sort::PriceDesc => query.order((p::price_won.desc(), p::id.asc())),
        Sort::Newest => query.order(p::id.desc()),
    };
    Ok(Page {
        query: query.limit(limit + 1),
        sort,
        text,
        privileged,
    })
}
