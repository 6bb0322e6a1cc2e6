// The one door from the UI to Patchbay's core. Components use this interface only; the Tauri
// implementation (tauri.ts) is the only file that knows about IPC, so another transport
// (e.g. HTTP to a headless `patchbay serve`) can be added without touching a component.
import type { Settings } from "../bindings/Settings";
import type { SettingsPatch } from "../bindings/SettingsPatch";
import type { EntrySnippet } from "../bindings/EntrySnippet";
import type { AppInfo } from "../bindings/AppInfo";
import type { CallRecord } from "../bindings/CallRecord";
import type { CallQuery } from "../bindings/CallQuery";
import type { ClientInfo } from "../bindings/ClientInfo";
import type { ClientServer } from "../bindings/ClientServer";
import type { ImportReport } from "../bindings/ImportReport";
import type { EntryTransport } from "../bindings/EntryTransport";
import type { Installation } from "../bindings/Installation";
import type { LoginService } from "../bindings/LoginService";
import type { Template } from "../bindings/Template";
import type { ImportSecrets } from "../bindings/ImportSecrets";
import type { WorkspaceExport } from "../bindings/WorkspaceExport";
import type { WorkspaceImportReport } from "../bindings/WorkspaceImportReport";
import type { ImportRisk } from "../bindings/ImportRisk";
import type { PopupPage } from "../bindings/PopupPage";
import type { GatewayReport } from "../bindings/GatewayReport";
import type { NewPortal } from "../bindings/NewPortal";
import type { Portal } from "../bindings/Portal";
import type { PortalPatch } from "../bindings/PortalPatch";
import type { AuthorizeOutcome } from "../bindings/AuthorizeOutcome";
import type { ApprovalState } from "../bindings/ApprovalState";
import type { ConnectionCategory } from "../bindings/ConnectionCategory";
import type { ConnectionReport } from "../bindings/ConnectionReport";
import type { CoreError } from "../bindings/CoreError";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { NewServer } from "../bindings/NewServer";
import type { Server } from "../bindings/Server";
import type { ServerPage } from "../bindings/ServerPage";
import type { ServerPatch } from "../bindings/ServerPatch";
import type { ServerQuery } from "../bindings/ServerQuery";
import type { StoredCapabilities } from "../bindings/StoredCapabilities";
import type { SyncItem } from "../bindings/SyncItem";
import type { SyncReport } from "../bindings/SyncReport";
import type { ToolCallResult } from "../bindings/ToolCallResult";
import type { ToolDetail } from "../bindings/ToolDetail";
import type { DefinitionDiff } from "../bindings/DefinitionDiff";
import type { PromptDetail } from "../bindings/PromptDetail";
import type { WindowInputAnswer } from "../bindings/WindowInputAnswer";
import type { WindowInputRequest } from "../bindings/WindowInputRequest";
import type { MemberSetting } from "../bindings/MemberSetting";
import type { Workspace } from "../bindings/Workspace";

