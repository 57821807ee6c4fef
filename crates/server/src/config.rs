//! Configuration, layered: defaults → optional `muhan.toml` → `MUHAN_*` environment variables
//! (and `DATABASE_URL`) → command-line flags.

use crate::secret;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use muhan_core::{Email, EnterpriseKind, Password};
use muhan_db::DbUrl;
use muhan_stats::ocds::{self, OcdsSettings};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use tracing_subscriber::EnvFilter;

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
    /// Limits in won by enterprise kind for an award on quotes from two or more enterprises
    /// (2인 이상 견적), overriding the defaults (`[two_quote_limits] social_enterprise =
    /// 100000000`, or `MUHAN_TWO_QUOTE_LIMITS__SOCIAL_ENTERPRISE=100000000`).
    pub two_quote_limits: BTreeMap<String, i64>,
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
    /// OCDS export: the ocid prefix the Open Contracting Partnership registered for the
    /// publisher (`ocds-` and six lowercase letters or digits); the default is a placeholder.
    pub ocds_ocid_prefix: String,
    /// OCDS export: the publisher's name.
    pub ocds_publisher_name: String,
    /// OCDS export: an http(s) URI identifying the publisher.
    pub ocds_publisher_uri: Option<String>,
    /// OCDS export: the licence of the published data (an http(s) URI).
    pub ocds_license: String,
    /// OCDS export: the publisher's publication policy (an http(s) URI).
    pub ocds_publication_policy: Option<String>,
    /// Where clients reach the server (`https://muhan.example.org`), for absolute links in
    /// published documents (the OCDS package `uri`); unset = the address a request was sent to.
    pub public_base_url: Option<String>,
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
            two_quote_limits: BTreeMap::new(),
            idempotency_key_retention_hours: 7 * 24,
            order_writers: 2,
            password_hash_concurrency: None,
            password_hash_wait_ms: 2000,
            ocds_ocid_prefix: ocds::DEFAULT_OCID_PREFIX.into(),
            ocds_publisher_name: ocds::DEFAULT_PUBLISHER_NAME.into(),
            ocds_publisher_uri: None,
            ocds_license: ocds::DEFAULT_LICENSE.into(),
            ocds_publication_policy: None,
            public_base_url: None,
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

    /// The OCDS export's settings.
    pub fn ocds_settings(&self) -> OcdsSettings {
        let set = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        OcdsSettings {
            ocid_prefix: self.ocds_ocid_prefix.trim().to_owned(),
            publisher_name: self.ocds_publisher_name.trim().to_owned(),
            publisher_uri: set(&self.ocds_publisher_uri),
            license: set(&Some(self.ocds_license.clone())),
            publication_policy: set(&self.ocds_publication_policy),
            public_base_url: set(&self.public_base_url).map(|u| u.trim_end_matches('/').to_owned()),
        }
    }

    /// Checks every setting at once. Start-up calls it before anything else (before the
    /// database is opened, the admin created, a secret written or the port bound), so a bad
    /// setting changes nothing; the error names each bad setting.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut p = Problems::default();
        if let Err(e) = DbUrl::parse(&self.effective_database_url()) {
            p.push(format!("database_url: {e}"));
        }
        let port = self
            .bind
            .trim()
            .rsplit_once(':')
            .filter(|(host, _)| !host.is_empty())
            .map(|(_, port)| port.parse::<u16>());
        p.check(matches!(port, Some(Ok(_))), || {
            format!(
                "bind must be HOST:PORT (e.g. 127.0.0.1:8080), not {:?}",
                self.bind
            )
        });
        p.check(!self.data_dir.as_os_str().is_empty(), || {
            "data_dir must not be empty".into()
        });
        if let Some(jwt_secret) = self.jwt_secret.as_deref().filter(|s| !s.is_empty()) {
            p.check(jwt_secret.len() >= secret::MIN_BYTES, || {
                format!(
                    "jwt_secret must be at least {} bytes long",
                    secret::MIN_BYTES
                )
            });
        }
        match (&self.admin_email, &self.admin_password) {
            (Some(email), Some(password)) => {
                if let Err(e) = Email::parse(email) {
                    p.push(format!("admin_email: {e}"));
                }
                if let Err(e) = Password::parse(password) {
                    p.push(format!("admin_password: {e}"));
                }
            }
            (Some(_), None) | (None, Some(_)) => {
                p.push("admin_email and admin_password go together: set both or neither".into())
            }
            (None, None) => {}
        }
        p.check(
            !self.log_level.trim().is_empty() && EnvFilter::try_new(&self.log_level).is_ok(),
            || {
                format!(
                    "log_level must be a log filter such as info or warn,muhan=debug, not {:?}",
                    self.log_level
                )
            },
        );
        p.range(
            "access_token_ttl_secs",
            self.access_token_ttl_secs,
            1,
            MAX_ACCESS_TOKEN_TTL_SECS,
        );
        p.range(
            "refresh_token_ttl_days",
            self.refresh_token_ttl_days,
            1,
            MAX_REFRESH_TOKEN_TTL_DAYS,
        );
        p.range(
            "login_max_failures_per_email",
            self.login_max_failures_per_email,
            1,
            i64::MAX,
        );
        p.range(
            "login_max_failures_per_client",
            self.login_max_failures_per_client,
            1,
            i64::MAX,
        );
        p.range(
            "login_window_secs",
            self.login_window_secs,
            1,
            MAX_LOGIN_WINDOW_SECS,
        );
        p.check(self.max_body_bytes >= MIN_BODY_BYTES, || {
            format!(
                "max_body_bytes must be at least {MIN_BODY_BYTES}, not {}",
                self.max_body_bytes
            )
        });
        p.check(self.db_pool_size >= 1, || {
            "db_pool_size must be at least 1".into()
        });
        p.check(
            (1..=MAX_DB_CONNECT_TIMEOUT_MS).contains(&self.db_connect_timeout_ms),
            || {
                format!(
                    "db_connect_timeout_ms must be between 1 and {MAX_DB_CONNECT_TIMEOUT_MS}, not {}",
                    self.db_connect_timeout_ms
                )
            },
        );
        p.check(
            self.password_hash_concurrency
                .is_none_or(|n| (1..=MAX_PASSWORD_HASH_CONCURRENCY).contains(&n)),
            || format!("password_hash_concurrency must be between 1 and {MAX_PASSWORD_HASH_CONCURRENCY} (or unset: one per core)"),
        );
        p.check(self.workers != Some(0), || {
            "workers must be at least 1 (or unset: one per core)".into()
        });
        p.range("commission_bp", self.commission_bp, 0, 10_000);
        for (setting, limits) in [
            ("private_contract_limits", &self.private_contract_limits),
            ("two_quote_limits", &self.two_quote_limits),
        ] {
            for (kind, limit) in limits {
                if let Err(e) = kind.parse::<EnterpriseKind>() {
                    p.push(format!("{setting}.{kind}: {e}"));
                }
                p.check(*limit >= 0, || {
                    format!("{setting}.{kind} must not be negative")
                });
            }
        }
        p.range(
            "idempotency_key_retention_hours",
            self.idempotency_key_retention_hours,
            24,
            MAX_IDEMPOTENCY_KEY_RETENTION_HOURS,
        );
        p.check(self.order_writers >= 1, || {
            "order_writers must be at least 1".into()
        });
        for problem in self.ocds_settings().problems() {
            p.push(problem);
        }
        p.finish()
    }
}

