import assert from "node:assert/strict";
import { UsageError } from "../cli/usage_error.ts";
import {
  fitsStrictMode,
  type JsonSchemaRequest,
  parseSchemaArgument,
  responseFormat,
  validateAnswer,
} from "./schema.ts";

/** A readText that serves these files, and records what it was asked. */
function files(contents: Record<string, string>) {
  const asked: string[] = [];
  const readText = (path: string) => {
    asked.push(path);
    return Promise.resolve(contents[path]);
  };
  return { readText, asked };
}

const noFiles = files({}).readText;

const PEOPLE = {
  type: "object",
  title: "People",
  description: "Who is there",
  properties: {
    people: {
      type: "array",
      items: { $ref: "#/$defs/person" },
    },
  },
  required: ["people"],
  additionalProperties: false,
  $defs: {
    person: {
      type: "object",
      description: "One person",
      properties: {
        name: { type: "string" },
        age: { type: "integer" },
      },
      required: ["name", "age"],
      additionalProperties: false,
    },
  },
};

Deno.test("parseSchemaArgument() reads inline JSON, named answer", async () => {
  const { readText, asked } = files({});
  assert.deepEqual(
    await parseSchemaArgument('{"type":"object"}', readText),
    { name: "answer", schema: { type: "object" } },
  );
  assert.deepEqual(asked, []);
});

Deno.test("parseSchemaArgument() reads @FILE, named by the file", async () => {
  const { readText, asked } = files({
    "schemas/person.json": '\uFEFF{\n  "type": "object"\n}\n',
  });
  assert.deepEqual(
    await parseSchemaArgument("@schemas/person.json", readText),
    { name: "person", schema: { type: "object" } },
  );
  assert.deepEqual(asked, ["schemas/person.json"]);
});

Deno.test("parseSchemaArgument() names the schema by its title, else its file, sanitised", async (t) => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["@people.json", PEOPLE, "People"],
    ["@a/b/my schema.v2.json", { type: "object" }, "my_schema_v2"],
    ["@C:\\schemas\\invoice.schema.json", { type: "object" }, "invoice_schema"],
    ["@noextension", { type: "object" }, "noextension"],
    ["@x.json", { title: "Person record (v2)" }, "Person_record_v2"],
    ["@x.json", { title: "x".repeat(70) }, "x".repeat(64)],
    ["@x.json", { title: "??" }, "x"],
    ["@.json", {}, "answer"],
    ["@été.json", {}, "t"],
    ["@ü.json", {}, "answer"],
    ["@_private-1.json", {}, "_private-1"],
    ["{}", { title: "Tâche" }, "T_che"],
  ];
  for (const [argument, schema, name] of cases) {
    await t.step(
      `${argument} ${JSON.stringify(schema.title ?? "")}`,
      async () => {
        const text = JSON.stringify(schema);
        const path = argument.startsWith("@") ? argument.slice(1) : undefined;
        const readText = files(path ? { [path]: text } : {}).readText;
        const request = await parseSchemaArgument(
          path ? argument : text,
          readText,
        );
        assert.deepEqual(request, { name, schema });
      },
    );
  }
});

Deno.test("parseSchemaArgument() refuses a missing file", async () => {
  await assert.rejects(
    parseSchemaArgument("@x.json", noFiles),
    new UsageError("--schema @x.json: no such file"),
  );
  await assert.rejects(
    parseSchemaArgument("@", noFiles),
    new UsageError('--schema takes JSON or @FILE, not "@"'),
  );
});

Deno.test("parseSchemaArgument() refuses text that is not JSON, in short", async (t) => {
  const cases: [string, string][] = [
    [
      "{x}",
      "--schema: not JSON (Expected property name or '}' at position 1)",
    ],
    ["abc", "--schema: not JSON (Unexpected token 'a')"],
    ["", "--schema: not JSON (Unexpected end of JSON input)"],
    [
      '{"type": "object"}}',
      "--schema: not JSON (Unexpected non-whitespace character after JSON at position 18)",
    ],
  ];
  for (const [text, message] of cases) {
    await t.step(JSON.stringify(text), async () => {
      await assert.rejects(
        parseSchemaArgument(text, noFiles),
        new UsageError(message),
      );
    });
  }
  await t.step("a file's line and column", async () => {
    const { readText } = files({ "s.json": '{\n  "type": "object",\n}' });
    await assert.rejects(
      parseSchemaArgument("@s.json", readText),
      new UsageError(
        "--schema @s.json: not JSON (Expected double-quoted property name at line 3 column 1)",
      ),
    );
  });
});

