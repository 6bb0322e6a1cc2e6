// The Installations and Catalog screens against the in-memory Backend (a test double:
// src/test/memory-backend.ts).
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import App from "../../App.svelte";
import { MemoryBackend } from "../../test/memory-backend";

test("import chosen servers from a client, install a portal, see drift, uninstall", async () => {
  const backend = new MemoryBackend();
  backend.clientEntries.set("cursor", [
    {
      name: "files",
      transport: "stdio",
      url: null,
      command: "npx",
      args: ["fs"],
      env_keys: ["TOKEN"],
      header_names: [],
      installed_by_patchbay: false,
    },
    {
      name: "remote",
      transport: "streamable_http",
      url: "https://example.com/mcp",
      command: null,
      args: [],
      env_keys: [],
      header_names: ["Authorization"],
      installed_by_patchbay: false,
    },
  ]);
  const ws = backend.defaultWorkspace.id;
  await backend.createPortal(ws, { name: "Work" });
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Installations/ }));

  const cursor = (await screen.findAllByTestId("client-row")).find((r) => r.dataset["id"] === "cursor")!;
  await user.click(within(cursor).getByTestId("client-open"));
  await user.click(await screen.findByRole("checkbox", { name: "Import remote" }));
  await user.click(screen.getByTestId("import-servers"));
  await waitFor(async () => expect((await backend.listServers(ws, {})).servers.map((s) => s.name)).toEqual(["remote"]));

  await user.selectOptions(screen.getByTestId("install-target"), "Work");
  await user.selectOptions(screen.getByTestId("install-client"), "cursor");
  expect((screen.getByTestId("install-transport") as HTMLSelectElement).value).toBe("stdio");
  await user.click(screen.getByTestId("install"));
  const row = await screen.findByTestId("installation");
  expect(row.dataset["drift"]).toBe("in_sync");
  expect(backend.installations[0]!.mode).toBe("bridge");
  expect(screen.queryByTestId("repair")).toBeNull();

  // An entry written before a change it depends on is out of date, and Repair rewrites it.
  backend.installations[0]!.drift = "stale";
  await user.click(screen.getByRole("button", { name: "Check again" }));
  await waitFor(() => expect(screen.getByTestId("installation").textContent).toContain("out of date"));
  await user.click(screen.getByTestId("repair"));
  await waitFor(() => expect(screen.getByTestId("installation").dataset["drift"]).toBe("in_sync"));
  expect(backend.repaired).toEqual([`${ws}:${backend.installations[0]!.id}`]);

  // A hand edit shows after "Check again".
  backend.installations[0]!.drift = "modified";
  await user.click(screen.getByRole("button", { name: "Check again" }));
  await waitFor(() => expect(screen.getByTestId("installation").dataset["drift"]).toBe("modified"));
  expect(screen.getByTestId("installation").textContent).toContain("edited by hand");

  await user.click(screen.getByTestId("uninstall"));
  await waitFor(() => expect(screen.queryByTestId("installation")).toBeNull());
});

test("the catalog searches, adds a template, and starts authorization for an OAuth one", async () => {
  const backend = new MemoryBackend();
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Catalog/ }));
  await waitFor(() => expect(screen.getAllByTestId("template")).toHaveLength(3));
  await user.type(screen.getByTestId("catalog-search"), "issues");
  await waitFor(() => expect(screen.getAllByTestId("template").map((t) => t.dataset["id"])).toEqual(["linear"]));
  await user.click(screen.getByRole("link", { name: "Docs" }));
  expect(backend.opened).toEqual(["https://linear.app/docs/mcp"]);
  await user.click(screen.getByTestId("template-install"));
  expect(await screen.findByTestId("authorize-dialog")).toBeTruthy();
  const servers = (await backend.listServers(backend.defaultWorkspace.id, {})).servers;
  expect(servers.map((s) => [s.name, s.template_id])).toEqual([["Linear", "linear"]]);
});

