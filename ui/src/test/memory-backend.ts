// An in-memory Backend: a unit-test double for the component tests, which test the UI and not
// the core. It follows the core's rules that the UI reacts to (conflicts on live names,
// validation at a field, soft delete, cursor pages); the real core is tested in Rust and the
// real app end to end (tests/e2e).
import { type Backend, BackendError } from "../lib/backend/backend";
import type { EntrySnippet } from "../lib/bindings/EntrySnippet";
import type { Settings } from "../lib/bindings/Settings";
import type { SettingsPatch } from "../lib/bindings/SettingsPatch";
import type { AppInfo } from "../lib/bindings/AppInfo";
import type { NewServer } from "../lib/bindings/NewServer";
import type { Server } from "../lib/bindings/Server";
import type { ServerPatch } from "../lib/bindings/ServerPatch";
import type { ServerQuery } from "../lib/bindings/ServerQuery";
import type { ApprovalState } from "../lib/bindings/ApprovalState";
import type { ConnectionReport } from "../lib/bindings/ConnectionReport";
import type { SyncItem } from "../lib/bindings/SyncItem";
import type { SyncReport } from "../lib/bindings/SyncReport";
import type { ToolDetail } from "../lib/bindings/ToolDetail";
import type { PromptDetail } from "../lib/bindings/PromptDetail";
import type { MemberSetting } from "../lib/bindings/MemberSetting";
import type { WindowInputAnswer } from "../lib/bindings/WindowInputAnswer";
import type { WindowInputRequest } from "../lib/bindings/WindowInputRequest";
import type { Portal } from "../lib/bindings/Portal";
import type { CallQuery } from "../lib/bindings/CallQuery";
import type { ClientInfo } from "../lib/bindings/ClientInfo";
import type { ClientServer } from "../lib/bindings/ClientServer";
import type { ImportReport } from "../lib/bindings/ImportReport";
import type { EntryTransport } from "../lib/bindings/EntryTransport";
import type { LoginService } from "../lib/bindings/LoginService";
import type { Installation } from "../lib/bindings/Installation";
import type { Template } from "../lib/bindings/Template";
import type { ImportSecrets } from "../lib/bindings/ImportSecrets";
import type { WorkspaceExport } from "../lib/bindings/WorkspaceExport";
import type { WorkspaceImportReport } from "../lib/bindings/WorkspaceImportReport";
import type { ImportRisk } from "../lib/bindings/ImportRisk";
import type { PopupPage } from "../lib/bindings/PopupPage";
import type { CallRecord } from "../lib/bindings/CallRecord";
import type { GatewayReport } from "../lib/bindings/GatewayReport";
import type { Workspace } from "../lib/bindings/Workspace";

/** A stand-in for the core's tokenizer (o200k_base): the component tests check how counts are
 * shown and summed, not what a tokenizer makes of a definition. */
function tokensOf(name: string, description: string): number {
  return Math.ceil((name.length + description.length) / 4) + 10;
}

/** A tool as a fake server offers it. */
export type OfferedTool = { name: string; description: string; input_schema?: Record<string, unknown> };

let clock = Date.parse("2026-11-01T10:00:00Z");
const now = () => new Date((clock += 1000)).toISOString();
let ids = 0;
const id = () => `00000000-0000-7000-8000-${String(++ids).padStart(12, "0")}`;

function fail(code: BackendError["code"], message: string, field?: string): never {
  throw new BackendError({ code, message, field });
}

export class MemoryBackend implements Backend {
  workspaces: Workspace[] = [];
  servers: Server[] = [];
  secrets = new Map<string, string>();
  calls: string[] = [];
  /** What each fake server (by URL) offers; a URL not here refuses connections. */
  offered = new Map<string, OfferedTool[]>();
  tools = new Map<string, (ToolDetail & { approved_description: string | null })[]>();
  /** Calls in 7 and 30 days, by exposed name, as the core reads them from the call log. */
  toolCalls = new Map<string, [number, number]>();
  portals: Portal[] = [];
  overrides = new Map<string, { enabled: boolean; alias: string | null }>();
  /** Prompts by server id, with the description last approved (for diffs). */
  prompts = new Map<string, (PromptDetail & { approved_description: string | null })[]>();
  promptOverrides = new Map<string, { enabled: boolean; alias: string | null }>();
  members = new Map<
    string,
    {
      server: string;
      defaultDisabled: boolean;
      prefix?: string | null;
      timeout?: number | null;
      resources?: boolean;
      maxConcurrent?: number | null;
    }[]
  >();
  /** When set, tool calls answer 403 insufficient_scope until authorized with this scope. */
  stepUpScope: string | null = null;

  constructor() {
    const t = now();
    this.workspaces.push({
      id: id(),
      name: "default",
      is_default: true,
      server_count: 0,
      tools_waiting: 0,
      servers_needing_attention: 0,
      auto_approve_first_sync: true,
      created_at: t,
      updated_at: t,
    });
  }

  get defaultWorkspace(): Workspace {
    return this.workspaces[0]!;
  }

  private count(ws: string) {
    return this.servers.filter((s) => s.workspace_id === ws && !s.deleted_at).length;
  }

  private find(ws: string, key: string, live?: boolean): Server {
    const match = this.servers.find(
      (s) =>
        s.workspace_id === ws &&
        (s.id === key || s.name.toLowerCase() === key.toLowerCase()) &&
        (live === undefined || !s.deleted_at === live),
    );
    return match ?? fail("not_found", `no server named '${key}' in this workspace`, "server");
  }

