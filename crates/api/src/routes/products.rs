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

/// The public catalog: approved products of verified enterprises.
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

/// One product: public ones for anyone, any status for its enterprise's users and admins.
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

/// List a product for the caller's enterprise; it starts `pending_review`.
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

/// Edit a product (its enterprise). Send `If-Match: "<version>"` to refuse stale edits (412).
/// Changing name, description, price or category of an approved product sends it back to review.
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

/// Set the stock (its enterprise).
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

/// Archive a product (its enterprise): it leaves the catalog for good.
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

/// Approve a product under review (admin).
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

/// Reject a product under review, or withdraw an approved one (admin).
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
