// The servers list against the in-memory Backend (a test double: see src/test/memory-backend.ts):
// ordering by a column and the live/deleted switch. The real store's paging runs in the core's tests.
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import App from "../../App.svelte";
import { MemoryBackend } from "../../test/memory-backend";

test("a column header orders the list and says which way; the tabs switch to deleted servers", async () => {
  const backend = new MemoryBackend();
  const ws = backend.defaultWorkspace.id;
  for (const name of ["Beta", "Alpha", "Gamma"])
    await backend.createServer(ws, { name, url: "http://127.0.0.1:9/mcp" });
  const user = userEvent.setup();
  render(App, { props: { backend } });
  const names = () => screen.getAllByTestId("server-row").map((r) => r.dataset["name"]);
  await waitFor(() => expect(names()).toEqual(["Beta", "Alpha", "Gamma"]));

  const nameHeader = () => screen.getByRole("columnheader", { name: /Name/ });
  expect(nameHeader().getAttribute("aria-sort")).toBeNull();
  await user.click(screen.getByRole("button", { name: "Name" }));
  await waitFor(() => expect(names()).toEqual(["Alpha", "Beta", "Gamma"]));
  expect(nameHeader().getAttribute("aria-sort")).toBe("ascending");
  await user.click(screen.getByRole("button", { name: /Name/ }));
  await waitFor(() => expect(names()).toEqual(["Gamma", "Beta", "Alpha"]));
  expect(nameHeader().getAttribute("aria-sort")).toBe("descending");

  await user.click(screen.getByRole("button", { name: "Delete Beta" }));
  await waitFor(() => expect(names()).toEqual(["Gamma", "Alpha"]));
  await user.click(screen.getByRole("tab", { name: "Deleted" }));
  await waitFor(() => expect(names()).toEqual(["Beta"]));
  expect(screen.getByRole("tab", { name: "Deleted" }).getAttribute("aria-selected")).toBe("true");
  await user.keyboard("{ArrowLeft}");
  await waitFor(() => expect(names()).toEqual(["Gamma", "Alpha"]));
});
