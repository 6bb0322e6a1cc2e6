// How a portal member's server status reads, with its badge tone.
import type { ServerStatus } from "../bindings/ServerStatus";

export const memberStatus: Record<ServerStatus, { tone: "ok" | "danger" | "warn" | "neutral"; text: string }> = {
  active: { tone: "ok", text: "Active" },
  error: { tone: "danger", text: "Error" },
  needs_auth: { tone: "warn", text: "Needs authorization" },
  pending: { tone: "neutral", text: "Not synced yet" },
};
