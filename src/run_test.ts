import assert from "node:assert/strict";
import { dirname } from "node:path";
import { CutOffError, RefusalError } from "./answer.ts";
import { ENV_VARIABLES, SDK_ENV_VARIABLE } from "./config.ts";
import { InterruptedError } from "./errors.ts";
import { HISTORY_ENV_VARIABLES, historyPath } from "./history.ts";
import { PROVIDER_ENV_VARIABLES } from "./providers.ts";
import { outcomeOf } from "./run.ts";
import project from "../deno.json" with { type: "json" };
import { taskFlags } from "../testdata/task_flags.ts";

/** The tasks that run the program, and what each must allow. */
const TASKS = ["start", "chat", "compile", "install"] as const;

Deno.test("the tasks that run the program allow reading exactly the variables it reads", () => {
  const expected = [
    ...new Set([
      ...ENV_VARIABLES,
      SDK_ENV_VARIABLE,
      ...PROVIDER_ENV_VARIABLES,
      ...HISTORY_ENV_VARIABLES,
    ]),
  ].sort();
  for (const name of TASKS) {
    const flags = taskFlags(project.tasks[name].command, {});
    const allowed = flags.find((flag) => flag.startsWith("--allow-env="))
      ?.slice("--allow-env=".length).split(",").sort();
    assert.deepEqual(allowed, expected, name);
  }
});

Deno.test("the tasks that run the program allow the network, .env and the history folder, and nothing else", () => {
  for (const name of TASKS) {
    const flags = taskFlags(project.tasks[name].command, {})
      .filter((flag) => flag.startsWith("--allow") || flag === "-A")
      .map((flag) => flag.replace(/=.*/, ""));
    assert.deepEqual(
      flags,
      ["--allow-net", "--allow-env", "--allow-read", "--allow-write"],
      name,
    );
  }
});

Deno.test("the tasks allow reading and writing the folder where history is kept by default, on every platform", () => {
  const homes: [typeof Deno.build.os, Record<string, string>][] = [
    ["linux", { HOME: "/home/ada" }],
    ["linux", { HOME: "/home/ada", XDG_DATA_HOME: "/data/ada" }],
    ["freebsd", { HOME: "/home/ada" }],
    ["darwin", { HOME: "/Users/ada" }],
    ["windows", { APPDATA: "C:/Users/ada/AppData/Roaming" }],
  ];
  for (const name of TASKS) {
    for (const [os, env] of homes) {
      const folder = dirname(
        historyPath((v) => env[v], os)!.replaceAll("\\", "/"),
      );
      const flags = taskFlags(project.tasks[name].command, env);
      for (const kind of ["--allow-read", "--allow-write"]) {
        const paths = flags.find((flag) => flag.startsWith(`${kind}=`))
          ?.slice(kind.length + 1).split(",");
        assert.ok(
          paths?.includes(folder),
          `${name} on ${os}: ${kind} lacks ${folder} (${paths})`,
        );
      }
    }
  }
});

Deno.test("the start and chat tasks run from Deno's cache, asking no registry", () => {
  for (const name of ["start", "chat"] as const) {
    assert.match(project.tasks[name].command, /^deno run --cached-only /);
  }
  assert.match(project.tasks.chat.command, / main\.ts --chat$/);
});

Deno.test("outcomeOf() tells how an exchange ended, for the history", () => {
  assert.equal(outcomeOf("stop"), "answered");
  assert.equal(outcomeOf(null), "answered");
  assert.equal(outcomeOf("length"), "cut off");
  assert.equal(outcomeOf("content_filter"), "filtered");
  assert.equal(outcomeOf(undefined, new InterruptedError()), "interrupted");
  assert.equal(outcomeOf(undefined, new RefusalError("no")), "refused");
  assert.equal(outcomeOf(undefined, new CutOffError()), "cut off");
  assert.equal(outcomeOf(undefined, new TypeError("reset")), "failed");
});
