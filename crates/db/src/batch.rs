//! Group commit for one kind of write: jobs submitted while every writer is busy wait in a
//! queue and are then run together, so that one connection, one statement and one commit
//! serve several of them. Nothing waits on purpose: a job that finds a writer free runs at
//! once (alone, unless others are queued); batches form only under load, where they cut the
//! fixed cost per job. The writer is the request that found it free (leader/follower): it
//! runs batches on the blocking pool until the queue is empty, so a job costs no extra hop
//! between threads. The queue is bounded in length and in waiting time (503 beyond).
//!
//! Tracing: a writer runs other requests' jobs, so it runs inside no request's span; each job
//! carries the span of the request that submitted it (`Submitted::span`), and the batch work
//! enters it for what it does for that job alone, so those log lines carry that request's id.
//! What a batch does for all its jobs at once runs in a `batch` span (debug level) that
//! follows from the spans of its jobs.

use crate::blocking::{is_failure, lost_connection, run_blocking_in, with_checked_conn};
use crate::{DbConn, DbPool};
use muhan_core::{DomainError, DomainResult};
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};
use tracing::Span;

/// Jobs waiting at most; more are refused at once (503), as a request that cannot get a
/// database connection is: under overload, answer quickly rather than queue without end.
const MAX_QUEUED: usize = 10_000;
/// How long a job may wait for a writer before it is answered 503 instead of run (the pool's
/// wait for a connection is as long).
const MAX_WAIT: Duration = Duration::from_secs(5);

/// Runs a batch of jobs on one connection. `Err` fails every job of the batch (and has the
/// connection checked); otherwise one result per job, in order.
pub type BatchWork<J, R> =
    dyn Fn(&mut DbConn, Vec<Submitted<J>>) -> DomainResult<Vec<DomainResult<R>>> + Send + Sync;

/// A job as the batch work receives it, with the tracing span of the request that submitted
/// it: run what is done for this job alone inside it (`span.in_scope(..)`), so that its log
/// lines carry that request's id whichever request's writer runs the batch.
pub struct Submitted<J> {
    pub job: J,
    pub span: Span,
}

