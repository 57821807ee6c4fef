//! One module per area, one function per endpoint. `configure` is the route table.

pub mod admin_users;
pub mod auth;
pub mod ops;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(ops::health).service(ops::ready).service(
        web::scope("/api/v1")
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::me)
            .service(admin_users::list)
            .service(admin_users::approve)
            .service(admin_users::suspend),
    );
}
