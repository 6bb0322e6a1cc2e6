import { describe, expect, it } from "vitest";

import { lineDiff } from "./line-diff";

describe("line diff", () => {
  it("keeps common lines and marks what was removed and added", () => {
    expect(lineDiff("a\nb\nc", "a\nx\nc\nd")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "added", text: "x" },
      { kind: "same", text: "c" },
      { kind: "added", text: "d" },
    ]);
  });

  it("shows a whole new text as added", () => {
    expect(lineDiff("", "new").filter((l) => l.kind !== "removed")).toEqual([{ kind: "added", text: "new" }]);
  });
});
