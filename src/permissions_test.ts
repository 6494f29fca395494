import assert from "node:assert/strict";
import { grantedFolder, mayRead, PLACE_ENV, runFlags } from "./permissions.ts";

Deno.test("runFlags() grants the config file to read, and the history folder to read and write, as the environment names them now", () => {
  const flags = runFlags(
    (name) =>
      ({
        HOME: "/home/ada",
        GPT4O_CONFIG: "/etc/gpt4o.toml",
        GPT4O_HISTORY: "/data/h.db",
      })[name],
    "linux",
  );
  assert.deepEqual(flags.slice(-2), [
    "--allow-read=.env,/data,/etc/gpt4o.toml",
    "--allow-write=/data",
  ]);
  assert.equal(flags[0], "--no-prompt");
});

Deno.test("runFlags() grants no path Deno's lists cannot name, nor one history off or with no home has", () => {
  assert.deepEqual(
    runFlags((name) => ({ HOME: "/home/c,d" })[name], "linux").slice(-1),
    ["--allow-read=.env"],
  );
  assert.deepEqual(
    runFlags(
      (name) => ({ GPT4O_HISTORY: "off", GPT4O_CONFIG: "off" })[name],
      "linux",
    ).slice(-1),
    ["--allow-read=.env"],
  );
  assert.equal(grantedFolder(() => undefined, "linux"), undefined);
});

Deno.test("mayRead() takes the program's own GPT4O_* variables and the others it reads, no more", () => {
  for (
    const name of [
      "GPT4O_HISTORY",
      "GPT4O_CORP_KEY",
      "OPENAI_API_KEY",
      "OLLAMA_HOST",
      ...PLACE_ENV,
    ]
  ) {
    assert.ok(mayRead(name), name);
  }
  for (const name of ["GPT4O", "AWS_SECRET_ACCESS_KEY", "PATH", "OPENAI_LOG"]) {
    assert.ok(!mayRead(name), name);
  }
});
