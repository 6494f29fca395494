import assert from "node:assert/strict";
import { ApiChoices } from "./api_choice.ts";
import type { Target } from "../config/plan.ts";
import type { Options } from "../cli/options.ts";

const target = (api?: "chat" | "responses"): Target => ({
  spec: "work:o1-pro",
  shown: "o1-pro (work)",
  model: "o1-pro",
  connection: {
    baseURL: "https://u:pw@gateway.example/v1?k=1",
    apiKey: "k",
    organization: null,
    project: null,
  },
  ...(api ? { api } : {}),
});
const NO_HISTORY = { ownFolder: false };

Deno.test("ApiChoices.choose() by --api and the provider's api", async (t) => {
  const cases: [Options["api"], Target, string, boolean][] = [
    ["auto", target(), "chat", true],
    ["auto", target("responses"), "responses", true],
    ["auto", target("chat"), "chat", false],
    ["chat", target("responses"), "chat", false],
    ["responses", target(), "responses", true],
    ["responses", target("chat"), "responses", true],
  ];
  for (const [mode, each, api, switchApi] of cases) {
    await t.step(`--api ${mode}, api = ${each.api ?? "unset"}`, () => {
      assert.deepEqual(
        new ApiChoices(mode, NO_HISTORY, true).choose(each),
        { api, switchApi },
      );
    });
  }
});

Deno.test("ApiChoices keeps what the run found without a history: a model's Responses, a server's lack of it", () => {
  const choices = new ApiChoices("auto", NO_HISTORY, true);
  assert.equal(choices.found(target(), "responses"), undefined);
  assert.deepEqual(choices.choose(target()), {
    api: "responses",
    switchApi: true,
  });
  assert.equal(
    choices.found(target(), "chat"),
    "o1-pro (work): https://gateway.example/v1 has no Responses API: " +
      "asking through chat completions",
  );
  assert.deepEqual(choices.choose(target()), { api: "chat", switchApi: true });
  assert.deepEqual(
    new ApiChoices("auto", NO_HISTORY, true).choose(target()).api,
    "chat",
  );
  const asked = new ApiChoices("responses", NO_HISTORY, true);
  asked.found(target(), "chat");
  assert.deepEqual(asked.choose({ ...target(), model: "gpt-4o" }), {
    api: "chat",
    switchApi: false,
    told: "o1-pro (work): https://gateway.example/v1 has no Responses API " +
      "(as an earlier run found): asking through chat completions",
  });
});
