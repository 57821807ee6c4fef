//! The input rules every operation shares, written into the document once here instead of on
//! every field:
//! - the text rule (`muhan_core::text::check_input`) as a `pattern` on every string input
//!   (parameters and the request body schemas), and the stricter name rule (`text::line`:
//!   one line, nothing invisible, not blank) and value formats on the fields listed in `RULES`;
//! - integers are `i64` unless bounded more narrowly: beyond that range a value is refused;
//! - parameters are never `null` (a query parameter is present or absent);
//! - paging (`limit` ≥ 1, `cursor` opaque base64url), `If-Match` and `Idempotency-Key`.
//!
//! Lengths and ranges particular to a field are on the field itself (`#[schema(...)]`).

use utoipa::openapi::path::{Operation, Parameter};
use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// White space `str::trim` removes that the text rule lets through.
const WS: &str = r"\t\n\r \xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// What the text rule refuses: control characters but tab and line breaks, bidi controls.
const REFUSED: &str =
    r"\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069";
/// What a name may not contain besides: every control and invisible format character (Cf).
const INVISIBLE: &str = r"\x00-\x1F\x7F-\x9F\xAD\u0600-\u0605\u061C\u06DD\u070F\u0890\u0891\u08E2\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB";

/// Any string input (`text::check_input`).
pub fn text() -> String {
    format!("^[^{REFUSED}]*$")
}

/// A text the server trims before it counts `min..=max` characters (`text::line` with
/// `forbidden = INVISIBLE`, `text::free` with `REFUSED`): white space around it is allowed
/// and not counted, so the bounds are in the pattern, not in `minLength`/`maxLength`.
pub fn trimmed(forbidden: &str, min: usize, max: usize) -> String {
    let edge = format!("[^{forbidden}{WS}]");
    let mut core = match max {
        0 => String::new(),
        1 => edge.clone(),
        usize::MAX => format!("{edge}([^{forbidden}]*{edge})?"),
        _ => format!("{edge}([^{forbidden}]{{0,{}}}{edge})?", max - 2),
    };
    if min == 0 && max > 0 {
        core = format!("({core})?");
    }
    format!("^[{WS}]*{core}[{WS}]*$")
}

#[derive(Clone, Copy)]
enum Rule {
    /// `text::line`: one line, nothing invisible; bounds from the field's min/max length.
    Line,
    /// `text::free`: line breaks allowed; bounds from the field's min/max length.
    Free,
    /// `values::district_code`
    District,
    /// `values::phone`: 7–15 digits with `+ - ( )` and spaces, at most 20 characters.
    /// (The server also trims white space around these three; the document names the
    /// canonical form.)
    Phone,
    /// `BizRegNo::parse`: `1234567890` or `123-45-67890` (the check digit is checked too).
    BizRegNo,
    /// `categories::create`: 8 digits, not starting with `00`.
    CategoryCode,
}

impl Rule {
    fn fixed_pattern(self) -> Option<&'static str> {
        match self {
            Rule::Line | Rule::Free => None,
            Rule::District => Some("^[0-9]{5}$"),
            Rule::Phone => Some("^[+() -]*([0-9][+() -]*){7,15}$"),
            Rule::BizRegNo => Some("^([0-9]{10}|[0-9]{3}-[0-9]{2}-[0-9]{5})$"),
            Rule::CategoryCode => Some("^(0[1-9]|[1-9][0-9])[0-9]{6}$"),
        }
    }
}