export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** The window drew its first frame (the app logs when, for the release figures). */
  firstPaint(): Promise<void>;
  /** The user's gateway (a background process): what it serves now, or why it is not running. */
  gatewayStatus(): Promise<GatewayReport>;
  /** Starts the gateway if it is not running (stopped from the CLI, say). */
  restartGateway(): Promise<GatewayReport>;
  /** Stops the gateway; installed clients start it again when they next need it. */
  stopGateway(): Promise<GatewayReport>;
  /** Whether the gateway runs at login. */
  loginServiceStatus(): Promise<LoginService>;
  /** Settings of the data dir, which the user's gateway reads too. */
  getSettings(): Promise<Settings>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  /** Runs the gateway at login (the OS's per-user service), or stops doing so. */
  setStartAtLogin(enabled: boolean): Promise<LoginService>;
  listWorkspaces(): Promise<Workspace[]>;
  createWorkspace(name: string): Promise<Workspace>;
  renameWorkspace(workspace: string, name: string): Promise<Workspace>;
  deleteWorkspace(workspace: string, purge: boolean): Promise<Workspace>;
  listServers(workspace: string, query: ServerQuery): Promise<ServerPage>;
  getServer(workspace: string, server: string): Promise<Server>;
  createServer(workspace: string, server: NewServer): Promise<Server>;
  updateServer(workspace: string, server: string, patch: ServerPatch): Promise<Server>;
  deleteServer(workspace: string, server: string): Promise<Server>;
  restoreServer(workspace: string, server: string): Promise<Server>;
  purgeServer(workspace: string, server: string): Promise<Server>;
  setAutoApproveFirstSync(workspace: string, on: boolean): Promise<Workspace>;
  /** Connects to a saved server and lists what it offers; stores nothing. */
  testServer(workspace: string, server: string): Promise<ConnectionReport>;
  /** The same for settings not saved yet (the add dialog). */
  testUnsaved(server: NewServer): Promise<ConnectionReport>;
  syncServer(workspace: string, server: string): Promise<SyncReport>;
  /** Syncs every enabled server; `onProgress` hears of each as it finishes. Resolves to the count. */
  syncAll(workspace: string, onProgress: (item: SyncItem) => void): Promise<number>;
  listTools(workspace: string, server: string): Promise<ToolDetail[]>;
  serverCapabilities(workspace: string, server: string): Promise<StoredCapabilities>;
  toolDiff(workspace: string, server: string, tool: string): Promise<DefinitionDiff>;
  /** One tool, or (tool null) every tool waiting (approve) or every tool (deny). */
  setToolApproval(workspace: string, server: string, tool: string | null, state: ApprovalState): Promise<ToolDetail[]>;
  /** A server's prompts with their approval, reviewed as tools are. */
  listPrompts(workspace: string, server: string): Promise<PromptDetail[]>;
  promptDiff(workspace: string, server: string, prompt: string): Promise<DefinitionDiff>;
  /** One prompt, or (prompt null) every prompt waiting (approve) or every prompt (deny). */
  setPromptApproval(
    workspace: string,
    server: string,
    prompt: string | null,
    state: ApprovalState,
  ): Promise<PromptDetail[]>;
  callTool(workspace: string, server: string, tool: string, args: Record<string, unknown>): Promise<ToolCallResult>;
  getPrompt(
    workspace: string,
    server: string,
    prompt: string,
    args: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  readResource(workspace: string, server: string, uri: string): Promise<Record<string, unknown>>;
  /** OAuth: the browser step in a window of the app (or the user's browser); resolves when the
   * tokens are stored, rejects when the window is closed first. */
  authorizeServer(
    workspace: string,
    server: string,
    options: AuthorizeChoices,
    onPage?: (page: PopupPage) => void,
  ): Promise<AuthorizeOutcome>;
  /** Moves the authorization under way from the app's window to the system browser, and
   * remembers that for the server. */
  authorizeInBrowserInstead(workspace: string, server: string): Promise<void>;
  logoutServer(workspace: string, server: string): Promise<Server>;
  listPortals(workspace: string): Promise<Portal[]>;
  getPortal(workspace: string, portal: string): Promise<Portal>;
  /** The answer carries `token` (secure portals): the only time it is shown, with rotate's. */
  createPortal(workspace: string, portal: NewPortal): Promise<Portal>;
  updatePortal(workspace: string, portal: string, patch: PortalPatch): Promise<Portal>;
  deletePortal(workspace: string, portal: string): Promise<Portal>;
  rotatePortalToken(workspace: string, portal: string): Promise<Portal>;
  addPortalServer(workspace: string, portal: string, server: string, defaultDisabled: boolean): Promise<Portal>;
  removePortalServer(workspace: string, portal: string, server: string): Promise<Portal>;
  /** A member's name prefix: null for the default `<slug>__`, "" for none. */
  setMemberPrefix(workspace: string, portal: string, server: string, prefix: string | null): Promise<Portal>;
  setPortalTool(
    workspace: string,
    portal: string,
    server: string,
    tool: string,
    enabled: boolean,
    alias?: string,
  ): Promise<Portal>;
  /** One of a member's settings in the portal: its time bound, its resources, its calls at once. */
  updateMember(workspace: string, portal: string, server: string, change: MemberSetting): Promise<Portal>;
  setPortalPrompt(
    workspace: string,
    portal: string,
    server: string,
    prompt: string,
    enabled: boolean,
    alias?: string,
  ): Promise<Portal>;
  portalCalls(workspace: string, portal: string, query: CallQuery): Promise<CallRecord[]>;
  /** The AI clients Patchbay knows, as found on this machine. */
  listClients(): Promise<ClientInfo[]>;
  /** The servers in a client's config (user-level, or a project's with `project`). */
  clientServers(client: string, project?: string): Promise<ClientServer[]>;
  /** Imports these entries of a client (all when `names` is absent). */
  importClientServers(workspace: string, client: string, names?: string[], project?: string): Promise<ImportReport>;
  /** `stdio` (default): Patchbay's entry through the gateway, no secret in the file; `http`: a URL entry. */
  /** `isPrivate` with `project`: the project's private entry in the user's file (Claude Code's local scope). */
  install(
    workspace: string,
    target: string,
    client: string,
    project?: string,
    transport?: EntryTransport,
    isPrivate?: boolean,
  ): Promise<Installation>;
  uninstall(
    workspace: string,
    target: string,
    client: string,
    project?: string,
    isPrivate?: boolean,
  ): Promise<Installation>;
  listInstallations(workspace: string): Promise<Installation[]>;
  /** Writes an installed entry again as Patchbay would now (`id` absent: every one not in sync). */
  repairInstallations(workspace: string, id?: string): Promise<Installation[]>;
  listTemplates(search?: string): Promise<Template[]>;
  /** Writes the workspace's export (no secrets) into the data dir; resolves to its path. */
  exportWorkspace(workspace: string): Promise<string>;
  /** What importing the document would run or open up; importing it then needs `acceptRisks`. */
  importRisks(document: WorkspaceExport): Promise<ImportRisk[]>;
  importWorkspace(
    document: WorkspaceExport,
    name: string | undefined,
    secrets: ImportSecrets,
    acceptRisks?: boolean,
  ): Promise<WorkspaceImportReport>;
  installTemplate(workspace: string, template: string, name?: string, apiKey?: string): Promise<Server>;
  /** The entry to paste into one client's config, in its own shape; a secret is a placeholder. */
  entrySnippet(workspace: string, target: string, client: string, transport?: EntryTransport): Promise<EntrySnippet>;
  /** Shows a file or folder in the OS file manager. */
  revealPath(path: string): Promise<void>;
  /** Questions servers ask of portal clients that cannot answer them, waiting for the user. */
  windowInputRequests(): Promise<WindowInputRequest[]>;
  answerWindowInputRequest(id: string, answer: WindowInputAnswer): Promise<void>;
  /** Opens an http(s) link in the user's browser. */
  openUrl(url: string): Promise<void>;
}

