//! Reading and deciding the review of a server's tools and prompts (SPEC §1), from any front
//! door.

use super::model::{DefinitionDiff, PromptDetail, StoredCapabilities, ToolDetail};
use super::reviewed::{self, Reviewed};
use super::{prompt_records, records};
use crate::Patchbay;
use crate::error::{Error, Result};
use crate::servers::ApprovalState;
use crate::servers::repo::{self, Scope};

impl Patchbay {
    pub fn tools(&self, workspace_id: &str, server: &str) -> Result<Vec<ToolDetail>> {
        self.store().read(|c| {
            let row = repo::find(c, workspace_id, server, Scope::Any)?;
            records::tool_details(c, &row.server.id)
        })
    }

    pub fn prompts(&self, workspace_id: &str, server: &str) -> Result<Vec<PromptDetail>> {
        self.store().read(|c| {
            let row = repo::find(c, workspace_id, server, Scope::Any)?;
            prompt_records::details(c, &row.server.id)
        })
    }

    pub fn stored_capabilities(
        &self,
        workspace_id: &str,
        server: &str,
    ) -> Result<StoredCapabilities> {
        self.store().read(|c| {
            let row = repo::find(c, workspace_id, server, Scope::Any)?;
            records::stored_capabilities(c, &row.server.id)
        })
    }

    pub fn tool_diff(
        &self,
        workspace_id: &str,
        server: &str,
        tool: &str,
    ) -> Result<DefinitionDiff> {
        self.diff(Reviewed::Tool, workspace_id, server, tool)
    }

    pub fn prompt_diff(
        &self,
        workspace_id: &str,
        server: &str,
        prompt: &str,
    ) -> Result<DefinitionDiff> {
        self.diff(Reviewed::Prompt, workspace_id, server, prompt)
    }

    fn diff(
        &self,
        kind: Reviewed,
        workspace_id: &str,
        server: &str,
        name: &str,
    ) -> Result<DefinitionDiff> {
        self.store().read(|c| {
            let row = repo::find(c, workspace_id, server, Scope::Any)?;
            reviewed::diff(c, kind, &row.server.id, name)
        })
    }

    /// Approves or denies one tool (`tool` Some) or many (None: approving takes the tools
    /// waiting, denying takes all). Returns the server's tools afterwards.
    pub fn set_tool_approval(
        &self,
        workspace_id: &str,
        server: &str,
        tool: Option<&str>,
        state: ApprovalState,
    ) -> Result<Vec<ToolDetail>> {
        self.decide(Reviewed::Tool, workspace_id, server, tool, state)?;
        self.tools(workspace_id, server)
    }

    /// As `set_tool_approval`, for prompts.
    pub fn set_prompt_approval(
        &self,
        workspace_id: &str,
        server: &str,
        prompt: Option<&str>,
        state: ApprovalState,
    ) -> Result<Vec<PromptDetail>> {
        self.decide(Reviewed::Prompt, workspace_id, server, prompt, state)?;
        self.prompts(workspace_id, server)
    }

    fn decide(
        &self,
        kind: Reviewed,
        workspace_id: &str,
        server: &str,
        name: Option<&str>,
        state: ApprovalState,
    ) -> Result<()> {
        if state == ApprovalState::NeedsApproval {
            return Err(Error::validation(
                "approval_state",
                format!(
                    "a {} can be approved or denied; it waits for approval only after a change",
                    kind.noun()
                ),
            ));
        }
        self.store().write(|tx| {
            let row = repo::find(tx, workspace_id, server, Scope::Live)?;
            reviewed::set_approval(tx, kind, &row.server.id, name, state)?;
            Ok(())
        })
    }
}
