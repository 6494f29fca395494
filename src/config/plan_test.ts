import assert from "node:assert/strict";
import { ConfigError } from "./connection.ts";
import type { ConfigFile, Role, ToolServer } from "./file.ts";
import type { Conversation } from "../history/conversation.ts";
import { parseOptions } from "../cli/options.ts";
import {
  formatRoles,
  secretsOf,
  settingsOf,
  specsOf,
  startOf,
  targetsOf,
  toolServersOf,
} from "./plan.ts";

const FILE: ConfigFile = {
  path: "/c.toml",
  prices: {},
  model: ["ollama:llama3.2"],
  system: "From the file.",
  providers: [{
    name: "work",
    baseURL: "https://gateway.example/v1",
    keyVariable: "GPT4O_WORK_KEY",
    defaultModel: "gpt-4o-mini",
    headers: { "X-Token": "header-secret-0123456789" },
  }, { name: "bare", baseURL: "http://127.0.0.1:9/v1", headers: {} }],
  roles: [{ name: "lawyer", system: "From the role.", model: ["work:gpt-4o"] }],
  aliases: { fast: ["groq:x", "work:"] },
  mcp: [],
};

const env = (vars: Record<string, string>) => (name: string) => vars[name];

const CONVERSATION: Conversation = {
  id: 3,
  title: "t",
  created: "2026-11-01T10:00:00.000Z",
  updated: "2026-11-01T10:00:00.000Z",
  model: "bare:m",
  system: "From the conversation.",
  turns: [],
};

Deno.test("startOf() takes the model and system message by precedence", async (t) => {
  const cases: [
    string,
    string[],
    Record<string, string>,
    Conversation | undefined,
    string,
    string,
  ][] = [
    ["the defaults", [], {}, undefined, "ollama:llama3.2", "From the file."],
    [
      "a role",
      ["-r", "lawyer"],
      {},
      undefined,
      "work:gpt-4o",
      "From the role.",
    ],
    [
      "GPT4O_* over the role",
      ["-r", "lawyer"],
      { GPT4O_MODEL: "env:m", GPT4O_SYSTEM: "From env." },
      undefined,
      "env:m",
      "From env.",
    ],
    [
      "flags over all",
      ["-m", "flag:m", "-s", "From the flag."],
      { GPT4O_MODEL: "env:m" },
      undefined,
      "flag:m",
      "From the flag.",
    ],
    [
      "a conversation over GPT4O_*",
      [],
      { GPT4O_MODEL: "env:m" },
      CONVERSATION,
      "bare:m",
      "From the conversation.",
    ],
    [
      "a role over the conversation",
      ["-r", "lawyer"],
      {},
      CONVERSATION,
      "work:gpt-4o",
      "From the role.",
    ],
    [
      "-m over the conversation",
      ["-m", "flag:m"],
      {},
      CONVERSATION,
      "flag:m",
      "From the conversation.",
    ],
  ];
  for (const [name, args, vars, resumed, model, system] of cases) {
    await t.step(name, () => {
      const start = startOf(
        parseOptions(args),
        settingsOf(env(vars), FILE),
        resumed,
      );
      assert.deepEqual([start.model, start.system], [model, system]);
    });
  }
  await t.step("without a config file", () => {
    const start = startOf(parseOptions([]), settingsOf(env({})), undefined);
    assert.deepEqual([start.model, start.system], [
      "gpt-4o",
      "You are a helpful assistant.",
    ]);
  });
});

Deno.test("startOf() takes the sampling options option by option: flags, role, file; with -c the conversation's under the role's", () => {
  const file = {
    path: "/c.toml",
    providers: [],
    aliases: {},
    mcp: [],
    prices: {},
    options: { temperature: 0.7, seed: 1 },
    roles: [{ name: "exact", options: { temperature: 0 } }],
  };
  const settings = settingsOf(() => undefined, file);
  const resumed: Conversation = {
    id: 3,
    title: "t",
    created: "2026-11-01T10:00:00.000Z",
    updated: "2026-11-01T10:00:00.000Z",
    model: "gpt-4o",
    system: "Be brief.",
    turns: [{
      system: "Be brief.",
      prompt: "hi",
      model: "gpt-4o",
      endpoint: "api.openai.com/v1",
      answer: "Hello!",
      outcome: "answered",
      started: new Date(),
      finished: new Date(),
      options: { top_p: 0.5, seed: 2 },
    }],
  };
  const sampling = (args: string[], from?: Conversation) =>
    startOf(parseOptions(args), settings, from).sampling;
  assert.deepEqual(sampling([]), { temperature: 0.7, seed: 1 });
  assert.deepEqual(sampling(["-r", "exact"]), { temperature: 0, seed: 1 });
  assert.deepEqual(sampling(["-r", "exact", "--temperature", "2"]), {
    temperature: 2,
    seed: 1,
  });
  assert.deepEqual(sampling([], resumed), { top_p: 0.5, seed: 2 });
  assert.deepEqual(sampling(["-r", "exact", "-o", "seed=9"], resumed), {
    temperature: 0,
    top_p: 0.5,
    seed: 9,
  });
});

Deno.test("startOf() names a role there is not", () => {
  assert.throws(
    () =>
      startOf(
        parseOptions(["-r", "judge"]),
        settingsOf(env({}), FILE),
        undefined,
      ),
    new ConfigError("there is no role judge in /c.toml: --roles lists them"),
  );
  assert.throws(
    () =>
      startOf(parseOptions(["-r", "judge"]), settingsOf(env({})), undefined),
    new ConfigError(
      "there is no role judge: roles are set in the config file (see --help)",
    ),
  );
});

