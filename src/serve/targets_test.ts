import assert from "node:assert/strict";
import { parseOptions } from "../cli/options.ts";
import type { ConfigFile } from "../config/file.ts";
import { settingsOf } from "../config/plan.ts";
import { Secrets } from "../io/redact.ts";
import { askedOf, planOf, upstreamBody } from "./targets.ts";

const FILE: ConfigFile = {
  path: "/c.toml",
  prices: {},
  options: { temperature: 0.5 },
  providers: [{
    name: "work",
    baseURL: "https://gateway.example/v1",
    keyVariable: "GPT4O_WORK_KEY",
    defaultModel: "gpt-4o-mini",
    headers: {},
  }, {
    name: "resp",
    baseURL: "https://r.example/v1",
    defaultModel: "m",
    headers: {},
    api: "responses",
  }],
  roles: [
    {
      name: "lawyer",
      system: "You are a careful lawyer.",
      model: ["work:gpt-4o"],
      options: { seed: 7 },
    },
    { name: "terse", system: "Be terse." },
  ],
  aliases: { fast: ["groq:x", "work:"] },
  mcp: [],
};

const read = (vars: Record<string, string>) => (name: string) => vars[name];
const settings = settingsOf(
  read({ OPENAI_API_KEY: "sk-a-0123456789", GPT4O_WORK_KEY: "wk-0123456789" }),
  FILE,
);
const serve = (...args: string[]) => parseOptions(["--serve", ...args]);
const specs = (plan: ReturnType<typeof planOf>) =>
  plan.targets.map(({ spec }) => spec);

Deno.test("planOf() takes what -m takes, the run's own model when none is named", async (t) => {
  const cases: [unknown, string[], string[]][] = [
    [undefined, [], ["gpt-4o"]],
    ["", [], ["gpt-4o"]],
    [null, ["-m", "work:"], ["work:gpt-4o-mini"]],
    ["work:gpt-4o", [], ["work:gpt-4o"]],
    ["work:a, gpt-4o", [], ["work:a", "gpt-4o"]],
    ["role:lawyer", ["-m", "x"], ["work:gpt-4o"]],
    ["role:terse", [], ["gpt-4o"]],
  ];
  for (const [model, args, expected] of cases) {
    await t.step(`${model} (${args.join(" ")})`, () => {
      assert.deepEqual(
        specs(planOf(model, serve(...args), settings)),
        expected,
      );
    });
  }
});

Deno.test("planOf() gives role:NAME's system message and options, over the config file's", () => {
  const plan = planOf("role:lawyer", serve("-o", "top_p=0.9"), settings);
  assert.equal(plan.system, "You are a careful lawyer.");
  assert.deepEqual(plan.start.sampling, {
    temperature: 0.5,
    seed: 7,
    top_p: 0.9,
  });
  const plain = planOf("gpt-4o", serve("-s", "From -s."), settings);
  assert.equal(plain.system, undefined);
  assert.equal(plain.start.system, "From -s.");
});

Deno.test("planOf() refuses a role, a model or a provider it cannot ask, in OpenAI's error shape", async (t) => {
  const cases: [unknown, number, string, string][] = [
    [
      "role:judge",
      404,
      "there is no role judge in /c.toml: GET /v1/models lists the models and roles",
      "model_not_found",
    ],
    [
      "fast",
      400,
      "GROQ_API_KEY is not set: export it, or put GROQ_API_KEY=... in a .env file here",
      "model_not_available",
    ],
    ["work:", 400, "", "model_not_available"],
    [
      "resp:",
      400,
      'm (resp) is asked through the Responses API (api = "responses"), which --serve does not relay yet: ask a provider of chat completions',
      "model_not_available",
    ],
    [3, 400, "model must be a text, such as gpt-4o", "invalid_model"],
  ];
  for (const [model, status, message, code] of cases) {
    await t.step(String(model), () => {
      const noWorkKey = model === "work:"
        ? settingsOf(read({}), FILE)
        : settings;
      assert.throws(
        () => planOf(model, serve(), noWorkKey),
        (error: { status: number; message: string; code: string }) => {
          assert.equal(error.status, status);
          if (message) assert.equal(error.message, message);
          assert.equal(error.code, code);
          return true;
        },
      );
    });
  }
});

Deno.test("askedOf() checks the request's options as -o does, and keeps the other fields as they are", () => {
  assert.deepEqual(
    askedOf({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      temperature: 0,
      max_completion_tokens: 10,
      stop: "END",
      seed: null,
      tools: [{ type: "function" }],
      top_k: 40,
      user: null,
    }),
    {
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      sampling: { temperature: 0, max_tokens: 10, stop: ["END"] },
      fields: { tools: [{ type: "function" }], top_k: 40, user: null },
    },
  );
});

Deno.test("askedOf() refuses what the API does not take, naming it", async (t) => {
  const messages = [{ role: "user", content: "Hi" }];
  const cases: [Record<string, unknown>, string, string][] = [
    [
      {},
      'messages must be a list of messages, such as [{"role": "user", "content": "Hi"}]',
      "invalid_messages",
    ],
    [
      { messages: ["Hi"] },
      'messages must be a list of messages, such as [{"role": "user", "content": "Hi"}]',
      "invalid_messages",
    ],
    [
      { messages, stream: "yes" },
      "stream must be true or false",
      "invalid_value",
    ],
    [
      { messages, temperature: "hot" },
      'temperature must be a number from 0 to 2, not "hot"',
      "invalid_value",
    ],
    [
      { messages, max_tokens: 0 },
      "max_tokens must be a whole number of at least 1, not 0",
      "invalid_value",
    ],
    [
      { messages, stop: ["a", "b", "c", "d", "e"] },
      "stop must be a list of 1 to 4 stop sequences, not a list of 5",
      "invalid_value",
    ],
  ];
  for (const [body, message, code] of cases) {
    await t.step(message, () => {
      assert.throws(() => askedOf(body), { status: 400, message, code });
    });
  }
});

Deno.test("upstreamBody() names the options as the target's server takes them, the client's over the server's, secrets masked", () => {
  const secrets = new Secrets();
  secrets.add("sk-a-0123456789");
  const asked = askedOf({
    messages: [{ role: "user", content: "Is sk-a-0123456789 mine?" }],
    max_tokens: 5,
    temperature: 1,
    tool_choice: "auto",
  });
  const openai = planOf("openai:gpt-4o", serve(), settings);
  assert.deepEqual(upstreamBody(asked, openai, openai.targets[0], secrets), {
    tool_choice: "auto",
    temperature: 1,
    max_completion_tokens: 5,
    messages: [{ role: "user", content: "Is [redacted] mine?" }],
  });
  const lawyer = planOf("role:lawyer", serve(), settings);
  assert.deepEqual(upstreamBody(asked, lawyer, lawyer.targets[0], secrets), {
    tool_choice: "auto",
    temperature: 1,
    max_tokens: 5,
    seed: 7,
    messages: [
      { role: "system", content: "You are a careful lawyer." },
      { role: "user", content: "Is [redacted] mine?" },
    ],
  });
});
