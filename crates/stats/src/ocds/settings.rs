//! What the publisher says about itself in the package, and the ocid prefix: settings, checked
//! once at start-up (`OcdsSettings::problems`).

/// The publisher's settings for the OCDS export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsSettings {
    /// The prefix OCP assigns a publisher: `ocds-` and six lowercase letters or digits
    /// (every `ocid` is `<prefix>-rfq-<id>` or `<prefix>-order-<id>`).
    pub ocid_prefix: String,
    pub publisher_name: String,
    /// An absolute http(s) URI identifying the publisher.
    pub publisher_uri: Option<String>,
    /// The licence the data is published under (an absolute http(s) URI).
    pub license: Option<String>,
    /// The publisher's publication policy (an absolute http(s) URI).
    pub publication_policy: Option<String>,
    /// Where clients reach the server (`https://muhan.example.org`), for the package `uri`;
    /// `None`: the address the request was sent to.
    pub public_base_url: Option<String>,
}

/// A placeholder in the registered prefixes' format; a publisher registers its own with the
/// Open Contracting Partnership and sets it.
pub const DEFAULT_OCID_PREFIX: &str = "ocds-muhan1";
pub const DEFAULT_PUBLISHER_NAME: &str = "무한상사 사회적협동조합";
/// Creative Commons Attribution 4.0, an Open Definition conformant licence.
pub const DEFAULT_LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

impl Default for OcdsSettings {
    fn default() -> Self {
        Self {
            ocid_prefix: DEFAULT_OCID_PREFIX.into(),
            publisher_name: DEFAULT_PUBLISHER_NAME.into(),
            publisher_uri: None,
            license: Some(DEFAULT_LICENSE.into()),
            publication_policy: None,
            public_base_url: None,
        }
    }
}

impl OcdsSettings {
    /// One message per bad setting, each naming its configuration key (`ocds_…`,
    /// `public_base_url`); empty when all are good.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !is_ocid_prefix(&self.ocid_prefix) {
            problems.push(format!(
                "ocds_ocid_prefix must be `ocds-` and six lowercase letters or digits (the form \
                 OCP registers), not {:?}",
                self.ocid_prefix
            ));
        }
        let name = self.publisher_name.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            problems.push("ocds_publisher_name must be one line of 1 to 200 characters".into());
        }
        for (key, value) in [
            ("ocds_publisher_uri", &self.publisher_uri),
            ("ocds_license", &self.license),
            ("ocds_publication_policy", &self.publication_policy),
            ("public_base_url", &self.public_base_url),
        ] {
            if let Some(value) = value {
                if !is_http_uri(value) {
                    problems.push(format!(
                        "{key} must be an absolute http(s) URI, not {value:?}"
                    ));
                }
            }
        }
        if let Some(base) = &self.public_base_url {
            if base.contains(['?', '#']) {
                problems.push("public_base_url must have no query or fragment".into());
            }
        }
        problems
    }
}

fn is_ocid_prefix(prefix: &str) -> bool {
    prefix.strip_prefix("ocds-").is_some_and(|code| {
        code.len() == 6
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// `http://` or `https://`, a host, and only characters a URI may hold unescaped.
pub(crate) fn is_http_uri(value: &str) -> bool {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && !host.starts_with(':')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_good() {
        assert_eq!(OcdsSettings::default().problems(), Vec::<String>::new());
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = OcdsSettings {
            ocid_prefix: "ocds-Muhan01-".into(),
            publisher_name: " ".into(),
            publisher_uri: Some("muhan.example.org".into()),
            license: Some("https://".into()),
            publication_policy: Some("ftp://x.org/p".into()),
            public_base_url: Some("https://x.org/?a".into()),
        };
        let problems = bad.problems();
        for key in [
            "ocds_ocid_prefix",
            "ocds_publisher_name",
            "ocds_publisher_uri",
            "ocds_license",
            "ocds_publication_policy",
            "public_base_url",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(key)),
                "{key}: {problems:?}"
            );
        }
        assert!(is_http_uri("http://127.0.0.1:8080"));
        assert!(!is_http_uri("https://a b.org"));
    }
}
