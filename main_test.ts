/**
 * The whole program, run in-process with a mocked `fetch`: the demo, usage
 * and configuration, every shape of response a server sends back, streaming,
 * where the output goes, and the key that never shows.
 */
import assert from "node:assert/strict";
import { DEFAULT_SYSTEM, USAGE } from "./src/cli/options.ts";
import { main } from "./main.ts";
import { OutputError } from "./src/io/io.ts";
import project from "./deno.json" with { type: "json" };
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
import {
  CONFIG_PATH,
  existsSync,
  hang,
  historyTest,
  json,
  KEY,
  pieces,
  run,
  type Setup,
  tempFolder,
} from "./testdata/harness.ts";

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
    [["-z"], "unknown option -z (see --help)\n"],
    [
      ["--strem", "Hi"],
      "unknown option --strem: did you mean --stream? (see --help)\n",
    ],
    [
      ["-stream", "Hi"],
      "unknown option -stream: did you mean --stream? (see --help)\n",
    ],
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

Deno.test("main() --yes without a tool server says it does nothing, and goes on", async (t) => {
  const said = "--yes approves tool calls, and no tool server is enabled " +
    "(-T NAME, or tools in the config file): it does nothing here\n";
  await t.step("a question", async () => {
    const { code, stdout, stderr, requests } = await run(["--yes", "Hi"]);
    assert.deepEqual({ code, stdout, stderr, sent: requests.length }, {
      code: 0,
      stdout: `${ANSWER}\n`,
      stderr: said,
      sent: 1,
    });
    assert.equal("tools" in requests[0].body, false);
  });
  await t.step("the chat: once, at its start", async () => {
    const { code, stderr, requests } = await run(["--chat", "--yes"], {
      lines: ["Hi", "Again"],
    });
    assert.deepEqual({ code, stderr, sent: requests.length }, {
      code: 0,
      stderr: said,
      sent: 2,
    });
  });
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
    stdoutIsTerminal: false,
    fileMode: () => null,
    columns: () => 80,
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
      stderr: "api.openai.com rejected the API key (401): check " +
        "OPENAI_API_KEY (it said: Incorrect API key provided: [redacted].)\n",
      tries: 1,
    },
  );
});

Deno.test("main() says a server wants a key, and which variable to set, when none was sent (401)", async () => {
  const { code, stderr } = await run([], {
    env: { OPENAI_BASE_URL: "http://127.0.0.1:1337/v1" },
    reply: () => json(apiError("Missing bearer token.", "auth"), 401),
  });
  assert.deepEqual({ code, stderr }, {
    code: 1,
    stderr: "127.0.0.1:1337 wants an API key (401): set OPENAI_API_KEY " +
      "(it said: Missing bearer token.)\n",
  });
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
        'the model "gpt-5o" was not found at api.openai.com (404): choose another with --model ' +
        "(it said: The model `gpt-5o` does not exist or you do not have access to it.)\n",
      tries: 2, // the models' listing too, which fails the same: nothing more
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

Deno.test("main() streams at a terminal unless told not to, and never into a pipe unless asked", async (t) => {
  const cases: [
    string,
    string[],
    { terminal: boolean; config?: string },
    boolean,
  ][] = [
    ["at a terminal", [], { terminal: true }, true],
    ["--no-stream at a terminal", ["--no-stream"], { terminal: true }, false],
    ["stream = false at a terminal", [], {
      terminal: true,
      config: "stream = false\n",
    }, false],
    ["--stream over stream = false", ["--stream"], {
      terminal: true,
      config: "stream = false\n",
    }, true],
    ["--json at a terminal: the server's own completion", ["--json"], {
      terminal: true,
    }, false],
    ["into a pipe", [], { terminal: false }, false],
    ["--stream into a pipe", ["--stream"], { terminal: false }, true],
  ];
  for (const [name, args, { terminal, config }, streamed] of cases) {
    await t.step(name, async () => {
      const { code, requests } = await run([...args, "Hi"], {
        stdoutTerminal: terminal,
        noColor: true,
        ...(config === undefined ? {} : {
          config,
          env: { OPENAI_API_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH },
        }),
        reply: (seen) =>
          seen.body.stream
            ? pieces([streamOf(["A case ", "reaches ", "the Court."])])
            : json(completion(ANSWER)),
      });
      assert.equal(code, 0);
      assert.equal(requests[0].body.stream ?? false, streamed);
    });
  }
});

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
  // The tokens it used come in a last chunk, to be kept with the exchange.
  assert.deepEqual(requests[0].body.stream_options, { include_usage: true });
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
  const cases: [Record<string, unknown>, string[], string][] = [
    [
      apiError(
        "The requested model does not exist.",
        "invalid_request_error",
        "model_not_found",
      ),
      [],
      "The requested model does not exist.",
    ],
    [{ error: 'model "llama3" not found, try pulling it first' }, [
      "-m",
      "llama3",
    ], 'model "llama3" not found, try pulling it first'],
  ];
  for (const [body, args, said] of cases) {
    const { stderr } = await run(args, { reply: () => json(body, 404) });
    const model = args[1] ?? "gpt-4o";
    assert.equal(
      stderr,
      `the model "${model}" was not found at api.openai.com (404): choose ` +
        `another with --model (it said: ${said})\n`,
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
