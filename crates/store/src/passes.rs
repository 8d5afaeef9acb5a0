//! One pass at a time, for work that many callers of a process ask for at once and that one
//! pass does for all of them (routing offers every queued chat it can). A caller returns
//! after a pass that began after it asked, as if it had run one itself; callers who ask
//! while a pass runs share the next one. Thirty-two customers starting chats together make
//! two routing passes, not thirty-two passes fighting over the same queued chats and agents.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Mutex;

#[derive(Default)]
pub(crate) struct Passes {
    /// Requests so far, numbered from 1.
    asked: AtomicU64,
    /// The newest request a finished pass began after; held while a pass runs.
    served: Mutex<u64>,
}

impl Passes {
    /// Runs `pass` unless a pass that began after this call finishes first (then `T`'s
    /// default: that pass's result went to its own caller). A pass that fails serves no one,
    /// so each waiting caller tries its own.
    pub async fn run<T, E, F>(&self, pass: impl FnOnce() -> F) -> Result<T, E>
    where
        T: Default,
        F: Future<Output = Result<T, E>>,
    {
        let mine = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let mut served = self.served.lock().await;
        if *served >= mine {
            return Ok(T::default());
        }
        // Every request numbered up to here was made before this pass began.
        let covers = self.asked.load(Ordering::SeqCst);
        let out = pass().await?;
        *served = covers;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    #[tokio::test]
    async fn callers_together_share_a_pass_that_began_after_them() {
        let passes = Arc::new(Passes::default());
        let ran = Arc::new(AtomicUsize::new(0));
        let mut callers = Vec::new();
        for _ in 0..32 {
            let (passes, ran) = (passes.clone(), ran.clone());
            callers.push(tokio::spawn(async move {
                passes
                    .run(|| async {
                        ran.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok::<_, ()>(1)
                    })
                    .await
            }));
        }
        let mut got = 0;
        for c in callers {
            got += c.await.unwrap().unwrap();
        }
        let ran = ran.load(Ordering::SeqCst);
        assert!(ran <= 2, "32 callers at once ran {ran} passes");
        assert_eq!(
            got, ran,
            "each pass's result goes to the caller that ran it"
        );
        // Asked after those finished: a pass of its own.
        assert_eq!(passes.run(|| async { Ok::<_, ()>(7) }).await, Ok(7));
    }

    #[tokio::test]
    async fn a_failed_pass_serves_no_one() {
        let passes = Passes::default();
        assert_eq!(
            passes.run(|| async { Err::<i32, _>("down") }).await,
            Err("down")
        );
        assert_eq!(passes.run(|| async { Ok::<_, &str>(3) }).await, Ok(3));
    }
}
