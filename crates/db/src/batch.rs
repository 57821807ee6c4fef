//! Group commit for one kind of write: jobs submitted while every writer is busy wait in a
//! queue and are then run together, so that one connection, one statement and one commit
//! serve several of them. Nothing waits on purpose: a job that finds a writer free runs at
//! once (alone, unless others are queued); batches form only under load, where they cut the
//! fixed cost per job. The writer is the request that found it free (leader/follower): it
//! runs batches on the blocking pool until the queue is empty, so a job costs no extra hop
//! between threads.

use crate::blocking::with_pooled_conn;
use crate::{run_blocking, DbConn, DbPool};
use muhan_core::{DomainError, DomainResult};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

/// Runs a batch of jobs on one connection. `Err` fails every job of the batch (and has the
/// connection checked); otherwise one result per job, in order.
pub type BatchWork<J, R> =
    dyn Fn(&mut DbConn, Vec<J>) -> DomainResult<Vec<DomainResult<R>>> + Send + Sync;

type Pending<J, R> = (J, oneshot::Sender<DomainResult<R>>);

/// Where requests submit their jobs (cheap to clone).
pub struct BatchQueue<J, R> {
    shared: Arc<Shared<J, R>>,
}

struct Shared<J, R> {
    queue: Mutex<VecDeque<Pending<J, R>>>,
    writers: Arc<Semaphore>,
    max_batch: usize,
    pool: DbPool,
    work: Box<BatchWork<J, R>>,
}

impl<J, R> Clone for BatchQueue<J, R> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
        }
    }
}

impl<J: Send + 'static, R: Send + 'static> BatchQueue<J, R> {
    /// A queue with at most `writers` batches running at once, of at most `max_batch` jobs.
    pub fn new(pool: DbPool, writers: usize, max_batch: usize, work: Box<BatchWork<J, R>>) -> Self {
        Self {
            shared: Arc::new(Shared {
                queue: Mutex::new(VecDeque::new()),
                writers: Arc::new(Semaphore::new(writers.max(1))),
                max_batch: max_batch.max(1),
                pool,
                work,
            }),
        }
    }

    /// Queues `job` and waits for its result; runs the queue if a writer is free.
    pub async fn submit(&self, job: J) -> DomainResult<R> {
        let (done, result) = oneshot::channel();
        self.shared.lock().push_back((job, done));
        if let Ok(writer) = self.shared.writers.clone().try_acquire_owned() {
            let shared = self.shared.clone();
            // The writer's own outcome is reported per job; this task only drives the queue.
            tokio::spawn(run_blocking(move || {
                shared.write_all(writer);
                Ok(())
            }));
        }
        result
            .await
            .map_err(|_| DomainError::internal("an order writer stopped"))?
    }
}

impl<J, R> Shared<J, R> {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Pending<J, R>>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn next_batch(&self) -> Vec<Pending<J, R>> {
        let mut queue = self.lock();
        let take = queue.len().min(self.max_batch);
        queue.drain(..take).collect()
    }

    /// Runs batches until the queue is empty. A job queued just as the writer gives up its
    /// place is seen by the re-check below (or by the writer that took the place).
    fn write_all(&self, mut writer: OwnedSemaphorePermit) {
        loop {
            let batch = self.next_batch();
            if batch.is_empty() {
                drop(writer);
                if self.lock().is_empty() {
                    return;
                }
                match self.writers.clone().try_acquire_owned() {
                    Ok(again) => writer = again,
                    Err(_) => return,
                }
                continue;
            }
            self.write(batch);
        }
    }

    fn write(&self, batch: Vec<Pending<J, R>>) {
        let (jobs, replies): (Vec<J>, Vec<_>) = batch.into_iter().unzip();
        let count = jobs.len();
        match with_pooled_conn(&self.pool, |c| (self.work)(c, jobs)) {
            Ok(results) if results.len() == count => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
            Ok(_) => {
                for reply in replies {
                    let _ = reply.send(Err(DomainError::internal(
                        "a batch returned the wrong number of results",
                    )));
                }
            }
            Err(e) => {
                for reply in replies {
                    let _ = reply.send(Err(copy_of(&e)));
                }
            }
        }
    }
}

/// A batch-wide failure, for each job of the batch: only unavailability and internal errors
/// fail a whole batch.
fn copy_of(error: &DomainError) -> DomainError {
    match error {
        DomainError::Unavailable(detail) => DomainError::Unavailable(detail.clone()),
        other => DomainError::internal(other.to_string()),
    }
}
