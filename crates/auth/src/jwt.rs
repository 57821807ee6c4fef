//! HS256 access tokens with the algorithm pinned and `exp` required.

use chrono::Utc;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use muhan_core::{DomainError, DomainResult, Role};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user id.
    pub sub: String,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
}

impl AccessClaims {
    pub fn user_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

/// The signing secret and token lifetime. Cheap to clone.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl_secs: i64,
}

impl JwtKeys {
    pub const MIN_SECRET_BYTES: usize = 32;

    pub fn new(secret: &[u8], access_ttl_secs: i64) -> DomainResult<Self> {
        if secret.len() < Self::MIN_SECRET_BYTES {
            return Err(DomainError::internal(format!(
                "the JWT secret must be at least {} bytes",
                Self::MIN_SECRET_BYTES
            )));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.validate_exp = true;
        validation.leeway = 0;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl_secs,
        })
    }

    pub fn issue(&self, user_id: i64, role: Role) -> DomainResult<String> {
        let now = Utc::now().timestamp();
        let claims = AccessClaims {
            sub: user_id.to_string(),
            role,
            iat: now,
            exp: now + self.access_ttl_secs,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(DomainError::internal)
    }

    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trip() {
        let keys = JwtKeys::new(SECRET, 900).unwrap();
        let token = keys.issue(42, Role::Buyer).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(claims.user_id(), Some(42));
        assert_eq!(claims.role, Role::Buyer);
    }

    #[test]
    fn refuses_short_secret() {
        assert!(JwtKeys::new(b"short", 900).is_err());
    }

    #[test]
    fn refuses_wrong_secret_expired_and_alg_none() {
        let keys = JwtKeys::new(SECRET, 900).unwrap();
        let other = JwtKeys::new(b"another-secret-another-secret-xx", 900).unwrap();
        let token = other.issue(1, Role::Admin).unwrap();
        assert_eq!(keys.verify(&token), Err(TokenError::Invalid));

        let expired = JwtKeys::new(SECRET, -10)
            .unwrap()
            .issue(1, Role::Admin)
            .unwrap();
        assert_eq!(keys.verify(&expired), Err(TokenError::Expired));

        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let exp = Utc::now().timestamp() + 600;
        let body = b64.encode(format!(
            r#"{{"sub":"1","role":"admin","iat":0,"exp":{exp}}}"#
        ));
        assert_eq!(
            keys.verify(&format!("{header}.{body}.")),
            Err(TokenError::Invalid)
        );
    }
}