/// (schema, property, rule): the fields with a rule stricter than the text rule.
const RULES: &[(&str, &str, Rule)] = &[
    ("BuyerSignupRequest", "display_name", Rule::Line),
    ("EnterpriseSignupRequest", "display_name", Rule::Line),
    ("EnterpriseInput", "name", Rule::Line),
    ("EnterpriseInput", "biz_reg_no", Rule::BizRegNo),
    ("EnterpriseInput", "district", Rule::District),
    ("EnterpriseInput", "representative", Rule::Line),
    ("EnterpriseInput", "phone", Rule::Phone),
    ("EnterpriseInput", "address", Rule::Line),
    ("EnterprisePatch", "name", Rule::Line),
    ("EnterprisePatch", "district", Rule::District),
    ("EnterprisePatch", "representative", Rule::Line),
    ("EnterprisePatch", "phone", Rule::Phone),
    ("EnterprisePatch", "address", Rule::Line),
    ("AgencyInput", "name", Rule::Line),
    ("AgencyInput", "district", Rule::District),
    ("AgencyPatch", "name", Rule::Line),
    ("AgencyPatch", "district", Rule::District),
    ("NewCategoryRequest", "code", Rule::CategoryCode),
    ("NewCategoryRequest", "name", Rule::Line),
    ("NewCategoryRequest", "name_en", Rule::Line),
    ("ProductInput", "name", Rule::Line),
    ("ProductInput", "unit", Rule::Line),
    ("ProductPatch", "name", Rule::Line),
    ("ProductPatch", "unit", Rule::Line),
    ("RejectRequest", "reason", Rule::Free),
    ("ReasonRequest", "reason", Rule::Free),
    ("InspectRequest", "note", Rule::Free),
    ("OrderRequest", "note", Rule::Free),
    ("ProductInput", "description", Rule::Free),
    ("ProductPatch", "description", Rule::Free),
    ("EnterpriseInput", "description", Rule::Free),
    ("EnterprisePatch", "description", Rule::Free),
    ("DeliveryRequest", "address", Rule::Line),
    ("DeliveryRequest", "district", Rule::District),
];

/// The (schema, property) pairs of `RULES`, for the test that each names a real field.
#[cfg(test)]
pub fn ruled_fields() -> impl Iterator<Item = (&'static str, &'static str)> {
    RULES.iter().map(|(s, p, _)| (*s, *p))
}

pub fn complete(doc: &mut OpenApi) {
    let mut bodies = Vec::new();
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            parameters(operation);
            if let Some(body) = &operation.request_body {
                for content in body.content.values() {
                    if let Some(schema) = &content.schema {
                        collect_refs(schema, &mut bodies);
                    }
                }
            }
        }
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    // Every schema a request body reaches, transitively.
    let mut inputs: Vec<String> = Vec::new();
    while let Some(name) = bodies.pop() {
        if inputs.contains(&name) {
            continue;
        }
        if let Some(schema) = components.schemas.get(&name) {
            collect_refs(schema, &mut bodies);
        }
        inputs.push(name);
    }
    for name in &inputs {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) else {
            continue;
        };
        for (property, schema) in object.properties.iter_mut() {
            let rule = RULES
                .iter()
                .find(|(s, p, _)| s == name && p == property)
                .map(|(_, _, r)| *r);
            if let RefOr::T(schema) = schema {
                value_rules(schema, rule);
            }
        }
    }
}

/// The names of the component schemas `schema` refers to.
fn collect_refs(schema: &RefOr<Schema>, out: &mut Vec<String>) {
    match schema {
        RefOr::Ref(r) => {
            if let Some(name) = r.ref_location.rsplit('/').next() {
                out.push(name.to_owned());
            }
        }
        RefOr::T(Schema::Object(o)) => o.properties.values().for_each(|p| collect_refs(p, out)),
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(items) = &a.items {
                collect_refs(items, out);
            }
        }
        RefOr::T(Schema::OneOf(o)) => o.items.iter().for_each(|i| collect_refs(i, out)),
        RefOr::T(Schema::AllOf(o)) => o.items.iter().for_each(|i| collect_refs(i, out)),
        RefOr::T(Schema::AnyOf(o)) => o.items.iter().for_each(|i| collect_refs(i, out)),
        RefOr::T(_) => {}
    }
}

fn is(schema_type: &SchemaType, wanted: Type) -> bool {
    match schema_type {
        SchemaType::Type(t) => *t == wanted,
        SchemaType::Array(types) => types.contains(&wanted),
        SchemaType::AnyValue => false,
    }
}

