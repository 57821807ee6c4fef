//! The enterprise directory and enterprise administration.

use crate::auth_user::{AuthUser, MaybeAuthUser};
use crate::error::ApiError;
use crate::json::Json;
use crate::pagination::{page_limit, Page};
use crate::problems;
use crate::state::AppState;
use actix_web::{get, patch, post, web, HttpResponse};
use muhan_catalog::enterprises::{self, DirectoryParams, Enterprise, EnterprisePatch};
use muhan_db::write_tx;

/// The enterprise directory — anyone (verified enterprises; admins see every status)
///
/// Everyone sees the verified enterprises; admins see any status and may filter with
/// `status=`.
#[utoipa::path(operation_id = "enterprises_list", tag = "enterprises", security((), ("bearer" = [])), params(DirectoryParams),
    responses((status = 200, body = Page<Enterprise>), (status = 422, response = problems::UnprocessableEntity)))]
#[get("/enterprises")]
pub async fn list(
    state: web::Data<AppState>,
    caller: MaybeAuthUser,
    params: web::Query<DirectoryParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let limit = page_limit(params.limit)?;
    let actor = caller.actor();
    let (items, next_cursor) = muhan_db::with_conn(&state.pool, move |c| {
        enterprises::list(c, actor.as_ref(), &params, limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

/// One enterprise — anyone if verified, else its own users or an admin
///
/// A verified enterprise is public; a pending or suspended one is visible only to its own
/// users and admins (404 for others).
#[utoipa::path(operation_id = "enterprises_get", tag = "enterprises", security((), ("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Enterprise), (status = 404, response = problems::NotFound)))]
#[get("/enterprises/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: MaybeAuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor();
    let found = muhan_db::with_conn(&state.pool, move |c| {
        enterprises::get(c, actor.as_ref(), id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Edit an enterprise — its own users or an admin
///
/// Only admins change `kind`. Other callers get 403 for a verified enterprise and 404 for one
/// they cannot see.
#[utoipa::path(operation_id = "enterprises_update", tag = "enterprises", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EnterprisePatch,
    responses(
        (status = 200, body = Enterprise),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::UnprocessableEntity)))]
#[patch("/enterprises/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<EnterprisePatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, patch, actor) = (id.into_inner(), body.into_inner(), user.actor());
    let updated = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| enterprises::update(c, &actor, id, &patch))
    })
    .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Verify an enterprise: its approved products join the catalog — an admin
///
/// The enterprise becomes `verified` (a member of the co-op), a suspended one too;
/// `verified_at` keeps the first verification.
#[utoipa::path(operation_id = "enterprises_verify", tag = "enterprises", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Enterprise), (status = 403, response = problems::Forbidden), (status = 404, response = problems::NotFound)))]
#[post("/enterprises/{id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let done = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| enterprises::verify(c, &actor, id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(done))
}

/// Suspend an enterprise: its products leave the catalog — an admin
///
/// Its products leave the catalog and cannot be ordered, and it cannot list new ones; its
/// users can still log in and see their data.
#[utoipa::path(operation_id = "enterprises_suspend", tag = "enterprises", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Enterprise), (status = 403, response = problems::Forbidden), (status = 404, response = problems::NotFound)))]
#[post("/enterprises/{id}/suspend")]
pub async fn suspend(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let done = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| enterprises::suspend(c, &actor, id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(done))
}
