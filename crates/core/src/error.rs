//! The one error type domain services return. The HTTP layer maps it to problem+json once.

use crate::error_code::ErrorCode;
use std::fmt;

/// Why a raw value could not be parsed; shown to clients as a field message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// A problem with one input field, reported to clients as `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// JSON path of the offending field, e.g. `enterprise.biz_reg_no`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every failure a domain service can report. `code` values are the stable snake_case codes
/// of the API contract.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Input was understood but breaks a rule (HTTP 422).
    #[error("{code}: invalid input")]
    Validation {
        code: ErrorCode,
        errors: Vec<FieldError>,
    },
    /// Input could not be understood at all (HTTP 400).
    #[error("{code}: {detail}")]
    BadRequest { code: ErrorCode, detail: String },
    /// Missing or unusable credentials (HTTP 401).
    #[error("{code}: {detail}")]
    Unauthorized { code: ErrorCode, detail: String },
    /// Authenticated but not allowed (HTTP 403).
    #[error("{code}: {detail}")]
    Forbidden { code: ErrorCode, detail: String },
    /// Absent, or not visible to the caller (HTTP 404).
    #[error("not found: {0}")]
    NotFound(String),
    /// The request conflicts with the current state (HTTP 409).
    #[error("{code}: {detail}")]
    Conflict { code: ErrorCode, detail: String },
    /// `If-Match` named an outdated version (HTTP 412).
    #[error("version conflict: current version is {current}")]
    VersionConflict { current: i64 },
    /// Throttled (HTTP 429).
    #[error("too many attempts; retry after {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Too busy to take this request on now; it may be retried after `retry_after_secs`
    /// (HTTP 503 `service_unavailable` with `Retry-After`).
    #[error("busy; retry after {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    /// The database or another dependency cannot be reached (HTTP 503).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected infrastructure failure (HTTP 500). The message is logged, never
    /// shown to clients.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type DomainResult<T> = Result<T, DomainError>;

impl DomainError {
    /// A 422 `validation_failed` with one field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            code: ErrorCode::ValidationFailed,
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code: ErrorCode::Forbidden,
            detail: detail.into(),
        }
    }

    pub fn conflict(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::Unauthorized {
            code: ErrorCode::Unauthorized,
            detail: detail.into(),
        }
    }

    pub fn internal(err: impl fmt::Display) -> Self {
        Self::Internal(err.to_string())
    }
}

impl From<diesel::result::Error> for DomainError {
    fn from(err: diesel::result::Error) -> Self {
        match err {
            diesel::result::Error::NotFound => Self::NotFound("record".into()),
            other => Self::Internal(format!("database: {other}")),
        }
    }
}

/// Collects field errors while a request is being parsed, so that a client learns about every
/// bad field at once instead of one per round trip.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value of `result`, or records its error under `field`.
    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(FieldError::new(field, e.to_string()));
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Whether `field` has a recorded problem.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// `Ok(())` when nothing was recorded, else a 422 with `code`.
    pub fn finish(self, code: ErrorCode) -> DomainResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Validation {
                code,
                errors: self.0,
            })
        }
    }
}
