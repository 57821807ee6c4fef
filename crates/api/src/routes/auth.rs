//! Login, token refresh, logout and the caller's own account.

use crate::auth_user::SignedInUser;
use crate::error::ApiError;
use crate::json::Json;
use crate::problems;
use crate::state::AppState;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use muhan_auth::{users, Session, User};
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "buyer@daegu.go.kr")]
    pub email: String,
    pub password: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The client address login throttling counts against.
fn client_address(req: &HttpRequest, state: &AppState) -> Option<String> {
    if state.trust_proxy_headers {
        req.connection_info()
            .realip_remote_addr()
            .map(str::to_owned)
    } else {
        req.peer_addr().map(|a| a.ip().to_string())
    }
}

/// Log in: exchange e-mail and password for an access and a refresh token — anyone
///
/// Unknown e-mail and wrong password get the same 401. Repeated failures for one e-mail or
/// one client address are answered 429 with `Retry-After` (an attempt counts from its start,
/// so simultaneous ones cannot exceed the limit). When too many passwords are being checked
/// at once, 503 with `Retry-After`.
#[utoipa::path(operation_id = "auth_login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = Session),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::UnprocessableEntity),
        (status = 429, response = problems::TooManyRequests)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    let client = client_address(&req, &state);
    let session = muhan_auth::login(
        &state.pool,
        &state.passwords,
        &state.jwt,
        &state.login,
        email,
        password,
        client,
    )
    .await?;
    Ok(HttpResponse::Ok().json(session))
}

/// Rotate a refresh token for a new token pair — anyone holding a refresh token
///
/// The presented token stops working and a new pair is returned. Presenting an
/// already-rotated token revokes every token of that login. The access token is not read.
#[utoipa::path(operation_id = "auth_refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, body = Session),
        (status = 401, response = problems::Unauthorized)))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let token = body.into_inner().refresh_token;
    let st = state.clone();
    let session = muhan_db::with_conn(&state.pool, move |c| {
        muhan_auth::refresh(c, &st.jwt, &st.login, &token)
    })
    .await?;
    Ok(HttpResponse::Ok().json(session))
}

/// Log out: end the login a refresh token belongs to — anyone holding a refresh token
///
/// Every token of the refresh token's family is revoked. 204 whether or not the token was
/// known; the access token is not read.
#[utoipa::path(operation_id = "auth_logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "logged out")))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let token = body.into_inner().refresh_token;
    muhan_db::with_conn(&state.pool, move |c| muhan_auth::login::logout(c, &token)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own account — any signed-in account, pending ones too
///
/// Role, status and the enterprise or agency the account acts for. The one non-public read an
/// account that is not approved yet may make; a suspended account's token is refused (401).
#[utoipa::path(operation_id = "auth_me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = User)))]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    SignedInUser(user): SignedInUser,
) -> Result<HttpResponse, ApiError> {
    let me = muhan_db::with_conn(&state.pool, move |c| users::get(c, user.user_id)).await?;
    Ok(HttpResponse::Ok().json(me))
}