  private checkName(ws: string, name: string, except?: string) {
    if (!name.trim()) fail("validation", "the name cannot be empty", "name");
    if (
      this.servers.some(
        (s) =>
          s.workspace_id === ws &&
          !s.deleted_at &&
          s.id !== except &&
          s.name.toLowerCase() === name.trim().toLowerCase(),
      )
    ) {
      fail("conflict", `a server named '${name.trim()}' already exists in this workspace; choose another name`, "name");
    }
  }

  async appInfo(): Promise<AppInfo> {
    return {
      version: "0.0.0-test",
      build: "dev",
      data_dir: "/tmp/pb",
      database: "/tmp/pb/patchbay.db",
      log_file: "/tmp/pb/logs/patchbay.<date>.log",
      keyring_service: "memory",
      schema_version: 2,
      os: "test",
      gateway_address: this.gateway.status?.address ?? null,
      gateway_error: this.gateway.status ? null : this.gateway.error,
    };
  }

  async listWorkspaces() {
    return this.workspaces.map((w) => ({
      ...w,
      server_count: this.count(w.id),
      tools_waiting: this.servers
        .filter((s) => s.workspace_id === w.id && !s.deleted_at)
        .flatMap((s) => this.tools.get(s.id) ?? [])
        .filter((t) => t.approval_state === "needs_approval").length,
      servers_needing_attention: this.servers.filter(
        (s) =>
          s.workspace_id === w.id &&
          !s.deleted_at &&
          s.is_enabled &&
          (s.status === "error" || s.status === "needs_auth"),
      ).length,
    }));
  }

  async createWorkspace(name: string) {
    if (this.workspaces.some((w) => w.name.toLowerCase() === name.toLowerCase())) fail("conflict", "taken", "name");
    const t = now();
    const ws = {
      id: id(),
      name,
      is_default: false,
      server_count: 0,
      tools_waiting: 0,
      servers_needing_attention: 0,
      auto_approve_first_sync: true,
      created_at: t,
      updated_at: t,
    };
    this.workspaces.push(ws);
    return ws;
  }

  async renameWorkspace(workspace: string, name: string) {
    const ws = this.workspaces.find((w) => w.id === workspace) ?? fail("not_found", "no such workspace");
    ws.name = name;
    return ws;
  }

  async deleteWorkspace(workspace: string, purge: boolean) {
    const ws = this.workspaces.find((w) => w.id === workspace) ?? fail("not_found", "no such workspace");
    if (this.count(ws.id) > 0 && !purge) fail("conflict", "still holds servers", "purge");
    this.workspaces = this.workspaces.filter((w) => w !== ws);
    return ws;
  }

  async listServers(workspace: string, query: ServerQuery) {
    this.calls.push(`list:${query.search ?? ""}:${query.cursor ?? ""}`);
    const text = query.search?.toLowerCase();
    let rows = this.servers.filter(
      (s) =>
        s.workspace_id === workspace &&
        !!s.deleted_at === (query.deleted ?? false) &&
        (!text || s.name.toLowerCase().includes(text) || s.description.toLowerCase().includes(text)) &&
        (query.status === undefined || s.status === query.status) &&
        (query.enabled === undefined || s.is_enabled === query.enabled),
    );
    if (query.sort === "name") rows.sort((a, b) => a.name.localeCompare(b.name));
    if (query.desc) rows.reverse();
    const start = query.cursor ? Number(query.cursor) : 0;
    const limit = query.limit ?? 50;
    const page = rows.slice(start, start + limit);
    return { servers: page, next_cursor: start + limit < rows.length ? String(start + limit) : null };
  }

  async getServer(workspace: string, server: string) {
    return this.find(workspace, server);
  }

  async createServer(workspace: string, input: NewServer) {
    this.checkName(workspace, input.name);
    const transport = input.transport ?? (input.command ? "stdio" : "streamable_http");
    if (transport !== "stdio" && !/^https?:\/\/[^/]+/.test(input.url ?? "")) {
      fail("validation", `'${input.url ?? ""}' is not a valid URL`, "url");
    }
    const t = now();
    const server: Server = {
      id: id(),
      workspace_id: workspace,
      name: input.name.trim(),
      description: input.description ?? "",
      transport,
      url: input.url ?? null,
      command: input.command ?? null,
      args: input.args ?? [],
      env: input.env ?? {},
      secret_env: Object.fromEntries(Object.entries(input.secret_env ?? {}).map(([k, v]) => [k, `…${v.slice(-4)}`])),
      cwd: input.cwd ?? null,
      inherit_env: input.inherit_env ?? false,
      authorize_in_browser: false,
      auth_type: input.auth_type ?? (input.api_key ? "api_key" : "none"),
      api_key_header: input.api_key ? (input.api_key_header ?? "Authorization") : null,
      api_key_redacted: input.api_key ? `…${input.api_key.slice(-4)}` : null,
      is_enabled: input.is_enabled ?? true,
      status: "pending",
      error_message: null,
      last_synced: null,
      last_successful_sync: null,
      server_info: null,
      template_id: null,
      created_at: t,
      updated_at: t,
      deleted_at: null,
      timeout_secs: null,
    };
    if (input.api_key) this.secrets.set(server.id, input.api_key);
    this.servers.push(server);
    return server;
  }

