//! The API's routes as the OpenAPI document declares them, to answer a known path requested
//! with another method: 405 with `Allow` instead of 404.

use actix_web::http::Method;
use utoipa::openapi::path::PathItem;
use utoipa::openapi::OpenApi;

/// Routes served outside the OpenAPI document (ops and docs; the dashboard adds its own), all
/// read-only.
const UNDOCUMENTED_GET: [&str; 4] = ["/metrics", "/openapi.json", "/docs", "/docs/{rest}"];

#[derive(Debug, Clone)]
pub struct KnownRoutes(Vec<(Vec<String>, Vec<Method>)>);

fn methods_of(item: &PathItem) -> Vec<Method> {
    [
        (Method::GET, item.get.is_some()),
        (Method::PUT, item.put.is_some()),
        (Method::POST, item.post.is_some()),
        (Method::DELETE, item.delete.is_some()),
        (Method::OPTIONS, item.options.is_some()),
        (Method::HEAD, item.head.is_some()),
        (Method::PATCH, item.patch.is_some()),
        (Method::TRACE, item.trace.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, present)| present.then_some(method))
    .collect()
}

fn segments(template: &str) -> Vec<String> {
    template.split('/').map(str::to_owned).collect()
}

impl KnownRoutes {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let mut routes: Vec<(Vec<String>, Vec<Method>)> = doc
            .paths
            .paths
            .iter()
            .map(|(template, item)| (segments(template), methods_of(item)))
            .collect();
        routes.extend(
            UNDOCUMENTED_GET
                .iter()
                .chain(muhan_web::PATHS.iter())
                .map(|template| (segments(template), vec![Method::GET])),
        );
        Self(routes)
    }

    /// The methods served on `path` (empty: no such path).
    pub fn allowed(&self, path: &str) -> Vec<Method> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut allowed: Vec<Method> = Vec::new();
        for (template, methods) in &self.0 {
            let matches = template.len() == parts.len()
                && template.iter().zip(&parts).all(|(t, p)| {
                    if t.starts_with('{') && t.ends_with('}') {
                        !p.is_empty()
                    } else {
                        t == p
                    }
                });
            if matches {
                for m in methods {
                    if !allowed.contains(m) {
                        allowed.push(m.clone());
                    }
                }
            }
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_methods_of_a_templated_path() {
        let routes = KnownRoutes(vec![
            (
                segments("/api/v1/products/{id}"),
                vec![Method::GET, Method::PATCH],
            ),
            (segments("/api/v1/products/{id}/stock"), vec![Method::PUT]),
        ]);
        assert_eq!(
            routes.allowed("/api/v1/products/7"),
            vec![Method::GET, Method::PATCH]
        );
        assert_eq!(
            routes.allowed("/api/v1/products/7/stock"),
            vec![Method::PUT]
        );
        assert!(routes.allowed("/api/v1/products/").is_empty());
        assert!(routes.allowed("/api/v1/nothing").is_empty());
    }
}
