//! Configuration, layered: defaults → optional `muhan.toml` → `MUHAN_*` environment variables
//! (and `DATABASE_URL`) → command-line flags.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// `postgres://…`, `postgresql://…` or `sqlite://PATH`; unset = `<data_dir>/muhan.db`.
    pub database_url: Option<String>,
    /// Address to listen on.
    pub bind: String,
    /// Where the embedded database and the generated JWT secret live.
    pub data_dir: PathBuf,
    /// HS256 signing secret (at least 32 bytes). Unset = generated once into the data dir.
    pub jwt_secret: Option<String>,
    /// Admin account created at start if absent.
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub log_format: LogFormat,
    /// Default log filter when `RUST_LOG` is not set.
    pub log_level: String,
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_days: i64,
    pub login_max_failures_per_email: i64,
    pub login_max_failures_per_client: i64,
    pub login_window_secs: i64,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    pub db_pool_size: u32,
    /// How long a request waits for a database connection before it is answered 503.
    pub db_connect_timeout_ms: u64,
    /// HTTP worker threads; unset = one per core.
    pub workers: Option<usize>,
    /// Trust `Forwarded`/`X-Forwarded-For` for the client address (behind a reverse proxy).
    pub trust_proxy_headers: bool,
    /// The co-op's commission in basis points (300 = 3 %).
    pub commission_bp: i64,
    /// Private-contract limits in won by enterprise kind, overriding the defaults
    /// (`[private_contract_limits] cooperative = 30000000`, or
    /// `MUHAN_PRIVATE_CONTRACT_LIMITS__COOPERATIVE=30000000`).
    pub private_contract_limits: BTreeMap<String, i64>,
    /// How long an `Idempotency-Key` and its stored answer are kept (at least 24 hours).
    pub idempotency_key_retention_hours: i64,
    /// Order placements written at the same time, each a batch of the orders that arrived
    /// meanwhile (group commit); at least 1 (at most `db_pool_size` - 1 are used, 1 with a
    /// pool of 1).
    pub order_writers: usize,
    /// Password hashes and checks (argon2id: 19 MiB and a core each, for tens of
    /// milliseconds) running at once, each on a thread of its own; unset = one per core
    /// (1 to 256).
    pub password_hash_concurrency: Option<usize>,
    /// How long a signup or login waits for its turn to hash or check a password before it
    /// is refused (503 `service_unavailable` with `Retry-After`), in milliseconds.
    pub password_hash_wait_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: None,
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            jwt_secret: None,
            admin_email: None,
            admin_password: None,
            log_format: LogFormat::Text,
            log_level: "info".into(),
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_days: 30,
            login_max_failures_per_email: 5,
            login_max_failures_per_client: 50,
            login_window_secs: 15 * 60,
            max_body_bytes: 256 * 1024,
            db_pool_size: 16,
            db_connect_timeout_ms: 3000,
            workers: None,
            trust_proxy_headers: false,
            commission_bp: 300,
            private_contract_limits: BTreeMap::new(),
            idempotency_key_retention_hours: 7 * 24,
            order_writers: 2,
            password_hash_concurrency: None,
            password_hash_wait_ms: 2000,
        }
    }
}

impl Config {
    /// Reads the layers below the command line. `file` defaults to `muhan.toml` (optional).
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let file = file.map_or_else(|| PathBuf::from("muhan.toml"), Path::to_path_buf);
        Self::figment(&file).extract().map_err(Box::new)
    }

    fn figment(file: &Path) -> Figment {
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .merge(Env::prefixed("MUHAN_").ignore(&["CONFIG"]).split("__"))
    }

    /// The database URL in effect.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => format!("sqlite://{}", self.data_dir.join("muhan.db").display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::Jail;

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API returns figment::Error
    fn layers_in_order() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "muhan.toml",
                "bind = \"0.0.0.0:9000\"\nlog_level = \"debug\"\ndb_pool_size = 4\n",
            )?;
            jail.set_env("MUHAN_LOG_LEVEL", "warn");
            jail.set_env("DATABASE_URL", "postgres://db/muhan");
            jail.set_env("MUHAN_PRIVATE_CONTRACT_LIMITS__COOPERATIVE", "30000000");
            let cfg = Config::load(None).map_err(|e| *e)?;
            assert_eq!(cfg.bind, "0.0.0.0:9000"); // file over default
            assert_eq!(cfg.log_level, "warn"); // env over file
            assert_eq!(cfg.db_pool_size, 4);
            assert_eq!(cfg.effective_database_url(), "postgres://db/muhan");
            assert_eq!(cfg.access_token_ttl_secs, 900); // default
            assert_eq!(
                cfg.private_contract_limits.get("cooperative"),
                Some(&30_000_000)
            );
            Ok(())
        });
    }

    #[test]
    fn default_database_is_embedded_sqlite() {
        let cfg = Config::default();
        assert_eq!(cfg.effective_database_url(), "sqlite://./data/muhan.db");
    }
}
