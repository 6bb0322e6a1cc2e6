//! Patchbay's side of a session: who it is (offering sampling, elicitation and roots, which it
//! asks of the client of a portal call), and ears for what the server sends: list changes
//! (`initialize`-era servers send them unasked; 2026-07-28 servers only on a
//! `subscriptions/listen` stream, which the gateway opens itself), progress, log messages and
//! resource updates, for the portal sessions they belong to.
#![allow(deprecated)] // sampling and logging: SEP-2577 deprecates them; initialize-era servers use them

use rmcp::ClientHandler;
use rmcp::ErrorData as McpError;
use rmcp::model::LoggingMessageNotificationParam;
use rmcp::model::{
    ClientCapabilities, ClientConfig, ElicitationCapability, Implementation, ListRootsResult,
    ProgressNotificationParam, ProtocolVersion, ResourceUpdatedNotificationParam,
    RootsCapabilities,
};
use rmcp::model::{
    CreateMessageRequestParams, CreateMessageResult, ElicitRequestParams, ElicitResult,
};
use rmcp::service::{NotificationContext, RequestContext, RoleClient};
use tokio::sync::broadcast;
use tokio::sync::mpsc;

#[derive(Clone)]
pub(crate) struct PatchbayClient {
    info: ClientConfig,
    changed: mpsc::UnboundedSender<()>,
    /// Tells this session from the others (progress tokens and request ids repeat across
    /// sessions; see `relayed_calls`).
    session_key: u64,
    /// The server's log messages, for the portal sessions that set a level.
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
        // What a server asks during a call goes to the client that made it (see
        // `client_requests`; roots outside a call: `client_roots`).
        let mut capabilities = ClientCapabilities::default();
        let mut roots = RootsCapabilities::default();
        roots.list_changed = Some(true);
        capabilities.roots = Some(roots);
        capabilities.sampling = Some(Default::default());
        let mut elicitation = ElicitationCapability::new();
        elicitation.form = Some(Default::default());
        elicitation.url = Some(Default::default());
        capabilities.elicitation = Some(elicitation);
        // A server's task is followed to its end for whoever cannot take it (`tasks`).
        capabilities.extensions = Some(
            [(
                rmcp::model::TASKS_EXTENSION_ID.to_string(),
                Default::default(),
            )]
            .into_iter()
            .collect(),
        );
        let info = ClientConfig::new(
            capabilities,
            Implementation::new("patchbay", env!("CARGO_PKG_VERSION")),
        );
        let session_key = super::relayed_calls::new_session_key();
        let (logs, _) = broadcast::channel(LOGS_BUFFERED);
        let (resource_updates, _) = broadcast::channel(LOGS_BUFFERED);
        (
            PatchbayClient {
                info,
                changed,
                session_key,
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

    pub fn session_key(&self) -> u64 {
        self.session_key
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

    /// Asked of the client that made the call, through the portal.
    fn create_message(
        &self,
        params: CreateMessageRequestParams,
        context: RequestContext<RoleClient>,
    ) -> impl Future<Output = Result<CreateMessageResult, McpError>> + Send + '_ {
        super::client_requests::create_message(self.session_key, params, context)
    }

    fn create_elicitation(
        &self,
        params: ElicitRequestParams,
        context: RequestContext<RoleClient>,
    ) -> impl Future<Output = Result<ElicitResult, McpError>> + Send + '_ {
        super::client_requests::create_elicitation(self.session_key, params, context)
    }

    fn list_roots(
        &self,
        context: RequestContext<RoleClient>,
    ) -> impl Future<Output = Result<ListRootsResult, McpError>> + Send + '_ {
        super::client_roots::list_roots(self.session_key, context)
    }

    /// A report of a request a portal forwarded goes on to the client that made it.
    fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        super::relayed_calls::deliver(self.session_key, params)
    }
}