/// The text rule (or `rule`) on a string, the `i64` range on an integer, inside arrays too.
fn value_rules(schema: &mut Schema, rule: Option<Rule>) {
    match schema {
        Schema::Object(o) if is(&o.schema_type, Type::String) => {
            if o.pattern.is_some() || o.enum_values.is_some() || o.format.is_some() {
                return;
            }
            let forbidden = match rule {
                Some(Rule::Line) => Some(INVISIBLE),
                Some(Rule::Free) => Some(REFUSED),
                _ => None,
            };
            o.pattern = Some(match (rule.and_then(Rule::fixed_pattern), forbidden) {
                (Some(fixed), _) => fixed.to_owned(),
                (None, Some(forbidden)) => {
                    let (min, max) = (o.min_length.take(), o.max_length.take());
                    trimmed(forbidden, min.unwrap_or(0), max.unwrap_or(usize::MAX))
                }
                (None, None) => text(),
            });
        }
        Schema::Object(o) if is(&o.schema_type, Type::Integer) => {
            o.minimum.get_or_insert(i64::MIN.into());
            o.maximum.get_or_insert(i64::MAX.into());
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                if let RefOr::T(items) = items.as_mut() {
                    value_rules(items, rule);
                }
            }
        }
        _ => {}
    }
}

/// A parameter is present or absent, never `null`: `T | null` becomes `T`.
fn not_null(schema: &mut RefOr<Schema>) {
    let replacement = match schema {
        RefOr::T(Schema::Object(o)) => {
            if let SchemaType::Array(types) = &o.schema_type {
                let rest: Vec<Type> = types
                    .iter()
                    .filter(|t| **t != Type::Null)
                    .cloned()
                    .collect();
                if rest.len() == 1 {
                    o.schema_type = SchemaType::Type(rest[0].clone());
                }
            }
            None
        }
        RefOr::T(Schema::OneOf(one)) => {
            let rest: Vec<RefOr<Schema>> = one
                .items
                .iter()
                .filter(|i| {
                    !matches!(i, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null))
                })
                .cloned()
                .collect();
            (rest.len() == 1).then(|| rest[0].clone())
        }
        _ => None,
    };
    if let Some(r) = replacement {
        *schema = r;
    }
}

fn parameters(operation: &mut Operation) {
    for p in operation.parameters.iter_mut().flatten() {
        parameter(p);
    }
}

fn parameter(p: &mut Parameter) {
    let Some(schema) = p.schema.as_mut() else {
        return;
    };
    not_null(schema);
    let RefOr::T(Schema::Object(o)) = schema else {
        return;
    };
    match p.name.as_str() {
        // `pagination::page_limit`: at least 1; larger than 100 is capped, not refused.
        "limit" => {
            o.minimum = Some(1.into());
        }
        // `muhan_core::cursor`: base64url (no padding) of a short JSON key.
        "cursor" => {
            o.pattern = Some("^[A-Za-z0-9_-]+$".to_owned());
            o.min_length = Some(1);
            o.max_length = Some(256);
        }
        // `if_match::IfMatch`: `"3"`, `W/"3"`, `3` or `*`; a version is a positive integer.
        "If-Match" => {
            o.pattern = Some(r#"^(\*|(W/)?("0*[1-9][0-9]{0,17}"|0*[1-9][0-9]{0,17}))$"#.to_owned());
            o.min_length = Some(1);
            o.max_length = Some(23);
        }
        // `idempotency::parse_key`: 1–255 printable ASCII characters (a header value cannot
        // begin or end with a space).
        "Idempotency-Key" => {
            o.pattern = Some(r"^[\x21-\x7E]([\x20-\x7E]*[\x21-\x7E])?$".to_owned());
            o.min_length = Some(1);
            o.max_length = Some(255);
        }
        _ => {}
    }
    if let Some(RefOr::T(s)) = p.schema.as_mut() {
        value_rules(s, None);
    }
}
