import assert from "node:assert/strict";
import { launch, type LaunchIo } from "./launch.ts";
import { runFlags } from "./permissions.ts";
import type { StopSignal } from "../io/signals.ts";

/** A launch in-process: what it would run, and the signals it passes on. */
function fakeLaunchIo(
  env: Record<string, string>,
  { code = 0, fail = false, config }: {
    code?: number;
    fail?: boolean;
    config?: string;
  } = {},
) {
  const ran: string[][] = [];
  const killed: string[] = [];
  const errors: string[] = [];
  let signal: ((signal: StopSignal) => void) | undefined;
  let exit!: (code: number) => void;
  const read: string[] = [];
  const io: LaunchIo = {
    env: (name) => env[name],
    deno: "/opt/deno/bin/deno",
    readConfig(path) {
      read.push(path);
      return config;
    },
    spawn(args) {
      if (fail) throw new Deno.errors.NotFound("Failed to spawn 'deno'");
      ran.push(args);
      return {
        status: new Promise((resolve) => {
          exit = (code) => resolve({ code, success: code === 0, signal: null });
        }),
        kill: (name: string) => void killed.push(name),
      } as unknown as Deno.ChildProcess;
    },
    onSignal(handler) {
      signal = handler;
      return { [Symbol.dispose]: () => void (signal = undefined) };
    },
    stderr: { write: (text) => void errors.push(text) },
  };
  return {
    io,
    ran,
    read,
    killed,
    errors,
    send: (name: StopSignal) => signal?.(name),
    exit: (value = code) => exit(value),
    get listening() {
      return signal !== undefined;
    },
  };
}

Deno.test("launch runs deno with Deno's flags, the run's permissions, the program and its arguments", async () => {
  const env = { HOME: "/home/ada", GPT4O_HISTORY: "/any/folder/file.db" };
  const fake = fakeLaunchIo(env);
  const done = launch(
    ["--cached-only", "main.ts", "-a", "cat.png", "Hi"],
    fake.io,
    "linux",
  );
  await Promise.resolve();
  fake.exit(0);
  assert.equal(await done, 0);
  assert.deepEqual(fake.ran, [[
    "run",
    "--cached-only",
    ...runFlags((name) => (env as Record<string, string>)[name], "linux", [
      "-a",
      "cat.png",
    ]),
    "main.ts",
    "-a",
    "cat.png",
    "Hi",
  ]]);
  assert.ok(fake.ran[0].includes("--allow-write=/any/folder"));
  assert.ok(
    fake.ran[0].includes(
      "--allow-read=.env,/any/folder,/home/ada/.config/gpt4o/config.toml,cat.png",
    ),
    "the file the command line names may be read",
  );
  assert.ok(fake.ran[0].includes("--no-prompt"));
  assert.ok(
    !fake.ran[0].some((flag) => flag.startsWith("--allow-run")),
    "a run without tools may start no program",
  );
});

Deno.test("launch lets a run with tools start its own deno, the config's programs and the browser's opener, and no other run", async (t) => {
  const env = { HOME: "/home/ada" };
  const config = '[mcp.files]\nmodule = "npm:x"\n[mcp.git]\ncommand = "uvx"\n';
  for (
    const [name, args, text, granted] of [
      ["-T on the command line", ["-T", "files", "Hi"], config, [
        "--allow-run=/opt/deno/bin/deno,uvx,xdg-open",
        "--quiet",
      ]],
      ["--list-tools", ["--list-tools"], config, [
        "--allow-run=/opt/deno/bin/deno,uvx,xdg-open",
        "--quiet",
      ]],
      ["tools in the config file", ["Hi"], `tools = ["git"]\n${config}`, [
        "--allow-run=/opt/deno/bin/deno,uvx,xdg-open",
        "--quiet",
      ]],
      ["no config file, -T", ["-T", "files"], undefined, [
        "--allow-run=/opt/deno/bin/deno,xdg-open",
        "--quiet",
      ]],
      ["servers declared but no tools asked for", ["Hi"], config, []],
      ["-T after --, a prompt's word", ["--", "-T"], config, []],
    ] as const
  ) {
    await t.step(name, async () => {
      const fake = fakeLaunchIo(env, { ...(text ? { config: text } : {}) });
      const done = launch(["main.ts", ...args], fake.io, "linux");
      await Promise.resolve();
      fake.exit(0);
      assert.equal(await done, 0);
      assert.deepEqual(fake.read, ["/home/ada/.config/gpt4o/config.toml"]);
      assert.deepEqual(
        fake.ran[0].filter((flag) => /^--(allow-run|quiet)/.test(flag)),
        granted,
      );
    });
  }
});

Deno.test("launch passes signals on to the program and returns its exit code", async () => {
  const fake = fakeLaunchIo({ HOME: "/h" });
  const done = launch(["main.ts"], fake.io, "linux");
  await Promise.resolve();
  fake.send("SIGTERM");
  fake.send("SIGHUP");
  fake.exit(143);
  assert.equal(await done, 143);
  assert.deepEqual(fake.killed, ["SIGTERM", "SIGHUP"]);
  assert.equal(fake.listening, false, "the listener outlived the program");
});

Deno.test("launch exits 2 with one line when there is no program or no deno", async (t) => {
  await t.step("no program", async () => {
    const fake = fakeLaunchIo({});
    assert.equal(await launch(["--cached-only"], fake.io), 2);
    assert.deepEqual(fake.errors, [
      "launch.ts: name the program to run, e.g. main.ts\n",
    ]);
  });
  await t.step("deno cannot be started", async () => {
    const fake = fakeLaunchIo({}, { fail: true });
    assert.equal(await launch(["main.ts"], fake.io), 2);
    assert.deepEqual(fake.errors, [
      "cannot start deno: Failed to spawn 'deno'\n",
    ]);
  });
});
