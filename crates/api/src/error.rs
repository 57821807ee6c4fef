//! `DomainError` → HTTP status + `application/problem+json` (RFC 9457), in one place.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use muhan_core::ErrorCode;
use muhan_core::{DomainError, FieldError};
use serde::Serialize;
use std::fmt;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem kind: `urn:muhan:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable snake_case error code, e.g. `validation_failed`.
    pub code: ErrorCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

impl Problem {
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:muhan:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code,
            errors: None,
        }
    }

    pub fn response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
            .json(self)
    }

    /// The generic problem for a status code (unknown routes, wrong methods, ...).
    pub fn for_status(status: StatusCode) -> Self {
        let (code, detail) = match status.as_u16() {
            404 => (ErrorCode::NotFound, "no such resource"),
            405 => (
                ErrorCode::MethodNotAllowed,
                "this method is not allowed on this resource",
            ),
            413 => (ErrorCode::PayloadTooLarge, "the request body is too large"),
            415 => (
                ErrorCode::UnsupportedMediaType,
                "send JSON with Content-Type: application/json",
            ),
            401 => (ErrorCode::Unauthorized, "authentication required"),
            403 => (ErrorCode::Forbidden, "not allowed"),
            400 => (ErrorCode::BadRequest, "the request could not be understood"),
            408 => (
                ErrorCode::RequestTimeout,
                "the request took too long to arrive",
            ),
            503 => (ErrorCode::ServiceUnavailable, "the service is unavailable"),
            s if s >= 500 => (ErrorCode::Internal, "internal server error"),
            _ => (ErrorCode::BadRequest, "the request could not be processed"),
        };
        Self::new(status, code, detail)
    }
}

/// The error type of every handler: a domain error, or an HTTP-level refusal that no domain
/// service is involved in (body too large, wrong media type).
#[derive(Debug)]
pub enum ApiError {
    Domain(DomainError),
    Http {
        status: StatusCode,
        code: ErrorCode,
        detail: String,
    },
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self::Domain(e)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Domain(e) => e.fmt(f),
            Self::Http { code, detail, .. } => write!(f, "{code}: {detail}"),
        }
    }
}

impl ApiError {
    pub fn http(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Http {
            status,
            code,
            detail: detail.into(),
        }
    }

    fn problem(&self) -> Problem {
        let domain = match self {
            Self::Domain(e) => e,
            Self::Http {
                status,
                code,
                detail,
            } => return Problem::new(*status, *code, detail.clone()),
        };
        match domain {
            DomainError::Validation { code, errors } => {
                let detail = match errors.as_slice() {
                    [one] => format!("{}: {}", one.field, one.message),
                    _ => format!("{} fields are invalid", errors.len()),
                };
                let mut p = Problem::new(self.status_code(), *code, detail);
                p.errors = Some(errors.clone());
                p
            }
            DomainError::BadRequest { code, detail }
            | DomainError::Unauthorized { code, detail }
            | DomainError::Forbidden { code, detail }
            | DomainError::Conflict { code, detail } => {
                Problem::new(self.status_code(), *code, detail.clone())
            }
            DomainError::NotFound(what) => Problem::new(
                self.status_code(),
                ErrorCode::NotFound,
                format!("{what} not found"),
            ),
            DomainError::VersionConflict { current } => Problem::new(
                self.status_code(),
                ErrorCode::VersionConflict,
                format!("the resource was changed meanwhile; its current version is {current}"),
            ),
            DomainError::TooManyAttempts { retry_after_secs } => Problem::new(
                self.status_code(),
                ErrorCode::TooManyAttempts,
                format!("too many failed attempts; try again in {retry_after_secs} s"),
            ),
            DomainError::Busy { retry_after_secs } => Problem::new(
                self.status_code(),
                ErrorCode::ServiceUnavailable,
                format!("the server is busy; try again in {retry_after_secs} s"),
            ),
            DomainError::Unavailable(_) => Problem::new(
                self.status_code(),
                ErrorCode::ServiceUnavailable,
                "the database is unavailable; try again shortly",
            ),
            DomainError::Internal(_) => Problem::new(
                self.status_code(),
                ErrorCode::Internal,
                "internal server error",
            ),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        let domain = match self {
            Self::Domain(e) => e,
            Self::Http { status, .. } => return *status,
        };
        match domain {
            DomainError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            DomainError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            DomainError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            DomainError::Forbidden { .. } => StatusCode::FORBIDDEN,
            DomainError::NotFound(_) => StatusCode::NOT_FOUND,
            DomainError::Conflict { .. } => StatusCode::CONFLICT,
            DomainError::VersionConflict { .. } => StatusCode::PRECONDITION_FAILED,
            DomainError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            DomainError::Busy { .. } | DomainError::Unavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Domain(DomainError::Internal(msg)) => {
                tracing::error!(error = %msg, "internal error")
            }
            Self::Domain(DomainError::Unavailable(msg)) => {
                tracing::warn!(error = %msg, "unavailable")
            }
            _ => {}
        }
        let mut response = self.problem().response();
        if let Self::Domain(
            DomainError::TooManyAttempts { retry_after_secs }
            | DomainError::Busy { retry_after_secs },
        ) = self
        {
            if let Ok(value) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if matches!(self, Self::Domain(DomainError::Unauthorized { .. })) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
