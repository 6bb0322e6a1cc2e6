// How server fields read in the UI.
import type { ClientTransport } from "../bindings/ClientTransport";
import type { Server } from "../bindings/Server";
import type { ServerStatus } from "../bindings/ServerStatus";

export function target(server: Server): string {
  if (server.url) return server.url;
  return [server.command ?? "", ...server.args].join(" ").trim();
}

/** How a server is reached, as a column shows it; an AI client's entry may be unreadable. */
export const transportLabel: Record<ClientTransport, string> = {
  stdio: "stdio",
  streamable_http: "HTTP",
  sse: "SSE",
  unknown: "unreadable",
};

export function statusLabel(status: ServerStatus): string {
  return { pending: "Pending", active: "Active", error: "Error", needs_auth: "Needs auth" }[status];
}

export function statusTone(status: ServerStatus): "ok" | "warn" | "danger" | "neutral" {
  return ({ pending: "neutral", active: "ok", error: "danger", needs_auth: "warn" } as const)[status];
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", else the date. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return then.toISOString().slice(0, 10);
}
