//! The handlers: `/` and `/dashboard` redirect, `/dashboard/` is the page, assets by hashed name.

use crate::assets::bundle;
use crate::headers::{secure, IMMUTABLE, NO_CACHE};
use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// Mounts the dashboard (call from the app's `configure`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(to_dashboard))
        .route("/dashboard", web::get().to(to_dashboard))
        .route("/dashboard/", web::get().to(index))
        .route("/dashboard/assets/{name}", web::get().to(asset));
}

async fn to_dashboard() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/dashboard/"))
        .finish()
}

async fn index() -> HttpResponse {
    let mut res = HttpResponse::Ok();
    secure(&mut res, NO_CACHE);
    res.content_type("text/html; charset=utf-8")
        .body(bundle().index.clone())
}

async fn asset(name: web::Path<String>) -> HttpResponse {
    match bundle().assets.get(name.as_str()) {
        Some(asset) => {
            let mut res = HttpResponse::Ok();
            secure(&mut res, IMMUTABLE);
            res.content_type(asset.content_type)
                .body(asset.bytes.clone())
        }
        None => {
            let mut res = HttpResponse::NotFound();
            secure(&mut res, NO_CACHE);
            res.content_type("text/plain; charset=utf-8")
                .body("no such asset")
        }
    }
}
