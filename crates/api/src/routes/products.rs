//! Products and the catalog.

use crate::auth_user::{AuthUser, MaybeAuthUser};
use crate::error::ApiError;
use crate::if_match::IfMatch;
use crate::json::Json;
use crate::pagination::{page_limit, Page};
use crate::problems;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use muhan_catalog::catalog::{self, CatalogParams};
use muhan_catalog::products::{self, Product, ProductInput, ProductPatch, RejectRequest};
use muhan_db::write_tx;
use serde::Deserialize;

fn with_etag(status: actix_web::http::StatusCode, product: &Product) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, format!("\"{}\"", product.version)))
        .json(product)
}

/// Search the catalog: approved products of verified enterprises — anyone
///
/// `q` searches name, description and enterprise name; the other parameters filter and sort.
/// With `status=`, admins (and an enterprise's own users, with `enterprise_id` of their
/// enterprise) list the products of that status instead of the public catalog.
#[utoipa::path(operation_id = "products_list", tag = "catalog", security((), ("bearer" = [])), params(CatalogParams),
    responses((status = 200, body = Page<Product>), (status = 422, response = problems::UnprocessableEntity)))]
#[get("/products")]
pub async fn list(
    state: web::Data<AppState>,
    caller: MaybeAuthUser,
    params: web::Query<CatalogParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let limit = page_limit(params.limit)?;
    let actor = caller.actor();
    let (items, next_cursor) = muhan_db::with_conn(&state.pool, move |c| {
        catalog::list(c, actor.as_ref(), &params, limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

/// One product — anyone if public, else its enterprise's users or an admin
///
/// A public product is an approved one of a verified enterprise; any other is visible only to
/// its enterprise's users and admins (404 for others). The `ETag` is its version, for
/// `If-Match` on edits.
#[utoipa::path(operation_id = "products_get", tag = "catalog", security((), ("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Product), (status = 404, response = problems::NotFound)))]
#[get("/products/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: MaybeAuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), caller.actor());
    let product =
        muhan_db::with_conn(&state.pool, move |c| products::get(c, actor.as_ref(), id)).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &product))
}

/// List a new product for review — an enterprise user
///
/// For the caller's own enterprise; it starts `pending_review` until an admin approves it. A
/// suspended enterprise cannot list products (403 `enterprise_suspended`).
#[utoipa::path(operation_id = "products_create", tag = "catalog", security(("bearer" = [])), request_body = ProductInput,
    responses(
        (status = 201, body = Product),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::UnprocessableEntity)))]
#[post("/products")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<ProductInput>,
) -> Result<HttpResponse, ApiError> {
    let (input, actor) = (body.into_inner(), user.actor());
    let product = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| products::create(c, &actor, &input))
    })
    .await?;
    Ok(with_etag(actix_web::http::StatusCode::CREATED, &product))
}

/// Edit a product — its enterprise's users
///
/// Send `If-Match: "<version>"` to refuse stale edits (412). Changing name, description, price
/// or category of an approved product sends it back to review. Other callers get 403 for a
/// public product and 404 for one they cannot see.
#[utoipa::path(operation_id = "products_update", tag = "catalog", security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "expected version, e.g. \"3\"")),
    request_body = ProductPatch,
    responses(
        (status = 200, body = Product),
        (status = 400, response = problems::BadRequest),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 412, response = problems::PreconditionFailed),
        (status = 422, response = problems::UnprocessableEntity)))]
#[patch("/products/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    if_match: IfMatch,
    id: web::Path<i64>,
    body: Json<ProductPatch>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match.version();
    let (id, patch, actor) = (id.into_inner(), body.into_inner(), user.actor());
    let product = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| products::update(c, &actor, id, &patch, expected))
    })
    .await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &product))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockRequest {
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub stock: i64,
}

/// Set a product's stock — its enterprise's users
///
/// Replaces the count; orders take from it and cancellations and refusals put it back. The
/// stock is not part of the product's version. An archived product has no stock (409).
#[utoipa::path(operation_id = "products_set_stock", tag = "catalog", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = StockRequest,
    responses((status = 200, body = Product), (status = 403, response = problems::Forbidden), (status = 404, response = problems::NotFound), (status = 409, response = problems::Conflict), (status = 422, response = problems::UnprocessableEntity)))]
#[put("/products/{id}/stock")]
pub async fn set_stock(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<StockRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, stock, actor) = (id.into_inner(), body.into_inner().stock, user.actor());
    let product = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| products::set_stock(c, &actor, id, stock))
    })
    .await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &product))
}

/// Archive a product: it leaves the catalog for good — its enterprise's users
///
/// 204, also when it was archived already.
#[utoipa::path(operation_id = "products_archive", tag = "catalog", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204, description = "archived"), (status = 403, response = problems::Forbidden), (status = 404, response = problems::NotFound)))]
#[delete("/products/{id}")]
pub async fn archive(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| products::archive(c, &actor, id))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Approve a product under review — an admin
///
/// `pending_review` → `approved`: it is in the catalog while its enterprise is verified;
/// any other status is 409.
#[utoipa::path(operation_id = "products_approve", tag = "catalog", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Product), (status = 403, response = problems::Forbidden), (status = 404, response = problems::NotFound), (status = 409, response = problems::Conflict)))]
#[post("/products/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let product = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| products::approve(c, &actor, id))
    })
    .await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &product))
}

/// Reject a product under review, or withdraw an approved one — an admin
///
/// `pending_review` or `approved` → `rejected`, with a `reason` for the enterprise (1–500
/// characters); any other status is 409.
#[utoipa::path(operation_id = "products_reject", tag = "catalog", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = RejectRequest,
    responses((status = 200, body = Product), (status = 403, response = problems::Forbidden), (status = 404, response = problems::NotFound), (status = 409, response = problems::Conflict)))]
#[post("/products/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<RejectRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, req, actor) = (id.into_inner(), body.into_inner(), user.actor());
    let product = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| products::reject(c, &actor, id, &req))
    })
    .await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &product))
}
