//! Products: listed by their enterprise, reviewed by the co-op, found by buyers.

use crate::{categories, enterprises, search_index};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use muhan_core::ErrorCode;
use muhan_core::{
    clock, stored, Actor, DomainError, DomainResult, EnterpriseKind, EnterpriseStatus, FieldErrors,
    ProductStatus,
};
use muhan_db::schema::{enterprises as e, products as p};
use muhan_db::DbConn;
use serde::{Deserialize, Serialize};

pub const MAX_QUANTITY: i64 = 1_000_000_000;

/// A product as clients see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Product {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub enterprise_kind: EnterpriseKind,
    /// The enterprise's district code.
    pub district: String,
    pub category_id: i64,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub price_won: i64,
    pub min_order_qty: i64,
    pub stock: i64,
    pub lead_time_days: i64,
    pub status: ProductStatus,
    /// Why an admin rejected it (owners and admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
    /// Increases with every change of the product's content or status (not stock).
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub created_at: NaiveDateTime,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = p)]
pub(crate) struct Row {
    id: i64,
    enterprise_id: i64,
    category_id: i64,
    name: String,
    description: String,
    unit: String,
    price_won: i64,
    min_order_qty: i64,
    stock: i64,
    lead_time_days: i64,
    status: String,
    reject_reason: Option<String>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A product row joined with its enterprise's name, kind, district and status.
pub(crate) type Joined = (Row, (String, String, String, String));

/// What `Joined` is selected with.
pub(crate) type JoinedColumns = (
    diesel::helper_types::AsSelect<Row, crate::search::Db>,
    (e::name, e::kind, e::district, e::status),
);

pub(crate) fn joined_columns() -> JoinedColumns {
    (Row::as_select(), (e::name, e::kind, e::district, e::status))
}

pub(crate) fn into_view(
    (row, (enterprise_name, kind, district, _status)): Joined,
    show_reason: bool,
) -> DomainResult<Product> {
    Ok(Product {
        id: row.id,
        enterprise_id: row.enterprise_id,
        enterprise_name,
        enterprise_kind: stored(&kind)?,
        district,
        category_id: row.category_id,
        name: row.name,
        description: row.description,
        unit: row.unit,
        price_won: row.price_won,
        min_order_qty: row.min_order_qty,
        stock: row.stock,
        lead_time_days: row.lead_time_days,
        status: stored(&row.status)?,
        reject_reason: if show_reason { row.reject_reason } else { None },
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn load(conn: &mut DbConn, id: i64) -> DomainResult<Joined> {
    p::table
        .inner_join(e::table)
        .filter(p::id.eq(id))
        .select(joined_columns())
        .first(conn)
        .optional()?
        .ok_or_else(|| DomainError::NotFound("product".into()))
}

/// Whether the public catalog shows a product.
fn is_public(status: ProductStatus, enterprise_status: EnterpriseStatus) -> bool {
    status == ProductStatus::Approved && enterprise_status == EnterpriseStatus::Verified
}

/// One product: public ones for anyone; any status for its owners and admins; else 404.
pub fn get(conn: &mut DbConn, actor: Option<&Actor>, id: i64) -> DomainResult<Product> {
    let joined = load(conn, id)?;
    let privileged =
        actor.is_some_and(|a| a.is_admin() || a.acts_for_enterprise(joined.0.enterprise_id));
    let public = is_public(stored(&joined.0.status)?, stored(&(joined.1).3)?);
    if privileged || public {
        into_view(joined, privileged)
    } else {
        Err(DomainError::NotFound("product".into()))
    }
}

/// A new product as sent by its enterprise.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    #[schema(required = true, nullable = false, minimum = 1)]
    pub category_id: Option<i64>,
    /// 1–200 characters.
    #[schema(required = true, nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// Unit of sale, e.g. `박스`, `kg`, `EA`.
    #[schema(required = true, nullable = false, min_length = 1, max_length = 20)]
    pub unit: Option<String>,
    /// 1 … 10,000,000,000 won.
    #[schema(
        required = true,
        nullable = false,
        minimum = 1,
        maximum = 10_000_000_000_i64
    )]
    pub price_won: Option<i64>,
    #[schema(
        required = true,
        nullable = false,
        minimum = 1,
        maximum = 1_000_000_000
    )]
    pub min_order_qty: Option<i64>,
    #[schema(
        required = true,
        nullable = false,
        minimum = 0,
        maximum = 1_000_000_000
    )]
    pub stock: Option<i64>,
    /// 0 … 365 days.
    #[schema(required = true, nullable = false, minimum = 0, maximum = 365)]
    pub lead_time_days: Option<i64>,
}

