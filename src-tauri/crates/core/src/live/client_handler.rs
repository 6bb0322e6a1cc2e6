//! Patchbay's side of a session: who it is, and an ear for the server's list-change
//! notifications (`initialize`-era servers send them unasked; 2026-07-28 servers only on a
//! `subscriptions/listen` stream, which the gateway opens itself).

use rmcp::ClientHandler;
#[allow(deprecated)] // logging is deprecated by SEP-2577, and initialize-era servers still log
use rmcp::model::LoggingMessageNotificationParam;
use rmcp::model::{
    ClientCapabilities, ClientConfig, Implementation, ProgressNotificationParam, ProtocolVersion,
    ResourceUpdatedNotificationParam,
};
use rmcp::service::{NotificationContext, RoleClient};
use tokio::sync::broadcast;
use tokio::sync::mpsc;

#[derive(Clone)]
pub(crate) struct PatchbayClient {
    info: ClientConfig,
    changed: mpsc::UnboundedSender<()>,
    /// Tells this session's progress reports from another's (see `progress_routes`).
    progress_key: u64,
    /// The server's log messages, for the portal sessions that set a level.
    #[allow(deprecated)]
    logs: broadcast::Sender<LoggingMessageNotificationParam>,
    /// The server's `resources/updated`, for the portal sessions that subscribed.
    resource_updates: broadcast::Sender<ResourceUpdatedNotificationParam>,
    /// The most verbose log level asked of the server on this session (a rank, 0: none):
    /// clients share the session, and each gets its own level and above.
    log_level: std::sync::Arc<std::sync::atomic::AtomicU8>,
}

/// Log messages (and resource updates) kept for a portal session that lags behind.
const LOGS_BUFFERED: usize = 256;

impl PatchbayClient {
    /// The handler, and where it says that one of the server's lists changed.
    pub fn new() -> (PatchbayClient, mpsc::UnboundedReceiver<()>) {
        let (changed, heard) = mpsc::unbounded_channel();
        let info = ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("patchbay", env!("CARGO_PKG_VERSION")),
        );
        let progress_key = super::progress_routes::new_session_key();
        let (logs, _) = broadcast::channel(LOGS_BUFFERED);
        let (resource_updates, _) = broadcast::channel(LOGS_BUFFERED);
        (
            PatchbayClient {
                info,
                changed,
                progress_key,
                logs,
                resource_updates,
                log_level: Default::default(),
            },
            heard,
        )
    }

    pub fn with_protocol_version(mut self, version: ProtocolVersion) -> PatchbayClient {
        self.info = self.info.with_protocol_version(version);
        self
    }

    pub fn progress_key(&self) -> u64 {
        self.progress_key
    }

    /// Records a client's log level (a rank, debug lowest); true when the server must be
    /// asked for it, being more verbose than any asked so far.
    pub fn lower_log_level(&self, rank: u8) -> bool {
        use std::sync::atomic::Ordering;
        let before = self
            .log_level
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| {
                (now == 0 || rank < now).then_some(rank)
            });
        before.is_ok()
    }

    /// The server's resource updates from now on.
    pub fn resource_updates(&self) -> broadcast::Receiver<ResourceUpdatedNotificationParam> {
        self.resource_updates.subscribe()
    }

    /// The server's log messages from now on.
    #[allow(deprecated)]
    pub fn logs(&self) -> broadcast::Receiver<LoggingMessageNotificationParam> {
        self.logs.subscribe()
    }

    fn heard(&self) -> std::future::Ready<()> {
        // Nobody listening (a test or a sync, not the gateway) is fine.
        let _ = self.changed.send(());
        std::future::ready(())
    }
}

impl ClientHandler for PatchbayClient {
    fn get_info(&self) -> ClientConfig {
        self.info.clone()
    }

    fn on_tool_list_changed(
        &self,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        self.heard()
    }

    fn on_prompt_list_changed(
        &self,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        self.heard()
    }

    fn on_resource_list_changed(
        &self,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        self.heard()
    }

    /// Nobody listening (no portal session set a level) is fine.
    #[allow(deprecated)]
    fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        let _ = self.logs.send(params);
        std::future::ready(())
    }

    fn on_resource_updated(
        &self,
        params: ResourceUpdatedNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        let _ = self.resource_updates.send(params);
        std::future::ready(())
    }

    /// A report of a request a portal forwarded goes on to the client that made it.
    fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        super::progress_routes::deliver(self.progress_key, params)
    }
}
