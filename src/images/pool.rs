//! The bounded pool that image work (decoding, resizing, encoding uploads) runs on.
//!
//! Even within the pixel and memory limits, one upload costs up to about a second of CPU and a
//! couple of hundred megabytes; without a bound, a few parallel uploads would take every core
//! and the process's memory. At most `size` jobs run at once, each on a blocking thread; a
//! caller that cannot start within `wait` is told that Roost is busy instead of queueing
//! without end.

use std::{sync::Arc, time::Duration};

use tokio::sync::Semaphore;

use crate::service::ServiceResult;

/// How long a caller waits for a free slot before hearing "busy".
pub const WAIT: Duration = Duration::from_secs(3);

/// The pool was full for the whole wait.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("image processing is busy")]
pub struct Busy;

pub struct ImagePool {
    slots: Arc<Semaphore>,
    size: usize,
    wait: Duration,
}

impl ImagePool {
    pub fn new(size: usize, wait: Duration) -> ImagePool {
        let size = size.max(1);
        ImagePool {
            slots: Arc::new(Semaphore::new(size)),
            size,
            wait,
        }
    }

    /// Half the CPUs (at least one), so that pages keep being served while photos are
    /// processed, and the memory of the worst case is bounded by that count.
    pub fn for_this_machine() -> ImagePool {
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        ImagePool::new(cpus / 2, WAIT)
    }

    /// How many jobs may run at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Runs `work` on a blocking thread once a slot is free, or answers [`Busy`] after the
    /// wait. The slot is held until `work` has finished, even if the caller has gone away (a
    /// closed connection does not stop a decode that has begun).
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> ServiceResult<Result<T, Busy>> {
        let slot = match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(slot)) => slot,
            // A timeout, or a closed semaphore (never closed: same answer).
            Ok(Err(_)) | Err(_) => return Ok(Err(Busy)),
        };
        let done = tokio::task::spawn_blocking(move || {
            let result = work();
            drop(slot);
            result
        })
        .await?;
        Ok(Ok(done))
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::atomic::{AtomicUsize, Ordering},
        time::Instant,
    };

    use super::*;

    #[tokio::test]
    async fn a_caller_beyond_the_pool_hears_busy_after_the_wait() {
        let pool = Arc::new(ImagePool::new(1, Duration::from_millis(100)));
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let first = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    let _ = started_tx.send(());
                    let _ = release_rx.recv();
                    "first"
                })
                .await
            }
        });
        started_rx.await.expect("the first job started");
        let asked = Instant::now();
        assert_eq!(pool.run(|| "second").await.expect("no panic"), Err(Busy));
        assert!(asked.elapsed() >= Duration::from_millis(100));
        assert!(asked.elapsed() < Duration::from_secs(2));
        release_tx.send(()).expect("release the first job");
        assert_eq!(first.await.expect("joined").expect("no panic"), Ok("first"));
        assert_eq!(pool.run(|| "third").await.expect("no panic"), Ok("third"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_size_jobs_run_at_once() {
        let pool = Arc::new(ImagePool::new(2, Duration::from_secs(10)));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..6)
            .map(|_| {
                let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    pool.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(50));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for job in jobs {
            assert_eq!(job.await.expect("joined").expect("no panic"), Ok(()));
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_slot_stays_taken_until_the_work_ends_even_if_the_caller_left() {
        let pool = Arc::new(ImagePool::new(1, Duration::from_millis(50)));
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let caller = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    let _ = started_tx.send(());
                    let _ = release_rx.recv();
                })
                .await
            }
        });
        started_rx.await.expect("the job started");
        caller.abort();
        let _ = caller.await;
        assert_eq!(pool.run(|| ()).await.expect("no panic"), Err(Busy));
        release_tx.send(()).expect("release");
        // The slot comes back once the blocking work has returned.
        let mut freed = false;
        for _ in 0..100 {
            if pool.slots.available_permits() == 1 {
                freed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(freed);
    }
}
