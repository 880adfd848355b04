//! Connections to the database file: how each is opened, the pool of readers, and the two
//! statement helpers every module runs its SQL through (prepared once per connection).

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::{StoreError, StoreResult, unavailable};

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        unavailable(error)
    }
}

pub(super) fn open_connection(path: &Path) -> StoreResult<Connection> {
    let connection = Connection::open(path)?;
    // NORMAL is durable in WAL mode against a crash of the process; a power cut can lose the last
    // transactions, never corrupt the file.
    connection.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    )?;
    Ok(connection)
}

/// Reader connections, opened when none is free and kept for the next read.
#[derive(Clone)]
pub(super) struct Readers {
    pool: Arc<Mutex<Vec<Connection>>>,
    path: Arc<Path>,
}

impl Readers {
    pub(super) fn new(path: &Path) -> Self {
        Self {
            pool: Arc::new(Mutex::new(Vec::new())),
            path: path.into(),
        }
    }

    /// Runs `work` on a reader connection (WAL readers do not wait for the writer).
    pub(super) async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let readers = Arc::clone(&self.pool);
        let path = Arc::clone(&self.path);
        tokio::task::spawn_blocking(move || {
            let pooled = readers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .pop();
            let connection = match pooled {
                Some(connection) => connection,
                None => open_connection(&path)?,
            };
            let result = work(&connection);
            readers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(connection);
            result
        })
        .await
        .map_err(unavailable)?
    }
}

pub(super) fn query_one<T: rusqlite::types::FromSql>(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<T> {
    Ok(connection
        .prepare_cached(sql)?
        .query_row(params, |row| row.get(0))?)
}

pub(super) fn run(connection: &Connection, sql: &str, params: impl rusqlite::Params) -> StoreResult<usize> {
    Ok(connection.prepare_cached(sql)?.execute(params)?)
}

/// Every row a query finds, each read by `read`.
pub(super) fn query_all<T>(
    connection: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    mut read: impl FnMut(&rusqlite::Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut statement = connection.prepare_cached(sql)?;
    let mut rows = statement.query(params)?;
    let mut all = Vec::new();
    while let Some(row) = rows.next()? {
        all.push(read(row)?);
    }
    Ok(all)
}