struct Pending<J, R> {
    job: Submitted<J>,
    queued_at: Instant,
    reply: oneshot::Sender<DomainResult<R>>,
}

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
        let (reply, result) = oneshot::channel();
        {
            let mut queue = self.shared.lock();
            if queue.len() >= MAX_QUEUED {
                return Err(busy());
            }
            queue.push_back(Pending {
                job: Submitted {
                    job,
                    span: Span::current(),
                },
                queued_at: Instant::now(),
                reply,
            });
        }
        if let Ok(writer) = self.shared.writers.clone().try_acquire_owned() {
            let shared = self.shared.clone();
            // The writer's own outcome is reported per job; this task only drives the queue.
            // It serves the jobs of other requests too: it runs in no request's span, each job
            // in its own.
            tokio::spawn(run_blocking_in(Span::none(), move || {
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

    /// Up to `max_batch` jobs still worth running: jobs whose request has gone (the client
    /// hung up: it never learns the answer, and a retry under its key is a new attempt) are
    /// dropped, and jobs that waited too long are answered 503.
    fn next_batch(&self) -> Vec<Pending<J, R>> {
        let mut queue = self.lock();
        let mut batch = Vec::new();
        while batch.len() < self.max_batch {
            let Some(pending) = queue.pop_front() else {
                break;
            };
            if pending.reply.is_closed() {
                continue;
            }
            if pending.queued_at.elapsed() > MAX_WAIT {
                let _ = pending.reply.send(Err(busy()));
                continue;
            }
            batch.push(pending);
        }
        batch
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
        let count = batch.len();
        let span = tracing::debug_span!(parent: None, "batch", jobs = count);
        for pending in &batch {
            span.follows_from(&pending.job.span);
        }
        let _entered = span.enter();
        let (jobs, replies): (Vec<Submitted<J>>, Vec<_>) =
            batch.into_iter().map(|p| (p.job, p.reply)).unzip();
        // A job that fails as a lost connection would (even one of several) gets the
        // connection checked, so that a dead one leaves the pool.
        let failed = |results: &DomainResult<Vec<DomainResult<R>>>| match results {
            Ok(results) => results.iter().any(is_failure),
            Err(_) => is_failure(results),
        };
        // Jobs that failed on a dead connection get 503; those that succeeded keep their answer.
        let when_lost = |results: DomainResult<Vec<DomainResult<R>>>| {
            let Ok(results) = results else {
                return Err(lost_connection());
            };
            Ok(results
                .into_iter()
                .map(|r| {
                    if is_failure(&r) {
                        Err(lost_connection())
                    } else {
                        r
                    }
                })
                .collect())
        };
        let written = catch_unwind(AssertUnwindSafe(|| {
            with_checked_conn(&self.pool, |c| (self.work)(c, jobs), failed, when_lost)
        }))
        .unwrap_or_else(|_| Err(DomainError::internal("writing a batch panicked")));
        match written {
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

fn busy() -> DomainError {
    DomainError::Unavailable("too many requests are waiting for the database".into())
}

/// A batch-wide failure, for each job of the batch: only unavailability and internal errors
/// fail a whole batch.
fn copy_of(error: &DomainError) -> DomainError {
    match error {
        DomainError::Unavailable(detail) => DomainError::Unavailable(detail.clone()),
        other => DomainError::internal(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;
    use crate::trace_capture;
    use crate::PoolOptions;
    use std::sync::mpsc;
    use tracing::Instrument;

    async fn until(what: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !what() {
            assert!(Instant::now() < deadline, "timed out");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Request 0 finds the writer free and runs its job; requests 1–3 arrive meanwhile and
    /// queue; request 0's writer then runs their jobs as one batch. Each job's log line must
    /// be in its own request's span (and only in it); what the batch logs for all of them in
    /// none.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_job_logs_inside_the_span_of_the_request_that_submitted_it() {
        trace_capture::install();
        let db = TestDatabase::sqlite().expect("a test database");
        let pool = DbPool::connect(&db.url, &PoolOptions::default()).expect("a pool");
        let marker = uuid::Uuid::new_v4().to_string();
        let (open_gate, gate) = mpsc::channel::<()>();
        let gate = Mutex::new(Some(gate));
        let sizes = Arc::new(Mutex::new(Vec::<usize>::new()));
        let work: Box<BatchWork<usize, usize>> = {
            let sizes = sizes.clone();
            let marker = marker.clone();
            Box::new(move |_conn, jobs| {
                sizes.lock().expect("sizes").push(jobs.len());
                if let Some(gate) = gate.lock().expect("gate").take() {
                    gate.recv().expect("the gate opens");
                }
                tracing::info!(marker = %marker, jobs = jobs.len(), "batch-wide work");
                Ok(jobs
                    .into_iter()
                    .map(|s| {
                        s.span.in_scope(|| {
                            tracing::info!(marker = %marker, job = s.job, "job work");
                            Ok(s.job * 10)
                        })
                    })
                    .collect())
            })
        };
        let queue = BatchQueue::new(pool, 1, 32, work);
        let submit = |n: usize| {
            let queue = queue.clone();
            let request = tracing::info_span!("http_request", request_id = %format!("req-{n}"));
            tokio::spawn(async move { queue.submit(n).await }.instrument(request))
        };

        let first = submit(0);
        until(|| !sizes.lock().expect("sizes").is_empty()).await;
        let others: Vec<_> = (1..4).map(|n| (n, submit(n))).collect();
        until(|| queue.shared.lock().len() == 3).await;
        open_gate.send(()).expect("open the gate");
        assert_eq!(first.await.expect("request 0").expect("job 0"), 0);
        for (n, answer) in others {
            assert_eq!(answer.await.expect("a request").expect("a job"), n * 10);
        }
        assert_eq!(
            *sizes.lock().expect("sizes"),
            [1, 3],
            "one writer, two batches"
        );

        let events = trace_capture::events_with("marker", &marker);
        for n in 0..4 {
            let job = n.to_string();
            let logged: Vec<_> = events
                .iter()
                .filter(|e| e.field("job") == Some(&job))
                .collect();
            assert_eq!(logged.len(), 1, "{events:#?}");
            let names: Vec<&str> = logged[0].spans.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["http_request"], "job {n}: {logged:#?}");
            assert_eq!(
                logged[0].span_field("request_id"),
                Some(format!("req-{n}").as_str()),
                "job {n}: {logged:#?}"
            );
        }
        let batch_wide: Vec<_> = events
            .iter()
            .filter(|e| e.field("jobs").is_some())
            .collect();
        assert_eq!(batch_wide.len(), 2, "{events:#?}");
        for event in batch_wide {
            let names: Vec<&str> = event.spans.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["batch"], "{event:#?}");
            assert_eq!(event.span_field("request_id"), None, "{event:#?}");
        }
    }
}
