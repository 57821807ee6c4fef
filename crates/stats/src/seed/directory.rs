//! The demo's enterprises, agencies, purchase plans and users. Enterprises join over time
//! (about fifty founders in the summer of 2017, more every year after) and get ids in the
//! order they were verified, so that "the enterprises trading by a date" is a prefix.

use super::agencies::AGENCIES;
use super::goods::SPECIALTIES;
use super::names::{self, ADJECTIVES, DISTRICTS, PLACES};
use super::rng::Rng;
use super::rows::{AgencyRow, EnterpriseRow, PlanRow, UserRow};
use super::time::{at, days_between, plus_days};
use chrono::NaiveDate;
use muhan_core::biz_reg_no::check_digit;
use std::collections::BTreeSet;

/// `(kind, relative share, label)`: more cooperatives and social enterprises than the rest.
const KINDS: &[(&str, u32, &str)] = &[
    ("social_enterprise", 24, "인증 사회적기업"),
    ("preliminary_social_enterprise", 14, "예비사회적기업"),
    ("cooperative", 30, "협동조합"),
    ("social_cooperative", 14, "사회적협동조합"),
    ("village_enterprise", 10, "마을기업"),
    ("self_sufficiency_enterprise", 8, "자활기업"),
];

/// Founders of 2017 (the co-op was founded by about fifty enterprises).
const FOUNDERS: usize = 50;

/// The ids each table's new rows start from.
#[derive(Debug, Clone, Copy)]
pub struct IdBase {
    pub user: i64,
    pub enterprise: i64,
    pub agency: i64,
    pub product: i64,
    pub order: i64,
    pub fulfillment: i64,
    pub line: i64,
    pub event: i64,
    pub request: i64,
    pub quote: i64,
    pub request_event: i64,
}

pub fn enterprises(
    rng: &mut Rng,
    verified: usize,
    pending: usize,
    first_id: i64,
    today: NaiveDate,
) -> Vec<EnterpriseRow> {
    let mut used_names = BTreeSet::new();
    let mut used_numbers = BTreeSet::new();
    let founded = NaiveDate::from_ymd_opt(2017, 7, 1).unwrap_or(today);
    let later_from = NaiveDate::from_ymd_opt(2017, 10, 1).unwrap_or(today);
    let later_span = days_between(later_from, today).saturating_sub(90).max(1);
    let mut rows = Vec::with_capacity(verified + pending);
    for i in 0..verified + pending {
        let is_pending = i >= verified;
        let created = if is_pending {
            plus_days(today, -rng.range(1, 40))
        } else if i < FOUNDERS {
            plus_days(founded, rng.range(0, 50))
        } else {
            // Spread over the years, a little denser later (the member base grows).
            let x = rng.range(0, 1_000_000) as f64 / 1_000_000.0;
            plus_days(later_from, (x.sqrt() * later_span as f64) as i64)
        };
        let kind_index = rng.weighted(&KINDS.iter().map(|k| k.1).collect::<Vec<_>>());
        let (kind, _, label) = KINDS[kind_index];
        let specialty = rng.weighted(&SPECIALTIES.iter().map(|s| s.weight).collect::<Vec<_>>());
        let district =
            &DISTRICTS[rng.weighted(&DISTRICTS.iter().map(|d| d.weight).collect::<Vec<_>>())];
        let name = unique_name(rng, &mut used_names, kind, specialty, district.name);
        let biz_reg_no = unique_biz_reg_no(rng, &mut used_numbers, kind);
        let employees = rng.range(3, 60);
        let vulnerable = (employees * rng.range(30, 75) / 100).max(1);
        let word = SPECIALTIES[specialty].words[0];
        let created_at = at(created, rng.range(0, 8 * 60));
        let verified_at = (!is_pending).then(|| at(plus_days(created, rng.range(3, 10)), 120));
        rows.push(EnterpriseRow {
            id: 0,
            description: format!(
                "대구 {} 소재 {label}. {word} 분야 전문, 취약계층 {vulnerable}명을 포함해 {employees}명이 일합니다.",
                district.name
            ),
            name,
            biz_reg_no,
            kind,
            district: district.code,
            representative: names::person(rng),
            phone: names::phone(rng, district),
            address: names::address(rng, district),
            employees,
            vulnerable_employees: vulnerable,
            status: if is_pending { "pending" } else { "verified" },
            verified_at,
            created_at,
            specialty,
        });
    }
    // Ids in the order of verification (pending ones last, by sign-up).
    rows.sort_by_key(|e| (e.verified_at.is_none(), e.verified_at, e.created_at));
    for (i, row) in rows.iter_mut().enumerate() {
        row.id = first_id + i as i64;
    }
    rows
}

fn unique_name(
    rng: &mut Rng,
    used: &mut BTreeSet<String>,
    kind: &str,
    specialty: usize,
    district: &str,
) -> String {
    let words = SPECIALTIES[specialty].words;
    for attempt in 0..64 {
        let word = rng.pick(words);
        let place = rng.pick(PLACES);
        let stem = if rng.chance(500) {
            format!("{place} {word}")
        } else {
            format!("{} {word}", rng.pick(ADJECTIVES))
        };
        let mut name = match kind {
            "social_enterprise" => format!("(주){}", stem.replace(' ', "")),
            "cooperative" => format!("{stem} 협동조합"),
            "social_cooperative" => format!("{stem} 사회적협동조합"),
            "village_enterprise" => format!("{place}마을 {word}"),
            "self_sufficiency_enterprise" => {
                format!("{}자활 {word}", district.trim_end_matches(['구', '군']))
            }
            _ => stem,
        };
        if attempt > 40 {
            name = format!("{name} {}", attempt - 39);
        }
        if used.insert(name.clone()) {
            return name;
        }
    }
    let name = format!("{} {}", rng.pick(PLACES), used.len());
    used.insert(name.clone());
    name
}

