//! argon2id hashing with the OWASP minimum parameters (m = 19456 KiB, t = 2, p = 1).
//! Both functions are slow by design: call them from blocking code only; request handlers go
//! through `PasswordGate`, which bounds how many run at once.

use argon2::password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use muhan_core::{DomainError, DomainResult, Password};

fn hasher() -> DomainResult<Argon2<'static>> {
    let params = Params::new(19_456, 2, 1, None).map_err(DomainError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a fresh random salt.
pub fn hash(password: &Password) -> DomainResult<String> {
    hasher()?
        .hash_password(password.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(DomainError::internal)
}

/// True when `candidate` matches `phc`. A malformed stored hash counts as a mismatch.
pub fn verify(candidate: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    match hasher() {
        Ok(h) => h.verify_password(candidate.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let pw = Password::parse("correct horse battery").unwrap();
        let phc = hash(&pw).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterY", &phc));
        assert!(!verify("anything", "not a phc string"));
        // Salted: the same password hashes differently each time.
        assert_ne!(phc, hash(&pw).unwrap());
    }
}
