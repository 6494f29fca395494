/**
 * The whole program in-process with what shapes a request beyond its
 * messages: sampling options from the flags, the config file and a role,
 * kept by the history for `-c`; `--schema` asked for and checked; and
 * `--models`.
 */
import assert from "node:assert/strict";

import {
  answering,
  CONFIG_PATH,
  historyTest,
  json,
  KEY,
  run,
  savedTurns,
  tempFolder,
} from "../testdata/harness.ts";
import { assertOpenAIRequest } from "../testdata/openai.ts";

/**
 * What each request's body holds besides its model and messages, each held
 * to OpenAI's schema first.
 */
function extras(requests: { body: Record<string, unknown> }[]) {
  return requests.map(({ body }) => {
    assertOpenAIRequest(body);
    const { model: _, messages: __, ...rest } = body;
    return rest;
  });
}

Deno.test("-o and its short forms go into the request, max_tokens as OpenAI's API names it", async () => {
  const { code, requests } = await run([
    "-o",
    "temperature=0.2",
    "-o",
    "stop=END",
    "-o",
    "stop=###",
    "--max-tokens",
    "50",
    "-o",
    "seed=7",
    "-o",
    "reasoning_effort=low",
    "Hi",
  ]);
  assert.equal(code, 0);
  assert.deepEqual(extras(requests), [{
    temperature: 0.2,
    max_completion_tokens: 50,
    seed: 7,
    stop: ["END", "###"],
    reasoning_effort: "low",
  }]);
});

Deno.test("max_tokens goes to any other server as max_tokens", async () => {
  const { requests } = await run(["--max-tokens", "50", "Hi"], {
    env: { OPENAI_BASE_URL: "http://127.0.0.1:1337/v1" },
  });
  assert.deepEqual(extras(requests), [{ max_tokens: 50 }]);
});

Deno.test("a bad option stops the run before anything is sent: exit 2 naming it", async () => {
  const { code, stderr, requests } = await run(["-o", "top_p=2", "Hi"]);
  assert.deepEqual({ code, stderr, sent: requests.length }, {
    code: 2,
    stderr: '-o top_p takes a number from 0 to 1, not "2" (see --help)\n',
    sent: 0,
  });
});

Deno.test("-o passes an option it does not know on to another server, as the JSON its value is", async () => {
  const { code, requests } = await run([
    "-o",
    "top_k=40",
    "-o",
    "min_p=0.05",
    "-o",
    "mirostat=true",
    "-o",
    "mode=fast",
    "Hi",
  ], { env: { OPENAI_BASE_URL: "http://127.0.0.1:1337/v1" } });
  assert.equal(code, 0);
  const { model: _, messages: __, ...rest } = requests[0].body;
  assert.deepEqual(rest, {
    top_k: 40,
    min_p: 0.05,
    mirostat: true,
    mode: "fast",
  });
});

Deno.test("an option OpenAI's API does not take stops a run that would send it there: exit 2, nothing sent", async () => {
  const refused = await run(["-o", "top_k=40", "Hi"]);
  assert.deepEqual(
    { code: refused.code, stderr: refused.stderr, sent: refused.requests },
    {
      code: 2,
      stderr: "top_k: OpenAI's API takes no such option and would refuse " +
        "the request to gpt-4o; other servers get it as it is (leave it " +
        "out, or ask another server with -m provider:) (see --help)\n",
      sent: [],
    },
  );
  // One it takes goes there too.
  const taken = await run(["-o", "user=ada", "Hi"]);
  assert.deepEqual(extras(taken.requests), [{ user: "ada" }]);
});

Deno.test("a near miss of an option it knows stops the run, saying which it may mean", async () => {
  const { code, stderr, requests } = await run(["-o", "temprature=0.2", "Hi"]);
  assert.deepEqual({ code, stderr, sent: requests.length }, {
    code: 2,
    stderr: '-o: unknown option "temprature": did you mean temperature? (a ' +
      "name the program does not know goes to the server as it is) (see --help)\n",
    sent: 0,
  });
});

