//! Self-service signup of enterprises (user + pending enterprise, one transaction) and buyers
//! (pending user of an existing agency).
//!
//! A signup is refused as early and as cheaply as possible: first the fields are parsed, then
//! `check_enterprise` / `check_buyer` ask the database about everything that can refuse it
//! (district, agency, taken number or address), and only then is the password hashed, the
//! slow step (argon2id: 19 MiB and a core for tens of milliseconds). The write transaction
//! checks again; the unique indexes settle races between simultaneous signups.

use crate::enterprises::{self, Enterprise, EnterpriseInput, NewEnterprise};
use crate::{agencies, districts};
use diesel::prelude::*;
use muhan_auth::users::{self, NewUser, User};
use muhan_core::ErrorCode;
use muhan_core::{text, DomainError, DomainResult, Email, FieldErrors, Password, Role, UserStatus};
use muhan_db::schema::enterprises as e;
use muhan_db::DbConn;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseSignupRequest {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// At least 10 characters, at most 1024 bytes.
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    pub enterprise: EnterpriseInput,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerSignupRequest {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// At least 10 characters, at most 1024 bytes.
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    #[schema(minimum = 1)]
    pub agency_id: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EnterpriseSignup {
    pub user: User,
    pub enterprise: Enterprise,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BuyerSignup {
    pub user: User,
}

/// The account part of a signup, parsed.
pub struct Account {
    pub email: Email,
    pub password: Password,
    pub display_name: String,
}

fn parse_account(
    email: &str,
    password: &str,
    display_name: &str,
    errors: &mut FieldErrors,
) -> Option<Account> {
    let email = errors.check("email", Email::parse(email));
    let password = errors.check("password", Password::parse(password));
    let display_name = errors.check("display_name", text::line(display_name, 1, 100));
    Some(Account {
        email: email?,
        password: password?,
        display_name: display_name?,
    })
}

impl EnterpriseSignupRequest {
    /// Parses everything; an invalid business registration number is reported with its own
    /// code, `invalid_biz_reg_no`, beside any other field errors.
    pub fn parse(&self) -> DomainResult<(Account, NewEnterprise)> {
        let mut errors = FieldErrors::new();
        let account = parse_account(&self.email, &self.password, &self.display_name, &mut errors);
        let enterprise = self.enterprise.parse("enterprise.", &mut errors);
        let biz_bad = errors.has("enterprise.biz_reg_no");
        errors.finish(if biz_bad {
            ErrorCode::InvalidBizRegNo
        } else {
            ErrorCode::ValidationFailed
        })?;
        match (account, enterprise) {
            (Some(a), Some(e)) => Ok((a, e)),
            _ => Err(DomainError::internal("unreachable: checked fields")),
        }
    }
}

impl BuyerSignupRequest {
    pub fn parse(&self) -> DomainResult<Account> {
        let mut errors = FieldErrors::new();
        let account = parse_account(&self.email, &self.password, &self.display_name, &mut errors);
        errors.finish(ErrorCode::ValidationFailed)?;
        account.ok_or_else(|| DomainError::internal("unreachable: checked fields"))
    }
}

/// The refusals an enterprise signup can meet in the database, in the order `enterprise`
/// meets them: unknown district (422), number taken (409 `biz_reg_no_taken`), address taken
/// (409 `email_taken`). Reads only; call before hashing the password.
pub fn check_enterprise(
    conn: &mut DbConn,
    account: &Account,
    new: &NewEnterprise,
) -> DomainResult<()> {
    districts::require(conn, "enterprise.district", &new.district)?;
    let taken: Option<i64> = e::table
        .filter(e::biz_reg_no.eq(new.biz_reg_no.to_string()))
        .select(e::id)
        .first(conn)
        .optional()?;
    if taken.is_some() {
        return Err(enterprises::biz_reg_no_taken());
    }
    users::ensure_email_free(conn, &account.email)
}

/// The refusals a buyer signup can meet in the database, in the order `buyer` meets them:
/// unknown agency (422), address taken (409 `email_taken`). Reads only; call before hashing
/// the password.
pub fn check_buyer(conn: &mut DbConn, account: &Account, agency_id: i64) -> DomainResult<()> {
    require_agency(conn, agency_id)?;
    users::ensure_email_free(conn, &account.email)
}

fn require_agency(conn: &mut DbConn, agency_id: i64) -> DomainResult<()> {
    if agencies::exists(conn, agency_id)? {
        Ok(())
    } else {
        Err(DomainError::invalid("agency_id", "no such agency"))
    }
}

/// Creates the enterprise (pending) and its first user (active: they may list products while
/// the co-op verifies the enterprise). Call inside one write transaction: a refusal leaves
/// nothing behind.
pub fn enterprise(
    conn: &mut DbConn,
    account: &Account,
    password_hash: &str,
    new: &NewEnterprise,
) -> DomainResult<EnterpriseSignup> {
    let enterprise = enterprises::create(conn, new, "enterprise.district")?;
    let user = users::create(
        conn,
        &NewUser {
            email: &account.email,
            password_hash,
            display_name: &account.display_name,
            role: Role::Enterprise,
            status: UserStatus::Active,
            enterprise_id: Some(enterprise.id),
            agency_id: None,
        },
    )?;
    Ok(EnterpriseSignup { user, enterprise })
}

/// Creates a pending buyer of an existing agency; an admin approves them.
pub fn buyer(
    conn: &mut DbConn,
    account: &Account,
    password_hash: &str,
    agency_id: i64,
) -> DomainResult<BuyerSignup> {
    require_agency(conn, agency_id)?;
    let user = users::create(
        conn,
        &NewUser {
            email: &account.email,
            password_hash,
            display_name: &account.display_name,
            role: Role::Buyer,
            status: UserStatus::Pending,
            enterprise_id: None,
            agency_id: Some(agency_id),
        },
    )?;
    Ok(BuyerSignup { user })
}
