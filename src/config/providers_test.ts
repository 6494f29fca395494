import assert from "node:assert/strict";
import { ConfigError } from "./connection.ts";
import {
  formatProviders,
  parseModel,
  type Provider,
  PROVIDER_ENV_VARIABLES,
  providerEndpoint,
  PROVIDERS,
} from "./providers.ts";

function preset(name: string): Provider {
  const provider = PROVIDERS.find((each) => each.name === name);
  assert.ok(provider, name);
  return provider;
}

function env(values: Record<string, string>) {
  return (name: string): string | undefined => values[name];
}

Deno.test("PROVIDERS holds the presets the issue names, each once", () => {
  assert.deepEqual(PROVIDERS.map(({ name }) => name), [
    "openai",
    "g4f",
    "ollama",
    "lmstudio",
    "llamacpp",
    "openrouter",
    "groq",
    "deepseek",
    "mistral",
    "gemini",
    "together",
  ]);
});

Deno.test("every preset's name, URL, note and model fit `-m name:model` and one line", () => {
  for (const provider of PROVIDERS) {
    assert.match(provider.name, /^[a-z0-9]+$/, provider.name);
    assert.ok(URL.canParse(provider.baseURL), provider.baseURL);
    assert.doesNotMatch(provider.baseURL, /\/$/, provider.baseURL);
    assert.doesNotMatch(provider.note, /\n/, provider.name);
    assert.notEqual(provider.defaultModel, "", provider.name);
  }
});

Deno.test("hosted presets need a key, local servers none", () => {
  const table = Object.fromEntries(
    PROVIDERS.map((p) => [p.name, [p.baseURL, p.keyVariable ?? null]]),
  );
  assert.deepEqual(table, {
    openai: ["https://api.openai.com/v1", "OPENAI_API_KEY"],
    g4f: ["http://localhost:1337/v1", null],
    ollama: ["http://localhost:11434/v1", null],
    lmstudio: ["http://localhost:1234/v1", null],
    llamacpp: ["http://localhost:8080/v1", null],
    openrouter: ["https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"],
    groq: ["https://api.groq.com/openai/v1", "GROQ_API_KEY"],
    deepseek: ["https://api.deepseek.com", "DEEPSEEK_API_KEY"],
    mistral: ["https://api.mistral.ai/v1", "MISTRAL_API_KEY"],
    gemini: [
      "https://generativelanguage.googleapis.com/v1beta/openai",
      "GEMINI_API_KEY",
    ],
    together: ["https://api.together.ai/v1", "TOGETHER_API_KEY"],
  });
});

Deno.test("PROVIDER_ENV_VARIABLES is every key variable of the table plus OLLAMA_HOST", () => {
  assert.deepEqual(PROVIDER_ENV_VARIABLES, [
    ...PROVIDERS.flatMap((p) =>
      p.keyVariable === undefined ? [] : [p.keyVariable]
    ),
    "OLLAMA_HOST",
  ]);
  assert.deepEqual(PROVIDER_ENV_VARIABLES, [
    "OPENAI_API_KEY",
    "OPENROUTER_API_KEY",
    "GROQ_API_KEY",
    "DEEPSEEK_API_KEY",
    "MISTRAL_API_KEY",
    "GEMINI_API_KEY",
    "TOGETHER_API_KEY",
    "OLLAMA_HOST",
  ]);
});

Deno.test("parseModel() picks a preset by the text before the first colon", () => {
  assert.deepEqual(parseModel("ollama:llama3.2:1b"), {
    provider: preset("ollama"),
    model: "llama3.2:1b",
  });
  assert.deepEqual(parseModel("openrouter:deepseek/deepseek-r1:free"), {
    provider: preset("openrouter"),
    model: "deepseek/deepseek-r1:free",
  });
});

Deno.test("parseModel() takes the preset's default model for `name:` alone", () => {
  for (const provider of PROVIDERS) {
    assert.deepEqual(parseModel(`${provider.name}:`), {
      provider,
      model: provider.defaultModel,
    });
  }
});

Deno.test("parseModel() keeps a model whole when its prefix names no preset", () => {
  for (const text of ["llama3.2:1b", "gpt-4o", "qwen3:8b", ":x", ""]) {
    assert.deepEqual(parseModel(text), { model: text });
  }
});

Deno.test("parseModel() takes a preset's name in any case", () => {
  for (
    const text of ["OLLAMA:llama3.2", "Ollama:llama3.2", "oLLaMa:llama3.2"]
  ) {
    assert.deepEqual(parseModel(text), {
      provider: preset("ollama"),
      model: "llama3.2",
    });
  }
});

