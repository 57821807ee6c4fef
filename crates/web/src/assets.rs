//! The embedded assets and their content-hashed names, computed once at start-up.
//!
//! Each asset may refer to assets listed before it by their plain name (`./api.js`); those
//! references are rewritten to the hashed names before the asset's own hash is taken, so a
//! change anywhere changes every name that depends on it.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::LazyLock;

/// One embedded file: plain name, content type, bytes.
struct Source {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";

/// In dependency order: an asset refers only to those above it.
const SOURCES: [Source; 9] = [
    Source {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../assets/favicon.svg"),
    },
    Source {
        name: "chart.umd.min.js",
        content_type: JS,
        bytes: include_bytes!("../assets/vendor/chart.umd.min.js"),
    },
    Source {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/style.css"),
    },
    Source {
        name: "format.js",
        content_type: JS,
        bytes: include_bytes!("../assets/format.js"),
    },
    Source {
        name: "api.js",
        content_type: JS,
        bytes: include_bytes!("../assets/api.js"),
    },
    Source {
        name: "tables.js",
        content_type: JS,
        bytes: include_bytes!("../assets/tables.js"),
    },
    Source {
        name: "charts.js",
        content_type: JS,
        bytes: include_bytes!("../assets/charts.js"),
    },
    Source {
        name: "queues.js",
        content_type: JS,
        bytes: include_bytes!("../assets/queues.js"),
    },
    Source {
        name: "app.js",
        content_type: JS,
        bytes: include_bytes!("../assets/app.js"),
    },
];

const INDEX: &str = include_str!("../assets/index.html");

/// A servable asset.
pub struct Asset {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

pub struct Bundle {
    /// Hashed name → asset.
    pub assets: HashMap<String, Asset>,
    /// index.html with every reference rewritten to the hashed names.
    pub index: String,
}

static BUNDLE: LazyLock<Bundle> = LazyLock::new(build);

pub fn bundle() -> &'static Bundle {
    &BUNDLE
}

fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = hex::encode(Sha256::digest(bytes));
    let short = digest.get(..12).unwrap_or(&digest);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
        None => format!("{name}.{short}"),
    }
}

/// Replaces `./name` by `./hashed` for every already hashed asset.
fn rewrite(text: &str, renamed: &[(&str, String)]) -> String {
    renamed
        .iter()
        .fold(text.to_owned(), |acc, (plain, hashed)| {
            acc.replace(&format!("./{plain}"), &format!("./{hashed}"))
        })
}

fn build() -> Bundle {
    let mut renamed: Vec<(&str, String)> = Vec::new();
    let mut assets = HashMap::new();
    for source in &SOURCES {
        let bytes = match std::str::from_utf8(source.bytes) {
            Ok(text) if source.content_type == JS => rewrite(text, &renamed).into_bytes(),
            _ => source.bytes.to_vec(),
        };
        let hashed = hashed_name(source.name, &bytes);
        renamed.push((source.name, hashed.clone()));
        assets.insert(
            hashed,
            Asset {
                content_type: source.content_type,
                bytes,
            },
        );
    }
    let with_folder: Vec<(&str, String)> = renamed
        .iter()
        .map(|(plain, hashed)| (*plain, format!("assets/{hashed}")))
        .collect();
    let index = with_folder
        .iter()
        .fold(INDEX.to_owned(), |acc, (plain, hashed)| {
            acc.replace(&format!("./assets/{plain}"), &format!("./{hashed}"))
        });
    Bundle { assets, index }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_refers_to_hashed_assets_only() {
        let b = bundle();
        for source in &SOURCES {
            assert!(!b.index.contains(&format!("./assets/{}\"", source.name)));
        }
        assert!(b.assets.keys().any(|k| k.starts_with("app.")));
    }
}
