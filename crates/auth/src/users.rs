//! User accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use muhan_core::ErrorCode;
use muhan_core::{clock, stored, Actor, DomainError, DomainResult, Email, Role, UserStatus};
use muhan_db::schema::users;
use muhan_db::DbConn;
use serde::Serialize;

/// A user as clients see it (never the password hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub status: UserStatus,
    /// The enterprise an `enterprise` user acts for.
    pub enterprise_id: Option<i64>,
    /// The agency a `buyer` purchases for.
    pub agency_id: Option<i64>,
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "muhan_core::serde_utc::serialize")]
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub enterprise_id: Option<i64>,
    pub agency_id: Option<i64>,
}

impl UserRow {
    pub fn to_user(&self) -> DomainResult<User> {
        Ok(User {
            id: self.id,
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: stored(&self.role)?,
            status: stored(&self.status)?,
            enterprise_id: self.enterprise_id,
            agency_id: self.agency_id,
            created_at: self.created_at,
        })
    }
}

/// What is needed to create a user; the password is already hashed.
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub status: UserStatus,
    pub enterprise_id: Option<i64>,
    pub agency_id: Option<i64>,
}

/// 409 `email_taken` when the address is in use (in any letter case). A cheap check to make
/// before hashing a new password; `create` makes it again, and its unique index settles races.
pub fn ensure_email_free(conn: &mut DbConn, email: &Email) -> DomainResult<()> {
    let taken: Option<i64> = users::table
        .filter(users::email.eq(email.as_str()))
        .select(users::id)
        .first(conn)
        .optional()?;
    match taken {
        Some(_) => Err(email_taken()),
        None => Ok(()),
    }
}

