//! Who a user is and whether they may act.

use std::str::FromStr;

/// Declares a string-backed enum whose text form is stored in the database (TEXT + CHECK)
/// and used on the wire.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::values::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::values::ParseError(format!(
                        "must be one of: {}",
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }
    };
}

text_enum! {
    /// What a user may do: co-op staff, a member enterprise's user, or a public buyer.
    Role { Admin = "admin", Enterprise = "enterprise", Buyer = "buyer" }
}

text_enum! {
    /// `pending` users can log in but not act (buyers await approval); `suspended` users are
    /// locked out and their tokens stop working.
    UserStatus { Pending = "pending", Active = "active", Suspended = "suspended" }
}

/// Reads a stored enum value; a value outside the CHECK constraint is a bug, not user input.
pub fn stored<T: FromStr>(text: &str) -> Result<T, crate::DomainError> {
    text.parse()
        .map_err(|_| crate::DomainError::Internal(format!("unexpected stored value {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_round_trips_through_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().ok(), Some(*role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn status_serializes_snake_case() {
        assert_eq!(
            serde_json::to_string(&UserStatus::Suspended)
                .ok()
                .as_deref(),
            Some("\"suspended\"")
        );
    }
}
