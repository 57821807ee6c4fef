//! Exports: on the demo data, every sales group, the summary and the priority report as CSV
//! (BOM, Korean intact, rows equal to the JSON report) and XLSX (a zip workbook whose number
//! cells hold the same figures and totals), named by RFC 6266/5987; scoping is the JSON's.
use muhan_stats::seed;
use muhan_tests::{token_of, TestApp};
use serde_json::Value;
use std::io::Read;

struct File {
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

async fn download(app: &TestApp, path: &str, token: &str) -> File {
    let reply = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 200, "{path}");
    let header = |name: &str| {
        reply
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(header("x-content-type-options"), "nosniff");
    File {
        content_type,
        disposition,
        bytes: reply.bytes().await.unwrap().to_vec(),
    }
}

/// The UTF-8 file name of `filename*`.
fn file_name(disposition: &str) -> String {
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    let encoded = disposition.split("filename*=UTF-8''").nth(1).unwrap();
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

fn csv_rows(file: &File) -> Vec<Vec<String>> {
    assert!(
        file.content_type.starts_with("text/csv"),
        "{}",
        file.content_type
    );
    assert!(file.bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&file.bytes[3..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The first sheet's cells: (row, column letter) → number or text.
fn xlsx_cells(file: &File) -> std::collections::BTreeMap<(u32, String), Cell> {
    assert_eq!(
        file.content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&file.bytes)).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        if let Ok(mut entry) = archive.by_name(name) {
            entry.read_to_string(&mut text).unwrap();
        }
        text
    };
    let strings: Vec<String> = read("xl/sharedStrings.xml")
        .split("<si>")
        .skip(1)
        .map(|si| {
            let t = si.split('>').nth(1).unwrap_or_default();
            unescape(t.split("</t").next().unwrap_or_default())
        })
        .collect();
    let sheet = read("xl/worksheets/sheet1.xml");
    assert!(sheet.contains("ySplit=\"1\""), "the header row is frozen");
    let styles = read("xl/styles.xml");
    assert!(styles.contains("#,##0"), "thousands separators");
    let mut cells = std::collections::BTreeMap::new();
    for c in sheet.split("<c r=\"").skip(1) {
        let reference: String = c.chars().take_while(|ch| *ch != '"').collect();
        let column: String = reference
            .chars()
            .take_while(|ch| ch.is_ascii_alphabetic())
            .collect();
        let row: u32 = reference[column.len()..].parse().unwrap();
        let head = c.split('>').next().unwrap();
        let Some(value) = c.split("<v>").nth(1).and_then(|v| v.split("</v>").next()) else {
            continue;
        };
        let cell = if head.contains("t=\"s\"") {
            Cell::Text(strings[value.parse::<usize>().unwrap()].clone())
        } else {
            Cell::Number(value.parse().unwrap())
        };
        cells.insert((row, column), cell);
    }
    cells
}

#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Number(f64),
    Text(String),
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn int(value: &Value) -> i64 {
    value.as_i64().unwrap()
}

#[tokio::test]
async fn demo_exports_hold_the_reports_figures_in_csv_and_xlsx() {
    let app = muhan_tests::demo::spawn_demo_app().await;
    let admin = token_of(&app.session(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD).await);
    let buyer = token_of(
        &app.session(&seed::buyer_email(3), seed::BUYER_PASSWORD)
            .await,
    );
    let range = "from=2019-01-01&to=2019-12-31";
    for (token, who) in [(&admin, "admin"), (&buyer, "buyer")] {
        for group in [
            "year",
            "month",
            "enterprise",
            "enterprise_kind",
            "district",
            "category",
            "agency",
        ] {
            let path = format!("/api/v1/stats/sales?{range}&group_by={group}");
            let json = app.get(&path, Some(token)).await.expect(200);
            let csv = download(&app, &format!("{path}&format=csv"), token).await;
            let name = file_name(&csv.disposition);
            assert!(
                name.starts_with("매출_") && name.ends_with("_2019-01-01_2019-12-31.csv"),
                "{name}"
            );
            let rows = csv_rows(&csv);
            assert_eq!(rows[0][4], "매출액(원)", "Korean header intact");
            let json_rows = json["rows"].as_array().unwrap();
            assert_eq!(
                rows.len() - 1,
                json_rows.len(),
                "{who} {group}: one row per group"
            );
            for (row, expected) in rows[1..].iter().zip(json_rows) {
                assert_eq!(row[0], expected["key"].as_str().unwrap());
                assert_eq!(row[1], expected["label"].as_str().unwrap());
                assert_eq!(row[2].parse::<i64>().unwrap(), int(&expected["orders"]));
                assert_eq!(row[3].parse::<i64>().unwrap(), int(&expected["quantity"]));
                assert_eq!(
                    row[4].parse::<i64>().unwrap(),
                    int(&expected["revenue_won"])
                );
            }
            let revenue: i64 = rows[1..].iter().map(|r| r[4].parse::<i64>().unwrap()).sum();
            assert_eq!(revenue, int(&json["total"]["revenue_won"]));
            if who == "admin" {
                assert_eq!(revenue, 5_600_000_000, "{group}");
            }
            if matches!(group, "month" | "enterprise") {
                let xlsx = download(&app, &format!("{path}&format=xlsx"), token).await;
                assert!(file_name(&xlsx.disposition).ends_with(".xlsx"));
                let cells = xlsx_cells(&xlsx);
                assert_eq!(cells[&(1, "E".to_owned())], Cell::Text("매출액(원)".into()));
                let n = json_rows.len() as u32;
                for (i, expected) in json_rows.iter().enumerate() {
                    assert_eq!(
                        cells[&(i as u32 + 2, "E".to_owned())],
                        Cell::Number(int(&expected["revenue_won"]) as f64)
                    );
                }
                assert_eq!(cells[&(n + 2, "A".to_owned())], Cell::Text("합계".into()));
                assert_eq!(
                    cells[&(n + 2, "E".to_owned())],
                    Cell::Number(int(&json["total"]["revenue_won"]) as f64)
                );
                assert_eq!(
                    cells[&(n + 2, "C".to_owned())],
                    Cell::Number(int(&json["total"]["orders"]) as f64)
                );
            }
        }
    }

    // The yearly summary and the priority-purchase report.
    let summary = download(&app, "/api/v1/stats/summary?year=2019&format=csv", &admin).await;
    assert_eq!(file_name(&summary.disposition), "매출요약_2019.csv");
    let rows = csv_rows(&summary);
    assert!(rows.contains(&vec!["매출액(원)".to_owned(), "5600000000".to_owned()]));
    assert!(rows.contains(&vec!["전년 대비 성장률".to_owned(), "300.00".to_owned()]));
    let xlsx = download(&app, "/api/v1/stats/summary?year=2019&format=xlsx", &admin).await;
    assert_eq!(
        xlsx_cells(&xlsx)[&(3, "B".to_owned())],
        Cell::Number(5_600_000_000.0)
    );

    let priority = app
        .get("/api/v1/stats/priority-purchase?year=2019", Some(&admin))
        .await
        .expect(200);
    let priority_rows = priority["rows"].as_array().unwrap();
    let csv = download(
        &app,
        "/api/v1/stats/priority-purchase?year=2019&format=csv",
        &admin,
    )
    .await;
    assert_eq!(file_name(&csv.disposition), "우선구매실적_2019.csv");
    let rows = csv_rows(&csv);
    assert_eq!(rows.len() - 1, priority_rows.len());
    for (row, expected) in rows[1..].iter().zip(priority_rows) {
        assert_eq!(row[0].parse::<i64>().unwrap(), int(&expected["agency_id"]));
        assert_eq!(row[1], expected["agency_name"].as_str().unwrap());
        assert_eq!(
            row[4].parse::<i64>().unwrap(),
            int(&expected["social_economy_won"])
        );
    }
    let xlsx = download(
        &app,
        "/api/v1/stats/priority-purchase?year=2019&format=xlsx",
        &admin,
    )
    .await;
    let cells = xlsx_cells(&xlsx);
    let total_row = priority_rows.len() as u32 + 2;
    let social: i64 = priority_rows
        .iter()
        .map(|r| int(&r["social_economy_won"]))
        .sum();
    assert_eq!(
        cells[&(total_row, "E".to_owned())],
        Cell::Number(social as f64)
    );

    // Enterprise users get no priority report, in any format; bad formats are 422.
    let seller = token_of(
        &app.session(&seed::seller_email(0), seed::SELLER_PASSWORD)
            .await,
    );
    app.get(
        "/api/v1/stats/priority-purchase?year=2019&format=xlsx",
        Some(&seller),
    )
    .await
    .expect_problem(403, "forbidden");
    app.get("/api/v1/stats/sales?format=pdf", Some(&admin))
        .await
        .expect_problem(422, "validation_failed");
}
