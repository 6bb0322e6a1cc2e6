// The Tauri IPC implementation of Backend: the only file that imports @tauri-apps.
// Command names and input shapes match src-tauri/src/commands (a Rust test reads this file
// to check that every name invoked here is registered there).
import { Channel, invoke } from "@tauri-apps/api/core";
import { openUrl, revealItemInDir } from "@tauri-apps/plugin-opener";

import type { AppInfo } from "../bindings/AppInfo";
import type { MemberPrefixInput } from "../bindings/MemberPrefixInput";
import type { Settings } from "../bindings/Settings";
import type { SettingsPatch } from "../bindings/SettingsPatch";
import type { EntrySnippet } from "../bindings/EntrySnippet";
import type { EntrySnippetInput } from "../bindings/EntrySnippetInput";
import type { CallRecord } from "../bindings/CallRecord";
import type { CatalogInput } from "../bindings/CatalogInput";
import type { ClientInfo } from "../bindings/ClientInfo";
import type { ClientRef } from "../bindings/ClientRef";
import type { ClientServer } from "../bindings/ClientServer";
import type { CreatePortalInput } from "../bindings/CreatePortalInput";
import type { ImportInput } from "../bindings/ImportInput";
import type { ImportReport } from "../bindings/ImportReport";
import type { InstallInput } from "../bindings/InstallInput";
import type { Installation } from "../bindings/Installation";
import type { LoginService } from "../bindings/LoginService";
import type { RepairInput } from "../bindings/RepairInput";
import type { StartAtLoginInput } from "../bindings/StartAtLoginInput";
import type { InstallTemplateInput } from "../bindings/InstallTemplateInput";
import type { Template } from "../bindings/Template";
import type { ImportWorkspaceInput } from "../bindings/ImportWorkspaceInput";
import type { WorkspaceImportReport } from "../bindings/WorkspaceImportReport";
import type { ImportRisk } from "../bindings/ImportRisk";
import type { ImportRisksInput } from "../bindings/ImportRisksInput";
import type { PopupPage } from "../bindings/PopupPage";
import type { GatewayReport } from "../bindings/GatewayReport";
import type { Portal } from "../bindings/Portal";
import type { PortalCallsInput } from "../bindings/PortalCallsInput";
import type { MemberRef } from "../bindings/MemberRef";
import type { PortalMemberInput } from "../bindings/PortalMemberInput";
import type { PortalRef } from "../bindings/PortalRef";
import type { PortalToolInput } from "../bindings/PortalToolInput";
import type { UpdatePortalInput } from "../bindings/UpdatePortalInput";
import type { AuthorizeInput } from "../bindings/AuthorizeInput";
import type { AuthorizeOutcome } from "../bindings/AuthorizeOutcome";
import type { AutoApproveInput } from "../bindings/AutoApproveInput";
import type { ConnectionReport } from "../bindings/ConnectionReport";
import type { StoredCapabilities } from "../bindings/StoredCapabilities";
import type { SyncItem } from "../bindings/SyncItem";
import type { SyncReport } from "../bindings/SyncReport";
import type { ToolApprovalInput } from "../bindings/ToolApprovalInput";
import type { ToolCallResult } from "../bindings/ToolCallResult";
import type { ToolDetail } from "../bindings/ToolDetail";
import type { DefinitionDiff } from "../bindings/DefinitionDiff";
import type { MemberSettingInput } from "../bindings/MemberSettingInput";
import type { PortalPromptInput } from "../bindings/PortalPromptInput";
import type { PromptApprovalInput } from "../bindings/PromptApprovalInput";
import type { PromptDetail } from "../bindings/PromptDetail";
import type { WindowAnswerInput } from "../bindings/WindowAnswerInput";
import type { WindowInputRequest } from "../bindings/WindowInputRequest";
import type { PromptRef } from "../bindings/PromptRef";
import type { ToolRef } from "../bindings/ToolRef";
import type { UnsavedTest } from "../bindings/UnsavedTest";
import type { ResourceRef } from "../bindings/ResourceRef";
import type { UseServerInput } from "../bindings/UseServerInput";
import type { WorkspaceRef } from "../bindings/WorkspaceRef";
import type { CreateServerInput } from "../bindings/CreateServerInput";
import type { CreateWorkspaceInput } from "../bindings/CreateWorkspaceInput";
import type { DeleteWorkspaceInput } from "../bindings/DeleteWorkspaceInput";
import type { ListServersInput } from "../bindings/ListServersInput";
import type { RenameWorkspaceInput } from "../bindings/RenameWorkspaceInput";
import type { Server } from "../bindings/Server";
import type { ServerPage } from "../bindings/ServerPage";
import type { ServerRef } from "../bindings/ServerRef";
import type { UpdateServerInput } from "../bindings/UpdateServerInput";
import type { Workspace } from "../bindings/Workspace";
import { type Backend, BackendError } from "./backend";

