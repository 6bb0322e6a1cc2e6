// Component tests of the UI against the in-memory Backend (a test double: see
// src/test/memory-backend.ts). The real app is driven end to end in tests/e2e.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import App from "./App.svelte";
import { BackendError } from "./lib/backend/backend";
import { MemoryBackend } from "./test/memory-backend";

async function setup(seed?: (backend: MemoryBackend) => Promise<void>) {
  const backend = new MemoryBackend();
  if (seed) await seed(backend);
  const user = userEvent.setup();
  render(App, { props: { backend } });
  return { backend, user };
}

const rows = () => screen.queryAllByTestId("server-row");

test("an empty workspace explains what to do and offers to add a server", async () => {
  const { user } = await setup();
  expect(await screen.findByText("No servers yet")).toBeTruthy();
  await user.click(screen.getByRole("button", { name: "Add your first server" }));
  expect(screen.getByRole("heading", { name: "Add server" })).toBeTruthy();
});

test("adding a server with an API key lists it with the key redacted", async () => {
  const { backend, user } = await setup();
  await user.click(await screen.findByTestId("add-server"));
  await user.type(screen.getByLabelText("Name"), "GitHub");
  await user.type(screen.getByLabelText("URL"), "https://api.example.com/mcp");
  await user.selectOptions(screen.getByLabelText("Authentication"), "api_key");
  await user.type(screen.getByLabelText("API key"), "sk-live-0123456789abcd");
  await user.click(screen.getByTestId("server-save"));

  await waitFor(() => expect(rows()).toHaveLength(1));
  expect(within(rows()[0]!).getByTestId("api-key-redacted").textContent).toBe("…abcd");
  expect(document.body.textContent).not.toContain("sk-live-0123456789abcd");
  expect(backend.secrets.get(backend.servers[0]!.id)).toBe("sk-live-0123456789abcd");
});

test("a duplicate name shows the conflict at the name field", async () => {
  const { user } = await setup((b) =>
    b.createServer(b.defaultWorkspace.id, { name: "linear", url: "https://l.example.com" }).then(() => {}),
  );
  await user.click(await screen.findByTestId("add-server"));
  await user.type(screen.getByLabelText("Name"), "Linear");
  await user.type(screen.getByLabelText("URL"), "https://other.example.com");
  await user.click(screen.getByTestId("server-save"));
  const error = await screen.findByTestId("field-error-server-name");
  expect(error.textContent).toContain("already exists");
  expect(screen.getByRole("heading", { name: "Add server" })).toBeTruthy();
});

test("an invalid URL is shown at the URL field", async () => {
  const { user } = await setup();
  await user.click(await screen.findByTestId("add-server"));
  await user.type(screen.getByLabelText("Name"), "bad");
  await user.type(screen.getByLabelText("URL"), "example.com");
  await user.click(screen.getByTestId("server-save"));
  expect((await screen.findByTestId("field-error-server-url")).textContent).toContain("not a valid URL");
});

test("editing changes only what was changed", async () => {
  const { backend, user } = await setup((b) =>
    b
      .createServer(b.defaultWorkspace.id, {
        name: "notion",
        url: "https://n.example.com",
        api_key: "secret-notion-9f2c",
      })
      .then(() => {}),
  );
  await user.click(await screen.findByRole("button", { name: "Edit notion" }));
  const description = screen.getByLabelText("Description");
  await user.type(description, "Team docs");
  await user.click(screen.getByTestId("server-save"));
  await waitFor(() => expect(backend.servers[0]!.description).toBe("Team docs"));
  expect(backend.servers[0]!.api_key_redacted).toBe("…9f2c");
  expect(await screen.findByText("Team docs")).toBeTruthy();
});

test("delete can be undone, and deleted servers restore and purge", async () => {
  const { backend, user } = await setup((b) =>
    b.createServer(b.defaultWorkspace.id, { name: "sentry", url: "https://s.example.com" }).then(() => {}),
  );
  await user.click(await screen.findByRole("button", { name: "Delete sentry" }));
  await waitFor(() => expect(rows()).toHaveLength(0));
  await user.click(screen.getByRole("button", { name: "Undo" }));
  await waitFor(() => expect(rows()).toHaveLength(1));

  await user.click(screen.getByRole("button", { name: "Delete sentry" }));
  await user.click(screen.getByTestId("deleted-tab"));
  await waitFor(() => expect(rows()).toHaveLength(1));
  await user.click(screen.getByRole("button", { name: "Purge…" }));
  await user.click(screen.getByTestId("confirm-purge"));
  await waitFor(() => expect(backend.servers).toHaveLength(0));
  expect(await screen.findByText("Nothing deleted")).toBeTruthy();
});

test("long lists load page by page", async () => {
  const { user } = await setup(async (b) => {
    for (let i = 0; i < 230; i++)
      await b.createServer(b.defaultWorkspace.id, { name: `s${i}`, url: "https://x.example.com" });
  });
  await waitFor(() => expect(rows()).toHaveLength(100));
  await user.click(screen.getByRole("button", { name: "Load more" }));
  await waitFor(() => expect(rows()).toHaveLength(200));
  await user.click(screen.getByRole("button", { name: "Load more" }));
  await waitFor(() => expect(rows()).toHaveLength(230));
  expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
}, 30_000); // 230 rows rendered in jsdom: seconds on a busy 2-core machine