struct ParsedProduct {
    category_id: i64,
    name: String,
    description: String,
    unit: String,
    price_won: i64,
    min_order_qty: i64,
    stock: i64,
    lead_time_days: i64,
}

/// The rules of each product field, shared by creation and editing.
mod rules {
    use super::MAX_QUANTITY;
    use muhan_core::{in_range, price_won, text, ParseError};

    pub fn name(v: &str) -> Result<String, ParseError> {
        text::line(v, 1, 200)
    }
    pub fn description(v: &str) -> Result<String, ParseError> {
        text::free(v, 0, 5000)
    }
    pub fn unit(v: &str) -> Result<String, ParseError> {
        text::line(v, 1, 20)
    }
    pub fn price(v: i64) -> Result<i64, ParseError> {
        price_won(v)
    }
    pub fn min_order_qty(v: i64) -> Result<i64, ParseError> {
        in_range(v, 1, MAX_QUANTITY)
    }
    pub fn stock(v: i64) -> Result<i64, ParseError> {
        in_range(v, 0, MAX_QUANTITY)
    }
    pub fn lead_time_days(v: i64) -> Result<i64, ParseError> {
        in_range(v, 0, 365)
    }
}

/// `value`, or a "required" error for `field`.
fn required<T>(errors: &mut FieldErrors, field: &str, value: Option<T>) -> Option<T> {
    if value.is_none() {
        errors.push(field, "is required");
    }
    value
}

impl ProductInput {
    fn parse(&self) -> DomainResult<ParsedProduct> {
        let mut errors = FieldErrors::new();
        let e = &mut errors;
        let category_id = required(e, "category_id", self.category_id);
        let name =
            required(e, "name", self.name.as_deref()).and_then(|v| e.check("name", rules::name(v)));
        let description = e.check(
            "description",
            rules::description(self.description.as_deref().unwrap_or("")),
        );
        let unit =
            required(e, "unit", self.unit.as_deref()).and_then(|v| e.check("unit", rules::unit(v)));
        let price_won = required(e, "price_won", self.price_won)
            .and_then(|v| e.check("price_won", rules::price(v)));
        let min_order_qty = required(e, "min_order_qty", self.min_order_qty)
            .and_then(|v| e.check("min_order_qty", rules::min_order_qty(v)));
        let stock =
            required(e, "stock", self.stock).and_then(|v| e.check("stock", rules::stock(v)));
        let lead_time_days = required(e, "lead_time_days", self.lead_time_days)
            .and_then(|v| e.check("lead_time_days", rules::lead_time_days(v)));
        errors.finish(ErrorCode::ValidationFailed)?;
        let parsed = (|| {
            Some(ParsedProduct {
                category_id: category_id?,
                name: name?,
                description: description?,
                unit: unit?,
                price_won: price_won?,
                min_order_qty: min_order_qty?,
                stock: stock?,
                lead_time_days: lead_time_days?,
            })
        })();
        parsed.ok_or_else(|| DomainError::internal("unreachable: fields were checked"))
    }
}

fn require_category(conn: &mut DbConn, id: i64) -> DomainResult<()> {
    if categories::exists(conn, id)? {
        Ok(())
    } else {
        Err(DomainError::invalid("category_id", "no such category"))
    }
}

/// Lists a product for the caller's enterprise; it awaits review.
pub fn create(conn: &mut DbConn, actor: &Actor, input: &ProductInput) -> DomainResult<Product> {
    let enterprise_id = actor.own_enterprise()?;
    let parsed = input.parse()?;
    let (status, enterprise_name) = enterprises::status_of(conn, enterprise_id)?;
    if status == EnterpriseStatus::Suspended {
        return Err(DomainError::Forbidden {
            code: ErrorCode::EnterpriseSuspended,
            detail: "a suspended enterprise cannot list products".into(),
        });
    }
    require_category(conn, parsed.category_id)?;
    let now = clock::now();
    let (search_name, search_chosung, search_text, search_grams) =
        search_index::product_columns(&parsed.name, &parsed.description, &enterprise_name);
    let id: i64 = diesel::insert_into(p::table)
        .values(&ProductRow {
            enterprise_id,
            category_id: parsed.category_id,
            name: &parsed.name,
            description: &parsed.description,
            unit: &parsed.unit,
            price_won: parsed.price_won,
            min_order_qty: parsed.min_order_qty,
            stock: parsed.stock,
            lead_time_days: parsed.lead_time_days,
            status: ProductStatus::PendingReview.as_str(),
            version: 1,
            created_at: now,
            updated_at: now,
            search_name: &search_name,
            search_chosung: &search_chosung,
            search_text: &search_text,
            search_grams: &search_grams,
        })
        .returning(p::id)
        .get_result(conn)?;
    into_view(load(conn, id)?, true)
}

