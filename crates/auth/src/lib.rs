//! Authentication and user accounts: argon2id password hashes (a bounded number computed at
//! once), HS256 access tokens, rotating refresh tokens with reuse detection, and login
//! throttling kept in the database (so it holds across server instances).

pub mod gate;
pub mod jwt;
pub mod login;
pub mod password;
pub mod refresh;
mod store;
pub mod throttle;
pub mod users;

pub use gate::{PasswordGate, PasswordWorkSettings};
pub use jwt::{AccessClaims, JwtKeys, TokenError};
pub use login::{login, refresh, LoginSettings, Session};
pub use throttle::ThrottleSettings;
pub use users::{User, UserFilter};
