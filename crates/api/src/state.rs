//! Shared, read-only state of one server instance. Nothing here is shared between instances:
//! everything that must be (tokens, throttling, idempotency) lives in the database.

use muhan_auth::{JwtKeys, LoginSettings, PasswordGate};
use muhan_db::{BatchQueue, DbPool};
use muhan_orders::batch::{OrderAnswer, OrderJob};
use muhan_orders::OrderSettings;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub jwt: JwtKeys,
    pub login: LoginSettings,
    pub orders: OrderSettings,
    /// Where order placements queue for the order writers (`muhan_orders::batch`).
    pub order_queue: BatchQueue<OrderJob, OrderAnswer>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Take the client address from `Forwarded`/`X-Forwarded-For` (only behind a trusted
    /// reverse proxy; otherwise clients could forge it to dodge login throttling).
    pub trust_proxy_headers: bool,
    /// The bound on argon2 work (hashing and checking passwords) of this instance.
    pub passwords: PasswordGate,
    /// What the OCDS export publishes about its publisher (`GET /api/v1/ocds/releases`).
    pub ocds: muhan_stats::ocds::OcdsSettings,
}
