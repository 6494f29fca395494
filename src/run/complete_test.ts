import assert from "node:assert/strict";
import { completeValues } from "./complete.ts";
import { settingsOf } from "../config/plan.ts";

Deno.test("completeValues() leaves out a value a shell could not take back as typed, and makes each description one short line", () => {
  const settings = settingsOf(() => undefined, {
    path: "config.toml",
    providers: [],
    aliases: { "tab\there": ["x"], "": ["y"] },
    mcp: [],
    roles: [
      { name: "plain", system: "\x1b[2JFirst\tline\nSecond line" },
      { name: "bare" },
      { name: "long", system: "a".repeat(100) },
    ],
  });
  assert.equal(
    completeValues("roles", settings),
    "plain\t[2JFirst line\nbare\nlong\t" + "a".repeat(59) + "…\n",
  );
  assert.doesNotMatch(completeValues("models", settings), /tab|^\t/m);
});