/// A new product row.
#[derive(Insertable)]
#[diesel(table_name = p)]
struct ProductRow<'a> {
    enterprise_id: i64,
    category_id: i64,
    name: &'a str,
    description: &'a str,
    unit: &'a str,
    price_won: i64,
    min_order_qty: i64,
    stock: i64,
    lead_time_days: i64,
    status: &'a str,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    search_name: &'a str,
    search_chosung: &'a str,
    search_text: &'a str,
    search_grams: &'a str,
}

/// What an edit changes; `None` leaves a column as it is. The name and description are
/// always written: the search columns are derived from both.
#[derive(AsChangeset)]
#[diesel(table_name = p)]
struct ProductChanges<'a> {
    category_id: Option<i64>,
    name: &'a str,
    description: &'a str,
    unit: Option<&'a str>,
    price_won: Option<i64>,
    min_order_qty: Option<i64>,
    lead_time_days: Option<i64>,
    status: &'a str,
    version: i64,
    updated_at: NaiveDateTime,
    search_name: &'a str,
    search_chosung: &'a str,
    search_text: &'a str,
    search_grams: &'a str,
}

/// Loads a product the actor's enterprise owns: 403 for others who can see it, 404 for those
/// who cannot.
fn load_owned(conn: &mut DbConn, actor: &Actor, id: i64) -> DomainResult<Joined> {
    let joined = load(conn, id)?;
    if actor.acts_for_enterprise(joined.0.enterprise_id) {
        return Ok(joined);
    }
    let public = is_public(stored(&joined.0.status)?, stored(&(joined.1).3)?);
    if public || actor.is_admin() {
        Err(DomainError::forbidden(
            "only the enterprise that lists this product may change it",
        ))
    } else {
        Err(DomainError::NotFound("product".into()))
    }
}

fn check_version(expected: Option<i64>, current: i64) -> DomainResult<()> {
    match expected {
        Some(v) if v != current => Err(DomainError::VersionConflict { current }),
        _ => Ok(()),
    }
}

/// Changes to a product; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    #[schema(minimum = 1)]
    pub category_id: Option<i64>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(min_length = 1, max_length = 20)]
    pub unit: Option<String>,
    #[schema(minimum = 1, maximum = 10_000_000_000_i64)]
    pub price_won: Option<i64>,
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub min_order_qty: Option<i64>,
    #[schema(minimum = 0, maximum = 365)]
    pub lead_time_days: Option<i64>,
}

/// Edits a product (owner only). `expected_version` comes from `If-Match`. Changing what the
/// co-op reviewed (name, description, unit, price, category) of an approved product sends it back
/// to review; editing a rejected product resubmits it.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    patch: &ProductPatch,
    expected_version: Option<i64>,
) -> DomainResult<Product> {
    let (row, ent) = load_owned(conn, actor, id)?;
    check_version(expected_version, row.version)?;
    let status: ProductStatus = stored(&row.status)?;
    if status == ProductStatus::Archived {
        return Err(DomainError::conflict(
            ErrorCode::InvalidTransition,
            "an archived product cannot be edited",
        ));
    }
    let mut errors = FieldErrors::new();
    let e = &mut errors;
    let name = patch
        .name
        .as_deref()
        .and_then(|v| e.check("name", rules::name(v)));
    let description = patch
        .description
        .as_deref()
        .and_then(|v| e.check("description", rules::description(v)));
    let unit = patch
        .unit
        .as_deref()
        .and_then(|v| e.check("unit", rules::unit(v)));
    let price = patch
        .price_won
        .and_then(|v| e.check("price_won", rules::price(v)));
    let min_order_qty = patch
        .min_order_qty
        .and_then(|v| e.check("min_order_qty", rules::min_order_qty(v)));
    let lead_time_days = patch
        .lead_time_days
        .and_then(|v| e.check("lead_time_days", rules::lead_time_days(v)));
    errors.finish(ErrorCode::ValidationFailed)?;
    if let Some(category_id) = patch.category_id {
        require_category(conn, category_id)?;
    }
    let reviewed_changed = name.as_ref().is_some_and(|v| *v != row.name)
        || description.as_ref().is_some_and(|v| *v != row.description)
        || unit.as_ref().is_some_and(|v| *v != row.unit)
        || price.is_some_and(|v| v != row.price_won)
        || patch.category_id.is_some_and(|v| v != row.category_id);
    let new_status = match status {
        ProductStatus::Approved if reviewed_changed => ProductStatus::PendingReview,
        ProductStatus::Rejected | ProductStatus::Draft => ProductStatus::PendingReview,
        other => other,
    };
    let name = name.unwrap_or(row.name);
    let description = description.unwrap_or(row.description);
    let (search_name, search_chosung, search_text, search_grams) =
        search_index::product_columns(&name, &description, &ent.0);
    let updated = diesel::update(
        p::table
            .filter(p::id.eq(id))
            .filter(p::version.eq(row.version)),
    )
    .set(&ProductChanges {
        category_id: patch.category_id,
        name: &name,
        description: &description,
        unit: unit.as_deref(),
        price_won: price,
        min_order_qty,
        lead_time_days,
        status: new_status.as_str(),
        version: row.version + 1,
        updated_at: clock::now(),
        search_name: &search_name,
        search_chosung: &search_chosung,
        search_text: &search_text,
        search_grams: &search_grams,
    })
    .execute(conn)?;
    if updated == 0 {
        // A concurrent edit won: report its version.
        let current = p::table.find(id).select(p::version).first(conn)?;
        return Err(DomainError::VersionConflict { current });
    }
    into_view(load(conn, id)?, true)
}

