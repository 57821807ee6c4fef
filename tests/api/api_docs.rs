//! The API documentation as people read it in Swagger UI (written by the docs work).
//!
//! These tests read the generated document (`muhan_api::openapi::document()`, what
//! `/openapi.json` serves and `openapi/openapi.json` holds); they start no server.
//!
//! A summary is one line of plain text: what the operation does, then ` — ` and who may call
//! it, in the words of [`CALLERS`]. Who may call it must agree with the authorization matrix
//! CI checks (`scripts/authz_matrix.json`).

use serde_json::Value;
use std::collections::HashMap;

/// The top-level tags, in the order people use them.
const TAGS: [&str; 11] = [
    "ops",
    "auth",
    "enterprises",
    "agencies",
    "reference",
    "catalog",
    "orders",
    "procurement",
    "stats",
    "ocds",
    "admin",
];

/// The fulfillment actions, in lifecycle order (`/api/v1/fulfillments/{id}/<action>`).
const LIFECYCLE: [&str; 8] = [
    "accept",
    "reject",
    "ship",
    "deliver",
    "inspect",
    "claim-payment",
    "mark-paid",
    "settle",
];

/// Anyone, token or not.
const ANYONE: [&str; 2] = ["anyone", "public"];
/// Every account that has signed in, approved or not.
const SIGNED_IN: &str = "any signed-in account";
/// Every approved account: buyers, enterprise users and admins.
const ACTIVE: &str = "any active account";
/// The words by which a summary names who may call the operation.
const CALLERS: [&str; 7] = [
    "anyone",
    "public",
    SIGNED_IN,
    ACTIVE,
    "admin",
    "buyer",
    "enterprise",
];

/// The longest summary, in characters.
const MAX_SUMMARY: usize = 90;

struct Operation {
    /// `METHOD PATH`, as the authorization matrix keys it.
    key: String,
    id: String,
    summary: String,
    tag: String,
}

/// The operations in document order (paths as registered; a path's methods in the
/// specification's fixed order).
fn operations() -> Vec<Operation> {
    let doc = muhan_api::openapi::document();
    let mut found = Vec::new();
    for (path, item) in doc.paths.paths.iter() {
        let item = serde_json::to_value(item).unwrap();
        for method in ["get", "put", "post", "delete", "patch"] {
            let Some(op) = item.get(method) else { continue };
            let text = |field: &str| op[field].as_str().unwrap_or_default().to_owned();
            found.push(Operation {
                key: format!("{} {path}", method.to_uppercase()),
                id: text("operationId"),
                summary: text("summary"),
                tag: op["tags"][0].as_str().unwrap_or_default().to_owned(),
            });
        }
    }
    assert!(found.len() > 50, "only {} operations", found.len());
    found
}

/// The part of a summary that says who may call the operation: what follows the last ` — `
/// (the whole summary when it has none).
fn who(summary: &str) -> String {
    summary
        .rsplit_once(" — ")
        .map_or(summary, |(_, who)| who)
        .to_lowercase()
}

/// Per caller of the matrix, whether any of the operation's cases (the row and its variants)
/// lets it through (2xx).
fn allowed_by_matrix() -> HashMap<String, HashMap<String, bool>> {
    let matrix: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/authz_matrix.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let success = |answer: &Value| {
        let status = match answer {
            Value::Number(n) => n.as_u64().unwrap_or_default(),
            Value::String(s) => s
                .split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_default(),
            _ => 0,
        };
        (200..300).contains(&status)
    };
    let mut rows = HashMap::new();
    for (key, row) in matrix["operations"].as_object().unwrap() {
        let mut cases = vec![&row["expect"]];
        if let Some(variants) = row.get("variants").and_then(Value::as_object) {
            cases.extend(variants.values().map(|v| &v["expect"]));
        }
        let mut allowed: HashMap<String, bool> = HashMap::new();
        for expect in cases {
            for (caller, answers) in expect.as_object().unwrap() {
                let ok = answers.as_array().unwrap().iter().any(success);
                *allowed.entry(caller.clone()).or_default() |= ok;
            }
        }
        rows.insert(key.clone(), allowed);
    }
    rows
}

