//! Orders (direct catalog purchase), the fulfillment lifecycle and settlements.

use crate::auth_user::AuthUser;
use crate::error::ApiError;
use crate::json::{self, Json};
use crate::pagination::{page_limit, Page, PageParams};
use crate::problems;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use muhan_core::clock;
use muhan_db::write_tx;
use muhan_orders::batch::OrderJob;
use muhan_orders::idempotency;
use muhan_orders::lifecycle::{self, InspectRequest, ReasonRequest};
use muhan_orders::model::{Event, Fulfillment, Order};
use muhan_orders::queries::{
    self, FulfillmentListParams, OrderListParams, SettlementParams, SettlementReport,
};
use muhan_orders::request::OrderRequest;
use muhan_orders::status::Action;
use muhan_orders::view;
use serde::Serialize;

pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Place an order over products of one or more enterprises (active buyers). Requires an
/// `Idempotency-Key`: a retry with the same key and body gets the first answer again.
#[utoipa::path(operation_id = "orders_place", tag = "orders", security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "1–255 printable ASCII characters, unique per order attempt")),
    request_body = OrderRequest,
    responses(
        (status = 201, body = Order),
        (status = 400, response = problems::BadRequest),
        (status = 403, response = problems::Forbidden),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::UnprocessableEntity)))]
#[post("/orders")]
pub async fn place(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::parse_key(
        req.headers()
            .get(IDEMPOTENCY_KEY)
            .map(|v| v.to_str().unwrap_or("\u{1}")),
    )?;
    let value = body.into_inner();
    let fingerprint = idempotency::fingerprint(&value);
    let job = OrderJob {
        actor: user.actor(),
        key,
        fingerprint,
        parse: Box::new(move || {
            json::from_value::<OrderRequest>(value)?.parse(clock::now().date())
        }),
    };
    let (status, body) = state.order_queue.submit(job).await?;
    Ok(
        HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
            .content_type("application/json")
            .body(body),
    )
}

/// Orders visible to the caller, newest first.
#[utoipa::path(operation_id = "orders_list", tag = "orders", security(("bearer" = [])),
    params(OrderListParams),
    responses((status = 200, body = Page<Order>), (status = 422, response = problems::UnprocessableEntity)))]
#[get("/orders")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<OrderListParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    let (before, limit, actor) = (page.after_id()?, page_limit(params.limit)?, user.actor());
    let (items, more) = muhan_db::with_conn(&state.pool, move |c| {
        queries::orders(c, &actor, &params, before, limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::by_id(items, more, |o| o.id)))
}

/// One order: the agency's buyers and admins see all of it, an enterprise only its own part.
#[utoipa::path(operation_id = "orders_get", tag = "orders", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Order), (status = 404, response = problems::NotFound)))]
#[get("/orders/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let order = muhan_db::with_conn(&state.pool, move |c| view::order(c, &actor, id)).await?;
    Ok(HttpResponse::Ok().json(order))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EventList {
    pub items: Vec<Event>,
}

/// Every transition of the order, in order.
#[utoipa::path(operation_id = "orders_events", tag = "orders", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = EventList), (status = 404, response = problems::NotFound)))]
#[get("/orders/{id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let items = muhan_db::with_conn(&state.pool, move |c| view::events(c, &actor, id)).await?;
    Ok(HttpResponse::Ok().json(EventList { items }))
}

/// Cancel what is still `placed` or `accepted` and restore its stock (buyer or admin).
#[utoipa::path(operation_id = "orders_cancel", tag = "orders", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Order),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict)))]
#[post("/orders/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let order = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| {
            lifecycle::cancel_order(c, &actor, id)?;
            view::order(c, &actor, id)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(order))
}

async fn act(
    state: web::Data<AppState>,
    user: AuthUser,
    id: i64,
    action: Action,
    note: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let (actor, settings) = (user.actor(), state.orders.clone());
    let updated = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| {
            lifecycle::act(c, &settings, &actor, id, action, note.as_deref())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(updated))
}

