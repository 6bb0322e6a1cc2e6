import { parseEnv, formatEnv } from "./env-text";
import { relativeTime } from "./server-format";

test("relative times read naturally", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  expect(relativeTime("2026-11-21T11:59:40Z", now)).toBe("just now");
  expect(relativeTime("2026-11-21T11:30:00Z", now)).toBe("30 min ago");
  expect(relativeTime("2026-11-21T07:00:00Z", now)).toBe("5 h ago");
  expect(relativeTime("2026-11-18T12:00:00Z", now)).toBe("3 d ago");
  expect(relativeTime("2026-01-02T12:00:00Z", now)).toBe("2026-01-02");
});

test("environment text round-trips and keeps = in values", () => {
  const env = parseEnv("A=1\n# comment\n\nB = x=y\nFLAG");
  expect(env).toEqual({ A: "1", B: " x=y", FLAG: "" });
  expect(parseEnv(formatEnv({ K: "v=w" }))).toEqual({ K: "v=w" });
});
