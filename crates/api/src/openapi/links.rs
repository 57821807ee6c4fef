//! OpenAPI links from the operations that create something to the ones that read or act on
//! it, so that clients (and stateful testers) can follow an object from its creation.

use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::Operation;
use utoipa::openapi::RefOr;

/// (operation, its success status, [(target operation, the target's `id` from the response)]).
type Links = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const ID: &str = "$response.body#/id";
const FIRST_FULFILLMENT: &str = "$response.body#/fulfillments/0/id";
const USER: &str = "$response.body#/user/id";
const ENTERPRISE: &str = "$response.body#/enterprise/id";

const LINKS: &[Links] = &[
    (
        "orders_place",
        "201",
        &[
            ("orders_get", ID),
            ("orders_events", ID),
            ("orders_cancel", ID),
            ("fulfillments_accept", FIRST_FULFILLMENT),
            ("fulfillments_reject", FIRST_FULFILLMENT),
            ("fulfillments_ship", FIRST_FULFILLMENT),
            ("fulfillments_deliver", FIRST_FULFILLMENT),
            ("fulfillments_inspect", FIRST_FULFILLMENT),
            ("fulfillments_claim_payment", FIRST_FULFILLMENT),
            ("fulfillments_mark_paid", FIRST_FULFILLMENT),
            ("fulfillments_settle", FIRST_FULFILLMENT),
        ],
    ),
    (
        "products_create",
        "201",
        &[
            ("products_get", ID),
            ("products_update", ID),
            ("products_set_stock", ID),
            ("products_approve", ID),
            ("products_reject", ID),
            ("products_archive", ID),
        ],
    ),
    (
        "signup_buyer",
        "201",
        &[("admin_users_approve", USER), ("admin_users_suspend", USER)],
    ),
    (
        "signup_enterprise",
        "201",
        &[
            ("admin_users_approve", USER),
            ("enterprises_get", ENTERPRISE),
            ("enterprises_verify", ENTERPRISE),
            ("enterprises_update", ENTERPRISE),
            ("enterprises_suspend", ENTERPRISE),
        ],
    ),
    (
        "agencies_create",
        "201",
        &[
            ("agencies_get", ID),
            ("agencies_update", ID),
            ("agencies_plans", ID),
            ("agencies_put_plan", ID),
        ],
    ),
];

/// Adds the links of `operation`'s success response, if it creates something.
pub fn add(operation: &mut Operation) {
    let id = operation.operation_id.clone().unwrap_or_default();
    for (source, status, targets) in LINKS {
        if *source != id {
            continue;
        }
        if let Some(RefOr::T(response)) = operation.responses.responses.get_mut(*status) {
            // Written as JSON: utoipa 5.5 serialises `Link` with snake_case field names
            // (`operation_id`), which OpenAPI does not know.
            let links: serde_json::Map<String, serde_json::Value> = targets
                .iter()
                .map(|(target, value)| {
                    let link = serde_json::json!({
                        "operationId": target,
                        "parameters": { "id": value },
                    });
                    ((*target).to_owned(), link)
                })
                .collect();
            // (`from_iter` keeps the key as it is; the builder would prefix `x-`.)
            let extra = Extensions::from_iter([("links", links)]);
            response
                .extensions
                .get_or_insert_with(Extensions::default)
                .merge(extra);
        }
    }
}

/// The operations the links name (for the test that they exist).
#[cfg(test)]
pub fn targets() -> impl Iterator<Item = (&'static str, &'static str)> {
    LINKS
        .iter()
        .flat_map(|(source, _, targets)| targets.iter().map(move |(t, _)| (*source, *t)))
}
