/**
 * The whole program, run in-process: arguments, environment, stdin, stdout
 * and stderr are injected, and the OpenAI client's `fetch` is a fake that
 * answers like gpt-4o or like a broken server. Every run also checks that the
 * API key appears in no output.
 */
import assert from "node:assert/strict";
import { DEFAULT_SYSTEM, USAGE } from "./src/options.ts";
import { main } from "./main.ts";
import { type Io, OutputError } from "./src/io.ts";
import type { StopSignal } from "./src/signals.ts";
import {
  ANSWER,
  apiError,
  chunk,
  completion,
  QUESTION,
  sse,
  streamOf,
  usageChunk,
} from "./testdata/fixtures.ts";
import project from "./deno.json" with { type: "json" };
import { fileURLToPath } from "node:url";
import { History, type Message } from "./src/history.ts";
import { PROGRAM_ENV } from "./src/permissions.ts";

const KEY = "sk-proj-TESTKEY0123456789abcdefTESTKEY";

/** What the fake server saw of one request. */
interface Seen {
  url: string;
  authorization: string | null;
  body: Record<string, unknown>;
  signal: AbortSignal;
}

interface Setup {
  /** The environment; history is off unless it sets GPT4O_HISTORY. */
  env?: Record<string, string>;
  dotenv?: string;
  stdin?: string;
  /** The lines typed in `--chat`, at a terminal when `terminal` is set. */
  lines?: (string | ((interrupt: (signal: StopSignal) => void) => void))[];
  terminal?: boolean;
  /** NO_COLOR is set. */
  noColor?: boolean;
  /** Replaces the recording stdout and stderr, e.g. with one that fails. */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Answers each request; `interrupt` presses Ctrl-C or sends a signal. */
  reply?: (
    seen: Seen,
    interrupt: (signal?: StopSignal) => void,
  ) => Response | Promise<Response>;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  requests: Seen[];
}

async function run(args: string[], setup: Setup = {}): Promise<Outcome> {
  const env: Record<string, string> = {
    GPT4O_HISTORY: "off",
    ...(setup.env ?? { OPENAI_API_KEY: KEY }),
  };
  const requests: Seen[] = [];
  let stdout = "";
  let stderr = "";
  const listeners = new Set<(signal: StopSignal) => void>();
  const interrupt = (signal: StopSignal = "SIGINT") => {
    for (const listener of [...listeners]) listener(signal);
  };
  const io: Io = {
    args,
    env: (name) => {
      assert.ok(PROGRAM_ENV.includes(name), `${name} is read but not granted`);
      return env[name];
    },
    readTextFile: (path) => {
      assert.equal(path, ".env");
      return Promise.resolve(setup.dotenv);
    },
    stdin: () => Promise.resolve(setup.stdin),
    stdout: { write: setup.stdout ?? ((text) => void (stdout += text)) },
    stderr: { write: setup.stderr ?? ((text) => void (stderr += text)) },
    stderrIsTerminal: setup.terminal ?? false,
    noColor: setup.noColor ?? false,
    lines: () => {
      let closed = false; // disposed: the input ends, as readline's does
      return {
        interactive: setup.terminal ?? false,
        read: (prompt) => {
          if (setup.terminal) stdout += prompt;
          let line = closed ? undefined : setup.lines?.shift();
          // A function stands for a signal that arrives at the prompt.
          while (typeof line === "function") {
            line(interrupt);
            line = closed ? undefined : setup.lines?.shift();
          }
          return Promise.resolve(line);
        },
        [Symbol.dispose]: () => void (closed = true),
      };
    },
    fetch: async (input, init) => {
      const seen = {
        url: String(input),
        authorization: new Headers(init?.headers).get("authorization"),
        body: JSON.parse(String(init?.body)),
        signal: init!.signal!,
      };
      requests.push(seen);
      const reply = setup.reply ?? (() => json(completion()));
      return await reply(seen, interrupt);
    },
    onInterrupt(handler) {
      listeners.add(handler);
      return { [Symbol.dispose]: () => void listeners.delete(handler) };
    },
  };
  const code = await main(io);
  assert.equal(listeners.size, 0, "a signal listener outlived the run");
  for (const output of [stdout, stderr]) {
    for (let i = 0; i + 12 <= KEY.length; i++) {
      const part = KEY.slice(i, i + 12);
      assert.ok(!output.includes(part), `the API key leaked: ${output}`);
    }
  }
  return { code, stdout, stderr, requests };
}

function json(body: unknown, status = 200, headers = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A response whose body arrives in the given pieces, then ends or stalls. */
function pieces(
  parts: (string | Uint8Array)[],
  { stall = false, contentType = "text/event-stream" } = {},
): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const part = parts.shift();
      if (part !== undefined) {
        controller.enqueue(
          typeof part === "string" ? encoder.encode(part) : part,
        );
      } else if (stall) {
        await new Promise(() => {});
      } else {
        controller.close();
      }
    },
  });
  return new Response(body, { headers: { "content-type": contentType } });
}

/** Resolves never, rejects when the request is aborted. */
function hang(seen: Seen): Promise<Response> {
  return new Promise((_, reject) =>
    seen.signal.addEventListener("abort", () => reject(seen.signal.reason))
  );
}

const TMP = new URL("./.tmp/", import.meta.url);

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether the tests may write under .tmp/, where history databases go. */
const writable =
  (await Deno.permissions.query({ name: "write", path: fileURLToPath(TMP) }))
    .state === "granted";

/** A test that keeps a history database under .tmp/; ignored without write access there. */
function historyTest(name: string, fn: () => Promise<void>) {
  Deno.test({
    name: writable
      ? name
      : `${name} (ignored: needs --allow-write=.tmp; run \`deno task test\`)`,
    ignore: !writable,
    fn,
  });
}

/** A fresh folder under .tmp/ for a history database, removed afterwards. */
async function tempFolder(): Promise<AsyncDisposable & { dir: string }> {
  Deno.mkdirSync(TMP, { recursive: true });
  const dir = await Deno.makeTempDir({
    dir: fileURLToPath(TMP),
    prefix: "main_test-",
  });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

// --- the demo --------------------------------------------------------------

Deno.test("main() asks gpt-4o the demo's question and prints the answer", async () => {
  const { code, stdout, stderr, requests } = await run([]);
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: `${ANSWER}\n`,
    stderr: "",
  });
  assert.equal(requests.length, 1);
  assert.equal(requests[0].url, "https://api.openai.com/v1/chat/completions");
  assert.equal(requests[0].authorization, `Bearer ${KEY}`);
  assert.deepEqual(requests[0].body, {
    model: "gpt-4o",
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: QUESTION },
    ],
  });
});

Deno.test("main() asks the arguments, joined, with piped stdin after a blank line", async () => {
  const { requests } = await run(["Summarise", "this:"], {
    stdin: "Marbury v. Madison\n",
  });
  assert.deepEqual(requests[0].body.messages, [
    { role: "system", content: DEFAULT_SYSTEM },
    { role: "user", content: "Summarise this:\n\nMarbury v. Madison" },
  ]);
});

Deno.test("main() asks piped stdin alone, and the demo's question when stdin is empty", async () => {
  const piped = await run([], { stdin: "What is certiorari?" });
  const empty = await run([], { stdin: " \n" });
  assert.deepEqual(
    [piped, empty].map((r) =>
      (r.requests[0].body.messages as { content: string }[])[1].content
    ),
    ["What is certiorari?", QUESTION],
  );
});

Deno.test("main() sends --model and --system", async () => {
  const { requests } = await run([
    "-m",
    "gpt-4o-mini",
    "--system",
    "Be brief.",
    "Hi",
  ]);
  assert.deepEqual(requests[0].body, {
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ],
  });
});

Deno.test("main() --json prints the whole completion", async () => {
  const { code, stdout } = await run(["--json"]);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), completion());
  assert.ok(stdout.endsWith("}\n"));
});

Deno.test("main() --verbose reports model, provider, tokens and latency on stderr", async () => {
  const { stdout, stderr } = await run(["-v"], {
    reply: () => json(completion(ANSWER, { provider: "PollinationsAI" })),
  });
  assert.equal(stdout, `${ANSWER}\n`);
  assert.match(
    stderr,
    /^model gpt-4o-2024-08-06, provider PollinationsAI, tokens 27 in \+ 18 out = 45, \d+ ms\n$/,
  );
});

Deno.test("main() prints an answer cut at the token limit and says so", async () => {
  const { code, stdout, stderr } = await run([], {
    reply: () => json(completion("A case", { finish_reason: "length" })),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "A case\n",
    stderr:
      "the answer was cut off at the model's token limit (finish_reason: length)\n",
  });
});

// --- usage and configuration -----------------------------------------------

Deno.test("main() --help prints usage on stdout and sends nothing", async () => {
  for (const flag of ["--help", "-h"]) {
    const { code, stdout, stderr, requests } = await run([flag]);
    assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
      code: 0,
      stdout: USAGE,
      stderr: "",
      sent: 0,
    });
  }
});

Deno.test("main() --version prints the version from deno.json", async () => {
  const { code, stdout } = await run(["--version"]);
  assert.deepEqual({ code, stdout }, {
    code: 0,
    stdout: `${project.version}\n`,
  });
});

Deno.test("main() rejects bad command lines with exit 2 and one line", async () => {
  const cases: [string[], string][] = [
    [["--bogus"], "unknown option --bogus (see --help)\n"],
    [["-x"], "unknown option -x (see --help)\n"],
    [["--model"], "-m, --model needs a value (see --help)\n"],
    [["--stream=yes"], "--stream takes no value (see --help)\n"],
    [
      ["--timeout", "0"],
      '--timeout takes a positive number of seconds, not "0" (see --help)\n',
    ],
    [
      ["--timeout", "-1"],
      '--timeout needs a value; write --timeout=VALUE for one that starts with "-" (see --help)\n',
    ],
    [
      ["--timeout=-1"],
      '--timeout takes a positive number of seconds, not "-1" (see --help)\n',
    ],
    [
      ["--timeout", "Infinity"],
      '--timeout takes a positive number of seconds, not "Infinity" (see --help)\n',
    ],
    [
      ["--timeout", "soon"],
      '--timeout takes a positive number of seconds, not "soon" (see --help)\n',
    ],
  ];
  for (const [args, stderr] of cases) {
    const outcome = await run(args);
    assert.deepEqual(
      {
        code: outcome.code,
        stdout: outcome.stdout,
        stderr: outcome.stderr,
        sent: outcome.requests.length,
      },
      { code: 2, stdout: "", stderr, sent: 0 },
      args.join(" "),
    );
  }
});

Deno.test("main() without OPENAI_API_KEY for OpenAI's API exits 2 and sends nothing", async () => {
  const { code, stdout, stderr, requests } = await run([], { env: {} });
  assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
    code: 2,
    stdout: "",
    stderr:
      "OPENAI_API_KEY is not set: export it, or put OPENAI_API_KEY=... in a " +
      ".env file here (a server set in OPENAI_BASE_URL may need none)\n",
    sent: 0,
  });
});

