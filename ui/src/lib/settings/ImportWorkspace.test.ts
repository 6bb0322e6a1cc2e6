// Export and import of a workspace from Settings, against the in-memory Backend (a test
// double: src/test/memory-backend.ts).
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import App from "../../App.svelte";
import type { WorkspaceExport } from "../bindings/WorkspaceExport";
import { MemoryBackend } from "../../test/memory-backend";

test("export says where the file went; import asks for the secrets it names", async () => {
  const backend = new MemoryBackend();
  await backend.createServer(backend.defaultWorkspace.id, { name: "docs", url: "https://docs.example.com/mcp" });
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Settings/ }));

  await user.click(await screen.findByTestId("export-workspace"));
  const [path] = [...backend.exports.keys()];
  expect(await screen.findByText(path!)).toBeTruthy();
  expect(backend.exports.get(path!)!.servers.map((s) => s.name)).toEqual(["docs"]);

  const doc: WorkspaceExport = {
    patchbay_export: 1,
    workspace: "Team",
    servers: [
      {
        name: "api",
        description: "",
        transport: "streamable_http",
        url: "https://api.example.com/mcp",
        command: null,
        args: [],
        env: {},
        secret_env: [],
        cwd: null,
        auth_type: "api_key",
        api_key_header: "X-Key",
        is_enabled: true,
        template_id: null,
      },
      {
        name: "local",
        description: "",
        transport: "stdio",
        url: null,
        command: "my-mcp",
        args: [],
        env: {},
        secret_env: ["TOKEN"],
        cwd: null,
        auth_type: "none",
        api_key_header: null,
        is_enabled: true,
        template_id: null,
      },
    ],
    portals: [],
  };
  const file = new File([JSON.stringify(doc)], "team.json", { type: "application/json" });
  await user.upload(screen.getByTestId("import-file"), file);
  const dialog = await screen.findByTestId("import-workspace-dialog");
  await user.type(within(dialog).getByLabelText("local: TOKEN"), "tok");
  // The stdio server runs a command here: Import waits until the user accepts that.
  const risks = await within(dialog).findByTestId("import-risks");
  expect(risks.textContent).toContain("server 'local' runs this command on this machine: my-mcp");
  const start = within(dialog).getByTestId("import-workspace-start") as HTMLButtonElement;
  expect(start.disabled).toBe(true);
  await user.click(within(dialog).getByTestId("import-accept-risks"));
  expect(start.disabled).toBe(false);
  await user.click(start);
  const report = await screen.findByTestId("import-report");
  expect(report.textContent).toContain("Created Team with 2 servers");
  expect(report.textContent).toContain("api: api_key");
  expect(report.textContent).not.toContain("local:");
  await waitFor(async () => expect((await backend.listWorkspaces()).map((w) => w.name)).toContain("Team"));
});

test("an export that runs nothing and opens nothing imports without asking", async () => {
  const backend = new MemoryBackend();
  const user = userEvent.setup();
  render(App, { props: { backend } });
  await user.click(await screen.findByRole("button", { name: /Settings/ }));
  const doc: WorkspaceExport = {
    patchbay_export: 1,
    workspace: "Remote",
    servers: [
      {
        name: "docs",
        description: "",
        transport: "streamable_http",
        url: "https://docs.example.com/mcp",
        command: null,
        args: [],
        env: {},
        secret_env: [],
        cwd: null,
        auth_type: "none",
        api_key_header: null,
        is_enabled: true,
        template_id: null,
      },
    ],
    portals: [],
  };
  await user.upload(
    screen.getByTestId("import-file"),
    new File([JSON.stringify(doc)], "remote.json", { type: "application/json" }),
  );
  const dialog = await screen.findByTestId("import-workspace-dialog");
  const start = within(dialog).getByTestId("import-workspace-start") as HTMLButtonElement;
  await waitFor(() => expect(start.disabled).toBe(false));
  expect(within(dialog).queryByTestId("import-risks")).toBeNull();
  await user.click(start);
  expect((await screen.findByTestId("import-report")).textContent).toContain("Created Remote with 1 server");
});
