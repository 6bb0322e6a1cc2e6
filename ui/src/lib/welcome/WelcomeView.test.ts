// The first-run welcome against the in-memory Backend (a test double: src/test/memory-backend.ts).
// The real window does the same on a real data dir in tests/e2e/test_welcome.py.
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import App from "../../App.svelte";
import type { ClientServer } from "../bindings/ClientServer";
import { MemoryBackend } from "../../test/memory-backend";

const entry = (name: string, extra: Partial<ClientServer> = {}): ClientServer => ({
  name,
  transport: "stdio",
  url: null,
  command: "npx",
  args: [name],
  env_keys: [],
  header_names: [],
  installed_by_patchbay: false,
  ...extra,
});

function machineWithClients() {
  const backend = new MemoryBackend();
  backend.clientEntries.set("cursor", [
    entry("files"),
    entry("remote", { transport: "streamable_http", url: "https://example.com/mcp", command: null, args: [] }),
    entry("patchbay-work", { installed_by_patchbay: true }),
    entry("broken", { transport: "unknown" }),
  ]);
  return backend;
}

test("the first run imports the chosen servers, makes a portal of them and installs it back", async () => {
  const backend = machineWithClients();
  const user = userEvent.setup();
  render(App, { props: { backend } });

  await screen.findByTestId("welcome");
  const offered = screen.getAllByTestId("welcome-server").map((c) => (c as HTMLInputElement).value);
  // Patchbay's own entry and one it cannot read are not offered.
  expect(offered).toEqual(["files", "remote"]);
  await user.click(screen.getByRole("checkbox", { name: /remote/ }));
  expect(screen.getByTestId("welcome-go").textContent).toContain("Import 1 server");
  await user.clear(screen.getByTestId("welcome-portal-name"));
  await user.type(screen.getByTestId("welcome-portal-name"), "daily");
  await user.click(screen.getByTestId("welcome-go"));

  await waitFor(() => expect(screen.queryByTestId("welcome")).toBeNull());
  const ws = backend.defaultWorkspace.id;
  expect((await backend.listServers(ws, {})).servers.map((s) => s.name)).toEqual(["files"]);
  const [portal] = await backend.listPortals(ws);
  expect(portal!.name).toBe("daily");
  expect(backend.members.get(portal!.id)?.length).toBe(1);
  expect(backend.installations.map((i) => [i.client_id, i.mode])).toEqual([["cursor", "bridge"]]);
  expect(await screen.findByText(/Imported 1 server/)).toBeTruthy();
});

test("a step that fails is reported and the others still happen", async () => {
  const backend = machineWithClients();
  backend.install = async () => {
    throw { code: "internal", message: "cannot write /home/me/.cursor/mcp.json: read-only file system" };
  };
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByTestId("welcome-go"));

  expect(await screen.findByText("Some steps did not finish")).toBeTruthy();
  expect(screen.getByText(/install into cursor: cannot write/)).toBeTruthy();
  const ws = backend.defaultWorkspace.id;
  expect((await backend.listServers(ws, {})).servers).toHaveLength(2);
  expect(await backend.listPortals(ws)).toHaveLength(1);
});

test("skipping starts empty and the welcome stays away next launch", async () => {
  const backend = machineWithClients();
  const user = userEvent.setup();
  const first = render(App, { props: { backend } });
  await user.click(await screen.findByTestId("welcome-skip"));
  expect(await screen.findByText("No servers yet")).toBeTruthy();
  expect(backend.settings.welcome_dismissed).toBe(true);
  first.unmount();

  render(App, { props: { backend } });
  expect(await screen.findByText("No servers yet")).toBeTruthy();
  // The empty state still leads to the clients' servers.
  await user.click(screen.getByTestId("import-from-clients"));
  expect((await screen.findAllByTestId("client-row")).length).toBeGreaterThan(0);
  expect(screen.queryByTestId("welcome")).toBeNull();
});

test("no welcome once a server exists, nor when no client lists one", async () => {
  const withServer = machineWithClients();
  await withServer.createServer(withServer.defaultWorkspace.id, { name: "mine", url: "https://mine.example.com" });
  const a = render(App, { props: { backend: withServer } });
  await waitFor(() => expect(document.querySelector("main")?.dataset["firstRun"]).toBe("checked"));
  expect(await screen.findByTestId("server-row")).toBeTruthy();
  expect(screen.queryByTestId("welcome")).toBeNull();
  a.unmount();

  const bare = new MemoryBackend();
  bare.clientEntries.set("cursor", [entry("patchbay-work", { installed_by_patchbay: true })]);
  render(App, { props: { backend: bare } });
  await waitFor(() => expect(document.querySelector("main")?.dataset["firstRun"]).toBe("checked"));
  expect(await screen.findByText("No servers yet")).toBeTruthy();
  expect(screen.queryByTestId("welcome")).toBeNull();
});
