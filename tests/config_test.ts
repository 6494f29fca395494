/**
 * The whole program in-process with a config file: defaults, custom
 * providers, roles, aliases, the precedence of every source, and every bad
 * file.
 */
import assert from "node:assert/strict";
import { ANSWER, completion } from "../testdata/fixtures.ts";
import {
  answering,
  CONFIG_PATH,
  historyTest,
  json,
  KEY,
  run,
  savedList,
  type Setup,
  tempFolder,
} from "../testdata/harness.ts";

const WORK_KEY = "gw-work-key-0123456789abcdef";

/** A run with the config file `config` at the place GPT4O_CONFIG names. */
function withConfig(
  args: string[],
  config: string,
  setup: Setup = {},
) {
  return run(args, {
    ...setup,
    env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH, ...setup.env },
    config,
  });
}

const CONFIG = `
model = "ollama:llama3.2"
system = "You are terse."

[providers.work]
base_url = "https://gateway.example/v1/"
key_env = "GPT4O_WORK_KEY"
model = "gpt-4o-mini"
headers = { "X-Team" = "law" }

[roles.lawyer]
system = "You are a careful lawyer."
model = "work:gpt-4o"

[aliases]
fast = "groq:llama-3.3-70b-versatile"
both = ["work:", "ollama:qwen3"]
`;

/** Where a request went, with which model and system message. */
function sent(requests: { url: string; body: Record<string, unknown> }[]) {
  return requests.map(({ url, body }) => ({
    url,
    model: body.model,
    system: (body.messages as { content: string }[])[0].content,
  }));
}

Deno.test("main() with no config file does as it always did, silently", async () => {
  const { code, stdout, stderr, requests } = await run([], {
    env: { OPENAI_API_KEY: KEY, HOME: "/home/ada", GPT4O_HISTORY: "off" },
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: `${ANSWER}\n`,
    stderr: "",
  });
  assert.deepEqual(sent(requests), [{
    url: "https://api.openai.com/v1/chat/completions",
    model: "gpt-4o",
    system: "You are a helpful assistant.",
  }]);
});

Deno.test("main() takes the config file's model and system message as the defaults", async () => {
  const { code, requests } = await withConfig(["Hi"], CONFIG);
  assert.equal(code, 0);
  assert.deepEqual(sent(requests), [{
    url: "http://localhost:11434/v1/chat/completions",
    model: "llama3.2",
    system: "You are terse.",
  }]);
});

Deno.test("main() decides the model and system message by precedence: flags, GPT4O_*, role, config file, defaults", async (t) => {
  const cases: [string, string[], Record<string, string>, string, string][] = [
    ["the config file", [], {}, "llama3.2", "You are terse."],
    [
      "a role over the config file",
      ["-r", "lawyer"],
      { GPT4O_WORK_KEY: WORK_KEY },
      "gpt-4o",
      "You are a careful lawyer.",
    ],
    [
      "GPT4O_MODEL and GPT4O_SYSTEM over a role",
      ["-r", "lawyer"],
      { GPT4O_MODEL: "gpt-4.1", GPT4O_SYSTEM: "From the environment." },
      "gpt-4.1",
      "From the environment.",
    ],
    [
      "flags over everything",
      ["-r", "lawyer", "-m", "gpt-5", "-s", "From the flag."],
      { GPT4O_MODEL: "gpt-4.1", GPT4O_SYSTEM: "From the environment." },
      "gpt-5",
      "From the flag.",
    ],
  ];
  for (const [name, args, env, model, system] of cases) {
    await t.step(name, async () => {
      const { code, requests } = await withConfig([...args, "Hi"], CONFIG, {
        env,
      });
      assert.equal(code, 0);
      assert.deepEqual(
        sent(requests).map(({ model, system }) => ({ model, system })),
        [{ model, system }],
      );
    });
  }
});

historyTest(
  "main() -c keeps the conversation's model and system message over the environment and the config file",
  async () => {
    await using tmp = await tempFolder();
    const env = {
      GPT4O_HISTORY: `${tmp.dir}/h.db`,
      GPT4O_WORK_KEY: WORK_KEY,
    };
    await withConfig(["-m", "work:", "-s", "First.", "Hi"], CONFIG, { env });
    const followUp = await withConfig(["-c", "More"], CONFIG, {
      env: { ...env, GPT4O_MODEL: "gpt-4.1" },
    });
    assert.deepEqual(sent(followUp.requests), [{
      url: "https://gateway.example/v1/chat/completions",
      model: "gpt-4o-mini",
      system: "First.",
    }]);
    const flagged = await withConfig(["-c", "-m", "ollama:", "Again"], CONFIG, {
      env,
    });
    assert.equal(sent(flagged.requests)[0].model, "llama3.2");
  },
);