const CONFIG = `
options = { temperature = 0.7, seed = 1 }

[roles.exact]
system = "Be exact."
options = { temperature = 0 }
`;

Deno.test("the options come from the flags, then the role, then the config file, option by option", async () => {
  const env = { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH };
  const plain = await run(["Hi"], { env, config: CONFIG });
  const role = await run(["-r", "exact", "Hi"], { env, config: CONFIG });
  const flag = await run(["-r", "exact", "--temperature", "1", "Hi"], {
    env,
    config: CONFIG,
  });
  assert.deepEqual(
    [plain, role, flag].map((each) => extras(each.requests)[0]),
    [
      { temperature: 0.7, seed: 1 },
      { temperature: 0, seed: 1 },
      { temperature: 1, seed: 1 },
    ],
  );
});

Deno.test("a config file's option of the wrong type exits 2 naming it; an unknown one is named and left out", async () => {
  const env = { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH };
  const wrong = await run(["Hi"], {
    env,
    config: 'options = { temperature = "hot" }\n',
  });
  assert.deepEqual({ code: wrong.code, stderr: wrong.stderr }, {
    code: 2,
    stderr: `options.temperature in ${CONFIG_PATH} must be a number from 0 ` +
      'to 2, not "hot"\n',
  });
  const typo = await run(["Hi"], {
    env,
    config: "options = { temprature = 1 }\n",
  });
  assert.equal(typo.code, 0);
  assert.equal(
    typo.stderr,
    `unknown setting options.temprature in ${CONFIG_PATH}, ignored (did you ` +
      "mean temperature?)\n",
  );
  assert.deepEqual(extras(typo.requests), [{}]);
});

