/** End to end: answers, bad input, failures and streaming. */
import assert from "node:assert/strict";
import { ANSWER } from "../testdata/fixtures.ts";
import {
  AWKWARD_TEXT,
  bigCount,
  now,
  PIECE,
  startServer,
} from "../testdata/server.ts";
import {
  collect,
  e2e,
  hasBash,
  KEY,
  launchedFlags,
  MAIN,
  PASSED_ENV,
  program,
  seen,
  SKIP_HINT,
  spawn,
  TESTDATA,
  until,
} from "../testdata/e2e.ts";

// --- answers -------------------------------------------------------------------

e2e("start asks the demo's question and prints the answer", async (server) => {
  const run = await program([], { baseURL: server.url("ok") });
  assert.deepEqual(seen(run), { code: 0, stdout: `${ANSWER}\n`, stderr: "" });
});

e2e(
  "a request says it comes from the OpenAI SDK, as the SDK names itself",
  async (server) => {
    const run = await program(["Hi"], { baseURL: server.url("user-agent") });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^OpenAI\/JS \d+\.\d+\.\d+\n$/);
  },
);

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
        "127.0.0.1:PORT rejected the API key (401): check OPENAI_API_KEY " +
        "(it said: Incorrect API key provided.)",
      ],
      [
        "echo-key",
        [],
        "127.0.0.1:PORT denied access (403): key Bearer [redacted] is not allowed here",
      ],
      [
        "no-model",
        ["-m", "gpt-5o"],
        'the model "gpt-5o" was not found at 127.0.0.1:PORT (404): choose another with --model ' +
        "(it said: The model `gpt-5o` does not exist or you do not have access to it.)" +
        // The server's list, asked for then: its model a letter away.
        "; did you mean gpt-4o?",
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
  "start --stream always asks for usage, to keep the tokens with the exchange",
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
      [{ include_usage: true }, { include_usage: true }],
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

Deno.test({
  name: "start --stream >/dev/full says so in one line and exits 1" +
    (hasBash ? "" : ` (${SKIP_HINT})`),
  ignore: !hasBash || Deno.build.os !== "linux",
  async fn() {
    await using server = startServer();
    for (const args of [["--stream"], []]) {
      const command = ["deno", "run", ...launchedFlags(), MAIN, ...args]
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
  assert.ok(SKIP_HINT.endsWith(" e2e/`"));
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
