//! Who is acting: what domain services need to know about the caller for permission checks.

use crate::error_code::ErrorCode;
use crate::{DomainError, DomainResult, Role, UserStatus};

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub status: UserStatus,
    pub enterprise_id: Option<i64>,
    pub agency_id: Option<i64>,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// True for an enterprise user acting for `enterprise_id`.
    pub fn acts_for_enterprise(&self, enterprise_id: i64) -> bool {
        self.role == Role::Enterprise && self.enterprise_id == Some(enterprise_id)
    }

    /// True for a buyer of `agency_id`.
    pub fn buys_for_agency(&self, agency_id: i64) -> bool {
        self.role == Role::Buyer && self.agency_id == Some(agency_id)
    }

    pub fn require_admin(&self) -> DomainResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(DomainError::forbidden(
                "only co-op administrators may do this",
            ))
        }
    }

    /// The enterprise an enterprise user acts for, or 403.
    pub fn own_enterprise(&self) -> DomainResult<i64> {
        match (self.role, self.enterprise_id) {
            (Role::Enterprise, Some(id)) => Ok(id),
            _ => Err(DomainError::forbidden(
                "only users of an enterprise may do this",
            )),
        }
    }

    pub fn require_active(&self) -> DomainResult<()> {
        if self.status == UserStatus::Active {
            Ok(())
        } else {
            Err(DomainError::Forbidden {
                code: ErrorCode::AccountNotActive,
                detail: "this account awaits approval by an administrator".into(),
            })
        }
    }
}
