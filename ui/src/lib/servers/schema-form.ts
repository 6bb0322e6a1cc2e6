// Turning a tool's JSON Schema into form fields and the form's values back into arguments.
// What a form cannot express (unions, $ref, free-form objects) falls back to raw JSON.

export type Schema = Record<string, unknown>;

export type FieldKind = "string" | "number" | "integer" | "boolean" | "enum" | "array" | "object" | "json";

/** The type of a schema, ignoring a "null" alternative (["string", "null"] is a string). */
function declaredType(schema: Schema): string | undefined {
  const t = schema["type"];
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const rest = t.filter((x) => x !== "null");
    return rest.length === 1 && typeof rest[0] === "string" ? rest[0] : undefined;
  }
  return undefined;
}

export function kindOf(schema: Schema): FieldKind {
  if (Array.isArray(schema["enum"]) && schema["enum"].every((v) => typeof v === "string" || typeof v === "number")) {
    return "enum";
  }
  switch (declaredType(schema)) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "integer":
      return "integer";
    case "boolean":
      return "boolean";
    case "array":
      return isSchema(schema["items"]) ? "array" : "json";
    case "object":
      return isSchema(schema["properties"]) ? "object" : "json";
    default:
      return "json";
  }
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function properties(schema: Schema): [string, Schema][] {
  const props = schema["properties"];
  if (!isSchema(props)) return [];
  return Object.entries(props).filter((e): e is [string, Schema] => isSchema(e[1]));
}

export function required(schema: Schema): Set<string> {
  const r = schema["required"];
  return new Set(Array.isArray(r) ? r.filter((x): x is string => typeof x === "string") : []);
}

export function itemSchema(schema: Schema): Schema {
  const items = schema["items"];
  return isSchema(items) ? items : {};
}

/** What a field starts with: the schema's default, else an empty value of its kind. */
export function initialValue(schema: Schema): unknown {
  if ("default" in schema) return structuredClone(schema["default"]);
  switch (kindOf(schema)) {
    case "string":
      return "";
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return Object.fromEntries(properties(schema).map(([k, s]) => [k, initialValue(s)]));
    default:
      return undefined;
  }
}

/** The form's value as arguments: optional fields left empty are left out. */
export function toArguments(schema: Schema, value: unknown, isRequired = true): unknown {
  const kind = kindOf(schema);
  if (kind === "object" && isSchema(value)) {
    const req = required(schema);
    const out: Record<string, unknown> = {};
    for (const [key, sub] of properties(schema)) {
      const v = toArguments(sub, value[key], req.has(key));
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (kind === "array" && Array.isArray(value)) {
    const items = value.map((v) => toArguments(itemSchema(schema), v, true));
    return items.length === 0 && !isRequired ? undefined : items;
  }
  if (value === "" && !isRequired) return undefined;
  if (value === undefined || (typeof value === "number" && Number.isNaN(value))) return undefined;
  return value;
}

/** Fields that are required but empty, by path, for the form to flag before sending. */
export function missing(schema: Schema, value: unknown, path = ""): string[] {
  if (kindOf(schema) !== "object" || !isSchema(value)) return [];
  const req = required(schema);
  const out: string[] = [];
  for (const [key, sub] of properties(schema)) {
    const v = value[key];
    const at = path ? `${path}.${key}` : key;
    if (req.has(key) && (v === undefined || v === "" || (typeof v === "number" && Number.isNaN(v)))) out.push(at);
    else out.push(...missing(sub, v, at));
  }
  return out;
}