/// Inserts a user; 409 `email_taken` when the address is in use (in any letter case).
pub fn create(conn: &mut DbConn, new: &NewUser<'_>) -> DomainResult<User> {
    ensure_email_free(conn, new.email)?;
    let now = clock::now();
    let inserted = diesel::insert_into(users::table)
        .values((
            users::email.eq(new.email.as_str()),
            users::password_hash.eq(new.password_hash),
            users::display_name.eq(new.display_name),
            users::role.eq(new.role.as_str()),
            users::status.eq(new.status.as_str()),
            users::enterprise_id.eq(new.enterprise_id),
            users::agency_id.eq(new.agency_id),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result::<i64>(conn);
    let id = match inserted {
        Ok(id) => id,
        // Lost a race with a concurrent signup for the same address.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => return Err(email_taken()),
        Err(e) => return Err(e.into()),
    };
    get(conn, id)
}

fn email_taken() -> DomainError {
    DomainError::conflict(
        ErrorCode::EmailTaken,
        "this e-mail address is already registered",
    )
}

pub(crate) fn find_row_by_email(conn: &mut DbConn, email: &Email) -> DomainResult<Option<UserRow>> {
    Ok(users::table
        .filter(users::email.eq(email.as_str()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub(crate) fn find_row(conn: &mut DbConn, id: i64) -> DomainResult<Option<UserRow>> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut DbConn, id: i64) -> DomainResult<User> {
    find_row(conn, id)?
        .ok_or_else(|| DomainError::NotFound("user".into()))?
        .to_user()
}

/// Filters for the admin user list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub status: Option<UserStatus>,
    pub role: Option<Role>,
    /// Return users with `id > after` (cursor paging in id order).
    pub after: Option<i64>,
    pub limit: i64,
}

/// One page of users in id order, plus whether more follow.
pub fn list(conn: &mut DbConn, filter: &UserFilter) -> DomainResult<(Vec<User>, bool)> {
    let mut query = users::table
        .select(UserRow::as_select())
        .order(users::id.asc())
        .limit(filter.limit + 1)
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(users::status.eq(status.as_str()));
    }
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(after) = filter.after {
        query = query.filter(users::id.gt(after));
    }
    let mut rows: Vec<UserRow> = query.load(conn)?;
    let more = rows.len() as i64 > filter.limit;
    rows.truncate(filter.limit.max(0) as usize);
    let users = rows
        .iter()
        .map(UserRow::to_user)
        .collect::<DomainResult<_>>()?;
    Ok((users, more))
}

pub fn set_status(conn: &mut DbConn, id: i64, status: UserStatus) -> DomainResult<User> {
    let changed = diesel::update(users::table.find(id))
        .set((
            users::status.eq(status.as_str()),
            users::updated_at.eq(clock::now()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(DomainError::NotFound("user".into()));
    }
    get(conn, id)
}

/// Approves a pending (or re-activates a suspended) user.
pub fn approve(conn: &mut DbConn, id: i64) -> DomainResult<User> {
    set_status(conn, id, UserStatus::Active)
}

/// Suspends a user and revokes every refresh token they hold; their access tokens stop
/// working at the next request because each request re-reads the user's status.
pub fn suspend(conn: &mut DbConn, actor_id: i64, id: i64) -> DomainResult<User> {
    if actor_id == id {
        return Err(DomainError::conflict(
            ErrorCode::Conflict,
            "you cannot suspend yourself",
        ));
    }
    let user = set_status(conn, id, UserStatus::Suspended)?;
    crate::refresh::revoke_all_for_user(conn, id)?;
    Ok(user)
}

/// Creates the admin account unless a user with this e-mail exists. Returns whether one was
/// created; an existing non-admin user with that address is an error.
pub fn ensure_admin(conn: &mut DbConn, email: &Email, password_hash: &str) -> DomainResult<bool> {
    if let Some(row) = find_row_by_email(conn, email)? {
        return if row.role == Role::Admin.as_str() {
            Ok(false)
        } else {
            Err(DomainError::conflict(
                ErrorCode::EmailTaken,
                format!("{email} exists and is not an admin"),
            ))
        };
    }
    create(
        conn,
        &NewUser {
            email,
            password_hash,
            display_name: "Administrator",
            role: Role::Admin,
            status: UserStatus::Active,
            enterprise_id: None,
            agency_id: None,
        },
    )?;
    Ok(true)
}

/// Whether an active admin account exists (the start-up log says how to make the first).
pub fn active_admin_exists(conn: &mut DbConn) -> DomainResult<bool> {
    let found: Option<i64> = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::status.eq(UserStatus::Active.as_str()))
        .select(users::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The caller of a request as domain services see it, re-read on every request so that a
/// suspension takes effect at once.
pub fn principal(conn: &mut DbConn, id: i64) -> DomainResult<Option<Actor>> {
    type Row = (String, String, Option<i64>, Option<i64>);
    let row: Option<Row> = users::table
        .find(id)
        .select((
            users::role,
            users::status,
            users::enterprise_id,
            users::agency_id,
        ))
        .first(conn)
        .optional()?;
    row.map(|(role, status, enterprise_id, agency_id)| {
        Ok(Actor {
            user_id: id,
            role: stored(&role)?,
            status: stored(&status)?,
            enterprise_id,
            agency_id,
        })
    })
    .transpose()
}

/// Brings stored addresses into the form `Email::parse` gives (NFKC, lower case), so that
/// accounts made before addresses were normalised can still log in and stay unique. An
/// address whose normal form another account already has is left as it is and reported:
/// merging two accounts is for an administrator to decide. Returns (normalised, left).
pub fn normalize_stored_emails(conn: &mut DbConn) -> DomainResult<(usize, Vec<String>)> {
    let stored: Vec<(i64, String)> = users::table
        .select((users::id, users::email))
        .order(users::id.asc())
        .load(conn)?;
    let mut normalised = 0;
    let mut left = Vec::new();
    for (id, email) in stored {
        let Ok(parsed) = Email::parse(&email) else {
            left.push(email);
            continue;
        };
        if parsed.as_str() == email {
            continue;
        }
        if find_row_by_email(conn, &parsed)?.is_some() {
            left.push(email);
            continue;
        }
        diesel::update(users::table.find(id))
            .set(users::email.eq(parsed.as_str()))
            .execute(conn)?;
        normalised += 1;
    }
    Ok((normalised, left))
}