Deno.test("parseSchemaArgument() refuses JSON that is not an object", async (t) => {
  for (const text of ["[]", "true", "null", '"object"', "1"]) {
    await t.step(text, async () => {
      await assert.rejects(
        parseSchemaArgument(text, noFiles),
        new UsageError("--schema: a JSON schema is an object"),
      );
    });
  }
  await t.step("in a file", async () => {
    await assert.rejects(
      parseSchemaArgument("@s.json", files({ "s.json": "[]" }).readText),
      new UsageError("--schema @s.json: a JSON schema is an object"),
    );
  });
});

Deno.test("parseSchemaArgument() refuses a schema the validator cannot compile", async (t) => {
  const cases: [unknown, string][] = [
    [
      { type: "nope" },
      "/type must be equal to one of the allowed values",
    ],
    [
      { type: "object", properties: { a: { type: "integer", minimum: "1" } } },
      "/properties/a/minimum must be number",
    ],
    [
      { type: "object", required: "a" },
      "/required must be array",
    ],
    [
      { type: "object", properties: { a: { $ref: "#/$defs/missing" } } },
      "can't resolve reference #/$defs/missing from id #",
    ],
    [
      { $schema: "https://example.com/my-schema", type: "object" },
      'no schema with key or ref "https://example.com/my-schema"',
    ],
  ];
  for (const [schema, problem] of cases) {
    await t.step(problem, async () => {
      await assert.rejects(
        parseSchemaArgument(JSON.stringify(schema), noFiles),
        new UsageError(`--schema: not a valid JSON Schema (${problem})`),
      );
    });
  }
  await t.step("in a file", async () => {
    const { readText } = files({ "s.json": '{"type": 1}' });
    await assert.rejects(
      parseSchemaArgument("@s.json", readText),
      new UsageError(
        "--schema @s.json: not a valid JSON Schema (/type must be equal to one of the allowed values)",
      ),
    );
  });
});

Deno.test("parseSchemaArgument() compiles OpenAI-style schemas, printing nothing", async () => {
  const printed: unknown[] = [];
  const saved = { ...console };
  for (const method of ["log", "warn", "error", "info", "debug"] as const) {
    console[method] = (...args: unknown[]) => printed.push(args);
  }
  try {
    const cases = [
      PEOPLE,
      {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        ...PEOPLE,
      },
      { $schema: "http://json-schema.org/draft-07/schema#", ...PEOPLE },
      {
        type: "object",
        properties: {
          when: { type: "string", format: "date-time" },
          unit: {
            anyOf: [{ type: "string", enum: ["m", "s"] }, { type: "null" }],
          },
          tree: { $ref: "#" },
        },
        required: ["when"],
        additionalProperties: false,
        "x-unknown-keyword": true,
      },
    ];
    for (const schema of cases) {
      const request = await parseSchemaArgument(
        JSON.stringify(schema),
        noFiles,
      );
      assert.deepEqual(request.schema, schema);
    }
  } finally {
    Object.assign(console, saved);
  }
  assert.deepEqual(printed, []);
});

Deno.test("responseFormat() is the request body's response_format", () => {
  const request = { name: "People", schema: PEOPLE };
  assert.deepEqual(responseFormat(request), {
    type: "json_schema",
    json_schema: { name: "People", schema: PEOPLE, strict: true },
  });
});

/** An object schema with every property required and nothing more allowed. */
function closed(properties: Record<string, unknown>, extra = {}) {
  return {
    type: "object",
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
    ...extra,
  };
}

Deno.test("fitsStrictMode() takes a schema only when OpenAI's strict mode does", async (t) => {
  const name = { type: "string" };
  const cases: [string, Record<string, unknown>, boolean][] = [
    ["every property required, nothing more", closed({ name }), true],
    ["nested objects and arrays of them, closed", PEOPLE, true],
    ["an object with no properties, closed", closed({}), true],
    [
      "anyOf of closed objects, and a null",
      closed({
        pet: {
          anyOf: [closed({ name }), closed({ legs: { type: "integer" } }), {
            type: "null",
          }],
        },
      }),
      true,
    ],
    [
      "a nullable object, closed",
      closed({ boss: { ...closed({ name }), type: ["object", "null"] } }),
      true,
    ],
    ["a property not required", { ...closed({ name }), required: [] }, false],
    ["no required at all", {
      type: "object",
      properties: { name },
      additionalProperties: false,
    }, false],
    ["additionalProperties left out", {
      type: "object",
      properties: { name },
      required: ["name"],
    }, false],
    [
      "additionalProperties true",
      closed({ name }, {
        additionalProperties: true,
      }),
      false,
    ],
    [
      "additionalProperties a schema",
      closed({ name }, {
        additionalProperties: name,
      }),
      false,
    ],
    ["an open object inside", closed({ boss: { type: "object" } }), false],
    [
      "an open object in an array's items",
      closed({
        list: {
          type: "array",
          items: { type: "object", properties: { name } },
        },
      }),
      false,
    ],
    [
      "an open object in a tuple's items",
      closed({ pair: { type: "array", items: [name, { type: "object" }] } }),
      false,
    ],
    [
      "an open object in $defs",
      closed({ p: { $ref: "#/$defs/p" } }, {
        $defs: { p: { type: "object", properties: { name } } },
      }),
      false,
    ],
    [
      "an open object in definitions",
      closed({ p: { $ref: "#/definitions/p" } }, {
        definitions: { p: { type: "object" } },
      }),
      false,
    ],
    [
      "an open object in an anyOf",
      closed({ pet: { anyOf: [closed({ name }), { type: "object" }] } }),
      false,
    ],
    [
      "properties without a type, not closed",
      { properties: { name } },
      false,
    ],
    ["anyOf at the root", { anyOf: [closed({ name })] }, false],
    ["not an object at the root", { type: "array", items: name }, false],
    ["allOf", closed({ name }, { allOf: [closed({ name })] }), false],
    ["oneOf inside", closed({ x: { oneOf: [name, { type: "null" }] } }), false],
    ["not", closed({ x: { not: name } }), false],
    ["if", closed({ x: { if: name, then: name } }), false],
    [
      "patternProperties",
      closed({}, { patternProperties: { a: name } }),
      false,
    ],
    ["a boolean subschema", closed({ x: true }), false],
  ];
  for (const [what, schema, strict] of cases) {
    await t.step(what, () => {
      assert.equal(fitsStrictMode(schema), strict);
      assert.equal(
        responseFormat({ name: "answer", schema }).json_schema.strict,
        strict,
      );
    });
  }
});