Deno.test("main() -m work: sends to the config file's provider with its key, headers and default model, all masked", async () => {
  const { code, stdout, requests } = await withConfig(
    ["-m", "work:", "Hi"],
    CONFIG,
    {
      env: { GPT4O_WORK_KEY: WORK_KEY },
      reply: answering(`echo ${WORK_KEY}`),
    },
  );
  assert.equal(code, 0);
  assert.equal(stdout, "echo [redacted]\n");
  assert.deepEqual(
    requests.map(({ url, authorization, headers, body }) => ({
      url,
      authorization,
      team: headers.get("x-team"),
      model: body.model,
    })),
    [{
      url: "https://gateway.example/v1/chat/completions",
      authorization: `Bearer ${WORK_KEY}`,
      team: "law",
      model: "gpt-4o-mini",
    }],
  );
});

Deno.test("main() reads a provider's key from any variable key_env names, and masks it", async () => {
  const key = "azure-0123456789abcdef0123";
  const config =
    `[providers.az]\nbase_url = "https://az.example/v1"\nkey_env = "AZURE_OPENAI_API_KEY"\nmodel = "m"\n`;
  const { code, stdout, requests } = await withConfig(
    ["-m", "az:", "Hi"],
    config,
    { env: { AZURE_OPENAI_API_KEY: key }, reply: answering(`echo ${key}`) },
  );
  assert.deepEqual(
    [code, stdout, requests.map((each) => each.authorization)],
    [0, "echo [redacted]\n", [`Bearer ${key}`]],
  );
});

Deno.test("main() names a provider's key_env it may not read, and how to grant it", async () => {
  const config =
    `[providers.corp]\nbase_url = "https://corp.example/v1"\nkey_env = "CORP_KEY"\nmodel = "m"\n`;
  const { code, stderr, requests } = await withConfig(
    ["-m", "corp:", "Hi"],
    config,
    {
      denied: ["CORP_KEY"],
    },
  );
  assert.deepEqual({ code, stderr, sent: requests.length }, {
    code: 2,
    stderr: "the key of provider corp is in CORP_KEY, which this run may not " +
      "read: gpt4o and deno task start grant the variable key_env names; " +
      "deno run needs --allow-env=CORP_KEY\n",
    sent: 0,
  });
});

Deno.test("main() -m with an alias, and -m a,b, fall back in the order given", async () => {
  const { requests } = await withConfig(["-m", "fast", "Hi"], CONFIG, {
    env: { GROQ_API_KEY: "gsk-0123456789abcdef" },
  });
  assert.deepEqual(sent(requests).map(({ url, model }) => [url, model]), [
    [
      "https://api.groq.com/openai/v1/chat/completions",
      "llama-3.3-70b-versatile",
    ],
  ]);
});

Deno.test("main() --roles lists the roles; --providers marks the config file's", async () => {
  const roles = await withConfig(["--roles"], CONFIG);
  assert.deepEqual([roles.code, roles.stdout], [
    0,
    "lawyer  work:gpt-4o  You are a careful lawyer.\n",
  ]);
  const providers = await withConfig(["--providers"], CONFIG);
  assert.equal(providers.code, 0);
  assert.match(
    providers.stdout.split("\n").at(-2)!,
    /^work +https:\/\/gateway\.example\/v1 +GPT4O_WORK_KEY +not set +gpt-4o-mini +\(from \/config\/gpt4o\/config\.toml\)$/,
  );
  assert.equal(providers.stdout.split("\n").length, 13); // 11 presets, work, ""
  const none = await run(["--roles"]);
  assert.equal(
    none.stdout,
    "no roles: set them in the config file as [roles.NAME] (see --help)\n",
  );
});

Deno.test("main() -r of a role the config file does not have exits 2 naming it", async () => {
  const { code, stderr, requests } = await withConfig(
    ["-r", "judge", "Hi"],
    CONFIG,
  );
  assert.deepEqual({ code, stderr, sent: requests.length }, {
    code: 2,
    stderr: `there is no role judge in ${CONFIG_PATH}: --roles lists them\n`,
    sent: 0,
  });
});

