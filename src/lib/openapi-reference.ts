// The OpenAPI document as the reference page (/api/docs) lists it: each operation with its
// parameters and body fields in rows a person reads. Only what the generated document
// holds is handled: objects, arrays, enums, anyOf with null.

export interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

export interface OperationRow {
  id: string;
  method: string;
  path: string;
  summary: string;
  fields: FieldRow[];
  /** The body's content type, when it is not JSON (the image upload). */
  bodyType?: string;
  responses: string[];
}

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
};

type Operation = {
  operationId?: string;
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string }>;
};

/** "string", "integer", "one of draft, published", "array of string", "string or null". */
export function typeOf(schema: Schema | undefined): string {
  if (!schema) return "any";
  if (schema.enum) return `one of ${schema.enum.join(", ")}`;
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" or ");
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any");
  if (type === "array") return `array of ${typeOf(schema.items)}`;
  return schema.format ? `${type} (${schema.format})` : type;
}

function limits(schema: Schema | undefined): string {
  if (!schema) return "";
  const parts = [schema.minLength ? `at least ${schema.minLength} characters` : "", schema.maxLength ? `at most ${schema.maxLength}` : ""];
  return parts.filter(Boolean).join(", ");
}

export function operationsOf(doc: { paths?: Record<string, Record<string, Operation>> }): OperationRow[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const fields: FieldRow[] = (op.parameters ?? []).map((p) => ({
        name: p.in === "path" ? `{${p.name}}` : p.name,
        type: typeOf(p.schema),
        required: Boolean(p.required),
        description: [p.description ?? p.schema?.description ?? (p.in === "path" ? "In the address" : "In the query"), limits(p.schema)]
          .filter(Boolean)
          .join("; "),
      }));
      const [bodyType, body] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      for (const [name, schema] of Object.entries(body?.schema?.properties ?? {})) {
        if (fields.some((f) => f.name === `{${name}}`)) continue;
        fields.push({
          name,
          type: typeOf(schema),
          required: body?.schema?.required?.includes(name) ?? false,
          description: [schema.description ?? "", limits(schema)].filter(Boolean).join("; "),
        });
      }
      return {
        id: op.operationId ?? `${method}-${path}`,
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? "",
        fields,
        bodyType: bodyType && bodyType !== "application/json" ? bodyType : undefined,
        responses: Object.keys(op.responses ?? {}),
      };
    }),
  );
}
