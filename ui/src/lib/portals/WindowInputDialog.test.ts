// The window asks the user what a server asks of a client that cannot (against the in-memory
// Backend, a test double: see src/test/memory-backend.ts). The real thing runs in tests/e2e.
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import App from "../../App.svelte";
import { MemoryBackend } from "../../test/memory-backend";

const question = (id: string, mode: "form" | "url") => ({
  id,
  portal_id: "p",
  portal_name: "Work",
  server_name: "every",
  tool: "every__ask",
  mode,
  message: mode === "form" ? "Who are you?" : "Sign in to continue",
  schema:
    mode === "form"
      ? { type: "object", required: ["name"], properties: { name: { type: "string" }, age: { type: "integer" } } }
      : null,
  url: mode === "url" ? "https://auth.example.com/start?x=1" : null,
  created_at: "2026-12-01T00:00:00Z",
});

test("a server's form is filled in the window; required fields are asked for; the link opens only on request", async () => {
  const backend = new MemoryBackend();
  backend.windowQuestions = [question("q1", "form"), question("q2", "url")];
  const user = userEvent.setup();
  render(App, { props: { backend } });

  const dialog = await screen.findByTestId("window-input-dialog");
  expect(within(dialog).getByTestId("window-input-message").textContent).toBe("Who are you?");
  await user.click(within(dialog).getByTestId("window-input-send"));
  expect(within(dialog).getByRole("alert").textContent).toContain("name");
  expect(backend.windowAnswers).toEqual([]);
  await user.type(within(dialog).getByLabelText(/^name/), "Ada");
  await user.click(within(dialog).getByTestId("window-input-send"));
  await waitFor(() =>
    expect(backend.windowAnswers).toEqual([{ id: "q1", answer: { action: "accept", content: { name: "Ada" } } }]),
  );

  await waitFor(() => expect(within(dialog).getByTestId("window-input-host").textContent).toBe("auth.example.com"));
  expect(backend.opened).toEqual([]);
  await user.click(within(dialog).getByTestId("window-input-open"));
  await waitFor(() => expect(backend.opened).toEqual(["https://auth.example.com/start?x=1"]));
  await user.click(within(dialog).getByTestId("window-input-decline"));
  await waitFor(() => expect(backend.windowAnswers[1]).toEqual({ id: "q2", answer: { action: "decline" } }));
});
