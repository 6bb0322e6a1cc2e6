// The Tauri IPC implementation of Backend: the only file that imports @tauri-apps.
// Command names and input shapes match src-tauri/src/commands (a Rust test reads this file
// to check that every name invoked here is registered there).
import { invoke } from "@tauri-apps/api/core";
import { revealItemInDir } from "@tauri-apps/plugin-opener";

import type { AppInfo } from "../bindings/AppInfo";
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
    revealPath: async (path) => {
      try {
        await revealItemInDir(path);
      } catch (error) {
        throw BackendError.from(error);
      }
    },
  };
}
