//! The OCDS export: live data (catalog orders, one paid and one cancelled; a request awarded
//! to two enterprises; a cancelled request; an open sealed request; processes of the year
//! before) exported as a release package that the OCDS 1.1.5 schema accepts and that tells
//! the processes truthfully; the year filter; who may fetch it.
use muhan_tests::ocds::{assert_valid_release_package, release_package_errors};
use muhan_tests::{order_body, spawn_app, spawn_app_with, Market, TestApp, TestEnterprise};
use serde_json::{json, Value};

const PREFIX: &str = "ocds-tst001";

fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

fn days_from_today(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

async fn releases(app: &TestApp, token: &str, year: i32) -> Value {
    let package = app
        .get(&format!("/api/v1/ocds/releases?year={year}"), Some(token))
        .await
        .expect(200);
    assert_valid_release_package(&package);
    package
}

fn release<'a>(package: &'a Value, ocid: &str) -> &'a Value {
    package["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ocid"] == ocid)
        .unwrap_or_else(|| panic!("no release {ocid} in {package}"))
}

fn ocids(package: &Value) -> Vec<String> {
    let mut ocids: Vec<String> = package["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ocid"].as_str().unwrap().to_owned())
        .collect();
    ocids.sort();
    ocids
}

fn party<'a>(release: &'a Value, id: &str) -> &'a Value {
    release["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no party {id} in {}", release["parties"]))
}

fn roles(party: &Value) -> Vec<&str> {
    party["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect()
}

/// The enterprise's party id, after checking its `KR-BRN` identifier is its registration
/// number as the API shows it.
async fn supplier_id(app: &TestApp, release: &Value, seller: &TestEnterprise) -> String {
    let shown = app
        .get(&format!("/api/v1/enterprises/{}", seller.id), None)
        .await
        .expect(200);
    let brn = shown["biz_reg_no"].as_str().unwrap();
    let id = format!("KR-BRN-{brn}");
    let p = party(release, &id);
    assert_eq!(p["identifier"]["scheme"], "KR-BRN");
    assert_eq!(p["identifier"]["id"], brn);
    assert_eq!(p["name"], shown["name"]);
    assert_eq!(p["address"]["locality"], "중구");
    assert_eq!(p["address"]["region"], "대구광역시");
    id
}

async fn act(app: &TestApp, token: &str, fulfillment: i64, action: &str, body: Value) {
    app.post(
        &format!("/api/v1/fulfillments/{fulfillment}/{action}"),
        Some(token),
        &body,
    )
    .await
    .expect(200);
}

/// Moves a row's `created_at` to the middle of last year.
async fn backdate(app: &TestApp, table: &'static str, id: i64) {
    use diesel::prelude::*;
    use muhan_db::schema::{orders as o, procurement_requests as pr};
    let pool = app.pool.clone();
    let at = chrono::NaiveDate::from_ymd_opt(this_year() - 1, 6, 15)
        .unwrap()
        .and_hms_opt(3, 0, 0)
        .unwrap();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let changed = match table {
            "orders" => diesel::update(o::table.find(id))
                .set(o::created_at.eq(at))
                .execute(&mut **conn),
            _ => diesel::update(pr::table.find(id))
                .set(pr::created_at.eq(at))
                .execute(&mut **conn),
        };
        assert_eq!(changed.unwrap(), 1);
    })
    .await
    .unwrap();
}

async fn place(app: &TestApp, m: &Market, key: &str, lines: &[(i64, i64)]) -> Value {
    app.order(&m.buyer, key, &order_body(lines))
        .await
        .expect(201)
}