Deno.test("main() rejects an OPENAI_BASE_URL that is not http(s)", async () => {
  const { code, stderr } = await run([], {
    env: { OPENAI_BASE_URL: "localhost:1337/v1" },
  });
  assert.deepEqual({ code, stderr }, {
    code: 2,
    stderr: "OPENAI_BASE_URL must be an http:// or https:// URL such as " +
      "http://localhost:1337/v1 (its value is not shown: it may hold a secret)\n",
  });
});

Deno.test("main() reads the key from .env, and a set variable wins over it", async () => {
  const dotenv =
    `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=http://127.0.0.1:1337/v1\n`;
  const fromFile = await run([], { env: {}, dotenv });
  const overridden = await run([], {
    env: { OPENAI_BASE_URL: "http://127.0.0.1:11434/v1/" },
    dotenv,
  });
  assert.equal(
    fromFile.requests[0].url,
    "http://127.0.0.1:1337/v1/chat/completions",
  );
  assert.equal(fromFile.requests[0].authorization, `Bearer ${KEY}`);
  assert.equal(
    overridden.requests[0].url,
    "http://127.0.0.1:11434/v1/chat/completions",
  );
});

Deno.test("main() sends g4f's 'no key' token to a custom server when no key is set", async () => {
  const { code, requests } = await run([], {
    env: { OPENAI_BASE_URL: "http://localhost:1337/v1" },
  });
  assert.equal(code, 0);
  assert.equal(requests[0].authorization, "Bearer secret");
});

Deno.test("main() without env permission exits 2 and names the task to run", async () => {
  let stderr = "";
  const code = await main({
    args: [],
    env: () => {
      throw new Deno.errors.NotCapable(
        'Requires env access to "OPENAI_API_KEY"',
      );
    },
    readTextFile: () => Promise.resolve(undefined),
    stdin: () => Promise.resolve(undefined),
    stdout: { write: () => assert.fail("nothing goes to stdout") },
    stderr: { write: (text) => void (stderr += text) },
    stderrIsTerminal: false,
    noColor: true,
    lines: () => assert.fail("no chat"),
    fetch: () => assert.fail("no request is sent"),
    onInterrupt: () => ({ [Symbol.dispose]() {} }),
  });
  assert.deepEqual({ code, stderr }, {
    code: 2,
    stderr:
      "main.ts needs to read the OPENAI_* environment variables and .env: " +
      "run `deno task start`, or add --allow-env --allow-read=.env\n",
  });
});

// --- what the server says back ----------------------------------------------

async function failure(reply: Setup["reply"], args: string[] = []) {
  const { code, stdout, stderr, requests } = await run(args, { reply });
  return { code, stdout, stderr, tries: requests.length };
}

Deno.test("main() reports a rejected key (401) without showing it", async () => {
  const said = `Incorrect API key provided: ${KEY}.`;
  assert.deepEqual(
    await failure(() =>
      json(apiError(said, "invalid_request_error", "invalid_api_key"), 401)
    ),
    {
      code: 1,
      stdout: "",
      stderr:
        "api.openai.com rejected the API key (401): check OPENAI_API_KEY\n",
      tries: 1,
    },
  );
});

Deno.test("main() quotes the server on 403, with the key masked", async () => {
  const said = `Project for key ${KEY} has no access to model gpt-4o.`;
  assert.deepEqual(
    await failure(() => json(apiError(said, "invalid_request_error"), 403)),
    {
      code: 1,
      stdout: "",
      stderr:
        "api.openai.com denied access (403): Project for key [redacted] has no access to model gpt-4o.\n",
      tries: 1,
    },
  );
});

Deno.test("main() names the model the server does not have (404)", async () => {
  const said =
    "The model `gpt-5o` does not exist or you do not have access to it.";
  assert.deepEqual(
    await failure(
      () =>
        json(apiError(said, "invalid_request_error", "model_not_found"), 404),
      ["-m", "gpt-5o"],
    ),
    {
      code: 1,
      stdout: "",
      stderr:
        'the model "gpt-5o" was not found at api.openai.com (404): choose another with --model\n',
      tries: 1,
    },
  );
});

Deno.test("main() points at OPENAI_BASE_URL when the path is not found (404)", async () => {
  const { code, stderr } = await run([], {
    env: { OPENAI_BASE_URL: "http://127.0.0.1:1337" },
    reply: () => new Response("404 page not found", { status: 404 }),
  });
  assert.deepEqual({ code, stderr }, {
    code: 1,
    stderr:
      "http://127.0.0.1:1337/chat/completions was not found (404): check " +
      'OPENAI_BASE_URL (it usually ends in /v1) and the model "gpt-4o"\n',
  });
});

Deno.test("main() gives up on 429 after the SDK's two retries", async () => {
  const said = "Rate limit reached for gpt-4o on tokens per min (TPM).";
  assert.deepEqual(
    await failure(() =>
      json(apiError(said, "tokens", "rate_limit_exceeded"), 429, {
        "retry-after-ms": "0",
      })
    ),
    {
      code: 1,
      stdout: "",
      stderr:
        `api.openai.com is rate limiting or out of quota (429), still after retries: ${said}\n`,
      tries: 3,
    },
  );
});

Deno.test("main() reports a proxy's HTML error page (502) in one line", async () => {
  const page =
    "<html><head><title>502 Bad Gateway</title></head><body><center>" +
    "<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
  assert.deepEqual(
    await failure(() =>
      new Response(page, {
        status: 502,
        headers: { "content-type": "text/html", "retry-after-ms": "0" },
      })
    ),
    {
      code: 1,
      stdout: "",
      stderr:
        "api.openai.com failed (502), still after retries: it answered with an " +
        "HTML page, not JSON (a proxy or gateway in the way?)\n",
      tries: 3,
    },
  );
});

Deno.test("main() reports an HTML page answered with 200", async () => {
  assert.deepEqual(
    await failure(() =>
      new Response("<!doctype html><title>Open WebUI</title>", {
        headers: { "content-type": "text/html" },
      })
    ),
    {
      code: 1,
      stdout: "",
      stderr:
        "the server answered with text, not JSON: check that OPENAI_BASE_URL is " +
        "an OpenAI-compatible API (it usually ends in /v1)\n",
      tries: 1,
    },
  );
});

Deno.test("main() reports a truncated JSON body", async () => {
  const body = JSON.stringify(completion()).slice(0, 120);
  assert.deepEqual(
    await failure(() =>
      new Response(body, { headers: { "content-type": "application/json" } })
    ),
    {
      code: 1,
      stdout: "",
      stderr:
        "the response from api.openai.com is not valid JSON (cut off, or not an " +
        "OpenAI-compatible API?)\n",
      tries: 1,
    },
  );
});

Deno.test("main() reports JSON that is not a chat completion", async () => {
  assert.deepEqual(await failure(() => json({ detail: "Not Found" })), {
    code: 1,
    stdout: "",
    stderr:
      "the server's response is not a chat completion (it has no choices): " +
      "check that OPENAI_BASE_URL is an OpenAI-compatible API\n",
    tries: 1,
  });
});

Deno.test("main() reports empty choices, a refusal and missing content", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [
      { ...completion(), choices: [] },
      "the server returned no answer (choices is empty)\n",
    ],
    [
      completion(null, { refusal: "I'm sorry, I can't help with that." }),
      "the model refused: I'm sorry, I can't help with that.\n",
    ],
    [
      completion(null, { finish_reason: "tool_calls" }),
      "the server returned no text (finish_reason: tool_calls)\n",
    ],
  ];
  for (const [body, stderr] of cases) {
    assert.deepEqual(await failure(() => json(body)), {
      code: 1,
      stdout: "",
      stderr,
      tries: 1,
    });
  }
});

Deno.test("main() reports a refused connection after the SDK's retries", async () => {
  const refused = new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (http://127.0.0.1:1337/v1/chat/completions): " +
        "client error (Connect): tcp connect error: Connection refused (os error 111)",
    ),
  });
  const { code, stderr, requests } = await run([], {
    env: { OPENAI_BASE_URL: "http://127.0.0.1:1337/v1" },
    reply: () => Promise.reject(refused),
  });
  assert.deepEqual({ code, stderr, tries: requests.length }, {
    code: 1,
    stderr:
      "could not connect to 127.0.0.1:1337: connection refused (is the server running?)\n",
    tries: 3,
  });
});

Deno.test("main() reports a DNS failure", async () => {
  const dns = new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (http://g4f.invalid/v1/chat/completions): client " +
        "error (Connect): dns error: failed to lookup address information: Name or service not known",
    ),
  });
  const { code, stderr } = await run([], {
    env: { OPENAI_BASE_URL: "http://g4f.invalid/v1" },
    reply: () => Promise.reject(dns),
  });
  assert.deepEqual({ code, stderr }, {
    code: 1,
    stderr:
      "could not find the host of g4f.invalid (DNS lookup failed): check " +
      "OPENAI_BASE_URL and your network\n",
  });
});

Deno.test("main() gives up when no response arrives within --timeout", async () => {
  const started = performance.now();
  const { code, stdout, stderr, requests } = await run(["--timeout", "0.2"], {
    reply: hang,
  });
  const elapsed = performance.now() - started;
  assert.deepEqual({ code, stdout, stderr, tries: requests.length }, {
    code: 1,
    stdout: "",
    stderr:
      "no data arrived from the server for 0.2 s (api.openai.com): try again, or " +
      "allow longer with --timeout\n",
    tries: 1,
  });
  assert.ok(elapsed >= 190 && elapsed < 2000, `gave up after ${elapsed} ms`);
});

Deno.test("main() exits 130 when Ctrl-C interrupts a request in flight", async () => {
  const { code, stdout, stderr } = await run([], {
    reply: (seen, interrupt) => {
      setTimeout(interrupt, 10);
      return hang(seen);
    },
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 130,
    stdout: "",
    stderr: "interrupted\n",
  });
});

// --- streaming ----------------------------------------------------------------

Deno.test("main() --stream prints the deltas and one newline", async () => {
  const { code, stdout, stderr, requests } = await run(["--stream"], {
    reply: () => pieces([streamOf(["A case ", "reaches ", "the Court."])]),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "A case reaches the Court.\n",
    stderr: "",
  });
  assert.equal(requests[0].body.stream, true);
  assert.equal(requests[0].body.stream_options, undefined);
});

Deno.test("main() --stream keeps the text and exits 1 when the stream is cut off", async () => {
  const cut = sse([
    chunk({ content: "A case " }),
    chunk({ content: "reaches" }),
  ]);
  const { code, stdout, stderr } = await run(["--stream"], {
    reply: () => pieces([cut]),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 1,
    stdout: "A case reaches\n",
    stderr:
      "the answer was cut off: the stream ended before the server finished it\n",
  });
});

