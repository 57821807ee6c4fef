//! Member enterprises: registration data, verification by the co-op, the public directory.

use crate::search::{self, TextQuery};
use crate::{districts, search_index};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use muhan_core::cursor;
use muhan_core::ErrorCode;
use muhan_core::{
    clock, in_range, stored, Actor, BizRegNo, DomainError, DomainResult, EnterpriseKind,
    EnterpriseStatus, FieldErrors,
};
use muhan_db::schema::enterprises as e;
use muhan_db::DbConn;
use serde::{Deserialize, Serialize};

/// An enterprise as clients see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Enterprise {
    pub id: i64,
    pub name: String,
    /// Normalised `123-45-67890`.
    pub biz_reg_no: String,
    pub kind: EnterpriseKind,
    pub district: String,
    pub representative: String,
    pub phone: String,
    pub address: String,
    pub description: String,
    pub employees: Option<i64>,
    /// Employees from vulnerable groups (취약계층), at most `employees`.
    pub vulnerable_employees: Option<i64>,
    pub status: EnterpriseStatus,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::option::serialize")]
    pub verified_at: Option<NaiveDateTime>,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = e)]
struct Row {
    id: i64,
    name: String,
    biz_reg_no: String,
    kind: String,
    district: String,
    representative: String,
    phone: String,
    address: String,
    description: String,
    employees: Option<i64>,
    vulnerable_employees: Option<i64>,
    status: String,
    verified_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_view(self) -> DomainResult<Enterprise> {
        Ok(Enterprise {
            id: self.id,
            name: self.name,
            biz_reg_no: self.biz_reg_no,
            kind: stored(&self.kind)?,
            district: self.district,
            representative: self.representative,
            phone: self.phone,
            address: self.address,
            description: self.description,
            employees: self.employees,
            vulnerable_employees: self.vulnerable_employees,
            status: stored(&self.status)?,
            verified_at: self.verified_at,
            created_at: self.created_at,
        })
    }
}

/// Registration data as sent by a client.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// `123-45-67890` or `1234567890`.
    #[schema(min_length = 10, max_length = 12)]
    pub biz_reg_no: String,
    /// One of the six enterprise kinds.
    #[schema(value_type = EnterpriseKind)]
    pub kind: String,
    /// District code from `GET /api/v1/districts`.
    #[schema(min_length = 5, max_length = 5)]
    pub district: String,
    #[schema(min_length = 1, max_length = 50)]
    pub representative: String,
    #[schema(min_length = 7, max_length = 20)]
    pub phone: String,
    #[schema(min_length = 1, max_length = 200)]
    pub address: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub employees: Option<i64>,
    /// At most `employees`.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub vulnerable_employees: Option<i64>,
}

/// Registration data after parsing: every value valid (the district still needs its lookup).
#[derive(Debug, Clone)]
pub struct NewEnterprise {
    pub name: String,
    pub biz_reg_no: BizRegNo,
    pub kind: EnterpriseKind,
    pub district: String,
    pub representative: String,
    pub phone: String,
    pub address: String,
    pub description: String,
    pub employees: Option<i64>,
    pub vulnerable_employees: Option<i64>,
}

const MAX_EMPLOYEES: i64 = 1_000_000;

/// The rules of each enterprise field, shared by signup and editing.
mod rules {
    use muhan_core::{text, values, ParseError};

    pub fn name(v: &str) -> Result<String, ParseError> {
        text::line(v, 1, 100)
    }
    pub fn district(v: &str) -> Result<String, ParseError> {
        values::district_code(v)
    }
    pub fn representative(v: &str) -> Result<String, ParseError> {
        text::line(v, 1, 50)
    }
    pub fn phone(v: &str) -> Result<String, ParseError> {
        values::phone(v)
    }
    pub fn address(v: &str) -> Result<String, ParseError> {
        text::line(v, 1, 200)
    }
    pub fn description(v: &str) -> Result<String, ParseError> {
        text::free(v, 0, 2000)
    }
}

fn check_headcount(
    errors: &mut FieldErrors,
    prefix: &str,
    employees: Option<i64>,
    vulnerable: Option<i64>,
) {
    let employees = employees
        .and_then(|n| errors.check(&format!("{prefix}employees"), in_range(n, 0, MAX_EMPLOYEES)));
    let vulnerable = vulnerable.and_then(|n| {
        errors.check(
            &format!("{prefix}vulnerable_employees"),
            in_range(n, 0, MAX_EMPLOYEES),
        )
    });
    if let (Some(total), Some(v)) = (employees, vulnerable) {
        if v > total {
            errors.push(
                &format!("{prefix}vulnerable_employees"),
                "must not exceed employees",
            );
        }
    }
}

