//! The dashboard: served from the binary with strict headers, hashed immutable assets.
use muhan_tests::spawn_app;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The `src`/`href` values under `./assets/` in index.html.
fn asset_refs(html: &str) -> Vec<String> {
    html.split("\"./assets/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_with_strict_headers() {
    let app = spawn_app().await;
    let res = client()
        .get(format!("{}/dashboard/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-type").starts_with("text/html"));
    let csp = header(&res, "content-security-policy");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    assert!(!header(&res, "referrer-policy").is_empty());
    assert_eq!(header(&res, "cache-control"), "no-cache");
    let html = res.text().await.unwrap();
    for tag in html.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap();
        assert!(open.contains("src="), "inline script: <script{open}>");
    }
    assert!(!html.contains("style="), "inline style attribute");
    let refs = asset_refs(&html);
    assert!(refs.len() >= 3, "{refs:?}");
    for name in refs {
        let res = client()
            .get(format!("{}/dashboard/assets/{name}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{name}");
        let ct = header(&res, "content-type");
        let want = if name.ends_with(".css") {
            "text/css"
        } else if name.ends_with(".svg") {
            "image/svg+xml"
        } else {
            "text/javascript"
        };
        assert!(ct.starts_with(want), "{name}: {ct}");
        assert_eq!(
            header(&res, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&res, "x-content-type-options"), "nosniff");
        // Hashed name: stem.<12 hex>.ext
        let parts: Vec<&str> = name.split('.').collect();
        let hash = parts[parts.len() - 2];
        assert!(
            hash.len() == 12 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}"
        );
        let body = res.text().await.unwrap();
        assert!(!body.is_empty());
        // Module imports point at hashed names too.
        for import in body.split("from './").skip(1) {
            let target = import.split('\'').next().unwrap();
            let ok = client()
                .get(format!("{}/dashboard/assets/{target}", app.address))
                .send()
                .await
                .unwrap();
            assert_eq!(ok.status(), 200, "{name} imports {target}");
        }
    }
}

#[tokio::test]
async fn root_redirects_and_unknown_assets_are_404() {
    let app = spawn_app().await;
    for path in ["/", "/dashboard"] {
        let res = client()
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert!(
            [302, 307, 308].contains(&res.status().as_u16()),
            "{path}: {}",
            res.status()
        );
        assert_eq!(header(&res, "location"), "/dashboard/");
    }
    let res = client()
        .get(format!(
            "{}/dashboard/assets/app.000000000000.js",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = client()
        .post(format!("{}/dashboard/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
}
