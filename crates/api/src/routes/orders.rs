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

/// Place an order over products of one or more enterprises — an active buyer
///
/// For the caller's agency; the lines are split into one fulfillment per enterprise. Requires
/// an `Idempotency-Key`: a retry with the same key and body gets the first answer again.
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

/// List the orders visible to the caller, newest first — any active account
///
/// Buyers see their agency's orders, enterprise users the orders with a fulfillment of their
/// enterprise, admins all.
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

/// One order — its agency's buyers, its enterprises or an admin
///
/// The agency's buyers and admins see all of it, an enterprise only its own part; others get
/// 404.
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

/// The order's transitions, in order — its agency's buyers, its enterprises or an admin
///
/// Every fulfillment's transitions for the agency's buyers and admins; an enterprise sees only
/// those of its own fulfillment.
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

/// Cancel an order — a buyer of the ordering agency or an admin
///
/// Cancels every fulfillment that is still `placed` or `accepted` and restores its stock; 409
/// when none can be cancelled any more.
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
    ($name:ident, $route:literal, $op:literal, $action:expr, $summary:literal, $description:literal) => {
        #[doc = $summary]
        #[utoipa::path(operation_id = $op, tag = "orders",
                    security(("bearer" = [])), params(("id" = i64, Path)), description = $description,
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
    "Accept an order (placed → accepted) — the fulfilling enterprise",
    "The enterprise takes on its part of the order; next it ships. Until it ships, the buyer may still cancel."
);
action_endpoint!(
    ship,
    "/fulfillments/{id}/ship",
    "fulfillments_ship",
    Action::Ship,
    "Ship (accepted or returned → shipped) — the fulfilling enterprise",
    "Also after a failed inspection (`returned`): the enterprise ships again."
);
action_endpoint!(
    deliver,
    "/fulfillments/{id}/deliver",
    "fulfillments_deliver",
    Action::Deliver,
    "Mark delivered (shipped → delivered) — the fulfilling enterprise",
    "Starts the inspection period: `inspection_due` is 14 days after delivery; `GET /api/v1/fulfillments?overdue=inspection` lists the deliveries not inspected in time."
);
action_endpoint!(
    claim_payment,
    "/fulfillments/{id}/claim-payment",
    "fulfillments_claim_payment",
    Action::ClaimPayment,
    "Claim payment (inspected → payment_claimed) — the fulfilling enterprise",
    "Payment is due 5 days after the claim (`payment_due`); `GET /api/v1/fulfillments?overdue=payment` lists the claims not paid in time."
);
action_endpoint!(
    mark_paid,
    "/fulfillments/{id}/mark-paid",
    "fulfillments_mark_paid",
    Action::MarkPaid,
    "Mark paid (payment_claimed → paid) — a buyer of the ordering agency or an admin",
    "The agency has paid the claimed amount; next the co-op settles with the enterprise."
);
action_endpoint!(
    settle,
    "/fulfillments/{id}/settle",
    "fulfillments_settle",
    Action::Settle,
    "Settle (paid → settled): the co-op pays the enterprise — an admin",
    "The co-op pays the enterprise its subtotal minus the commission (`settlement_won`); settled fulfillments make up `GET /api/v1/settlements`."
);

/// Refuse an order (placed → rejected) — the fulfilling enterprise
///
/// A `reason` (1–500 characters) is required and kept with the fulfillment; its stock is
/// restored.
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

/// Inspect a delivery (검수): pass or return — a buyer of the ordering agency
///
/// `passed: true`: delivered → `inspected`, and the enterprise may claim payment;
/// `passed: false`: delivered → `returned`, and the enterprise ships again. An optional `note`
/// (up to 1000 characters) is kept with the transition. Admins cannot inspect.
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

/// List the fulfillments visible to the caller, with overdue filters — any active account
///
/// Buyers see their agency's, enterprise users their enterprise's, admins all.
/// `overdue=inspection` finds deliveries past `inspection_due`, `overdue=payment` payment
/// claims past `payment_due`.
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

/// What the co-op paid each enterprise, per enterprise and period — an admin
///
/// The settled fulfillments, each with what the co-op paid (`settlement_won`), and their
/// totals; optionally for one `enterprise_id` and settled between `from` and `to`.
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
