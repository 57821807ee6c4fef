//! The OCDS open-data export: the year's procurement processes as an OCDS 1.1 release package.

use crate::auth_user::AuthUser;
use crate::error::ApiError;
use crate::problems;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use muhan_core::clock;
use muhan_stats::ocds::{self, ReleasePackage};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReleaseParams {
    /// The calendar year (UTC) in which the procurement requests were created and the catalog
    /// orders placed.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: i64,
}

/// The year's procurement processes as an OCDS 1.1 release package — an admin
///
/// Open data, meant for publication; only admins export it.
///
/// One release per contracting process, describing it as it stands: each procurement request
/// created in the year (`ocid` `<prefix>-rfq-<id>`: the tender, with its tenderers once the
/// request is decided and its quotes unsealed; the award its order is; a contract per
/// fulfillment) and each catalog order placed in it (`<prefix>-order-<id>`, procurement method
/// `direct`). 404 when the year has no process (a package holds at least one release).
#[utoipa::path(operation_id = "ocds_releases", tag = "ocds", security(("bearer" = [])),
    params(ReleaseParams),
    responses(
        (status = 200, body = ReleasePackage),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound)))]
#[get("/ocds/releases")]
pub async fn releases(
    state: web::Data<AppState>,
    user: AuthUser,
    params: web::Query<ReleaseParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (actor, year) = (user.actor(), params.year);
    let base = match &state.ocds.public_base_url {
        Some(base) => base.clone(),
        None => request_base(&req, state.trust_proxy_headers),
    };
    let uri = format!("{base}/api/v1/ocds/releases?year={year}");
    let settings = state.ocds.clone();
    let package = muhan_db::with_conn(&state.pool, move |c| {
        ocds::release_package(c, &actor, &settings, year, uri, clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(package))
}

/// `scheme://host` the request was sent to: from `Forwarded`/`X-Forwarded-*` only behind a
/// trusted proxy; a host that is not a plain `name[:port]` becomes `localhost`.
fn request_base(req: &HttpRequest, trust_proxy_headers: bool) -> String {
    let (scheme, host) = if trust_proxy_headers {
        let info = req.connection_info();
        (info.scheme().to_owned(), info.host().to_owned())
    } else {
        let host = req
            .uri()
            .authority()
            .map(|a| a.as_str().to_owned())
            .or_else(|| {
                req.headers()
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let scheme = if req.app_config().secure() {
            "https"
        } else {
            "http"
        };
        (scheme.to_owned(), host)
    };
    let plain = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    let scheme = if scheme == "https" { "https" } else { "http" };
    format!(
        "{scheme}://{}",
        if plain { host.as_str() } else { "localhost" }
    )
}
