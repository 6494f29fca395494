/**
 * Structured output: `--schema SCHEMA` asks for an answer in JSON that
 * matches a JSON Schema, given inline or as `@path/to/file.json`. The schema
 * is sent as the request's `response_format`, and the answer is checked
 * against it with ajv (JSON Schema draft-07, or 2020-12 when its `$schema`
 * says so; `format` is not checked).
 *
 * ajv is large and slow to load: import this module lazily, with
 * `await import("./schema.ts")`, and only when `--schema` is given. No other
 * module imports ajv.
 *
 * @module
 */
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { UsageError } from "../cli/usage_error.ts";

/** The schema of `--schema` and the name it is sent by. */
export interface JsonSchemaRequest {
  /** `[a-zA-Z0-9_-]`, at most 64 characters. */
  name: string;
  schema: Record<string, unknown>;
}

/** The `response_format` field of a chat.completions request. */
export interface JsonSchemaResponseFormat {
  type: "json_schema";
  json_schema: {
    name: string;
    schema: Record<string, unknown>;
    /** Whether the server is to hold the model to it: see {@linkcode fitsStrictMode}. */
    strict: boolean;
  };
}

/** The name of a schema given inline that has no `title`. */
export const DEFAULT_SCHEMA_NAME = "answer";

/** The longest name the API takes. */
const MAX_NAME_LENGTH = 64;

/** Each request's compiled validator. */
const validators = new WeakMap<JsonSchemaRequest, ValidateFunction>();

/**
 * Reads `--schema`'s value: inline JSON, or `@FILE` read with `readText`
 * (`undefined` when there is no such file). The name is the schema's
 * `title`, else the file's name without its extension, else
 * {@linkcode DEFAULT_SCHEMA_NAME}, with any character the API does not take
 * replaced by `_`. The schema is compiled here, once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSchemaArgument } from "./schema.ts";
 * const files: Record<string, string> = {
 *   "schemas/person.json": '{ "type": "object" }',
 * };
 * const readText = (path: string) => Promise.resolve(files[path]);
 * assert.deepEqual(await parseSchemaArgument("@schemas/person.json", readText), {
 *   name: "person",
 *   schema: { type: "object" },
 * });
 * await assert.rejects(parseSchemaArgument("[1]", readText), {
 *   message: "--schema: a JSON schema is an object",
 * });
 * ```
 *
 * @throws {UsageError} for no such file, text that is not JSON, JSON that is
 * not an object, or a schema that is not a valid JSON Schema.
 */
export async function parseSchemaArgument(
  text: string,
  readText: (path: string) => Promise<string | undefined>,
): Promise<JsonSchemaRequest> {
  const path = text.startsWith("@") ? text.slice(1) : undefined;
  if (path === "") {
    throw new UsageError('--schema takes JSON or @FILE, not "@"');
  }
  const flag = path === undefined ? "--schema" : `--schema @${path}`;
  const json = path === undefined ? text : await readText(path);
  if (json === undefined) throw new UsageError(`${flag}: no such file`);
  let schema: unknown;
  try {
    schema = JSON.parse(json.replace(/^\uFEFF/, ""));
  } catch (error) {
    const problem = jsonProblem(
      error,
      path === undefined ? "position" : "line",
    );
    throw new UsageError(`${flag}: not JSON (${problem})`);
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new UsageError(`${flag}: a JSON schema is an object`);
  }
  const request = {
    name: schemaName(schema as Record<string, unknown>, path),
    schema: schema as Record<string, unknown>,
  };
  validators.set(request, compile(request.schema, flag));
  return request;
}

/** JSON.parse's message, without the echo of the text. */
function jsonProblem(error: unknown, where: "position" | "line"): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, "")
    .replace(
      /(?: in JSON)? at position (\d+) \(line (\d+) column (\d+)\)$/,
      (_, position, line, column) =>
        where === "position"
          ? ` at position ${position}`
          : ` at line ${line} column ${column}`,
    );
}

/** The name a schema is sent by: its title, its file's name, or "answer". */
function schemaName(
  schema: Record<string, unknown>,
  path: string | undefined,
): string {
  const file = path?.split(/[\\/]/).pop()?.replace(/\.[^.]*$/, "");
  for (const name of [schema.title, file]) {
    if (typeof name !== "string") continue;
    const clean = name.split(/[^a-zA-Z0-9_-]+/).filter(Boolean).join("_")
      .slice(0, MAX_NAME_LENGTH);
    if (/[a-zA-Z0-9]/.test(clean)) return clean;
  }
  return DEFAULT_SCHEMA_NAME;
}

