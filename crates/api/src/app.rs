//! The actix `App`: routes, docs, extractor configuration and middleware.

use crate::edge;
use crate::error::{ApiError, Problem, PROBLEM_JSON};
use crate::known_routes::KnownRoutes;
use crate::openapi::{self, ApiDoc};
use crate::request_id::{self, MuhanRootSpan};
use crate::routes;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{from_fn, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, App, HttpRequest, HttpResponse};
use actix_web_prom::PrometheusMetrics;
use muhan_core::ErrorCode;
use muhan_core::{DomainError, FieldError};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

/// Builds the application for one worker. `metrics` is shared by all workers.
pub fn build_app(
    state: AppState,
    metrics: PrometheusMetrics,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    openapi::complete(&mut doc);
    let known = KnownRoutes::from_openapi(&doc);
    app.app_data(web::Data::new(state))
        .app_data(
            web::PathConfig::default().error_handler(|_, _| {
                ApiError::from(DomainError::NotFound("resource".into())).into()
            }),
        )
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            ApiError::from(DomainError::Validation {
                code: ErrorCode::ValidationFailed,
                errors: vec![FieldError::new("query", err.to_string())],
            })
            .into()
        }))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", doc))
        .configure(muhan_web::configure)
        .service(web::resource("/docs").get(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, "/docs/"))
                .finish()
        }))
        .default_service(web::to(move |req: HttpRequest| {
            let allowed = known.allowed(req.path());
            async move {
                if allowed.is_empty() {
                    Problem::new(
                        StatusCode::NOT_FOUND,
                        ErrorCode::NotFound,
                        "no such resource",
                    )
                    .response()
                } else {
                    edge::method_not_allowed(&allowed)
                }
            }
        }))
        // Outermost last: request id → request span → bounded method → metrics → problem
        // bodies for the library's own errors → input checks → routes.
        .wrap(from_fn(edge::input_checks))
        .wrap(ErrorHandlers::new().default_handler(problem_fallback))
        .wrap(metrics)
        .wrap(from_fn(edge::bound_method))
        .wrap(TracingLogger::<MuhanRootSpan>::new())
        .wrap(from_fn(request_id::middleware))
}

/// Turns any error response that is not problem+json yet (actix's own 404/405, ...) into one.
fn problem_fallback<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let allow = res.headers().get(header::ALLOW).cloned();
    let (req, _) = res.into_parts();
    let mut response = Problem::for_status(status).response();
    if let Some(allow) = allow {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