impl EnterpriseInput {
    /// Parses every field, collecting all problems under `prefix` (e.g. `enterprise.`).
    pub fn parse(&self, prefix: &str, errors: &mut FieldErrors) -> Option<NewEnterprise> {
        let f = |name: &str| format!("{prefix}{name}");
        let name = errors.check(&f("name"), rules::name(&self.name));
        let biz_reg_no = errors.check(&f("biz_reg_no"), BizRegNo::parse(&self.biz_reg_no));
        let kind = errors.check(&f("kind"), self.kind.parse::<EnterpriseKind>());
        let district = errors.check(&f("district"), rules::district(&self.district));
        let representative = errors.check(
            &f("representative"),
            rules::representative(&self.representative),
        );
        let phone = errors.check(&f("phone"), rules::phone(&self.phone));
        let address = errors.check(&f("address"), rules::address(&self.address));
        let description = errors.check(
            &f("description"),
            rules::description(self.description.as_deref().unwrap_or("")),
        );
        check_headcount(errors, prefix, self.employees, self.vulnerable_employees);
        Some(NewEnterprise {
            name: name?,
            biz_reg_no: biz_reg_no?,
            kind: kind?,
            district: district?,
            representative: representative?,
            phone: phone?,
            address: address?,
            description: description?,
            employees: self.employees,
            vulnerable_employees: self.vulnerable_employees,
        })
    }
}

pub fn biz_reg_no_taken() -> DomainError {
    DomainError::conflict(
        ErrorCode::BizRegNoTaken,
        "this business registration number is already registered",
    )
}

/// A new enterprise row.
#[derive(Insertable)]
#[diesel(table_name = e)]
struct EnterpriseRow<'a> {
    name: &'a str,
    biz_reg_no: &'a str,
    kind: &'a str,
    district: &'a str,
    representative: &'a str,
    phone: &'a str,
    address: &'a str,
    description: &'a str,
    employees: Option<i64>,
    vulnerable_employees: Option<i64>,
    status: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    search_name: &'a str,
    search_chosung: &'a str,
    search_grams: &'a str,
}

/// What an edit changes; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = e)]
struct EnterpriseChanges<'a> {
    name: Option<&'a str>,
    kind: Option<&'a str>,
    district: Option<&'a str>,
    representative: Option<&'a str>,
    phone: Option<&'a str>,
    address: Option<&'a str>,
    description: Option<&'a str>,
    employees: Option<Option<i64>>,
    vulnerable_employees: Option<Option<i64>>,
    updated_at: NaiveDateTime,
    search_name: Option<&'a str>,
    search_chosung: Option<&'a str>,
    search_grams: Option<&'a str>,
}

/// Inserts a pending enterprise. Call inside a write transaction.
pub fn create(
    conn: &mut DbConn,
    new: &NewEnterprise,
    district_field: &str,
) -> DomainResult<Enterprise> {
    districts::require(conn, district_field, &new.district)?;
    let number = new.biz_reg_no.to_string();
    let taken: Option<i64> = e::table
        .filter(e::biz_reg_no.eq(&number))
        .select(e::id)
        .first(conn)
        .optional()?;
    if taken.is_some() {
        return Err(biz_reg_no_taken());
    }
    let now = clock::now();
    let (search_name, search_chosung, search_grams) = search_index::enterprise_columns(&new.name);
    let inserted = diesel::insert_into(e::table)
        .values(&EnterpriseRow {
            name: &new.name,
            biz_reg_no: &number,
            kind: new.kind.as_str(),
            district: &new.district,
            representative: &new.representative,
            phone: &new.phone,
            address: &new.address,
            description: &new.description,
            employees: new.employees,
            vulnerable_employees: new.vulnerable_employees,
            status: EnterpriseStatus::Pending.as_str(),
            created_at: now,
            updated_at: now,
            search_name: &search_name,
            search_chosung: &search_chosung,
            search_grams: &search_grams,
        })
        .returning(e::id)
        .get_result::<i64>(conn);
    match inserted {
        Ok(id) => load(conn, id),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Err(biz_reg_no_taken()),
        Err(err) => Err(err.into()),
    }
}

fn load(conn: &mut DbConn, id: i64) -> DomainResult<Enterprise> {
    e::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| DomainError::NotFound("enterprise".into()))?
        .into_view()
}

