//! `AuthUser`: the verified caller of a request. The token is checked without blocking; the
//! user's role and status are then re-read, so a suspension takes effect at the next request.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use muhan_auth::users::principal;
use muhan_auth::TokenError;
use muhan_core::{Actor, DomainError, UserStatus};

/// An authenticated caller: a bearer token that verifies and a user who is not suspended.
/// Derefs to the domain `Actor` (role, status, enterprise, agency) for permission checks.
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

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::from(DomainError::internal("AppState missing")))?;
            let claims = state.jwt.verify(&token?).map_err(|e| match e {
                TokenError::Expired => ApiError::from(DomainError::Unauthorized {
                    code: "token_expired",
                    detail: "the access token has expired; refresh it".into(),
                }),
                TokenError::Invalid => unauthorized("the access token is not valid"),
            })?;
            let id = claims
                .user_id()
                .ok_or_else(|| unauthorized("the access token is not valid"))?;
            let found = muhan_db::with_conn(&state.pool, move |c| principal(c, id)).await?;
            match found {
                Some(actor) if actor.status != UserStatus::Suspended => Ok(AuthUser(actor)),
                _ => Err(unauthorized("this account cannot be used")),
            }
        })
    }
}

/// For public reads: the caller when a bearer token is sent (it must then be valid), else
/// nobody.
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl MaybeAuthUser {
    pub fn actor(&self) -> Option<Actor> {
        self.0.as_ref().map(AuthUser::actor)
    }
}

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if req.headers().contains_key(header::AUTHORIZATION) {
            let inner = AuthUser::from_request(req, payload);
            Box::pin(async move { inner.await.map(|u| MaybeAuthUser(Some(u))) })
        } else {
            Box::pin(async { Ok(MaybeAuthUser(None)) })
        }
    }
}
