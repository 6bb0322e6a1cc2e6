// The one door from the UI to Patchbay's core. Components use this interface only; the Tauri
// implementation (tauri.ts) is the only file that knows about IPC, so another transport
// (e.g. HTTP to a headless `patchbay serve`) can be added without touching a component.
import type { AppInfo } from "../bindings/AppInfo";
import type { CoreError } from "../bindings/CoreError";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { NewServer } from "../bindings/NewServer";
import type { Server } from "../bindings/Server";
import type { ServerPage } from "../bindings/ServerPage";
import type { ServerPatch } from "../bindings/ServerPatch";
import type { ServerQuery } from "../bindings/ServerQuery";
import type { Workspace } from "../bindings/Workspace";

export interface Backend {
  appInfo(): Promise<AppInfo>;
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
  /** Shows a file or folder in the OS file manager. */
  revealPath(path: string): Promise<void>;
}

/** An error from the core, with the code the UI acts on and the field it concerns. */
export class BackendError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(error: CoreError) {
    super(error.message);
    this.name = "BackendError";
    this.code = error.code;
    this.field = error.field;
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