test("search narrows the list and Ctrl+K focuses it; N opens the add dialog", async () => {
  const { user } = await setup(async (b) => {
    for (const name of ["alpha", "beta", "gamma"])
      await b.createServer(b.defaultWorkspace.id, { name, url: "https://x.example.com" });
  });
  await waitFor(() => expect(rows()).toHaveLength(3));
  await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
  const search = screen.getByTestId("server-search");
  expect(document.activeElement).toBe(search);
  await user.type(search, "et");
  await waitFor(() => expect(rows().map((r) => r.dataset.name)).toEqual(["beta"]));
  search.blur();
  await fireEvent.keyDown(document.body, { key: "n" });
  expect(screen.getByRole("heading", { name: "Add server" })).toBeTruthy();
});

test("errors show as toasts with the meaning of their code", async () => {
  const backend = new MemoryBackend();
  backend.listServers = async () => {
    throw new BackendError({ code: "keyring_unavailable", message: "Unlock your login keyring and try again" });
  };
  render(App, { props: { backend } });
  const toast = await screen.findByTestId("toast");
  expect(toast.textContent).toContain("Keyring unavailable");
  expect(toast.textContent).toContain("Unlock your login keyring");
});

test("workspaces can be created and switched", async () => {
  const { user } = await setup();
  await user.click(await screen.findByTestId("workspace-switcher"));
  await user.click(screen.getByRole("menuitem", { name: "New workspace…" }));
  await user.type(screen.getByLabelText("Name"), "Client A");
  await user.click(screen.getByRole("button", { name: "Create" }));
  await waitFor(() => expect(screen.getByTestId("workspace-switcher").textContent).toContain("Client A"));
});

test("a stdio server takes a command, arguments, environment and masked secrets", async () => {
  const { backend, user } = await setup();
  await user.click(await screen.findByTestId("add-server"));
  await user.type(screen.getByLabelText("Name"), "files");
  await user.click(screen.getByLabelText("Local command"));
  expect(screen.queryByLabelText("URL")).toBeNull();
  await user.type(screen.getByLabelText("Command"), "npx");
  await user.type(screen.getByLabelText("Arguments"), "-y{Enter}@modelcontextprotocol/server-filesystem");
  await user.type(screen.getByLabelText("Environment"), "LOG=debug");
  await user.click(screen.getByRole("button", { name: "+ Add secret" }));
  await user.type(screen.getByLabelText("Secret name"), "TOKEN");
  const value = screen.getByLabelText("Secret value") as HTMLInputElement;
  expect(value.type).toBe("password");
  await user.type(value, "ghp_secretvalue1234");
  await user.click(screen.getByTestId("server-save"));

  await waitFor(() => expect(rows()).toHaveLength(1));
  const server = backend.servers[0]!;
  expect(server.transport).toBe("stdio");
  expect(server.args).toEqual(["-y", "@modelcontextprotocol/server-filesystem"]);
  expect(server.env).toEqual({ LOG: "debug" });
  expect(server.secret_env).toEqual({ TOKEN: "…1234" });
  expect(document.body.textContent).not.toContain("ghp_secretvalue1234");
});

test("a stdio server inherits the whole environment only when asked, and the dialog says what it gets", async () => {
  const { backend, user } = await setup((b) =>
    b.createServer(b.defaultWorkspace.id, { name: "local", command: "my-mcp" }).then(() => {}),
  );
  expect(backend.servers[0]!.inherit_env).toBe(false);
  await user.click(await screen.findByRole("button", { name: "Edit local" }));
  const inherit = screen.getByLabelText("Inherit every environment variable") as HTMLInputElement;
  expect(inherit.checked).toBe(false);
  expect(document.body.textContent).toContain("nothing else of your shell");
  await user.click(inherit);
  expect(document.body.textContent).toContain("tokens exported in your shell included");
  const update = vi.spyOn(backend, "updateServer");
  await user.click(screen.getByTestId("server-save"));
  await waitFor(() => expect(backend.servers[0]!.inherit_env).toBe(true));
  expect(update.mock.calls[0]![2]).toEqual({ inherit_env: true, set_env: {}, set_secret_env: {}, unset_env: [] });
});

test("the workspace menu closes on Escape and on a click outside", async () => {
  const { user } = await setup();
  await user.click(await screen.findByTestId("workspace-switcher"));
  expect(screen.getByRole("menu")).toBeTruthy();
  await user.keyboard("{Escape}");
  expect(screen.queryByRole("menu")).toBeNull();
  await user.click(screen.getByTestId("workspace-switcher"));
  await user.click(screen.getByRole("heading", { name: "Servers" }));
  expect(screen.queryByRole("menu")).toBeNull();
});

