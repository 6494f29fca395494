/**
 * OpenAI's own schemas of a chat-completions request and of a Responses API
 * request (from the OpenAPI documents in `openai/chat-request.schema.json`
 * and `openai/responses-request.schema.json`), to hold what the program
 * sends: messages or input items and their parts, options,
 * `response_format` or `text.format`, tools.
 */
import { Ajv } from "ajv";
import schema from "./openai/chat-request.schema.json" with { type: "json" };
import responsesSchema from "./openai/responses-request.schema.json" with {
  type: "json",
};

const document = withoutNullable(schema);

/** OpenAPI 3.0's `nullable: true` in JSON Schema's words: `null` is a type too. */
function withoutNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutNullable);
  if (typeof schema !== "object" || schema === null) return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, withoutNullable(value)]),
  );
  if (nullable !== true) return converted;
  return typeof converted.type === "string"
    ? { ...converted, type: [converted.type, "null"] }
    : { anyOf: [converted, { type: "null" }] };
}
const ajv = new Ajv({
  strict: false,
  allErrors: true,
  validateFormats: false,
  logger: false,
});
ajv.addSchema({ $id: "openai", ...document as Record<string, unknown> });
const validate = ajv.getSchema(
  "openai#/components/schemas/CreateChatCompletionRequest",
)!;

/**
 * The document with `InputItem`'s `oneOf` as `anyOf`: a user message with a
 * list of parts is both an `EasyInputMessage` and an `InputMessage` (with
 * `type: "message"` or without), which OpenAPI's discriminator lets pass and
 * JSON Schema's `oneOf` would refuse.
 */
function withMessagesEither(schema: unknown): unknown {
  const document = structuredClone(schema) as {
    components: { schemas: Record<string, Record<string, unknown>> };
  };
  const item = document.components.schemas.InputItem;
  const { oneOf, ...rest } = item;
  document.components.schemas.InputItem = { ...rest, anyOf: oneOf };
  return document;
}

const responsesAjv = new Ajv({
  strict: false,
  allErrors: true,
  validateFormats: false,
  logger: false,
});
responsesAjv.addSchema({
  $id: "responses",
  ...withoutNullable(withMessagesEither(responsesSchema)) as Record<
    string,
    unknown
  >,
});
const validateResponses = responsesAjv.getSchema(
  "responses#/components/schemas/CreateResponse",
)!;

/**
 * Fails, naming what is wrong, unless `body` is a valid `POST /responses`
 * request by OpenAI's schema.
 */
export function assertResponsesRequest(body: unknown): void {
  if (validateResponses(body)) return;
  throw new Error(
    `not a Responses API request by OpenAI's schema: ${
      responsesAjv.errorsText(validateResponses.errors)
    }`,
  );
}

/** Fails, naming what is wrong, unless `body` is a valid request by OpenAI's schema. */
export function assertOpenAIRequest(body: unknown): void {
  if (validate(body)) return;
  throw new Error(
    `not a chat-completions request by OpenAI's schema: ${
      ajv.errorsText(validate.errors)
    }`,
  );
}

/**
 * Fails unless the messages' tool rounds are as OpenAI takes them: each
 * `tool` message answers a call of the assistant message before it, and
 * every call is answered before the next message of another kind.
 */
export function assertToolSequence(messages: unknown[]): void {
  let open: string[] = [];
  for (const [i, message] of messages.entries()) {
    const { role, tool_calls, tool_call_id } = message as {
      role: string;
      tool_calls?: { id: string }[];
      tool_call_id?: string;
    };
    if (role === "tool") {
      if (!open.includes(tool_call_id!)) {
        throw new Error(`message ${i} answers no open call: ${tool_call_id}`);
      }
      open = open.filter((id) => id !== tool_call_id);
      continue;
    }
    if (open.length) {
      throw new Error(`message ${i} comes before calls ${open} are answered`);
    }
    open = role === "assistant"
      ? (tool_calls ?? []).map((call) => call.id)
      : [];
  }
  if (open.length) throw new Error(`calls ${open} are never answered`);
}
