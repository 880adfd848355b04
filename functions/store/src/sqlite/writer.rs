//! The writer thread, which owns the write connection and commits in groups: it takes every
//! change waiting, runs each in its own savepoint (a refused change rolls back alone), commits
//! once, and only then answers each caller. Changes still run one after another, so each sees the
//! ones before it; what the group saves is the commit per change. A second thread checkpoints.

use std::path::Path;
use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::connection::open_connection;
use crate::{StoreError, StoreResult, unavailable};

/// What the writer thread answers a change with, once the group's commit is known.
type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A change: runs on the write connection, says whether it succeeded, and how to answer.
/// `None`: the change cannot run (the transaction did not begin) and must only answer.
type Job = Box<dyn FnOnce(Option<&Connection>) -> (bool, Finish) + Send>;

/// How often the checkpoint thread folds the WAL into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Most changes committed together.
const MAX_GROUP: usize = 512;

/// The way to the writer thread; it stops when the last clone is dropped.
#[derive(Clone)]
pub(super) struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread on `connection` (its schema in place) and the checkpoint thread on
    /// a connection of its own to `path`.
    pub(super) fn start(connection: Connection, path: &Path) -> StoreResult<Self> {
        // Checkpoints copy the WAL into the database and fsync it: done by the writer they would
        // stall every change behind them, so a thread of their own does them instead.
        connection.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        let (writer, jobs) = mpsc::channel::<Job>();
        let (stop_checkpoints, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("prenota-sqlite-writer".into())
            .spawn(move || {
                write_groups(&connection, &jobs);
                drop(stop_checkpoints);
            })
            .map_err(unavailable)?;
        let checkpointer = open_connection(path)?;
        std::thread::Builder::new()
            .name("prenota-sqlite-checkpoint".into())
            .spawn(move || {
                // Until the writer stops (the channel closes), checkpoint once a second.
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                    let _ = checkpointer.execute_batch("PRAGMA wal_checkpoint(PASSIVE)");
                }
                let _ = checkpointer.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
            })
            .map_err(unavailable)?;
        Ok(Self { jobs: writer })
    }

    /// Runs `work` as one change on the writer thread and answers once it is committed; when
    /// `work` fails, nothing it wrote stays.
    pub(super) async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |connection| {
            let result = match connection {
                Some(connection) => work(connection),
                None => Err(unavailable("the SQLite transaction could not begin")),
            };
            let succeeded = result.is_ok();
            let finish: Finish = Box::new(move |committed| {
                let _ = answer.send(committed.map_err(StoreError::Unavailable).and(result));
            });
            (succeeded, finish)
        });
        self.jobs
            .send(job)
            .map_err(|_| unavailable("the SQLite writer has stopped"))?;
        answered
            .await
            .map_err(|_| unavailable("the SQLite writer dropped a change"))?
    }
}

/// The writer thread: group commit over savepoints, until the store is dropped.
fn write_groups(connection: &Connection, jobs: &mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        if let Err(error) = connection.execute_batch("BEGIN IMMEDIATE") {
            for job in group {
                let (_, finish) = job(None);
                finish(Err(error.to_string()));
            }
            continue;
        }
        let finishes: Vec<Finish> = group
            .into_iter()
            .map(|job| run_in_savepoint(connection, job))
            .collect();
        let committed = connection
            .execute_batch("COMMIT")
            .map_err(|error| error.to_string());
        if committed.is_err() {
            let _ = connection.execute_batch("ROLLBACK");
        }
        for finish in finishes {
            finish(committed.clone());
        }
    }
}

/// Runs one change of a group in a savepoint of its own, kept if it succeeded and rolled back if
/// not; returns how to answer it once the group's commit is known.
fn run_in_savepoint(connection: &Connection, job: Job) -> Finish {
    if let Err(error) = connection.execute_batch("SAVEPOINT change") {
        let (_, finish) = job(None);
        return Box::new(move |_| finish(Err(error.to_string())));
    }
    // A panic in a change must not take the writer down with it: its savepoint is rolled
    // back and its caller, whose answer is dropped, is told the store is unavailable.
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(Some(connection))));
    let (succeeded, finish) = match ran {
        Ok(outcome) => outcome,
        Err(_) => (false, Box::new(|_| {}) as Finish),
    };
    let end = if succeeded {
        "RELEASE change"
    } else {
        "ROLLBACK TO change; RELEASE change"
    };
    match connection.execute_batch(end) {
        Ok(()) => finish,
        Err(error) => Box::new(move |_| finish(Err(error.to_string()))),
    }
}