historyTest(
  "the history keeps each exchange's options; -c keeps them unless a flag says otherwise; --show lists them",
  async () => {
    await using folder = await tempFolder();
    const path = `${folder.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    await run(["--temperature", "0.3", "-o", "seed=5", "Hi"], { env });
    const kept = await run(["-c", "Again"], { env });
    const changed = await run(["-c", "--temperature", "1", "Once more"], {
      env,
    });
    assert.deepEqual(
      [kept, changed].map((each) => extras(each.requests)[0]),
      [{ temperature: 0.3, seed: 5 }, { temperature: 1, seed: 5 }],
    );
    assert.deepEqual(
      savedTurns(path, 1)!.map((turn) => turn.options),
      [
        { temperature: 0.3, seed: 5 },
        { temperature: 0.3, seed: 5 },
        { temperature: 1, seed: 5 },
      ],
    );
    const shown = await run(["--show", "1"], { env });
    assert.match(
      shown.stdout,
      /> Hi\n\n\[options: temperature=0\.3 seed=5\]\n/,
    );
  },
);

const SCHEMA = JSON.stringify({
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" } },
  required: ["name", "age"],
  additionalProperties: false,
});

Deno.test("--schema asks for JSON that follows the schema, and prints an answer that does", async () => {
  const answer = '{"name":"Ada","age":36}';
  for (const stream of [[], ["--stream"]]) {
    const { code, stdout, stderr, requests } = await run(
      ["--schema", SCHEMA, ...stream, "Invent a person"],
      { reply: answering(answer) },
    );
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: `${answer}\n`,
      stderr: "",
    });
    assertOpenAIRequest(requests[0].body);
    assert.deepEqual(requests[0].body.response_format, {
      type: "json_schema",
      json_schema: { name: "answer", schema: JSON.parse(SCHEMA), strict: true },
    });
  }
});

Deno.test("--schema asks for strict mode only for a schema OpenAI's strict mode takes", async (t) => {
  const open = JSON.stringify({
    type: "object",
    properties: { name: { type: "string" }, age: { type: "integer" } },
    required: ["name"],
  });
  const cases: [string, string, boolean][] = [
    ["every property required, additionalProperties false", SCHEMA, true],
    ["a property not required, other properties allowed", open, false],
  ];
  for (const [what, schema, strict] of cases) {
    await t.step(what, async () => {
      const { code, requests } = await run(["--schema", schema, "Hi"], {
        reply: answering('{"name":"Ada","age":36}'),
      });
      assert.equal(code, 0);
      assert.deepEqual(extras(requests), [{
        response_format: {
          type: "json_schema",
          json_schema: { name: "answer", schema: JSON.parse(schema), strict },
        },
      }]);
    });
  }
});

Deno.test("--schema: an answer that does not follow it prints nothing and exits 1, saying what failed", async (t) => {
  const cases: [string, string][] = [
    [
      '{"name":"Ada","age":"old"}',
      "the answer does not match the schema: /age must be integer",
    ],
    ["Ada, 36", "the answer is not JSON: Unexpected token 'A'"],
  ];
  for (const [answer, message] of cases) {
    await t.step(answer, async () => {
      const { code, stdout, stderr } = await run(
        ["--schema", SCHEMA, "--stream", "Invent a person"],
        { reply: answering(answer) },
      );
      assert.deepEqual({ code, stdout, stderr }, {
        code: 1,
        stdout: "",
        stderr: `${message} (see it with --show)\n`,
      });
    });
  }
});

Deno.test("--schema with --json prints the completion alone, and still checks the answer", async () => {
  const good = await run(["--schema", SCHEMA, "--json", "Invent a person"], {
    reply: answering('{"name":"Ada","age":36}'),
  });
  assert.equal(good.code, 0);
  assert.equal(
    JSON.parse(good.stdout).choices[0].message.content,
    '{"name":"Ada","age":36}',
  );
  const bad = await run(["--schema", SCHEMA, "--json", "Invent a person"], {
    reply: answering('{"name":"Ada"}'),
  });
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr,
    "the answer does not match the schema: (root) must have required " +
      "property 'age' (see it with --show)\n",
  );
});

Deno.test("--schema that is no schema exits 2 before anything is sent", async () => {
  const { code, stderr, requests } = await run(["--schema", "[1", "Hi"]);
  assert.equal(code, 2);
  assert.match(stderr, /^--schema: not JSON \(.+\) \(see --help\)\n$/);
  assert.equal(requests.length, 0);
});

Deno.test("--models lists the server's models sorted, one a line, or as JSON", async () => {
  const reply = () =>
    json({
      object: "list",
      data: [
        { id: "gpt-4o-mini", object: "model", created: 1, owned_by: "x" },
        { id: "gpt-4o", object: "model", created: 1, owned_by: "x" },
      ],
    });
  const text = await run(["--models"], { reply });
  assert.deepEqual(
    { code: text.code, stdout: text.stdout, stderr: text.stderr },
    { code: 0, stdout: "gpt-4o\ngpt-4o-mini\n", stderr: "" },
  );
  assert.deepEqual(
    text.requests.map(({ url, method }) => [method, url]),
    [["GET", "https://api.openai.com/v1/models"]],
  );
  const listed = await run(["--models", "--json"], { reply });
  assert.deepEqual(JSON.parse(listed.stdout), ["gpt-4o", "gpt-4o-mini"]);
});

Deno.test("--models of a provider asks that provider's server; a failure is one line", async () => {
  const { code, stderr, requests } = await run(["--models", "-m", "groq:"], {
    env: { GROQ_API_KEY: "gsk-test-0123456789abcdef0123" },
    reply: () => json({ error: { message: "Invalid API Key" } }, 401),
  });
  assert.equal(code, 1);
  assert.equal(requests[0].url, "https://api.groq.com/openai/v1/models");
  assert.match(stderr, /^api\.groq\.com rejected the API key \(401\).*\n$/);
});

Deno.test("the chat's /models lists the current model's server's models", async () => {
  const { stderr } = await run(["--chat"], {
    lines: ["/models"],
    reply: () =>
      json({
        object: "list",
        data: [{ id: "b", object: "model", created: 1, owned_by: "x" }, {
          id: "a",
          object: "model",
          created: 1,
          owned_by: "x",
        }],
      }),
  });
  assert.equal(stderr, "a\nb\n");
});
