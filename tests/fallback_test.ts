/**
 * The whole program in-process with a fallback list (`-m a,b,c`): which
 * failures hand the question on, which are reported, and that nothing is
 * printed twice.
 */
import assert from "node:assert/strict";
import {
  apiError,
  chunk,
  completion,
  sse,
  streamOf,
} from "../testdata/fixtures.ts";
import {
  hang,
  historyTest,
  json,
  KEY,
  pieces,
  run,
  savedList,
  type Seen,
  tempFolder,
} from "../testdata/harness.ts";

/** The three local servers of a fallback list, by port. */
const FIRST = "http://127.0.0.1:1001/v1";
const SECOND = "http://127.0.0.1:1002/v1";
const THIRD = "http://127.0.0.1:1003/v1";
const ENV = {
  OPENAI_API_KEY: KEY,
  OLLAMA_HOST: "127.0.0.1:1001", // ollama: is the first
  GPT4O_CONFIG: "/config/gpt4o/config.toml",
};
const CONFIG = `
[providers.second]
base_url = "${SECOND}"
model = "m2"
[providers.third]
base_url = "${THIRD}"
model = "m3"
`;
const LIST = ["-m", "ollama:m1,second:,third:"];

const refused = () => {
  throw new TypeError(
    "error sending request for url: client error (Connect): tcp connect " +
      "error: Connection refused (os error 111)",
  );
};

/** A server per base URL; an unknown one fails the test. */
function servers(
  answers: Record<string, (seen: Seen) => Response | Promise<Response>>,
) {
  return (seen: Seen) => {
    const base = Object.keys(answers).find((url) => seen.url.startsWith(url));
    assert.ok(base, `sent to ${seen.url}`);
    return answers[base](seen);
  };
}

/** Where each request went, by port. */
const ports = (requests: Seen[]) =>
  requests.map(({ url }) => new URL(url).port);

function fallback(
  answers: Record<string, (seen: Seen) => Response | Promise<Response>>,
  args: string[] = [],
) {
  return run([...LIST, ...args, "Who decides?"], {
    env: ENV,
    config: CONFIG,
    reply: servers(answers),
  });
}

const answered = () => json(completion("The Court."));

Deno.test("a fallback list asks the next provider when one cannot answer, in order, saying so", async (t) => {
  const cases: [
    string,
    (seen: Seen) => Response | Promise<Response>,
    string,
    number,
  ][] = [
    ["a refused connection, not retried", refused, "connection refused", 1],
    [
      "a 429 after the SDK's own retries",
      () =>
        json(apiError("Slow down.", "rate_limit"), 429, {
          "retry-after-ms": "1",
        }),
      "rate limited (429)",
      3,
    ],
    [
      "a 500 after the SDK's own retries",
      () =>
        json(apiError("Oops.", "server_error"), 500, { "retry-after-ms": "1" }),
      "failed (500)",
      3,
    ],
    [
      "a 503",
      () =>
        json(apiError("Down.", "server_error"), 503, { "retry-after-ms": "1" }),
      "failed (503)",
      3,
    ],
  ];
  for (const [name, failing, reason, tries] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr, requests } = await fallback({
        [FIRST]: failing,
        [SECOND]: answered,
      });
      assert.deepEqual({ code, stdout, stderr }, {
        code: 0,
        stdout: "The Court.\n",
        stderr: `m1 (ollama) cannot answer (${reason}): asking m2 (second)\n`,
      });
      assert.deepEqual(ports(requests), [...Array(tries).fill("1001"), "1002"]);
    });
  }
});

Deno.test("a fallback list goes on past a server that gives nothing within --timeout", async () => {
  const { code, stdout, stderr, requests } = await fallback({
    [FIRST]: hang,
    [SECOND]: answered,
  }, ["--timeout", "0.05"]);
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "The Court.\n",
    stderr:
      "m1 (ollama) cannot answer (no data for 0.05 s): asking m2 (second)\n",
  });
  assert.deepEqual(ports(requests), ["1001", "1002"]);
});

