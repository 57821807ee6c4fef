//! One module per area, one function per endpoint. `configure` is the route table.

pub mod admin_users;
pub mod agencies;
pub mod auth;
pub mod enterprises;
pub mod ocds;
pub mod ops;
pub mod orders;
pub mod procurement;
pub mod products;
pub mod reference;
pub mod signup;
pub mod stats;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// The route table: every endpoint is registered here once, and its route and OpenAPI
/// operation both come from that registration (the handler's `#[get(...)]` and
/// `#[utoipa::path(...)]`; the scope adds `/api/v1` to both).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(ops::health).service(ops::ready).service(
        scope::scope("/api/v1")
            .service(signup::enterprise)
            .service(signup::buyer)
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::me)
            .service(auth::logout)
            .service(enterprises::list)
            .service(enterprises::get)
            .service(enterprises::update)
            .service(enterprises::verify)
            .service(enterprises::suspend)
            .service(agencies::list)
            .service(agencies::create)
            .service(agencies::get)
            .service(agencies::update)
            .service(agencies::plans)
            .service(agencies::put_plan)
            .service(reference::list_districts)
            .service(reference::category_tree)
            .service(reference::create_category)
            .service(products::list)
            .service(products::get)
            .service(products::create)
            .service(products::update)
            .service(products::set_stock)
            .service(products::approve)
            .service(products::reject)
            .service(products::archive)
            .service(orders::place)
            .service(orders::list)
            .service(orders::get)
            .service(orders::events)
            .service(orders::cancel)
            .service(orders::accept)
            .service(orders::reject)
            .service(orders::ship)
            .service(orders::deliver)
            .service(orders::inspect)
            .service(orders::claim_payment)
            .service(orders::mark_paid)
            .service(orders::settle)
            .service(orders::list_fulfillments)
            .service(orders::settlements)
            .service(procurement::create)
            .service(procurement::list)
            .service(procurement::get)
            .service(procurement::get_matches)
            .service(procurement::submit_quote)
            .service(procurement::withdraw_quote)
            .service(procurement::list_quotes)
            .service(procurement::award)
            .service(procurement::cancel)
            .service(procurement::close)
            .service(procurement::events)
            .service(stats::summary)
            .service(stats::sales)
            .service(stats::priority_purchase)
            .service(ocds::releases)
            .service(admin_users::list)
            .service(admin_users::approve)
            .service(admin_users::suspend),
    );
}
