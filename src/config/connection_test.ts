import assert from "node:assert/strict";
import {
  ConfigError,
  connectionOf,
  loadVariables,
  NO_KEY,
  OPENAI_API,
} from "./connection.ts";

/** connectionOf() of the variables that `env` and a `.env` of `dotenv` give. */
async function loadConfig(io: Parameters<typeof loadVariables>[0]) {
  return connectionOf(await loadVariables(io));
}

function source(env: Record<string, string>, dotenv?: string) {
  return {
    env: (name: string) => env[name],
    readTextFile: (path: string) => {
      assert.equal(path, ".env");
      return Promise.resolve(dotenv);
    },
  };
}

Deno.test("connectionOf() uses OpenAI's API with the key from the environment", async () => {
  assert.deepEqual(await loadConfig(source({ OPENAI_API_KEY: " sk-1 " })), {
    apiKey: "sk-1",
    baseURL: OPENAI_API,
    organization: null,
    project: null,
  });
});

Deno.test("connectionOf() falls back to .env, parsed with quotes, comments and export", async () => {
  const dotenv = [
    "# g4f on this machine",
    "export OPENAI_BASE_URL='http://localhost:1337/v1/'",
    'OPENAI_API_KEY="sk-from-file"',
    "OPENAI_ORG_ID=org-1",
    "OPENAI_PROJECT_ID=proj_1",
  ].join("\n");
  assert.deepEqual(await loadConfig(source({}, dotenv)), {
    apiKey: "sk-from-file",
    baseURL: "http://localhost:1337/v1",
    organization: "org-1",
    project: "proj_1",
  });
});

Deno.test("connectionOf() never lets .env override a variable that is set, even empty", async () => {
  const dotenv =
    "OPENAI_API_KEY=sk-file\nOPENAI_BASE_URL=http://localhost:1337/v1";
  const config = await loadConfig(
    source({ OPENAI_API_KEY: "sk-env", OPENAI_BASE_URL: "" }, dotenv),
  );
  assert.equal(config.apiKey, "sk-env");
  assert.equal(config.baseURL, OPENAI_API);
});

Deno.test("connectionOf() sends g4f's 'no key' token to a custom server without a key", async () => {
  const config = await loadConfig(
    source({ OPENAI_BASE_URL: "http://localhost:11434/v1" }),
  );
  assert.equal(config.apiKey, NO_KEY);
  assert.equal(NO_KEY, "secret");
});

Deno.test("connectionOf() requires a key for OpenAI's API, named or defaulted", async () => {
  const envs: Record<string, string>[] = [
    {},
    { OPENAI_BASE_URL: "https://api.openai.com/v1/" },
  ];
  for (const env of envs) {
    await assert.rejects(
      loadConfig(source(env, "# nothing here\n")),
      new ConfigError(
        "OPENAI_API_KEY is not set: export it, or put OPENAI_API_KEY=... in a .env file here " +
          "(a server set in OPENAI_BASE_URL may need none)",
      ),
    );
  }
});

Deno.test("connectionOf() rejects a base URL that is not http(s), without showing it", async () => {
  for (
    const url of [
      "localhost:1337",
      "ftp://example.com",
      "http://",
      "htp://user:hunter2hunter2@example.com/v1?api-key=SECRETQUERYVALUE123",
      "sk-proj-PASTEDKEY0123456789",
    ]
  ) {
    await assert.rejects(
      loadConfig(source({ OPENAI_BASE_URL: url, OPENAI_API_KEY: "k" })),
      new ConfigError(
        "OPENAI_BASE_URL must be an http:// or https:// URL such as " +
          "http://localhost:1337/v1 (its value is not shown: it may hold a secret)",
      ),
    );
  }
});

Deno.test("connectionOf() reads a .env saved by Notepad: byte-order mark and CRLF", async () => {
  const config = await loadConfig(source(
    {},
    "\uFEFFOPENAI_API_KEY=sk-notepad-0123456789\r\nOPENAI_BASE_URL=http://127.0.0.1:1337/v1\r\n",
  ));
  assert.equal(config.apiKey, "sk-notepad-0123456789");
  assert.equal(config.baseURL, "http://127.0.0.1:1337/v1");
});

Deno.test("connectionOf() follows parseEnv's # and quoting rules in .env", async () => {
  const config = await loadConfig(source(
    {},
    "# a comment line\n" +
      "OPENAI_API_KEY=sk-abc#def # an unquoted value ends at #\n" +
      'OPENAI_ORG_ID="org-#1" # a quoted one keeps it\n' +
      "export OPENAI_PROJECT_ID='proj_2#x'\n",
  ));
  assert.deepEqual(
    [config.apiKey, config.organization, config.project],
    ["sk-abc", "org-#1", "proj_2#x"],
  );
});

Deno.test("connectionOf() names .env when it cannot be read, and passes a missing permission on", async () => {
  const failing = (error: Error) => ({
    env: () => undefined,
    readTextFile: () => Promise.reject(error),
  });
  await assert.rejects(
    loadConfig(failing(
      new Deno.errors.IsADirectory(
        "Is a directory (os error 21): readfile '.env'",
      ),
    )),
    new ConfigError(
      ".env in this directory cannot be read (is a directory): fix it or remove it",
    ),
  );
  await assert.rejects(
    loadConfig(failing(
      new Deno.errors.PermissionDenied(
        "Permission denied (os error 13): readfile '.env'",
      ),
    )),
    new ConfigError(
      ".env in this directory cannot be read (permission denied): fix it or remove it",
    ),
  );
  await assert.rejects(
    loadConfig(failing(new Error("it is larger than 1 MiB"))),
    new ConfigError(
      ".env in this directory cannot be read (it is larger than 1 MiB): fix it or remove it",
    ),
  );
  await assert.rejects(
    loadConfig(failing(new Deno.errors.NotCapable("Requires read access"))),
    Deno.errors.NotCapable,
  );
});

Deno.test("connectionOf() keeps OPENAI_CUSTOM_HEADERS from a named provider, and the org and project too", () => {
  const read = (name: string) =>
    ({
      OPENAI_CUSTOM_HEADERS: "X-Gateway-Token: gw-secret-123456789\nX-Team: a",
      OPENAI_ORG_ID: "org-1",
      OPENAI_PROJECT_ID: "proj-1",
      OPENAI_API_KEY: "sk-own-0123456789",
    })[name];
  assert.deepEqual(
    connectionOf(read, {
      baseURL: "http://localhost:11434/v1",
      apiKey: undefined,
    }),
    {
      apiKey: NO_KEY,
      baseURL: "http://localhost:11434/v1",
      organization: null,
      project: null,
      defaultHeaders: { "X-Gateway-Token": null, "X-Team": null },
    },
  );
  assert.deepEqual(connectionOf(read), {
    apiKey: "sk-own-0123456789",
    baseURL: OPENAI_API,
    organization: "org-1",
    project: "proj-1",
  });
});
