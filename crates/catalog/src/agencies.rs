//! Public agencies (the buyers' organisations) and their yearly purchase plans.

use crate::search::TextQuery;
use crate::{districts, store};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use muhan_core::cursor;
use muhan_core::ErrorCode;
use muhan_core::{
    amount_won, clock, in_range, stored, text, Actor, AgencyKind, DomainError, DomainResult,
    FieldErrors,
};
use muhan_db::schema::{agencies as a, purchase_plans as pp};
use muhan_db::DbConn;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Agency {
    pub id: i64,
    pub name: String,
    pub kind: AgencyKind,
    pub district: Option<String>,
    pub parent_id: Option<i64>,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = a)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    district: Option<String>,
    parent_id: Option<i64>,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_view(self) -> DomainResult<Agency> {
        Ok(Agency {
            id: self.id,
            name: self.name,
            kind: stored(&self.kind)?,
            district: self.district,
            parent_id: self.parent_id,
            created_at: self.created_at,
        })
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(value_type = AgencyKind)]
    pub kind: String,
    #[schema(min_length = 5, max_length = 5)]
    pub district: Option<String>,
    pub parent_id: Option<i64>,
}

/// Changes to an agency; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(value_type = Option<AgencyKind>)]
    pub kind: Option<String>,
    #[schema(min_length = 5, max_length = 5)]
    pub district: Option<String>,
    pub parent_id: Option<i64>,
}

fn load(conn: &mut DbConn, id: i64) -> DomainResult<Agency> {
    a::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| DomainError::NotFound("agency".into()))?
        .into_view()
}

