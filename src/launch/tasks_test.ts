import assert from "node:assert/strict";
import { ENV_VARIABLES, SDK_ENV_VARIABLE } from "../config/connection.ts";
import {
  DENO_CACHE_ENV,
  DENO_NETWORK_ENV,
  PLACE_ENV,
  PROGRAM_ENV,
  runFlags,
} from "./permissions.ts";
import { TERMINAL_ENV_VARIABLES } from "../io/terminal.ts";
import { PROVIDER_ENV_VARIABLES } from "../config/providers.ts";
import { BROWSER_ENV } from "../tools/browser.ts";
import { SHELL_ENV_VARIABLES } from "../shell/shell.ts";
import project from "../../deno.json" with { type: "json" };

/** The tasks that start the program, through the launcher. */
const LAUNCHED = { start: "", chat: " --chat", serve: " --serve" } as const;

Deno.test("the start, chat and serve tasks run main.ts through the shell launcher, from the cache alone", () => {
  for (const [name, extra] of Object.entries(LAUNCHED)) {
    assert.equal(
      project.tasks[name as keyof typeof LAUNCHED].command,
      `sh src/launch/gpt4o.sh deno --cached-only main.ts${extra}`,
      name,
    );
  }
});

Deno.test("the install, uninstall and compile tasks never prompt, and may not write", () => {
  for (const name of ["install", "uninstall", "compile"] as const) {
    const flags = project.tasks[name].command.split(" ")
      .filter((word) => word.startsWith("-"));
    assert.equal(flags[0], "--no-prompt", name);
    assert.ok(!flags.some((flag) => /^--allow-(write|all)|^-A$/.test(flag)));
    assert.ok(
      project.tasks[name].command.endsWith(`src/launch/install.ts ${name}`),
    );
  }
});

Deno.test("a run may read the variables the modules read, the program's own GPT4O_* among them, and no other", () => {
  const read = new Set([
    ...ENV_VARIABLES,
    SDK_ENV_VARIABLE,
    ...PROVIDER_ENV_VARIABLES,
    ...PLACE_ENV,
    ...TERMINAL_ENV_VARIABLES,
    ...DENO_CACHE_ENV,
    ...DENO_NETWORK_ENV,
    ...BROWSER_ENV,
    ...SHELL_ENV_VARIABLES,
    "PATH",
  ].filter((name) => !name.startsWith("GPT4O_")));
  assert.deepEqual(PROGRAM_ENV, ["GPT4O_*", ...read]);
  assert.deepEqual(runFlags(() => undefined, "linux"), [
    "--no-prompt",
    "--v8-flags=--max-semi-space-size=4",
    "--allow-net",
    `--allow-env=${PROGRAM_ENV.join(",")}`,
    "--allow-read=.env",
  ]);
});