export type AuthorizeChoices = { clientId?: string; clientSecret?: string; scopes: string[]; inBrowser: boolean };

/** An error from the core, with the code the UI acts on and the field it concerns. */
export class BackendError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** Why a connection to a server failed, when that is what failed. */
  readonly category: ConnectionCategory | undefined;
  readonly httpStatus: number | undefined;
  /** A 403 insufficient_scope: the scope to authorize again with. */
  readonly requiredScope: string | undefined;

  constructor(error: CoreError) {
    super(error.message);
    this.name = "BackendError";
    this.code = error.code;
    this.field = error.field;
    this.category = error.category;
    this.httpStatus = error.http_status;
    this.requiredScope = error.required_scope;
  }

  static from(error: unknown): BackendError {
    if (error instanceof BackendError) return error;
    if (isCoreError(error)) return new BackendError(error);
    const message = error instanceof Error ? error.message : String(error);
    return new BackendError({ code: "internal", message });
  }
}

function isCoreError(value: unknown): value is CoreError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as CoreError).code === "string" &&
    typeof (value as CoreError).message === "string"
  );
}

/** What each error code means to a person, as a toast title. */
export const errorTitles: Record<ErrorCode, string> = {
  not_found: "Not found",
  conflict: "Already exists",
  validation: "Check your input",
  network: "Cannot reach the server",
  auth_required: "Authorization needed",
  keyring_unavailable: "Keyring unavailable",
  protocol: "Not an MCP answer",
  timeout: "Timed out",
  internal: "Something went wrong",
};

/** What each connection failure means to a person. */
export const categoryTitles: Record<ConnectionCategory, string> = {
  dns: "Unknown host",
  refused: "Connection refused",
  tls: "TLS handshake failed",
  timeout: "No answer in time",
  http_status: "HTTP error",
  auth_required: "Authorization needed",
  not_mcp: "Not an MCP server",
  protocol: "MCP protocol error",
};
