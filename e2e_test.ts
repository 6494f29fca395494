/**
 * End to end: the real program as a user runs it (`deno run` with the start
 * task's permissions) against a scripted server on 127.0.0.1. Each case
 * checks the exit code, the exact stdout and stderr, and that the API key
 * appears in neither.
 */
import assert from "node:assert/strict";
import project from "./deno.json" with { type: "json" };
import { ANSWER } from "./testdata/fixtures.ts";
import {
  AWKWARD_TEXT,
  bigCount,
  type FakeServer,
  now,
  PIECE,
  startServer,
} from "./testdata/server.ts";
import { taskFlags } from "./testdata/task_flags.ts";

const KEY = "sk-proj-E2EKEY0123456789abcdefE2EKEY";
const DOTENV_KEY = "sk-dotenv-file-key-0000-fromfile";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const TESTDATA = new URL("./testdata/", import.meta.url).pathname;
const TMP = new URL("./.tmp/", import.meta.url).pathname;

/** The permission flags of `deno task test`, which the e2e tests need. */
const TEST_FLAGS = project.tasks.test.command.split(" ")
  .filter((word) => word.startsWith("--allow-"));
/** What deno itself needs from the environment; no OPENAI_* variable. */
const DENO_ENV = TEST_FLAGS.find((flag) => flag.startsWith("--allow-env="))!
  .slice("--allow-env=".length).split(",");

