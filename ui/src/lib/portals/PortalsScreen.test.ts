// The portals screen against the in-memory Backend (a test double: src/test/memory-backend.ts).
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import App from "../../App.svelte";
import { MemoryBackend } from "../../test/memory-backend";

test("a new portal shows its token once and serves only approved, enabled tools", async () => {
  const backend = new MemoryBackend();
  const url = "http://127.0.0.1:7777/mcp";
  backend.offered.set(url, [
    { name: "add", description: "Adds." },
    { name: "wipe", description: "Wipes." },
  ]);
  const ws = backend.defaultWorkspace.id;
  await backend.createServer(ws, { name: "Notes", url });
  await backend.syncServer(ws, "Notes");
  await backend.setToolApproval(ws, "Notes", "wipe", "denied");
  const user = userEvent.setup();
  render(App, { props: { backend } });

  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByTestId("new-portal"));
  await user.type(screen.getByLabelText("Name"), "Work");
  await user.click(screen.getByTestId("portal-save"));
  expect((await screen.findByTestId("portal-token")).textContent).toMatch(/^pbp_/);
  // The paste-in entry is the chosen client's; Patchbay's command by default (no token), the
  // URL with the token shown only now on request.
  await waitFor(() => expect(screen.getByTestId("client-config").dataset["client"]).toBe("cursor"));
  expect(screen.getByTestId("client-config").textContent).toContain('"bridge"');
  expect(screen.getByTestId("client-config").textContent).not.toContain("pbp_");
  await user.selectOptions(screen.getByTestId("snippet-transport"), "http");
  await waitFor(() => expect(screen.getByTestId("client-config").textContent).toContain("Bearer pbp_"));

  await screen.findByRole("option", { name: "Notes" });
  await user.selectOptions(screen.getByTestId("add-member-select"), "Notes");
  await user.click(screen.getByTestId("add-member"));
  const served = () =>
    Object.fromEntries(screen.getAllByTestId("portal-tool").map((r) => [r.dataset["name"], r.dataset["served"]]));
  await waitFor(() => expect(served()).toEqual({ add: "true", wipe: "false" }));

  const add = screen.getAllByTestId("portal-tool").find((r) => r.dataset["name"] === "add")!;
  await user.click(within(add).getByRole("checkbox"));
  await waitFor(() => expect(served()["add"]).toBe("false"));
});

test("the paste-in entry follows the client; members show their health with Sync and Re-authorize", async () => {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  backend.offered.set("http://127.0.0.1:7777/mcp", [{ name: "add", description: "Adds." }]);
  backend.clients.push({
    id: "vscode",
    name: "VS Code",
    present: true,
    config_path: "/home/me/.config/Code/User/mcp.json",
    config_exists: false,
    project_file: ".vscode/mcp.json",
    http_with_headers: true,
  });
  await backend.createServer(ws, { name: "Notes", url: "http://127.0.0.1:7777/mcp" });
  await backend.syncServer(ws, "Notes");
  await backend.createServer(ws, { name: "Down", url: "http://127.0.0.1:1/mcp" });
  Object.assign(
    backend.servers.find((s) => s.name === "Down")!,
    { status: "error", error_message: "http://127.0.0.1:1/mcp refused the connection" },
  );
  await backend.createServer(ws, { name: "Linear", url: "https://mcp.linear.app/mcp", auth_type: "oauth" });
  backend.servers.find((s) => s.name === "Linear")!.status = "needs_auth";
  await backend.createPortal(ws, { name: "Work" });
  for (const name of ["Notes", "Down", "Linear"]) await backend.addPortalServer(ws, "Work", name, false);
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByText("Work"));

  // The sidebar counts the servers that need the user: one erroring, one to authorize.
  expect((await screen.findByTestId("attention-badge")).textContent).toBe("2");
  const member = (name: string) => screen.getAllByTestId("portal-member").find((m) => m.dataset["name"] === name)!;
  await waitFor(() => expect(screen.getAllByTestId("portal-member")).toHaveLength(3));
  const status = (name: string) => within(member(name)).getByTestId("member-status").dataset["status"];
  expect([status("Notes"), status("Down"), status("Linear")]).toEqual(["active", "error", "needs_auth"]);
  expect(within(member("Down")).getByTestId("member-error").textContent).toContain("refused");
  expect(within(member("Notes")).queryByTestId("member-reauthorize")).toBeNull();
  await user.click(within(member("Linear")).getByTestId("member-reauthorize"));
  expect(await screen.findByTestId("authorize-dialog")).toBeTruthy();
  await user.keyboard("{Escape}");

  await user.click(screen.getByText("Client configuration"));
  await user.selectOptions(screen.getByTestId("snippet-client"), "vscode");
  await waitFor(() => expect(screen.getByTestId("client-config").dataset["client"]).toBe("vscode"));
  expect(JSON.parse(screen.getByTestId("client-config").textContent!)).toHaveProperty([
    "servers",
    "patchbay-work",
    "command",
  ]);
});

