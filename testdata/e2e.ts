/**
 * The harness of the end-to-end tests: the real program as a user runs it
 * (`deno run` with the flags the start task's launcher gives it, or the
 * installed `gpt4o`) against a scripted server on 127.0.0.1. Each run checks
 * the exit code, the exact stdout and stderr, and that the API key appears in
 * neither.
 *
 * @module
 */
import assert from "node:assert/strict";
import project from "../deno.json" with { type: "json" };
import { type FakeServer, startServer } from "./server.ts";
import { DENO_NETWORK_ENV, runFlags } from "../src/launch/permissions.ts";
import { screenOf } from "./screen.ts";

export const KEY = "sk-proj-E2EKEY0123456789abcdefE2EKEY";
export const DOTENV_KEY = "sk-dotenv-file-key-0000-fromfile";

export const MAIN = new URL("../main.ts", import.meta.url).pathname;
export const TESTDATA = new URL("./", import.meta.url).pathname;
export const TMP = new URL("../.tmp/", import.meta.url).pathname;

/** The permission flags of `deno task test`, which the e2e tests need. */
export const TEST_FLAGS = project.tasks.test.command.split(" ")
  .filter((word) => word.startsWith("--allow-"));
/** What deno itself needs from the environment; no OPENAI_* variable. */
const DENO_ENV = TEST_FLAGS.find((flag) => flag.startsWith("--allow-env="))!
  .slice("--allow-env=".length).split(",");

export const permitted = await Promise.all([
  Deno.permissions.query({ name: "net", host: "127.0.0.1" }),
  Deno.permissions.query({ name: "run", command: "deno" }),
  Deno.permissions.query({ name: "read", path: TESTDATA }),
  Deno.permissions.query({ name: "write", path: TMP }),
  ...DENO_ENV.map((variable) =>
    Deno.permissions.query({ name: "env", variable })
  ),
]).then((states) => states.every(({ state }) => state === "granted"));

/** How to run these tests, followed literally: it works. */
export const SKIP_HINT = "ignored: run `deno task test`, or `deno test " +
  `${TEST_FLAGS.join(" ")} e2e/\``;

/** What a test runs: `main.ts` as `deno task start` does, or the installed command. */
export type Target = "main.ts" | "installed gpt4o";
let target: Target = "main.ts";

/**
 * A test that needs to start servers and processes. It runs twice: against
 * `main.ts`, and against the `gpt4o` command that `deno task install` makes
 * (a bundle of the program), so that the two are proven equal.
 */
export function e2e(name: string, fn: (server: FakeServer) => Promise<void>) {
  for (const each of ["main.ts", "installed gpt4o"] as const) {
    const label = each === "main.ts" ? name : `${name} [installed gpt4o]`;
    Deno.test({
      name: permitted ? label : `${label} (${SKIP_HINT})`,
      ignore: !permitted,
      async fn() {
        target = each;
        if (each === "installed gpt4o") await installed();
        await using server = startServer();
        await fn(server);
      },
    });
  }
}

/** Where `deno task install` puts the command for the tests. */
export const INSTALL_ROOT = `${TMP}install`;
export const SHIM = `${INSTALL_ROOT}/bin/gpt4o`;
export const BUNDLE = `${INSTALL_ROOT}/lib/gpt4o/gpt4o.js`;
let installing: Promise<void> | undefined;

