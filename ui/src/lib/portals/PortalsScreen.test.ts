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
  expect(screen.getByTestId("client-config").textContent).toContain("Bearer pbp_");

  await screen.findByRole("option", { name: "Notes" });
  await user.selectOptions(screen.getByTestId("add-member-select"), "Notes");
  await user.click(screen.getByTestId("add-member"));
  const served = () => Object.fromEntries(screen.getAllByTestId("portal-tool").map((r) => [r.dataset["name"], r.dataset["served"]]));
  await waitFor(() => expect(served()).toEqual({ add: "true", wipe: "false" }));

  const add = screen.getAllByTestId("portal-tool").find((r) => r.dataset["name"] === "add")!;
  await user.click(within(add).getByRole("checkbox"));
  await waitFor(() => expect(served()["add"]).toBe("false"));
});
