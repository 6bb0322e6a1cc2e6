// The portal page's call log and the sidebar's gateway indicator, against the in-memory
// Backend (a test double: src/test/memory-backend.ts).
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import App from "../../App.svelte";
import type { CallOutcome } from "../bindings/CallOutcome";
import type { CallRecord } from "../bindings/CallRecord";
import { MemoryBackend } from "../../test/memory-backend";

function call(
  portal: string,
  server: string | null,
  tool: string,
  outcome: CallOutcome,
  extra: Partial<CallRecord> = {},
): CallRecord {
  return {
    at: "2026-11-22T05:00:00Z",
    portal_id: portal,
    server_id: server,
    tool,
    duration_ms: 3,
    queued_ms: 0,
    method: "tools/call",
    outcome,
    error: outcome === "error" ? `${tool} failed` : null,
    bytes_in: 10,
    bytes_out: 20,
    arguments: null,
    result: null,
    ...extra,
  };
}

async function portalWithCalls() {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  for (const [name, url] of [
    ["Notes", "http://127.0.0.1:7001/mcp"],
    ["Files", "http://127.0.0.1:7002/mcp"],
  ] as const) {
    backend.offered.set(url, [{ name: "read", description: "Reads." }]);
    await backend.createServer(ws, { name, url });
    await backend.syncServer(ws, name);
  }
  const portal = await backend.createPortal(ws, { name: "Work" });
  await backend.addPortalServer(ws, "Work", "Notes", false);
  const withFiles = await backend.addPortalServer(ws, "Work", "Files", false);
  const id = (name: string) => withFiles.servers!.find((m) => m.name === name)!.server_id;
  backend.portalLog = [
    call(portal.id, id("Notes"), "notes__read", "ok", { arguments: '{"title":"a"}', result: '{"content":[]}' }),
    call(portal.id, id("Files"), "files__read", "error"),
    call(portal.id, null, "nothing__here", "error"),
    call(portal.id, id("Notes"), "notes__read", "tool_error"),
  ];
  return backend;
}

const rows = () => within(screen.getByTestId("portal-calls")).getAllByRole("row").slice(1);

test("the call log filters by server, tool and outcome, and opens a call's details", async () => {
  const backend = await portalWithCalls();
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByTestId("open-portal"));
  await waitFor(() => expect(rows()).toHaveLength(4));

  await user.selectOptions(screen.getByTestId("calls-outcome"), "error");
  await waitFor(() => expect(rows()).toHaveLength(2));
  await user.selectOptions(screen.getByTestId("calls-server"), "Files");
  await waitFor(() => expect(rows()).toHaveLength(1));
  expect(rows()[0]!.textContent).toContain("files__read");

  await user.selectOptions(screen.getByTestId("calls-server"), "");
  await user.selectOptions(screen.getByTestId("calls-outcome"), "");
  await user.type(screen.getByTestId("calls-tool"), "NOTES");
  await waitFor(() => expect(rows()).toHaveLength(2));

  // A row opens with the keyboard to the payloads the portal logged.
  rows()[0]!.focus();
  await user.keyboard("{Enter}");
  expect((await screen.findByText('{"title":"a"}')).tagName).toBe("PRE");
});

test("a live log shows new calls without a reload", async () => {
  const backend = await portalWithCalls();
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByTestId("open-portal"));
  await waitFor(() => expect(rows()).toHaveLength(4));
  const portal = backend.portalLog[0]!.portal_id;
  backend.portalLog.unshift(call(portal, null, "fresh__call", "ok"));
  await waitFor(() => expect(rows()).toHaveLength(5), { timeout: 5000 });
});

test("the sidebar shows the gateway's sessions, or why it stopped with a way to start it", async () => {
  const backend = new MemoryBackend();
  backend.gateway.status!.client_sessions = 3;
  render(App, { props: { backend } });
  expect((await screen.findByTestId("gateway-sessions")).textContent).toContain("3 clients");

  backend.gateway = { port: 47821, status: null, error: "the gateway did not start within 30 s", pid: null };
  const user = userEvent.setup();
  await waitFor(() => expect(screen.getByTestId("gateway-indicator").textContent).toContain("Gateway stopped"), {
    timeout: 5000,
  });
  backend.gateway = {
    port: 47821,
    status: {
      address: "http://127.0.0.1:47821",
      portals_served: 0,
      client_sessions: 0,
      upstream_sessions: 0,
      version: "0.0.0-test",
      pid: 7,
      instance: "t",
    },
    error: null,
    pid: 7,
  };
  await user.click(screen.getByRole("button", { name: "Start again" }));
  expect((await screen.findByTestId("gateway-sessions")).textContent).toContain("0 clients");
});
