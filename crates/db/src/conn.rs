//! `DbConn` over both backends and an r2d2 pool that picks the backend from the URL scheme
//! (the derived `establish` would try each backend in turn and hide the real error).

use crate::DbError;
use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;
use diesel::{Connection, PgConnection, SqliteConnection};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgresql(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A parsed `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DbUrl {
    /// `postgres://…`, `postgresql://…` or `sqlite://PATH` (also `sqlite:PATH`).
    pub fn parse(url: &str) -> Result<Self, DbError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() || path.starts_with(":memory:") {
                return Err(DbError::InvalidUrl(
                    "sqlite needs a file path (an in-memory database is not shared by the pool)"
                        .into(),
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        Err(DbError::InvalidUrl(
            "expected postgres://…, postgresql://… or sqlite://PATH".into(),
        ))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The URL as `DATABASE_URL` would spell it.
    pub fn to_url(&self) -> String {
        match self {
            Self::Postgres(u) => u.clone(),
            Self::Sqlite(p) => format!("sqlite://{}", p.display()),
        }
    }

    /// The URL without any password, for logs (a URL without one is shown as it is, so it
    /// can be used as printed).
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(p) => format!("sqlite://{}", p.display()),
            Self::Postgres(u) => match (u.find("://"), u.rfind('@')) {
                (Some(s), Some(at)) if at > s => match u[s + 3..at].split_once(':') {
                    Some((user, _)) => format!("{}{}:***{}", &u[..s + 3], user, &u[at..]),
                    None => u.clone(),
                },
                _ => u.clone(),
            },
        }
    }

    pub fn establish(&self) -> Result<DbConn, DbError> {
        match self {
            Self::Postgres(url) => PgConnection::establish(url)
                .map(DbConn::Postgresql)
                .map_err(|e| DbError::Connect(e.to_string())),
            Self::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                let path = path.to_string_lossy();
                let mut conn = SqliteConnection::establish(&path)
                    .map_err(|e| DbError::Connect(e.to_string()))?;
                // WAL lets readers proceed beside the one writer; the busy timeout makes
                // concurrent writers wait instead of failing at once.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 15000;",
                )?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

/// A pooled connection that can be marked lost (the server went away: restart, failover,
/// an administrator ending it), so that the pool drops it instead of handing it out again.
/// diesel flags only a broken *transaction*; a dead socket outside one would stay pooled.
pub struct PooledDbConn {
    conn: DbConn,
    lost: bool,
}

impl PooledDbConn {
    pub fn mark_lost(&mut self) {
        self.lost = true;
    }
}

impl std::ops::Deref for PooledDbConn {
    type Target = DbConn;

    fn deref(&self) -> &DbConn {
        &self.conn
    }
}

impl std::ops::DerefMut for PooledDbConn {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.conn
    }
}

/// The r2d2 manager for `DbConn`.
#[derive(Debug, Clone)]
pub struct DbConnectionManager {
    url: DbUrl,
}

impl r2d2::ManageConnection for DbConnectionManager {
    type Connection = PooledDbConn;
    type Error = DbError;

    fn connect(&self) -> Result<PooledDbConn, DbError> {
        Ok(PooledDbConn {
            conn: self.url.establish()?,
            lost: false,
        })
    }

    fn is_valid(&self, conn: &mut PooledDbConn) -> Result<(), DbError> {
        conn.conn.ping().map_err(DbError::Query)
    }

    fn has_broken(&self, conn: &mut PooledDbConn) -> bool {
        conn.lost || conn.conn.is_broken()
    }
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    /// How long a request waits for a connection (a free one, or a new one while the
    /// database is unreachable) before it is answered 503: short enough that clients learn
    /// of an outage in well under 5 s.
    pub connect_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 16,
            connect_timeout: Duration::from_secs(3),
        }
    }
}

/// A cloneable handle to the connection pool.
#[derive(Clone)]
pub struct DbPool {
    pool: r2d2::Pool<DbConnectionManager>,
    backend: Backend,
    /// One per connection: `with_conn` takes one before it takes a blocking thread, so that
    /// requests waiting for a connection wait as futures, not as blocked threads.
    turns: Arc<Semaphore>,
    turn_timeout: Duration,
}

impl DbPool {
    /// Builds the pool and checks that one connection can be made (failing fast at start-up
    /// with the real error instead of r2d2's retry loop).
    pub fn connect(url: &DbUrl, options: &PoolOptions) -> Result<Self, DbError> {
        let manager = DbConnectionManager { url: url.clone() };
        let mut probe = r2d2::ManageConnection::connect(&manager)?;
        drop(probe.ping());
        let pool = r2d2::Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(1))
            .connection_timeout(options.connect_timeout)
            .test_on_check_out(false)
            // Each failed request is logged once, as `unavailable`; r2d2's own handler would
            // log every retry of every waiting request during an outage.
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(manager);
        Ok(Self {
            pool,
            backend: url.backend(),
            turns: Arc::new(Semaphore::new(options.max_size.max(1) as usize)),
            turn_timeout: options.connect_timeout,
        })
    }

    /// Waits (as long as for a connection) until fewer than `max_size` callers hold a turn.
    /// `None` when none came free in time.
    pub(crate) async fn turn(&self) -> Option<OwnedSemaphorePermit> {
        tokio::time::timeout(self.turn_timeout, self.turns.clone().acquire_owned())
            .await
            .ok()?
            .ok()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A pooled connection; blocks, so call it from blocking code only.
    pub fn get(&self) -> Result<r2d2::PooledConnection<DbConnectionManager>, DbError> {
        self.pool.get().map_err(|e| DbError::Connect(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_schemes() {
        assert_eq!(
            DbUrl::parse("sqlite://./data/muhan.db").ok(),
            Some(DbUrl::Sqlite(PathBuf::from("./data/muhan.db")))
        );
        assert_eq!(
            DbUrl::parse("sqlite:///var/lib/muhan.db").ok(),
            Some(DbUrl::Sqlite(PathBuf::from("/var/lib/muhan.db")))
        );
        assert!(matches!(
            DbUrl::parse("postgresql://u:p@h/db"),
            Ok(DbUrl::Postgres(_))
        ));
        assert!(DbUrl::parse("mysql://h/db").is_err());
        assert!(DbUrl::parse("sqlite://:memory:").is_err());
    }

    #[test]
    fn redacts_password() {
        let url = DbUrl::Postgres("postgres://muhan:s3cret@db:5432/muhan".into());
        assert_eq!(url.redacted(), "postgres://muhan:***@db:5432/muhan");
        let no_password = DbUrl::Postgres("postgres://muhan@db:5432/muhan".into());
        assert_eq!(no_password.redacted(), "postgres://muhan@db:5432/muhan");
    }
}
