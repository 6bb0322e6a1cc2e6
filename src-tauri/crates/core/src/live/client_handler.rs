//! Patchbay's side of a session: who it is, and an ear for the server's list-change
//! notifications (`initialize`-era servers send them unasked; 2026-07-28 servers only on a
//! `subscriptions/listen` stream, which the gateway opens itself).

use rmcp::ClientHandler;
use rmcp::model::{
    ClientCapabilities, ClientConfig, Implementation, ProgressNotificationParam, ProtocolVersion,
};
use rmcp::service::{NotificationContext, RoleClient};
use tokio::sync::mpsc;

#[derive(Clone)]
pub(crate) struct PatchbayClient {
    info: ClientConfig,
    changed: mpsc::UnboundedSender<()>,
    /// Tells this session's progress reports from another's (see `progress_routes`).
    progress_key: u64,
}

impl PatchbayClient {
    /// The handler, and where it says that one of the server's lists changed.
    pub fn new() -> (PatchbayClient, mpsc::UnboundedReceiver<()>) {
        let (changed, heard) = mpsc::unbounded_channel();
        let info = ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("patchbay", env!("CARGO_PKG_VERSION")),
        );
        let progress_key = super::progress_routes::new_session_key();
        (
            PatchbayClient {
                info,
                changed,
                progress_key,
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

    /// A report of a request a portal forwarded goes on to the client that made it.
    fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) -> impl Future<Output = ()> + Send + '_ {
        super::progress_routes::deliver(self.progress_key, params)
    }
}