Deno.test("main() --stream shows an error sent inside a 200 stream", async () => {
  const body = sse([
    chunk({ content: "A case " }),
    {
      ...chunk({ content: "" }),
      error: { code: 400, message: "Token limit reached" },
    },
  ]) + "data: [DONE]\n\n";
  const { code, stdout, stderr } = await run(["--stream"], {
    reply: () => pieces([body]),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 1,
    stdout: "A case \n",
    stderr: "the server reported an error: Token limit reached\n",
  });
});

Deno.test("main() --stream gives up on a stalled stream within --timeout", async () => {
  const started = performance.now();
  const { code, stdout, stderr } = await run(["--stream", "--timeout", "0.2"], {
    reply: () => pieces([sse([chunk({ content: "A case" })])], { stall: true }),
  });
  const elapsed = performance.now() - started;
  assert.deepEqual({ code, stdout, stderr }, {
    code: 1,
    stdout: "A case\n",
    stderr:
      "no data arrived from the server for 0.2 s (api.openai.com): try again, or " +
      "allow longer with --timeout\n",
  });
  assert.ok(elapsed >= 190 && elapsed < 2000, `gave up after ${elapsed} ms`);
});

Deno.test("main() --stream exits 130 on Ctrl-C and keeps the printed text", async () => {
  const { code, stdout, stderr } = await run(["--stream"], {
    reply: (_, interrupt) => {
      setTimeout(interrupt, 20);
      return pieces([sse([chunk({ content: "A case" })])], { stall: true });
    },
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 130,
    stdout: "A case\n",
    stderr: "interrupted\n",
  });
});

Deno.test("main() --stream --json --verbose prints the assembled completion and usage", async () => {
  const { code, stdout, stderr, requests } = await run([
    "--stream",
    "--json",
    "-v",
  ], {
    reply: () =>
      pieces([
        streamOf(["A case ", "reaches ", "the Court."], { usage: true }),
      ]),
  });
  assert.equal(code, 0);
  assert.deepEqual(requests[0].body.stream_options, { include_usage: true });
  assert.deepEqual(JSON.parse(stdout), {
    id: "chatcmpl-Dq3mYc9fUg3Ml0QaSx8ZiO5dWb2tV",
    object: "chat.completion",
    created: 1790000001,
    model: "gpt-4o-2024-08-06",
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: "A case reaches the Court.",
        refusal: null,
      },
      finish_reason: "stop",
      logprobs: null,
    }],
    usage: usageChunk().usage,
  });
  assert.match(
    stderr,
    /^model gpt-4o-2024-08-06, tokens 27 in \+ 3 out = 30, \d+ ms\n$/,
  );
});

// --- where the output goes ------------------------------------------------------

/** A stream that sends one delta every 5 ms, counting what was sent. */
function endless(sent: { count: number }): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        sent.count++;
        if (sent.count > 400) return controller.close();
        controller.enqueue(encoder.encode(sse([chunk({ content: "word " })])));
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
}

const brokenPipe = () => {
  throw new OutputError("stdout", new Deno.errors.BrokenPipe("Broken pipe"));
};

Deno.test("main() --stream stops the request at once, quietly, when the reader goes away", async () => {
  const sent = { count: 0 };
  const { code, stderr, requests } = await run(["--stream"], {
    stdout: brokenPipe,
    reply: () => endless(sent),
  });
  assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
  assert.ok(requests[0].signal.aborted, "the request was not aborted");
  assert.ok(
    sent.count <= 3,
    `${sent.count} network reads after the reader left`,
  );
});

Deno.test("main() exits 0 quietly when the reader has gone before the answer", async () => {
  const { code, stderr } = await run([], { stdout: brokenPipe });
  assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
});

Deno.test("main() says so in one line and exits 1 when stdout cannot be written", async () => {
  const full = () => {
    throw new OutputError(
      "stdout",
      new Error("No space left on device (os error 28)"),
    );
  };
  const sent = { count: 0 };
  const streamed = await run(["--stream"], {
    stdout: full,
    reply: () => endless(sent),
  });
  const plain = await run([], { stdout: full });
  for (const { code, stderr } of [streamed, plain]) {
    assert.deepEqual({ code, stderr }, {
      code: 1,
      stderr:
        "could not write to stdout: No space left on device (os error 28)\n",
    });
  }
  assert.ok(streamed.requests[0].signal.aborted);
  assert.ok(sent.count <= 3, `${sent.count} network reads after the failure`);
});

Deno.test("main() exits 1 without throwing when stderr cannot be written", async () => {
  const { code } = await run([], {
    stderr: () => {
      throw new OutputError(
        "stderr",
        new Error("Bad file descriptor (os error 9)"),
      );
    },
    reply: () =>
      json(apiError("The server had an error.", "server_error"), 400),
  });
  assert.equal(code, 1);
});

Deno.test("main() --timeout does not count the SDK's wait before a retry", async () => {
  let tries = 0;
  const { code, stdout, stderr, requests } = await run(["--timeout", "0.1"], {
    reply: () =>
      tries++ > 0 ? json(completion()) : json(
        apiError("Rate limit reached.", "tokens"),
        429,
        { "retry-after-ms": "300" },
      ),
  });
  assert.deepEqual({ code, stdout, stderr, tries: requests.length }, {
    code: 0,
    stdout: `${ANSWER}\n`,
    stderr: "",
    tries: 2,
  });
});

Deno.test("main() takes a --timeout beyond setTimeout's limit", async () => {
  const { code, stdout } = await run(["--timeout", "3000000"]);
  assert.deepEqual({ code, stdout }, { code: 0, stdout: `${ANSWER}\n` });
});

// --- the key never shows ------------------------------------------------------------

Deno.test("main() masks the key in an answer that echoes it, whole or by its first 12 characters", async () => {
  const { code, stdout } = await run([], {
    reply: () => json(completion(`Your key ${KEY} (${KEY.slice(0, 12)}…)`)),
  });
  assert.deepEqual({ code, stdout }, {
    code: 0,
    stdout: "Your key [redacted] ([redacted]…)\n",
  });
});

Deno.test("main() --stream masks a key split across deltas and still prints each delta at once", async () => {
  const printed: string[] = [];
  const events = [
    sse([chunk({ role: "assistant", content: "The key is " })]),
    sse([chunk({ content: KEY.slice(0, 10) })]),
    sse([
      chunk({ content: KEY.slice(10) }),
      chunk({ content: " and that is all." }),
    ]),
    sse([chunk({}, "stop")]) + "data: [DONE]\n\n",
  ];
  const encoder = new TextEncoder();
  const { code, stdout } = await run(["--stream"], {
    reply: () =>
      new Response(
        new ReadableStream({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 5));
            const event = events.shift();
            if (event) controller.enqueue(encoder.encode(event));
            else controller.close();
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      ),
    stdout: (text) => void printed.push(text),
  });
  assert.equal(code, 0);
  assert.equal(printed.join(""), "The key is [redacted] and that is all.\n");
  assert.equal(printed[0], "The key is ");
  assert.equal(stdout, "");
});

Deno.test("main() --json masks the key in the completion it prints", async () => {
  const { code, stdout } = await run(["--json"], {
    reply: () => json(completion(`echo ${KEY}`)),
  });
  assert.equal(code, 0);
  assert.equal(
    JSON.parse(stdout).choices[0].message.content,
    "echo [redacted]",
  );
});

Deno.test("main() --verbose masks the key in the line it prints", async () => {
  const { stderr } = await run(["-v"], {
    reply: () => json({ ...completion(), model: `gpt-4o@${KEY.slice(0, 16)}` }),
  });
  assert.match(stderr, /^model gpt-4o@\[redacted\], tokens 27 in/);
});

Deno.test("main() never prints credentials or the query of OPENAI_BASE_URL", async () => {
  const { code, stderr } = await run([], {
    env: {
      OPENAI_BASE_URL:
        "http://alice:pa55w0rd-xyz@127.0.0.1:1337/v1?api-key=qk-1234567890",
    },
    reply: () => new Response("404 page not found", { status: 404 }),
  });
  assert.deepEqual({ code, stderr }, {
    code: 1,
    stderr:
      "http://127.0.0.1:1337/v1/chat/completions was not found (404): check " +
      'OPENAI_BASE_URL (it usually ends in /v1) and the model "gpt-4o"\n',
  });
});

Deno.test("main() masks the values of OPENAI_CUSTOM_HEADERS", async () => {
  const { code, stderr } = await run([], {
    env: {
      OPENAI_API_KEY: KEY,
      OPENAI_CUSTOM_HEADERS:
        "X-Title: demo\nX-Gateway-Token: gw-0123456789abcdef",
    },
    reply: () =>
      json(apiError("token gw-0123456789abcdef is not valid", "auth"), 403),
  });
  assert.deepEqual({ code, stderr }, {
    code: 1,
    stderr:
      "api.openai.com denied access (403): token [redacted] is not valid\n",
  });
});

Deno.test("main() refuses a key that cannot go in an HTTP header, without showing it, and sends nothing", async () => {
  const cases: [string, string][] = [
    [`${KEY}\n${KEY}`, "a line break"],
    [`${KEY.slice(0, 20)} ${KEY.slice(20)}`, "a space"],
    [`${KEY.slice(0, 20)}…${KEY.slice(20)}`, "a non-ASCII character"],
  ];
  for (const [key, what] of cases) {
    const { code, stdout, stderr, requests } = await run([], {
      env: { OPENAI_API_KEY: key },
    });
    assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
      code: 2,
      stdout: "",
      stderr: `OPENAI_API_KEY contains ${what}, which cannot be sent in an ` +
        "HTTP header: copy it again (it is not shown here)\n",
      sent: 0,
    });
  }
});

// --- servers' own shapes ------------------------------------------------------------

Deno.test("main() quotes an error sent with status 200 instead of a completion", async () => {
  const body = { error: { message: "Model not supported", type: "invalid" } };
  for (const args of [[], ["--json"]]) {
    const { code, stdout, stderr } = await run(args, {
      reply: () => json(body),
    });
    assert.deepEqual({ code, stderr }, {
      code: 1,
      stderr: "the server reported an error: Model not supported\n",
    });
    assert.equal(
      stdout,
      args.length ? `${JSON.stringify(body, null, 2)}\n` : "",
    );
  }
});

Deno.test('main() quotes `{"error": text}` and problem details plainly', async () => {
  const cases: [unknown, number, string][] = [
    [
      { error: "Invalid model" },
      400,
      "api.openai.com refused the request (400): Invalid model",
    ],
    [
      {
        type: "about:blank",
        title: "Unprocessable Entity",
        status: 422,
        detail: "messages must not be empty",
      },
      422,
      "api.openai.com refused the request (422): Unprocessable Entity: messages must not be empty",
    ],
    [
      { detail: "Not authenticated" },
      403,
      "api.openai.com denied access (403): Not authenticated",
    ],
    [
      { error: { detail: "quota used up" } },
      402,
      "api.openai.com refused the request (402): quota used up",
    ],
  ];
  for (const [body, status, line] of cases) {
    const { code, stderr } = await run([], {
      reply: () =>
        json(
          body,
          status,
          status === 422 ? { "content-type": "application/problem+json" } : {},
        ),
    });
    assert.deepEqual({ code, stderr }, { code: 1, stderr: `${line}\n` });
  }
});

