//! Parsed values: once built, they are valid by construction.

use serde::Serialize;
use std::fmt;
use unicode_security::{GeneralSecurityProfile, RestrictionLevel, RestrictionLevelDetection};

pub use crate::error::ParseError;

fn fail<T>(msg: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(msg.into()))
}

/// An e-mail address in the one form it is compared in: Unicode NFKC (composed, fullwidth
/// folded), lower case, trimmed. Addresses with control, invisible or bidi characters, or
/// mixing scripts in a way that makes lookalikes (Latin `a` with Cyrillic `а`), are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        crate::text::check_input(raw)?;
        let s = crate::text::identity_fold(raw);
        if s.is_empty() {
            return fail("must not be empty");
        }
        if s.chars().count() > Self::MAX_LEN {
            return fail(format!("must be at most {} characters", Self::MAX_LEN));
        }
        let Some((local, domain)) = s.split_once('@') else {
            return fail("must be an e-mail address like name@example.org");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.chars().count() <= 64
            && local.chars().all(|c| {
                c.is_ascii_graphic() && c != '@' || !c.is_ascii() && c.identifier_allowed()
            });
        if !domain_ok || !local_ok {
            return fail("must be an e-mail address like name@example.org");
        }
        if !(domain
            .chars()
            .all(|c| c.is_ascii() || c.identifier_allowed())
            && local.check_restriction_level(RestrictionLevel::HighlyRestrictive)
            && domain.check_restriction_level(RestrictionLevel::HighlyRestrictive))
        {
            return fail("must not mix scripts or use lookalike characters");
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the policy. Never serialized, never logged.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    /// Bounds the work argon2 does per request.
    pub const MAX_BYTES: usize = 1024;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if raw.chars().count() < Self::MIN_CHARS {
            return fail(format!("must be at least {} characters", Self::MIN_CHARS));
        }
        if raw.len() > Self::MAX_BYTES {
            return fail(format!("must be at most {} bytes", Self::MAX_BYTES));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Kim@Example.KR ").map(|e| e.into_inner()),
            Ok("kim@example.kr".to_owned())
        );
        for bad in [
            "",
            "kim",
            "kim@",
            "@example.kr",
            "kim@example",
            "a b@x.kr",
            "k@x..kr",
            "kim\u{202E}rk.@x.kr",
            "k\u{200B}im@x.kr",
            "k\0im@x.kr",
            "p\u{0430}ypal@x.kr", // Cyrillic а among Latin letters
            "kim@ex\u{0430}mple.kr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn email_identity_is_one_form() {
        let composed = Email::parse("caf\u{00E9}@x.kr");
        assert!(composed.is_ok());
        assert_eq!(Email::parse("cafe\u{0301}@x.kr"), composed);
        assert_eq!(Email::parse("CAF\u{00C9}@X.KR"), composed);
        assert_eq!(
            Email::parse("ｋｉｍ@ｘ.ｋｒ").map(Email::into_inner),
            Ok("kim@x.kr".to_owned())
        );
        assert!(Email::parse("김철수@무한.한국").is_ok());
    }

    #[test]
    fn password_policy() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("열자리비밀번호입니다").is_ok()); // 10 Hangul syllables
        assert!(Password::parse(&"x".repeat(2000)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse("0123456789")),
            "Ok(Password(***))"
        );
    }
}

/// An amount of Korean won (whole won, never a float).
pub type Won = i64;

/// Largest price a product may have: 100억 won.
pub const MAX_PRICE_WON: Won = 10_000_000_000;

/// A unit price: 1 … 10,000,000,000 won.
pub fn price_won(raw: i64) -> Result<Won, ParseError> {
    if (1..=MAX_PRICE_WON).contains(&raw) {
        Ok(raw)
    } else {
        fail(format!("must be between 1 and {MAX_PRICE_WON} won"))
    }
}

/// A non-negative amount of won (budgets, plans).
pub fn amount_won(raw: i64) -> Result<Won, ParseError> {
    if raw >= 0 {
        Ok(raw)
    } else {
        fail("must not be negative")
    }
}

/// An integer within `min..=max`, with a message naming the range.
pub fn in_range(raw: i64, min: i64, max: i64) -> Result<i64, ParseError> {
    if (min..=max).contains(&raw) {
        Ok(raw)
    } else if max == i64::MAX {
        fail(format!("must be at least {min}"))
    } else {
        fail(format!("must be between {min} and {max}"))
    }
}

/// A district code: five digits (existence is checked against the reference table).
pub fn district_code(raw: &str) -> Result<String, ParseError> {
    let s = raw.trim();
    if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        fail("must be a 5-digit district code such as 27110")
    }
}

/// A phone number: digits with optional `+`, `-`, spaces and parentheses, 7–20 characters.
pub fn phone(raw: &str) -> Result<String, ParseError> {
    let s = raw.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if allowed && (7..=15).contains(&digits) && s.len() <= 20 {
        Ok(s.to_owned())
    } else {
        fail("must be a phone number such as 053-123-4567")
    }
}

#[cfg(test)]
mod money_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn price_bounds(raw in any::<i64>()) {
            prop_assert_eq!(price_won(raw).is_ok(), (1..=MAX_PRICE_WON).contains(&raw));
        }
    }

    #[test]
    fn phone_numbers() {
        assert!(phone("053-123-4567").is_ok());
        assert!(phone("+82 53 123 4567").is_ok());
        assert!(phone("call me").is_err());
        assert!(phone("12").is_err());
    }
}