/** Runs `deno task install` once, into a root of the tests' own. */
export function installed(): Promise<void> {
  installing ??= (async () => {
    const { code, stderr } = await new Deno.Command("deno", {
      args: ["task", "--quiet", "install"],
      cwd: new URL("..", import.meta.url).pathname,
      // The whole environment, as a user's: the first install may download
      // the bundler, through the machine's proxy and certificates.
      env: {
        ...NETWORK_ENV,
        HOME: PASSED_ENV.HOME,
        PATH: PASSED_ENV.PATH ?? "",
        DENO_DIR: PASSED_ENV.DENO_DIR,
        DENO_INSTALL_ROOT: INSTALL_ROOT,
      },
      stdout: "null",
      stderr: "piped",
    }).output();
    const error = new TextDecoder().decode(stderr);
    assert.equal(code, 0, `deno task install failed: ${error}`);
  })();
  return installing;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The user's network settings (proxies, certificates) as the tests' own
 * environment has them: what the first start of a tool server fetches its
 * module with.
 */
const NETWORK_ENV: Record<string, string> = Object.fromEntries(
  DENO_NETWORK_ENV.flatMap((name) => {
    const value = DENO_ENV.includes(name) && permitted
      ? Deno.env.get(name)
      : undefined;
    return value === undefined ? [] : [[name, value]];
  }),
);

/**
 * What deno itself needs from the environment, the user's network settings,
 * no OPENAI_* variable, and a home of the tests' own, so that the history
 * they save stays there; Deno's cache stays where it is.
 */
export const PASSED_ENV: Record<string, string> = permitted
  ? {
    ...Object.fromEntries(
      ["PATH", "SystemRoot", "LOCALAPPDATA", "XDG_CACHE_HOME"].flatMap(
        (name) => {
          const value = Deno.env.get(name);
          return value === undefined ? [] : [[name, value]];
        },
      ),
    ),
    ...NETWORK_ENV,
    DENO_DIR: await denoDir(),
    HOME: await Deno.mkdir(TMP, { recursive: true }).then(() =>
      Deno.makeTempDir({ dir: TMP, prefix: "home-" })
    ),
  }
  : {};

// The tests' home, with the history they saved, goes when they end.
globalThis.addEventListener("unload", () => {
  if (PASSED_ENV.HOME) Deno.removeSync(PASSED_ENV.HOME, { recursive: true });
});

/**
 * The flags `deno task start` runs main.ts with: those its launcher decides
 * from the environment the program gets.
 */
export function launchedFlags(
  env: Record<string, string> = PASSED_ENV,
  args: string[] = [],
): string[] {
  let config = "";
  try {
    config = env.GPT4O_CONFIG ? Deno.readTextFileSync(env.GPT4O_CONFIG) : "";
  } catch {
    // none: as the launcher, grant by the command line alone
  }
  return [
    "--cached-only",
    ...runFlags((name) => env[name], Deno.build.os, args, {
      deno: "deno",
      config,
    }),
  ];
}

async function denoDir(): Promise<string> {
  const { stdout } = await new Deno.Command("deno", {
    args: ["info", "--json"],
    stderr: "null",
  }).output();
  return JSON.parse(new TextDecoder().decode(stdout)).denoDir;
}

export interface RunOptions {
  baseURL?: string;
  /** `null` leaves OPENAI_API_KEY unset; the default is a test key. */
  key?: null;
  /** What to pipe to stdin: text, or bytes such as an image's. */
  stdin?: string | Uint8Array;
  flags?: string[];
  cwd?: string;
  /** Sends `signal` (default SIGINT) once this resolves. */
  interrupt?: () => Promise<void>;
  signal?: Deno.Signal;
  /** Sends the signal once more, this many ms after the first. */
  again?: number;
  /** Sees stdout so far, as it grows. */
  onStdout?: (text: string) => void;
  /** More variables for the program. */
  env?: Record<string, string>;
}

/**
 * Starts the program as `deno task start` would, or as the installed command
 * (given flags run its bundle with them), in a clean environment.
 */
export function spawn(
  args: string[],
  options: RunOptions = {},
): Deno.ChildProcess {
  const env = {
    ...PASSED_ENV,
    NO_COLOR: "1",
    ...(options.baseURL ? { OPENAI_BASE_URL: options.baseURL } : {}),
    ...(options.key === undefined ? { OPENAI_API_KEY: KEY } : {}),
    ...options.env,
  };
  const [command, ...start] = target === "main.ts"
    ? ["deno", "run", ...(options.flags ?? launchedFlags(env, args)), MAIN]
    : options.flags
    ? ["deno", "run", ...options.flags, BUNDLE]
    : [SHIM];
  return new Deno.Command(command, {
    args: [...start, ...args],
    cwd: options.cwd ?? TESTDATA,
    clearEnv: true,
    env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs main.ts to its end and collects what it printed. */
export async function program(
  args: string[],
  options: RunOptions = {},
): Promise<Run> {
  const started = performance.now();
  const child = spawn(args, options);
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(
      typeof options.stdin === "string"
        ? new TextEncoder().encode(options.stdin)
        : options.stdin,
    );
    await writer.close();
  }
  options.interrupt?.().then(async () => {
    child.kill(options.signal ?? "SIGINT");
    if (options.again === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, options.again));
    try {
      child.kill(options.signal ?? "SIGINT");
    } catch {
      // it has ended already
    }
  });
  const [out, err, status] = await Promise.all([
    collect(child.stdout, options.onStdout),
    collect(child.stderr),
    child.status,
  ]);
  const run = {
    code: status.code,
    stdout: out,
    stderr: err,
    ms: performance.now() - started,
  };
  for (const key of [KEY, DOTENV_KEY]) {
    assert.ok(!run.stdout.includes(key), "the API key leaked to stdout");
    assert.ok(!run.stderr.includes(key), "the API key leaked to stderr");
  }
  return run;
}

/** Reads a stream to text, showing the text so far to `watch`. */
export async function collect(
  stream: ReadableStream<Uint8Array>,
  watch?: (text: string) => void,
): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    watch?.(text);
  }
  return text + decoder.decode();
}

/** Reads `stream` until `pattern` matches what came; the rest goes on in the background. */
export async function readUntil(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
): Promise<{ match: RegExpMatchArray; rest: Promise<string> }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    assert.ok(!done, `it ended before ${pattern}: ${text}`);
    text += decoder.decode(value, { stream: true });
    const match = text.match(pattern);
    if (match) {
      reader.releaseLock();
      return { match, rest: collect(stream).then((more) => text + more) };
    }
  }
}

