//! The MCP server of one portal session: the portal's served tools, prompts and resources
//! under their exposed names, each request routed to its server over a warm session, with the
//! client's cancellation and a time bound carried through.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use rmcp::ErrorData as McpError;
use rmcp::handler::server::ServerHandler;
#[allow(deprecated)] // logging: SEP-2577 deprecates it; initialize-era clients use it
use rmcp::model::SetLevelRequestParams;
use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CancelTaskParams, CompleteRequestParams,
    CompleteResult, DiscoverResult, GetPromptRequestParams, GetPromptResponse, GetTaskParams,
    GetTaskResult, Implementation, InitializeRequestParams, InitializeResult, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, Reference, ServerCapabilities, ServerConfig,
    ServerNotification, SubscribeRequestParams, SubscriptionFilter, UnsubscribeRequestParams,
    UpdateTaskParams,
};
use rmcp::service::{NotificationContext, RequestContext, RoleServer, SubscriptionContext};
use serde::de::DeserializeOwned;
use tokio::sync::broadcast::error::RecvError;

use super::call_origin::complete_for;
use super::calllog::CallLog;
use super::log_relay::LogRelay;
use super::portal_state::{PortalState, Source};
use super::resource_updates::ResourceSubscriptions;
use super::tool_search::{self, Meta};
use super::upstreams::Upstreams;
use crate::Patchbay;
use crate::live::answered_in_rounds::answered;
use crate::live::relayed_calls;
use crate::portals::served::ServedItem;

pub(crate) struct PortalHandler {
    pub(super) core: Arc<Patchbay>,
    pub(super) state: Arc<PortalState>,
    pub(super) upstreams: Arc<Upstreams>,
    pub(super) log: CallLog,
    /// The members' log messages at the level this client set.
    server_log: LogRelay,
    subscriptions: ResourceSubscriptions,
    /// Tells this session's calls from other sessions' (see `relayed_calls`).
    pub(super) client_id: u64,
}

impl PortalHandler {
    pub fn new(
        core: Arc<Patchbay>,
        state: Arc<PortalState>,
        upstreams: Arc<Upstreams>,
        log: CallLog,
    ) -> PortalHandler {
        state.open_sessions.fetch_add(1, Ordering::Relaxed);
        PortalHandler {
            core,
            state,
            upstreams,
            log,
            server_log: LogRelay::default(),
            subscriptions: ResourceSubscriptions::default(),
            client_id: relayed_calls::new_client_id(),
        }
    }
}

