//! The problem+json responses of the OpenAPI document, one definition per status, and the
//! rule that adds the ones every operation of a kind can answer:
//! - every operation: 500 `internal` (an unexpected failure);
//! - every operation that touches the database: 503 `service_unavailable`;
//! - an operation that reads a bearer token: 401 (a token that is sent must be valid);
//! - one that requires an active account: 403 as well (`account_not_active`, `forbidden`);
//! - one with parameters or a body: 422 `validation_failed` (the text rule applies to every
//!   input, path parameters included);
//! - one with a JSON body: 413 `payload_too_large` and 415 `unsupported_media_type`.
//!
//! Handlers list only what is particular to them (404, 409, 412, 400, 429) by name:
//! `(status = 404, response = problems::NotFound)`.

use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Content, Ref, RefOr};

macro_rules! problem_responses {
    ($($name:ident = $status:literal, $description:literal;)*) => {
        $(
            #[doc = $description]
            pub struct $name;

            impl<'r> utoipa::ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    (stringify!($name), problem($description))
                }
            }
        )*

        /// Every problem response, by status, for the document's components.
        pub fn all() -> Vec<(&'static str, &'static str, RefOr<Response>)> {
            vec![$(($status, stringify!($name), problem($description))),*]
        }
    };
}

problem_responses! {
    BadRequest = "400", "The request could not be understood (`bad_request`, `idempotency_key_required`).";
    Unauthorized = "401", "No valid access token (`unauthorized`, `token_expired`, `invalid_credentials`).";
    Forbidden = "403", "Not allowed for the caller (`forbidden`, `account_not_active`).";
    NotFound = "404", "No such resource, or not visible to the caller (`not_found`).";
    Conflict = "409", "The request conflicts with the current state (see `code`).";
    PreconditionFailed = "412", "`If-Match` names an outdated version (`version_conflict`).";
    PayloadTooLarge = "413", "The request body is too large (`payload_too_large`).";
    UnsupportedMediaType = "415", "The body is not JSON (`unsupported_media_type`).";
    UnprocessableEntity = "422", "Input breaks a rule; `errors` names the fields (`validation_failed`, ...).";
    TooManyRequests = "429", "Too many failed attempts; see `Retry-After` (`too_many_attempts`).";
    InternalServerError = "500", "An unexpected server error; nothing about it is shown (`internal`).";
    ServiceUnavailable = "503", "The database is unavailable or the server is saturated; retry later (`service_unavailable`).";
}

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            crate::error::PROBLEM_JSON,
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
        .into()
}

/// How an operation treats the caller, as its `security` declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Anyone,
    /// Public, but a token that is sent is checked.
    OptionalToken,
    /// A token of any account that is not suspended (the caller's own account).
    SignedIn,
    /// A token of an active account.
    Active,
}

/// Operations that read the caller's own account whatever its approval status.
const SIGNED_IN_ONLY: [&str; 1] = ["auth_me"];

pub fn access_of(operation: &Operation) -> Access {
    let Some(requirements) = &operation.security else {
        return Access::Anyone;
    };
    let json = serde_json::to_value(requirements).unwrap_or_default();
    let alternatives = json.as_array().cloned().unwrap_or_default();
    let optional = alternatives
        .iter()
        .any(|r| r.as_object().is_some_and(|o| o.is_empty()));
    let bearer = alternatives.iter().any(|r| r.get("bearer").is_some());
    let id = operation.operation_id.as_deref().unwrap_or_default();
    match (bearer, optional) {
        (false, _) => Access::Anyone,
        (true, true) => Access::OptionalToken,
        (true, false) if SIGNED_IN_ONLY.contains(&id) => Access::SignedIn,
        (true, false) => Access::Active,
    }
}

/// Adds the problem responses `operation` can answer by its kind (see the module doc).
pub fn add_common(operation: &mut Operation, uses_database: bool) {
    let mut add: Vec<&str> = vec!["500"];
    match access_of(operation) {
        Access::Anyone => {}
        Access::OptionalToken | Access::SignedIn => add.push("401"),
        Access::Active => add.extend(["401", "403"]),
    }
    let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let has_body = operation.request_body.is_some();
    if has_parameters || has_body {
        add.push("422");
    }
    if has_body {
        add.extend(["413", "415"]);
    }
    if uses_database {
        add.push("503");
    }
    for (status, name, _) in all() {
        if add.contains(&status) && !operation.responses.responses.contains_key(status) {
            operation
                .responses
                .responses
                .insert(status.to_owned(), RefOr::Ref(Ref::from_response_name(name)));
        }
    }
}