test("an API-key template asks for its key on the card and keeps it as the server's key", async () => {
  const backend = new MemoryBackend();
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Catalog/ }));
  await user.type(await screen.findByTestId("catalog-search"), "exa");
  await waitFor(() => expect(screen.getAllByTestId("template").map((t) => t.dataset["id"])).toEqual(["exa"]));
  // No key: nothing is created, and the user is told what to do.
  await user.click(screen.getByTestId("template-install"));
  expect(await screen.findByText(/needs an API key/)).toBeTruthy();
  expect((await backend.listServers(backend.defaultWorkspace.id, {})).servers).toEqual([]);
  await user.type(screen.getByTestId("template-key"), "exa-key-123{Enter}");
  await waitFor(async () =>
    expect((await backend.listServers(backend.defaultWorkspace.id, {})).servers).toHaveLength(1),
  );
  const [server] = (await backend.listServers(backend.defaultWorkspace.id, {})).servers;
  expect([server!.name, server!.auth_type, server!.api_key_redacted]).toEqual(["Exa", "api_key", "…-123"]);
  expect((screen.getByTestId("template-key") as HTMLInputElement).value).toBe("");
});

test("a URL entry is installed only when chosen", async () => {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  await backend.createPortal(ws, { name: "Work" });
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Installations/ }));
  await user.selectOptions(await screen.findByTestId("install-target"), "Work");
  await user.selectOptions(screen.getByTestId("install-client"), "cursor");
  await user.selectOptions(screen.getByTestId("install-transport"), "http");
  await user.click(screen.getByTestId("install"));
  await screen.findByTestId("installation");
  expect(backend.installations.map((i) => i.mode)).toEqual(["http"]);
});

test("Start at login is a switch in Settings", async () => {
  const backend = new MemoryBackend();
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Settings/ }));
  const toggle = (await screen.findByTestId("start-at-login")) as HTMLInputElement;
  expect(toggle.checked).toBe(false);
  await user.click(toggle);
  await waitFor(() => expect(backend.startsAtLogin).toBe(true));
  expect(toggle.checked).toBe(true);
});

test("the health check interval is set in minutes, and a bad one is refused at the field", async () => {
  const backend = new MemoryBackend();
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Settings/ }));
  const minutes = (await screen.findByTestId("health-check-minutes")) as HTMLInputElement;
  await waitFor(() => expect(minutes.value).toBe("10"));
  await user.clear(minutes);
  await user.type(minutes, "0.05{Enter}");
  expect(await screen.findByTestId("health-check-error")).toBeTruthy();
  expect(backend.settings.health_check_seconds).toBe(600);
  await user.clear(minutes);
  await user.type(minutes, "30{Enter}");
  await waitFor(() => expect(backend.settings.health_check_seconds).toBe(1800));
  expect(screen.queryByTestId("health-check-error")).toBeNull();
});

test("the gateway stops and starts from Settings", async () => {
  const backend = new MemoryBackend();
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Settings/ }));
  const status = await screen.findByTestId("gateway-status");
  await waitFor(() => expect(status.textContent).toContain("127.0.0.1:47821"));
  await user.click(screen.getByTestId("gateway-toggle"));
  await waitFor(() => expect(screen.getByTestId("gateway-status").textContent).toContain("Not running"));
  expect(backend.gateway.status).toBeNull();
  await user.click(screen.getByTestId("gateway-toggle"));
  await waitFor(() => expect(screen.getByTestId("gateway-status").textContent).toContain("127.0.0.1:47821"));
});

test("Claude Code offers a private project entry, and its uninstall finds it", async () => {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  await backend.createPortal(ws, { name: "Work" });
  backend.clients.push({
    id: "claude-code",
    name: "Claude Code",
    present: true,
    config_path: "/home/me/.claude.json",
    config_exists: true,
    project_file: ".mcp.json",
    http_with_headers: true,
  });
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Installations/ }));
  await user.selectOptions(await screen.findByTestId("install-target"), "Work");
  await user.selectOptions(screen.getByTestId("install-client"), "claude-code");
  expect(screen.queryByTestId("install-private")).toBeNull();
  await user.type(screen.getByLabelText("Project folder"), "/home/me/repo");
  await user.click(screen.getByTestId("install-private"));
  await user.click(screen.getByTestId("install"));
  await screen.findByTestId("installation");
  expect(backend.installations.map((i) => [i.project_dir, i.private])).toEqual([["/home/me/repo", true]]);
});
