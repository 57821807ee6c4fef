//! Self-service signup.

use crate::error::ApiError;
use crate::json::Json;
use crate::problems;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use muhan_auth::password;
use muhan_catalog::signup::{
    self, Account, BuyerSignup, BuyerSignupRequest, EnterpriseSignup, EnterpriseSignupRequest,
};
use muhan_db::write_tx;

/// Hashes the new password on the blocking pool, before any connection or transaction is
/// taken: argon2 is slow by design.
async fn hash_password(account: Account) -> Result<(Account, String), ApiError> {
    Ok(muhan_db::run_blocking(move || {
        let hash = password::hash(&account.password)?;
        Ok((account, hash))
    })
    .await?)
}

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
    let (account, hash) = hash_password(account).await?;
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
    let (account, hash) = hash_password(req.parse()?).await?;
    let agency_id = req.agency_id;
    let created = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| signup::buyer(c, &account, &hash, agency_id))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}
