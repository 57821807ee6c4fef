//! Reference data: districts and the goods classification.

use crate::auth_user::AuthUser;
use crate::error::ApiError;
use crate::json::Json;
use crate::problems;
use crate::state::AppState;
use actix_web::{get, post, web, HttpResponse};
use muhan_catalog::categories::{self, CategoryNode, NewCategoryRequest};
use muhan_catalog::districts::{self, District};
use muhan_db::write_tx;

/// List the districts (administrative codes) — anyone
///
/// The districts enterprises are located in and orders are delivered to; `district` fields
/// and filters take these codes.
#[utoipa::path(operation_id = "reference_list_districts", tag = "reference",
    responses((status = 200, body = Vec<District>)))]
#[get("/districts")]
pub async fn list_districts(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = muhan_db::with_conn(&state.pool, districts::list).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// The goods classification (물품분류번호) as a tree — anyone
///
/// The root nodes, each with its children. Products and procurement requests are classified
/// by its codes.
#[utoipa::path(operation_id = "reference_category_tree", tag = "reference",
    responses((status = 200, body = Vec<CategoryNode>)))]
#[get("/categories")]
pub async fn category_tree(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let tree = muhan_db::with_conn(&state.pool, categories::tree).await?;
    Ok(HttpResponse::Ok().json(tree))
}

/// Add a category to the goods classification — an admin
///
/// Its code must sit one level below its parent's.
#[utoipa::path(operation_id = "reference_create_category", tag = "reference", security(("bearer" = [])),
    request_body = NewCategoryRequest,
    responses(
        (status = 201, body = CategoryNode),
        (status = 403, response = problems::Forbidden),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::UnprocessableEntity)))]
#[post("/categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Json<NewCategoryRequest>,
) -> Result<HttpResponse, ApiError> {
    user.require_admin()?;
    let req = body.into_inner();
    let node = muhan_db::with_conn(&state.pool, move |c| {
        write_tx(c, |c| categories::create(c, &req))
    })
    .await?;
    Ok(HttpResponse::Created().json(node))
}
