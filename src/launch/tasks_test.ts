import assert from "node:assert/strict";
import { ENV_VARIABLES, SDK_ENV_VARIABLE } from "../config/connection.ts";
import { PLACE_ENV, PROGRAM_ENV, runFlags } from "./permissions.ts";
import { PROVIDER_ENV_VARIABLES } from "../config/providers.ts";
import project from "../../deno.json" with { type: "json" };

/** The tasks that start the program, through the launcher. */
const LAUNCHED = { start: "", chat: " --chat" } as const;

Deno.test("the start and chat tasks run the launcher, which may read where the history is, read the config file and run deno, nothing else", () => {
  for (const [name, extra] of Object.entries(LAUNCHED)) {
    assert.equal(
      project.tasks[name as keyof typeof LAUNCHED].command,
      "deno run --no-prompt " +
        `--allow-env=${PLACE_ENV.join(",")} --allow-read --allow-run=deno ` +
        `src/launch/launch.ts --cached-only main.ts${extra}`,
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

Deno.test("a run may read the program's own GPT4O_* variables and the others it reads, and .env", () => {
  const flags = runFlags(() => undefined, "linux");
  assert.deepEqual(flags, [
    "--no-prompt",
    "--v8-flags=--max-semi-space-size=4",
    "--allow-net",
    `--allow-env=GPT4O_*,${
      [
        ...new Set([
          ...ENV_VARIABLES,
          SDK_ENV_VARIABLE,
          ...PROVIDER_ENV_VARIABLES,
          "XDG_DATA_HOME",
          "HOME",
          "APPDATA",
          "XDG_CONFIG_HOME",
          "TERM",
          "TERM_PROGRAM",
          "VTE_VERSION",
          "WT_SESSION",
          "DENO_DIR",
          "XDG_CACHE_HOME",
          "LOCALAPPDATA",
          "SystemRoot",
          "HTTPS_PROXY",
          "https_proxy",
          "HTTP_PROXY",
          "http_proxy",
          "ALL_PROXY",
          "all_proxy",
          "NO_PROXY",
          "no_proxy",
          "NODE_EXTRA_CA_CERTS",
          "DENO_CERT",
          "DENO_TLS_CA_STORE",
          "PATH",
        ]),
      ].join(",")
    }`,
    "--allow-read=.env",
  ]);
  assert.deepEqual(
    PROGRAM_ENV,
    flags[3].slice("--allow-env=".length).split(","),
  );
});
