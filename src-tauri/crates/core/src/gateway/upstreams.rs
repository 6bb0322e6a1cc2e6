//! Warm sessions with the servers behind the portals: opened on first use, kept, and opened
//! again when one fails (a dead process, an expired session, a restarted server).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use crate::Patchbay;
use crate::error::Result;
use crate::live::{self, Session};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Default)]
pub(crate) struct Upstreams {
    sessions: Mutex<HashMap<String, Arc<Session>>>,
}

impl Upstreams {
    pub async fn get(&self, core: &Arc<Patchbay>, server_id: &str) -> Result<Arc<Session>> {
        if let Some(session) = self.sessions.lock().await.get(server_id) {
            return Ok(Arc::clone(session));
        }
        let session = Arc::new(live::open_by_id(core, server_id, CONNECT_TIMEOUT).await?);
        self.sessions
            .lock()
            .await
            .insert(server_id.to_string(), Arc::clone(&session));
        Ok(session)
    }

    /// Drops a session that failed; the next call opens a new one.
    pub async fn forget(&self, server_id: &str, failed: &Arc<Session>) {
        let mut sessions = self.sessions.lock().await;
        if sessions
            .get(server_id)
            .is_some_and(|s| Arc::ptr_eq(s, failed))
        {
            sessions.remove(server_id);
        }
    }
}
