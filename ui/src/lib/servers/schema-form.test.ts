import { describe, expect, it } from "vitest";

import { initialValue, kindOf, missing, toArguments } from "./schema-form";

const schema = {
  type: "object",
  required: ["city", "days"],
  properties: {
    city: { type: "string" },
    days: { type: "integer" },
    units: { type: "string", enum: ["metric", "imperial"], default: "metric" },
    verbose: { type: "boolean" },
    note: { type: ["string", "null"] },
    tags: { type: "array", items: { type: "string" } },
    where: { type: "object", properties: { lat: { type: "number" }, lon: { type: "number" } } },
    extra: { anyOf: [{ type: "string" }, { type: "number" }] },
  },
};

describe("schema form", () => {
  it("reads each kind, with a JSON fallback for what a form cannot express", () => {
    const p = schema.properties;
    expect([p.city, p.days, p.units, p.verbose, p.note, p.tags, p.where, p.extra].map(kindOf)).toEqual([
      "string",
      "integer",
      "enum",
      "boolean",
      "string",
      "array",
      "object",
      "json",
    ]);
  });

  it("starts from defaults and leaves empty optional fields out of the arguments", () => {
    const value = initialValue(schema) as Record<string, unknown>;
    expect(value["units"]).toBe("metric");
    value["city"] = "Lyon";
    value["days"] = 3;
    expect(toArguments(schema, value)).toEqual({ city: "Lyon", days: 3, units: "metric", verbose: false, where: {} });
  });

  it("names the required fields still empty", () => {
    const value = initialValue(schema);
    expect(missing(schema, value)).toEqual(["city", "days"]);
  });
});
