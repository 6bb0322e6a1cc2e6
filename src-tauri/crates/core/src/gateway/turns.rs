//! Members limited to a number of calls at once (servers that cannot take parallel calls):
//! the calls beyond the limit wait their turn, first come first served, and how long they
//! waited goes into the call log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Default)]
pub(crate) struct Turns {
    /// By server id: the limit the semaphore was made for, and the semaphore.
    members: Mutex<HashMap<String, (u32, Arc<Semaphore>)>>,
}

/// A call's turn: held while the call runs.
pub(crate) struct Turn {
    _permit: Option<OwnedSemaphorePermit>,
    pub waited: Duration,
}

impl Turns {
    /// Waits for a turn of `server_id` under `limit` (none: at once). A changed limit starts
    /// a new queue; calls running under the old one finish as they are.
    pub async fn take(&self, server_id: &str, limit: Option<u32>) -> Turn {
        let Some(limit) = limit else {
            return Turn {
                _permit: None,
                waited: Duration::ZERO,
            };
        };
        let semaphore = {
            let mut members = crate::lock(&self.members);
            let entry = members
                .entry(server_id.to_string())
                .or_insert_with(|| (limit, Arc::new(Semaphore::new(limit as usize))));
            if entry.0 != limit {
                *entry = (limit, Arc::new(Semaphore::new(limit as usize)));
            }
            Arc::clone(&entry.1)
        };
        let started = Instant::now();
        // The semaphore is never closed, so acquiring only waits.
        let permit = semaphore.acquire_owned().await.ok();
        Turn {
            _permit: permit,
            waited: started.elapsed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

    #[tokio::test]
    async fn calls_beyond_the_limit_wait_until_one_ends() {
        let turns = Turns::default();
        let first = turns.take("s", Some(1)).await;
        let mut second = Box::pin(turns.take("s", Some(1)));
        assert!(
            second.as_mut().now_or_never().is_none(),
            "the second call waits for the first"
        );
        assert!(
            turns.take("other", Some(1)).now_or_never().is_some(),
            "another member's calls do not wait"
        );
        assert!(
            turns.take("s", Some(2)).now_or_never().is_some(),
            "a raised limit lets the next call in"
        );
        drop(first);
        assert!(second.await._permit.is_some());
        assert!(turns.take("s", None).await._permit.is_none());
    }
}