#[test]
fn every_summary_is_one_plain_line_naming_who_may_call() {
    let mut wrong = Vec::new();
    for op in operations() {
        let s = &op.summary;
        let problem = if s.trim().is_empty() {
            "no summary"
        } else if s.contains('\n') || s.contains('\r') {
            "more than one line"
        } else if s.trim() != s {
            "leading or trailing white space"
        } else if s.chars().count() > MAX_SUMMARY {
            "longer than 90 characters"
        } else if s.contains('`') {
            "a backtick"
        } else if ["**", "](", "<", ">", "#"].iter().any(|m| s.contains(m)) {
            "markdown"
        } else if !CALLERS.iter().any(|c| who(s).contains(c)) {
            "does not name who may call it"
        } else {
            continue;
        };
        wrong.push(format!("{} ({}): {problem}: {s:?}", op.key, op.id));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn summaries_agree_with_the_authorization_matrix() {
    let matrix = allowed_by_matrix();
    let mut wrong = Vec::new();
    for op in operations() {
        let Some(allowed) = matrix.get(&op.key) else {
            wrong.push(format!("{}: no row in scripts/authz_matrix.json", op.key));
            continue;
        };
        let may = |caller: &str| allowed.get(caller).copied().unwrap_or(false);
        let who = who(&op.summary);
        let says = |phrase: &str| who.contains(phrase);
        let says_anyone = ANYONE.iter().any(|p| says(p));
        let says_everyone = says_anyone || says(SIGNED_IN) || says(ACTIVE);
        let mut check = |holds: bool, rule: &str| {
            if !holds {
                wrong.push(format!("{} ({}): {rule}: {:?}", op.key, op.id, op.summary));
            }
        };
        check(
            says_anyone == may("anonymous"),
            "names anyone exactly when the matrix lets anonymous callers in",
        );
        check(
            !says(SIGNED_IN) || may("pending_buyer"),
            "a signed-in account that is not approved yet is refused",
        );
        check(
            may("anonymous") || !may("pending_buyer") || says(SIGNED_IN),
            "accounts not approved yet are let in: say any signed-in account",
        );
        check(
            !says(ACTIVE) || (may("other_buyer") && may("other_enterprise") && may("admin")),
            "any active account, but some role is refused",
        );
        check(
            may("admin") == (says("admin") || says_everyone),
            "names admins exactly when the matrix lets an admin in",
        );
        check(
            !may("other_enterprise") || says("enterprise") || says_everyone,
            "an enterprise user is let in but not named",
        );
        check(
            !may("other_buyer") || says("buyer") || says_everyone,
            "a buyer is let in but not named",
        );
        check(
            who != "an admin" || !(may("other_buyer") || may("other_enterprise")),
            "admins only, but others are let in",
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn fulfillment_actions_come_in_lifecycle_order() {
    let doc = muhan_api::openapi::document();
    let paths: Vec<&String> = doc.paths.paths.keys().collect();
    let position = |action: &str| {
        let path = format!("/api/v1/fulfillments/{{id}}/{action}");
        paths
            .iter()
            .position(|p| **p == path)
            .unwrap_or_else(|| panic!("{path} is not in the document"))
    };
    let positions: Vec<usize> = LIFECYCLE.iter().map(|a| position(a)).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "fulfillment paths out of lifecycle order: {positions:?} for {LIFECYCLE:?}"
    );
    // Placing and following an order comes before acting on its fulfillments, and listing
    // them and the settlements after.
    assert!(position_of(&paths, "/api/v1/orders/{id}/cancel") < positions[0]);
    assert!(position_of(&paths, "/api/v1/fulfillments") > positions[LIFECYCLE.len() - 1]);
    assert!(
        position_of(&paths, "/api/v1/settlements") > position_of(&paths, "/api/v1/fulfillments")
    );
}

fn position_of(paths: &[&String], path: &str) -> usize {
    paths
        .iter()
        .position(|p| *p == path)
        .unwrap_or_else(|| panic!("{path} is not in the document"))
}

#[test]
fn tags_are_in_the_order_people_use_them() {
    let doc = serde_json::to_value(muhan_api::openapi::document()).unwrap();
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, TAGS);
    // The operations follow the same order: each tag's operations together, tag after tag.
    let mut last = 0;
    for op in operations() {
        let index = TAGS
            .iter()
            .position(|t| *t == op.tag)
            .unwrap_or_else(|| panic!("{} has tag {:?}, not in the tags list", op.key, op.tag));
        assert!(
            index >= last,
            "{} ({}) comes after operations tagged {}",
            op.key,
            op.tag,
            TAGS[last]
        );
        last = index;
    }
}
