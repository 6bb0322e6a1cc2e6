// The shared components' own behaviour: what every screen gets by using them.
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";

import Tabs from "./Tabs.svelte";

test("tabs move with the arrow keys, Home and End, and only the selected one takes Tab", async () => {
  const user = userEvent.setup();
  render(Tabs, {
    props: {
      label: "Sections",
      selected: "tools",
      tabs: [
        { id: "tools", label: "Tools", count: 3, attention: { count: 2, title: "Waiting" } },
        { id: "prompts", label: "Prompts", count: 0 },
        { id: "resources", label: "Resources" },
      ],
    },
  });
  const tab = (name: RegExp) => screen.getByRole("tab", { name });
  const selected = () => screen.getAllByRole("tab").filter((t) => t.getAttribute("aria-selected") === "true");

  expect(tab(/Tools/).tabIndex).toBe(0);
  expect(tab(/Prompts/).tabIndex).toBe(-1);
  expect(screen.getByTitle("Waiting").textContent).toBe("2");

  await user.tab();
  expect(document.activeElement).toBe(tab(/Tools/));
  await user.keyboard("{ArrowLeft}");
  expect(selected()).toEqual([tab(/Resources/)]);
  expect(document.activeElement).toBe(tab(/Resources/));
  await user.keyboard("{Home}");
  expect(selected()).toEqual([tab(/Tools/)]);
  await user.keyboard("{ArrowRight}");
  expect(selected()).toEqual([tab(/Prompts/)]);
  expect(tab(/Prompts/).tabIndex).toBe(0);
  await user.keyboard("{End}");
  expect(selected()).toEqual([tab(/Resources/)]);
  await user.click(tab(/Tools/));
  expect(selected()).toEqual([tab(/Tools/)]);
});