test("a member's name prefix is set on its card, and a collision is refused", async () => {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  backend.offered.set("http://127.0.0.1:7777/mcp", [{ name: "add", description: "Adds." }]);
  backend.offered.set("http://127.0.0.1:7778/mcp", [{ name: "add", description: "Adds too." }]);
  for (const [name, url] of [
    ["Notes", "http://127.0.0.1:7777/mcp"],
    ["More", "http://127.0.0.1:7778/mcp"],
  ] as const) {
    await backend.createServer(ws, { name, url });
    await backend.syncServer(ws, name);
  }
  await backend.createPortal(ws, { name: "Work" });
  await backend.addPortalServer(ws, "Work", "Notes", false);
  await backend.addPortalServer(ws, "Work", "More", false);
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByText("Work"));
  const exposed = () => screen.getAllByTestId("portal-tool").map((r) => within(r).getByRole("code").textContent);
  await waitFor(() => expect(exposed()).toEqual(["notes__add", "more__add"]));
  const [notes, more] = screen.getAllByTestId("member-prefix") as HTMLInputElement[];
  await user.clear(notes!);
  await user.type(notes!, "{Enter}");
  await waitFor(() => expect(exposed()).toEqual(["add", "more__add"]));
  await user.clear(more!);
  await user.type(more!, "{Enter}");
  expect(await screen.findByText(/would serve a name twice/)).toBeTruthy();
  expect(exposed()).toEqual(["add", "more__add"]);
});

test("a member's prompts are switched and aliased in the portal; one waiting for approval is not served", async () => {
  const backend = new MemoryBackend();
  const url = "http://127.0.0.1:7777/mcp";
  backend.offered.set(url, [{ name: "add", description: "Adds." }]);
  const ws = backend.defaultWorkspace.id;
  const server = await backend.createServer(ws, { name: "Notes", url });
  await backend.syncServer(ws, "Notes");
  const prompt = (name: string, approval_state: "approved" | "needs_approval") => ({
    name,
    title: null,
    description: name,
    arguments: [],
    approval_state,
    changed: approval_state !== "approved",
    is_new: false,
    content_hash: "h",
    first_seen: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    approved_description: name,
  });
  backend.prompts.set(server.id, [prompt("summarize", "approved"), prompt("review", "needs_approval")]);
  const portal = await backend.createPortal(ws, { name: "Work" });
  await backend.addPortalServer(ws, portal.id, "Notes", false);
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByText("Work"));

  const served = () =>
    Object.fromEntries(screen.getAllByTestId("portal-prompt").map((r) => [r.dataset["name"], r.dataset["served"]]));
  await waitFor(() => expect(served()).toEqual({ summarize: "true", review: "false" }));
  expect(screen.getByText("1 prompt(s) changed since approval")).toBeTruthy();

  const row = () => screen.getAllByTestId("portal-prompt").find((r) => r.dataset["name"] === "summarize")!;
  await user.type(within(row()).getByLabelText("Alias of prompt summarize"), "summary{Enter}");
  await waitFor(() => expect(within(row()).getByRole("code").textContent).toBe("summary"));
  await user.click(within(row()).getByRole("checkbox"));
  await waitFor(() => expect(served()["summarize"]).toBe("false"));
});

test("a member's time bound, calls at once and resources are set on its card", async () => {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  await backend.createServer(ws, { name: "Notes", url: "http://127.0.0.1:7777/mcp" });
  const portal = await backend.createPortal(ws, { name: "Work" });
  await backend.addPortalServer(ws, portal.id, "Notes", false);
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByText("Work"));

  const timeout = await screen.findByTestId("member-timeout");
  expect(timeout.getAttribute("placeholder")).toBe("300");
  await user.type(timeout, "45{Enter}");
  await user.type(screen.getByTestId("member-max-concurrent"), "1{Enter}");
  await user.click(screen.getByTestId("member-resources"));
  await waitFor(async () => {
    const [member] = (await backend.getPortal(ws, portal.id)).servers!;
    expect([member!.timeout_secs, member!.max_concurrent, member!.resources_enabled]).toEqual([45, 1, false]);
  });
  await user.clear(screen.getByTestId("member-timeout"));
  await user.type(screen.getByTestId("member-timeout"), "9999{Enter}");
  expect(await screen.findByText(/out of range/)).toBeTruthy();
});

