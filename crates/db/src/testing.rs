//! Fresh databases for tests: a temporary SQLite file, or a new PostgreSQL database created
//! from `MUHAN_TEST_PG_URL` and dropped again when the handle is dropped.

use crate::{DbError, DbUrl};
use diesel::{Connection, PgConnection, RunQueryDsl};
use std::path::PathBuf;

/// Environment variable naming a PostgreSQL server URL (any existing database, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`) that tests may create databases on.
pub const PG_URL_ENV: &str = "MUHAN_TEST_PG_URL";

pub struct TestDatabase {
    pub url: DbUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    /// On PostgreSQL when `MUHAN_TEST_PG_URL` is set, else on SQLite.
    pub fn create() -> Result<Self, DbError> {
        match std::env::var(PG_URL_ENV) {
            Ok(url) if !url.trim().is_empty() => Self::postgres(url.trim()),
            _ => Self::sqlite(),
        }
    }

    pub fn sqlite() -> Result<Self, DbError> {
        let dir = std::env::temp_dir().join(format!("muhan-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self {
            url: DbUrl::Sqlite(dir.join("muhan.db")),
            cleanup: Cleanup::SqliteDir(dir),
        })
    }

    pub fn postgres(admin_url: &str) -> Result<Self, DbError> {
        let name = format!("muhan_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin =
            PgConnection::establish(admin_url).map_err(|e| DbError::Connect(e.to_string()))?;
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
        Ok(Self {
            url: DbUrl::Postgres(replace_database(admin_url, &name)),
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            },
        })
    }
}

/// Swaps the database name in a PostgreSQL URL, keeping any query string.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_and_path = &base[authority_start..];
    let host = host_and_path.split('/').next().unwrap_or_default();
    format!("{}{}/{}{}", &base[..authority_start], host, name, query)
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn swaps_database_name() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(
            replace_database("postgresql://h", "t3"),
            "postgresql://h/t3"
        );
    }
}
