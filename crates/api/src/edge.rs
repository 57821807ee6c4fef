//! What every request must meet before it reaches a handler, checked once here:
//! - `bound_method`: a method outside the standard set is renamed `OTHER`, so that metrics
//!   labels and routing only ever see a bounded set of methods;
//! - `input_checks`: URIs over 8 KiB (414 `uri_too_long`), request headers over 16 KiB
//!   (431 `headers_too_large`), and the text rule (`muhan_core::text::check_input`) on the
//!   path, every query parameter and the headers the API reads (422 `validation_failed`
//!   naming the parameter or header). JSON bodies get the same rule in `json.rs`.

use crate::error::{ApiError, Problem};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};
use muhan_core::ErrorCode;
use muhan_core::{text, DomainError};
use percent_encoding::percent_decode;

pub const MAX_URI_BYTES: usize = 8 * 1024;
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Headers whose values the API interprets as text.
const READ_HEADERS: [&str; 7] = [
    "authorization",
    "idempotency-key",
    "if-match",
    "x-request-id",
    "x-forwarded-for",
    "forwarded",
    "content-type",
];

const STANDARD_METHODS: [Method; 9] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
    Method::TRACE,
    Method::CONNECT,
];

pub async fn bound_method(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if !STANDARD_METHODS.contains(req.method()) {
        if let Ok(other) = Method::from_bytes(b"OTHER") {
            req.head_mut().method = other;
        }
    }
    next.call(req).await
}

pub async fn input_checks<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    match refusal(&req) {
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        Some(err) => {
            let response = err.error_response();
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

fn refusal(req: &ServiceRequest) -> Option<ApiError> {
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return Some(http_error(
            StatusCode::URI_TOO_LONG,
            ErrorCode::UriTooLong,
            format!("the request URI exceeds {MAX_URI_BYTES} bytes"),
        ));
    }
    let header_len: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if header_len > MAX_HEADER_BYTES {
        return Some(http_error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorCode::HeadersTooLarge,
            format!("the request headers exceed {MAX_HEADER_BYTES} bytes"),
        ));
    }
    check_path(req.uri().path())
        .and_then(|()| check_query(req.query_string()))
        .and_then(|()| check_headers(req))
        .err()
}

fn http_error(status: StatusCode, code: ErrorCode, detail: String) -> ApiError {
    ApiError::http(status, code, detail)
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    DomainError::invalid(field, message).into()
}

/// A percent-decoded URI component that is UTF-8 and meets the text rule.
fn decoded_text(raw: &[u8], field: &str) -> Result<String, ApiError> {
    let decoded = percent_decode(raw)
        .decode_utf8()
        .map_err(|_| invalid(field, "must be valid UTF-8"))?;
    text::check_input(&decoded).map_err(|e| invalid(field, e.0))?;
    Ok(decoded.into_owned())
}

fn check_path(path: &str) -> Result<(), ApiError> {
    decoded_text(path.as_bytes(), "path").map(drop)
}

fn check_query(query: &str) -> Result<(), ApiError> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = key.replace('+', " ");
        let name = decoded_text(key.as_bytes(), "query")?;
        decoded_text(value.replace('+', " ").as_bytes(), &name)?;
    }
    Ok(())
}

fn check_headers(req: &ServiceRequest) -> Result<(), ApiError> {
    for name in READ_HEADERS {
        for value in req.headers().get_all(name) {
            let value = std::str::from_utf8(value.as_bytes())
                .map_err(|_| invalid(name, "must be valid UTF-8"))?;
            text::check_input(value).map_err(|e| invalid(name, e.0))?;
        }
    }
    Ok(())
}

/// The answer to a request for a path that exists with other methods: 405 with `Allow`.
pub fn method_not_allowed(allowed: &[Method]) -> actix_web::HttpResponse {
    let allow = allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let mut response = Problem::for_status(StatusCode::METHOD_NOT_ALLOWED).response();
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allow) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_decoded_and_checked() {
        assert!(check_query("q=%EC%BB%A4%ED%94%BC&limit=5&in_stock").is_ok());
        assert!(check_query("q=a+b").is_ok());
        for bad in [
            "q=%00",
            "district=27110%00",
            "q=%E2%80%AE",
            "q=%FF",
            "%00=1",
        ] {
            assert!(check_query(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_are_decoded_and_checked() {
        assert!(check_path("/api/v1/products/12").is_ok());
        assert!(check_path("/api/v1/products/%00").is_err());
        assert!(check_path("/api/v1/%C0").is_err());
    }
}