Deno.test("validateAnswer() returns the value of an answer that matches", async () => {
  const request = await parseSchemaArgument(JSON.stringify(PEOPLE), noFiles);
  const answer = { people: [{ name: "Ada", age: 36 }] };
  assert.deepEqual(validateAnswer(request, JSON.stringify(answer)), {
    ok: true,
    value: answer,
  });
});

Deno.test("validateAnswer() says where an answer does not match, and how many more", async (t) => {
  const request = await parseSchemaArgument(JSON.stringify(PEOPLE), noFiles);
  const cases: [unknown, string][] = [
    [{ people: [{ name: "Ada", age: 36.5 }] }, "/people/0/age must be integer"],
    [
      { people: [{ name: "Ada", age: 36 }, { name: "Bob" }] },
      "/people/1 must have required property 'age'",
    ],
    [{}, "(root) must have required property 'people'"],
    [[], "(root) must be object"],
    [
      { people: [{ name: 1, age: "x" }], extra: true },
      "(root) must NOT have additional properties (and 2 more)",
    ],
    [
      { people: [{ name: "Ada", age: 1.5 }, { name: "Bob", age: "2" }] },
      "/people/0/age must be integer (and 1 more)",
    ],
  ];
  for (const [answer, problem] of cases) {
    await t.step(problem, () => {
      assert.deepEqual(validateAnswer(request, JSON.stringify(answer)), {
        ok: false,
        message: `the answer does not match the schema: ${problem}`,
      });
    });
  }
});

Deno.test("validateAnswer() says an answer is not JSON", async () => {
  const request = await parseSchemaArgument('{"type":"object"}', noFiles);
  assert.deepEqual(validateAnswer(request, '{"people": ['), {
    ok: false,
    message: "the answer is not JSON: Unexpected end of JSON input",
  });
  assert.deepEqual(validateAnswer(request, "Sure! Here it is: {}"), {
    ok: false,
    message: "the answer is not JSON: Unexpected token 'S'",
  });
  const long = '{"a": 1, "b": x1234567890123456789012345678901234567890}';
  assert.deepEqual(validateAnswer(request, long), {
    ok: false,
    message: "the answer is not JSON: Unexpected token 'x'",
  });
  assert.deepEqual(
    validateAnswer(request, `Sure! ${"Here it is. ".repeat(9)}`),
    {
      ok: false,
      message: "the answer is not JSON: Unexpected token 'S'",
    },
  );
  assert.deepEqual(validateAnswer(request, "{} {}"), {
    ok: false,
    message:
      "the answer is not JSON: Unexpected non-whitespace character after JSON at position 3",
  });
});

Deno.test("validateAnswer() compiles a request it did not parse, once", () => {
  const request: JsonSchemaRequest = {
    name: "answer",
    schema: { type: "object", required: ["a"] },
  };
  assert.deepEqual(validateAnswer(request, '{"a": 1}'), {
    ok: true,
    value: { a: 1 },
  });
  // The schema compiled first is the one used, even if the object changes.
  request.schema.required = ["b"];
  assert.deepEqual(validateAnswer(request, '{"a": 1}'), {
    ok: true,
    value: { a: 1 },
  });
  assert.throws(
    () => validateAnswer({ name: "answer", schema: { type: 1 } }, "{}"),
    new UsageError(
      "--schema: not a valid JSON Schema (/type must be equal to one of the allowed values)",
    ),
  );
});
