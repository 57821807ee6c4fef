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

/// Register an enterprise and its first user. The enterprise is `pending` until an admin
/// verifies it; a refused signup leaves nothing behind.
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

/// Register a buyer of an existing agency; `pending` until an admin approves.
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
