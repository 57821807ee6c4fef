//! A JSON body extractor with the errors clients need: 413 over the size limit, 415 without
//! a JSON content type, 400 for malformed JSON, and 422 `validation_failed` naming the field
//! (with its full path) for unknown, missing or mistyped fields.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use muhan_core::ErrorCode;
use muhan_core::{text, DomainError, FieldError};
use serde::de::DeserializeOwned;

/// Default body limit when no `AppState` is registered (unit tests of single handlers).
const FALLBACK_LIMIT: usize = 256 * 1024;

pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::http(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
        format!("the request body exceeds {limit} bytes"),
    )
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map_or(FALLBACK_LIMIT, |s| s.max_body_bytes);
        // A missing Content-Type is read as JSON; a different one is refused.
        let content_type_ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| {
                let essence = v
                    .to_str()
                    .unwrap_or_default()
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            })
            .unwrap_or(true);
        let declared_len = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared_len.is_some_and(|n| n > limit) {
                return Err(too_large(limit));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::http(
                        StatusCode::BAD_REQUEST,
                        ErrorCode::BadRequest,
                        format!("could not read the request body: {e}"),
                    )
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large(limit));
                }
                body.extend_from_slice(&chunk);
            }
            if !content_type_ok {
                return Err(ApiError::http(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode::UnsupportedMediaType,
                    "send the body as JSON with Content-Type: application/json",
                ));
            }
            parse(&body).map(Json).map_err(ApiError::Domain)
        })
    }
}

/// Deserializes `body`, reporting where it went wrong.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, DomainError> {
    from_value(parse_value(body)?)
}

/// Parses `body` as any JSON value whose strings all meet the input text rule.
pub fn parse_value(body: &[u8]) -> Result<serde_json::Value, DomainError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| DomainError::Validation {
            code: ErrorCode::ValidationFailed,
            errors: vec![FieldError::new("body", format!("not valid JSON: {e}"))],
        })?;
    check_strings(&value, &mut String::new())?;
    let mut value = value;
    integral_numbers(&mut value);
    Ok(value)
}

/// JSON Schema counts `-79.0` as an integer: every number with a zero fraction that fits an
/// `i64` becomes that integer, so integer fields accept it. Others stay as they are (a
/// fraction, or an integral value beyond `i64`, is still refused by an integer field).
fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64() {
                // The i64 range as floats: [-2^63, 2^63).
                if f.fract() == 0.0
                    && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
                {
                    #[allow(clippy::cast_possible_truncation)]
                    let i = f as i64;
                    *value = Value::from(i);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// Deserializes a JSON value from `parse_value` (or a `Json<Value>` body, which comes from it)
/// when the raw value is needed too, e.g. to fingerprint an idempotent request, with the same
/// field reporting as `parse`.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, DomainError> {
    serde_path_to_error::deserialize(value).map_err(problem_of)
}

/// The text rule (`muhan_core::text::check_input`) on every string and key, naming the path.
fn check_strings(value: &serde_json::Value, path: &mut String) -> Result<(), DomainError> {
    use serde_json::Value;
    let here = |path: &str| {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }
    };
    match value {
        Value::String(s) => text::check_input(s).map_err(|e| DomainError::invalid(here(path), e.0)),
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let result = check_strings(item, path);
            path.truncate(len);
            result
        }),
        Value::Object(map) => map.iter().try_for_each(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let result = text::check_input(key)
                .map_err(|e| DomainError::invalid(here(path), e.0))
                .and_then(|()| check_strings(item, path));
            path.truncate(len);
            result
        }),
        _ => Ok(()),
    }
}

fn problem_of(err: serde_path_to_error::Error<serde_json::Error>) -> DomainError {
    {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = inner.to_string();
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_owned();
                DomainError::Validation {
                    code: ErrorCode::ValidationFailed,
                    errors: vec![FieldError::new(field_of(&path, &message), message)],
                }
            }
            // Same code as other unusable input, so clients handle one code for "fix the body".
            _ => DomainError::Validation {
                code: ErrorCode::ValidationFailed,
                errors: vec![FieldError::new("body", format!("not valid JSON: {inner}"))],
            },
        }
    }
}

/// The field a serde message is about. For an unknown field `path` already ends with it; for
/// a missing one `path` is the parent object, so the name is appended.
fn field_of(path: &str, message: &str) -> String {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (missing, path) {
        (Some(name), "." | "") => name.to_owned(),
        (Some(name), parent) => format!("{parent}.{name}"),
        (None, "." | "") => "body".to_owned(),
        (None, p) => p.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        kind: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Inner,
        count: u32,
    }

    fn field(body: &str) -> String {
        match parse::<Outer>(body.as_bytes()) {
            Err(DomainError::Validation { errors, .. }) => errors[0].field.clone(),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn names_the_offending_field() {
        assert_eq!(
            field(r#"{"name":"a","inner":{"kind":"x"},"count":1,"extra":1}"#),
            "extra"
        );
        assert_eq!(
            field(r#"{"name":"a","inner":{"kind":"x","bad":1},"count":1}"#),
            "inner.bad"
        );
        assert_eq!(field(r#"{"name":"a","inner":{"kind":"x"}}"#), "count");
        assert_eq!(
            field(r#"{"name":"a","inner":{"kind":"x"},"count":-1}"#),
            "count"
        );
        assert_eq!(
            field(r#"{"name":"a","inner":{"kind":1},"count":1}"#),
            "inner.kind"
        );
    }

    #[test]
    fn strings_meet_the_text_rule() {
        assert_eq!(
            field(r#"{"name":"a\u0000","inner":{"kind":"x"},"count":1}"#),
            "name"
        );
        assert_eq!(
            field(r#"{"name":"a","inner":{"kind":"\u202e"},"count":1}"#),
            "inner.kind"
        );
        assert!(parse_value(br#"{"lines":[{"note":"ok\n"},{"note":"\u0001"}]}"#).is_err());
    }

    #[test]
    fn integral_floats_are_integers() {
        let outer = |count: &str| {
            parse::<Outer>(
                format!(r#"{{"name":"a","inner":{{"kind":"x"}},"count":{count}}}"#).as_bytes(),
            )
            .map(|o| o.count)
        };
        assert_eq!(outer("7.0").ok(), Some(7));
        assert_eq!(outer("7e0").ok(), Some(7));
        assert!(outer("7.5").is_err());
        assert!(outer("-1.0").is_err());
        let big = |n: &str| parse_value(n.as_bytes()).map(|v| v.is_i64());
        assert_eq!(big("-79.0").ok(), Some(true));
        assert_eq!(big("9223372036854775807.0").ok(), Some(false));
        assert_eq!(big("1e300").ok(), Some(false));
    }

    #[test]
    fn syntax_errors_name_the_body() {
        for body in [r#"{"name":"#, "not json", ""] {
            assert!(matches!(
                parse::<Outer>(body.as_bytes()),
                Err(DomainError::Validation { code: ErrorCode::ValidationFailed, ref errors }) if errors[0].field == "body"
            ));
        }
    }
}
