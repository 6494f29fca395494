import assert from "node:assert/strict";
import { ConfigError } from "./connection.ts";
import { configPath, loadConfigFile } from "./file.ts";
import { testWith } from "../../testdata/permissions.ts";
import { cut } from "../text/line.ts";

Deno.test("configPath() finds the config file as the platform keeps settings", async (t) => {
  const cases: [
    string,
    Record<string, string>,
    typeof Deno.build.os,
    string | undefined,
  ][] = [
    [
      "Linux",
      { HOME: "/home/ada" },
      "linux",
      "/home/ada/.config/gpt4o/config.toml",
    ],
    [
      "macOS",
      { HOME: "/Users/ada" },
      "darwin",
      "/Users/ada/Library/Application Support/gpt4o/config.toml",
    ],
    [
      "Windows",
      { APPDATA: "C:\\Users\\ada\\AppData\\Roaming" },
      "windows",
      "C:\\Users\\ada\\AppData\\Roaming\\gpt4o\\config.toml",
    ],
    [
      "XDG_CONFIG_HOME",
      { HOME: "/home/ada", XDG_CONFIG_HOME: "/cfg/" },
      "linux",
      "/cfg/gpt4o/config.toml",
    ],
    [
      "a relative XDG_CONFIG_HOME",
      { HOME: "/home/ada", XDG_CONFIG_HOME: "cfg" },
      "linux",
      "/home/ada/.config/gpt4o/config.toml",
    ],
    [
      "GPT4O_CONFIG",
      { HOME: "/home/ada", GPT4O_CONFIG: " /etc/mine.toml " },
      "linux",
      "/etc/mine.toml",
    ],
    [
      "GPT4O_CONFIG=off",
      { HOME: "/home/ada", GPT4O_CONFIG: "OFF" },
      "linux",
      undefined,
    ],
    ["no HOME", {}, "linux", undefined],
  ];
  for (const [name, env, os, path] of cases) {
    await t.step(name, () => assert.equal(configPath((v) => env[v], os), path));
  }
});

/** A config file reader over `text`, or one that throws `error`. */
function io(text: string | undefined, error?: Error, mode = 0o600) {
  return {
    readTextFile: () => error ? Promise.reject(error) : Promise.resolve(text),
    fileMode: () => mode,
  };
}

