//! rmcp's handshake asks `server/discover` first and, when no answer comes within 10 s, sends
//! `initialize` instead. A stdio server that was only slow to start (`npx` fetching a package,
//! a big Node program loading) reads both from its stdin and answers both, the discovery
//! first; rmcp then takes that late answer for the `initialize` one ("conflict initialized
//! response id") and the first sync fails. Over stdio the two answers share one stream, so this
//! transport drops the answer to a discovery the handshake has moved on from.

use std::future::Future;

use rmcp::RoleClient;
use rmcp::model::{ClientJsonRpcMessage, ClientRequest, JsonRpcMessage, RequestId};
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;

pub(crate) struct DropsLateDiscovery<T> {
    inner: T,
    /// The discovery request still waiting for its answer.
    waiting: Option<RequestId>,
    /// The discovery given up on: its answer, if one comes, is no one's.
    abandoned: Option<RequestId>,
}

impl<T> DropsLateDiscovery<T> {
    pub fn new(inner: T) -> Self {
        DropsLateDiscovery {
            inner,
            waiting: None,
            abandoned: None,
        }
    }

    fn sending(&mut self, message: &ClientJsonRpcMessage) {
        if let JsonRpcMessage::Request(request) = message {
            match &request.request {
                ClientRequest::DiscoverRequest(_) => self.waiting = Some(request.id.clone()),
                ClientRequest::InitializeRequest(_) => self.abandoned = self.waiting.take(),
                _ => {}
            }
        }
    }

    /// Whether `message` answers the abandoned discovery (and is to be dropped).
    fn is_late(&mut self, message: &RxJsonRpcMessage<RoleClient>) -> bool {
        let id = match message {
            JsonRpcMessage::Response(response) => Some(&response.id),
            JsonRpcMessage::Error(error) => error.id.as_ref(),
            _ => None,
        };
        let Some(id) = id else { return false };
        if self.waiting.as_ref() == Some(id) {
            self.waiting = None;
        } else if self.abandoned.as_ref() == Some(id) {
            self.abandoned = None;
            tracing::info!("dropped a server's late answer to server/discover");
            return true;
        }
        false
    }
}

impl<T: Transport<RoleClient>> Transport<RoleClient> for DropsLateDiscovery<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.sending(&item);
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        loop {
            let message = self.inner.receive().await?;
            if !self.is_late(&message) {
                return Some(message);
            }
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::{
        DiscoverRequest, DiscoverRequestParams, EmptyResult, InitializeRequest,
        InitializeRequestParams, ServerResult,
    };

    fn answer(id: i64) -> RxJsonRpcMessage<RoleClient> {
        JsonRpcMessage::response(
            ServerResult::EmptyResult(EmptyResult {}),
            RequestId::Number(id),
        )
    }

    fn request(id: i64, request: ClientRequest) -> ClientJsonRpcMessage {
        ClientJsonRpcMessage::request(request, RequestId::Number(id))
    }

    #[test]
    fn only_the_answer_to_a_discovery_given_up_on_is_dropped() {
        let mut t = DropsLateDiscovery::new(());
        t.sending(&request(
            0,
            ClientRequest::DiscoverRequest(DiscoverRequest::new(DiscoverRequestParams {})),
        ));
        t.sending(&request(
            1,
            ClientRequest::InitializeRequest(InitializeRequest::new(
                InitializeRequestParams::default(),
            )),
        ));
        assert!(t.is_late(&answer(0)), "the discovery's late answer");
        assert!(!t.is_late(&answer(1)), "the initialize answer");
        assert!(!t.is_late(&answer(0)), "dropped once only");

        // Answered in time: nothing is dropped after the fallback.
        let mut t = DropsLateDiscovery::new(());
        t.sending(&request(
            0,
            ClientRequest::DiscoverRequest(DiscoverRequest::new(DiscoverRequestParams {})),
        ));
        assert!(!t.is_late(&answer(0)));
        t.sending(&request(
            1,
            ClientRequest::InitializeRequest(InitializeRequest::new(
                InitializeRequestParams::default(),
            )),
        ));
        assert!(!t.is_late(&answer(1)));
    }
}
