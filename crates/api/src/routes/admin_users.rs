//! Admin: list users, approve and suspend them.

use crate::auth_user::AuthUser;
use crate::error::ApiError;
use crate::pagination::{Page, PageParams};
use crate::problems;
use crate::state::AppState;
use actix_web::{get, post, web, HttpResponse};
use muhan_auth::{users, User, UserFilter};
use muhan_core::{Role, UserStatus};
use muhan_db::write_tx;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UserListParams {
    pub status: Option<UserStatus>,
    pub role: Option<Role>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List user accounts, optionally by status and role — an admin
///
/// In id order, paged by `cursor`; `status` and `role` filter.
#[utoipa::path(operation_id = "admin_users_list", tag = "admin", security(("bearer" = [])),
    params(UserListParams),
    responses(
        (status = 200, body = Page<User>),
        (status = 403, response = problems::Forbidden)))]
#[get("/admin/users")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<UserListParams>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let params = params.into_inner();
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let filter = UserFilter {
        status: params.status,
        role: params.role,
        after: page.after_id()?,
        limit: page.limit()?,
    };
    let (items, more) = muhan_db::with_conn(&state.pool, move |c| users::list(c, &filter)).await?;
    Ok(HttpResponse::Ok().json(Page::by_id(items, more, |u| u.id)))
}

/// Approve a pending user or re-activate a suspended one — an admin
///
/// The account becomes `active`: a new buyer may start buying, a suspended account may log in
/// again.
#[utoipa::path(operation_id = "admin_users_approve", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")),
    responses(
        (status = 200, body = User),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound)))]
#[post("/admin/users/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let id = id.into_inner();
    let approved =
        muhan_db::with_conn(&state.pool, move |c| write_tx(c, |c| users::approve(c, id))).await?;
    Ok(HttpResponse::Ok().json(approved))
}

/// Suspend a user: their tokens stop working at once — an admin
///
/// Every refresh token they hold is revoked, and their access tokens are refused from the next
/// request on (each request re-reads the account's status). An admin cannot suspend
/// themselves (409).
#[utoipa::path(operation_id = "admin_users_suspend", tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")),
    responses(
        (status = 200, body = User),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict)))]
#[post("/admin/users/{id}/suspend")]
pub async fn suspend(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let id = id.into_inner();
    let actor = user.user_id;
    let suspended = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| users::suspend(c, actor, id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(suspended))
}