/// A number whose check digit holds: a Daegu tax office code, the kind of business (81:
/// company, 82: non-profit corporation such as a cooperative, 01–79: sole trader) and a serial.
fn unique_biz_reg_no(rng: &mut Rng, used: &mut BTreeSet<String>, kind: &str) -> String {
    loop {
        let office = rng.range(500, 516);
        let middle = match kind {
            "social_enterprise" => 81,
            "cooperative" | "social_cooperative" => 82,
            _ => rng.range(1, 79),
        };
        let serial = rng.range(0, 9999);
        let digits = format!("{office:03}{middle:02}{serial:04}");
        let mut first9 = [0u8; 9];
        for (slot, b) in first9.iter_mut().zip(digits.bytes()) {
            *slot = b - b'0';
        }
        let text = format!(
            "{office:03}-{middle:02}-{serial:04}{}",
            check_digit(&first9)
        );
        if used.insert(text.clone()) {
            return text;
        }
    }
}

pub fn agencies(first_id: i64) -> Vec<AgencyRow> {
    let created = at(NaiveDate::from_ymd_opt(2017, 6, 1).unwrap_or_default(), 0);
    AGENCIES
        .iter()
        .enumerate()
        .map(|(i, (name, kind, district, parent, weight))| AgencyRow {
            id: first_id + i as i64,
            name: (*name).to_string(),
            kind,
            district,
            parent_id: parent.and_then(|p| {
                AGENCIES
                    .iter()
                    .position(|a| a.0 == p)
                    .map(|j| first_id + j as i64)
            }),
            created_at: created,
            weight: *weight,
        })
        .collect()
}

/// A plan for every agency and year: a total that grows a few percent a year and a target
/// share of social-economy purchases between 3 % and 7 %.
pub fn plans(rng: &mut Rng, agencies: &[AgencyRow], to_year: i32) -> Vec<PlanRow> {
    let mut rows = Vec::new();
    for a in agencies {
        // Plans are not proportional to what an agency buys through the co-op (it buys
        // elsewhere too), so some agencies attain their target and others miss it.
        let base = i64::from(a.weight) * 2_400_000 * rng.range(60, 160);
        let target = rng.range(30, 60) * 10;
        for year in 2017..=to_year {
            let growth = 100 + 4 * i64::from(year - 2017);
            let total = base * growth / 100 / 1_000_000 * 1_000_000 + rng.range(0, 50) * 1_000_000;
            rows.push(PlanRow {
                agency_id: a.id,
                year: i64::from(year),
                total_purchase_won: total,
                social_target_bp: (target + 10 * rng.range(0, 10)).min(700),
                updated_at: at(NaiveDate::from_ymd_opt(year, 1, 15).unwrap_or_default(), 60),
            });
        }
    }
    rows
}

/// The demo's password hashes, one per role (each computed once).
#[derive(Debug, Clone)]
pub struct Hashes {
    pub admin: String,
    pub buyer: String,
    pub seller: String,
}

pub const ADMIN_EMAIL: &str = "admin@demo.muhan.kr";

pub fn buyer_email(n: usize) -> String {
    format!("buyer{:02}@demo.muhan.kr", n + 1)
}

pub fn seller_email(n: usize) -> String {
    format!("seller{:04}@demo.muhan.kr", n + 1)
}

pub fn pending_buyer_email(n: usize) -> String {
    format!("pending{:02}@demo.muhan.kr", n + 1)
}

/// The demo admin, one active buyer per agency, two pending buyers and one user per
/// enterprise, ids from `first_id` in that order.
pub fn users(
    rng: &mut Rng,
    hashes: &Hashes,
    agencies: &[AgencyRow],
    enterprises: &[EnterpriseRow],
    first_id: i64,
    today: NaiveDate,
) -> Vec<UserRow> {
    let start = at(NaiveDate::from_ymd_opt(2017, 6, 1).unwrap_or(today), 0);
    let mut rows = vec![UserRow {
        id: 0,
        email: ADMIN_EMAIL.into(),
        password_hash: hashes.admin.clone(),
        display_name: "무한상사 운영자".into(),
        role: "admin",
        status: "active",
        created_at: start,
        enterprise_id: None,
        agency_id: None,
    }];
    for (n, a) in agencies.iter().enumerate() {
        rows.push(UserRow {
            id: 0,
            email: buyer_email(n),
            password_hash: hashes.buyer.clone(),
            display_name: format!("{} 구매담당 {}", a.name, names::person(rng)),
            role: "buyer",
            status: "active",
            created_at: start,
            enterprise_id: None,
            agency_id: Some(a.id),
        });
    }
    for n in 0..2 {
        let a = &agencies[(n * 7 + 3) % agencies.len()];
        rows.push(UserRow {
            id: 0,
            email: pending_buyer_email(n),
            password_hash: hashes.buyer.clone(),
            display_name: format!("{} 신규 담당 {}", a.name, names::person(rng)),
            role: "buyer",
            status: "pending",
            created_at: at(plus_days(today, -(n as i64) - 1), 90),
            enterprise_id: None,
            agency_id: Some(a.id),
        });
    }
    for (n, e) in enterprises.iter().enumerate() {
        rows.push(UserRow {
            id: 0,
            email: seller_email(n),
            password_hash: hashes.seller.clone(),
            display_name: e.representative.clone(),
            role: "enterprise",
            status: "active",
            created_at: e.created_at,
            enterprise_id: Some(e.id),
            agency_id: None,
        });
    }
    for (i, row) in rows.iter_mut().enumerate() {
        row.id = first_id + i as i64;
    }
    rows
}