Deno.test("main() refuses a bad config file with one line naming it, sending nothing", async (t) => {
  const cases: [string, string, string][] = [
    [
      "a syntax error, with its line",
      'model = "x"\n[providers.work]\nbase_url = \n',
      `${CONFIG_PATH}:3: base_url has no value after "=": write base_url = "…"`,
    ],
    [
      "a string without quotes, in words a user knows",
      "model = gpt-4o\n",
      `${CONFIG_PATH}:1: strings need quotes: model = "gpt-4o"`,
    ],
    [
      "a list never closed, at the line it begins",
      'model = ["a",\n  "b"\n\n[roles.r]\nsystem = "x"\n',
      `${CONFIG_PATH}:1: the list that begins here is not closed: end it with ]`,
    ],
    [
      "a wrong type",
      "model = 3\n",
      `${CONFIG_PATH}: model must be a model's name or a list of them, not a number`,
    ],
    [
      "a provider with no base URL",
      '[providers.work]\nmodel = "m"\n',
      `${CONFIG_PATH}: providers.work.base_url is missing`,
    ],
    [
      "a provider named like a preset",
      '[providers.groq]\nbase_url = "https://x.example/v1"\n',
      `${CONFIG_PATH}: providers.groq groq is a built-in provider: choose another name`,
    ],
    [
      "a key_env that is no variable's name",
      '[providers.w]\nbase_url = "https://x.example/v1"\nkey_env = "my key"\n',
      `${CONFIG_PATH}: providers.w.key_env must be the name of an environment variable`,
    ],
  ];
  for (const [name, config, message] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr, requests } = await withConfig(
        ["Hi"],
        config,
      );
      assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
        code: 2,
        stdout: "",
        stderr: `${message}\n`,
        sent: 0,
      });
    });
  }
});

Deno.test("main() names an unknown setting on stderr, and goes on", async () => {
  const { code, stdout, stderr } = await withConfig(
    ["Hi"],
    'modle = "ollama:"\n[roles.x]\nsytem = "y"\n',
  );
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: `${ANSWER}\n`,
    stderr:
      `${CONFIG_PATH}: unknown setting modle, ignored (did you mean model?)\n` +
      `${CONFIG_PATH}: unknown setting roles.x.sytem, ignored (did you mean system?)\n`,
  });
});

Deno.test("main() refuses a config file that holds a secret and that others may read", async () => {
  const { code, stderr, requests } = await withConfig(["Hi"], CONFIG, {
    configMode: 0o644,
  });
  assert.deepEqual({ code, stderr, sent: requests.length }, {
    code: 2,
    stderr:
      `${CONFIG_PATH} holds a secret (providers.work.headers) and others ` +
      `may read it (mode 644): chmod 600 ${CONFIG_PATH}, or keep the secret ` +
      "in a variable that key_env names\n",
    sent: 0,
  });
  const private_ = await withConfig(["Hi"], CONFIG, { configMode: 0o600 });
  assert.equal(private_.code, 0);
  const noSecret = await withConfig(["Hi"], 'model = "gpt-4o"\n', {
    configMode: 0o644,
  });
  assert.equal(noSecret.code, 0);
});

Deno.test("main() reads no config file with GPT4O_CONFIG=off", async () => {
  const { requests } = await run(["Hi"], {
    env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: "off", HOME: "/config/.." },
    config: CONFIG,
  });
  assert.equal(sent(requests)[0].model, "gpt-4o");
});

Deno.test("main() stops with exit 2 when GPT4O_CONFIG names a file that is not there, before anything is sent", async (t) => {
  for (const args of [["Hi"], ["--chat"], ["--providers"]]) {
    await t.step(args.join(" "), async () => {
      const { code, stdout, stderr, requests } = await run(args, {
        env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: "/etc/gpt4o-missing.toml" },
        lines: ["Hi"],
      });
      assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
        code: 2,
        stdout: "",
        stderr: "GPT4O_CONFIG names /etc/gpt4o-missing.toml, and there is no " +
          "such file: create it, or set GPT4O_CONFIG=off for no config file\n",
        sent: 0,
      });
    });
  }
});

Deno.test("main() has no config file when the platform's place holds none, silently", async () => {
  const { code, stderr } = await run(["Hi"], {
    env: { OPENAI_API_KEY: KEY, XDG_CONFIG_HOME: "/nowhere" },
  });
  assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
});

Deno.test("main() --chat /role takes a role's system message and model", async () => {
  const { code, stderr, requests } = await withConfig(["--chat"], CONFIG, {
    env: { GPT4O_WORK_KEY: WORK_KEY },
    lines: ["/role lawyer", "Hi", "/role judge"],
    reply: () => json(completion("Counsel.")),
  });
  assert.equal(code, 0);
  assert.equal(
    stderr,
    "role lawyer: gpt-4o (work); system: You are a careful lawyer.\n" +
      `there is no role judge in ${CONFIG_PATH}: --roles lists them\n`,
  );
  assert.deepEqual(sent(requests), [{
    url: "https://gateway.example/v1/chat/completions",
    model: "gpt-4o",
    system: "You are a careful lawyer.",
  }]);
});

historyTest(
  "main() saves the model that answered, with its provider",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/h.db`;
    await withConfig(["-m", "both", "Hi"], CONFIG, {
      env: { GPT4O_HISTORY: path, GPT4O_WORK_KEY: WORK_KEY },
    });
    assert.deepEqual(savedList(path).map(({ model }) => model), [
      "work:gpt-4o-mini",
    ]);
  },
);