Deno.test("main() --stream prints the answer of a server that ignores stream: true", async () => {
  const plain = await run(["--stream"], { reply: () => json(completion()) });
  const asJson = await run(["--stream", "--json"], {
    reply: () => json(completion(ANSWER, { provider: "Copilot" })),
  });
  assert.deepEqual(
    { code: plain.code, stdout: plain.stdout, stderr: plain.stderr },
    { code: 0, stdout: `${ANSWER}\n`, stderr: "" },
  );
  assert.equal(asJson.code, 0);
  const printed = JSON.parse(asJson.stdout);
  assert.equal(printed.choices[0].message.content, ANSWER);
  assert.equal(printed.provider, "Copilot");
  assert.deepEqual(printed.usage, completion().usage);
});

Deno.test("main() --stream quotes an error a server sends as JSON with status 200", async () => {
  const { code, stdout, stderr } = await run(["--stream"], {
    reply: () => json({ error: "Model not supported" }),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 1,
    stdout: "",
    stderr: "the server reported an error: Model not supported\n",
  });
});

// --- --json prints what came back ---------------------------------------------------

Deno.test("main() --json prints a refusal, tool calls and empty content, and exits as without --json", async () => {
  const toolCalls = {
    ...completion(null, { finish_reason: "tool_calls" }),
  };
  const cases: [Record<string, unknown>, number, string][] = [
    [
      completion(null, { refusal: "I'm sorry, I can't help with that." }),
      1,
      "the model refused: I'm sorry, I can't help with that.\n",
    ],
    [toolCalls, 1, "the server returned no text (finish_reason: tool_calls)\n"],
    [completion(""), 0, ""],
  ];
  for (const [body, exitCode, line] of cases) {
    const { code, stdout, stderr } = await run(["--json"], {
      reply: () => json(body),
    });
    assert.deepEqual({ code, stderr }, { code: exitCode, stderr: line });
    assert.deepEqual(JSON.parse(stdout), body);
  }
});

Deno.test("main() --stream --json prints a streamed refusal and exits 1", async () => {
  const body = sse([
    chunk({ role: "assistant", content: null, refusal: "" }),
    chunk({ refusal: "I can't help with that." }),
    chunk({}, "stop"),
  ]) + "data: [DONE]\n\n";
  const { code, stdout, stderr } = await run(["--stream", "--json"], {
    reply: () => pieces([body]),
  });
  assert.deepEqual({ code, stderr }, {
    code: 1,
    stderr: "the model refused: I can't help with that.\n",
  });
  assert.equal(
    JSON.parse(stdout).choices[0].message.refusal,
    "I can't help with that.",
  );
});

// --- permissions and listeners --------------------------------------------------------

Deno.test("main() without network permission exits 2 at once with the hint, no retries", async () => {
  const started = performance.now();
  const { code, stdout, stderr, requests } = await run([], {
    reply: () => {
      throw new Deno.errors.NotCapable(
        'Requires net access to "api.openai.com:443", run again with the --allow-net flag',
      );
    },
  });
  assert.deepEqual({ code, stdout, stderr, tries: requests.length }, {
    code: 2,
    stdout: "",
    stderr: "main.ts needs network access to reach the API: run " +
      "`deno task start`, or add --allow-net\n",
    tries: 1,
  });
  assert.ok(performance.now() - started < 400, "it waited to retry");
});

historyTest(
  "main() saves nothing to the history when the request could not be sent (exit 2)",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code } = await run(["Hi"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      reply: () => {
        throw new Deno.errors.NotCapable(
          'Requires net access to "api.openai.com:443"',
        );
      },
    });
    assert.equal(code, 2);
    assert.ok(!existsSync(path), "an exchange that was never sent was saved");
  },
);

Deno.test("main() --stream -v asks for usage without --json", async () => {
  const { requests } = await run(["--stream", "-v"], {
    reply: () => pieces([streamOf(["Hi"], { usage: true })]),
  });
  assert.deepEqual(requests[0].body.stream_options, { include_usage: true });
});

Deno.test("main() names the missing model by the error's code, or by its name in the message (404)", async () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [
      apiError(
        "The requested model does not exist.",
        "invalid_request_error",
        "model_not_found",
      ),
      [],
    ],
    [{ error: 'model "llama3" not found, try pulling it first' }, [
      "-m",
      "llama3",
    ]],
  ];
  for (const [body, args] of cases) {
    const { stderr } = await run(args, { reply: () => json(body, 404) });
    const model = args[1] ?? "gpt-4o";
    assert.equal(
      stderr,
      `the model "${model}" was not found at api.openai.com (404): choose another with --model\n`,
    );
  }
});

Deno.test(
  "main() --stream stops like Ctrl-C on SIGTERM (143) and SIGHUP (129)",
  async () => {
    for (
      const [signal, exitCode] of [["SIGTERM", 143], ["SIGHUP", 129]] as const
    ) {
      const { code, stdout, stderr } = await run(["--stream"], {
        reply: (_, interrupt) => {
          setTimeout(() => interrupt(signal), 20);
          return pieces([sse([chunk({ content: "A case" })])], { stall: true });
        },
      });
      assert.deepEqual({ code, stdout, stderr }, {
        code: exitCode,
        stdout: "A case\n",
        stderr: `interrupted by ${signal}\n`,
      });
    }
  },
);

// --- history ----------------------------------------------------------------------

/** The saved turns of a conversation, their times checked and left out. */
function savedTurns(path: string, id: number) {
  using history = History.open(path);
  return history.get(id)?.turns.map(({ started, finished, ...turn }) => {
    assert.ok(started.getTime() <= finished.getTime(), "finished early");
    assert.ok(Date.now() - finished.getTime() < 60_000, "not saved just now");
    return turn;
  });
}

/** The conversations saved, newest first. */
function savedList(path: string) {
  using history = History.open(path);
  return history.list();
}

/** A fake server answering each request with the next of `answers`, streamed when asked. */
function answering(...answers: string[]): NonNullable<Setup["reply"]> {
  let n = 0;
  return (seen) => {
    const text = answers[n++] ?? `answer ${n}`;
    return seen.body.stream
      ? pieces([streamOf([text])])
      : json(completion(text));
  };
}

const USAGE_SAVED = {
  prompt_tokens: 27,
  completion_tokens: 18,
  total_tokens: 45,
};

