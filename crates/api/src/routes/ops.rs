//! Liveness and readiness.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Status {
    /// `ok`
    pub status: &'static str,
}

/// Liveness: the process is alive — anyone
///
/// Always 200 `{"status": "ok"}` while the process runs; the database is not asked (see
/// `GET /ready`).
#[utoipa::path(operation_id = "ops_health", tag = "ops", responses((status = 200, body = Status)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Status { status: "ok" })
}

/// Readiness: the database answers — anyone
///
/// 200 when a database connection answers, else 503 `service_unavailable`.
#[utoipa::path(operation_id = "ops_ready", tag = "ops", responses(
    (status = 200, body = Status)))]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    muhan_db::with_conn(&state.pool, muhan_db::ping).await?;
    Ok(HttpResponse::Ok().json(Status { status: "ok" }))
}
