//! The agency directory is public (a buyer finds its agency before signing up) and searchable
//! by name the way the catalog is: syllables anywhere, 초성, Latin case and width folded,
//! best matches first, with kind and district filters and cursors without skips or repeats.
use muhan_tests::{enc, spawn_app};
use serde_json::{json, Value};

const AGENCIES: [(&str, &str, Option<&str>); 7] = [
    ("대구광역시청", "local_government", None),
    ("대구광역시 수성구청", "local_government", Some("27260")),
    ("수성구", "local_government", Some("27260")),
    ("대구광역시교육청", "education_office", None),
    ("대구수성초등학교", "education_office", Some("27260")),
    ("대구도시철도공사", "local_public_enterprise", Some("27140")),
    ("Daegu Medical Center", "other_public", Some("27200")),
];

/// Every page of `query` (no token), followed by its cursors: the names in order.
async fn names(app: &muhan_tests::TestApp, query: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/agencies?limit={limit}{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = app.get(&path, None).await.expect(200);
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        out.extend(items.iter().map(|a| a["name"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(items.len(), limit, "a page before the last is full");
                cursor = Some(next.to_owned());
            }
            None => return out,
        }
    }
}

#[tokio::test]
async fn the_agency_directory_is_public_and_searchable_by_name() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    assert_eq!(names(&app, "", 5).await, Vec::<String>::new());
    let mut ids = Vec::new();
    for (name, kind, district) in AGENCIES {
        let body = json!({"name": name, "kind": kind, "district": district});
        let created = app
            .post("/api/v1/agencies", Some(&admin), &body)
            .await
            .expect(201);
        ids.push(created["id"].as_i64().unwrap());
    }
    let all: Vec<String> = AGENCIES.iter().map(|a| a.0.to_owned()).collect();
    for limit in [1, 2, 3, 100] {
        assert_eq!(names(&app, "", limit).await, all, "id order, limit {limit}");
    }
    let cases: [(&str, &[&str]); 9] = [
        // prefix (3) before contains (2), ties by id
        (
            "수성",
            &["수성구", "대구광역시 수성구청", "대구수성초등학교"],
        ),
        // exact (4) before contains
        ("수성구", &["수성구", "대구광역시 수성구청"]),
        (
            "대구",
            &[
                "대구광역시청",
                "대구광역시 수성구청",
                "대구광역시교육청",
                "대구수성초등학교",
                "대구도시철도공사",
            ],
        ),
        ("교육", &["대구광역시교육청"]),
        ("ㅅㅅㄱ", &["수성구", "대구광역시 수성구청"]),
        ("daegu", &["Daegu Medical Center"]),
        ("ＤＡＥＧＵ medical", &["Daegu Medical Center"]),
        ("없는기관", &[]),
        (
            "  ",
            &[
                "대구광역시청",
                "대구광역시 수성구청",
                "수성구",
                "대구광역시교육청",
                "대구수성초등학교",
                "대구도시철도공사",
                "Daegu Medical Center",
            ],
        ),
    ];
    for (q, expected) in cases {
        for limit in [1, 2, 100] {
            assert_eq!(
                names(&app, &format!("&q={}", enc(q)), limit).await,
                expected.to_vec(),
                "q={q} limit={limit}"
            );
        }
    }
    assert_eq!(
        names(
            &app,
            &format!("&q={}&kind=education_office", enc("대구")),
            1
        )
        .await,
        ["대구광역시교육청", "대구수성초등학교"]
    );
    assert_eq!(
        names(&app, "&district=27260", 2).await,
        ["대구광역시 수성구청", "수성구", "대구수성초등학교"]
    );
    assert_eq!(
        names(&app, &format!("&district=27260&q={}", enc("구청")), 2).await,
        ["대구광역시 수성구청"]
    );

    // One agency, public, with nothing private in it.
    let one = app
        .get(&format!("/api/v1/agencies/{}", ids[2]), None)
        .await
        .expect(200);
    let mut keys: Vec<&str> = one
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["created_at", "district", "id", "kind", "name", "parent_id"]
    );
    assert_eq!(one["name"], "수성구");
    app.get("/api/v1/agencies/999999", None)
        .await
        .expect_problem(404, "not_found");

    // Bad input: a clear 422, whatever the caller.
    for bad in ["kind=nope", "cursor=%25%25%25", "limit=0", "limit=abc"] {
        let reply = app.get(&format!("/api/v1/agencies?{bad}"), None).await;
        assert_eq!(reply.status.as_u16(), 422, "{bad}: {}", reply.text);
        let problem: Value = serde_json::from_str(&reply.text).unwrap();
        assert!(problem["code"].is_string(), "{bad}: {}", reply.text);
    }
}