/// Whether `actor` may see an enterprise in `status` (the public sees verified ones only).
fn visible(actor: Option<&Actor>, id: i64, status: EnterpriseStatus) -> bool {
    status == EnterpriseStatus::Verified
        || actor.is_some_and(|a| a.is_admin() || a.acts_for_enterprise(id))
}

/// One enterprise; 404 unless visible to `actor`.
pub fn get(conn: &mut DbConn, actor: Option<&Actor>, id: i64) -> DomainResult<Enterprise> {
    let found = load(conn, id)?;
    if visible(actor, id, found.status) {
        Ok(found)
    } else {
        Err(DomainError::NotFound("enterprise".into()))
    }
}

/// Directory filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct DirectoryParams {
    pub kind: Option<EnterpriseKind>,
    pub district: Option<String>,
    /// Searches enterprise names (Korean-aware: syllables anywhere in a word, or 초성).
    pub q: Option<String>,
    /// Admins only; others always see verified enterprises.
    pub status: Option<EnterpriseStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// One page of the directory: by relevance when `q` is given, else by id.
pub fn list(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    params: &DirectoryParams,
    limit: i64,
) -> DomainResult<(Vec<Enterprise>, Option<String>)> {
    let is_admin = actor.is_some_and(Actor::is_admin);
    let backend = conn.backend();
    let mut query = e::table.select(Row::as_select()).into_boxed();
    match (is_admin, params.status) {
        (true, Some(status)) => query = query.filter(e::status.eq(status.as_str())),
        (true, None) => {}
        (false, _) => query = query.filter(e::status.eq(EnterpriseStatus::Verified.as_str())),
    }
    if let Some(kind) = params.kind {
        query = query.filter(e::kind.eq(kind.as_str()));
    }
    if let Some(district) = &params.district {
        query = query.filter(e::district.eq(district.trim().to_owned()));
    }
    let text = params.q.as_deref().and_then(TextQuery::parse);
    let columns = search::Columns {
        name: "enterprises.search_name",
        chosung: "enterprises.search_chosung",
        text: "enterprises.search_name",
        grams: "enterprises.search_grams",
        id: "enterprises.id",
    };
    let after: Option<(i64, i64)> = params.cursor.as_deref().map(cursor::decode).transpose()?;
    if let Some(text) = &text {
        query = query.filter(search::matches(&columns, text, backend));
        if let Some((rank, id)) = after {
            query = query.filter(search::after_rank(&columns, text, rank, id));
        }
        query = query.order((search::rank(&columns, text).desc(), e::id.asc()));
    } else {
        if let Some((_, id)) = after {
            query = query.filter(e::id.gt(id));
        }
        query = query.order(e::id.asc());
    }
    let (rows, more) = cursor::split_page(query.limit(limit + 1).load::<Row>(conn)?, limit);
    let items: Vec<Enterprise> = rows
        .into_iter()
        .map(Row::into_view)
        .collect::<DomainResult<_>>()?;
    let next = match (more, items.last()) {
        (true, Some(last)) => {
            let rank = text.as_ref().map_or(0, |t| t.rank_of(&last.name));
            Some(cursor::encode(&(rank, last.id)))
        }
        _ => None,
    };
    Ok((items, next))
}

/// Changes to an enterprise; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterprisePatch {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// Admins only: the certification kind is checked by the co-op.
    #[schema(value_type = Option<EnterpriseKind>)]
    pub kind: Option<String>,
    #[schema(min_length = 5, max_length = 5)]
    pub district: Option<String>,
    #[schema(min_length = 1, max_length = 50)]
    pub representative: Option<String>,
    #[schema(min_length = 7, max_length = 20)]
    pub phone: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub address: Option<String>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub employees: Option<i64>,
    /// At most `employees`.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub vulnerable_employees: Option<i64>,
}

