//! Agencies and their purchase plans.

use crate::auth_user::{AuthUser, MaybeAuthUser};
use crate::error::ApiError;
use crate::json::Json;
use crate::pagination::{page_limit, Page};
use crate::problems;
use crate::state::AppState;
use actix_web::{get, patch, post, put, web, HttpResponse};
use muhan_catalog::agencies::{
    self, Agency, AgencyInput, AgencyPatch, AgencyQuery, PurchasePlan, PurchasePlanInput,
};
use muhan_db::write_tx;
use serde::Serialize;

/// Create an agency in the directory — an admin
///
/// Its buyers then sign up with its id (`POST /api/v1/auth/signup/buyer`).
#[utoipa::path(operation_id = "agencies_create", tag = "agencies", security(("bearer" = [])),
    request_body = AgencyInput,
    responses((status = 201, body = Agency), (status = 403, response = problems::Forbidden), (status = 422, response = problems::UnprocessableEntity)))]
#[post("/agencies")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<AgencyInput>,
) -> Result<HttpResponse, ApiError> {
    let (input, actor) = (body.into_inner(), user.actor());
    let created = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| agencies::create(c, &actor, &input))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// The agency directory, searchable by name — anyone
///
/// Anyone may read it, so a buyer finds its agency's id before signing up: names, kinds,
/// districts and parents, nothing private. `q` matches names like the catalog does (one or
/// two syllables anywhere in a word, or 초성), best matches first; without `q`, in id order.
#[utoipa::path(operation_id = "agencies_list", tag = "agencies", security((), ("bearer" = [])), params(AgencyQuery),
    responses((status = 200, body = Page<Agency>), (status = 422, response = problems::UnprocessableEntity)))]
#[get("/agencies")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: MaybeAuthUser,
    params: web::Query<AgencyQuery>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let limit = page_limit(params.limit)?;
    let (items, next_cursor) =
        muhan_db::with_conn(&state.pool, move |c| agencies::list(c, &params, limit)).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

/// One agency of the directory — anyone
///
/// The same public fields as the directory: name, kind, district and parent.
#[utoipa::path(operation_id = "agencies_get", tag = "agencies", security((), ("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Agency), (status = 404, response = problems::NotFound)))]
#[get("/agencies/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: MaybeAuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = muhan_db::with_conn(&state.pool, move |c| agencies::get(c, id)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Edit an agency — an admin
///
/// Absent fields stay as they are.
#[utoipa::path(operation_id = "agencies_update", tag = "agencies", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = AgencyPatch,
    responses((status = 200, body = Agency), (status = 403, response = problems::Forbidden), (status = 404, response = problems::NotFound)))]
#[patch("/agencies/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<AgencyPatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, patch, actor) = (id.into_inner(), body.into_inner(), user.actor());
    let updated = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| agencies::update(c, &actor, id, &patch))
    })
    .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Set the agency's purchase plan for a year — its buyers or an admin
///
/// Creates or replaces the plan of `year`; the priority-purchase report
/// (`GET /api/v1/stats/priority-purchase`) measures the agency against it. Buyers of other
/// agencies and enterprise users get 403.
#[utoipa::path(operation_id = "agencies_put_plan", tag = "agencies", security(("bearer" = [])),
    params(("id" = i64, Path), ("year" = i64, Path, minimum = 2000, maximum = 2100)), request_body = PurchasePlanInput,
    responses((status = 200, body = PurchasePlan), (status = 403, response = problems::Forbidden), (status = 404, response = problems::NotFound), (status = 422, response = problems::UnprocessableEntity)))]
#[put("/agencies/{id}/purchase-plans/{year}")]
pub async fn put_plan(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
    body: Json<PurchasePlanInput>,
) -> Result<HttpResponse, ApiError> {
    let ((id, year), input, actor) = (path.into_inner(), body.into_inner(), user.actor());
    let plan = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| agencies::put_plan(c, &actor, id, year, &input))
    })
    .await?;
    Ok(HttpResponse::Ok().json(plan))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PlanList {
    pub items: Vec<PurchasePlan>,
}

/// The agency's purchase plans by year — its buyers or an admin
///
/// Buyers of other agencies and enterprise users get 403.
#[utoipa::path(operation_id = "agencies_plans", tag = "agencies", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = PlanList), (status = 403, response = problems::Forbidden), (status = 404, response = problems::NotFound)))]
#[get("/agencies/{id}/purchase-plans")]
pub async fn plans(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let items = muhan_db::with_conn(&state.pool, move |c| agencies::plans(c, &actor, id)).await?;
    Ok(HttpResponse::Ok().json(PlanList { items }))
}