Deno.test("specsOf() reads a comma list in order, aliases standing for theirs", () => {
  const settings = settingsOf(env({}), FILE);
  assert.deepEqual(specsOf("fast,gpt-4o", settings), [
    "groq:x",
    "work:",
    "gpt-4o",
  ]);
  assert.deepEqual(specsOf(" a , ,b, ", settings), ["a", "b"]);
});

Deno.test("targetsOf() resolves each target: provider, model, connection with its key and headers", () => {
  const settings = settingsOf(
    env({ GPT4O_WORK_KEY: "work-key-0123456789" }),
    FILE,
  );
  const [work, bare] = targetsOf("work:,bare:m", settings);
  assert.deepEqual(
    { ...work, connection: { ...work.connection } },
    {
      spec: "work:gpt-4o-mini",
      shown: "gpt-4o-mini (work)",
      model: "gpt-4o-mini",
      provider: "work",
      keyVariable: "GPT4O_WORK_KEY",
      connection: {
        apiKey: "work-key-0123456789",
        baseURL: "https://gateway.example/v1",
        organization: null,
        project: null,
        defaultHeaders: { "X-Token": "header-secret-0123456789" },
      },
    },
  );
  assert.equal(bare.connection.apiKey, "secret");
});

Deno.test("targetsOf() refuses a list that cannot be sent, naming what", async (t) => {
  const settings = settingsOf(env({}), FILE);
  await t.step("no model at all", () => {
    assert.throws(
      () => targetsOf(" , ", settings),
      new ConfigError('" , " names no model: see --help for -m'),
    );
  });
  await t.step("a provider with no model", () => {
    assert.throws(
      () => targetsOf("bare:", settings),
      new ConfigError(
        "bare: names no model: give -m bare:MODEL, or set model in [providers.bare] of /c.toml",
      ),
    );
  });
  await t.step("a key not set, anywhere in the list", () => {
    assert.throws(
      () => targetsOf("bare:m,work:", settings),
      new ConfigError(
        "GPT4O_WORK_KEY is not set: export it, or put GPT4O_WORK_KEY=... in a .env file here",
      ),
    );
  });
});

Deno.test("secretsOf() adds the config file's header values and keys to what the variables hold", () => {
  const settings = settingsOf(
    env({
      OPENAI_API_KEY: "sk-openai-0123456789",
      GPT4O_WORK_KEY: "work-key-0123456789",
    }),
    FILE,
  );
  assert.deepEqual(secretsOf(settings), [
    "sk-openai-0123456789",
    "header-secret-0123456789",
    "work-key-0123456789",
  ]);
});

Deno.test("secretsOf() adds what the config file's URLs carry: a provider's base URL, a url tool server's", () => {
  const settings = settingsOf(env({}), {
    ...FILE,
    providers: [{
      name: "gw",
      baseURL:
        "https://u:pa55word-0123@gw.example/proxy/sk-path-0123456789/v1?api-key=q%2Bv-0123456789",
      headers: {},
    }],
    mcp: [{
      name: "remote",
      kind: "url",
      target: "https://mcp.example/mcp?token=mcp-0123456789",
      args: [],
      grants: { read: [], write: [], net: [], env: [], run: [] },
      env: {},
      headers: {},
      allow: [],
    }],
  });
  assert.deepEqual(secretsOf(settings), [
    "u",
    "pa55word-0123",
    "sk-path-0123456789",
    "q%2Bv-0123456789",
    "q+v-0123456789",
    "mcp-0123456789",
  ]);
});

Deno.test("formatRoles() lists each role, or says where roles go", () => {
  assert.equal(
    formatRoles(settingsOf(env({}), FILE)),
    "lawyer  work:gpt-4o  From the role.\n",
  );
  assert.equal(
    formatRoles(settingsOf(env({}), { ...FILE, roles: [] })),
    "no roles in /c.toml\n",
  );
});

Deno.test("toolServersOf() takes -T, else the role's tools, else the file's", async (t) => {
  const server = (name: string): ToolServer => ({
    name,
    kind: "module",
    target: `./${name}.ts`,
    args: [],
    grants: { read: [], write: [], net: [], env: [], run: [] },
    env: {},
    headers: {},
    allow: [],
  });
  const file: ConfigFile = {
    ...FILE,
    mcp: [server("notes"), server("git"), server("web")],
    tools: ["notes"],
  };
  const settings = settingsOf(env({}), file);
  const cases: [string, string[], Role | undefined, string[]][] = [
    ["the file's, with no role and no -T", [], undefined, ["notes"]],
    ["a role's win over the file's", [], {
      name: "dev",
      tools: ["git"],
    }, ["git"]],
    ["a role's empty list turns them off", [], {
      name: "plain",
      tools: [],
    }, []],
    ["a role that names none keeps the file's", [], {
      name: "lawyer",
    }, ["notes"]],
    ["-T wins over both", ["web"], { name: "dev", tools: ["git"] }, ["web"]],
    ["all is every declared one", ["all"], undefined, ["notes", "git", "web"]],
  ];
  for (const [name, names, role, expected] of cases) {
    await t.step(name, () => {
      assert.deepEqual(
        toolServersOf(names, settings, role).map((each) => each.name),
        expected,
      );
    });
  }
});

Deno.test("settingsOf() keeps GPT4O_SERVE_TOKEN, and secretsOf() masks it", () => {
  const settings = settingsOf(
    env({ GPT4O_SERVE_TOKEN: "serve-token-0123456789" }),
  );
  assert.equal(settings.serveToken, "serve-token-0123456789");
  assert.deepEqual(secretsOf(settings), ["serve-token-0123456789"]);
  assert.equal(settingsOf(env({})).serveToken, undefined);
});
