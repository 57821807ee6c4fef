//! `If-Match`, parsed once at the edge into the version a conditional write expects.
//!
//! Versions are positive integers and the ETag of a resource is its version in quotes
//! (`"3"`). `If-Match` names one version — `"3"`, also accepted weak (`W/"3"`) or bare
//! (`3`) — or `*` (any); without the header any version goes. A value that names no version
//! (`garbage`, `"abc"`, `"-1"`, a list, several headers) is a malformed request: 400
//! `bad_request`. A well-formed but stale version is the service's 412 `version_conflict`.

use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest};
use muhan_core::DomainError;
use muhan_core::ErrorCode;
use std::future::{ready, Ready};

/// The version `If-Match` requires; `None` when any version will do (no header, or `*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub Option<i64>);

impl IfMatch {
    /// Reads every `If-Match` value of a request.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a HeaderValue>) -> Result<Self, ApiError> {
        let mut values = values.into_iter();
        let Some(first) = values.next() else {
            return Ok(Self(None));
        };
        if values.next().is_some() {
            return Err(malformed("send one If-Match header"));
        }
        let text = first
            .to_str()
            .map_err(|_| malformed("If-Match must be ASCII"))?
            .trim();
        if text == "*" {
            return Ok(Self(None));
        }
        let tag = text.strip_prefix("W/").unwrap_or(text);
        let digits = match tag.strip_prefix('"') {
            Some(quoted) => quoted
                .strip_suffix('"')
                .ok_or_else(|| malformed("If-Match has an unterminated quote"))?,
            None => tag,
        };
        let valid = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        match digits.parse::<i64>() {
            Ok(version) if valid && version >= 1 => Ok(Self(Some(version))),
            _ => Err(malformed(
                "If-Match must name one version, a positive integer such as \"3\" (or be *)",
            )),
        }
    }

    pub fn version(self) -> Option<i64> {
        self.0
    }
}

fn malformed(detail: &str) -> ApiError {
    ApiError::from(DomainError::BadRequest {
        code: ErrorCode::BadRequest,
        detail: detail.to_owned(),
    })
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::parse(req.headers().get_all(header::IF_MATCH)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(values: &[&'static str]) -> Result<Option<i64>, String> {
        let values: Vec<HeaderValue> = values.iter().map(|v| HeaderValue::from_static(v)).collect();
        IfMatch::parse(&values)
            .map(IfMatch::version)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn versions_in_their_accepted_spellings() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(parse(&["*"]), Ok(None));
        assert_eq!(parse(&[" * "]), Ok(None));
        assert_eq!(parse(&["\"3\""]), Ok(Some(3)));
        assert_eq!(parse(&["W/\"3\""]), Ok(Some(3)));
        assert_eq!(parse(&["3"]), Ok(Some(3)));
        assert_eq!(parse(&[" \"12\" "]), Ok(Some(12)));
        assert_eq!(parse(&["\"9223372036854775807\""]), Ok(Some(i64::MAX)));
    }

    #[test]
    fn anything_else_is_malformed() {
        for bad in [
            "",
            "garbage",
            "\"abc\"",
            "\"-1\"",
            "-1",
            "+1",
            "\"+1\"",
            "\"0\"",
            "0",
            "\"\"",
            "\"",
            "\"2",
            "2\"",
            "W/",
            "W/\"x\"",
            "w/\"2\"",
            "\"2\", \"3\"",
            "\"2\",",
            "\" 2\"",
            "\"9223372036854775808\"",
            "\"1e3\"",
            "**",
        ] {
            let got = parse(&[bad]);
            assert!(
                got.as_ref().is_err_and(|e| e.starts_with("bad_request")),
                "{bad:?}: {got:?}"
            );
        }
        assert!(parse(&["\"2\"", "\"2\""]).is_err());
        assert!(parse(&["*", "\"2\""]).is_err());
        let non_ascii = HeaderValue::from_bytes("\"삼\"".as_bytes()).unwrap();
        assert!(IfMatch::parse([&non_ascii]).is_err());
    }
}