pub fn exists(conn: &mut DbConn, id: i64) -> DomainResult<bool> {
    Ok(a::table
        .find(id)
        .select(a::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// 422 unless `parent_id` names another agency that does not sit below `id`.
fn check_parent(conn: &mut DbConn, id: Option<i64>, parent_id: i64) -> DomainResult<()> {
    let mut cursor = Some(parent_id);
    while let Some(current) = cursor {
        if Some(current) == id {
            return Err(DomainError::invalid(
                "parent_id",
                "an agency cannot be its own ancestor",
            ));
        }
        cursor = a::table
            .find(current)
            .select(a::parent_id)
            .first::<Option<i64>>(conn)
            .optional()?
            .ok_or_else(|| DomainError::invalid("parent_id", "no such agency"))?;
    }
    Ok(())
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: &AgencyInput) -> DomainResult<Agency> {
    actor.require_admin()?;
    let mut errors = FieldErrors::new();
    let name = errors.check("name", text::line(&input.name, 1, 200));
    let kind = errors.check("kind", input.kind.parse::<AgencyKind>());
    errors.finish(ErrorCode::ValidationFailed)?;
    let (Some(name), Some(kind)) = (name, kind) else {
        return Err(DomainError::internal("unreachable: checked fields"));
    };
    if let Some(d) = &input.district {
        districts::require(conn, "district", d)?;
    }
    if let Some(parent) = input.parent_id {
        check_parent(conn, None, parent)?;
    }
    let now = clock::now();
    let id: i64 = diesel::insert_into(a::table)
        .values((
            a::name.eq(&name),
            a::kind.eq(kind.as_str()),
            a::district.eq(&input.district),
            a::parent_id.eq(input.parent_id),
            a::created_at.eq(now),
            a::updated_at.eq(now),
        ))
        .returning(a::id)
        .get_result(conn)?;
    load(conn, id)
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    patch: &AgencyPatch,
) -> DomainResult<Agency> {
    actor.require_admin()?;
    let current = load(conn, id)?;
    let mut errors = FieldErrors::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|v| errors.check("name", text::line(v, 1, 200)));
    let kind = patch
        .kind
        .as_deref()
        .and_then(|v| errors.check("kind", v.parse::<AgencyKind>()));
    errors.finish(ErrorCode::ValidationFailed)?;
    if let Some(d) = &patch.district {
        districts::require(conn, "district", d)?;
    }
    if let Some(parent) = patch.parent_id {
        check_parent(conn, Some(id), parent)?;
    }
    diesel::update(a::table.find(id))
        .set((
            a::name.eq(name.unwrap_or(current.name)),
            a::kind.eq(kind.unwrap_or(current.kind).as_str()),
            a::district.eq(patch.district.clone().or(current.district)),
            a::parent_id.eq(patch.parent_id.or(current.parent_id)),
            a::updated_at.eq(clock::now()),
        ))
        .execute(conn)?;
    load(conn, id)
}

pub fn get(conn: &mut DbConn, id: i64) -> DomainResult<Agency> {
    load(conn, id)
}

/// Directory filters (all optional).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AgencyQuery {
    /// Searches agency names (Korean-aware like the catalog: syllables anywhere in a word,
    /// or 초성 such as ㄷㄱㅅ), the best matches first.
    pub q: Option<String>,
    pub kind: Option<AgencyKind>,
    /// District code (5 digits).
    pub district: Option<String>,
    /// Page size, 1–100 (default 20; larger values are capped at 100).
    pub limit: Option<i64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// One page of the agency directory (public: names, kinds, districts and parents only): by
/// relevance when `q` is given (exact name, prefix, contains; ties by id), else by id.
///
/// The filters run in SQL; the name match and its relevance run here, over the agencies the
/// filters leave, with the catalog's own text rules (`TextQuery`): a directory of public
/// agencies has hundreds to a few thousand rows, so this costs less than keeping search
/// columns for it.
pub fn list(
    conn: &mut DbConn,
    params: &AgencyQuery,
    limit: i64,
) -> DomainResult<(Vec<Agency>, Option<String>)> {
    let after: Option<(i64, i64)> = params.cursor.as_deref().map(cursor::decode).transpose()?;
    let mut query = a::table
        .select(Row::as_select())
        .order(a::id.asc())
        .into_boxed();
    if let Some(kind) = params.kind {
        query = query.filter(a::kind.eq(kind.as_str()));
    }
    if let Some(district) = &params.district {
        query = query.filter(a::district.eq(district.trim().to_owned()));
    }
    let text = params.q.as_deref().and_then(TextQuery::parse);
    let ranked: Vec<(i64, Row)> = match &text {
        None => {
            if let Some((_, id)) = after {
                query = query.filter(a::id.gt(id));
            }
            query
                .limit(limit + 1)
                .load::<Row>(conn)?
                .into_iter()
                .map(|r| (0, r))
                .collect()
        }
        Some(text) => {
            let mut found: Vec<(i64, Row)> = query
                .load::<Row>(conn)?
                .into_iter()
                .map(|r| (text.rank_of(&r.name), r))
                .filter(|(rank, _)| *rank >= TextQuery::NAME_CONTAINS)
                .filter(|(rank, r)| {
                    after.is_none_or(|(at_rank, at_id)| {
                        *rank < at_rank || (*rank == at_rank && r.id > at_id)
                    })
                })
                .collect();
            found.sort_by(|(ra, a), (rb, b)| rb.cmp(ra).then(a.id.cmp(&b.id)));
            found.truncate(limit as usize + 1);
            found
        }
    };
    let (page, more) = cursor::split_page(ranked, limit);
    let next = match (more, page.last()) {
        (true, Some((rank, last))) => Some(cursor::encode(&(*rank, last.id))),
        _ => None,
    };
    let items = page
        .into_iter()
        .map(|(_, r)| r.into_view())
        .collect::<DomainResult<_>>()?;
    Ok((items, next))
}

pub use crate::model::PurchasePlan;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchasePlanInput {
    #[schema(minimum = 0)]
    pub total_purchase_won: i64,
    #[schema(minimum = 0, maximum = 10_000)]
    pub social_target_bp: i64,
}

fn may_manage_plans(actor: &Actor, agency_id: i64) -> bool {
    actor.is_admin() || actor.buys_for_agency(agency_id)
}

/// Sets the plan of `year` (admin, or the agency's own active buyers).
pub fn put_plan(
    conn: &mut DbConn,
    actor: &Actor,
    agency_id: i64,
    year: i64,
    input: &PurchasePlanInput,
) -> DomainResult<PurchasePlan> {
    load(conn, agency_id)?;
    if !may_manage_plans(actor, agency_id) {
        return Err(DomainError::forbidden(
            "only admins and the agency's buyers manage its plans",
        ));
    }
    if !actor.is_admin() {
        actor.require_active()?;
    }
    let mut errors = FieldErrors::new();
    let year = errors.check("year", in_range(year, 2000, 2100));
    let total = errors.check("total_purchase_won", amount_won(input.total_purchase_won));
    let target = errors.check(
        "social_target_bp",
        in_range(input.social_target_bp, 0, 10_000),
    );
    errors.finish(ErrorCode::ValidationFailed)?;
    let (Some(year), Some(total), Some(target)) = (year, total, target) else {
        return Err(DomainError::internal("unreachable: checked fields"));
    };
    store::upsert_plan(
        conn,
        &store::PlanValues {
            agency_id,
            year,
            total_purchase_won: total,
            social_target_bp: target,
            updated_at: clock::now(),
        },
    )
}

/// The agency's plans by year (admin, or the agency's own buyers).
pub fn plans(conn: &mut DbConn, actor: &Actor, agency_id: i64) -> DomainResult<Vec<PurchasePlan>> {
    load(conn, agency_id)?;
    if !may_manage_plans(actor, agency_id) {
        return Err(DomainError::forbidden(
            "only admins and the agency's buyers see its plans",
        ));
    }
    Ok(pp::table
        .filter(pp::agency_id.eq(agency_id))
        .select(PurchasePlan::as_select())
        .order(pp::year.asc())
        .load(conn)?)
}
