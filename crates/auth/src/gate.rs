//! A bound on password work. One argon2id hash or check takes a core and 19 MiB for some
//! tens of milliseconds; unbounded, a burst of signups or logins grows the process by that
//! much per request and takes the CPU from every other request. Here they run on the gate's
//! own blocking threads, one per permit (`concurrency`), each request holding its permit and
//! nothing else (no database connection) until its work is done. Always the same few threads
//! do this work, so the memory argon2 touches stays at `concurrency` × 19 MiB however many
//! other threads the process has (an allocator keeps freed memory per thread: on the shared
//! blocking pool every thread that ever hashed would keep its 19 MiB). A request that cannot
//! start within `max_wait` is answered 503 `service_unavailable` with `Retry-After` instead
//! of queueing without bound.

use crate::password;
use muhan_core::{DomainError, DomainResult, Password};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};

#[derive(Debug, Clone)]
pub struct PasswordWorkSettings {
    /// Hashes and checks running at once, each on a thread of its own (1 to `MAX_CONCURRENCY`).
    pub concurrency: usize,
    /// How long a request waits for its turn before 503.
    pub max_wait: Duration,
}

impl PasswordWorkSettings {
    pub const MAX_CONCURRENCY: usize = 256;
}

impl Default for PasswordWorkSettings {
    /// One per core, two seconds.
    fn default() -> Self {
        Self {
            concurrency: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_wait: Duration::from_secs(2),
        }
    }
}

/// The seconds a client refused for lack of a permit is told to wait.
const RETRY_AFTER_SECS: u64 = 1;

type Job = Box<dyn FnOnce() + Send>;

/// Shared by every request of one server instance (clones share the permits and threads;
/// the threads end when the last clone is dropped).
#[derive(Clone)]
pub struct PasswordGate(Arc<Gate>);

struct Gate {
    permits: Arc<Semaphore>,
    max_wait: Duration,
    /// To the password threads. Holding a permit, a job finds a thread free at once.
    jobs: mpsc::Sender<Job>,
    /// A hash of a fixed password with the same parameters, checked when the e-mail is
    /// unknown so that the answer takes as long as for a wrong password.
    dummy_phc: String,
    /// Hashes and checks started (for tests and diagnostics).
    started: AtomicU64,
}

impl PasswordGate {
    /// Starts the password threads and hashes the dummy password on one of them, waiting for
    /// it: call it at start-up.
    pub fn new(settings: &PasswordWorkSettings) -> DomainResult<Self> {
        let threads = settings
            .concurrency
            .clamp(1, PasswordWorkSettings::MAX_CONCURRENCY);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || work_off(&queue))
                .map_err(DomainError::internal)?;
        }
        let dummy =
            Password::parse("muhan-dummy-password-for-timing").map_err(DomainError::internal)?;
        let (hashed, dummy_phc) = mpsc::channel();
        jobs.send(Box::new(move || {
            let _ = hashed.send(password::hash(&dummy));
        }))
        .map_err(|_| DomainError::internal("the password threads did not start"))?;
        let dummy_phc = dummy_phc
            .recv()
            .map_err(|_| DomainError::internal("hashing the dummy password failed"))??;
        Ok(Self(Arc::new(Gate {
            permits: Arc::new(Semaphore::new(threads)),
            max_wait: settings.max_wait,
            jobs,
            dummy_phc,
            started: AtomicU64::new(0),
        })))
    }

    /// The PHC string of a new password (`password::hash`) once a permit is free.
    pub async fn hash(&self, password: Password) -> DomainResult<String> {
        self.run(move |_| password::hash(&password)).await
    }

    /// Whether `candidate` matches `phc` (`password::verify`) once a permit is free. Without a
    /// stored hash (unknown e-mail) the dummy hash is checked, the same work, and the answer
    /// is `false`.
    pub async fn verify(&self, candidate: String, phc: Option<String>) -> DomainResult<bool> {
        self.run(move |gate| {
            Ok(match phc {
                Some(phc) => password::verify(&candidate, &phc),
                None => {
                    let _ = password::verify(&candidate, &gate.dummy_phc);
                    false
                }
            })
        })
        .await
    }

    /// Hashes and checks started so far by this instance.
    pub fn started(&self) -> u64 {
        self.0.started.load(Ordering::Relaxed)
    }

    /// Waits (at most `max_wait`) for a permit, then runs `work` on a password thread. The
    /// permit moves into the job: it is held until the work ends even when the request is
    /// dropped meanwhile, so the bound holds for abandoned requests too.
    async fn run<T, F>(&self, work: F) -> DomainResult<T>
    where
        F: FnOnce(&Gate) -> DomainResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let acquired =
            tokio::time::timeout(self.0.max_wait, self.0.permits.clone().acquire_owned()).await;
        let permit = match acquired {
            Ok(Ok(permit)) => permit,
            Ok(Err(closed)) => return Err(DomainError::internal(closed)),
            Err(_elapsed) => {
                return Err(DomainError::Busy {
                    retry_after_secs: RETRY_AFTER_SECS,
                })
            }
        };
        let gate = self.0.clone();
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _permit = permit;
            gate.started.fetch_add(1, Ordering::Relaxed);
            let _ = answer.send(work(&gate));
        });
        self.0
            .jobs
            .send(job)
            .map_err(|_| DomainError::internal("the password threads have stopped"))?;
        answered
            .await
            .map_err(|_| DomainError::internal("password work failed"))?
    }
}

/// A password thread: runs jobs until the gate is dropped. A panicking job is answered as an
/// internal error (its answer channel is dropped) and the thread goes on.
fn work_off(queue: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let next = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match next {
            Ok(job) => {
                if catch_unwind(AssertUnwindSafe(job)).is_err() {
                    tracing::error!("a password job panicked");
                }
            }
            Err(mpsc::RecvError) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(concurrency: usize, max_wait_ms: u64) -> PasswordGate {
        PasswordGate::new(&PasswordWorkSettings {
            concurrency,
            max_wait: Duration::from_millis(max_wait_ms),
        })
        .unwrap()
    }

    #[tokio::test]
    async fn hashes_and_checks_through_the_gate() {
        let gate = gate(1, 2000);
        let phc = gate
            .hash(Password::parse("correct horse battery").unwrap())
            .await
            .unwrap();
        assert!(gate
            .verify("correct horse battery".into(), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!gate.verify("wrong".into(), Some(phc)).await.unwrap());
        assert!(!gate.verify("anything".into(), None).await.unwrap());
        assert_eq!(gate.started(), 4);
    }

    #[tokio::test]
    async fn no_permit_within_the_wait_is_busy() {
        let gate = gate(1, 0);
        let held = gate.0.permits.clone().acquire_owned().await.unwrap();
        let refused = gate.verify("x".into(), None).await;
        assert!(
            matches!(
                refused,
                Err(DomainError::Busy {
                    retry_after_secs: 1
                })
            ),
            "{refused:?}"
        );
        assert_eq!(gate.started(), 0);
        drop(held);
        assert!(!gate.verify("x".into(), None).await.unwrap());
    }
}
