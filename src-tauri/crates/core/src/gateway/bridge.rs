//! `patchbay bridge PORTAL`: the portal as an MCP server on stdin/stdout, for AI clients that
//! only run stdio servers. It serves the same tools with the same routing as the gateway,
//! in-process (whoever can run it can read the data dir and keyring already, so no token).

use std::sync::Arc;

use rmcp::ServiceExt;

use super::calllog::CallLog;
use super::changes::watch_store;
use super::handler::PortalHandler;
use super::portal_state::PortalState;
use super::upstreams::Upstreams;
use crate::error::{Error, ErrorCode, Result};
use crate::{Patchbay, run_blocking};

pub async fn bridge(core: Arc<Patchbay>, workspace_id: &str, portal: &str) -> Result<()> {
    let (ws, ident) = (workspace_id.to_string(), portal.to_string());
    let portal = run_blocking(&core, move |core| core.get_portal(&ws, &ident)).await?;
    let changes = watch_store(core.store().path().map(Into::into));
    let state = PortalState::start(Arc::clone(&core), portal.id, portal.name, changes);
    let log = CallLog::start(Arc::clone(&core));
    let handler = PortalHandler::new(
        Arc::clone(&core),
        state,
        Arc::new(Upstreams::default()),
        log.clone(),
    );
    let running = handler.serve(rmcp::transport::stdio()).await.map_err(|e| {
        Error::new(
            ErrorCode::Protocol,
            format!("the stdio client did not start an MCP session: {e}"),
        )
    })?;
    let _ = running.waiting().await;
    log.flush().await;
    Ok(())
}
