//! Typed domain values, enums and the domain error type shared by every layer.
//!
//! Values are parsed once at the edge (`Email::parse`, `Password::parse`, ...) and trusted
//! everywhere inside. Nothing in this crate performs IO.

pub mod error;
pub mod error_code;
pub mod roles;
pub mod text;
pub mod values;

pub use error::{DomainError, DomainResult, FieldError, FieldErrors};
pub use error_code::ErrorCode;
pub use roles::{stored, Role, UserStatus};
pub use values::{amount_won, in_range, phone, price_won, ParseError, Won};
pub use values::{Email, Password};

pub mod clock {
    //! The one source of "now": UTC, truncated to microseconds so that a value reads back
    //! identically from SQLite (text) and PostgreSQL (microsecond timestamps).
    use chrono::{NaiveDateTime, SubsecRound, Utc};

    pub fn now() -> NaiveDateTime {
        Utc::now().naive_utc().trunc_subsecs(6)
    }
}

pub mod serde_utc {
    //! Timestamps are stored as naive UTC and sent as RFC 3339 with a `Z`.
    use chrono::NaiveDateTime;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(at))
    }

    pub fn format(at: &NaiveDateTime) -> String {
        at.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            at: &Option<NaiveDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => s.serialize_str(&format(at)),
                None => s.serialize_none(),
            }
        }
    }
}

pub mod biz_reg_no;
pub mod cursor;
pub mod kinds;
pub mod search_text;

pub use biz_reg_no::BizRegNo;
pub use kinds::{AgencyKind, EnterpriseKind, EnterpriseStatus, ProductStatus};
pub mod actor;
pub use actor::Actor;