/** `schema`'s validator; `flag` names it in the message. */
function compile(
  schema: Record<string, unknown>,
  flag = "--schema",
): ValidateFunction {
  const options = {
    allErrors: true,
    logger: false,
    strict: false,
    validateFormats: false,
  } as const;
  const ajv = typeof schema.$schema === "string" &&
      schema.$schema.includes("/draft/2020-12/")
    ? new Ajv2020(options)
    : new Ajv(options);
  let problem;
  try {
    if (ajv.validateSchema(schema) === false) {
      problem = describeErrors(ajv.errors ?? [], false);
    } else {
      return ajv.compile(schema);
    }
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  throw new UsageError(`${flag}: not a valid JSON Schema (${problem})`);
}

/** ajv's first error, `(root)` for the top, and how many others there are. */
function describeErrors(
  errors: readonly { instancePath: string; message?: string }[],
  counted = true,
): string {
  const { instancePath = "", message = "is not valid" } = errors[0] ?? {};
  const more = counted && errors.length > 1
    ? ` (and ${errors.length - 1} more)`
    : "";
  return `${instancePath || "(root)"} ${message}${more}`;
}

/**
 * The `response_format` of a request that asks for JSON matching the schema:
 * strict when OpenAI's strict mode takes the schema (which it refuses
 * otherwise, with a 400), else not, and the answer is checked here alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { responseFormat } from "./schema.ts";
 * const schema = {
 *   type: "object",
 *   properties: { n: { type: "integer" } },
 *   required: ["n"],
 *   additionalProperties: false,
 * };
 * assert.deepEqual(responseFormat({ name: "answer", schema }), {
 *   type: "json_schema",
 *   json_schema: { name: "answer", schema, strict: true },
 * });
 * assert.equal(
 *   responseFormat({ name: "answer", schema: { type: "object" } }).json_schema.strict,
 *   false,
 * );
 * ```
 */
export function responseFormat(
  request: JsonSchemaRequest,
): JsonSchemaResponseFormat {
  return {
    type: "json_schema",
    json_schema: {
      name: request.name,
      schema: request.schema,
      strict: fitsStrictMode(request.schema),
    },
  };
}

/** What OpenAI's strict mode does not take anywhere in a schema. */
const NOT_STRICT = [
  "allOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "patternProperties",
  "dependentRequired",
  "dependentSchemas",
];

/**
 * Whether OpenAI's strict mode takes the schema: an object at the root (not
 * `anyOf`), and in every object of it, however deep (properties, array
 * items, `$defs`, `anyOf`'s branches), every property required and
 * `additionalProperties: false`; no `allOf`, `oneOf`, `not` or `if`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitsStrictMode } from "./schema.ts";
 * const point = {
 *   type: "object",
 *   properties: { x: { type: "number" }, y: { type: "number" } },
 *   required: ["x", "y"],
 *   additionalProperties: false,
 * };
 * assert.equal(fitsStrictMode(point), true);
 * assert.equal(fitsStrictMode({ ...point, required: ["x"] }), false);
 * ```
 */
export function fitsStrictMode(schema: Record<string, unknown>): boolean {
  return isType(schema, "object") && schema.anyOf === undefined &&
    fitsStrict(schema);
}

/** Whether a subschema, and every one inside it, fits strict mode. */
function fitsStrict(schema: unknown): boolean {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return false;
  }
  const node = schema as Record<string, unknown>;
  if (NOT_STRICT.some((keyword) => keyword in node)) return false;
  const properties = tableOf(node.properties);
  if (properties === null) return false;
  if (isType(node, "object") || node.properties !== undefined) {
    const required = Array.isArray(node.required) ? node.required : [];
    if (node.additionalProperties !== false) return false;
    if (!Object.keys(properties).every((name) => required.includes(name))) {
      return false;
    }
  }
  const inside: unknown[] = [
    ...Object.values(properties),
    ...[node.items ?? []].flat(),
    ...(Array.isArray(node.prefixItems) ? node.prefixItems : []),
    ...(Array.isArray(node.anyOf) ? node.anyOf : []),
  ];
  for (const key of ["$defs", "definitions"]) {
    const defs = tableOf(node[key]);
    if (defs === null) return false;
    inside.push(...Object.values(defs));
  }
  if (node.anyOf !== undefined && !Array.isArray(node.anyOf)) return false;
  return inside.every(fitsStrict);
}

/** Whether the schema's `type` is, or lists, `type`. */
function isType(schema: Record<string, unknown>, type: string): boolean {
  return schema.type === type ||
    (Array.isArray(schema.type) && schema.type.includes(type));
}

/** A keyword's table of schemas: `{}` when absent, `null` when no table. */
function tableOf(value: unknown): Record<string, unknown> | null {
  if (value === undefined) return {};
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : null;
}

/**
 * Whether the answer is JSON that matches the schema: its value, or one line
 * that says why not (the first mismatch, and how many more there are).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateAnswer } from "./schema.ts";
 * const request = {
 *   name: "answer",
 *   schema: { type: "object", properties: { age: { type: "integer" } } },
 * };
 * assert.deepEqual(validateAnswer(request, '{"age": 3}'), {
 *   ok: true,
 *   value: { age: 3 },
 * });
 * assert.deepEqual(validateAnswer(request, '{"age": 3.5}'), {
 *   ok: false,
 *   message: "the answer does not match the schema: /age must be integer",
 * });
 * ```
 *
 * @throws {UsageError} when the request was not made by
 * {@linkcode parseSchemaArgument} and its schema is not a valid JSON Schema.
 */
export function validateAnswer(
  request: JsonSchemaRequest,
  answer: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  let validate = validators.get(request);
  if (validate === undefined) {
    validate = compile(request.schema);
    validators.set(request, validate);
  }
  let value: unknown;
  try {
    value = JSON.parse(answer);
  } catch (error) {
    return {
      ok: false,
      message: `the answer is not JSON: ${jsonProblem(error, "position")}`,
    };
  }
  if (validate(value)) return { ok: true, value };
  return {
    ok: false,
    message: "the answer does not match the schema: " +
      describeErrors(validate.errors ?? []),
  };
}