async fn open_request(app: &TestApp, m: &Market, category: i64, extra: Value) -> i64 {
    let mut body = json!({
        "title": "행사용 커피 구매",
        "category_id": category,
        "description": "원두 1kg",
        "quantity": 20,
        "unit": "봉",
        "budget_won": 1_000_000,
        "delivery_district": "27110",
        "deliver_by": days_from_today(30),
        "allow_consortium": true,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.post("/api/v1/procurement-requests", Some(&m.buyer), &body)
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap()
}

async fn quote(app: &TestApp, seller: &TestEnterprise, request: i64, unit_price: i64) -> i64 {
    app.post(
        &format!("/api/v1/procurement-requests/{request}/quotes"),
        Some(&seller.token),
        &json!({"unit_price_won": unit_price, "quantity": 10, "lead_time_days": 5}),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn ocds_package_of_live_data_is_valid_and_tells_each_process() {
    let app = spawn_app_with(|c| {
        c.ocds_ocid_prefix = PREFIX.into();
        c.ocds_publisher_uri = Some("https://muhan.example.org/about".into());
        c.public_base_url = Some("https://muhan.example.org/".into());
    })
    .await;
    let m = app.market(1, 10_000, 100).await;
    let (s0, s1, s2) = (&m.sellers[0].0, &m.sellers[1].0, &m.sellers[2].0);
    let (p0, p1) = (m.sellers[0].1[0], m.sellers[1].1[0]);
    let category = app.category("50201706").await;

    // A catalog order of two enterprises; seller 0's part runs until paid.
    let paid = place(&app, &m, "ocds-paid", &[(p0, 3), (p1, 2)]).await;
    let paid_part = paid["fulfillments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["enterprise_id"] == s0.id)
        .unwrap()
        .clone();
    let fid = paid_part["id"].as_i64().unwrap();
    for action in ["accept", "ship", "deliver"] {
        act(&app, &s0.token, fid, action, json!({})).await;
    }
    act(&app, &m.buyer, fid, "inspect", json!({"passed": true})).await;
    act(&app, &s0.token, fid, "claim-payment", json!({})).await;
    act(&app, &m.buyer, fid, "mark-paid", json!({})).await;
    // A cancelled catalog order.
    let cancelled = place(&app, &m, "ocds-cancelled", &[(p1, 1)]).await;
    app.post(
        &format!("/api/v1/orders/{}/cancel", cancelled["id"]),
        Some(&m.buyer),
        &json!({}),
    )
    .await
    .expect(200);
    // A request awarded to two enterprises.
    let awarded = open_request(&app, &m, category, json!({})).await;
    let q0 = quote(&app, s0, awarded, 9_000).await;
    let q2 = quote(&app, s2, awarded, 9_500).await;
    let rfq_order = app
        .award(
            &m.buyer,
            awarded,
            "ocds-award",
            &json!({"quote_ids": [q0, q2]}),
        )
        .await
        .expect(201);
    // A cancelled request with a quote.
    let withdrawn = open_request(&app, &m, category, json!({})).await;
    quote(&app, s1, withdrawn, 9_900).await;
    app.post(
        &format!("/api/v1/procurement-requests/{withdrawn}/cancel"),
        Some(&m.buyer),
        &json!({}),
    )
    .await
    .expect(200);
    // An open request whose quotes are sealed until tomorrow.
    let sealed = open_request(
        &app,
        &m,
        category,
        json!({"quotes_due": format!("{}T12:00:00Z", days_from_today(1))}),
    )
    .await;
    quote(&app, s1, sealed, 9_800).await;
    // Last year's: a catalog order and a request.
    let old_order = place(&app, &m, "ocds-old", &[(p0, 1)]).await;
    backdate(&app, "orders", old_order["id"].as_i64().unwrap()).await;
    let old_request = open_request(&app, &m, category, json!({})).await;
    backdate(&app, "procurement_requests", old_request).await;

    let year = this_year();
    let package = releases(&app, &m.admin, year).await;
    assert_eq!(
        package["uri"],
        format!("https://muhan.example.org/api/v1/ocds/releases?year={year}")
    );
    assert_eq!(package["version"], "1.1");
    let latest = package["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| chrono::DateTime::parse_from_rfc3339(r["date"].as_str().unwrap()).unwrap())
        .max()
        .unwrap();
    let published =
        chrono::DateTime::parse_from_rfc3339(package["publishedDate"].as_str().unwrap()).unwrap();
    assert_eq!(published, latest, "generated on demand: the last change");
    assert_eq!(package["publisher"]["name"], "무한상사 사회적협동조합");
    assert_eq!(
        package["publisher"]["uri"],
        "https://muhan.example.org/about"
    );
    assert_eq!(
        package["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    let order_ocid = |o: &Value| format!("{PREFIX}-order-{}", o["id"]);
    let rfq_ocid = |id: i64| format!("{PREFIX}-rfq-{id}");
    let mut expected = vec![
        order_ocid(&paid),
        order_ocid(&cancelled),
        rfq_ocid(awarded),
        rfq_ocid(withdrawn),
        rfq_ocid(sealed),
    ];
    expected.sort();
    assert_eq!(
        ocids(&package),
        expected,
        "the rfq order is no process of its own; last year's are out"
    );
    for r in package["releases"].as_array().unwrap() {
        assert!(r["id"]
            .as_str()
            .unwrap()
            .starts_with(r["ocid"].as_str().unwrap()));
        assert_eq!(r["initiationType"], "tender");
        let buyer = party(r, r["buyer"]["id"].as_str().unwrap());
        assert_eq!(buyer["name"], "대구광역시청");
        assert!(roles(buyer).contains(&"buyer"));
        assert_eq!(buyer["address"]["locality"], "중구");
    }

    // The paid catalog order: direct procurement, its total the award, a payment.
    let r = release(&package, &order_ocid(&paid));
    assert_eq!(r["tender"]["procurementMethod"], "direct");
    assert_eq!(r["tender"]["status"], "complete");
    let award = &r["awards"][0];
    assert_eq!(award["id"], paid["order_no"]);
    assert_eq!(award["status"], "active");
    assert_eq!(
        award["value"],
        json!({"amount": paid["total_won"], "currency": "KRW"})
    );
    let sup0 = supplier_id(&app, r, s0).await;
    let sup1 = supplier_id(&app, r, s1).await;
    let suppliers: Vec<&Value> = award["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert_eq!(suppliers, vec![&json!(sup0), &json!(sup1)]);
    assert_eq!(roles(party(r, &sup0)), vec!["supplier"]);
    assert_eq!(award["items"].as_array().unwrap().len(), 2);
    assert_eq!(award["items"][0]["classification"]["scheme"], "UNSPSC");
    assert_eq!(award["items"][0]["classification"]["id"], "50201706");
    assert_eq!(
        award["items"][0]["unit"]["value"],
        json!({"amount": 10_000, "currency": "KRW"})
    );
    let contract = r["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == format!("fulfillment-{fid}"))
        .unwrap();
    assert_eq!(contract["awardID"], paid["order_no"]);
    assert_eq!(contract["status"], "terminated");
    assert_eq!(contract["value"]["amount"], paid_part["subtotal_won"]);
    let payment = &contract["implementation"]["transactions"][0];
    assert_eq!(payment["value"]["amount"], paid_part["subtotal_won"]);
    assert_eq!(payment["payer"], r["buyer"]);
    assert!(contract["period"]["startDate"].is_string());
    let other = r["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] != contract["id"])
        .unwrap();
    assert_eq!(other["status"], "pending");
    let tags = r["tag"].as_array().unwrap();
    for tag in [
        "tender",
        "award",
        "contract",
        "implementation",
        "contractTermination",
    ] {
        assert!(tags.contains(&json!(tag)), "{tag} in {tags:?}");
    }

    // The cancelled catalog order.
    let r = release(&package, &order_ocid(&cancelled));
    assert_eq!(r["awards"][0]["status"], "cancelled");
    assert_eq!(r["awards"][0]["value"]["amount"], cancelled["total_won"]);
    assert_eq!(r["contracts"][0]["status"], "cancelled");
    assert!(r["tag"]
        .as_array()
        .unwrap()
        .contains(&json!("awardCancellation")));

    // The request awarded to two enterprises: one award (the rfq order), two contracts.
    let r = release(&package, &rfq_ocid(awarded));
    let tender = &r["tender"];
    assert_eq!(tender["status"], "complete");
    assert_eq!(tender["procurementMethod"], "selective");
    assert_eq!(
        tender["value"],
        json!({"amount": 1_000_000, "currency": "KRW"})
    );
    assert_eq!(tender["items"][0]["quantity"], 20);
    assert_eq!(tender["items"][0]["unit"]["name"], "봉");
    assert_eq!(tender["items"][0]["classification"]["id"], "50201706");
    assert_eq!(tender["numberOfTenderers"], 2);
    let sup0 = supplier_id(&app, r, s0).await;
    let sup2 = supplier_id(&app, r, s2).await;
    let tenderers: Vec<&Value> = tender["tenderers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert_eq!(tenderers, vec![&json!(sup0), &json!(sup2)]);
    assert_eq!(roles(party(r, &sup2)), vec!["tenderer", "supplier"]);
    assert_eq!(r["awards"].as_array().unwrap().len(), 1);
    assert_eq!(r["awards"][0]["id"], rfq_order["order_no"]);
    assert_eq!(r["awards"][0]["value"]["amount"], rfq_order["total_won"]);
    assert_eq!(rfq_order["total_won"], 9_000 * 10 + 9_500 * 10);
    assert_eq!(r["contracts"].as_array().unwrap().len(), 2);
    assert!(r["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["status"] == "pending"));

    // The cancelled request: its tenderer is public, nothing was awarded.
    let r = release(&package, &rfq_ocid(withdrawn));
    assert_eq!(r["tender"]["status"], "cancelled");
    assert_eq!(r["tender"]["numberOfTenderers"], 1);
    assert!(r["tag"]
        .as_array()
        .unwrap()
        .contains(&json!("tenderCancellation")));
    assert!(r.get("awards").is_none());

    // The open sealed request: active, its deadline shown, its quote not.
    let r = release(&package, &rfq_ocid(sealed));
    assert_eq!(r["tender"]["status"], "active");
    assert!(r["tender"]["tenderPeriod"]["endDate"]
        .as_str()
        .unwrap()
        .ends_with("T12:00:00Z"));
    assert!(r["tender"].get("tenderers").is_none());
    assert!(r["tender"].get("numberOfTenderers").is_none());
    assert_eq!(
        r["parties"].as_array().unwrap().len(),
        1,
        "only the buyer: {}",
        r["parties"]
    );
    assert_eq!(r["tag"], json!(["tender"]));

    // Last year's package holds last year's processes only.
    let old = releases(&app, &m.admin, year - 1).await;
    assert_eq!(
        old["uri"],
        format!(
            "https://muhan.example.org/api/v1/ocds/releases?year={}",
            year - 1
        )
    );
    let mut expected = vec![order_ocid(&old_order), rfq_ocid(old_request)];
    expected.sort();
    assert_eq!(ocids(&old), expected);
    // A year without processes has no package; the year is required and bounded.
    app.get("/api/v1/ocds/releases?year=2001", Some(&m.admin))
        .await
        .expect_problem(404, "not_found");
    for bad in ["?year=1999", "?year=2101", "?year=twenty", ""] {
        app.get(&format!("/api/v1/ocds/releases{bad}"), Some(&m.admin))
            .await
            .expect_problem(422, "validation_failed");
    }
}

#[tokio::test]
async fn ocds_releases_are_for_admins_with_the_default_publisher_settings() {
    let app = spawn_app().await;
    let m = app.market(1, 10_000, 10).await;
    let order = place(&app, &m, "ocds-one", &[(m.sellers[0].1[0], 1)]).await;
    let path = format!("/api/v1/ocds/releases?year={}", this_year());
    app.get(&path, None)
        .await
        .expect_problem(401, "unauthorized");
    app.get(&path, Some(&m.buyer))
        .await
        .expect_problem(403, "forbidden");
    app.get(&path, Some(&m.sellers[0].0.token))
        .await
        .expect_problem(403, "forbidden");
    let package = releases(&app, &m.admin, this_year()).await;
    assert_eq!(
        package["uri"],
        format!("{}{path}", app.address),
        "without public_base_url, the address the request went to"
    );
    assert_eq!(package["publisher"]["name"], "무한상사 사회적협동조합");
    assert!(package["publisher"].get("uri").is_none());
    assert_eq!(
        ocids(&package),
        vec![format!("ocds-muhan1-order-{}", order["id"])]
    );
    // The validator sees what the schema refuses (in the release schema it resolves locally).
    let mut broken = package.clone();
    broken["releases"][0]["tender"]["status"] = json!("open");
    broken["releases"][0]["date"] = json!("yesterday");
    broken["releases"][0]["awards"][0]["value"]["currency"] = json!("WON");
    broken["uri"] = json!("no uri");
    let errors = release_package_errors(&broken);
    for path in [
        "/releases/0/tender/status",
        "/releases/0/date",
        "/releases/0/awards/0/value/currency",
        "/uri",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{path}:"))),
            "{path} in {errors:?}"
        );
    }
}
