//! Validation of OCDS release packages against the OCDS 1.1.5 schemas in
//! `tests/fixtures/ocds-1.1.5/` (draft 4, formats checked), offline: the release schema the
//! package schema `$ref`s by its https URI is registered from the local copy.

use serde_json::Value;

const PACKAGE_SCHEMA: &str = include_str!("../fixtures/ocds-1.1.5/release-package-schema.json");
const RELEASE_SCHEMA: &str = include_str!("../fixtures/ocds-1.1.5/release-schema.json");
const RELEASE_SCHEMA_URI: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";

/// The schema errors of `package` as an OCDS 1.1.5 release package, each as
/// `<instance path>: <message>`; empty when it is valid.
pub fn release_package_errors(package: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(PACKAGE_SCHEMA).expect("package schema is JSON");
    let release: Value = serde_json::from_str(RELEASE_SCHEMA).expect("release schema is JSON");
    let resource = jsonschema::Resource::from_contents(release).expect("release schema resource");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_resource(RELEASE_SCHEMA_URI, resource)
        .build(&schema)
        .expect("the OCDS package schema compiles");
    validator
        .iter_errors(package)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

/// Panics with the list of schema errors unless `package` is a valid OCDS 1.1.5 release
/// package.
#[track_caller]
pub fn assert_valid_release_package(package: &Value) {
    let errors = release_package_errors(package);
    assert!(
        errors.is_empty(),
        "not a valid OCDS 1.1.5 release package ({} errors):\n{}",
        errors.len(),
        errors.join("\n")
    );
}