test("a new server is synced at once; a new OAuth server goes on to Authorize", async () => {
  const { backend, user } = await setup();
  backend.offered.set("https://weather.example.com/mcp", [{ name: "forecast", description: "Forecast for a city." }]);
  await user.click(await screen.findByTestId("add-server"));
  await user.type(screen.getByLabelText("Name"), "Weather");
  await user.type(screen.getByLabelText("URL"), "https://weather.example.com/mcp");
  // The test lists the tools its first sync will bring.
  await user.click(screen.getByRole("button", { name: /Test connection/ }));
  expect((await screen.findAllByTestId("test-tool")).map((t) => t.textContent)).toEqual([
    "forecast — Forecast for a city.",
  ]);
  await user.click(screen.getByTestId("server-save"));
  await waitFor(() => expect(backend.servers[0]!.status).toBe("active"));
  expect(await screen.findByText("Synced Weather")).toBeTruthy();

  await user.click(screen.getByTestId("add-server"));
  await user.type(screen.getByLabelText("Name"), "Linear");
  await user.type(screen.getByLabelText("URL"), "https://mcp.linear.app/mcp");
  await user.selectOptions(screen.getByLabelText("Authentication"), "oauth");
  await user.click(screen.getByTestId("server-save"));
  expect(await screen.findByTestId("authorize-dialog")).toBeTruthy();
  expect(screen.getByRole("heading", { name: "Authorize Linear" })).toBeTruthy();
});

test("the sign-in window's page shows in the dialog, and one click moves it to the browser for good", async () => {
  const { backend, user } = await setup();
  backend.holdAuthorization = true;
  await user.click(await screen.findByTestId("add-server"));
  await user.type(screen.getByLabelText("Name"), "Google Drive");
  await user.type(screen.getByLabelText("URL"), "https://drive.example.com/mcp");
  await user.selectOptions(screen.getByLabelText("Authentication"), "oauth");
  await user.click(screen.getByTestId("server-save"));
  const dialog = await screen.findByTestId("authorize-dialog");
  expect((within(dialog).getByTestId("authorize-in-browser") as HTMLInputElement).checked).toBe(false);
  await user.click(within(dialog).getByTestId("authorize-start"));
  await waitFor(() => expect(backend.authorization).not.toBeNull());

  backend.authorization!.onPage!({
    origin: "https://accounts.example.com",
    https: true,
    allowed: true,
    refuses_embedded: false,
  });
  const bar = await within(dialog).findByTestId("authorize-page");
  expect(bar.textContent).toContain("https://accounts.example.com");
  expect(bar.dataset.https).toBe("true");
  expect(within(dialog).queryByTestId("authorize-refused-embedded")).toBeNull();

  backend.authorization!.onPage!({
    origin: "http://phish.example.net",
    https: false,
    allowed: false,
    refuses_embedded: false,
  });
  expect((await within(dialog).findByTestId("authorize-blocked")).textContent).toContain("http://phish.example.net");

  backend.authorization!.onPage!({
    origin: "https://accounts.example.com",
    https: true,
    allowed: true,
    refuses_embedded: true,
  });
  expect((await within(dialog).findByTestId("authorize-refused-embedded")).textContent).toContain("does not allow");
  await user.click(within(dialog).getByTestId("authorize-continue-in-browser"));
  await waitFor(() => expect(backend.opened).toEqual(["authorization-url"]));
  expect(within(dialog).getByTestId("authorize-waiting").textContent).toContain("in the browser");
  expect(within(dialog).queryByTestId("authorize-page")).toBeNull();
  const server = backend.servers.find((s) => s.name === "Google Drive")!;
  expect(server.authorize_in_browser).toBe(true);
  backend.authorization!.finish();
  await waitFor(() => expect((dialog as HTMLDialogElement).open).toBe(false));

  // The next authorization of this server starts in the browser.
  await user.click(await screen.findByTestId("open-server"));
  await user.click(await screen.findByTestId("authorize-server"));
  const again = await waitFor(() =>
    (screen.getAllByTestId("authorize-dialog") as HTMLDialogElement[]).find((d) => d.open)!,
  );
  expect((within(again).getByTestId("authorize-in-browser") as HTMLInputElement).checked).toBe(true);
});

test("Settings says when this is a dev build", async () => {
  const { user } = await setup();
  await user.click(await screen.findByRole("button", { name: /Settings/ }));
  const build = await screen.findByTestId("app-build");
  expect(build.dataset.build).toBe("dev");
  expect(build.textContent).toContain("its own data directory and keyring service");
});

test("a server gone while its dialog is open says so instead of failing silently", async () => {
  const { backend, user } = await setup((b) =>
    b.createServer(b.defaultWorkspace.id, { name: "gone", url: "https://g.example.com/mcp" }).then(() => {}),
  );
  await user.click(await screen.findByRole("button", { name: "Edit gone" }));
  backend.servers.splice(0, 1); // purged elsewhere (the CLI, another window)
  await user.click(screen.getByTestId("dialog-test"));
  expect((await screen.findByTestId("test-failure")).textContent).toContain("no server named");
});
