//! Login and token refresh: the flows that turn credentials into a session.

use crate::gate::PasswordGate;
use crate::throttle::{self, ThrottleKeys, ThrottleSettings};
use crate::users::{self, User};
use crate::{refresh as tokens, JwtKeys};
use chrono::Duration;
use muhan_core::ErrorCode;
use muhan_core::{DomainError, DomainResult, Email, UserStatus};
use muhan_db::{with_conn, write_tx, DbConn, DbPool};
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
        code: ErrorCode::InvalidCredentials,
        detail: "e-mail or password is incorrect".into(),
    }
}

fn suspended() -> DomainError {
    DomainError::Forbidden {
        code: ErrorCode::AccountSuspended,
        detail: "this account is suspended".into(),
    }
}

/// Logs in, in three steps so that nothing is held longer than it must be: with one pooled
/// connection the attempt is reserved with the throttle (429 beyond the limit, before any
/// password work) and the account read; the connection goes back to the pool and the
/// password is checked on the blocking pool holding only a permit of `passwords` (503 when
/// none is free in time: the attempt is then taken back, it was never checked); then, for a
/// right password, a connection again to forgive the failures and store the refresh token.
/// Unknown e-mail and wrong password get the same answer after the same work (a dummy hash is
/// checked for an unknown e-mail).
pub async fn login(
    pool: &DbPool,
    passwords: &PasswordGate,
    keys: &JwtKeys,
    settings: &LoginSettings,
    email: String,
    candidate: String,
    client: Option<String>,
) -> DomainResult<Session> {
    let throttle_keys = ThrottleKeys::new(&email, client.as_deref());
    let throttle = settings.throttle.clone();
    let (reservation, row, throttle_keys) = with_conn(pool, move |c| {
        let reservation = throttle::reserve(c, &throttle, &throttle_keys)?;
        let row = match Email::parse(&email) {
            Ok(email) => users::find_row_by_email(c, &email)?,
            Err(_) => None,
        };
        Ok((reservation, row, throttle_keys))
    })
    .await?;
    let stored = row.as_ref().map(|r| r.password_hash.clone());
    let verified = match passwords.verify(candidate, stored).await {
        Ok(verified) => verified,
        Err(refused) => {
            if let Err(error) = with_conn(pool, move |c| throttle::release(c, &reservation)).await {
                tracing::warn!(%error, "could not take back a login attempt that was not checked");
            }
            return Err(refused);
        }
    };
    let row = match row {
        Some(row) if verified => row,
        // The reservation stays: it is the recorded failure.
        _ => return Err(invalid_credentials()),
    };
    let user = row.to_user()?;
    let refresh_ttl = settings.refresh_ttl;
    let user_id = user.id;
    let suspended_account = user.status == UserStatus::Suspended;
    let refresh_token = with_conn(pool, move |c| {
        write_tx(c, |c| -> DomainResult<_> {
            if suspended_account {
                // A right password is no failure, even for a suspended account.
                throttle::release(c, &reservation)?;
                return Ok(None);
            }
            throttle::succeeded(c, &throttle_keys, &reservation)?;
            tokens::issue(c, user_id, None, refresh_ttl).map(Some)
        })
    })
    .await?
    .ok_or_else(suspended)?;
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
                code: ErrorCode::TokenExpired,
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