impl Drop for PortalHandler {
    fn drop(&mut self) {
        self.state.open_sessions.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How long a client may treat a listing as fresh (2026-07-28 clients; SEP-2549): not at all,
/// since a portal changes whenever a member, an approval or a server does (clients that listen
/// hear of each change); and it is the portal's token holder's alone.
const LIST_TTL_MS: u64 = 0;

fn tools_of<T: DeserializeOwned>(definitions: Vec<serde_json::Value>) -> Vec<T> {
    definitions
        .into_iter()
        .filter_map(|d| serde_json::from_value(d).ok())
        .collect()
}

fn definitions<T: DeserializeOwned>(items: &[ServedItem]) -> Vec<T> {
    items
        .iter()
        .filter_map(|i| serde_json::from_value(i.definition.clone()).ok())
        .collect()
}

impl ServerHandler for PortalHandler {
    #[allow(deprecated)] // declares logging, for the clients of the initialize era
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder()
            .enable_prompts()
            .enable_resources()
            .enable_tools()
            .enable_prompts_list_changed()
            .enable_resources_list_changed()
            .enable_tool_list_changed()
            .enable_logging()
            .enable_resources_subscribe()
            .enable_completions()
            .build();
        let mut info = ServerConfig::new(capabilities);
        info.capabilities.extensions = self.state.extensions();
        let kind = match self.state.source {
            Source::Portal => "portal",
            Source::Server => "server",
        };
        info.server_info = Implementation::new(
            format!("patchbay {kind} {}", self.state.portal_name),
            env!("CARGO_PKG_VERSION"),
        );
        info
    }

    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, McpError> {
        context.peer.set_peer_info(request.clone());
        self.state.catalog().await?; // what get_info declares is current
        self.negotiate_initialize(&request)
    }

    async fn discover(
        &self,
        _context: RequestContext<RoleServer>,
    ) -> Result<DiscoverResult, McpError> {
        self.state.catalog().await?;
        Ok(DiscoverResult::from_server_info(
            self.supported_protocol_versions().into_owned(),
            self.get_info(),
        ))
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, McpError> {
        self.member_task(request, context).await
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.update_member_task(request, context).await
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.cancel_member_task(request, context).await
    }

    #[allow(deprecated)] // logging: SEP-2577 deprecates it; initialize-era clients use it
    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let catalog = self.state.catalog().await?;
        let members: std::collections::BTreeSet<String> = [
            &catalog.tools,
            &catalog.prompts,
            &catalog.resources,
            &catalog.resource_templates,
        ]
        .into_iter()
        .flatten()
        .map(|item| item.server_id.clone())
        .collect();
        self.server_log
            .set_level(
                &self.core,
                &self.upstreams,
                context.peer,
                members,
                request.level,
            )
            .await;
        Ok(())
    }

    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let catalog = self.state.catalog().await?;
        let Some(server_id) = catalog.resource_server(&request.uri) else {
            return Err(McpError::invalid_params(
                format!("this portal serves no resource '{}'", request.uri),
                None,
            ));
        };
        self.subscriptions
            .subscribe(
                &self.core,
                &self.upstreams,
                context.peer,
                server_id,
                &request.uri,
            )
            .await
    }

    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.subscriptions.unsubscribe(&request.uri).await
    }

    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        self.state.add_peer(context.peer);
    }

    async fn on_roots_list_changed(&self, _context: NotificationContext<RoleServer>) {
        crate::live::client_roots::roots_changed(self.client_id).await;
    }

    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        let mut accepted = SubscriptionFilter::new();
        accepted.tools_list_changed = requested.tools_list_changed;
        accepted.prompts_list_changed = requested.prompts_list_changed;
        accepted.resources_list_changed = requested.resources_list_changed;
        Some(accepted)
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), McpError> {
        let mut events = self.state.subscribe();
        let wants = |flag: Option<bool>| flag == Some(true);
        loop {
            let lists = tokio::select! {
                _ = context.cancelled() => return Ok(()),
                event = events.recv() => match event {
                    Ok(lists) => lists,
                    // Missed some: say everything changed, the client lists again.
                    Err(RecvError::Lagged(_)) => super::portal_state::ListsChanged {
                        tools: true, prompts: true, resources: true,
                    },
                    Err(RecvError::Closed) => return Ok(()),
                },
            };
            let accepted = context.accepted();
            let mut notes = Vec::new();
            if lists.tools && wants(accepted.tools_list_changed) {
                notes.push(ServerNotification::ToolListChangedNotification(
                    Default::default(),
                ));
            }
            if lists.prompts && wants(accepted.prompts_list_changed) {
                notes.push(ServerNotification::PromptListChangedNotification(
                    Default::default(),
                ));
            }
            if lists.resources && wants(accepted.resources_list_changed) {
                notes.push(ServerNotification::ResourceListChangedNotification(
                    Default::default(),
                ));
            }
            for note in notes {
                if context.sink().send(note).await.is_err() {
                    return Ok(());
                }
            }
        }
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let catalog = self.state.catalog().await?;
        Ok(
            ListToolsResult::with_all_items(tools_of(crate::portals::listing::listed(
                &catalog,
                catalog.listing.mode,
            )))
            .with_ttl_ms(LIST_TTL_MS)
            .with_cache_scope(CacheScope::Private),
        )
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        let catalog = self.state.catalog().await?;
        Ok(
            ListPromptsResult::with_all_items(definitions(&catalog.prompts))
                .with_ttl_ms(LIST_TTL_MS)
                .with_cache_scope(CacheScope::Private),
        )
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let catalog = self.state.catalog().await?;
        Ok(
            ListResourcesResult::with_all_items(definitions(&catalog.resources))
                .with_ttl_ms(LIST_TTL_MS)
                .with_cache_scope(CacheScope::Private),
        )
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        let catalog = self.state.catalog().await?;
        Ok(
            ListResourceTemplatesResult::with_all_items(definitions(&catalog.resource_templates))
                .with_ttl_ms(LIST_TTL_MS)
                .with_cache_scope(CacheScope::Private),
        )
    }

    /// Completion of a prompt's or a resource template's argument, by the member that
    /// serves it, under its own name.
    async fn complete(
        &self,
        mut request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, McpError> {
        let catalog = self.state.catalog().await?;
        let (server_id, what) = match &mut request.r#ref {
            Reference::Prompt(prompt) => {
                let Some(target) = catalog.prompt(&prompt.name) else {
                    return Err(McpError::invalid_params(
                        format!("this portal serves no prompt named '{}'", prompt.name),
                        None,
                    ));
                };
                let what = format!("completion of prompt '{}'", prompt.name);
                prompt.name = target.upstream.clone();
                (target.server_id.clone(), what)
            }
            Reference::Resource(template) => {
                let Some(server_id) = catalog.resource_server(&template.uri) else {
                    return Err(McpError::invalid_params(
                        format!("this portal serves no resource template '{}'", template.uri),
                        None,
                    ));
                };
                (
                    server_id.to_string(),
                    format!("completion of '{}'", template.uri),
                )
            }
            _ => {
                return Err(McpError::invalid_params(
                    "this portal completes arguments of prompts and resource templates only",
                    None,
                ));
            }
        };
        self.forward(&server_id, &what, &context, async move |s| {
            s.service.peer().complete(request.clone()).await
        })
        .await
    }

    async fn get_prompt(
        &self,
        mut request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        let catalog = self.state.catalog().await?;
        let Some(target) = catalog.prompt(&request.name) else {
            return Err(McpError::invalid_params(
                format!("this portal serves no prompt named '{}'", request.name),
                None,
            ));
        };
        let what = format!("prompt '{}'", request.name);
        let origin = self.call_origin(&context, &target.server_id, &target.exposed);
        request.name = target.upstream.clone();
        let mut answer = self
            .forward(&target.server_id, &what, &context, async move |s| {
                let peer = s.service.peer().clone();
                answered(&origin, request.clone(), async move |p| {
                    peer.get_prompt_once(p).await
                })
                .await
            })
            .await?;
        if let GetPromptResponse::Complete(result) = &mut answer {
            complete_for(&context, &mut result.result_type);
        }
        Ok(answer)
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let catalog = self.state.catalog().await?;
        let Some(server_id) = catalog.resource_server(&request.uri) else {
            return Err(McpError::resource_not_found(
                format!("this portal serves no resource '{}'", request.uri),
                None,
            ));
        };
        let what = format!("resource '{}'", request.uri);
        let origin = self.call_origin(&context, server_id, &request.uri);
        let mut answer = self
            .forward(server_id, &what, &context, async move |s| {
                let peer = s.service.peer().clone();
                answered(&origin, request.clone(), async move |p| {
                    peer.read_resource_once(p).await
                })
                .await
            })
            .await?;
        if let ReadResourceResponse::Complete(result) = &mut answer {
            complete_for(&context, &mut result.result_type);
        }
        Ok(answer)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let catalog = self.state.catalog().await?;
        match tool_search::meta(&catalog, &request.name) {
            Some(Meta::Search) => {
                let mut found = tool_search::search(&catalog, request.arguments.as_ref())?;
                complete_for(&context, &mut found.result_type);
                Ok(CallToolResponse::Complete(found))
            }
            Some(Meta::Call) => {
                let call = tool_search::found_call(&request)?;
                self.call_served(catalog, call, context).await
            }
            None => self.call_served(catalog, request, context).await,
        }
    }
}
