//! `Application::build`: storage, migrations, the first admin, secrets, and the HTTP server
//! bound to its port (port 0 in tests).

use crate::config::Config;
use crate::secret;
use actix_web::dev::Server;
use actix_web::HttpServer;
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use anyhow::{anyhow, Context};
use muhan_api::{build_app, AppState};
use muhan_auth::{
    password, users, JwtKeys, LoginSettings, PasswordGate, PasswordWorkSettings, ThrottleSettings,
};
use muhan_core::{Email, EnterpriseKind, Password};
use muhan_db::{run_migrations, write_tx, BatchQueue, DbConn, DbPool, DbUrl, PoolOptions};
use muhan_orders::batch::{self, OrderAnswer, OrderJob};
use muhan_orders::{idempotency, OrderSettings};
use std::net::TcpListener;

pub struct Application {
    port: u16,
    base_url: String,
    server: Server,
    pool: DbPool,
    key_retention: chrono::Duration,
    passwords: PasswordGate,
}

/// Connects to the configured database and applies pending migrations.
pub fn open_database(config: &Config) -> anyhow::Result<DbPool> {
    let url = DbUrl::parse(&config.effective_database_url())?;
    let options = PoolOptions {
        max_size: config.db_pool_size.max(1),
        connect_timeout: std::time::Duration::from_millis(config.db_connect_timeout_ms.max(1)),
    };
    let pool =
        DbPool::connect(&url, &options).with_context(|| format!("opening {}", url.redacted()))?;
    let mut conn = pool.get()?;
    let applied = run_migrations(&mut conn)?;
    for name in &applied {
        tracing::info!(migration = %name, "applied migration");
    }
    let (normalised, left) = write_tx(&mut conn, users::normalize_stored_emails)?;
    if normalised > 0 {
        tracing::info!(
            normalised,
            "stored e-mail addresses brought into normal form"
        );
    }
    for email in left {
        tracing::warn!(%email, "e-mail address not in normal form: another account has that form, or it is invalid; an administrator must resolve it");
    }
    tracing::info!(database = %url.redacted(), "database ready");
    Ok(pool)
}

/// The command that creates an admin on the database this process uses (the password, at
/// least 10 characters, is read from standard input).
pub fn first_admin_command(database_flag: Option<&str>) -> String {
    let program =
        std::env::current_exe().map_or_else(|_| "muhan".to_owned(), |p| p.display().to_string());
    let flag = database_flag.map_or(String::new(), |url| format!(" --database-url '{url}'"));
    format!(
        "printf '%s\\n' 'a-password-of-10-or-more-characters' | {program}{flag} admin create --email admin@example.org"
    )
}

/// Creates the admin account with this e-mail unless it exists. Returns whether it was made.
pub fn create_admin(pool: &DbPool, email: &str, password_text: &str) -> anyhow::Result<bool> {
    let email = Email::parse(email).map_err(|e| anyhow!("admin e-mail: {e}"))?;
    let password_text =
        Password::parse(password_text).map_err(|e| anyhow!("admin password: {e}"))?;
    let hash = password::hash(&password_text)?;
    let mut conn = pool.get()?;
    Ok(write_tx(&mut conn, |c| {
        users::ensure_admin(c, &email, &hash)
    })?)
}

fn order_settings(config: &Config) -> anyhow::Result<OrderSettings> {
    let mut settings = OrderSettings {
        commission_bp: config.commission_bp,
        ..OrderSettings::default()
    };
    if !(0..=10_000).contains(&config.commission_bp) {
        anyhow::bail!("commission_bp must be between 0 and 10000");
    }
    for (setting, limits, into) in [
        (
            "private_contract_limits",
            &config.private_contract_limits,
            &mut settings.private_contract_limits,
        ),
        (
            "two_quote_limits",
            &config.two_quote_limits,
            &mut settings.two_quote_limits,
        ),
    ] {
        for (kind, limit) in limits {
            let kind: EnterpriseKind =
                kind.parse().map_err(|e| anyhow!("{setting}.{kind}: {e}"))?;
            if *limit < 0 {
                anyhow::bail!("{setting}.{kind} must not be negative");
            }
            into.insert(kind, *limit);
        }
    }
    Ok(settings)
}

fn metrics() -> anyhow::Result<PrometheusMetrics> {
    PrometheusMetricsBuilder::new("muhan")
        .endpoint("/metrics")
        .mask_unmatched_patterns("unmatched")
        .build()
        .map_err(|e| anyhow!("metrics: {e}"))
}

/// Order batches written at once: at least one, and (when the pool allows) fewer than the
/// pool's connections, so that other requests (and the user check of queued orders) still
/// get one while every writer is busy.
fn order_writers(config: &Config) -> anyhow::Result<usize> {
    if config.order_writers == 0 {
        anyhow::bail!("order_writers must be at least 1");
    }
    let spare = (config.db_pool_size as usize).saturating_sub(1).max(1);
    Ok(config.order_writers.min(spare))
}

/// The bound on password work: `password_hash_concurrency` hashes and checks at once (unset:
/// one per core; at most 256, each is a thread), each request waiting at most
/// `password_hash_wait_ms` for its turn.
fn password_work(config: &Config) -> anyhow::Result<PasswordWorkSettings> {
    let defaults = PasswordWorkSettings::default();
    let concurrency = config
        .password_hash_concurrency
        .unwrap_or(defaults.concurrency);
    if !(1..=PasswordWorkSettings::MAX_CONCURRENCY).contains(&concurrency) {
        anyhow::bail!(
            "password_hash_concurrency must be between 1 and {}",
            PasswordWorkSettings::MAX_CONCURRENCY
        );
    }
    Ok(PasswordWorkSettings {
        concurrency,
        max_wait: std::time::Duration::from_millis(config.password_hash_wait_ms),
    })
}