  async updateServer(workspace: string, key: string, patch: ServerPatch) {
    const server = this.find(workspace, key, true);
    if (patch.name !== undefined) this.checkName(workspace, patch.name, server.id);
    if (patch.name !== undefined) server.name = patch.name.trim();
    if (patch.description !== undefined) server.description = patch.description;
    if (patch.url !== undefined) server.url = patch.url;
    if (patch.is_enabled !== undefined) server.is_enabled = patch.is_enabled;
    if (patch.inherit_env !== undefined) server.inherit_env = patch.inherit_env;
    if (patch.api_key) {
      this.secrets.set(server.id, patch.api_key);
      server.api_key_redacted = `…${patch.api_key.slice(-4)}`;
    }
    server.updated_at = now();
    return server;
  }

  async deleteServer(workspace: string, key: string) {
    const server = this.find(workspace, key, true);
    server.deleted_at = now();
    return server;
  }

  async restoreServer(workspace: string, key: string) {
    const server = this.find(workspace, key, false);
    this.checkName(workspace, server.name, server.id);
    server.deleted_at = null;
    return server;
  }

  async purgeServer(workspace: string, key: string) {
    const server = this.find(workspace, key);
    this.servers = this.servers.filter((s) => s !== server);
    this.secrets.delete(server.id);
    return server;
  }

  async revealPath() {}

  private offer(url: string | null | undefined): OfferedTool[] {
    return this.offered.get(url ?? "") ?? fail("network", `${url} refused the connection`);
  }

  private report(tools: OfferedTool[]): ConnectionReport {
    return {
      transport: "streamable_http",
      protocol_version: "2025-11-25",
      server_info: { name: "fake", version: "1.0" },
      counts: { tools: tools.length, prompts: 0, resources: 0, resource_templates: 0 },
      tools: tools.map((t) => ({ name: t.name, description: t.description })),
      timings_ms: { connect: 1, tools: 1, prompts: 0, resources: 0, total: 2 },
    };
  }

  async setAutoApproveFirstSync(workspace: string, on: boolean) {
    const ws = this.workspaces.find((w) => w.id === workspace) ?? fail("not_found", "no such workspace");
    ws.auto_approve_first_sync = on;
    return ws;
  }

  async testServer(workspace: string, server: string) {
    return this.report(this.offer(this.find(workspace, server).url));
  }

  async testUnsaved(server: NewServer) {
    return this.report(this.offer(server.url));
  }

  /** The approval rules of the core, for the UI tests: new after the first sync or changed waits. */
  async syncServer(workspace: string, key: string): Promise<SyncReport> {
    const server = this.find(workspace, key, true);
    const offered = this.offer(server.url);
    const first = server.last_successful_sync === null;
    const auto = this.workspaces.find((w) => w.id === workspace)?.auto_approve_first_sync ?? true;
    const before = new Map((this.tools.get(server.id) ?? []).map((t) => [t.name, t]));
    const t = now();
    const added: string[] = [];
    const changed: string[] = [];
    const tools = offered.map((o) => {
      const old = before.get(o.name);
      let state: ApprovalState = "needs_approval";
      let approved = old?.approved_description ?? null;
      if (!old) {
        added.push(o.name);
        if (first && auto) [state, approved] = ["approved", o.description];
      } else if (old.approval_state === "denied") state = "denied";
      else if (approved === o.description) state = "approved";
      if (approved !== null && approved !== o.description) changed.push(o.name);
      return {
        name: o.name,
        title: null,
        description: o.description,
        input_schema: o.input_schema ?? { type: "object" },
        output_schema: null,
        annotations: null,
        approval_state: state,
        changed: approved !== null && approved !== o.description,
        is_new: approved === null,
        content_hash: o.description,
        first_seen: old?.first_seen ?? t,
        updated_at: t,
        approved_description: approved,
        tokens: tokensOf(o.name, o.description),
      };
    });
    this.tools.set(server.id, tools);
    Object.assign(server, { status: "active", error_message: null, last_synced: t, last_successful_sync: t });
    return {
      server: { ...server },
      counts: { tools: tools.length, prompts: 0, resources: 0, resource_templates: 0 },
      tools_added: added,
      tools_changed: changed,
      tools_removed: [],
      needs_approval: tools.filter((x) => x.approval_state === "needs_approval").length,
      duration_ms: 1,
    };
  }

  async syncAll(workspace: string, onProgress: (item: SyncItem) => void) {
    const live = this.servers.filter((s) => s.workspace_id === workspace && !s.deleted_at && s.is_enabled);
    for (const s of live) {
      try {
        onProgress({ server_id: s.id, name: s.name, report: await this.syncServer(workspace, s.id) });
      } catch (error) {
        const e = BackendError.from(error);
        Object.assign(s, { status: "error", error_message: e.message });
        onProgress({ server_id: s.id, name: s.name, error: { code: e.code, message: e.message } });
      }
    }
    return live.length;
  }

  async listTools(workspace: string, server: string): Promise<ToolDetail[]> {
    return this.tools.get(this.find(workspace, server).id) ?? [];
  }

  async serverCapabilities(workspace: string, server: string) {
    const prompts = (this.prompts.get(this.find(workspace, server).id) ?? []).map((p) => ({
      name: p.name,
      description: p.description,
    }));
    return { prompts, resources: [], resource_templates: [] };
  }

