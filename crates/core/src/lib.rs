//! Typed domain values, enums and the domain error type shared by every layer.
//!
//! Values are parsed once at the edge (`Email::parse`, `Password::parse`, ...) and trusted
//! everywhere inside. Nothing in this crate performs IO.

pub mod error;
pub mod roles;
pub mod values;

pub use error::{DomainError, DomainResult, FieldError, FieldErrors};
pub use roles::{stored, Role, UserStatus};
pub use values::{Email, Password};
pub use values::{bounded_text, ParseError};

pub mod clock {
    //! The one source of "now": UTC, truncated to microseconds so that a value reads back
    //! identically from SQLite (text) and PostgreSQL (microsecond timestamps).
    use chrono::{NaiveDateTime, SubsecRound, Utc};

    pub fn now() -> NaiveDateTime {
        Utc::now().naive_utc().trunc_subsecs(6)
    }
}