Deno.test("a fallback list reports a failure that is the request's fault, and asks no one else", async (t) => {
  const cases: [string, Response, string][] = [
    [
      "400",
      json(apiError("Bad messages.", "invalid_request_error"), 400),
      "127.0.0.1:1001 refused the request (400): Bad messages.",
    ],
    [
      "401",
      json(apiError("No.", "invalid_request_error"), 401),
      "127.0.0.1:1001 wants an API key (401): set OPENAI_API_KEY (it said: No.)",
    ],
    [
      "404 model",
      json(
        apiError("No such model.", "invalid_request_error", "model_not_found"),
        404,
      ),
      'the model "m1" was not found at 127.0.0.1:1001 (404): choose another ' +
      "with --model (it said: No such model.)",
    ],
  ];
  for (const [name, response, message] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr, requests } = await fallback({
        [FIRST]: () => response.clone(),
        [SECOND]: answered,
      });
      assert.deepEqual({ code, stdout, stderr }, {
        code: 1,
        stdout: "",
        stderr: `${message}\n`,
      });
      // A model the server lacks is looked for in its list: on that server.
      assert.deepEqual(
        requests.map(({ method, url }) => `${method} ${new URL(url).host}`),
        [
          "POST 127.0.0.1:1001",
          ...(name === "404 model" ? ["GET 127.0.0.1:1001"] : []),
        ],
      );
    });
  }
});

Deno.test("a fallback list never prints twice: an answer that broke off once printed is not asked again", async () => {
  const { code, stdout, stderr, requests } = await fallback({
    [FIRST]: () => pieces([sse([chunk({ content: "The Co" })])]),
    [SECOND]: answered,
  }, ["--stream"]);
  assert.deepEqual({ code, stdout, stderr }, {
    code: 1,
    stdout: "The Co\n",
    stderr:
      "the answer was cut off: the stream ended before the server finished it\n",
  });
  assert.deepEqual(ports(requests), ["1001"]);
});

Deno.test("a fallback list exits 1 when every provider failed, saying why each did", async () => {
  const { code, stdout, stderr, requests } = await fallback({
    [FIRST]: refused,
    [SECOND]: refused,
    [THIRD]: refused,
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 1,
    stdout: "",
    stderr:
      "m1 (ollama) cannot answer (connection refused): asking m2 (second)\n" +
      "m2 (second) cannot answer (connection refused): asking m3 (third)\n" +
      "could not connect to 127.0.0.1:1003: connection refused (is the server running?)\n",
  });
  // The last is the SDK's own: it retries, as a lone provider's would be.
  assert.deepEqual(ports(requests), ["1001", "1002", "1003", "1003", "1003"]);
});

Deno.test("a fallback list streams from the provider that answers, and -v names it", async () => {
  const { code, stdout, stderr } = await fallback({
    [FIRST]: refused,
    [SECOND]: () => pieces([streamOf(["The ", "Court."])]),
  }, ["--stream", "-v"]);
  assert.equal(code, 0);
  assert.equal(stdout, "The Court.\n");
  const [note, verbose] = stderr.split("\n");
  assert.equal(
    note,
    "m1 (ollama) cannot answer (connection refused): asking m2 (second)",
  );
  assert.match(verbose, /^model gpt-4o-2024-08-06, provider second, tokens /);
});

historyTest(
  "a fallback list saves the model that answered",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/h.db`;
    await run([...LIST, "Hi"], {
      env: { ...ENV, GPT4O_HISTORY: path },
      config: CONFIG,
      reply: servers({
        [FIRST]: refused,
        [SECOND]: refused,
        [THIRD]: answered,
      }),
    });
    assert.deepEqual(savedList(path).map(({ model }) => model), ["third:m3"]);
  },
);

Deno.test("a fallback list checks every provider before anything is sent", async () => {
  const { code, stderr, requests } = await run(
    ["-m", "ollama:m1,groq:", "Hi"],
    { env: ENV, config: CONFIG },
  );
  assert.deepEqual({ code, stderr, sent: requests.length }, {
    code: 2,
    stderr:
      "GROQ_API_KEY is not set: export it, or put GROQ_API_KEY=... in a .env file here\n",
    sent: 0,
  });
});
