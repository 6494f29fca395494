import assert from "node:assert/strict";
import { ConfigError, loadConfig, NO_KEY, OPENAI_API } from "./config.ts";

function source(env: Record<string, string>, dotenv?: string) {
  return {
    env: (name: string) => env[name],
    readTextFile: (path: string) => {
      assert.equal(path, ".env");
      return Promise.resolve(dotenv);
    },
  };
}

Deno.test("loadConfig() uses OpenAI's API with the key from the environment", async () => {
  assert.deepEqual(await loadConfig(source({ OPENAI_API_KEY: " sk-1 " })), {
    apiKey: "sk-1",
    baseURL: OPENAI_API,
    organization: null,
    project: null,
  });
});

Deno.test("loadConfig() falls back to .env, parsed with quotes, comments and export", async () => {
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

Deno.test("loadConfig() never lets .env override a variable that is set, even empty", async () => {
  const dotenv =
    "OPENAI_API_KEY=sk-file\nOPENAI_BASE_URL=http://localhost:1337/v1";
  const config = await loadConfig(
    source({ OPENAI_API_KEY: "sk-env", OPENAI_BASE_URL: "" }, dotenv),
  );
  assert.equal(config.apiKey, "sk-env");
  assert.equal(config.baseURL, OPENAI_API);
});

Deno.test("loadConfig() sends g4f's 'no key' token to a custom server without a key", async () => {
  const config = await loadConfig(
    source({ OPENAI_BASE_URL: "http://localhost:11434/v1" }),
  );
  assert.equal(config.apiKey, NO_KEY);
  assert.equal(NO_KEY, "secret");
});

Deno.test("loadConfig() requires a key for OpenAI's API, named or defaulted", async () => {
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

Deno.test("loadConfig() rejects a base URL that is not http(s), naming it", async () => {
  for (const url of ["localhost:1337", "ftp://example.com", "http://"]) {
    await assert.rejects(
      loadConfig(source({ OPENAI_BASE_URL: url, OPENAI_API_KEY: "k" })),
      new ConfigError(
        `OPENAI_BASE_URL must be an http:// or https:// URL, not "${url}"`,
      ),
    );
  }
});
