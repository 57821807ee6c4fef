//! Transactions. Writes on SQLite start with `BEGIN IMMEDIATE` so that concurrent writers
//! queue on the busy timeout; a deferred transaction that reads and then writes would fail
//! with SQLITE_BUSY at once.

use crate::DbConn;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::Connection;
use muhan_core::DomainError;

/// Runs `work` in one write transaction: committed on `Ok`, rolled back on `Err`.
pub fn write_tx<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DomainError>,
{
    let begun = match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
        DbConn::Postgresql(c) => AnsiTransactionManager::begin_transaction(c),
    };
    begun.map_err(|e| E::from(DomainError::from(e)))?;
    match work(conn) {
        Ok(value) => {
            if let Err(commit_err) =
                <DbConn as Connection>::TransactionManager::commit_transaction(conn)
            {
                // A failed commit leaves the transaction open on some backends.
                let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
                return Err(E::from(DomainError::from(commit_err)));
            }
            Ok(value)
        }
        Err(err) => {
            if let Err(rollback_err) =
                <DbConn as Connection>::TransactionManager::rollback_transaction(conn)
            {
                tracing::error!(error = %rollback_err, "rollback failed");
            }
            Err(err)
        }
    }
}

/// Runs `work` in a read transaction (one consistent snapshot for multi-query reads).
pub fn read_tx<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DomainError>,
{
    conn.transaction::<T, TxError<E>, _>(|c| work(c).map_err(TxError::Inner))
        .map_err(|e| match e {
            TxError::Inner(e) => e,
            TxError::Db(db) => E::from(DomainError::from(db)),
        })
}

enum TxError<E> {
    Inner(E),
    Db(diesel::result::Error),
}

impl<E> From<diesel::result::Error> for TxError<E> {
    fn from(e: diesel::result::Error) -> Self {
        TxError::Db(e)
    }
}
