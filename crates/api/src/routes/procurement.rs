//! Procurement requests (견적 요청), their matches, quotes and award.

use crate::auth_user::AuthUser;
use crate::download::file_response;
use crate::error::ApiError;
use crate::json::{self, Json};
use crate::pagination::{page_limit, Page, PageParams};
use crate::problems;
use crate::routes::orders::IDEMPOTENCY_KEY;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use muhan_core::clock;
use muhan_db::write_tx;
use muhan_matching::input::{AwardRequest, NewQuote, NewRequest};
use muhan_matching::model::{
    Matches, ProcurementRequest, Quote, QuoteList, RequestEventList, RequestStatus,
};
use muhan_matching::requests::RequestListParams;
use muhan_matching::{award as awards, matches, quotes, requests};
use muhan_orders::idempotency::{self, KeyedRequest};
use muhan_orders::model::Order;
use muhan_stats::export::{self, FileFormat};
use muhan_stats::report::Format;
use serde::Deserialize;

/// Open a procurement request (견적 요청) for the caller's agency — an active buyer
///
/// While it is open, enterprises find it in their list when they sell in its category, and
/// verified ones may quote until `quotes_due`.
#[utoipa::path(operation_id = "procurement_create", tag = "procurement", security(("bearer" = [])),
    request_body = NewRequest,
    responses(
        (status = 201, body = ProcurementRequest),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::UnprocessableEntity)))]
#[post("/procurement-requests")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<NewRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = user.actor();
    let parsed = body.0.parse(clock::now())?;
    let created = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| requests::create(c, &actor, &parsed))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// List the procurement requests visible to the caller, newest first — any active account
///
/// A buyer sees its agency's; an enterprise the open requests in the categories it sells in,
/// and those it quoted on; admins all.
#[utoipa::path(operation_id = "procurement_list", tag = "procurement", security(("bearer" = [])),
    params(RequestListParams),
    responses(
        (status = 200, body = Page<ProcurementRequest>),
        (status = 422, response = problems::UnprocessableEntity)))]
#[get("/procurement-requests")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<RequestListParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    let (before, limit, actor) = (page.after_id()?, page_limit(params.limit)?, user.actor());
    let (items, more) = muhan_db::with_conn(&state.pool, move |c| {
        requests::list(c, &actor, &params, before, limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::by_id(items, more, |r| r.id)))
}

/// One procurement request — its agency's buyers, enterprises while open, or an admin
///
/// An open request is a public notice every enterprise may read; an enterprise also sees the
/// requests it quoted on. Buyers of other agencies get 404.
#[utoipa::path(operation_id = "procurement_get", tag = "procurement", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ProcurementRequest), (status = 404, response = problems::NotFound)))]
#[get("/procurement-requests/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let found = muhan_db::with_conn(&state.pool, move |c| requests::get(c, &actor, id)).await?;
    Ok(HttpResponse::Ok().json(found))
}

async fn end(
    state: web::Data<AppState>,
    user: AuthUser,
    id: i64,
    to: RequestStatus,
) -> Result<HttpResponse, ApiError> {
    let actor = user.actor();
    let ended = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| requests::end(c, &actor, id, to))
    })
    .await?;
    Ok(HttpResponse::Ok().json(ended))
}

/// Cancel an open request — its agency's buyers or an admin
///
/// The request becomes `cancelled` and its live quotes `not_awarded`; 409 when it is no
/// longer open.
#[utoipa::path(operation_id = "procurement_cancel", tag = "procurement", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = ProcurementRequest),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict)))]
#[post("/procurement-requests/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    end(state, user, id.into_inner(), RequestStatus::Cancelled).await
}

/// Close an open request without an award — its agency's buyers or an admin
///
/// The request becomes `closed` and its live quotes `not_awarded`; 409 when it is no longer
/// open.
#[utoipa::path(operation_id = "procurement_close", tag = "procurement", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = ProcurementRequest),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict)))]
#[post("/procurement-requests/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    end(state, user, id.into_inner(), RequestStatus::Closed).await
}

/// The request's events, in order — its agency's buyers, an admin or an enterprise
///
/// Whoever sees the request (see `GET /api/v1/procurement-requests/{id}`); an enterprise sees
/// only its own quotes' events.
#[utoipa::path(operation_id = "procurement_events", tag = "procurement", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = RequestEventList), (status = 404, response = problems::NotFound)))]
#[get("/procurement-requests/{id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let items = muhan_db::with_conn(&state.pool, move |c| requests::events(c, &actor, id)).await?;
    Ok(HttpResponse::Ok().json(RequestEventList { items }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct MatchParams {
    /// How many candidates to list, 1–100 (default 20; larger values are capped at 100). The
    /// allocation considers every eligible candidate.
    pub limit: Option<i64>,
}

/// Rank the enterprises that can serve a request — its agency's buyers or an admin
///
/// The candidates, ranked with the breakdown of their scores, and the proposed allocation
/// (split across several enterprises when the request allows a consortium and none can
/// supply it alone). Enterprise users get 403.
#[utoipa::path(operation_id = "procurement_matches", tag = "procurement", security(("bearer" = [])),
    params(("id" = i64, Path), MatchParams),
    responses(
        (status = 200, body = Matches),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::UnprocessableEntity)))]
