import assert from "node:assert/strict";
import { parseOptions } from "../cli/options.ts";
import { settingsOf } from "../config/plan.ts";
import { modelList } from "./models.ts";

Deno.test("modelList() lists the default model, aliases, roles and the providers that can be asked, each once", () => {
  const env: Record<string, string> = {
    OPENAI_API_KEY: "sk-0123456789",
    GPT4O_MODEL: "fast",
    MISTRAL_API_KEY: " ",
    GPT4O_WORK_KEY: "wk-0123456789",
  };
  const settings = settingsOf((name) => env[name], {
    path: "/c.toml",
    providers: [
      {
        name: "work",
        baseURL: "https://w.example/v1",
        keyVariable: "GPT4O_WORK_KEY",
        defaultModel: "m",
        headers: {},
      },
      {
        name: "locked",
        baseURL: "https://l.example/v1",
        keyVariable: "GPT4O_LOCKED_KEY",
        defaultModel: "m",
        headers: {},
      },
      { name: "bare", baseURL: "http://127.0.0.1:9/v1", headers: {} },
    ],
    roles: [{ name: "lawyer" }, { name: "judge", model: ["work:"] }],
    aliases: { fast: ["work:"], "g4f:gpt-4o": ["g4f:"] },
    mcp: [],
  });
  const list = modelList(parseOptions(["--serve"]), settings);
  assert.equal(list.object, "list");
  assert.deepEqual(list.data.map(({ id }) => id), [
    "fast",
    "g4f:gpt-4o",
    "role:lawyer",
    "role:judge",
    "openai:gpt-4o",
    "ollama:llama3.2",
    "lmstudio:openai/gpt-oss-20b",
    "llamacpp:default",
    "work:m",
  ]);
  assert.deepEqual(list.data[0], {
    id: "fast",
    object: "model",
    created: 0,
    owned_by: "gpt4o",
  });
});
