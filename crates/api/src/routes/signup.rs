//! Self-service signup.

use crate::error::ApiError;
use crate::json::Json;
use crate::problems;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use muhan_catalog::signup::{
    self, BuyerSignup, BuyerSignupRequest, EnterpriseSignup, EnterpriseSignupRequest,
};
use muhan_db::write_tx;

/// Sign up an enterprise and its first user — anyone
///
/// The enterprise is `pending` until an admin verifies it
/// (`POST /api/v1/enterprises/{id}/verify`); its first user is active at once and may list
/// products meanwhile (they join the catalog once approved and the enterprise verified). A
/// refused signup leaves nothing behind.
#[utoipa::path(operation_id = "signup_enterprise", tag = "auth",
    request_body = EnterpriseSignupRequest,
    responses(
        (status = 201, body = EnterpriseSignup),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::UnprocessableEntity)))]
#[post("/auth/signup/enterprise")]
pub async fn enterprise(
    state: web::Data<AppState>,
    body: Json<EnterpriseSignupRequest>,
) -> Result<HttpResponse, ApiError> {
    let (account, new) = body.into_inner().parse()?;
    // Everything that can refuse the signup, before the slow hash.
    let (account, new) = muhan_db::with_conn(&state.pool, move |c| {
        signup::check_enterprise(c, &account, &new).map(|()| (account, new))
    })
    .await?;
    let hash = state.passwords.hash(account.password.clone()).await?;
    let created = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| signup::enterprise(c, &account, &hash, &new))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Sign up as a buyer of an existing agency (pending until approved) — anyone
///
/// The account is `pending` until an admin approves it (`POST /api/v1/admin/users/{id}/approve`);
/// until then it may read `GET /api/v1/me` and the public reads only. The agency's id is in the
/// agency directory (`GET /api/v1/agencies`).
#[utoipa::path(operation_id = "signup_buyer", tag = "auth",
    request_body = BuyerSignupRequest,
    responses(
        (status = 201, body = BuyerSignup),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::UnprocessableEntity)))]
#[post("/auth/signup/buyer")]
pub async fn buyer(
    state: web::Data<AppState>,
    body: Json<BuyerSignupRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner();
    let account = req.parse()?;
    let agency_id = req.agency_id;
    // Everything that can refuse the signup, before the slow hash.
    let account = muhan_db::with_conn(&state.pool, move |c| {
        signup::check_buyer(c, &account, agency_id).map(|()| account)
    })
    .await?;
    let hash = state.passwords.hash(account.password.clone()).await?;
    let created = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| signup::buyer(c, &account, &hash, agency_id))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}
