//! The JWT signing secret: configured, or generated once and kept in the data directory
//! (mode 0600) so that tokens survive restarts.

use anyhow::{bail, Context};
use rand::RngCore;
use std::io::Write;
use std::path::Path;

pub const MIN_BYTES: usize = 32;
const FILE_NAME: &str = "jwt_secret";

pub fn resolve(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured.filter(|s| !s.is_empty()) {
        if secret.len() < MIN_BYTES {
            bail!("MUHAN_JWT_SECRET must be at least {MIN_BYTES} bytes long");
        }
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join(FILE_NAME);
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(&path) {
        Ok(mut file) => {
            let mut bytes = [0u8; 48];
            rand::rng().fill_bytes(&mut bytes);
            let secret = hex::encode(bytes);
            file.write_all(secret.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a new JWT secret");
            Ok(secret.into_bytes())
        }
        // Another instance (or an earlier start) made it: use that one.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let secret = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let secret = secret.trim();
            if secret.len() < MIN_BYTES {
                bail!(
                    "{} holds a secret shorter than {MIN_BYTES} bytes",
                    path.display()
                );
            }
            Ok(secret.as_bytes().to_vec())
        }
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_once_then_reused_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let first = resolve(None, dir.path()).unwrap();
        let second = resolve(None, dir.path()).unwrap();
        assert_eq!(first, second);
        assert!(first.len() >= MIN_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn refuses_short_configured_secret() {
        let dir = tempfile::tempdir().unwrap();
        assert!(resolve(Some("too-short"), dir.path()).is_err());
        assert_eq!(
            resolve(Some(&"k".repeat(32)), dir.path()).unwrap(),
            "k".repeat(32).into_bytes()
        );
    }
}