  async toolDiff(workspace: string, server: string, name: string) {
    const tool = (await this.listTools(workspace, server)).find((t) => t.name === name) as
      (ToolDetail & { approved_description: string | null }) | undefined;
    if (!tool) fail("not_found", `no tool ${name}`);
    const current = { name, description: tool.description };
    const approved = tool.approved_description === null ? null : { name, description: tool.approved_description };
    const changes =
      approved && approved.description !== current.description
        ? [{ field: "description", approved: approved.description, current: current.description }]
        : [];
    return { name, approved, current, changes };
  }

  async setToolApproval(workspace: string, server: string, tool: string | null, state: ApprovalState) {
    const tools = this.tools.get(this.find(workspace, server).id) ?? [];
    for (const t of tools) {
      if (tool === null ? state === "denied" || t.approval_state === "needs_approval" : t.name === tool) {
        t.approval_state = state;
        if (state === "approved") [t.approved_description, t.changed, t.is_new] = [t.description, false, false];
      }
    }
    return tools;
  }

  async listPrompts(workspace: string, server: string): Promise<PromptDetail[]> {
    return this.prompts.get(this.find(workspace, server).id) ?? [];
  }

  async promptDiff(workspace: string, server: string, name: string) {
    const prompt = this.prompts.get(this.find(workspace, server).id)?.find((p) => p.name === name);
    if (!prompt) fail("not_found", `no prompt ${name}`);
    const current = { name, description: prompt.description };
    const approved = prompt.approved_description === null ? null : { name, description: prompt.approved_description };
    const changes =
      approved && approved.description !== current.description
        ? [{ field: "description", approved: approved.description, current: current.description }]
        : [];
    return { name, approved, current, changes };
  }

  async setPromptApproval(workspace: string, server: string, prompt: string | null, state: ApprovalState) {
    const prompts = this.prompts.get(this.find(workspace, server).id) ?? [];
    for (const p of prompts) {
      if (prompt === null ? state === "denied" || p.approval_state === "needs_approval" : p.name === prompt) {
        p.approval_state = state;
        if (state === "approved") [p.approved_description, p.changed, p.is_new] = [p.description, false, false];
      }
    }
    return prompts;
  }

  async callTool(workspace: string, server: string, tool: string, args: Record<string, unknown>) {
    if (this.stepUpScope) {
      throw new BackendError({
        code: "auth_required",
        message: "needs more permission",
        required_scope: this.stepUpScope,
      });
    }
    this.calls.push(`call:${tool}:${JSON.stringify(args)}`);
    this.offer(this.find(workspace, server).url);
    return {
      content: [{ type: "text", text: `${tool} got ${JSON.stringify(args)}` }],
      structured_content: null,
      is_error: false,
      duration_ms: 1,
    };
  }

  /** Keeps authorizations waiting (in `authorization`) until the test finishes them. */
  holdAuthorization = false;
  authorization: { onPage?: (page: PopupPage) => void; inBrowser: boolean; finish: () => void } | null = null;

  async authorizeServer(
    workspace: string,
    server: string,
    options: { scopes: string[]; inBrowser: boolean },
    onPage?: (page: PopupPage) => void,
  ) {
    const s = this.find(workspace, server, true);
    s.authorize_in_browser = options.inBrowser;
    if (this.holdAuthorization) {
      await new Promise<void>((finish) => (this.authorization = { onPage, inBrowser: options.inBrowser, finish }));
      this.authorization = null;
    }
    if (this.stepUpScope && options.scopes.includes(this.stepUpScope)) this.stepUpScope = null;
    if (s.status === "needs_auth") s.status = "pending";
    return { server: { ...s }, client_id: "memory-client", dynamic_registration: true, scopes: [] };
  }

  async authorizeInBrowserInstead(workspace: string, server: string) {
    const s = this.find(workspace, server, true);
    if (!this.authorization) fail("not_found", "no authorization window is open");
    this.authorization.inBrowser = true;
    s.authorize_in_browser = true;
    this.opened.push("authorization-url");
  }

  async logoutServer(workspace: string, server: string) {
    return this.find(workspace, server);
  }

  async getPrompt() {
    return { messages: [] };
  }

  async readResource() {
    return { contents: [] };
  }

  private portal(workspace: string, key: string): Portal {
    const p = this.portals.find(
      (x) => x.workspace_id === workspace && (x.id === key || x.slug === key || x.name === key),
    );
    return p ?? fail("not_found", `no portal named '${key}'`);
  }

