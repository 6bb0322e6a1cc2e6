// The first run: what the machine's AI clients already list, and the steps that bring it under
// Patchbay (import, sync, one portal, installed back). Each step goes through the Backend; a
// step that fails is reported and the rest go on, so one broken client config costs nothing
// else.
import { BackendError, type Backend } from "../backend/backend";
import type { ClientInfo } from "../bindings/ClientInfo";
import type { ClientServer } from "../bindings/ClientServer";
import type { SkippedEntry } from "../bindings/SkippedEntry";
import type { Workspace } from "../bindings/Workspace";

/** A client found on this machine with the servers it has that Patchbay can import. */
export type FoundClient = { client: ClientInfo; servers: ClientServer[] };

export type Plan = {
  /** Client id → names of its servers to import. */
  picks: Map<string, string[]>;
  /** A portal of everything imported, or none. */
  portal: string | null;
  /** Install that portal into these clients (Patchbay's entry, no secret in the file). */
  installInto: string[];
};

export type Outcome = {
  imported: string[];
  skipped: SkippedEntry[];
  portal: string | null;
  installedInto: string[];
  /** Steps that failed: what, and the error's message. */
  failures: { step: string; message: string }[];
};

export type Step = { label: string; done: number; total: number };

/** Servers a client has that are its user's own and readable: Patchbay's entries are not imported back. */
function importable(entries: ClientServer[]): ClientServer[] {
  return entries.filter((e) => !e.installed_by_patchbay && e.transport !== "unknown");
}

/** Every client with a config, with its importable servers; a config that cannot be read is left out. */
export async function findClients(backend: Backend): Promise<FoundClient[]> {
  const clients = (await backend.listClients()).filter((c) => c.config_exists);
  const found = await Promise.all(
    clients.map(async (client) => {
      try {
        return { client, servers: importable(await backend.clientServers(client.id)) };
      } catch {
        return { client, servers: [] };
      }
    }),
  );
  return found.filter((f) => f.servers.length > 0);
}

/** The first run is for a data dir with no server in any workspace, unless the user skipped it. */
export function isFirstRun(workspaces: Workspace[], dismissed: boolean): boolean {
  return !dismissed && workspaces.length > 0 && workspaces.every((w) => w.server_count === 0);
}

export async function carryOut(
  backend: Backend,
  workspace: string,
  plan: Plan,
  onStep: (step: Step) => void,
): Promise<Outcome> {
  const outcome: Outcome = { imported: [], skipped: [], portal: null, installedInto: [], failures: [] };
  const fail = (step: string, error: unknown) =>
    outcome.failures.push({ step, message: BackendError.from(error).message });

  const picks = [...plan.picks].filter(([, names]) => names.length > 0);
  for (const [i, [client, names]] of picks.entries()) {
    onStep({ label: `Importing from ${client}`, done: i, total: picks.length });
    try {
      const report = await backend.importClientServers(workspace, client, names);
      outcome.imported.push(...report.imported);
      outcome.skipped.push(...report.skipped);
    } catch (error) {
      fail(`import from ${client}`, error);
    }
  }
  if (outcome.imported.length === 0) return outcome;

  // A portal serves what a sync found, so the servers are synced before it is made.
  let synced = 0;
  onStep({ label: "Syncing servers", done: 0, total: outcome.imported.length });
  try {
    await backend.syncAll(workspace, (item) => {
      synced += 1;
      if (item.error) fail(`sync of ${item.name}`, item.error);
      onStep({ label: "Syncing servers", done: synced, total: outcome.imported.length });
    });
  } catch (error) {
    fail("sync", error);
  }

  if (!plan.portal) return outcome;
  onStep({ label: `Making portal ${plan.portal}`, done: 0, total: 1 });
  let portalId: string;
  try {
    portalId = (await backend.createPortal(workspace, { name: plan.portal })).id;
    outcome.portal = plan.portal;
  } catch (error) {
    fail(`portal ${plan.portal}`, error);
    return outcome;
  }
  for (const name of outcome.imported) {
    try {
      await backend.addPortalServer(workspace, portalId, name, false);
    } catch (error) {
      fail(`adding ${name} to ${plan.portal}`, error);
    }
  }
  for (const [i, client] of plan.installInto.entries()) {
    onStep({ label: `Installing into ${client}`, done: i, total: plan.installInto.length });
    try {
      await backend.install(workspace, portalId, client, undefined, "stdio");
      outcome.installedInto.push(client);
    } catch (error) {
      fail(`install into ${client}`, error);
    }
  }
  return outcome;
}