const permitted = await Promise.all([
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
  `${TEST_FLAGS.join(" ")} e2e_test.ts\``;

/** What a test runs: `main.ts` as `deno task start` does, or the installed command. */
type Target = "main.ts" | "installed gpt4o";
let target: Target = "main.ts";

/**
 * A test that needs to start servers and processes. It runs twice: against
 * `main.ts`, and against the `gpt4o` command that `deno task install` makes
 * (a bundle of the program), so that the two are proven equal.
 */
function e2e(name: string, fn: (server: FakeServer) => Promise<void>) {
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
const INSTALL_ROOT = `${TMP}install`;
const SHIM = `${INSTALL_ROOT}/bin/gpt4o`;
const BUNDLE = new URL("./dist/gpt4o.js", import.meta.url).pathname;
let installing: Promise<void> | undefined;

/** Runs `deno task install` once, into a root of the tests' own. */
function installed(): Promise<void> {
  installing ??= (async () => {
    const { code, stderr } = await new Deno.Command("deno", {
      args: ["task", "--quiet", "install"],
      cwd: new URL(".", import.meta.url).pathname,
      // The whole environment, as a user's: the first install may download
      // the bundler, through the machine's proxy and certificates.
      env: {
        HOME: PASSED_ENV.HOME,
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

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * What deno itself needs from the environment, no OPENAI_* variable, and a
 * home of the tests' own, so that the history they save stays there; Deno's
 * cache stays where it is.
 */
const PASSED_ENV: Record<string, string> = permitted
  ? {
    ...Object.fromEntries(
      ["PATH", "SystemRoot", "LOCALAPPDATA", "XDG_CACHE_HOME"].flatMap(
        (name) => {
          const value = Deno.env.get(name);
          return value === undefined ? [] : [[name, value]];
        },
      ),
    ),
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

/** The permission flags of `deno task start`, as the task expands them. */
const TASK_FLAGS = taskFlags(project.tasks.start.command, PASSED_ENV);

async function denoDir(): Promise<string> {
  const { stdout } = await new Deno.Command("deno", {
    args: ["info", "--json"],
    stderr: "null",
  }).output();
  return JSON.parse(new TextDecoder().decode(stdout)).denoDir;
}

interface RunOptions {
  baseURL?: string;
  /** `null` leaves OPENAI_API_KEY unset; the default is a test key. */
  key?: null;
  stdin?: string;
  flags?: string[];
  cwd?: string;
  /** Sends `signal` (default SIGINT) once this resolves. */
  interrupt?: () => Promise<void>;
  signal?: Deno.Signal;
  /** Sees stdout so far, as it grows. */
  onStdout?: (text: string) => void;
  /** More variables for the program. */
  env?: Record<string, string>;
}

/**
 * Starts the program as `deno task start` would, or as the installed command
 * (given flags run its bundle with them), in a clean environment.
 */
function spawn(args: string[], options: RunOptions = {}): Deno.ChildProcess {
  const [command, ...start] = target === "main.ts"
    ? ["deno", "run", ...(options.flags ?? TASK_FLAGS), MAIN]
    : options.flags
    ? ["deno", "run", ...options.flags, BUNDLE]
    : [SHIM];
  return new Deno.Command(command, {
    args: [...start, ...args],
    cwd: options.cwd ?? TESTDATA,
    clearEnv: true,
    env: {
      ...PASSED_ENV,
      NO_COLOR: "1",
      ...(options.baseURL ? { OPENAI_BASE_URL: options.baseURL } : {}),
      ...(options.key === undefined ? { OPENAI_API_KEY: KEY } : {}),
      ...options.env,
    },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs main.ts to its end and collects what it printed. */
async function program(args: string[], options: RunOptions = {}): Promise<Run> {
  const started = performance.now();
  const child = spawn(args, options);
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  options.interrupt?.().then(() => child.kill(options.signal ?? "SIGINT"));
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
async function collect(
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

/** Resolves once `condition` holds, checking every 10 ms; fails after 10 s. */
async function until(condition: () => boolean): Promise<void> {
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
function seen({ code, stdout, stderr }: Run) {
  return { code, stdout, stderr };
}

// --- answers -------------------------------------------------------------------

e2e("start asks the demo's question and prints the answer", async (server) => {
  const run = await program([], { baseURL: server.url("ok") });
  assert.deepEqual(seen(run), { code: 0, stdout: `${ANSWER}\n`, stderr: "" });
});

e2e("start appends piped stdin to the prompt", async (server) => {
  const run = await program(["Summarise:"], {
    baseURL: server.url("ok"),
    stdin: "Marbury v. Madison\n",
  });
  assert.equal(run.code, 0);
  assert.deepEqual(server.requests.get("ok")?.[0].messages?.[1], {
    role: "user",
    content: "Summarise:\n\nMarbury v. Madison",
  });
});

e2e(
  "start --stream prints the answer, and --verbose names g4f's provider",
  async (server) => {
    const stream = await program(["--stream"], { baseURL: server.url("ok") });
    const verbose = await program(["-v"], { baseURL: server.url("g4f") });
    assert.deepEqual(seen(stream), {
      code: 0,
      stdout: "A case reaches the Court.\n",
      stderr: "",
    });
    assert.equal(verbose.stdout, `${ANSWER}\n`);
    assert.match(
      verbose.stderr,
      /^model gpt-4o-2024-08-06, provider Copilot, tokens 27 in \+ 18 out = 45, \d+ ms\n$/,
    );
  },
);

e2e(
  "start reads the key from .env in the working directory, never over a set one",
  async (server) => {
    const cwd = `${TESTDATA}dotenv/`;
    const fromFile = await program([], {
      baseURL: server.url("auth"),
      key: null,
      cwd,
    });
    const fromEnv = await program([], { baseURL: server.url("auth"), cwd });
    const noKey = await program([], { baseURL: server.url("auth"), key: null });
    assert.deepEqual(
      [fromFile, fromEnv, noKey].map((run) => run.stdout),
      ["key …file\n", "key …EKEY\n", "no key\n"],
    );
  },
);

e2e(
  "start masks the key in an answer that echoes it, streamed or not",
  async (server) => {
    const runs = await Promise.all([
      program([], { baseURL: server.url("echo-answer") }),
      program(["--stream"], { baseURL: server.url("echo-answer") }),
    ]);
    assert.deepEqual(runs.map(seen), [
      { code: 0, stdout: "Your key: [redacted]\n", stderr: "" },
      { code: 0, stdout: "Your key: [redacted]\n", stderr: "" },
    ]);
  },
);

e2e("start exits 2 naming .env when it cannot be read", async (server) => {
  const run = await program([], {
    baseURL: server.url("ok"),
    cwd: `${TESTDATA}dotenv-dir/`, // its .env is a directory
  });
  assert.deepEqual(seen(run), {
    code: 2,
    stdout: "",
    stderr:
      ".env in this directory cannot be read (is a directory): fix it or remove it\n",
  });
});

// --- bad input ----------------------------------------------------------------

e2e(
  "start rejects bad usage and a missing key with exit 2 and one line",
  async (server) => {
    const runs = await Promise.all([
      program(["--bogus"], { baseURL: server.url("ok") }),
      program(["--timeout", "soon"], { baseURL: server.url("ok") }),
      program([], { key: null }),
    ]);
    assert.deepEqual(runs.map(seen), [
      { code: 2, stdout: "", stderr: "unknown option --bogus (see --help)\n" },
      {
        code: 2,
        stdout: "",
        stderr:
          '--timeout takes a positive number of seconds, not "soon" (see --help)\n',
      },
      {
        code: 2,
        stdout: "",
        stderr:
          "OPENAI_API_KEY is not set: export it, or put OPENAI_API_KEY=... in a " +
          ".env file here (a server set in OPENAI_BASE_URL may need none)\n",
      },
    ]);
    assert.equal(server.requests.size, 0);
  },
);

e2e(
  "the design card's `deno run --allow-net main.ts` without a terminal exits 2",
  async (server) => {
    const run = await program([], {
      baseURL: server.url("ok"),
      flags: ["--allow-net"],
    });
    assert.deepEqual(seen(run), {
      code: 2,
      stdout: "",
      stderr:
        "main.ts needs to read the OPENAI_* environment variables and .env: " +
        "run `deno task start`, or add --allow-env --allow-read=.env\n",
    });
  },
);

e2e(
  "`deno run --allow-env --allow-read=.env main.ts` without network access exits 2 at once",
  async (server) => {
    const run = await program([], {
      baseURL: server.url("ok"),
      flags: ["--allow-env", "--allow-read=.env"],
    });
    assert.deepEqual(seen(run), {
      code: 2,
      stdout: "",
      stderr: "main.ts needs network access to reach the API: run " +
        "`deno task start`, or add --allow-net\n",
    });
    assert.ok(run.ms < 1400, `took ${run.ms} ms: it retried`);
  },
);

e2e(
  "start --stream prints the answer of a server that ignores stream: true",
  async (server) => {
    const run = await program(["--stream"], {
      baseURL: server.url("no-stream"),
    });
    assert.deepEqual(seen(run), { code: 0, stdout: `${ANSWER}\n`, stderr: "" });
  },
);

e2e(
  "start explains each failed response in one line with exit 1",
  async (server) => {
    const cases: [string, string[], string][] = [
      [
        "unauthorized",
        [],
        "127.0.0.1:PORT rejected the API key (401): check OPENAI_API_KEY",
      ],
      [
        "echo-key",
        [],
        "127.0.0.1:PORT denied access (403): key Bearer [redacted] is not allowed here",
      ],
      [
        "no-model",
        ["-m", "gpt-5o"],
        'the model "gpt-5o" was not found at 127.0.0.1:PORT (404): choose another with --model',
      ],
      [
        "rate-limited",
        [],
        "127.0.0.1:PORT is rate limiting or out of quota (429), still after retries: " +
        "Rate limit reached for gpt-4o.",
      ],
      [
        "server-error",
        [],
        "127.0.0.1:PORT failed (500), still after retries: The server had an error.",
      ],
      [
        "html-502",
        [],
        "127.0.0.1:PORT failed (502), still after retries: it answered with an HTML " +
        "page, not JSON (a proxy or gateway in the way?)",
      ],
      [
        "truncated",
        [],
        "the response from 127.0.0.1:PORT is not valid JSON (cut off, or not an " +
        "OpenAI-compatible API?)",
      ],
      ["empty-choices", [], "the server returned no answer (choices is empty)"],
      ["refusal", [], "the model refused: I'm sorry, I can't help with that."],
      ["null-content", [], "the server returned no text (finish_reason: stop)"],
      ["error-200", [], "the server reported an error: Model not supported"],
      [
        "error-text",
        [],
        "127.0.0.1:PORT refused the request (400): Invalid model",
      ],
      [
        "problem",
        [],
        "127.0.0.1:PORT refused the request (422): Unprocessable Entity: messages must not be empty",
      ],
    ];
    const port = new URL(server.url("ok")).port;
    const runs = await Promise.all(
      cases.map(([scenario, args]) =>
        program(args, { baseURL: server.url(scenario) })
      ),
    );
    assert.deepEqual(
      runs.map(seen),
      cases.map(([, , stderr]) => ({
        code: 1,
        stdout: "",
        stderr: `${stderr.replace("PORT", port)}\n`,
      })),
    );
    assert.equal(server.requests.get("rate-limited")?.length, 3);
    assert.equal(server.requests.get("server-error")?.length, 3);
  },
);

e2e("start reports a refused connection", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  const run = await program([], { baseURL: `http://127.0.0.1:${port}/v1` });
  assert.deepEqual(seen(run), {
    code: 1,
    stdout: "",
    stderr:
      `could not connect to 127.0.0.1:${port}: connection refused (is the server running?)\n`,
  });
});

e2e(
  "start gives up on a server that accepts and never answers, within --timeout",
  async (server) => {
    const run = await program(["--timeout", "0.5"], {
      baseURL: server.url("hang"),
    });
    const port = new URL(server.url("ok")).port;
    assert.deepEqual(seen(run), {
      code: 1,
      stdout: "",
      stderr:
        `no data arrived from the server for 0.5 s (127.0.0.1:${port}): try again, ` +
        "or allow longer with --timeout\n",
    });
    assert.ok(run.ms > 500 && run.ms < 5000, `took ${run.ms} ms`);
  },
);

e2e("Ctrl-C stops a request in flight with exit 130", async (server) => {
  const run = await program([], {
    baseURL: server.url("hang"),
    interrupt: () => until(() => server.requests.get("hang")?.length === 1),
  });
  assert.deepEqual(seen(run), {
    code: 130,
    stdout: "",
    stderr: "interrupted\n",
  });
});

// --- streaming ------------------------------------------------------------------

e2e(
  "start --stream keeps the text and says why when a stream ends early",
  async (server) => {
    const runs = await Promise.all(
      ["stream-cut", "stream-length", "stream-error", "stream-reset"].map(
        (scenario) => program(["--stream"], { baseURL: server.url(scenario) }),
      ),
    );
    assert.deepEqual(runs.map(seen), [
      {
        code: 1,
        stdout: "A case reaches\n",
        stderr:
          "the answer was cut off: the stream ended before the server finished it\n",
      },
      {
        code: 0,
        stdout: "A case\n",
        stderr:
          "the answer was cut off at the model's token limit (finish_reason: length)\n",
      },
      {
        code: 1,
        stdout: "A case \n",
        stderr: "the server reported an error: Token limit reached\n",
      },
      {
        code: 1,
        stdout: "A case\n",
        stderr: `the connection to ${
          new URL(server.url("stream-reset")).host
        } broke off before the answer was complete: try again\n`,
      },
    ]);
  },
);

e2e(
  "start --stream gives up on a stalled stream within --timeout",
  async (server) => {
    const run = await program(["--stream", "--timeout", "0.5"], {
      baseURL: server.url("stream-stall"),
    });
    const port = new URL(server.url("ok")).port;
    assert.deepEqual(seen(run), {
      code: 1,
      stdout: "A case\n",
      stderr:
        `no data arrived from the server for 0.5 s (127.0.0.1:${port}): try again, ` +
        "or allow longer with --timeout\n",
    });
    assert.ok(run.ms > 500 && run.ms < 5000, `took ${run.ms} ms`);
  },
);

e2e(
  "Ctrl-C mid-stream keeps the printed text, ends the line and exits 130",
  async (server) => {
    let printed = () => false;
    const run = await program(["--stream"], {
      baseURL: server.url("stream-stall"),
      onStdout: (text) => void (printed = () => text.length > 0),
      interrupt: () => until(() => printed()),
    });
    assert.deepEqual(seen(run), {
      code: 130,
      stdout: "A case\n",
      stderr: "interrupted\n",
    });
  },
);

e2e(
  "SIGTERM and SIGHUP mid-stream stop like Ctrl-C, with exit 143 and 129",
  async (server) => {
    const runs = await Promise.all(
      (["SIGTERM", "SIGHUP"] as const).map((signal) => {
        let printed = () => false;
        return program(["--stream"], {
          baseURL: server.url("stream-stall"),
          onStdout: (text) => void (printed = () => text.length > 0),
          interrupt: () => until(() => printed()),
          signal,
        });
      }),
    );
    assert.deepEqual(runs.map(seen), [
      { code: 143, stdout: "A case\n", stderr: "interrupted by SIGTERM\n" },
      { code: 129, stdout: "A case\n", stderr: "interrupted by SIGHUP\n" },
    ]);
  },
);

e2e(
  "start --stream parses bytes split inside characters, `data:` and CRLF",
  async (server) => {
    const run = await program(["--stream"], { baseURL: server.url("awkward") });
    assert.deepEqual(seen(run), {
      code: 0,
      stdout: `${AWKWARD_TEXT}\n`,
      stderr: "",
    });
  },
);

e2e("start prints a 5 MiB answer whole, streamed or not", async (server) => {
  const expected = `${PIECE.repeat(bigCount())}\n`;
  const [plain, streamed] = await Promise.all([
    program([], { baseURL: server.url("big") }),
    program(["--stream"], { baseURL: server.url("big") }),
  ]);
  for (const run of [plain, streamed]) {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assert.ok(run.stdout === expected, "the answer differs from what was sent");
  }
});

e2e("start --stream prints a 20,000-chunk stream exactly", async (server) => {
  const run = await program(["--stream"], {
    baseURL: server.url("stream-chunks", 20_000),
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  assert.ok(run.stdout === `${"word ".repeat(20_000)}\n`, "chunks were lost");
});

e2e(
  "start --stream asks for usage only with --verbose or --json",
  async (server) => {
    const plain = await program(["--stream"], { baseURL: server.url("ok") });
    const json = await program(["--stream", "--json"], {
      baseURL: server.url("ok"),
    });
    assert.deepEqual([plain.code, json.code], [0, 0]);
    assert.equal(
      JSON.parse(json.stdout).choices[0].message.content,
      "A case reaches the Court.",
    );
    assert.deepEqual(
      server.requests.get("ok")!.map((body) =>
        (body as { stream_options?: unknown }).stream_options
      ),
      [undefined, { include_usage: true }],
    );
  },
);

e2e(
  "start stops quietly when the reader of stdout goes away (`| head`)",
  async (server) => {
    const child = spawn(["--stream"], {
      baseURL: server.url("big", 1024 * 1024),
    });
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    await reader.cancel();
    const [status, stderr] = await Promise.all([
      child.status,
      collect(child.stderr),
    ]);
    assert.ok(value && value.length > 0);
    assert.deepEqual({ code: status.code, stderr }, { code: 0, stderr: "" });
  },
);

e2e(
  "start --stream aborts the request within a network read when the reader goes away",
  async (server) => {
    const child = spawn(["--stream"], {
      baseURL: server.url("stream-endless"),
    });
    const reader = child.stdout.getReader();
    await reader.read(); // the first delta arrived: the answer is flowing
    await reader.cancel(); // `| head -c 100` has what it wants
    const left = now();
    const [status, stderr] = await Promise.all([
      child.status,
      collect(child.stderr),
    ]);
    const cancelled = server.cancelled.get("stream-endless");
    assert.deepEqual({ code: status.code, stderr }, { code: 0, stderr: "" });
    assert.ok(cancelled, "the server sent the whole stream");
    assert.ok(cancelled - left < 1500, `aborted ${cancelled - left} ms later`);
  },
);

/** Whether `bash` may be run, for tests that need a shell's redirections. */
const hasBash = permitted &&
  (await Deno.permissions.query({ name: "run", command: "bash" })).state ===
    "granted";

Deno.test({
  name: "start --stream >/dev/full says so in one line and exits 1" +
    (hasBash ? "" : ` (${SKIP_HINT})`),
  ignore: !hasBash || Deno.build.os !== "linux",
  async fn() {
    await using server = startServer();
    for (const args of [["--stream"], []]) {
      const command = ["deno", "run", ...TASK_FLAGS, MAIN, ...args]
        .map((word) => `'${word}'`).join(" ");
      const { code, stdout, stderr } = await new Deno.Command("bash", {
        args: ["-c", `exec ${command} >/dev/full`],
        cwd: TESTDATA,
        clearEnv: true,
        env: {
          ...PASSED_ENV,
          NO_COLOR: "1",
          OPENAI_API_KEY: KEY,
          OPENAI_BASE_URL: server.url("ok"),
        },
      }).output();
      assert.deepEqual({
        code,
        stdout: new TextDecoder().decode(stdout),
        stderr: new TextDecoder().decode(stderr),
      }, {
        code: 1,
        stdout: "",
        stderr:
          "could not write to stdout: No space left on device (os error 28)\n",
      }, args.join(" "));
    }
  },
});

Deno.test("the skip hint names every permission flag of the test task", () => {
  for (const kind of ["net", "env", "read", "run"]) {
    assert.match(SKIP_HINT, new RegExp(`--allow-${kind}=\\S+ `), kind);
  }
  assert.ok(SKIP_HINT.endsWith(" e2e_test.ts`"));
});

e2e(
  "OPENAI_CUSTOM_HEADERS go to OPENAI_BASE_URL's server, never to a named provider",
  async (server) => {
    const env = {
      OPENAI_CUSTOM_HEADERS: "X-Gateway-Token: gw-secret-123456789",
    };
    const own = await program(["Hi"], { baseURL: server.url("headers"), env });
    const url = new URL(server.url("headers"));
    const ollama = await program(["-m", "ollama:llama3.2", "Hi"], {
      env: { ...env, OLLAMA_HOST: `http://${url.host}/headers` },
    });
    assert.deepEqual([seen(own), seen(ollama)], [
      { code: 0, stdout: "headers: x-gateway-token\n", stderr: "" },
      { code: 0, stdout: "headers: none\n", stderr: "" },
    ]);
  },
);

// --- history and chat ------------------------------------------------------------

/** The history folder of the tests' home, where the tasks may write. */
const HISTORY = `${PASSED_ENV.HOME}/.local/share/gpt4o`;

/** Starts the history over, so that a test sees only its own conversations. */
async function freshHistory(): Promise<void> {
  await Deno.remove(HISTORY, { recursive: true }).catch(() => {});
}

/** `--history --json`, parsed. */
async function listed(server: FakeServer) {
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

e2e(
  "start saves each exchange; -c follows up on it; --show --json gives its messages",
  async (server) => {
    await freshHistory();
    const echo = { baseURL: server.url("echo") };
    const first = await program(["Who", "decides?"], echo);
    const second = await program(["-c", "And then?"], echo);
    assert.deepEqual([seen(first), seen(second)], [
      { code: 0, stdout: "1: Who decides?\n", stderr: "" },
      { code: 0, stdout: "2: And then?\n", stderr: "" },
    ]);
    assert.deepEqual(
      (await listed(server)).map(({ id, turns, title }) => ({
        id,
        turns,
        title,
      })),
      [{ id: 1, turns: 2, title: "Who decides?" }],
    );
    const show = await program(["--show", "1", "--json"], echo);
    assert.deepEqual(JSON.parse(show.stdout), {
      id: 1,
      model: "gpt-4o",
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "Who decides?" },
        { role: "assistant", content: "1: Who decides?" },
        { role: "user", content: "And then?" },
        { role: "assistant", content: "2: And then?" },
      ],
    });
    const mode = (path: string) => Deno.statSync(path).mode! & 0o777;
    assert.deepEqual(
      [mode(HISTORY), mode(`${HISTORY}/history.db`)],
      [0o700, 0o600],
    );
    const bytes = await Deno.readFile(`${HISTORY}/history.db`);
    assert.ok(!new TextDecoder().decode(bytes).includes(KEY));
  },
);

e2e("concurrent runs each save their exchange", async (server) => {
  await freshHistory();
  const prompts = Array.from({ length: 6 }, (_, i) => `question ${i}`);
  const runs = await Promise.all(
    prompts.map((prompt) => program([prompt], { baseURL: server.url("echo") })),
  );
  assert.deepEqual(
    runs.map(seen),
    prompts.map((prompt) => ({
      code: 0,
      stdout: `1: ${prompt}\n`,
      stderr: "",
    })),
  );
  const titles = (await listed(server)).map(({ title }) => title).sort();
  assert.deepEqual(titles, prompts);
});

e2e(
  "start prints the answer when the history cannot be saved, with one warning",
  async (server) => {
    await freshHistory();
    await Deno.mkdir(HISTORY, { recursive: true });
    await Deno.writeTextFile(
      `${HISTORY}/history.db`,
      "not a database\n".repeat(100),
    );
    const run = await program(["Hi"], { baseURL: server.url("echo") });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, "1: Hi\n");
    assert.match(run.stderr, /^history not saved: [^\n]+\n$/);
    const followUp = await program(["-c", "More"], {
      baseURL: server.url("echo"),
    });
    assert.equal(followUp.code, 2);
    assert.equal(followUp.stdout, "");
    assert.equal(server.requests.get("echo")?.length, 1, "-c sent nothing");
    await freshHistory();
  },
);

e2e(
  "--chat answers each piped line in order as one conversation, and -c resumes it",
  async (server) => {
    await freshHistory();
    const chat = await program(["--chat"], {
      baseURL: server.url("echo"),
      stdin: "first\nsecond\n/model gpt-4o-mini\nthird\n",
    });
    assert.deepEqual(seen(chat), {
      code: 0,
      stdout: "1: first\n2: second\n3: third\n",
      stderr: "model: gpt-4o-mini\n",
    });
    assert.deepEqual(
      server.requests.get("echo")?.map((body) => body.model),
      ["gpt-4o", "gpt-4o", "gpt-4o-mini"],
    );
    const resumed = await program(["--chat", "-c"], {
      baseURL: server.url("echo"),
      stdin: "fourth\n",
    });
    assert.deepEqual(seen(resumed), {
      code: 0,
      stdout: "4: fourth\n",
      stderr: "",
    });
    const [conversation] = await listed(server);
    assert.deepEqual([conversation.turns, conversation.model], [
      4,
      "gpt-4o-mini",
    ]);
  },
);

/** Whether `script` (util-linux) may be run, to give the program a terminal. */
const hasScript = permitted && Deno.build.os === "linux" &&
  (await Deno.permissions.query({ name: "run", command: "script" })).state ===
    "granted";

/** Quotes a word for `sh`. */
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** The chat command of each target, as a person would start it. */
function chatCommand(each: Target | "deno task chat"): string[] {
  return each === "main.ts"
    ? ["deno", "run", ...TASK_FLAGS, MAIN, "--chat"]
    : each === "deno task chat"
    ? ["deno", "task", "--quiet", "chat"]
    : [SHIM, "--chat"];
}

/**
 * Runs `command` in a pseudo-terminal (util-linux's `script`): `type` sends
 * keys, `shown` waits for text on the screen, `end` waits for the exit and
 * returns the code and the screen's text without carriage returns and
 * bracketed-paste switches.
 */
function atTerminal(command: string[], baseURL: string) {
  const child = new Deno.Command("script", {
    args: ["-qfec", `exec ${command.map(quote).join(" ")}`, "/dev/null"],
    cwd: TESTDATA,
    clearEnv: true,
    env: {
      ...PASSED_ENV,
      TERM: "dumb",
      NO_COLOR: "1",
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: baseURL,
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
    async end() {
      const timer = setTimeout(() => child.kill(), 10_000);
      const { code, signal } = await child.status;
      clearTimeout(timer);
      assert.equal(signal, null, `still running after 10 s: ${screen}`);
      await keys.close().catch(() => {});
      const output = (await reading).replaceAll("\r", "")
        .replaceAll("\x1b[?2004h", "").replaceAll("\x1b[?2004l", "");
      assert.ok(!output.includes(KEY));
      return { code, output };
    },
  };
}

/**
 * A chat test at a real terminal, once for each of `targets`, with a fresh
 * history and a server of its own.
 */
function terminalTest(
  name: string,
  targets: (Target | "deno task chat")[],
  fn: (command: string[], server: FakeServer) => Promise<void>,
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
        await fn(chatCommand(each), server);
      },
    });
  }
}

terminalTest(
  "--chat at a terminal: prompt, streamed answer, Ctrl-C keeps the chat, " +
    "Ctrl-D leaves with 0",
  ["main.ts", "installed gpt4o", "deno task chat"],
  async (command, server) => {
    // Under `deno task`, one Ctrl-C reaches the program twice.
    const terminal = atTerminal(command, server.url("stream-stall"));
    await terminal.shown("> ");
    await terminal.type("Who decides?\r");
    await terminal.shown("A case"); // the answer streams, then the server stalls
    const mark = terminal.length;
    await terminal.type("\x03"); // Ctrl-C: the terminal sends SIGINT
    await terminal.shown("interrupted", mark);
    await terminal.shown("> ", mark); // the chat goes on
    await terminal.type("\x04"); // Ctrl-D on an empty line
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.match(
      output,
      new RegExp(
        "^Chatting with gpt-4o\\. /help lists the commands; Ctrl-D leaves\\.\n" +
          "> Who decides\\?\n" +
          "A case(\\^C)?\n" + // the terminal may echo the Ctrl-C
          "interrupted\n" +
          "> \n$",
      ),
    );
    const history = await program(["--show", "1", "--json"], {
      baseURL: server.url("echo"),
    });
    assert.deepEqual(JSON.parse(history.stdout).messages.slice(1), [
      { role: "user", content: "Who decides?" },
      { role: "assistant", content: "A case" },
    ]);
  },
);

terminalTest(
  "--chat at a terminal sends pasted lines as one message",
  ["main.ts", "installed gpt4o"],
  async (command, server) => {
    const terminal = atTerminal(command, server.url("echo"));
    await terminal.shown("> ");
    // A terminal in bracketed-paste mode wraps what is pasted in markers.
    await terminal.type("\x1b[200~line one\nline two\n\x1b[201~");
    await terminal.shown("line one\u21b5line two\u21b5");
    const mark = terminal.length;
    await terminal.type("and typed\r");
    await terminal.shown("1: line one", mark);
    await terminal.shown("\x1b[?2004h> ", mark); // a new prompt
    await terminal.type("\x04");
    const { code, output } = await terminal.end();
    assert.equal(code, 0, output);
    assert.deepEqual(
      server.requests.get("echo")?.map((body) => body.messages?.at(-1)),
      [{ role: "user", content: "line one\nline two\nand typed" }],
    );
  },
);