Deno.test("parseModel() suggests the preset a prefix is one or two letters from", async (t) => {
  const cases: [string, string | undefined][] = [
    ["olama:llama3.2", "ollama"],
    ["ollamma:llama3.2", "ollama"],
    ["openrooter:openai/gpt-4o", "openrouter"],
    ["grok:x", "groq"],
    ["gemni:x", "gemini"],
    ["llama3.2:1b", undefined], // a model's own name with a tag
    ["qwen3:8b", undefined],
    ["abc:x", undefined],
  ];
  for (const [text, suggestion] of cases) {
    await t.step(text, () => {
      const parsed = parseModel(text);
      assert.equal(parsed.provider, undefined);
      assert.equal(parsed.model, text);
      assert.equal(parsed.suggestion, suggestion);
    });
  }
});

Deno.test("providerEndpoint() returns a hosted preset's URL and the key from its variable", () => {
  const read = env({
    OPENAI_API_KEY: "sk-openai",
    OPENROUTER_API_KEY: " sk-or-1 ",
    GROQ_API_KEY: "gsk_1",
    DEEPSEEK_API_KEY: "sk-ds",
    MISTRAL_API_KEY: "m-1",
    GEMINI_API_KEY: "AIza-1",
    TOGETHER_API_KEY: "tg-1",
  });
  const endpoints = Object.fromEntries(
    PROVIDERS.filter((p) => p.keyVariable).map((p) => [
      p.name,
      providerEndpoint(p, read),
    ]),
  );
  assert.deepEqual(endpoints, {
    openai: { baseURL: "https://api.openai.com/v1", apiKey: "sk-openai" },
    openrouter: { baseURL: "https://openrouter.ai/api/v1", apiKey: "sk-or-1" },
    groq: { baseURL: "https://api.groq.com/openai/v1", apiKey: "gsk_1" },
    deepseek: { baseURL: "https://api.deepseek.com", apiKey: "sk-ds" },
    mistral: { baseURL: "https://api.mistral.ai/v1", apiKey: "m-1" },
    gemini: {
      baseURL: "https://generativelanguage.googleapis.com/v1beta/openai",
      apiKey: "AIza-1",
    },
    together: { baseURL: "https://api.together.ai/v1", apiKey: "tg-1" },
  });
});

Deno.test("providerEndpoint() reads only the preset's own key variable", () => {
  const asked: string[] = [];
  providerEndpoint(preset("groq"), (name) => {
    asked.push(name);
    return "gsk_1";
  });
  assert.deepEqual(asked, ["GROQ_API_KEY"]);
});

Deno.test("providerEndpoint() sends no key to a local server, whatever is set", () => {
  const read = env({ OPENAI_API_KEY: "sk-openai" });
  assert.deepEqual(providerEndpoint(preset("g4f"), read), {
    baseURL: "http://localhost:1337/v1",
    apiKey: undefined,
  });
  assert.deepEqual(providerEndpoint(preset("lmstudio"), read), {
    baseURL: "http://localhost:1234/v1",
    apiKey: undefined,
  });
  assert.deepEqual(providerEndpoint(preset("llamacpp"), read), {
    baseURL: "http://localhost:8080/v1",
    apiKey: undefined,
  });
  assert.deepEqual(providerEndpoint(preset("ollama"), read), {
    baseURL: "http://localhost:11434/v1",
    apiKey: undefined,
  });
});

Deno.test("providerEndpoint() names the missing key variable and how to set it", () => {
  for (const value of [undefined, "", "   "]) {
    const read = (name: string) => name === "OPENROUTER_API_KEY" ? value : "x";
    assert.throws(
      () => providerEndpoint(preset("openrouter"), read),
      new ConfigError(
        "OPENROUTER_API_KEY is not set: export it, or put OPENROUTER_API_KEY=... in a .env file here",
      ),
    );
  }
  assert.throws(
    () => providerEndpoint(preset("gemini"), () => undefined),
    new ConfigError(
      "GEMINI_API_KEY is not set: export it, or put GEMINI_API_KEY=... in a .env file here",
    ),
  );
});

