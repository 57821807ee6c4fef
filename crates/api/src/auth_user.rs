//! Who is calling. The token is checked without blocking; the user's role and status are then
//! re-read, so an approval or a suspension takes effect at the next request.
//!
//! The account-status rule lives here, where every request passes: a suspended account is
//! refused (401); an account that is not `active` yet (a buyer awaiting approval) may read its
//! own account (`SignedInUser`, for `GET /me`) and nothing else — `AuthUser` refuses it with
//! 403 `account_not_active`, and on public reads (`MaybeAuthUser`) it counts as anonymous.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use muhan_auth::users::principal;
use muhan_auth::TokenError;
use muhan_core::ErrorCode;
use muhan_core::{Actor, DomainError, UserStatus};

/// An authenticated caller whose account is `active`. Derefs to the domain `Actor` (role,
/// status, enterprise, agency) for permission checks.
#[derive(Debug, Clone)]
pub struct AuthUser(pub Actor);

impl std::ops::Deref for AuthUser {
    type Target = Actor;

    fn deref(&self) -> &Actor {
        &self.0
    }
}

impl AuthUser {
    /// The caller as domain services take it.
    pub fn actor(&self) -> Actor {
        self.0.clone()
    }
}

fn unauthorized(detail: &str) -> ApiError {
    DomainError::unauthorized(detail).into()
}

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| unauthorized("missing Authorization: Bearer token"))?
        .to_str()
        .map_err(|_| unauthorized("malformed Authorization header"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| unauthorized("malformed Authorization header"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(unauthorized("expected Authorization: Bearer <token>"));
    }
    Ok(token.trim().to_owned())
}

/// A caller with a valid token whose account is not suspended, whatever its approval status:
/// only for the caller's own account (`GET /me`).
#[derive(Debug, Clone)]
pub struct SignedInUser(pub Actor);

/// The verified caller behind the request's bearer token, not suspended.
async fn signed_in(
    state: Option<web::Data<AppState>>,
    token: Result<String, ApiError>,
) -> Result<Actor, ApiError> {
    let state = state.ok_or_else(|| ApiError::from(DomainError::internal("AppState missing")))?;
    let claims = state.jwt.verify(&token?).map_err(|e| match e {
        TokenError::Expired => ApiError::from(DomainError::Unauthorized {
            code: ErrorCode::TokenExpired,
            detail: "the access token has expired; refresh it".into(),
        }),
        TokenError::Invalid => unauthorized("the access token is not valid"),
    })?;
    let id = claims
        .user_id()
        .ok_or_else(|| unauthorized("the access token is not valid"))?;
    let found = muhan_db::with_conn(&state.pool, move |c| principal(c, id)).await?;
    match found {
        Some(actor) if actor.status != UserStatus::Suspended => Ok(actor),
        _ => Err(unauthorized("this account cannot be used")),
    }
}

impl FromRequest for SignedInUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move { signed_in(state, token).await.map(SignedInUser) })
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let actor = signed_in(state, token).await?;
            actor.require_active()?;
            Ok(AuthUser(actor))
        })
    }
}

/// For public reads: the caller when a bearer token is sent (it must then be valid), else
/// nobody. An account that is not active yet reads as anonymous.
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl MaybeAuthUser {
    pub fn actor(&self) -> Option<Actor> {
        self.0.as_ref().map(AuthUser::actor)
    }
}

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if !req.headers().contains_key(header::AUTHORIZATION) {
            return Box::pin(async { Ok(MaybeAuthUser(None)) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let actor = signed_in(state, token).await?;
            let active = actor.require_active().is_ok();
            Ok(MaybeAuthUser(active.then_some(AuthUser(actor))))
        })
    }
}
