//! Group commit: writes that arrive while a transaction is under way wait, and are written
//! together in the next one, by one task per instance. Each caller is answered only once the
//! transaction that holds its write has committed (or with what refused it), so nothing
//! acknowledged can be lost — and a busy instance pays one transaction, one commit and a few
//! statements for many writes instead of for each.

use std::sync::{Arc, OnceLock};

use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

/// A write waiting for its transaction, and where its answer goes.
pub type Waiting<T, R> = (T, oneshot::Sender<R>);

type Run<T, R> = Arc<dyn Fn(Vec<Waiting<T, R>>) -> BoxFuture<'static, ()> + Send + Sync>;

/// The queue of one kind of write and the task that drains it.
pub struct GroupCommit<T, R> {
    max: usize,
    run: Run<T, R>,
    /// Started on the first write, on the runtime that makes it.
    queue: OnceLock<mpsc::UnboundedSender<Waiting<T, R>>>,
}

impl<T: Send + 'static, R: Send + 'static> GroupCommit<T, R> {
    /// `run` writes a group of at most `max` and answers every one of them.
    pub fn new(
        max: usize,
        run: impl Fn(Vec<Waiting<T, R>>) -> BoxFuture<'static, ()> + Send + Sync + 'static,
    ) -> GroupCommit<T, R> {
        GroupCommit {
            max: max.max(1),
            run: Arc::new(run),
            queue: OnceLock::new(),
        }
    }

    /// Queues `write` and waits for its answer; `None` if the group it was in failed without
    /// one (a panic in `run`: its transaction was rolled back).
    pub async fn submit(&self, write: T) -> Option<R> {
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(drain(receiver, self.max, self.run.clone()));
            sender
        });
        let (answer, answered) = oneshot::channel();
        queue.send((write, answer)).ok()?;
        answered.await.ok()
    }
}

/// Takes what has queued up (at most `max`) whenever the last group is done, and runs it. A
/// group runs as a task of its own, so a panic loses that group's answers, not the queue.
async fn drain<T: Send + 'static, R: Send + 'static>(
    mut receiver: mpsc::UnboundedReceiver<Waiting<T, R>>,
    max: usize,
    run: Run<T, R>,
) {
    while let Some(first) = receiver.recv().await {
        let mut group = vec![first];
        while group.len() < max
            && let Ok(next) = receiver.try_recv()
        {
            group.push(next);
        }
        if let Err(e) = tokio::spawn(run(group)).await {
            tracing::error!(error = %e, "a group of writes failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Writes arriving together are run in groups no larger than `max`, and each caller gets
    /// its own answer.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn groups_what_waits_and_answers_each() {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let seen = sizes.clone();
        let group = Arc::new(GroupCommit::new(
            8,
            move |writes: Vec<Waiting<u32, u32>>| {
                let seen = seen.clone();
                Box::pin(async move {
                    seen.lock().expect("sizes").push(writes.len());
                    // A transaction takes a while: the others queue up behind it.
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    for (n, answer) in writes {
                        let _ = answer.send(n * 2);
                    }
                }) as BoxFuture<'static, ()>
            },
        ));
        let calls: Vec<_> = (0..40u32)
            .map(|n| {
                let group = group.clone();
                tokio::spawn(async move { (n, group.submit(n).await) })
            })
            .collect();
        for call in calls {
            let (n, answer) = call.await.expect("call");
            assert_eq!(answer, Some(n * 2));
        }
        let sizes = sizes.lock().expect("sizes").clone();
        assert_eq!(sizes.iter().sum::<usize>(), 40);
        assert!(sizes.iter().all(|s| *s <= 8), "{sizes:?}");
        assert!(sizes.len() < 40, "some writes went together: {sizes:?}");
    }

    /// A group that panics answers its callers `None`; the queue goes on with the next.
    #[tokio::test]
    async fn a_panic_loses_one_group_not_the_queue() {
        let group = GroupCommit::new(1, |writes: Vec<Waiting<u32, u32>>| {
            Box::pin(async move {
                for (n, answer) in writes {
                    assert_ne!(n, 0, "refuses zero");
                    let _ = answer.send(n);
                }
            }) as BoxFuture<'static, ()>
        });
        assert_eq!(group.submit(0).await, None);
        assert_eq!(group.submit(5).await, Some(5));
    }
}
