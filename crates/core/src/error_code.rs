//! Every error code of the API, one value each: the `code` of a problem+json body. Serialised
//! snake_case; the OpenAPI document lists them as the enum of `Problem.code`.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    ValidationFailed,
    InvalidBizRegNo,
    Unauthorized,
    InvalidCredentials,
    TokenExpired,
    AccountSuspended,
    AccountNotActive,
    Forbidden,
    NotFound,
    Conflict,
    EmailTaken,
    BizRegNoTaken,
    EnterpriseSuspended,
    InsufficientStock,
    InvalidTransition,
    VersionConflict,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    IdempotencyKeyInUse,
    PrivateContractLimitExceeded,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyAttempts,
    ServiceUnavailable,
    Internal,
    MethodNotAllowed,
    UriTooLong,
    HeadersTooLarge,
    BadRequest,
    RequestTimeout,
    QuotesSealed,
    QuotesClosed,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ValidationFailed => "validation_failed",
            Self::InvalidBizRegNo => "invalid_biz_reg_no",
            Self::Unauthorized => "unauthorized",
            Self::InvalidCredentials => "invalid_credentials",
            Self::TokenExpired => "token_expired",
            Self::AccountSuspended => "account_suspended",
            Self::AccountNotActive => "account_not_active",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::EmailTaken => "email_taken",
            Self::BizRegNoTaken => "biz_reg_no_taken",
            Self::EnterpriseSuspended => "enterprise_suspended",
            Self::InsufficientStock => "insufficient_stock",
            Self::InvalidTransition => "invalid_transition",
            Self::VersionConflict => "version_conflict",
            Self::IdempotencyKeyRequired => "idempotency_key_required",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::IdempotencyKeyInUse => "idempotency_key_in_use",
            Self::PrivateContractLimitExceeded => "private_contract_limit_exceeded",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::TooManyAttempts => "too_many_attempts",
            Self::ServiceUnavailable => "service_unavailable",
            Self::Internal => "internal",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::UriTooLong => "uri_too_long",
            Self::HeadersTooLarge => "headers_too_large",
            Self::BadRequest => "bad_request",
            Self::RequestTimeout => "request_timeout",
            Self::QuotesSealed => "quotes_sealed",
            Self::QuotesClosed => "quotes_closed",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_its_code() {
        for code in [
            ErrorCode::ValidationFailed,
            ErrorCode::IdempotencyKeyInUse,
            ErrorCode::UriTooLong,
        ] {
            assert_eq!(
                serde_json::to_value(code).ok(),
                Some(serde_json::Value::from(code.as_str()))
            );
        }
    }
}