async function call<T>(command: string, input?: unknown): Promise<T> {
  try {
    return await invoke<T>(command, input === undefined ? {} : { input });
  } catch (error) {
    throw BackendError.from(error);
  }
}

export function tauriBackend(): Backend {
  return {
    appInfo: () => call<AppInfo>("app_info"),
    firstPaint: () => call<void>("first_paint"),
    listWorkspaces: () => call<Workspace[]>("list_workspaces"),
    createWorkspace: (name) => call<Workspace>("create_workspace", { name } satisfies CreateWorkspaceInput),
    renameWorkspace: (workspace, name) =>
      call<Workspace>("rename_workspace", { workspace, name } satisfies RenameWorkspaceInput),
    deleteWorkspace: (workspace, purge) =>
      call<Workspace>("delete_workspace", { workspace, purge } satisfies DeleteWorkspaceInput),
    listServers: (workspace, query) =>
      call<ServerPage>("list_servers", { workspace, query } satisfies ListServersInput),
    getServer: (workspace, server) => call<Server>("get_server", { workspace, server } satisfies ServerRef),
    createServer: (workspace, server) =>
      call<Server>("create_server", { workspace, server } satisfies CreateServerInput),
    updateServer: (workspace, server, patch) =>
      call<Server>("update_server", { workspace, server, patch } satisfies UpdateServerInput),
    deleteServer: (workspace, server) => call<Server>("delete_server", { workspace, server } satisfies ServerRef),
    restoreServer: (workspace, server) => call<Server>("restore_server", { workspace, server } satisfies ServerRef),
    purgeServer: (workspace, server) => call<Server>("purge_server", { workspace, server } satisfies ServerRef),
    setAutoApproveFirstSync: (workspace, on) =>
      call<Workspace>("set_auto_approve_first_sync", { workspace, on } satisfies AutoApproveInput),
    testServer: (workspace, server) => call<ConnectionReport>("test_server", { workspace, server } satisfies ServerRef),
    testUnsaved: (server) => call<ConnectionReport>("test_unsaved", { server } satisfies UnsavedTest),
    syncServer: (workspace, server) => call<SyncReport>("sync_server", { workspace, server } satisfies ServerRef),
    syncAll: async (workspace, onProgress) => {
      const progress = new Channel<SyncItem>();
      progress.onmessage = onProgress;
      try {
        return await invoke<number>("sync_all", { input: { workspace } satisfies WorkspaceRef, progress });
      } catch (error) {
        throw BackendError.from(error);
      }
    },
    listTools: (workspace, server) => call<ToolDetail[]>("list_tools", { workspace, server } satisfies ServerRef),
    serverCapabilities: (workspace, server) =>
      call<StoredCapabilities>("server_capabilities", { workspace, server } satisfies ServerRef),
    toolDiff: (workspace, server, tool) =>
      call<DefinitionDiff>("tool_diff", { workspace, server, tool } satisfies ToolRef),
    setToolApproval: (workspace, server, tool, state) =>
      call<ToolDetail[]>("set_tool_approval", {
        workspace,
        server,
        ...(tool === null ? {} : { tool }),
        state,
      } satisfies ToolApprovalInput),
    listPrompts: (workspace, server) => call<PromptDetail[]>("list_prompts", { workspace, server } satisfies ServerRef),
    promptDiff: (workspace, server, prompt) =>
      call<DefinitionDiff>("prompt_diff", { workspace, server, prompt } satisfies PromptRef),
    setPromptApproval: (workspace, server, prompt, state) =>
      call<PromptDetail[]>("set_prompt_approval", {
        workspace,
        server,
        ...(prompt === null ? {} : { prompt }),
        state,
      } satisfies PromptApprovalInput),
    callTool: (workspace, server, name, args) =>
      call<ToolCallResult>("call_tool", { workspace, server, name, args } satisfies UseServerInput),
    getPrompt: (workspace, server, name, args) =>
      call<Record<string, unknown>>("get_prompt", { workspace, server, name, args } satisfies UseServerInput),
    readResource: (workspace, server, uri) =>
      call<Record<string, unknown>>("read_resource", { workspace, server, uri } satisfies ResourceRef),
    authorizeServer: async (workspace, server, o, onPage) => {
      const pages = new Channel<PopupPage>();
      if (onPage) pages.onmessage = onPage;
      const input = {
        workspace,
        server,
        ...(o.clientId ? { client_id: o.clientId } : {}),
        ...(o.clientSecret ? { client_secret: o.clientSecret } : {}),
        scopes: o.scopes,
        in_browser: o.inBrowser,
      } satisfies AuthorizeInput;
      try {
        return await invoke<AuthorizeOutcome>("authorize_server", { input, pages });
      } catch (error) {
        throw BackendError.from(error);
      }
    },
    authorizeInBrowserInstead: (workspace, server) =>
      call<void>("authorize_in_browser_instead", { workspace, server } satisfies ServerRef),
    logoutServer: (workspace, server) => call<Server>("logout_server", { workspace, server } satisfies ServerRef),
    listPortals: (workspace) => call<Portal[]>("list_portals", { workspace } satisfies WorkspaceRef),
    getPortal: (workspace, portal) => call<Portal>("get_portal", { workspace, portal } satisfies PortalRef),
    createPortal: (workspace, portal) =>
      call<Portal>("create_portal", { workspace, portal } satisfies CreatePortalInput),
    updatePortal: (workspace, portal, patch) =>
      call<Portal>("update_portal", { workspace, portal, patch } satisfies UpdatePortalInput),
    deletePortal: (workspace, portal) => call<Portal>("delete_portal", { workspace, portal } satisfies PortalRef),
    rotatePortalToken: (workspace, portal) =>
      call<Portal>("rotate_portal_token", { workspace, portal } satisfies PortalRef),
    addPortalServer: (workspace, portal, server, defaultDisabled) =>
      call<Portal>("add_portal_server", {
        workspace,
        portal,
        server,
        default_disabled: defaultDisabled,
      } satisfies PortalMemberInput),
    setMemberPrefix: (workspace, portal, server, prefix) =>
      call<Portal>("set_member_prefix", {
        workspace,
        portal,
        server,
        ...(prefix !== null ? { prefix } : {}),
      } satisfies MemberPrefixInput),
    removePortalServer: (workspace, portal, server) =>
      call<Portal>("remove_portal_server", { workspace, portal, server } satisfies MemberRef),
    setPortalTool: (workspace, portal, server, tool, enabled, alias) =>
      call<Portal>("set_portal_tool", {
        workspace,
        portal,
        server,
        tool,
        enabled,
        ...(alias ? { alias } : {}),
      } satisfies PortalToolInput),
    updateMember: (workspace, portal, server, change) =>
      call<Portal>("update_member", { workspace, portal, server, change } satisfies MemberSettingInput),
    setPortalPrompt: (workspace, portal, server, prompt, enabled, alias) =>
      call<Portal>("set_portal_prompt", {
        workspace,
        portal,
        server,
        prompt,
        enabled,
        ...(alias ? { alias } : {}),
      } satisfies PortalPromptInput),
    portalCalls: (workspace, portal, query) =>
      call<CallRecord[]>("portal_calls", { workspace, portal, query } satisfies PortalCallsInput),
    gatewayStatus: () => call<GatewayReport>("gateway_status"),
    listClients: () => call<ClientInfo[]>("list_clients"),
    clientServers: (client, project) =>
      call<ClientServer[]>("client_servers", { client, ...(project ? { project } : {}) } satisfies ClientRef),
    importClientServers: (workspace, client, names, project) =>
      call<ImportReport>("import_client_servers", {
        workspace,
        client,
        ...(names ? { names } : {}),
        ...(project ? { project } : {}),
      } satisfies ImportInput),
    install: (workspace, target, client, project, transport, isPrivate) =>
      call<Installation>("install", {
        workspace,
        target,
        client,
        ...(project ? { project } : {}),
        ...(transport ? { transport } : {}),
        ...(project && isPrivate ? { private: true } : {}),
      } satisfies InstallInput),
    uninstall: (workspace, target, client, project, isPrivate) =>
      call<Installation>("uninstall", {
        workspace,
        target,
        client,
        ...(project ? { project } : {}),
        ...(project && isPrivate ? { private: true } : {}),
      } satisfies InstallInput),
    listInstallations: (workspace) => call<Installation[]>("list_installations", { workspace } satisfies WorkspaceRef),
    repairInstallations: (workspace, id) =>
      call<Installation[]>("repair_installations", { workspace, ...(id ? { id } : {}) } satisfies RepairInput),
    exportWorkspace: (workspace) => call<string>("export_workspace", { workspace } satisfies WorkspaceRef),
    importRisks: (document) => call<ImportRisk[]>("import_risks", { document } satisfies ImportRisksInput),
    importWorkspace: (document, name, secrets, acceptRisks) =>
      call<WorkspaceImportReport>("import_workspace", {
        document,
        secrets,
        ...(name ? { name } : {}),
        ...(acceptRisks ? { accept_risks: true } : {}),
      } satisfies ImportWorkspaceInput),
    listTemplates: (search) =>
      call<Template[]>("list_templates", { ...(search ? { search } : {}) } satisfies CatalogInput),
    entrySnippet: (workspace, target, client, transport) =>
      call<EntrySnippet>("entry_snippet", {
        workspace,
        target,
        client,
        ...(transport ? { transport } : {}),
      } satisfies EntrySnippetInput),
    installTemplate: (workspace, template, name, apiKey) =>
      call<Server>("install_template", {
        workspace,
        template,
        ...(name ? { name } : {}),
        ...(apiKey ? { api_key: apiKey } : {}),
      } satisfies InstallTemplateInput),
    restartGateway: () => call<GatewayReport>("restart_gateway"),
    stopGateway: () => call<GatewayReport>("stop_gateway"),
    loginServiceStatus: () => call<LoginService>("login_service_status"),
    getSettings: () => call<Settings>("get_settings"),
    updateSettings: (patch) => call<Settings>("update_settings", patch satisfies SettingsPatch),
    setStartAtLogin: (enabled) => call<LoginService>("set_start_at_login", { enabled } satisfies StartAtLoginInput),
    windowInputRequests: () => call<WindowInputRequest[]>("window_input_requests"),
    answerWindowInputRequest: (id, answer) =>
      call<void>("answer_window_input_request", { id, answer } satisfies WindowAnswerInput),
    openUrl: async (url) => {
      try {
        await openUrl(url);
      } catch (error) {
        throw BackendError.from(error);
      }
    },
    revealPath: async (path) => {
      try {
        await revealItemInDir(path);
      } catch (error) {
        throw BackendError.from(error);
      }
    },
  };
}