test("the context cost shows the total, the costliest tools first, and warns over the budget", async () => {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  backend.offered.set("http://127.0.0.1:7777/mcp", [
    { name: "add", description: "Adds." },
    { name: "search", description: "Searches every note, by title, body and tag, newest first, in pages." },
  ]);
  await backend.createServer(ws, { name: "Notes", url: "http://127.0.0.1:7777/mcp" });
  await backend.syncServer(ws, "Notes");
  await backend.createPortal(ws, { name: "Work" });
  await backend.addPortalServer(ws, "Work", "Notes", false);
  const portal = await backend.getPortal(ws, "Work");
  const total = portal.tokens!;
  const user = userEvent.setup();
  render(App, { props: { backend } });

  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByText("Work"));
  expect((await screen.findByTestId("context-total")).textContent).toBe(`${total} tokens`);
  const rows = within(screen.getByTestId("context-tools")).getAllByRole("row").slice(1);
  expect(rows.map((r) => r.querySelector("code")!.textContent)).toEqual(["notes__search", "notes__add"]);
  expect(screen.queryByTestId("context-over")).toBeNull();

  await user.type(screen.getByTestId("context-budget"), `${total - 5}{Enter}`);
  expect((await screen.findByTestId("context-over")).textContent).toBe("5 above the budget");
  expect((await backend.getPortal(ws, "Work")).token_budget).toBe(total - 5);

  // Switching a tool off takes its cost off the total.
  const add = screen.getAllByTestId("portal-tool").find((r) => r.dataset["name"] === "add")!;
  await user.click(within(add).getByRole("checkbox"));
  await waitFor(() => expect(screen.queryByTestId("context-over")).toBeNull());

  // Each way of listing says what it costs; choosing one changes the portal.
  const mode = screen.getByTestId("portal-mode") as HTMLSelectElement;
  expect(within(mode).getByRole("option", { name: /^A search tool instead — 120 tokens$/ })).toBeTruthy();
  await user.selectOptions(mode, "hybrid");
  await waitFor(async () => expect((await backend.getPortal(ws, "Work")).mode).toBe("hybrid"));
  await user.clear(await screen.findByTestId("portal-top"));
  await user.type(screen.getByTestId("portal-top"), "2{Enter}");
  await waitFor(async () => expect((await backend.getPortal(ws, "Work")).top_n).toBe(2));
  // In hybrid mode a tool can be pinned (listed whatever its use) from the cost table.
  await user.click(await screen.findByRole("checkbox", { name: "List notes__search whatever its use" }));
  await waitFor(async () => expect((await backend.getPortal(ws, "Work")).pinned).toEqual(["notes__search"]));
});

test("tools not called in 30 days are flagged with what disabling them saves", async () => {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  backend.offered.set("http://127.0.0.1:7777/mcp", [
    { name: "add", description: "Adds." },
    { name: "search", description: "Searches the notes." },
    { name: "wipe", description: "Wipes every note." },
  ]);
  await backend.createServer(ws, { name: "Notes", url: "http://127.0.0.1:7777/mcp" });
  await backend.syncServer(ws, "Notes");
  await backend.createPortal(ws, { name: "Work" });
  await backend.addPortalServer(ws, "Work", "Notes", false);
  backend.toolCalls.set("notes__add", [3, 12]);
  const portal = await backend.getPortal(ws, "Work");
  const cost = (name: string) => portal.servers![0]!.tools.find((t) => t.exposed_name === name)!.tokens!;
  const user = userEvent.setup();
  render(App, { props: { backend } });

  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByText("Work"));
  const unused = await screen.findByTestId("context-unused");
  expect(
    within(unused)
      .getAllByTestId("unused-tool")
      .map((r) => r.dataset["name"]),
  ).toEqual(["notes__search", "notes__wipe"]);
  expect(unused.querySelector("summary")!.textContent).toContain(
    `saves ${cost("notes__search") + cost("notes__wipe")} tokens`,
  );
  const row = within(screen.getByTestId("context-tools")).getByText("notes__add").closest("tr")!;
  expect([...row.querySelectorAll("td")].slice(4).map((c) => c.textContent)).toEqual(["3", "12"]);

  await user.click(within(unused).getByRole("button", { name: "Disable notes__wipe in this portal" }));
  await waitFor(async () => {
    const wipe = (await backend.getPortal(ws, "Work")).servers![0]!.tools.find((t) => t.name === "wipe")!;
    expect(wipe.served).toBe(false);
  });
  await waitFor(() =>
    expect(within(screen.getByTestId("context-unused")).getAllByTestId("unused-tool")).toHaveLength(1),
  );
});

test("a portal member's name opens its server's page", async () => {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  await backend.createServer(ws, { name: "Notes", url: "http://127.0.0.1:7777/mcp" });
  const portal = await backend.createPortal(ws, { name: "Work" });
  await backend.addPortalServer(ws, portal.id, "Notes", false);
  const user = userEvent.setup();
  render(App, { props: { backend } });

  await user.click(await screen.findByRole("button", { name: /Portals/ }));
  await user.click(await screen.findByTestId("open-portal"));
  await user.click(await screen.findByTestId("open-member-server"));
  const page = await screen.findByTestId("server-page");
  expect(within(page).getByRole("heading", { level: 1 }).textContent).toContain("Notes");
  // The sidebar follows: the servers screen is the one shown.
  expect(screen.getByRole("button", { name: /Servers/ }).getAttribute("aria-current")).toBe("page");
});