  /** A portal with its members, following the core's serving rule (enabled, approved, server on). */
  private view(p: Portal): Portal {
    const servers = (this.members.get(p.id) ?? []).map((m) => {
      const s = this.servers.find((x) => x.id === m.server)!;
      const slug = s.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      const prefix = m.prefix ?? `${slug}__`;
      const tools = (this.tools.get(s.id) ?? []).map((t) => {
        const o = this.overrides.get(`${p.id}/${s.id}/${t.name}`);
        const enabled = o ? o.enabled : !m.defaultDisabled;
        const alias = o?.alias ?? null;
        const exposed_name = alias ?? `${prefix}${t.name}`;
        return {
          name: t.name,
          exposed_name,
          alias,
          enabled,
          approval_state: t.approval_state,
          served: enabled && s.is_enabled && t.approval_state === "approved",
          tokens: tokensOf(exposed_name, t.description),
          calls_7d: this.toolCalls.get(exposed_name)?.[0] ?? 0,
          calls_30d: this.toolCalls.get(exposed_name)?.[1] ?? 0,
        };
      });
      const prompts = (this.prompts.get(s.id) ?? []).map((t) => {
        const o = this.promptOverrides.get(`${p.id}/${s.id}/${t.name}`);
        const enabled = o ? o.enabled : !m.defaultDisabled;
        const alias = o?.alias ?? null;
        const exposed_name = alias ?? `${prefix}${t.name}`;
        return {
          name: t.name,
          exposed_name,
          alias,
          enabled,
          approval_state: t.approval_state,
          served: enabled && s.is_enabled && t.approval_state === "approved",
          tokens: tokensOf(exposed_name, t.description ?? ""),
        };
      });
      const tokens = [...tools, ...prompts].filter((x) => x.served).reduce((sum, x) => sum + x.tokens, 0);
      return {
        server_id: s.id,
        name: s.name,
        slug,
        prefix,
        custom_prefix: m.prefix != null,
        timeout_secs: m.timeout ?? null,
        effective_timeout_secs: m.timeout ?? 300,
        resources_enabled: m.resources ?? true,
        max_concurrent: m.maxConcurrent ?? null,
        is_enabled: s.is_enabled,
        default_disabled: m.defaultDisabled,
        status: s.status,
        error_message: s.error_message,
        last_synced: s.last_synced,
        last_successful_sync: s.last_successful_sync,
        auth_type: s.auth_type,
        tools,
        updated_tools: [],
        prompts,
        updated_prompts: (this.prompts.get(s.id) ?? []).filter((t) => t.changed).map((t) => t.name),
        tokens,
      };
    });
    const direct = servers
      .flatMap((m) => m.tools)
      .filter((t) => t.served)
      .reduce((sum, t) => sum + t.tokens, 0);
    const meta = 120; // the search and call tools, as a stand-in count
    const listed_tokens = { direct, search: meta, hybrid: meta };
    return { ...p, servers, token: undefined, tokens: servers.reduce((sum, m) => sum + m.tokens, 0), listed_tokens };
  }

  async listPortals(workspace: string) {
    return this.portals.filter((p) => p.workspace_id === workspace);
  }

  async getPortal(workspace: string, key: string) {
    return this.view(this.portal(workspace, key));
  }

  async createPortal(workspace: string, input: { name?: string; description?: string; secure?: boolean }) {
    const name = (input.name ?? "").trim();
    if (!name) fail("validation", "the name cannot be empty", "name");
    if (this.portals.some((p) => p.workspace_id === workspace && p.name.toLowerCase() === name.toLowerCase())) {
      fail("conflict", `a portal named '${name}' already exists in this workspace; choose another name`, "name");
    }
    const t = now();
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    const secure = input.secure ?? true;
    const token = secure ? `pbp_${id().replace(/-/g, "")}` : undefined;
    const p: Portal = {
      id: id(),
      workspace_id: workspace,
      name,
      description: input.description ?? "",
      slug,
      url: `http://127.0.0.1:47821/mcp/${slug}`,
      secure,
      token_redacted: token ? `…${token.slice(-4)}` : null,
      log_payloads: false,
      timeout_secs: null,
      token_budget: null,
      mode: "direct",
      top_n: 5,
      pinned: [],
      created_at: t,
      updated_at: t,
    };
    this.portals.push(p);
    return { ...this.view(p), token };
  }