macro_rules! action_endpoint {
    ($name:ident, $route:literal, $op:literal, $action:expr, $doc:literal, $who:literal) => {
        #[doc = $doc]
        #[utoipa::path(operation_id = $op, tag = "orders",
                    security(("bearer" = [])), params(("id" = i64, Path)), description = $who,
                    responses(
                        (status = 200, body = Fulfillment),
                        (status = 403, response = problems::Forbidden),
                        (status = 404, response = problems::NotFound),
                        (status = 409, response = problems::Conflict)))]
        #[post($route)]
        pub async fn $name(
            state: web::Data<AppState>,
            user: AuthUser,
            id: web::Path<i64>,
        ) -> Result<HttpResponse, ApiError> {
            act(state, user, id.into_inner(), $action, None).await
        }
    };
}

action_endpoint!(
    accept,
    "/fulfillments/{id}/accept",
    "fulfillments_accept",
    Action::Accept,
    "Accept the order (placed → accepted).",
    "The fulfilling enterprise."
);
action_endpoint!(
    ship,
    "/fulfillments/{id}/ship",
    "fulfillments_ship",
    Action::Ship,
    "Ship (accepted or returned → shipped).",
    "The fulfilling enterprise."
);
action_endpoint!(
    deliver,
    "/fulfillments/{id}/deliver",
    "fulfillments_deliver",
    Action::Deliver,
    "Delivered (shipped → delivered); inspection is due in 14 days.",
    "The fulfilling enterprise."
);
action_endpoint!(
    claim_payment,
    "/fulfillments/{id}/claim-payment",
    "fulfillments_claim_payment",
    Action::ClaimPayment,
    "Claim payment (inspected → payment_claimed); payment is due in 5 days.",
    "The fulfilling enterprise."
);
action_endpoint!(
    mark_paid,
    "/fulfillments/{id}/mark-paid",
    "fulfillments_mark_paid",
    Action::MarkPaid,
    "Paid (payment_claimed → paid).",
    "A buyer of the ordering agency, or an admin."
);
action_endpoint!(
    settle,
    "/fulfillments/{id}/settle",
    "fulfillments_settle",
    Action::Settle,
    "Settle: the co-op pays the enterprise subtotal − commission (paid → settled).",
    "An admin."
);

/// Refuse the order (placed → rejected); its stock is restored.
#[utoipa::path(operation_id = "fulfillments_reject", tag = "orders",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = ReasonRequest,
    responses(
        (status = 200, body = Fulfillment),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict)))]
#[post("/fulfillments/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    act(
        state,
        user,
        id.into_inner(),
        Action::Reject,
        Some(body.into_inner().reason),
    )
    .await
}

/// 검수: passed → inspected; failed → returned (the enterprise ships again).
#[utoipa::path(operation_id = "fulfillments_inspect", tag = "orders",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = InspectRequest,
    responses(
        (status = 200, body = Fulfillment),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict)))]
#[post("/fulfillments/{id}/inspect")]
pub async fn inspect(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: Json<InspectRequest>,
) -> Result<HttpResponse, ApiError> {
    let InspectRequest { passed, note } = body.into_inner();
    let action = if passed {
        Action::InspectPass
    } else {
        Action::InspectFail
    };
    act(state, user, id.into_inner(), action, note).await
}

/// Fulfillments visible to the caller; `overdue=inspection|payment` finds missed deadlines.
#[utoipa::path(operation_id = "fulfillments_list", tag = "orders", security(("bearer" = [])),
    params(FulfillmentListParams),
    responses((status = 200, body = Page<Fulfillment>), (status = 422, response = problems::UnprocessableEntity)))]
#[get("/fulfillments")]
pub async fn list_fulfillments(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<FulfillmentListParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    let (after, limit, actor) = (page.after_id()?, page_limit(params.limit)?, user.actor());
    let (items, more) = muhan_db::with_conn(&state.pool, move |c| {
        queries::fulfillments(c, &actor, &params, after, limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::by_id(items, more, |f| f.id)))
}

/// What the co-op paid each enterprise, per enterprise and period (admin).
#[utoipa::path(operation_id = "settlements_list", tag = "orders", security(("bearer" = [])),
    params(SettlementParams),
    responses((status = 200, body = SettlementReport), (status = 403, response = problems::Forbidden)))]
#[get("/settlements")]
pub async fn settlements(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<SettlementParams>,
) -> Result<HttpResponse, ApiError> {
    let (params, actor) = (params.into_inner(), user.actor());
    let report = muhan_db::with_conn(&state.pool, move |c| {
        queries::settlements(c, &actor, &params)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}
