//! Login and token refresh: the flows that turn credentials into a session.

use crate::throttle::{self, ThrottleKeys, ThrottleSettings};
use crate::users::{self, User};
use crate::{password, refresh as tokens, JwtKeys};
use chrono::Duration;
use muhan_core::{DomainError, DomainResult, Email, UserStatus};
use muhan_db::{write_tx, DbConn};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct LoginSettings {
    pub refresh_ttl: Duration,
    pub throttle: ThrottleSettings,
}

impl Default for LoginSettings {
    fn default() -> Self {
        Self {
            refresh_ttl: Duration::days(30),
            throttle: ThrottleSettings::default(),
        }
    }
}

/// The answer to a successful login or refresh.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Session {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
    pub refresh_token: String,
    pub user: User,
}

fn invalid_credentials() -> DomainError {
    DomainError::Unauthorized {
        code: "invalid_credentials",
        detail: "e-mail or password is incorrect".into(),
    }
}

fn suspended() -> DomainError {
    DomainError::Forbidden {
        code: "account_suspended",
        detail: "this account is suspended".into(),
    }
}

/// Reserves the attempt with the throttle, checks the password (slow, outside any
/// transaction so no lock is held meanwhile) and opens a session. Unknown e-mail and wrong
/// password get the same answer after the same work.
pub fn login(
    conn: &mut DbConn,
    keys: &JwtKeys,
    settings: &LoginSettings,
    email: &str,
    candidate: &str,
    client: Option<&str>,
) -> DomainResult<Session> {
    let throttle_keys = ThrottleKeys::new(email, client);
    let reservation = throttle::reserve(conn, &settings.throttle, &throttle_keys)?;
    let user = match Email::parse(email) {
        Ok(email) => users::find_row_by_email(conn, &email)?,
        Err(_) => None,
    };
    let verified = match &user {
        Some(row) => password::verify(candidate, &row.password_hash),
        None => {
            password::verify_dummy(candidate);
            false
        }
    };
    let row = match user {
        Some(row) if verified => row,
        // The reservation stays: it is the recorded failure.
        _ => return Err(invalid_credentials()),
    };
    let user = row.to_user()?;
    if user.status == UserStatus::Suspended {
        // A right password is no failure, even for a suspended account.
        write_tx(conn, |c| throttle::release(c, &reservation))?;
        return Err(suspended());
    }
    let refresh_token = write_tx(conn, |c| -> DomainResult<_> {
        throttle::succeeded(c, &throttle_keys, &reservation)?;
        tokens::issue(c, user.id, None, settings.refresh_ttl)
    })?;
    Ok(Session {
        access_token: keys.issue(user.id, user.role)?,
        token_type: "Bearer",
        expires_in: keys.access_ttl_secs,
        refresh_token,
        user,
    })
}

/// Rotates a refresh token. A reused token revokes its family; that revocation is committed
/// before the 401 is returned.
pub fn refresh(
    conn: &mut DbConn,
    keys: &JwtKeys,
    settings: &LoginSettings,
    presented: &str,
) -> DomainResult<Session> {
    let outcome = write_tx(conn, |c| -> DomainResult<DomainResult<(User, String)>> {
        match tokens::consume(c, presented)? {
            tokens::Consumed::Fresh { user_id, family_id } => {
                let user = users::get(c, user_id)?;
                if user.status == UserStatus::Suspended {
                    tokens::revoke_family(c, &family_id)?;
                    return Ok(Err(suspended()));
                }
                let next = tokens::issue(c, user_id, Some(&family_id), settings.refresh_ttl)?;
                Ok(Ok((user, next)))
            }
            tokens::Consumed::Reused => Ok(Err(DomainError::unauthorized(
                "this refresh token was already used; every session of this login is revoked",
            ))),
            tokens::Consumed::Expired => Ok(Err(DomainError::Unauthorized {
                code: "token_expired",
                detail: "the refresh token has expired".into(),
            })),
            tokens::Consumed::Invalid => Ok(Err(DomainError::unauthorized(
                "the refresh token is not valid",
            ))),
        }
    })?;
    let (user, refresh_token) = outcome?;
    Ok(Session {
        access_token: keys.issue(user.id, user.role)?,
        token_type: "Bearer",
        expires_in: keys.access_ttl_secs,
        refresh_token,
        user,
    })
}

pub fn logout(conn: &mut DbConn, presented: &str) -> DomainResult<()> {
    write_tx(conn, |c| tokens::revoke_family_of(c, presented))
}