  async updatePortal(
    workspace: string,
    key: string,
    patch: {
      name?: string;
      description?: string;
      secure?: boolean;
      log_payloads?: boolean;
      token_budget?: number;
      mode?: Portal["mode"];
      top_n?: number;
      pinned?: string[];
    },
  ) {
    const p = this.portal(workspace, key);
    const { token_budget, ...rest } = patch;
    Object.assign(p, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    if (token_budget !== undefined) p.token_budget = token_budget > 0 ? token_budget : null;
    return this.view(p);
  }

  async deletePortal(workspace: string, key: string) {
    const p = this.portal(workspace, key);
    this.portals = this.portals.filter((x) => x !== p);
    return p;
  }

  async rotatePortalToken(workspace: string, key: string) {
    const p = this.portal(workspace, key);
    const token = `pbp_${id().replace(/-/g, "")}`;
    Object.assign(p, { secure: true, token_redacted: `…${token.slice(-4)}` });
    return { ...this.view(p), token };
  }

  async addPortalServer(workspace: string, key: string, server: string, defaultDisabled: boolean) {
    const p = this.portal(workspace, key);
    const s = this.find(workspace, server, true);
    const list = this.members.get(p.id) ?? [];
    if (list.some((m) => m.server === s.id)) fail("conflict", `'${s.name}' is already in portal '${p.name}'`, "server");
    this.members.set(p.id, [...list, { server: s.id, defaultDisabled }]);
    return this.view(p);
  }

  async updateMember(workspace: string, key: string, server: string, change: MemberSetting) {
    const p = this.portal(workspace, key);
    const s = this.find(workspace, server, true);
    const member =
      (this.members.get(p.id) ?? []).find((m) => m.server === s.id) ??
      fail("not_found", `'${s.name}' is not in portal '${p.name}'`);
    if (change.setting === "timeout") {
      if (change.value !== null && !(change.value >= 1 && change.value <= 3600))
        fail("validation", `a timeout of ${change.value} s is out of range`, "timeout");
      member!.timeout = change.value;
    } else if (change.setting === "resources") member!.resources = change.value;
    else {
      if (change.value !== null && !(change.value >= 1 && change.value <= 256))
        fail("validation", "out of range", "max_concurrent");
      member!.maxConcurrent = change.value;
    }
    return this.view(p);
  }

  async setMemberPrefix(workspace: string, key: string, server: string, prefix: string | null) {
    const p = this.portal(workspace, key);
    const s = this.find(workspace, server, true);
    const list = this.members.get(p.id) ?? [];
    const member = list.find((m) => m.server === s.id) ?? fail("not_found", `'${s.name}' is not in portal '${p.name}'`);
    if (prefix !== null && !/^[A-Za-z0-9_.-]{0,32}$/.test(prefix))
      fail("validation", `'${prefix}' is not a valid prefix`, "prefix");
    const before = member!.prefix;
    member!.prefix = prefix;
    const names = this.view(p).servers!.flatMap((m) => m.tools.map((t) => t.exposed_name));
    if (new Set(names).size !== names.length) {
      member!.prefix = before;
      fail("conflict", `portal '${p.name}' would serve a name twice: give this member a prefix`, "prefix");
    }
    return this.view(p);
  }

  async removePortalServer(workspace: string, key: string, server: string) {
    const p = this.portal(workspace, key);
    const s = this.find(workspace, server);
    this.members.set(
      p.id,
      (this.members.get(p.id) ?? []).filter((m) => m.server !== s.id),
    );
    return this.view(p);
  }

  async setPortalTool(workspace: string, key: string, server: string, tool: string, enabled: boolean, alias?: string) {
    const p = this.portal(workspace, key);
    const s = this.find(workspace, server, true);
    const k = `${p.id}/${s.id}/${tool}`;
    this.overrides.set(k, { enabled, alias: alias ?? this.overrides.get(k)?.alias ?? null });
    return this.view(p);
  }

  async setPortalPrompt(
    workspace: string,
    key: string,
    server: string,
    prompt: string,
    enabled: boolean,
    alias?: string,
  ) {
    const p = this.portal(workspace, key);
    const s = this.find(workspace, server, true);
    const k = `${p.id}/${s.id}/${prompt}`;
    this.promptOverrides.set(k, { enabled, alias: alias ?? this.promptOverrides.get(k)?.alias ?? null });
    return this.view(p);
  }

  /** Calls the tests put in the log, newest first; `portalCalls` filters them as the core does. */
  portalLog: CallRecord[] = [];
  gateway: GatewayReport = {
    port: 47821,
    status: {
      address: "http://127.0.0.1:47821",
      portals_served: 0,
      client_sessions: 0,
      upstream_sessions: 0,
      version: "0.0.0-test",
      pid: 4242,
      instance: "test",
    },
    error: null,
    pid: 4242,
  };
  startsAtLogin = false;

  async portalCalls(workspace: string, key: string, query: CallQuery) {
    const p = this.portal(workspace, key);
    return this.portalLog
      .filter((c) => c.portal_id === p.id)
      .filter((c) => !query.server_id || c.server_id === query.server_id)
      .filter((c) => !query.tool || c.tool.toLowerCase().includes(query.tool.toLowerCase()))
      .filter((c) => !query.outcome || c.outcome === query.outcome)
      .slice(0, query.limit);
  }

  /** Clients as the tests set them up, and the servers in each client's config. */
  clients: ClientInfo[] = [
    {
      id: "cursor",
      name: "Cursor",
      present: true,
      config_path: "/home/me/.cursor/mcp.json",
      config_exists: true,
      project_file: ".cursor/mcp.json",
      http_with_headers: true,
    },
    {
      id: "claude-desktop",
      name: "Claude Desktop",
      present: false,
      config_path: "/home/me/.config/Claude/claude_desktop_config.json",
      config_exists: false,
      project_file: null,
      http_with_headers: false,
    },
  ];
  clientEntries = new Map<string, ClientServer[]>();
  installations: Installation[] = [];
  templates: Template[] = [
    {
      id: "linear",
      name: "Linear",
      description: "Issues.",
      url: "https://mcp.linear.app/mcp",
      transport: "streamable_http",
      auth_type: "oauth",
      docs_url: "https://linear.app/docs/mcp",
      category: "Project management",
    },
    {
      id: "deepwiki",
      name: "DeepWiki",
      description: "Repository docs.",
      url: "https://mcp.deepwiki.com/mcp",
      transport: "streamable_http",
      auth_type: "none",
      docs_url: "https://docs.devin.ai",
      category: "Documentation",
    },
    {
      id: "exa",
      name: "Exa",
      description: "Web search.",
      url: "https://mcp.exa.ai/mcp",
      transport: "streamable_http",
      auth_type: "api_key",
      docs_url: "https://docs.exa.ai",
      category: "Search",
    },
  ];

  async listClients() {
    return structuredClone(this.clients);
  }

  /** A stand-in for the core's per-client shapes: the container key differs, Codex is TOML. */
  async entrySnippet(
    workspace: string,
    target: string,
    client: string,
    transport?: EntryTransport,
  ): Promise<EntrySnippet> {
    const placeholder = "<the portal's token>";
    const p = this.portal(workspace, target);
    const name = `patchbay-${p.slug}`;
    const http = transport === "http";
    const entry = http
      ? { url: p.url, ...(p.secure ? { headers: { Authorization: `Bearer ${placeholder}` } } : {}) }
      : { command: "patchbay", args: ["bridge", p.id] };
    const text =
      client === "codex"
        ? `[mcp_servers.${name}]\n${Object.entries(entry)
            .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
            .join("\n")}\n`
        : JSON.stringify(
            { [{ vscode: "servers", zed: "context_servers" }[client] ?? "mcpServers"]: { [name]: entry } },
            null,
            2,
          );
    return {
      client,
      format: client === "codex" ? "toml" : "json",
      file: `/home/me/${client}.conf`,
      text,
      placeholder: http && p.secure ? placeholder : null,
    };
  }

  async clientServers(client: string) {
    return structuredClone(this.clientEntries.get(client) ?? []);
  }

  async importClientServers(workspace: string, client: string, names?: string[]) {
    const report: ImportReport = { imported: [], skipped: [] };
    for (const entry of this.clientEntries.get(client) ?? []) {
      if (names && !names.includes(entry.name)) continue;
      if (this.servers.some((s) => s.workspace_id === workspace && !s.deleted_at && s.name === entry.name)) {
        report.skipped.push({ name: entry.name, reason: `already here as '${entry.name}'` });
        continue;
      }
      await this.createServer(
        workspace,
        entry.url
          ? { name: entry.name, url: entry.url }
          : { name: entry.name, command: entry.command ?? "x", args: entry.args },
      );
      report.imported.push(entry.name);
    }
    return report;
  }

  async install(
    workspace: string,
    target: string,
    client: string,
    project?: string,
    transport?: EntryTransport,
    isPrivate?: boolean,
  ) {
    const portal = this.portals.find((p) => p.workspace_id === workspace && (p.id === target || p.name === target));
    const server = portal ? null : this.find(workspace, target);
    const spec = this.clients.find((c) => c.id === client);
    if (!spec) fail("validation", `no client '${client}'`, "client");
    const slug = portal?.slug ?? server!.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    const installation: Installation = {
      id: `inst-${this.installations.length + 1}`,
      workspace_id: workspace,
      client_id: client,
      file: spec!.config_path,
      project_dir: project ?? null,
      private: !!(project && isPrivate),
      entry_name: `patchbay-${slug}`,
      target_kind: portal ? "portal" : "server",
      target_id: portal?.id ?? server!.id,
      target_name: portal?.name ?? server!.name,
      mode: transport === "http" && portal ? "http" : "bridge",
      backup: null,
      installed_at: "2026-11-22T06:00:00Z",
      drift: "in_sync",
    };
    this.installations = [
      ...this.installations.filter((i) => !(i.file === installation.file && i.entry_name === installation.entry_name)),
      installation,
    ];
    return structuredClone(installation);
  }

  async uninstall(workspace: string, target: string, client: string) {
    const found = this.installations.find(
      (i) =>
        i.workspace_id === workspace && i.client_id === client && (i.target_id === target || i.target_name === target),
    );
    if (!found) fail("not_found", `'${target}' is not installed in ${client}`);
    this.installations = this.installations.filter((i) => i !== found);
    return { ...found!, drift: "missing" as const };
  }

  async listInstallations(workspace: string) {
    return structuredClone(this.installations.filter((i) => i.workspace_id === workspace));
  }

  /** What repair was asked for, as (workspace, id or "all"). */
  repaired: string[] = [];

  async repairInstallations(workspace: string, id?: string) {
    this.repaired.push(`${workspace}:${id ?? "all"}`);
    const chosen = this.installations.filter(
      (i) => i.workspace_id === workspace && (id ? i.id === id : i.drift !== "in_sync"),
    );
    for (const i of chosen) i.drift = "in_sync";
    return structuredClone(chosen);
  }

  async listTemplates(search?: string) {
    const needle = (search ?? "").trim().toLowerCase();
    return this.templates.filter(
      (t) => !needle || `${t.id} ${t.name} ${t.description} ${t.category}`.toLowerCase().includes(needle),
    );
  }

  async installTemplate(workspace: string, template: string, name?: string, apiKey?: string) {
    const t = this.templates.find((x) => x.id === template);
    if (!t) fail("not_found", `no template '${template}'`);
    if (t!.auth_type === "api_key" && !apiKey) fail("validation", `${t!.name} needs an API key`);
    const server = await this.createServer(workspace, {
      name: name ?? t!.name,
      url: t!.url,
      auth_type: t!.auth_type,
      ...(apiKey ? { api_key: `Bearer ${apiKey}` } : {}),
    });
    const stored = this.servers.find((s) => s.id === server.id)!;
    stored.template_id = t!.id;
    return { ...server, template_id: t!.id };
  }

  /** What `exportWorkspace` wrote, by path. */
  exports = new Map<string, WorkspaceExport>();

  async exportWorkspace(workspace: string) {
    const ws = this.workspaces.find((w) => w.id === workspace)!;
    const doc: WorkspaceExport = {
      patchbay_export: 1,
      workspace: ws.name,
      servers: this.servers
        .filter((s) => s.workspace_id === workspace && !s.deleted_at)
        .map((s) => ({
          name: s.name,
          description: s.description,
          transport: s.transport,
          url: s.url,
          command: s.command,
          args: s.args,
          env: s.env,
          secret_env: Object.keys(s.secret_env),
          cwd: s.cwd,
          ...(s.inherit_env ? { inherit_env: true } : {}),
          auth_type: s.auth_type,
          api_key_header: s.api_key_header,
          is_enabled: s.is_enabled,
          template_id: s.template_id,
        })),
      portals: [],
    };
    const path = `/tmp/pb/exports/${ws.name}.json`;
    this.exports.set(path, doc);
    return path;
  }

  /** The core's list, shortened: which servers run a command, which portals open up or log. */
  async importRisks(document: WorkspaceExport): Promise<ImportRisk[]> {
    return [
      ...document.servers.flatMap((s): ImportRisk[] =>
        s.transport !== "stdio"
          ? []
          : [
              {
                kind: "runs_command",
                subject: s.name,
                message: `server '${s.name}' runs this command on this machine: ${[s.command, ...s.args].join(" ")}`,
              },
              ...(s.inherit_env
                ? [
                    {
                      kind: "inherits_environment" as const,
                      subject: s.name,
                      message: `server '${s.name}' gets every environment variable`,
                    },
                  ]
                : []),
            ],
      ),
      ...document.portals.flatMap((p): ImportRisk[] => [
        ...(!p.secure
          ? [{ kind: "open_portal" as const, subject: p.name, message: `portal '${p.name}' has no token` }]
          : []),
        ...(p.log_payloads
          ? [
              {
                kind: "logs_payloads" as const,
                subject: p.name,
                message: `portal '${p.name}' keeps every call in its log`,
              },
            ]
          : []),
      ]),
    ];
  }

  async importWorkspace(
    document: WorkspaceExport,
    name: string | undefined,
    secrets: ImportSecrets,
    acceptRisks?: boolean,
  ) {
    const risks = await this.importRisks(document);
    if (risks.length && !acceptRisks)
      fail("validation", "this export asks for what needs your consent", "accept_risks");
    const ws = await this.createWorkspace(name ?? document.workspace);
    const report: WorkspaceImportReport = { workspace: ws, servers: [], missing_secrets: [], portal_tokens: {}, risks };
    for (const s of document.servers) {
      await this.createServer(
        ws.id,
        s.url ? { name: s.name, url: s.url } : { name: s.name, command: s.command ?? "x" },
      );
      const given = secrets[s.name];
      const missing = [
        ...(s.auth_type === "api_key" && !given?.api_key ? ["api_key"] : []),
        ...s.secret_env.filter((k) => !given?.env?.[k]),
      ];
      if (missing.length) report.missing_secrets.push({ server: s.name, missing });
      report.servers.push(s.name);
    }
    return report;
  }

  /** Links the UI opened in the browser. */
  opened: string[] = [];

  /** Questions waiting in the window, and the answers given (newest last). */
  windowQuestions: WindowInputRequest[] = [];
  windowAnswers: { id: string; answer: WindowInputAnswer }[] = [];

  async windowInputRequests() {
    return this.windowQuestions.filter((q) => !this.windowAnswers.some((a) => a.id === q.id));
  }

  async answerWindowInputRequest(id: string, answer: WindowInputAnswer) {
    if (!this.windowQuestions.some((q) => q.id === id) || this.windowAnswers.some((a) => a.id === id)) {
      fail("not_found", "the request is no longer waiting");
    }
    this.windowAnswers.push({ id, answer });
  }

  async openUrl(url: string) {
    this.opened.push(url);
  }

  async gatewayStatus() {
    return structuredClone(this.gateway);
  }

  async restartGateway() {
    if (!this.gateway.status) {
      const address = "http://127.0.0.1:47821";
      const status = {
        address,
        portals_served: 0,
        client_sessions: 0,
        upstream_sessions: 0,
        version: "0.0.0-test",
        pid: 4243,
        instance: "test",
      };
      this.gateway = { ...this.gateway, status, pid: 4243, error: null };
    }
    return this.gatewayStatus();
  }

  async stopGateway() {
    this.gateway = { ...this.gateway, status: null, pid: null, error: "not running" };
    return this.gatewayStatus();
  }

  async loginServiceStatus(): Promise<LoginService> {
    const file = "/home/test/.config/systemd/user/patchbay-gateway.service";
    return { kind: "systemd", installed: this.startsAtLogin, name: "patchbay-gateway", file, note: null };
  }

  settings: Settings = { health_check_seconds: 600, welcome_dismissed: false };

  async firstPaint() {}

  async getSettings() {
    return { ...this.settings };
  }

  async updateSettings(patch: SettingsPatch) {
    const seconds = patch.health_check_seconds;
    if (seconds !== undefined) {
      if (seconds !== 0 && (seconds < 10 || seconds > 604800))
        fail("validation", "out of range: give 10 s to 7 days, or 0", "health_check_seconds");
      this.settings.health_check_seconds = seconds;
    }
    if (patch.welcome_dismissed !== undefined) this.settings.welcome_dismissed = patch.welcome_dismissed;
    return { ...this.settings };
  }

  async setStartAtLogin(enabled: boolean): Promise<LoginService> {
    this.startsAtLogin = enabled;
    return this.loginServiceStatus();
  }
}
