// The servers of one workspace as the list screen shows them: its filters and order, the pages
// loaded so far (cursor paging, 100 at a time, so 10,000 servers stay quick), and each row
// following a sync as it lands. Filters change faster than pages come back, so an answer to
// an older request is dropped.
import type { Backend } from "../backend/backend";
import type { Server } from "../bindings/Server";
import type { ServerQuery } from "../bindings/ServerQuery";
import type { ServerSort } from "../bindings/ServerSort";
import type { ServerStatus } from "../bindings/ServerStatus";
import type { SyncItem } from "../bindings/SyncItem";

export const PAGE = 100;

export class ServerList {
  search = $state("");
  status = $state<ServerStatus | "">("");
  enabled = $state<"" | "true" | "false">("");
  deleted = $state(false);
  sort = $state<ServerSort>("created");
  desc = $state(false);

  servers = $state<Server[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loadedOnce = $state(false);
  #generation = 0;

  constructor(
    private readonly backend: Backend,
    private readonly workspace: () => string,
    private readonly onerror: (error: unknown) => void,
  ) {}

  /** A search or a filter narrows the list (an empty one then says "no match", not "none yet"). */
  get filtered(): boolean {
    return this.search.trim() !== "" || this.status !== "" || this.enabled !== "";
  }

  /** Every input of the query, for an effect to reload on. */
  get key(): unknown[] {
    return [this.workspace(), this.search, this.status, this.enabled, this.deleted, this.sort, this.desc];
  }

  sortBy(column: ServerSort): void {
    if (this.sort === column) this.desc = !this.desc;
    else {
      this.sort = column;
      this.desc = column === "updated";
    }
  }

  /** Loads the first page again. */
  async reload(): Promise<void> {
    const mine = ++this.#generation;
    this.loading = true;
    try {
      const page = await this.backend.listServers(this.workspace(), this.query(null));
      if (mine !== this.#generation) return;
      this.servers = page.servers;
      this.nextCursor = page.next_cursor;
    } catch (error) {
      if (mine === this.#generation) this.onerror(error);
    } finally {
      if (mine === this.#generation) {
        this.loading = false;
        this.loadedOnce = true;
      }
    }
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    const mine = this.#generation;
    this.loading = true;
    try {
      const page = await this.backend.listServers(this.workspace(), this.query(this.nextCursor));
      if (mine !== this.#generation) return;
      this.servers = [...this.servers, ...page.servers];
      this.nextCursor = page.next_cursor;
    } catch (error) {
      this.onerror(error);
    } finally {
      if (mine === this.#generation) this.loading = false;
    }
  }

  /** A server's row takes the outcome of its sync. */
  synced(item: SyncItem): void {
    this.servers = this.servers.map((s) => {
      if (s.id !== item.server_id) return s;
      if (item.report) return item.report.server;
      const status = item.error?.code === "auth_required" ? "needs_auth" : "error";
      return { ...s, status, error_message: item.error?.message ?? null };
    });
  }

  /** A server left this view (deleted, purged). */
  without(id: string): void {
    this.servers = this.servers.filter((s) => s.id !== id);
  }

  private query(cursor: string | null): ServerQuery {
    return {
      deleted: this.deleted,
      search: this.search.trim() || undefined,
      status: this.status || undefined,
      enabled: this.enabled === "" ? undefined : this.enabled === "true",
      sort: this.sort,
      desc: this.desc,
      limit: PAGE,
      cursor: cursor ?? undefined,
      include_tools: false,
    };
  }
}