/// Upper bounds keeping the durations representable (chrono panics beyond its range).
const MAX_ACCESS_TOKEN_TTL_SECS: i64 = 366 * 24 * 3600;
const MAX_REFRESH_TOKEN_TTL_DAYS: i64 = 10 * 366;
const MAX_LOGIN_WINDOW_SECS: i64 = 366 * 24 * 3600;
const MAX_IDEMPOTENCY_KEY_RETENTION_HOURS: i64 = 10 * 366 * 24;
const MAX_DB_CONNECT_TIMEOUT_MS: u64 = 60_000;
const MAX_PASSWORD_HASH_CONCURRENCY: usize = 256;
/// Below this, ordinary JSON requests of the API would be refused as too large.
const MIN_BODY_BYTES: usize = 1024;

/// What is wrong with a configuration: one message per bad setting, each naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.0.join("; "))
    }
}

impl std::error::Error for ConfigError {}

#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, problem: String) {
        self.0.push(problem);
    }

    fn check(&mut self, ok: bool, problem: impl FnOnce() -> String) {
        if !ok {
            self.0.push(problem());
        }
    }

    fn range(&mut self, name: &str, value: i64, min: i64, max: i64) {
        self.check((min..=max).contains(&value), || {
            if max == i64::MAX {
                format!("{name} must be at least {min}, not {value}")
            } else {
                format!("{name} must be between {min} and {max}, not {value}")
            }
        });
    }

    fn finish(self) -> Result<(), ConfigError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ConfigError(self.0))
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
    fn the_defaults_are_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
        let full = Config {
            database_url: Some("postgres://muhan:pw@db:5432/muhan".into()),
            bind: "[::1]:0".into(),
            jwt_secret: Some("k".repeat(32)),
            admin_email: Some("admin@example.org".into()),
            admin_password: Some("a long password".into()),
            log_level: "warn,muhan=debug".into(),
            workers: Some(1),
            db_pool_size: 1,
            commission_bp: 0,
            private_contract_limits: BTreeMap::from([("cooperative".into(), 0)]),
            idempotency_key_retention_hours: 24,
            ..Config::default()
        };
        assert_eq!(full.validate(), Ok(()));
    }

    /// The settings a configuration names as bad.
    fn refused(change: impl FnOnce(&mut Config)) -> Vec<String> {
        let mut config = Config::default();
        change(&mut config);
        match config.validate() {
            Ok(()) => vec![],
            Err(ConfigError(problems)) => problems,
        }
    }

    #[test]
    fn each_bad_setting_is_refused_by_name() {
        type Change = Box<dyn FnOnce(&mut Config)>;
        let cases: Vec<(&str, Change)> = vec![
            (
                "database_url",
                Box::new(|c| c.database_url = Some("mysql://h/db".into())),
            ),
            (
                "database_url",
                Box::new(|c| c.database_url = Some("sqlite://:memory:".into())),
            ),
            ("bind", Box::new(|c| c.bind = "8080".into())),
            ("bind", Box::new(|c| c.bind = "127.0.0.1:http".into())),
            ("bind", Box::new(|c| c.bind = ":8080".into())),
            ("bind", Box::new(|c| c.bind = "127.0.0.1:65536".into())),
            ("data_dir", Box::new(|c| c.data_dir = PathBuf::new())),
            (
                "jwt_secret",
                Box::new(|c| c.jwt_secret = Some("short".into())),
            ),
            (
                "admin_email",
                Box::new(|c| {
                    c.admin_email = Some("nobody".into());
                    c.admin_password = Some("a long password".into());
                }),
            ),
            (
                "admin_password",
                Box::new(|c| {
                    c.admin_email = Some("admin@example.org".into());
                    c.admin_password = Some("short".into());
                }),
            ),
            (
                "admin_password",
                Box::new(|c| c.admin_email = Some("admin@example.org".into())),
            ),
            (
                "admin_email",
                Box::new(|c| c.admin_password = Some("a long password".into())),
            ),
            ("log_level", Box::new(|c| c.log_level = "muhan=loud".into())),
            ("log_level", Box::new(|c| c.log_level = " ".into())),
            (
                "access_token_ttl_secs",
                Box::new(|c| c.access_token_ttl_secs = 0),
            ),
            (
                "access_token_ttl_secs",
                Box::new(|c| c.access_token_ttl_secs = i64::MAX),
            ),
            (
                "refresh_token_ttl_days",
                Box::new(|c| c.refresh_token_ttl_days = -1),
            ),
            (
                "refresh_token_ttl_days",
                Box::new(|c| c.refresh_token_ttl_days = i64::MAX),
            ),
            (
                "login_max_failures_per_email",
                Box::new(|c| c.login_max_failures_per_email = 0),
            ),
            (
                "login_max_failures_per_client",
                Box::new(|c| c.login_max_failures_per_client = 0),
            ),
            ("login_window_secs", Box::new(|c| c.login_window_secs = 0)),
            (
                "login_window_secs",
                Box::new(|c| c.login_window_secs = i64::MAX),
            ),
            ("max_body_bytes", Box::new(|c| c.max_body_bytes = 10)),
            ("db_pool_size", Box::new(|c| c.db_pool_size = 0)),
            ("workers", Box::new(|c| c.workers = Some(0))),
            ("commission_bp", Box::new(|c| c.commission_bp = -1)),
            ("commission_bp", Box::new(|c| c.commission_bp = 10_001)),
            (
                "private_contract_limits.cooperative",
                Box::new(|c| {
                    c.private_contract_limits.insert("cooperative".into(), -1);
                }),
            ),
            (
                "private_contract_limits.startup",
                Box::new(|c| {
                    c.private_contract_limits.insert("startup".into(), 1);
                }),
            ),
            (
                "two_quote_limits.social_enterprise",
                Box::new(|c| {
                    c.two_quote_limits.insert("social_enterprise".into(), -1);
                }),
            ),
            (
                "two_quote_limits.startup",
                Box::new(|c| {
                    c.two_quote_limits.insert("startup".into(), 1);
                }),
            ),
            (
                "idempotency_key_retention_hours",
                Box::new(|c| c.idempotency_key_retention_hours = 23),
            ),
            (
                "idempotency_key_retention_hours",
                Box::new(|c| c.idempotency_key_retention_hours = i64::MAX),
            ),
            ("order_writers", Box::new(|c| c.order_writers = 0)),
            (
                "ocds_ocid_prefix",
                Box::new(|c| c.ocds_ocid_prefix = "muhan".into()),
            ),
            (
                "ocds_publisher_name",
                Box::new(|c| c.ocds_publisher_name = " ".into()),
            ),
            (
                "ocds_publisher_uri",
                Box::new(|c| c.ocds_publisher_uri = Some("muhan.example.org".into())),
            ),
            (
                "ocds_license",
                Box::new(|c| c.ocds_license = "CC-BY".into()),
            ),
            (
                "ocds_publication_policy",
                Box::new(|c| c.ocds_publication_policy = Some("file:///p".into())),
            ),
            (
                "public_base_url",
                Box::new(|c| c.public_base_url = Some("https://x.org/?q".into())),
            ),
        ];
        for (setting, change) in cases {
            let problems = refused(change);
            assert_eq!(problems.len(), 1, "{setting}: {problems:?}");
            assert!(problems[0].contains(setting), "{setting}: {problems:?}");
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let problems = refused(|c| {
            c.idempotency_key_retention_hours = 1;
            c.commission_bp = 20_000;
            c.bind = "nowhere".into();
        });
        assert_eq!(problems.len(), 3, "{problems:?}");
        let message = ConfigError(problems).to_string();
        for setting in ["idempotency_key_retention_hours", "commission_bp", "bind"] {
            assert!(message.contains(setting), "{message}");
        }
    }

    #[test]
    fn default_database_is_embedded_sqlite() {
        let cfg = Config::default();
        assert_eq!(cfg.effective_database_url(), "sqlite://./data/muhan.db");
    }
}
