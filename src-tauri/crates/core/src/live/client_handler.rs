//! Patchbay's side of a session: who it is, and an ear for the server's list-change
//! notifications (`initialize`-era servers send them unasked; 2026-07-28 servers only on a
//! `subscriptions/listen` stream, which the gateway opens itself).

use rmcp::ClientHandler;
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation, ProtocolVersion};
use rmcp::service::{NotificationContext, RoleClient};
use tokio::sync::mpsc;

#[derive(Clone)]
pub(crate) struct PatchbayClient {
    info: ClientConfig,
    changed: mpsc::UnboundedSender<()>,
}

impl PatchbayClient {
    /// The handler, and where it says that one of the server's lists changed.
    pub fn new() -> (PatchbayClient, mpsc::UnboundedReceiver<()>) {
        let (changed, heard) = mpsc::unbounded_channel();
        let info = ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("patchbay", env!("CARGO_PKG_VERSION")),
        );
        (PatchbayClient { info, changed }, heard)
    }

    pub fn with_protocol_version(mut self, version: ProtocolVersion) -> PatchbayClient {
        self.info = self.info.with_protocol_version(version);
        self
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
}