#[get("/procurement-requests/{id}/matches")]
pub async fn get_matches(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    params: web::Query<MatchParams>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor, limit) = (id.into_inner(), user.actor(), page_limit(params.limit)?);
    let found =
        muhan_db::with_conn(&state.pool, move |c| matches::matches(c, &actor, id, limit)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Submit a quote on an open request — a user of a verified enterprise
///
/// For the caller's enterprise: one live quote per enterprise and request (a second is 409
/// `conflict`), none after `quotes_due` (409 `quotes_closed`). A quote may name only the
/// enterprise's own approved products.
#[utoipa::path(operation_id = "quotes_submit", tag = "procurement", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = NewQuote,
    responses(
        (status = 201, body = Quote),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::UnprocessableEntity)))]
#[post("/procurement-requests/{id}/quotes")]
pub async fn submit_quote(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<NewQuote>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let parsed = body.0.parse()?;
    let quote = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| quotes::submit(c, &actor, id, &parsed))
    })
    .await?;
    Ok(HttpResponse::Created().json(quote))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuotesParams {
    /// `json` (default); `csv` or `xlsx` for the comparison sheet (buyers and admins; 409
    /// `quotes_sealed` while sealed).
    pub format: Option<Format>,
}

/// A request's quotes or the 견적 비교표 — the agency's buyers or an admin; an enterprise its own
///
/// Side by side, sorted by total, for the agency's buyers and admins (only their count while
/// sealed); an enterprise sees its own. With `format=csv|xlsx`, the comparison sheet (견적
/// 비교표): one column per quote, one row per attribute (enterprise, business registration
/// number, kind, district, unit price, quantity, total, lead time, score, status, ...);
/// enterprise users 403, sealed quotes 409 `quotes_sealed`.
#[utoipa::path(operation_id = "quotes_list", tag = "procurement", security(("bearer" = [])),
    params(("id" = i64, Path), QuotesParams),
    responses(
        (status = 200, description = "JSON, or with `format=csv|xlsx` the comparison sheet (`Content-Disposition: attachment` with its name, RFC 6266/5987)", content(
            (QuoteList = "application/json"),
            (String = "text/csv"),
            (crate::download::Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict)))]
#[get("/procurement-requests/{id}/quotes")]
pub async fn list_quotes(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    params: web::Query<QuotesParams>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let Some(format) = params.format.and_then(FileFormat::of) else {
        let found = muhan_db::with_conn(&state.pool, move |c| {
            write_tx(c, |c| quotes::list(c, &actor, id))
        })
        .await?;
        return Ok(HttpResponse::Ok().json(found));
    };
    let sheet = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| muhan_stats::quote_sheet(c, &actor, id))
    })
    .await?;
    let file =
        muhan_db::run_blocking(move || export::quotes_file(&sheet, format, clock::now())).await?;
    Ok(file_response(file))
}

/// Withdraw a live quote while quoting is open — the quoting enterprise
///
/// Only the enterprise that submitted it: other enterprises get 404, the agency's buyers and
/// admins 403.
#[utoipa::path(operation_id = "quotes_withdraw", tag = "procurement", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Quote),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict)))]
#[post("/quotes/{id}/withdraw")]
pub async fn withdraw_quote(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let quote = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| quotes::withdraw(c, &actor, id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(quote))
}

/// Award live quotes: they become one order — a buyer of the requesting agency
///
/// One or several live quotes become one order with `contract_type: "rfq"`, one fulfillment
/// per quote. Admins cannot award. Requires an `Idempotency-Key`: a retry with the same key
/// and body gets the first answer again.
#[utoipa::path(operation_id = "procurement_award", tag = "procurement", security(("bearer" = [])),
    params(("id" = i64, Path),
        ("Idempotency-Key" = String, Header, description = "1–255 printable ASCII characters, unique per award attempt")),
    request_body = AwardRequest,
    responses(
        (status = 201, body = Order),
        (status = 400, response = problems::BadRequest),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::UnprocessableEntity)))]
#[post("/procurement-requests/{id}/award")]
pub async fn award(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::parse_key(
        req.headers()
            .get(IDEMPOTENCY_KEY)
            .map(|v| v.to_str().unwrap_or("\u{1}")),
    )?;
    let (id, actor, settings) = (id.into_inner(), user.actor(), state.orders.clone());
    let value = body.into_inner();
    // The request id is part of what the key answers for.
    let fingerprint =
        idempotency::fingerprint(&serde_json::json!({ "award": id, "body": value.clone() }));
    let (status, body) = muhan_db::with_conn(&state.pool, move |c| {
        let keyed = KeyedRequest {
            user_id: actor.user_id,
            key: &key,
            fingerprint: &fingerprint,
        };
        awards::award_keyed(c, &settings, &actor, id, &keyed, || {
            json::from_value::<AwardRequest>(value)?.parse()
        })
    })
    .await?;
    Ok(
        HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
            .content_type("application/json")
            .body(body),
    )
}