fn password_gate(config: &Config) -> anyhow::Result<PasswordGate> {
    Ok(PasswordGate::new(&password_work(config)?)?)
}

/// Orders written by one statement at most: bounds the statement (its arrays) and the time
/// the batch's orders wait for each other.
const MAX_ORDERS_PER_BATCH: usize = 32;

impl Application {
    /// Checks the whole configuration first: a bad setting stops the start before the
    /// database, the admin account, the secret file or the port are touched.
    pub fn build(config: &Config) -> anyhow::Result<Self> {
        config.validate()?;
        let orders = order_settings(config)?;
        let writers = order_writers(config)?;
        let secret = secret::resolve(config.jwt_secret.as_deref(), &config.data_dir)?;
        let pool = open_database(config)?;
        if let (Some(email), Some(pw)) = (&config.admin_email, &config.admin_password) {
            if create_admin(&pool, email, pw)? {
                tracing::info!(email = %email, "created admin account");
            }
        }
        let placing = orders.clone();
        let order_queue: BatchQueue<OrderJob, OrderAnswer> = BatchQueue::new(
            pool.clone(),
            writers,
            MAX_ORDERS_PER_BATCH,
            Box::new(move |c: &mut DbConn, jobs| batch::place_batch(c, &placing, jobs)),
        );
        let state = AppState {
            pool: pool.clone(),
            jwt: JwtKeys::new(&secret, config.access_token_ttl_secs)?,
            login: LoginSettings {
                refresh_ttl: chrono::Duration::days(config.refresh_token_ttl_days),
                throttle: ThrottleSettings {
                    max_failures_per_email: config.login_max_failures_per_email,
                    max_failures_per_client: config.login_max_failures_per_client,
                    window_secs: config.login_window_secs,
                },
            },
            orders,
            order_queue,
            max_body_bytes: config.max_body_bytes,
            trust_proxy_headers: config.trust_proxy_headers,
            passwords: password_gate(config)?,
            ocds: config.ocds_settings(),
        };
        let passwords = state.passwords.clone();
        let listener =
            TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let metrics = metrics()?;
        let mut server =
            HttpServer::new(move || build_app(state.clone(), metrics.clone())).listen(listener)?;
        if let Some(workers) = config.workers {
            server = server.workers(workers.max(1));
        }
        let host = config.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
        let host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
        Ok(Self {
            port,
            base_url: format!("http://{host}:{port}"),
            server: server.run(),
            pool,
            key_retention: chrono::Duration::hours(config.idempotency_key_retention_hours),
            passwords,
        })
    }

    /// Logs where to go: the dashboard, the API docs and, while no admin account exists,
    /// the command that creates the first (`database_flag`: how the command line named the
    /// database, when it did).
    pub async fn announce(&self, database_flag: Option<&str>) -> anyhow::Result<()> {
        let base = &self.base_url;
        tracing::info!(
            "Muhan listening on {base} — dashboard {base}/dashboard/ — API docs {base}/docs/"
        );
        if !muhan_db::with_conn(&self.pool, users::active_admin_exists).await? {
            tracing::warn!(
                "no admin account yet; create the first with: {}",
                first_admin_command(database_flag)
            );
        }
        Ok(())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// The bound on password work, shared by this instance's requests.
    pub fn passwords(&self) -> &PasswordGate {
        &self.passwords
    }

    /// Serves until the process is told to stop (SIGINT/SIGTERM: graceful shutdown), purging
    /// expired idempotency keys hourly meanwhile.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let purge = tokio::spawn(purge_idempotency_keys(
            self.pool.clone(),
            self.key_retention,
        ));
        let served = self.server.await;
        purge.abort();
        served
    }
}

/// Deletes idempotency keys older than `retention`, at start and then every hour. Several
/// instances may do this at once; the deletes simply overlap.
async fn purge_idempotency_keys(pool: DbPool, retention: chrono::Duration) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        let cutoff = muhan_core::clock::now() - retention;
        match muhan_db::with_conn(&pool, move |c| idempotency::purge_before(c, cutoff)).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "expired idempotency keys removed"),
            Err(error) => tracing::warn!(%error, "purging idempotency keys failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_writers_leave_connections_for_other_requests() {
        let with = |order_writers, db_pool_size| Config {
            order_writers,
            db_pool_size,
            ..Config::default()
        };
        assert_eq!(order_writers(&with(2, 16)).ok(), Some(2));
        assert_eq!(order_writers(&with(3, 4)).ok(), Some(3));
        assert_eq!(order_writers(&with(4, 4)).ok(), Some(3));
        assert_eq!(order_writers(&with(2, 2)).ok(), Some(1));
        assert_eq!(order_writers(&with(2, 1)).ok(), Some(1));
        assert!(order_writers(&with(0, 16)).is_err());
    }

    #[test]
    fn password_work_defaults_to_one_per_core_and_refuses_none() {
        let with = |password_hash_concurrency, password_hash_wait_ms| Config {
            password_hash_concurrency,
            password_hash_wait_ms,
            ..Config::default()
        };
        let default = password_work(&Config::default()).unwrap();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(default.concurrency, cores);
        assert_eq!(default.max_wait, std::time::Duration::from_secs(2));
        let one = password_work(&with(Some(1), 50)).unwrap();
        assert_eq!(one.concurrency, 1);
        assert_eq!(one.max_wait, std::time::Duration::from_millis(50));
        assert!(password_work(&with(Some(0), 50)).is_err());
        assert!(password_work(&with(Some(257), 50)).is_err());
    }
}