/// Sets the stock (owner only). Stock is not part of `version`: orders change it all the time.
pub fn set_stock(conn: &mut DbConn, actor: &Actor, id: i64, stock: i64) -> DomainResult<Product> {
    let stock = rules::stock(stock).map_err(|e| DomainError::invalid("stock", e.0))?;
    let (row, _) = load_owned(conn, actor, id)?;
    if row.status == ProductStatus::Archived.as_str() {
        return Err(DomainError::conflict(
            ErrorCode::InvalidTransition,
            "an archived product has no stock",
        ));
    }
    diesel::update(p::table.find(id))
        .set((p::stock.eq(stock), p::updated_at.eq(clock::now())))
        .execute(conn)?;
    into_view(load(conn, id)?, true)
}

/// Takes a product out of the catalog for good (owner only).
pub fn archive(conn: &mut DbConn, actor: &Actor, id: i64) -> DomainResult<()> {
    let (row, _) = load_owned(conn, actor, id)?;
    if row.status == ProductStatus::Archived.as_str() {
        return Ok(());
    }
    set_status(conn, id, row.version, ProductStatus::Archived, None)
}

fn set_status(
    conn: &mut DbConn,
    id: i64,
    version: i64,
    status: ProductStatus,
    reason: Option<&str>,
) -> DomainResult<()> {
    diesel::update(p::table.find(id))
        .set((
            p::status.eq(status.as_str()),
            p::reject_reason.eq(reason),
            p::version.eq(version + 1),
            p::updated_at.eq(clock::now()),
        ))
        .execute(conn)?;
    Ok(())
}

fn invalid_transition(from: ProductStatus, action: &str) -> DomainError {
    DomainError::conflict(
        ErrorCode::InvalidTransition,
        format!("cannot {action} a product that is {from}"),
    )
}

/// Admin: a product under review joins the catalog (once its enterprise is verified).
pub fn approve(conn: &mut DbConn, actor: &Actor, id: i64) -> DomainResult<Product> {
    actor.require_admin()?;
    let (row, _) = load(conn, id)?;
    let status: ProductStatus = stored(&row.status)?;
    if status != ProductStatus::PendingReview {
        return Err(invalid_transition(status, "approve"));
    }
    set_status(conn, id, row.version, ProductStatus::Approved, None)?;
    into_view(load(conn, id)?, true)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why, for the enterprise (1–500 characters).
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Admin: refuse a product under review, or take an approved one out of the catalog.
pub fn reject(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    req: &RejectRequest,
) -> DomainResult<Product> {
    actor.require_admin()?;
    let reason = muhan_core::text::free(&req.reason, 1, 500)
        .map_err(|e| DomainError::invalid("reason", e.0))?;
    let (row, _) = load(conn, id)?;
    let status: ProductStatus = stored(&row.status)?;
    if !matches!(
        status,
        ProductStatus::PendingReview | ProductStatus::Approved
    ) {
        return Err(invalid_transition(status, "reject"));
    }
    set_status(
        conn,
        id,
        row.version,
        ProductStatus::Rejected,
        Some(&reason),
    )?;
    into_view(load(conn, id)?, true)
}