/** Resolves once `condition` holds, checking every 10 ms; fails after 10 s. */
export async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    assert.ok(
      Date.now() < deadline,
      "waited 10 s for something that never came",
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The outcome without the elapsed time, for exact comparison. */
export function seen({ code, stdout, stderr }: Run) {
  return { code, stdout, stderr };
}

/** Whether `bash` may be run, for tests that need a shell's redirections. */
export const hasBash = permitted &&
  (await Deno.permissions.query({ name: "run", command: "bash" })).state ===
    "granted";

/** The history folder of the tests' home, where the tasks may write. */
export const HISTORY = `${PASSED_ENV.HOME}/.local/share/gpt4o`;

/** Starts the history over, so that a test sees only its own conversations. */
export async function freshHistory(): Promise<void> {
  await Deno.remove(HISTORY, { recursive: true }).catch(() => {});
}

/** `--history --json`, parsed. */
export async function listed(server: FakeServer) {
  const run = await program(["--history", "--json"], {
    baseURL: server.url("echo"),
  });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as {
    id: number;
    model: string;
    turns: number;
    title: string;
  }[];
}

/** Whether `script` (util-linux) may be run, to give the program a terminal. */
export const hasScript = permitted && Deno.build.os === "linux" &&
  (await Deno.permissions.query({ name: "run", command: "script" })).state ===
    "granted";

/** Quotes a word for `sh`. */
export const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** The chat command of each target, as a person would start it. */
export function chatCommand(each: Target | "deno task chat"): string[] {
  return each === "deno task chat"
    ? ["deno", "task", "--quiet", "chat"]
    : command(each, ["--chat"]);
}

/**
 * The command of `target` with `args`, as a person would start it: main.ts
 * with the flags the launcher gives it in the environment `env` (the tests'
 * own and more), or the installed gpt4o.
 */
export function command(
  target: Target,
  args: string[],
  env: Record<string, string> = {},
): string[] {
  return target === "main.ts"
    ? [
      "deno",
      "run",
      ...launchedFlags({ ...PASSED_ENV, ...env }, args),
      MAIN,
      ...args,
    ]
    : [SHIM, ...args];
}

/**
 * Runs `command` in a pseudo-terminal (util-linux's `script`): `type` sends
 * keys, `shown` waits for text on the screen, `end` waits for the exit and
 * returns the code and what the screen shows once lines redrawn in place are
 * settled, without styles and bracketed-paste switches (`output`), and the
 * output as it came (`raw`).
 */
export function atTerminal(
  command: string[],
  baseURL: string,
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const child = new Deno.Command("script", {
    args: ["-qfec", `exec ${command.map(quote).join(" ")}`, "/dev/null"],
    cwd: options.cwd ?? TESTDATA,
    clearEnv: true,
    env: {
      ...PASSED_ENV,
      TERM: "dumb",
      NO_COLOR: "1",
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: baseURL,
      ...options.env,
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let screen = "";
  const reading = collect(child.stdout, (text) => void (screen = text));
  const keys = child.stdin.getWriter();
  return {
    type: (text: string) => keys.write(new TextEncoder().encode(text)),
    shown: (text: string, from = 0) =>
      until(() => screen.indexOf(text, from) >= 0),
    get length() {
      return screen.length;
    },
    /** The output so far, as it came. */
    get raw() {
      return screen;
    },
    /** Where `text` first shows after `from`, or -1. */
    find: (text: string, from = 0) => screen.indexOf(text, from),
    async end() {
      const timer = setTimeout(() => child.kill(), 10_000);
      const { code, signal } = await child.status;
      clearTimeout(timer);
      assert.equal(signal, null, `still running after 10 s: ${screen}`);
      await keys.close().catch(() => {});
      const raw = await reading;
      const output = screenOf(
        raw.replaceAll("\x1b[?2004h", "").replaceAll("\x1b[?2004l", ""),
      );
      assert.ok(!output.includes(KEY));
      return { code, output, raw };
    },
  };
}

/**
 * A test at a real terminal, once for each of `targets` (ignored without
 * `script`), with a fresh history and a server of its own.
 */
export function eachTarget<T extends Target | "deno task chat">(
  name: string,
  targets: T[],
  fn: (target: T, server: FakeServer) => Promise<void>,
) {
  for (const each of targets) {
    Deno.test({
      name: name + (each === "main.ts" ? "" : ` [${each}]`) +
        (hasScript ? "" : ` (${SKIP_HINT})`),
      ignore: !hasScript,
      async fn() {
        if (each === "installed gpt4o") await installed();
        await using server = startServer();
        await freshHistory();
        await fn(each, server);
      },
    });
  }
}

/** A chat test at a real terminal: {@linkcode eachTarget}, the chat's command given. */
export function terminalTest(
  name: string,
  targets: (Target | "deno task chat")[],
  fn: (command: string[], server: FakeServer) => Promise<void>,
) {
  eachTarget(name, targets, (each, server) => fn(chatCommand(each), server));
}