/// Updates an enterprise (its own users or an admin). Renaming also refreshes the search
/// columns of its products, which include the enterprise name.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    patch: &EnterprisePatch,
) -> DomainResult<Enterprise> {
    let current = load(conn, id)?;
    if !(actor.is_admin() || actor.acts_for_enterprise(id)) {
        return Err(if visible(Some(actor), id, current.status) {
            DomainError::forbidden("only the enterprise's own users or an admin may edit it")
        } else {
            DomainError::NotFound("enterprise".into())
        });
    }
    let mut errors = FieldErrors::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|v| errors.check("name", rules::name(v)));
    let kind = patch
        .kind
        .as_deref()
        .and_then(|v| errors.check("kind", v.parse::<EnterpriseKind>()));
    let district = patch
        .district
        .as_deref()
        .and_then(|v| errors.check("district", rules::district(v)));
    let representative = patch
        .representative
        .as_deref()
        .and_then(|v| errors.check("representative", rules::representative(v)));
    let phone_no = patch
        .phone
        .as_deref()
        .and_then(|v| errors.check("phone", rules::phone(v)));
    let address = patch
        .address
        .as_deref()
        .and_then(|v| errors.check("address", rules::address(v)));
    let description = patch
        .description
        .as_deref()
        .and_then(|v| errors.check("description", rules::description(v)));
    let employees = patch.employees.or(current.employees);
    let vulnerable = patch.vulnerable_employees.or(current.vulnerable_employees);
    check_headcount(&mut errors, "", employees, vulnerable);
    errors.finish(ErrorCode::ValidationFailed)?;
    require_admin_for_certified_fields(actor, &current, name.as_deref(), kind)?;
    if let Some(d) = &district {
        districts::require(conn, "district", d)?;
    }
    let search = name.as_deref().map(search_index::enterprise_columns);
    diesel::update(e::table.find(id))
        .set(&EnterpriseChanges {
            name: name.as_deref(),
            kind: kind.map(EnterpriseKind::as_str),
            district: district.as_deref(),
            representative: representative.as_deref(),
            phone: phone_no.as_deref(),
            address: address.as_deref(),
            description: description.as_deref(),
            employees: patch.employees.map(Some),
            vulnerable_employees: patch.vulnerable_employees.map(Some),
            updated_at: clock::now(),
            search_name: search.as_ref().map(|s| s.0.as_str()),
            search_chosung: search.as_ref().map(|s| s.1.as_str()),
            search_grams: search.as_ref().map(|s| s.2.as_str()),
        })
        .execute(conn)?;
    if let Some(renamed) = name.as_deref().filter(|n| *n != current.name) {
        search_index::refresh_products_of_enterprise(conn, id, renamed)?;
    }
    load(conn, id)
}

/// The certification kind, and the name under which an enterprise was verified, are the
/// co-op's to change: another enterprise's user could otherwise take a verified name (403).
fn require_admin_for_certified_fields(
    actor: &Actor,
    current: &Enterprise,
    name: Option<&str>,
    kind: Option<EnterpriseKind>,
) -> DomainResult<()> {
    if actor.is_admin() {
        return Ok(());
    }
    if kind.is_some_and(|k| k != current.kind) {
        return Err(DomainError::forbidden(
            "only an admin may change the enterprise kind",
        ));
    }
    let renamed = name.is_some_and(|n| n != current.name);
    if renamed && current.status == EnterpriseStatus::Verified {
        return Err(DomainError::forbidden(
            "only an admin may rename a verified enterprise",
        ));
    }
    Ok(())
}

fn set_status(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    status: EnterpriseStatus,
) -> DomainResult<Enterprise> {
    actor.require_admin()?;
    let current = load(conn, id)?;
    let now = clock::now();
    let verified_at = match status {
        EnterpriseStatus::Verified => current.verified_at.or(Some(now)),
        _ => current.verified_at,
    };
    diesel::update(e::table.find(id))
        .set((
            e::status.eq(status.as_str()),
            e::verified_at.eq(verified_at),
            e::updated_at.eq(now),
        ))
        .execute(conn)?;
    load(conn, id)
}

/// Admin: the enterprise is a verified member; its approved products join the catalog.
pub fn verify(conn: &mut DbConn, actor: &Actor, id: i64) -> DomainResult<Enterprise> {
    set_status(conn, actor, id, EnterpriseStatus::Verified)
}

/// Admin: the enterprise's products leave the catalog and cannot be ordered; its users can
/// still log in and see their data.
pub fn suspend(conn: &mut DbConn, actor: &Actor, id: i64) -> DomainResult<Enterprise> {
    set_status(conn, actor, id, EnterpriseStatus::Suspended)
}

/// The status and name of an enterprise, for product rules.
pub fn status_of(conn: &mut DbConn, id: i64) -> DomainResult<(EnterpriseStatus, String)> {
    let (status, name): (String, String) = e::table
        .find(id)
        .select((e::status, e::name))
        .first(conn)
        .optional()?
        .ok_or_else(|| DomainError::NotFound("enterprise".into()))?;
    Ok((stored(&status)?, name))
}