/** The local time as --history and --show print it. */
function minute(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${
    two(date.getDate())
  } ${two(date.getHours())}:${two(date.getMinutes())}`;
}

historyTest(
  "main() saves an exchange: prompt, system, model, endpoint without credentials, answer, outcome, usage",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stdout, stderr } = await run(["-s", "Be brief.", "Hi"], {
      env: {
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL:
          "http://alice:pa55w0rd-xyz@127.0.0.1:1337/v1/?api-key=qk-1234567890",
        GPT4O_HISTORY: path,
      },
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: `${ANSWER}\n`,
      stderr: "",
    });
    assert.deepEqual(savedList(path).map(({ id, turns }) => ({ id, turns })), [
      { id: 1, turns: 1 },
    ]);
    assert.deepEqual(savedTurns(path, 1), [{
      system: "Be brief.",
      prompt: "Hi",
      model: "gpt-4o",
      endpoint: "127.0.0.1:1337/v1",
      answer: ANSWER,
      outcome: "answered",
      usage: USAGE_SAVED,
    }]);
  },
);

historyTest(
  "main() keeps history in $HOME/.local/share/gpt4o/history.db, private, when GPT4O_HISTORY is unset",
  async () => {
    await using tmp = await tempFolder();
    const { code, stderr } = await run(["Hi"], {
      // An empty GPT4O_HISTORY counts as unset.
      env: { OPENAI_API_KEY: KEY, HOME: tmp.dir, GPT4O_HISTORY: "" },
    });
    assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
    const folder = `${tmp.dir}/.local/share/gpt4o`;
    assert.equal(Deno.statSync(folder).mode! & 0o777, 0o700);
    assert.equal(Deno.statSync(`${folder}/history.db`).mode! & 0o777, 0o600);
    assert.equal(savedTurns(`${folder}/history.db`, 1)?.[0].prompt, "Hi");
  },
);

historyTest(
  "main() -c sends the latest conversation's turns before the new prompt and adds to it",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const reply = answering("Paris.", "About 2.1 million.", "Rome.");
    await run(["-m", "gpt-4o-mini", "-s", "Be brief.", "Capital of France?"], {
      env,
      reply,
    });
    const { code, stdout, stderr, requests } = await run(
      ["-c", "Its population?"],
      { env, reply },
    );
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "About 2.1 million.\n",
      stderr: "",
    });
    assert.deepEqual(requests[0].body, {
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Capital of France?" },
        { role: "assistant", content: "Paris." },
        { role: "user", content: "Its population?" },
      ],
    });
    assert.deepEqual(savedList(path).map(({ id, turns }) => ({ id, turns })), [
      { id: 1, turns: 2 },
    ]);
    assert.deepEqual(savedTurns(path, 1)?.map((turn) => turn.prompt), [
      "Capital of France?",
      "Its population?",
    ]);
    // -m and -s given with -c win over the conversation's.
    const third = await run(["--continue", "-m", "gpt-4o", "Of Italy?"], {
      env,
      reply,
    });
    assert.equal(third.requests[0].body.model, "gpt-4o");
    assert.equal(
      (third.requests[0].body.messages as Message[]).length,
      6,
    );
  },
);

historyTest(
  "main() --conversation <id> follows up that conversation, not the latest",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const reply = answering("One.", "Two.", "One again.");
    await run(["First"], { env, reply });
    await run(["Second"], { env, reply });
    const { code, stdout, requests } = await run(
      ["--conversation", "1", "More"],
      { env, reply },
    );
    assert.deepEqual({ code, stdout }, { code: 0, stdout: "One again.\n" });
    assert.deepEqual(requests[0].body.messages, [
      { role: "system", content: DEFAULT_SYSTEM },
      { role: "user", content: "First" },
      { role: "assistant", content: "One." },
      { role: "user", content: "More" },
    ]);
    assert.deepEqual(
      savedList(path).map(({ id, turns, title }) => ({ id, turns, title })),
      [
        { id: 1, turns: 2, title: "First" },
        { id: 2, turns: 1, title: "Second" },
      ],
    );
  },
);

historyTest(
  "main() exits 2 with one line and sends nothing for an unknown conversation, or -c with none",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const cases: [string[], Record<string, string>, string][] = [
      [
        ["-c", "More"],
        { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        "there is no conversation to continue yet: ask a question first\n",
      ],
      [
        ["--conversation", "9", "More"],
        { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        "there is no conversation 9: --history lists them\n",
      ],
      [
        ["--show", "9"],
        { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        "there is no conversation 9: --history lists them\n",
      ],
      [
        ["-c", "More"],
        { OPENAI_API_KEY: KEY, GPT4O_HISTORY: "off" },
        "history is off (GPT4O_HISTORY=off): unset GPT4O_HISTORY to keep and use it\n",
      ],
    ];
    for (const [args, env, line] of cases) {
      const { code, stdout, stderr, requests } = await run(args, { env });
      assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
        code: 2,
        stdout: "",
        stderr: line,
        sent: 0,
      }, args.join(" "));
    }
    assert.deepEqual(savedList(path), []);
  },
);

historyTest(
  "main() --history lists the latest conversations, as text and as JSON",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const empty = await run(["--history"], { env });
    assert.deepEqual(
      { code: empty.code, stdout: empty.stdout, stderr: empty.stderr },
      { code: 0, stdout: "no conversations yet\n", stderr: "" },
    );
    await run(["What is certiorari?\nExplain briefly."], { env });
    await run(["-c", "And mandamus?"], { env });
    await run(["-m", "gpt-4o-mini", "Hi"], { env });
    const [second, first] = savedList(path);
    const text = await run(["--history"], { env });
    assert.deepEqual(
      { code: text.code, stdout: text.stdout, stderr: text.stderr },
      {
        code: 0,
        stdout:
          `2  ${minute(new Date(second.updated))}  gpt-4o-mini   1 turn  Hi\n` +
          `1  ${
            minute(new Date(first.updated))
          }  gpt-4o       2 turns  What is certiorari?\n`,
        stderr: "",
      },
    );
    const asJson = await run(["--history", "--json"], { env });
    assert.equal(asJson.code, 0);
    const listed = JSON.parse(asJson.stdout);
    assert.deepEqual(listed, [
      {
        id: 2,
        updated: second.updated,
        model: "gpt-4o-mini",
        turns: 1,
        title: "Hi",
      },
      {
        id: 1,
        updated: first.updated,
        model: "gpt-4o",
        turns: 2,
        title: "What is certiorari?",
      },
    ]);
    for (const entry of listed) {
      assert.deepEqual(Object.keys(entry), [
        "id",
        "updated",
        "model",
        "turns",
        "title",
      ]);
      assert.equal(new Date(entry.updated).toISOString(), entry.updated);
    }
    assert.equal(
      new Date(first.updated).toISOString(),
      (() => {
        using history = History.open(path);
        return history.get(1)!.turns[1].finished.toISOString();
      })(),
    );
    assert.equal(text.requests.length + asJson.requests.length, 0);
  },
);

historyTest(
  "main() --show prints a conversation as a transcript, and with --json its messages, ready to send again",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const reply = answering("Paris.", "About 2.1 million.");
    await run(["-s", "Be brief.", "Capital of France?"], { env, reply });
    const second = await run(["-c", "Its population?"], { env, reply });
    const [turn] = (() => {
      using history = History.open(path);
      const { turns } = history.get(1)!;
      return [{ from: turns[0].started, to: turns[1].finished }];
    })();
    const [from, to] = [minute(turn.from), minute(turn.to)];
    const text = await run(["--show", "1"], { env });
    assert.deepEqual(
      { code: text.code, stdout: text.stdout, stderr: text.stderr },
      {
        code: 0,
        stdout: [
          `conversation 1  gpt-4o  api.openai.com/v1  ${
            from === to ? from : `${from} – ${to}`
          }`,
          "system: Be brief.",
          "",
          "> Capital of France?",
          "",
          "Paris.",
          "[tokens: 27 prompt, 18 completion, 45 total]",
          "",
          "> Its population?",
          "",
          "About 2.1 million.",
          "[tokens: 27 prompt, 18 completion, 45 total]",
          "",
        ].join("\n"),
        stderr: "",
      },
    );
    const asJson = await run(["--show", "1", "--json"], { env });
    assert.equal(asJson.code, 0);
    const shown = JSON.parse(asJson.stdout);
    assert.deepEqual(shown, {
      id: 1,
      model: "gpt-4o",
      messages: [
        ...second.requests[0].body.messages as Message[],
        { role: "assistant", content: "About 2.1 million." },
      ],
    });
  },
);

historyTest(
  "main() --no-history and GPT4O_HISTORY=off save nothing",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const skipped = await run(["--no-history", "Hi"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
    });
    const off = await run(["Hi"], {
      env: { OPENAI_API_KEY: KEY, HOME: tmp.dir, GPT4O_HISTORY: "OFF" },
    });
    for (const { code, stdout, stderr } of [skipped, off]) {
      assert.deepEqual({ code, stdout, stderr }, {
        code: 0,
        stdout: `${ANSWER}\n`,
        stderr: "",
      });
    }
    assert.deepEqual([...Deno.readDirSync(tmp.dir)], []);
  },
);

historyTest(
  "main() --stream saves an answer cut off or interrupted as far as it got",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const cut = await run(["--stream", "First"], {
      env,
      reply: () =>
        pieces([
          sse([chunk({ content: "A case " }), chunk({ content: "reaches" })]),
        ]),
    });
    const interrupted = await run(["--stream", "Second"], {
      env,
      reply: (_, interrupt) => {
        setTimeout(interrupt, 20);
        return pieces([sse([chunk({ content: "A case" })])], { stall: true });
      },
    });
    assert.deepEqual(
      [cut, interrupted].map(({ code, stdout, stderr }) => ({
        code,
        stdout,
        stderr,
      })),
      [
        {
          code: 1,
          stdout: "A case reaches\n",
          stderr:
            "the answer was cut off: the stream ended before the server finished it\n",
        },
        { code: 130, stdout: "A case\n", stderr: "interrupted\n" },
      ],
    );
    const turn = {
      system: DEFAULT_SYSTEM,
      model: "gpt-4o",
      endpoint: "api.openai.com/v1",
    };
    assert.deepEqual([savedTurns(path, 1), savedTurns(path, 2)], [
      [{
        ...turn,
        prompt: "First",
        answer: "A case reaches",
        outcome: "cut off",
        error:
          "the answer was cut off: the stream ended before the server finished it",
      }],
      [{
        ...turn,
        prompt: "Second",
        answer: "A case",
        outcome: "interrupted",
        error: "interrupted",
      }],
    ]);
    // A follow-up sends the partial answers as they were kept.
    const { requests } = await run(["--conversation", "2", "Go on"], { env });
    assert.deepEqual(requests[0].body.messages, [
      { role: "system", content: DEFAULT_SYSTEM },
      { role: "user", content: "Second" },
      { role: "assistant", content: "A case" },
      { role: "user", content: "Go on" },
    ]);
  },
);

historyTest(
  "main() saves a refusal as refused and a server failure as failed, with their lines",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const refused = await run(["First"], {
      env,
      reply: () =>
        json(
          completion(null, { refusal: "I'm sorry, I can't help with that." }),
        ),
    });
    const failed = await run(["Second"], {
      env,
      reply: () =>
        json(apiError("The server had an error.", "server_error"), 500, {
          "retry-after-ms": "0",
        }),
    });
    const lines = [
      "the model refused: I'm sorry, I can't help with that.",
      "api.openai.com failed (500), still after retries: The server had an error.",
    ];
    assert.deepEqual(
      [refused, failed].map(({ code, stdout, stderr, requests }) => ({
        code,
        stdout,
        stderr,
        tries: requests.length,
      })),
      [
        { code: 1, stdout: "", stderr: `${lines[0]}\n`, tries: 1 },
        { code: 1, stdout: "", stderr: `${lines[1]}\n`, tries: 3 },
      ],
    );
    const turn = {
      system: DEFAULT_SYSTEM,
      model: "gpt-4o",
      endpoint: "api.openai.com/v1",
      answer: "",
    };
    assert.deepEqual([savedTurns(path, 1), savedTurns(path, 2)], [
      [{ ...turn, prompt: "First", outcome: "refused", error: lines[0] }],
      [{ ...turn, prompt: "Second", outcome: "failed", error: lines[1] }],
    ]);
  },
);

historyTest(
  "main() prints the answer with one warning and the same exit code when history cannot be used",
  async () => {
    await using tmp = await tempFolder();
    const corrupt = `${tmp.dir}/corrupt.db`;
    Deno.writeFileSync(
      corrupt,
      new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251),
    );
    const folder = `${tmp.dir}/folder.db`;
    Deno.mkdirSync(folder);
    const cases: [Record<string, string>, string][] = [
      [
        { GPT4O_HISTORY: corrupt },
        `cannot open the history at ${corrupt}: it is not a SQLite database, or ` +
        "it is damaged (move it away, or set GPT4O_HISTORY to another file)",
      ],
      [
        { GPT4O_HISTORY: folder },
        `cannot open the history at ${folder}: it cannot be opened as a file ` +
        "(is it a folder?): set GPT4O_HISTORY to another file",
      ],
      [
        { GPT4O_HISTORY: "" }, // counts as unset; and there is no HOME
        "cannot tell where to keep the history: HOME is not set (set " +
        "GPT4O_HISTORY to a file, or GPT4O_HISTORY=off)",
      ],
    ];
    for (const [history, warning] of cases) {
      const env = { OPENAI_API_KEY: KEY, ...history };
      const answered = await run(["Hi"], { env });
      assert.deepEqual(
        {
          code: answered.code,
          stdout: answered.stdout,
          stderr: answered.stderr,
        },
        {
          code: 0,
          stdout: `${ANSWER}\n`,
          stderr: `history not saved: ${warning}\n`,
        },
        warning,
      );
      const streamed = await run(["--stream", "Hi"], {
        env,
        reply: () => pieces([streamOf(["A case"], { finish: "length" })]),
      });
      assert.deepEqual(
        {
          code: streamed.code,
          stdout: streamed.stdout,
          stderr: streamed.stderr,
        },
        {
          code: 0,
          stdout: "A case\n",
          stderr:
            "the answer was cut off at the model's token limit (finish_reason: length)\n" +
            `history not saved: ${warning}\n`,
        },
        warning,
      );
      const failed = await run(["Hi"], {
        env,
        reply: () =>
          json(apiError("Invalid model", "invalid_request_error"), 400),
      });
      assert.deepEqual(
        { code: failed.code, stdout: failed.stdout, stderr: failed.stderr },
        {
          code: 1,
          stdout: "",
          stderr: "api.openai.com refused the request (400): Invalid model\n" +
            `history not saved: ${warning}\n`,
        },
        warning,
      );
    }
    // The corrupt file is left as it was.
    assert.equal(Deno.readFileSync(corrupt).length, 4096);
  },
);

historyTest(
  "main() masks a key pasted into the prompt or the system message in the history",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, requests } = await run(
      ["-s", `Key: ${KEY}`, "Is this mine?"],
      {
        env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        stdin: `key=${KEY}\n`,
      },
    );
    assert.equal(code, 0);
    assert.deepEqual(requests[0].body.messages, [
      { role: "system", content: `Key: ${KEY}` },
      { role: "user", content: `Is this mine?\n\nkey=${KEY}` },
    ]);
    const [{ system, prompt }] = savedTurns(path, 1)!;
    assert.deepEqual({ system, prompt }, {
      system: "Key: [redacted]",
      prompt: "Is this mine?\n\nkey=[redacted]",
    });
  },
);

historyTest(
  "main() never writes the key to the history, even when the server echoes it",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const echoed = await run(["What is my key?"], {
      env,
      reply: () => json(completion(`Your key is ${KEY}.`)),
    });
    const streamed = await run(["--stream", "Again?"], {
      env,
      reply: () =>
        pieces([streamOf(["It is ", KEY.slice(0, 20), KEY.slice(20)])]),
    });
    const quoted = await run(["Once more?"], {
      env,
      reply: () =>
        json(apiError(`Project for key ${KEY} has no access.`, "denied"), 403),
    });
    assert.deepEqual(
      [echoed, streamed, quoted].map(({ code, stdout, stderr }) => ({
        code,
        stdout,
        stderr,
      })),
      [
        { code: 0, stdout: "Your key is [redacted].\n", stderr: "" },
        { code: 0, stdout: "It is [redacted]\n", stderr: "" },
        {
          code: 1,
          stdout: "",
          stderr:
            "api.openai.com denied access (403): Project for key [redacted] has no access.\n",
        },
      ],
    );
    assert.deepEqual(
      [1, 2, 3].map((id) => {
        const [{ answer, error }] = savedTurns(path, id)!;
        return { answer, error };
      }),
      [
        { answer: "Your key is [redacted].", error: undefined },
        { answer: "It is [redacted]", error: undefined },
        {
          answer: "",
          error:
            "api.openai.com denied access (403): Project for key [redacted] has no access.",
        },
      ],
    );
    const bytes = [path, `${path}-wal`].flatMap((file) => {
      try {
        return [new TextDecoder("latin1").decode(Deno.readFileSync(file))];
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return [];
        throw error;
      }
    }).join("");
    assert.ok(bytes.includes("What is my key?"), "the database was not read");
    for (let i = 0; i + 12 <= KEY.length; i++) {
      assert.ok(
        !bytes.includes(KEY.slice(i, i + 12)),
        "the key is in the history",
      );
    }
  },
);

// --- chat -------------------------------------------------------------------------

/** The messages each request carried, as role: content lines. */
function sentMessages(requests: Seen[]): string[][] {
  return requests.map((seen) =>
    (seen.body.messages as Message[]).map(({ role, content }) =>
      `${role}: ${content}`
    )
  );
}

historyTest(
  "main() --chat sends each turn after the earlier ones, streamed, and saves one conversation",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Capital of France?", "", "Its population?"],
      reply: answering("Paris.", "About 2.1 million."),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Paris.\nAbout 2.1 million.\n",
      stderr: "",
    });
    assert.deepEqual(
      requests.map(({ url, authorization, body }) => ({
        url,
        authorization,
        model: body.model,
        stream: body.stream,
      })),
      [1, 2].map(() => ({
        url: "https://api.openai.com/v1/chat/completions",
        authorization: `Bearer ${KEY}`,
        model: "gpt-4o",
        stream: true,
      })),
    );
    assert.deepEqual(sentMessages(requests), [
      [`system: ${DEFAULT_SYSTEM}`, "user: Capital of France?"],
      [
        `system: ${DEFAULT_SYSTEM}`,
        "user: Capital of France?",
        "assistant: Paris.",
        "user: Its population?",
      ],
    ]);
    assert.deepEqual(savedList(path).map(({ id, turns }) => ({ id, turns })), [
      { id: 1, turns: 2 },
    ]);
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ prompt, answer, outcome }) => ({
        prompt,
        answer,
        outcome,
      })),
      [
        { prompt: "Capital of France?", answer: "Paris.", outcome: "answered" },
        {
          prompt: "Its population?",
          answer: "About 2.1 million.",
          outcome: "answered",
        },
      ],
    );
  },
);

Deno.test("main() --chat: /model and /system change the following requests, and a message of several lines is one turn", async () => {
  const { code, stdout, stderr, requests } = await run([
    "--chat",
    "-s",
    "Be brief.",
  ], {
    lines: [
      "Hi",
      "/model gpt-4o-mini",
      "/system Answer in French.",
      '"""',
      "First line",
      "second line",
      '"""',
    ],
    reply: answering("Hello!", "Bonjour !"),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "Hello!\nBonjour !\n",
    stderr: "model: gpt-4o-mini\nsystem: Answer in French.\n",
  });
  assert.deepEqual(requests.map(({ body }) => body.model), [
    "gpt-4o",
    "gpt-4o-mini",
  ]);
  assert.deepEqual(sentMessages(requests), [
    ["system: Be brief.", "user: Hi"],
    [
      "system: Answer in French.",
      "user: Hi",
      "assistant: Hello!",
      "user: First line\nsecond line",
    ],
  ]);
});

historyTest(
  "main() --chat /clear starts over: only the system message and the new prompt, in a new conversation",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Hi", "/clear", "Who are you?", "/exit", "never sent"],
      reply: answering("Hello!", "An assistant."),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Hello!\nAn assistant.\n",
      stderr: "a new conversation: earlier turns are no longer sent\n",
    });
    assert.deepEqual(sentMessages(requests), [
      [`system: ${DEFAULT_SYSTEM}`, "user: Hi"],
      [`system: ${DEFAULT_SYSTEM}`, "user: Who are you?"],
    ]);
    assert.deepEqual(
      savedList(path).map(({ id, turns, title }) => ({ id, turns, title })),
      [
        { id: 2, turns: 1, title: "Who are you?" },
        { id: 1, turns: 1, title: "Hi" },
      ],
    );
  },
);

historyTest(
  "main() --chat: Ctrl-C mid-answer keeps the partial answer, saves it as interrupted, and the chat goes on",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    let n = 0;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Tell me a long story", "Go on"],
      reply: (_, interrupt) => {
        if (n++ > 0) return pieces([streamOf(["The end."])]);
        setTimeout(interrupt, 20);
        return pieces([
          sse([chunk({ role: "assistant", content: "" })]),
          sse([chunk({ content: "Once upon" })]),
        ], { stall: true });
      },
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Once upon\nThe end.\n",
      stderr: "interrupted\n",
    });
    assert.ok(requests[0].signal.aborted, "the first request was not aborted");
    assert.deepEqual(sentMessages(requests)[1], [
      `system: ${DEFAULT_SYSTEM}`,
      "user: Tell me a long story",
      "assistant: Once upon",
      "user: Go on",
    ]);
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ answer, outcome, error }) => ({
        answer,
        outcome,
        error,
      })),
      [
        { answer: "Once upon", outcome: "interrupted", error: "interrupted" },
        { answer: "The end.", outcome: "answered", error: undefined },
      ],
    );
  },
);

historyTest(
  "main() --chat: a failed turn prints its one line, is not sent again, and the chat goes on",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    let n = 0;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Hi", "Again"],
      reply: () =>
        n++ === 0
          ? json(apiError("Invalid model", "invalid_request_error"), 400)
          : pieces([streamOf(["Hello!"])]),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Hello!\n",
      stderr: "api.openai.com refused the request (400): Invalid model\n",
    });
    assert.deepEqual(sentMessages(requests), [
      [`system: ${DEFAULT_SYSTEM}`, "user: Hi"],
      [`system: ${DEFAULT_SYSTEM}`, "user: Again"],
    ]);
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ prompt, outcome }) => ({ prompt, outcome })),
      [{ prompt: "Hi", outcome: "failed" }, {
        prompt: "Again",
        outcome: "answered",
      }],
    );
  },
);

Deno.test("main() --chat ends with exit 2 on a configuration error, sending nothing", async () => {
  const lines = ["Hi", "never read"];
  const { code, stdout, stderr, requests } = await run(["--chat"], {
    env: {},
    lines,
    reply: answering("Hello!"),
  });
  assert.deepEqual({ code, stdout, stderr, sent: requests.length, lines }, {
    code: 2,
    stdout: "",
    stderr:
      "OPENAI_API_KEY is not set: export it, or put OPENAI_API_KEY=... in a .env file here " +
      "(a server set in OPENAI_BASE_URL may need none)\n",
    sent: 0,
    lines: ["never read"],
  });
});

Deno.test("main() --chat refuses /model for a provider whose key is not set, and goes on", async () => {
  const { code, stdout, stderr, requests } = await run(["--chat"], {
    lines: ["Hi", "/model groq:x", "Again"],
    reply: answering("Hello!", "Hello again!"),
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "Hello!\nHello again!\n",
    stderr:
      "GROQ_API_KEY is not set: export it, or put GROQ_API_KEY=... in a .env file here; still gpt-4o\n",
  });
  assert.deepEqual(requests.map(({ url, body }) => [url, body.model]), [
    ["https://api.openai.com/v1/chat/completions", "gpt-4o"],
    ["https://api.openai.com/v1/chat/completions", "gpt-4o"],
  ]);
});

historyTest(
  "main() --chat -c resumes the latest conversation and adds to it",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const reply = answering("Paris.", "Rome.");
    await run(["-s", "Be brief.", "Capital of France?"], { env, reply });
    const { code, stdout, stderr, requests } = await run(["--chat", "-c"], {
      env,
      lines: ["And of Italy?"],
      reply,
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Rome.\n",
      stderr: "",
    });
    assert.deepEqual(sentMessages(requests), [[
      "system: Be brief.",
      "user: Capital of France?",
      "assistant: Paris.",
      "user: And of Italy?",
    ]]);
    assert.deepEqual(savedList(path).map(({ id, turns }) => ({ id, turns })), [
      { id: 1, turns: 2 },
    ]);
  },
);

historyTest(
  "main() --chat at a terminal greets on stderr, prompts, and /history lists the conversations",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code, stdout, stderr } = await run(
      ["--chat", "-m", "gpt-4o-mini"],
      {
        env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
        terminal: true,
        lines: ["Hi", "/history", "/nope"],
        reply: answering("Hello!"),
      },
    );
    const [{ updated }] = savedList(path);
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "> Hello!\n> > > ",
      stderr:
        "Chatting with gpt-4o-mini. /help lists the commands; Ctrl-D leaves.\n" +
        `1  ${minute(new Date(updated))}  gpt-4o-mini  1 turn  Hi\n` +
        "unknown command /nope: /help lists the commands\n",
    });
  },
);

// --- providers --------------------------------------------------------------------

/** Where each request went, with which key and model. */
function destinations(requests: Seen[]) {
  return requests.map(({ url, authorization, body }) => ({
    url,
    authorization,
    model: body.model,
  }));
}

Deno.test("main() -m ollama:<model> sends the whole model name to Ollama with the no-key token, never the OpenAI key", async () => {
  for (const env of [{}, { OPENAI_API_KEY: KEY }] as Record<string, string>[]) {
    const { code, stdout, stderr, requests } = await run(
      ["-m", "ollama:llama3.2:1b", "Hi"],
      { env },
    );
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: `${ANSWER}\n`,
      stderr: "",
    });
    assert.deepEqual(destinations(requests), [{
      url: "http://localhost:11434/v1/chat/completions",
      authorization: "Bearer secret",
      model: "llama3.2:1b",
    }]);
  }
});

Deno.test("main() -m ollama: follows OLLAMA_HOST as Ollama reads it", async () => {
  const cases: [string, string][] = [
    ["192.168.1.20:8000", "http://192.168.1.20:8000/v1/chat/completions"],
    ["gpu-box", "http://gpu-box:11434/v1/chat/completions"],
    ["http://gpu-box:11434", "http://gpu-box:11434/v1/chat/completions"],
    ["http://gpu-box", "http://gpu-box/v1/chat/completions"],
    ["0.0.0.0", "http://localhost:11434/v1/chat/completions"],
    [
      "https://ollama.example.com/proxy/",
      "https://ollama.example.com/proxy/v1/chat/completions",
    ],
  ];
  for (const [host, url] of cases) {
    const { code, requests } = await run(["-m", "ollama:", "Hi"], {
      env: { OLLAMA_HOST: host },
    });
    assert.equal(code, 0, host);
    assert.deepEqual(destinations(requests), [{
      url,
      authorization: "Bearer secret",
      model: "llama3.2",
    }], host);
  }
  const { code, stdout, stderr, requests } = await run(["-m", "ollama:x"], {
    env: { OLLAMA_HOST: "ftp://gpu-box" },
  });
  assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
    code: 2,
    stdout: "",
    stderr:
      'OLLAMA_HOST must be host:port or an http:// or https:// URL, not "ftp://gpu-box"\n',
    sent: 0,
  });
});

Deno.test("main() -m openrouter:<model> sends OPENROUTER_API_KEY to OpenRouter, not OPENAI_API_KEY", async () => {
  const { code, stdout, stderr, requests } = await run(
    ["-m", "openrouter:openai/gpt-4o", "Hi"],
    {
      env: {
        OPENROUTER_API_KEY: KEY,
        OPENAI_API_KEY: "sk-openai-not-for-openrouter-0000",
        OPENAI_BASE_URL: "http://127.0.0.1:1337/v1",
      },
    },
  );
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: `${ANSWER}\n`,
    stderr: "",
  });
  assert.deepEqual(destinations(requests), [{
    url: "https://openrouter.ai/api/v1/chat/completions",
    authorization: `Bearer ${KEY}`,
    model: "openai/gpt-4o",
  }]);
});

Deno.test("main() -m <preset>: uses the preset's default model, and takes its key from .env", async () => {
  const cases: [string, string, string, string][] = [
    [
      "groq:",
      "GROQ_API_KEY",
      "https://api.groq.com/openai/v1/chat/completions",
      "openai/gpt-oss-120b",
    ],
    [
      "deepseek:",
      "DEEPSEEK_API_KEY",
      "https://api.deepseek.com/chat/completions",
      "deepseek-v4-flash",
    ],
    [
      "mistral:",
      "MISTRAL_API_KEY",
      "https://api.mistral.ai/v1/chat/completions",
      "mistral-small-latest",
    ],
    [
      "gemini:",
      "GEMINI_API_KEY",
      "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
      "gemini-3.5-flash",
    ],
    [
      "together:",
      "TOGETHER_API_KEY",
      "https://api.together.ai/v1/chat/completions",
      "openai/gpt-oss-20b",
    ],
    [
      "g4f:",
      "",
      "http://localhost:1337/v1/chat/completions",
      "gpt-4o",
    ],
    [
      "lmstudio:",
      "",
      "http://localhost:1234/v1/chat/completions",
      "openai/gpt-oss-20b",
    ],
    [
      "llamacpp:",
      "",
      "http://localhost:8080/v1/chat/completions",
      "default",
    ],
  ];
  for (const [model, variable, url, sent] of cases) {
    const { code, stderr, requests } = await run(["-m", model, "Hi"], {
      env: {},
      dotenv: variable ? `${variable}=${KEY}\n` : undefined,
    });
    assert.deepEqual({ code, stderr }, { code: 0, stderr: "" }, model);
    assert.deepEqual(destinations(requests), [{
      url,
      authorization: `Bearer ${variable ? KEY : "secret"}`,
      model: sent,
    }], model);
  }
});

Deno.test("main() exits 2 naming the variable, and sends nothing, when a hosted preset has no key", async () => {
  const presets = [
    ["openrouter:openai/gpt-4o", "OPENROUTER_API_KEY"],
    ["groq:", "GROQ_API_KEY"],
    ["deepseek:deepseek-v4-pro", "DEEPSEEK_API_KEY"],
    ["mistral:", "MISTRAL_API_KEY"],
    ["gemini:", "GEMINI_API_KEY"],
    ["together:", "TOGETHER_API_KEY"],
    ["openai:gpt-4o", "OPENAI_API_KEY"],
  ];
  for (const [model, variable] of presets) {
    const { code, stdout, stderr, requests } = await run(["-m", model, "Hi"], {
      // The OpenAI key is no key for another provider; a blank one is none.
      env: model.startsWith("openai:")
        ? { GROQ_API_KEY: KEY }
        : { OPENAI_API_KEY: KEY, [variable]: " " },
    });
    assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
      code: 2,
      stdout: "",
      stderr:
        `${variable} is not set: export it, or put ${variable}=... in a .env file here\n`,
      sent: 0,
    }, model);
  }
});

Deno.test("main() -m with a prefix that names no preset sends the whole name to OPENAI_BASE_URL", async () => {
  for (const model of ["llama3.2:1b", "hf.co/org/model:Q4_K_M", "gpt-4o:"]) {
    const { code, requests } = await run(["-m", model, "Hi"], {
      env: { OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" },
    });
    assert.equal(code, 0);
    assert.deepEqual(destinations(requests), [{
      url: "http://127.0.0.1:11434/v1/chat/completions",
      authorization: "Bearer secret",
      model,
    }]);
  }
});

Deno.test("main() --providers lists the presets, whether each key is set but never its value, and sends nothing", async () => {
  const { code, stdout, stderr, requests } = await run(["--providers"], {
    env: {
      OPENROUTER_API_KEY: KEY,
      GROQ_API_KEY: "  ",
      OLLAMA_HOST: "gpu-box:8000",
    },
    dotenv: "MISTRAL_API_KEY=mk-0123456789abcdef\n",
  });
  assert.deepEqual({ code, stderr, sent: requests.length }, {
    code: 0,
    stderr: "",
    sent: 0,
  });
  const url = (text: string) => text.padEnd(55);
  assert.equal(
    stdout,
    [
      `openai      ${
        url("https://api.openai.com/v1")
      }  OPENAI_API_KEY      not set        gpt-4o`,
      `g4f         ${
        url("http://localhost:1337/v1")
      }  -                   no key needed  gpt-4o`,
      `ollama      ${
        url("http://gpu-box:8000/v1")
      }  -                   no key needed  llama3.2`,
      `lmstudio    ${
        url("http://localhost:1234/v1")
      }  -                   no key needed  openai/gpt-oss-20b`,
      `llamacpp    ${
        url("http://localhost:8080/v1")
      }  -                   no key needed  default`,
      `openrouter  ${
        url("https://openrouter.ai/api/v1")
      }  OPENROUTER_API_KEY  set            openai/gpt-4o`,
      `groq        ${
        url("https://api.groq.com/openai/v1")
      }  GROQ_API_KEY        not set        openai/gpt-oss-120b`,
      `deepseek    ${
        url("https://api.deepseek.com")
      }  DEEPSEEK_API_KEY    not set        deepseek-v4-flash`,
      `mistral     ${
        url("https://api.mistral.ai/v1")
      }  MISTRAL_API_KEY     set            mistral-small-latest`,
      "gemini      https://generativelanguage.googleapis.com/v1beta/openai  " +
      "GEMINI_API_KEY      not set        gemini-3.5-flash",
      `together    ${
        url("https://api.together.ai/v1")
      }  TOGETHER_API_KEY    not set        openai/gpt-oss-20b`,
      "",
    ].join("\n"),
  );
  assert.ok(!stdout.includes("mk-0123456789abcdef"));
});

Deno.test("main() -v names the preset, or the provider an X-Provider header names", async () => {
  const preset = await run(["-v", "-m", "openrouter:openai/gpt-4o", "Hi"], {
    env: { OPENROUTER_API_KEY: KEY },
  });
  const header = await run(["-v", "Hi"], {
    env: { OPENAI_BASE_URL: "https://g4f.space/v1" },
    reply: () => json(completion(), 200, { "X-Provider": "PollinationsAI" }),
  });
  const streamed = await run(["-v", "--stream", "-m", "groq:", "Hi"], {
    env: { GROQ_API_KEY: KEY },
    reply: () =>
      new Response(streamOf(["Hi"], { usage: true }), {
        headers: {
          "content-type": "text/event-stream",
          "x-provider": "Groq",
        },
      }),
  });
  for (const outcome of [preset, header, streamed]) {
    assert.equal(outcome.code, 0);
  }
  assert.match(
    preset.stderr,
    /^model gpt-4o-2024-08-06, provider openrouter, tokens 27 in \+ 18 out = 45, \d+ ms\n$/,
  );
  assert.match(
    header.stderr,
    /^model gpt-4o-2024-08-06, provider PollinationsAI, tokens 27 in \+ 18 out = 45, \d+ ms\n$/,
  );
  assert.match(
    streamed.stderr,
    /^model gpt-4o-2024-08-06, provider Groq, tokens 27 in \+ 3 out = 30, \d+ ms\n$/,
  );
  assert.equal(header.stdout, `${ANSWER}\n`);
  assert.equal(streamed.stdout, "Hi\n");
});

Deno.test("main() masks a provider's key that a server echoes, and names its variable when the key is rejected", async () => {
  const env = { OPENROUTER_API_KEY: KEY };
  const args = ["-m", "openrouter:openai/gpt-4o", "Hi"];
  const echoed = await run(args, {
    env,
    reply: () => json(completion(`Your key ${KEY} (${KEY.slice(0, 12)}…)`)),
  });
  const rejected = await run(args, {
    env,
    reply: () =>
      json(
        apiError(`No auth credentials found for ${KEY}`, "auth", null),
        401,
      ),
  });
  const denied = await run(args, {
    env,
    reply: () => json(apiError(`Key ${KEY} is disabled.`, "auth"), 403),
  });
  assert.deepEqual(
    [echoed, rejected, denied].map(({ code, stdout, stderr }) => ({
      code,
      stdout,
      stderr,
    })),
    [
      { code: 0, stdout: "Your key [redacted] ([redacted]…)\n", stderr: "" },
      {
        code: 1,
        stdout: "",
        stderr:
          "openrouter.ai rejected the API key (401): check OPENROUTER_API_KEY\n",
      },
      {
        code: 1,
        stdout: "",
        stderr:
          "openrouter.ai denied access (403): Key [redacted] is disabled.\n",
      },
    ],
  );
});

// --- reasoning --------------------------------------------------------------------

/** A reasoning model's stream: thinking in `field`, then the answer. */
function thinking(
  field: "reasoning_content" | "reasoning",
  thoughts: string[],
  answer: string[],
): Response {
  return pieces([
    sse([
      chunk({ role: "assistant", content: "" }),
      ...thoughts.map((thought) => chunk({ content: null, [field]: thought })),
      ...answer.map((content) => chunk({ content, [field]: null })),
      chunk({}, "stop"),
    ]) + "data: [DONE]\n\n",
  ]);
}

const DIM = "\x1b[2m";
const UNDIM = "\x1b[22m";

Deno.test("main() --stream shows streamed reasoning dimmed on stderr, at a terminal or with --reasoning, and stdout stays the answer", async () => {
  const cases: [string[], Setup, "reasoning_content" | "reasoning"][] = [
    [["--stream"], { terminal: true }, "reasoning_content"],
    [["--stream", "--reasoning"], {}, "reasoning"],
    [["--stream", "--reasoning"], { terminal: true }, "reasoning_content"],
  ];
  for (const [args, setup, field] of cases) {
    const { code, stdout, stderr } = await run([...args, "Capital?"], {
      ...setup,
      reply: () =>
        thinking(field, ["The user asks", " for a capital."], ["Par", "is."]),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Paris.\n",
      stderr: `${DIM}The user asks for a capital.${UNDIM}\n\n`,
    }, `${args} ${field}`);
  }
});

Deno.test("main() prints reasoning before the answer begins, and without color when NO_COLOR is set", async () => {
  // What was written, in order, a run of writes to the same stream joined.
  const printed: [string, string][] = [];
  const to = (name: string) => (text: string) => {
    const last = printed[printed.length - 1];
    if (last?.[0] === name) last[1] += text;
    else printed.push([name, text]);
  };
  const { code } = await run(["--stream", "--reasoning", "Capital?"], {
    noColor: true,
    stdout: to("stdout"),
    stderr: to("stderr"),
    reply: () => thinking("reasoning", ["Hmm.\n"], ["Paris."]),
  });
  assert.equal(code, 0);
  assert.deepEqual(printed, [["stderr", "Hmm.\n\n"], ["stdout", "Paris.\n"]]);
});

Deno.test("main() hides reasoning when stderr is no terminal, and with --no-reasoning", async () => {
  const cases: [string[], Setup][] = [
    [["--stream"], {}],
    [["--stream", "--no-reasoning"], { terminal: true }],
    [[], {}],
    [["--no-reasoning"], { terminal: true }],
  ];
  for (const [args, setup] of cases) {
    const { code, stdout, stderr } = await run([...args, "Capital?"], {
      ...setup,
      reply: (seen) =>
        seen.body.stream
          ? thinking("reasoning_content", ["Thinking."], ["Paris."])
          : json(withReasoning("reasoning_content", "Thinking.", "Paris.")),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Paris.\n",
      stderr: "",
    }, args.join(" "));
  }
});

/** A completion whose message carries reasoning in `field`. */
function withReasoning(
  field: "reasoning_content" | "reasoning",
  reasoning: string,
  answer: string,
): Record<string, unknown> {
  const body = completion(answer) as {
    choices: { message: Record<string, unknown> }[];
  };
  body.choices[0].message[field] = reasoning;
  return body;
}

Deno.test("main() shows a non-streamed message's reasoning on stderr, dimmed, from either field", async () => {
  for (const field of ["reasoning_content", "reasoning"] as const) {
    const { code, stdout, stderr } = await run(["Capital?"], {
      terminal: true,
      reply: () => json(withReasoning(field, "Easy one.", "Paris.")),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Paris.\n",
      stderr: `${DIM}Easy one.${UNDIM}\n\n`,
    }, field);
  }
});

Deno.test("main() --json keeps reasoning_content in the printed message, streamed and not, and shows nothing on stderr", async () => {
  const plain = await run(["--json", "Capital?"], {
    terminal: true,
    reply: () =>
      json(withReasoning("reasoning_content", "Easy one.", "Paris.")),
  });
  const streamed = await run(
    ["--json", "--stream", "--reasoning", "Capital?"],
    {
      reply: () => thinking("reasoning", ["Easy", " one."], ["Paris."]),
    },
  );
  for (const { code, stderr } of [plain, streamed]) {
    assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
  }
  assert.deepEqual(
    JSON.parse(plain.stdout),
    withReasoning("reasoning_content", "Easy one.", "Paris."),
  );
  assert.deepEqual(JSON.parse(streamed.stdout).choices[0].message, {
    role: "assistant",
    content: "Paris.",
    refusal: null,
    reasoning_content: "Easy one.",
  });
});

Deno.test("main() closes the dimmed reasoning before the line that says the answer was interrupted", async () => {
  const { code, stdout, stderr } = await run(["--stream", "Capital?"], {
    terminal: true,
    reply: (_, interrupt) => {
      setTimeout(interrupt, 20);
      return pieces([
        sse([chunk({ role: "assistant", content: null, reasoning: "Hmm" })]),
      ], { stall: true });
    },
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 130,
    stdout: "",
    stderr: `${DIM}Hmm${UNDIM}\n\ninterrupted\n`,
  });
});

historyTest(
  "main() --chat at a terminal shows each turn's reasoning on stderr, and saves and resends the answer alone",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    let n = 0;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      terminal: true,
      lines: ["Capital of France?", "Of Italy?"],
      reply: () =>
        n++ === 0
          ? thinking("reasoning_content", ["France."], ["Paris."])
          : thinking("reasoning_content", ["Italy."], ["Rome."]),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "> Paris.\n> Rome.\n> ",
      stderr:
        "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\n" +
        `${DIM}France.${UNDIM}\n\n${DIM}Italy.${UNDIM}\n\n`,
    });
    assert.deepEqual(sentMessages(requests)[1], [
      `system: ${DEFAULT_SYSTEM}`,
      "user: Capital of France?",
      "assistant: Paris.",
      "user: Of Italy?",
    ]);
    assert.deepEqual(savedTurns(path, 1)?.map(({ answer }) => answer), [
      "Paris.",
      "Rome.",
    ]);
  },
);

// --- chat and history, the unhappy paths ------------------------------------------

historyTest(
  "main() --chat warns once about a history it cannot use, and every turn is still answered",
  async () => {
    await using tmp = await tempFolder();
    const corrupt = `${tmp.dir}/corrupt.db`;
    Deno.writeFileSync(
      corrupt,
      new TextEncoder().encode("not a database\n".repeat(300)),
    );
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: corrupt },
      lines: ["Hi", "Again", "/history"],
      reply: answering("Hello!", "Hello again!"),
    });
    const reason =
      `cannot open the history at ${corrupt}: it is not a SQLite ` +
      "database, or it is damaged (move it away, or set GPT4O_HISTORY to another file)";
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Hello!\nHello again!\n",
      stderr: `history not saved: ${reason}\n${reason}\n`,
    });
    // Unsaved turns are still carried forward.
    assert.deepEqual(sentMessages(requests)[1], [
      `system: ${DEFAULT_SYSTEM}`,
      "user: Hi",
      "assistant: Hello!",
      "user: Again",
    ]);
  },
);

historyTest(
  "main() --chat --no-history saves nothing, and /history says history is off when it is",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const skipped = await run(["--chat", "--no-history"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Hi"],
    });
    const off = await run(["--chat"], { lines: ["/history"] });
    assert.deepEqual(
      [skipped, off].map(({ code, stdout, stderr }) => ({
        code,
        stdout,
        stderr,
      })),
      [
        { code: 0, stdout: `${ANSWER}\n`, stderr: "" },
        {
          code: 0,
          stdout: "",
          stderr:
            "history is off (GPT4O_HISTORY=off): unset GPT4O_HISTORY to keep and use it\n",
        },
      ],
    );
    assert.deepEqual([...Deno.readDirSync(tmp.dir)], []);
  },
);

historyTest(
  "main() --chat: Ctrl-C before any answer saves the turn as interrupted and does not send it again",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    let n = 0;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      lines: ["Hi", "Hello?"],
      reply: (seen, interrupt) => {
        if (n++ > 0) return pieces([streamOf(["Yes?"])]);
        setTimeout(interrupt, 10);
        return hang(seen);
      },
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Yes?\n",
      stderr: "interrupted\n",
    });
    assert.deepEqual(sentMessages(requests)[1], [
      `system: ${DEFAULT_SYSTEM}`,
      "user: Hello?",
    ]);
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ prompt, answer, outcome }) => ({
        prompt,
        answer,
        outcome,
      })),
      [
        { prompt: "Hi", answer: "", outcome: "interrupted" },
        { prompt: "Hello?", answer: "Yes?", outcome: "answered" },
      ],
    );
  },
);

historyTest(
  "main() --history, --show and -c exit 2 with one line when the history cannot be read",
  async () => {
    await using tmp = await tempFolder();
    const corrupt = `${tmp.dir}/corrupt.db`;
    Deno.writeFileSync(
      corrupt,
      new TextEncoder().encode("not a database\n".repeat(300)),
    );
    for (
      const args of [["--history"], ["--show", "1"], ["-c", "Hi"], [
        "--chat",
        "-c",
      ]]
    ) {
      const { code, stdout, stderr, requests } = await run(args, {
        env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: corrupt },
        lines: ["Hi"],
      });
      assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
        code: 2,
        stdout: "",
        stderr: `cannot open the history at ${corrupt}: it is not a SQLite ` +
          "database, or it is damaged (move it away, or set GPT4O_HISTORY to another file)\n",
        sent: 0,
      }, args.join(" "));
    }
  },
);

Deno.test("main() --chat ignores a Ctrl-C between turns, and ends with 143 on SIGTERM at the prompt", async () => {
  const ignored = await run(["--chat"], {
    lines: ["Hi", (interrupt) => interrupt("SIGINT"), "Again"],
  });
  assert.deepEqual(
    {
      code: ignored.code,
      stdout: ignored.stdout,
      sent: ignored.requests.length,
    },
    { code: 0, stdout: `${ANSWER}\n${ANSWER}\n`, sent: 2 },
  );
  const stopped = await run(["--chat"], {
    lines: ["Hi", (interrupt) => interrupt("SIGTERM"), "Never sent"],
  });
  assert.deepEqual(
    {
      code: stopped.code,
      stdout: stopped.stdout,
      sent: stopped.requests.length,
    },
    { code: 143, stdout: `${ANSWER}\n`, sent: 1 },
  );
});