Deno.test("loadConfigFile() reads every setting into typed values", async () => {
  const { file, warnings } = await loadConfigFile(
    io(`
model = ["work:", "ollama:llama3.2"]
system = "Be terse."
options = { temperature = 0.5, stop = ["END"] }
[providers.work]
base_url = "https://gateway.example/v1/"
key_env = "GPT4O_WORK_KEY"
model = "gpt-4o-mini"
headers = { "X-Team" = "law" }
api = "responses"
[roles.lawyer]
system = "You are a careful lawyer."
model = "work:gpt-4o"
options = { max_tokens = 800 }
tools = ["git"]
[aliases]
fast = "groq:llama-3.3-70b-versatile"
[mcp.files]
module = "npm:@modelcontextprotocol/server-filesystem@2026.8.31"
args = ["/notes"]
allow_read = ["/notes"]
allow_env = ["GPT4O_NOTES"]
allow = ["read_text_file"]
[mcp.git]
command = "uvx"
args = ["mcp-server-git"]
env = { GIT_DIR = "/repo/.git" }
[mcp.remote]
url = "https://mcp.example/v1"
[prices."gpt-4o"]
input = 2.50
output = 10.00
[prices."work:gpt-4o-mini"]
input = 0.15
output = 0.6
cached_input = 0.075
`),
    "/c.toml",
    { os: "linux" },
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(file, {
    path: "/c.toml",
    model: ["work:", "ollama:llama3.2"],
    system: "Be terse.",
    options: { temperature: 0.5, stop: ["END"] },
    providers: [{
      name: "work",
      baseURL: "https://gateway.example/v1",
      keyVariable: "GPT4O_WORK_KEY",
      defaultModel: "gpt-4o-mini",
      headers: { "X-Team": "law" },
      api: "responses",
    }],
    roles: [{
      name: "lawyer",
      system: "You are a careful lawyer.",
      model: ["work:gpt-4o"],
      options: { max_tokens: 800 },
      tools: ["git"],
    }],
    aliases: { fast: ["groq:llama-3.3-70b-versatile"] },
    mcp: [{
      name: "files",
      kind: "module",
      target: "npm:@modelcontextprotocol/server-filesystem@2026.8.31",
      args: ["/notes"],
      grants: {
        read: ["/notes"],
        write: [],
        net: [],
        env: ["GPT4O_NOTES"],
        run: [],
      },
      env: {},
      headers: {},
      allow: ["read_text_file"],
    }, {
      name: "git",
      kind: "command",
      target: "uvx",
      args: ["mcp-server-git"],
      grants: { read: [], write: [], net: [], env: [], run: [] },
      env: { GIT_DIR: "/repo/.git" },
      headers: {},
      allow: [],
    }, {
      name: "remote",
      kind: "url",
      target: "https://mcp.example/v1",
      args: [],
      grants: { read: [], write: [], net: [], env: [], run: [] },
      env: {},
      headers: {},
      allow: [],
    }],
    prices: {
      "gpt-4o": { input: 2.5, output: 10 },
      "work:gpt-4o-mini": { input: 0.15, output: 0.6, cached_input: 0.075 },
    },
  });
});

Deno.test("loadConfigFile() refuses a tool server it cannot run, naming the setting", async (t) => {
  for (
    const [text, message] of [
      [
        "[mcp.a]\nargs = []",
        "/c.toml: mcp.a needs one of module, command or url",
      ],
      [
        '[mcp.a]\nmodule = "x"\ncommand = "y"',
        "/c.toml: mcp.a needs one of module, command or url",
      ],
      [
        '[mcp.a]\nurl = "file:///x"',
        "/c.toml: mcp.a.url must be an http:// or https:// URL",
      ],
      ['[mcp.a]\ncommand = " "', "/c.toml: mcp.a.command is empty"],
      [
        '[mcp.a]\nmodule = "x"\nargs = "y"',
        "/c.toml: mcp.a.args must be a list of texts, not string",
      ],
      [
        '[mcp.a]\nmodule = "x"\nallow_read = ["/a,b"]',
        "/c.toml: mcp.a.allow_read cannot hold a comma",
      ],
      [
        'tools = ["fils"]\n[mcp.files]\nmodule = "x"',
        "/c.toml: tools names fils, which no [mcp.fils] declares (did you mean files?)",
      ],
      [
        '[roles.r]\ntools = ["bbbbb"]\n[mcp.a]\nmodule = "x"',
        "/c.toml: roles.r.tools names bbbbb, which no [mcp.bbbbb] declares",
      ],
      [
        "tool_rounds = 0",
        "/c.toml: tool_rounds must be a whole number from 1 to 100",
      ],
      [
        "tool_rounds = 2.5",
        "/c.toml: tool_rounds must be a whole number from 1 to 100",
      ],
      ['stream = "no"', "/c.toml: stream must be true or false, not string"],
      [
        '[prices."gpt-4o"]\ninput = 2.5',
        '/c.toml: prices."gpt-4o".output must be a price in USD per million tokens (a number, 0 or more)',
      ],
      [
        "[prices.m]\ninput = -1\noutput = 1",
        '/c.toml: prices."m".input must be a price in USD per million tokens (a number, 0 or more)',
      ],
      [
        "prices = { m = 2 }",
        '/c.toml: prices."m" must be a table, not a number',
      ],
      [
        `a${".a".repeat(10_000)} = 1`,
        "/c.toml: the key a.a.a.… nests more than 64 tables and arrays deep, " +
        "deeper than any setting: fix the TOML there",
      ],
      [
        `[options]\n${'"x y"'}${".b".repeat(64)} = 1`,
        '/c.toml: the key options."x y".b.… nests more than 64 tables and ' +
        "arrays deep, deeper than any setting: fix the TOML there",
      ],
    ] as const
  ) {
    await t.step(cut(text, 60), async () => {
      await assert.rejects(
        loadConfigFile(io(text), "/c.toml", { os: "linux" }),
        new ConfigError(message),
      );
    });
  }
});

Deno.test("loadConfigFile() warns that a program or a URL server takes no sandbox grants", async () => {
  const { file, warnings } = await loadConfigFile(
    io('tool_rounds = 4\n[mcp.git]\ncommand = "uvx"\nallow_read = ["/"]'),
    "/c.toml",
    { os: "linux" },
  );
  assert.equal(file?.toolRounds, 4);
  assert.deepEqual(warnings, [
    "/c.toml: mcp.git.allow_read is for module servers: a command server is " +
    "not sandboxed, ignored",
  ]);
});

Deno.test("loadConfigFile() says why a config file cannot be read, its sizes as written", async () => {
  await assert.rejects(
    loadConfigFile(
      io(undefined, new Error("it is larger than 1 MiB")),
      "/c.toml",
      { named: true },
    ),
    new ConfigError(
      "the config file /c.toml cannot be read: it is larger than 1 MiB",
    ),
  );
  await assert.rejects(
    loadConfigFile(
      io(
        undefined,
        new Deno.errors.PermissionDenied(
          "Permission denied (os error 13): open",
        ),
      ),
      "/c.toml",
      { named: true },
    ),
    new ConfigError(
      "the config file /c.toml cannot be read: permission denied",
    ),
  );
});

Deno.test("loadConfigFile() has no file where the platform's place holds none, or may not be read", async () => {
  assert.deepEqual(
    await loadConfigFile(io(undefined), "/c.toml", { named: false }),
    { warnings: [] },
  );
  const denied = new Deno.errors.NotCapable(
    'Requires read access to "/c.toml"',
  );
  assert.deepEqual(
    await loadConfigFile(io(undefined, denied), "/c.toml", { named: false }),
    { warnings: [] },
  );
  await assert.rejects(
    loadConfigFile(io(undefined, denied), "/c.toml", { named: true }),
    new ConfigError(
      "the config file /c.toml cannot be read: this run may not read it (set " +
        "GPT4O_CONFIG in the environment, or GPT4O_CONFIG=off)",
    ),
  );
});

Deno.test("loadConfigFile() refuses a file GPT4O_CONFIG names that does not exist, naming it", async () => {
  await assert.rejects(
    loadConfigFile(io(undefined), "/etc/gpt4o.toml", { named: true }),
    new ConfigError(
      "GPT4O_CONFIG names /etc/gpt4o.toml, and there is no such file: " +
        "create it, or set GPT4O_CONFIG=off for no config file",
    ),
  );
});

Deno.test("loadConfigFile() refuses what it cannot use, naming the setting", async (t) => {
  const cases: [string, string][] = [
    ['system = ["a"]', "/c.toml: system must be a text, not a list"],
    [
      "model = []",
      "/c.toml: model must be a model's name or a list of them, not a list",
    ],
    ['aliases = "x"', "/c.toml: aliases must be a table, not string"],
    [
      '[aliases]\n"a:b" = "x"',
      "/c.toml: aliases.a:b a name has letters, digits, - and _ only, and begins with a letter",
    ],
    [
      '[providers.w]\nbase_url = "ftp://x"',
      "/c.toml: providers.w.base_url must be an http:// or https:// URL",
    ],
    [
      '[providers.w]\nbase_url = "https://x"\nheaders = { A = 1 }',
      "/c.toml: providers.w.headers.A must be a text, not a number",
    ],
    [
      '[providers.w]\nbase_url = "https://x"\napi = "completions"',
      '/c.toml: providers.w.api must be "chat" or "responses"',
    ],
    [
      "[roles.r]\nmodel = true",
      "/c.toml: roles.r.model must be a model's name or a list of them, not true or false",
    ],
  ];
  for (const [text, message] of cases) {
    await t.step(text, async () => {
      await assert.rejects(
        loadConfigFile(io(text), "/c.toml"),
        new ConfigError(message),
      );
    });
  }
});

Deno.test("loadConfigFile() finds a key written in the file, and wants the file private then", async () => {
  const text =
    '[providers.w]\nbase_url = "https://x.example/v1?key=sk-abcdef0123456789"';
  await assert.rejects(
    loadConfigFile(io(text, undefined, 0o640), "/c.toml", { os: "linux" }),
    new ConfigError(
      "/c.toml holds a secret (providers.w.base_url) and others may read it " +
        "(mode 640): chmod 600 /c.toml, or keep the secret in a variable " +
        "that key_env names",
    ),
  );
  const { file } = await loadConfigFile(io(text, undefined, 0o600), "/c.toml", {
    os: "linux",
  });
  assert.equal(file?.providers.length, 1);
});

Deno.test("loadConfigFile() wants a file private that holds a token in a URL's query or a password in a URL", async (t) => {
  const cases: [string, string, string][] = [
    [
      "?key= in a base URL",
      '[providers.w]\nbase_url = "https://x.example/v1?key=0f1e2d3c4b5a6978"',
      "providers.w.base_url",
    ],
    [
      "?api-key= in a base URL",
      '[providers.w]\nbase_url = "https://x.example/v1?api-version=1&api-key=AbCdEf0123456789"',
      "providers.w.base_url",
    ],
    [
      "a password in a base URL",
      '[providers.w]\nbase_url = "https://u:0f1e2d3c4b5a6978@x.example/v1"',
      "providers.w.base_url",
    ],
    [
      "?token= in a tool server's URL",
      '[mcp.remote]\nurl = "https://mcp.example/mcp?token=0f1e2d3c4b5a6978"',
      "mcp.remote.url",
    ],
  ];
  for (const [name, text, at] of cases) {
    await t.step(name, async () => {
      await assert.rejects(
        loadConfigFile(io(text, undefined, 0o644), "/c.toml", { os: "linux" }),
        new ConfigError(
          `/c.toml holds a secret (${at}) and others may read it (mode 644): ` +
            "chmod 600 /c.toml, or keep the secret in a variable that " +
            "key_env names",
        ),
      );
      const { file } = await loadConfigFile(
        io(text, undefined, 0o600),
        "/c.toml",
        { os: "linux" },
      );
      assert.ok(file);
    });
  }
  await t.step(
    "a base URL with no query or password may be read by others",
    async () => {
      const { file } = await loadConfigFile(
        io(
          '[providers.w]\nbase_url = "https://x.example/v1"',
          undefined,
          0o644,
        ),
        "/c.toml",
        { os: "linux" },
      );
      assert.equal(file?.providers[0].baseURL, "https://x.example/v1");
    },
  );
});

testWith({ name: "read", path: "README.md" })(
  "the README's config files load as written: no error, no warning",
  async (t) => {
    const readme = Deno.readTextFileSync(
      new URL("../../README.md", import.meta.url),
    );
    const blocks = [...readme.matchAll(/^```toml\n([^]*?)^```$/gm)]
      .map((match) => match[1]);
    assert.ok(blocks.length >= 2, "the README shows config files");
    for (const [i, text] of blocks.entries()) {
      await t.step(`block ${i + 1}`, async () => {
        const { file, warnings } = await loadConfigFile(
          {
            readTextFile: () => Promise.resolve(text),
            fileMode: () => 0o600,
          },
          "/c.toml",
          { os: "linux" },
        );
        assert.deepEqual(warnings, []);
        assert.ok(file);
      });
    }
  },
);