Deno.test("providerEndpoint() follows OLLAMA_HOST in each form Ollama accepts", () => {
  const cases: [string, string][] = [
    ["", "http://localhost:11434/v1"],
    ["  ", "http://localhost:11434/v1"],
    ['""', "http://localhost:11434/v1"],
    ["gpu-box", "http://gpu-box:11434/v1"],
    ["gpu-box:11500", "http://gpu-box:11500/v1"],
    ["192.168.1.20", "http://192.168.1.20:11434/v1"],
    ["192.168.1.20:8000", "http://192.168.1.20:8000/v1"],
    [":11500", "http://localhost:11500/v1"],
    ["0.0.0.0", "http://localhost:11434/v1"],
    ["0.0.0.0:11435", "http://localhost:11435/v1"],
    ["http://0.0.0.0:11434", "http://localhost:11434/v1"],
    ["[::]:11434", "http://localhost:11434/v1"],
    ["::1", "http://[::1]:11434/v1"],
    ["[::1]", "http://[::1]:11434/v1"],
    ["[::1]:1337", "http://[::1]:1337/v1"],
    ["http://gpu-box:11434", "http://gpu-box:11434/v1"],
    ["http://gpu-box:11434/", "http://gpu-box:11434/v1"],
    ["http://gpu-box", "http://gpu-box/v1"],
    ["https://gpu-box", "https://gpu-box/v1"],
    ["https://gpu-box:8443", "https://gpu-box:8443/v1"],
    ["https://example.com/ollama/", "https://example.com/ollama/v1"],
    ['"gpu-box:11500"', "http://gpu-box:11500/v1"],
    [" 'gpu-box' ", "http://gpu-box:11434/v1"],
    ["gpu-box:99999", "http://gpu-box:11434/v1"],
    ["gpu-box:port", "http://gpu-box:11434/v1"],
  ];
  for (const [value, baseURL] of cases) {
    assert.deepEqual(
      providerEndpoint(preset("ollama"), env({ OLLAMA_HOST: value })),
      { baseURL, apiKey: undefined },
      value,
    );
  }
});

Deno.test("providerEndpoint() rejects an OLLAMA_HOST it cannot send to, naming it and never quoting it", () => {
  const bad = new ConfigError(
    "OLLAMA_HOST must be host, host:port or an http:// or https:// URL such " +
      "as http://localhost:11434 (its value is not shown: it may hold a secret)",
  );
  for (
    const value of [
      "unix:///tmp/ollama.sock",
      "gpu box",
      "ftp://admin:S3cretPassw0rd@gpu-box",
      "http://admin:S3cretPassw0rd@gpu box",
    ]
  ) {
    assert.throws(
      () => providerEndpoint(preset("ollama"), env({ OLLAMA_HOST: value })),
      bad,
      value,
    );
  }
});

Deno.test("providerEndpoint() sends to the host after a user and password in OLLAMA_HOST, never to the user, and drops the query", () => {
  for (
    const value of [
      "https://user:pw@gpu-box.example",
      "user:pw@gpu-box.example:443",
      "https://gpu-box.example/?token=S3cretT0ken123456",
    ]
  ) {
    const { baseURL } = providerEndpoint(
      preset("ollama"),
      env({ OLLAMA_HOST: value }),
    );
    assert.match(baseURL, /^https?:\/\/gpu-box\.example(:443)?\/v1$/, value);
  }
});

Deno.test("providerEndpoint() ignores OLLAMA_HOST for every other preset", () => {
  const read = env({ OLLAMA_HOST: "gpu-box:11500" });
  assert.equal(
    providerEndpoint(preset("lmstudio"), read).baseURL,
    "http://localhost:1234/v1",
  );
});

Deno.test("formatProviders() lists every preset on one aligned line, never a key's value", () => {
  const read = env({
    OPENAI_API_KEY: "sk-secret-openai",
    GROQ_API_KEY: "  ",
    GEMINI_API_KEY: "AIza-secret",
    OLLAMA_HOST: "gpu-box:11500",
  });
  const text = formatProviders(read);
  assert.equal(
    text,
    [
      "openai      https://api.openai.com/v1                                OPENAI_API_KEY      set            gpt-4o",
      "g4f         http://localhost:1337/v1                                 -                   no key needed  gpt-4o",
      "ollama      http://gpu-box:11500/v1                                  -                   no key needed  llama3.2",
      "lmstudio    http://localhost:1234/v1                                 -                   no key needed  openai/gpt-oss-20b",
      "llamacpp    http://localhost:8080/v1                                 -                   no key needed  default",
      "openrouter  https://openrouter.ai/api/v1                             OPENROUTER_API_KEY  not set        openai/gpt-4o",
      "groq        https://api.groq.com/openai/v1                           GROQ_API_KEY        not set        openai/gpt-oss-120b",
      "deepseek    https://api.deepseek.com                                 DEEPSEEK_API_KEY    not set        deepseek-v4-flash",
      "mistral     https://api.mistral.ai/v1                                MISTRAL_API_KEY     not set        mistral-small-latest",
      "gemini      https://generativelanguage.googleapis.com/v1beta/openai  GEMINI_API_KEY      set            gemini-3.5-flash",
      "together    https://api.together.ai/v1                               TOGETHER_API_KEY    not set        openai/gpt-oss-20b",
      "",
    ].join("\n"),
  );
  assert.doesNotMatch(text, /secret/);
});

Deno.test("formatProviders() shows Ollama's default address when OLLAMA_HOST is unset", () => {
  const line = formatProviders(() => undefined).split("\n")[2];
  assert.match(
    line,
    /^ollama +http:\/\/localhost:11434\/v1 +- +no key needed +llama3\.2$/,
  );
});
