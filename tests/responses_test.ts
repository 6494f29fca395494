/**
 * The whole program in-process through OpenAI's Responses API: `--api
 * responses` and a provider's `api`, the request's body (held to OpenAI's
 * schema) and what is printed, whole and streamed, reasoning, attachments,
 * `--schema`, `--json`, `-v`; the fallback between the two APIs and what
 * the history remembers of it; `-c` across them; a reasoning model's
 * reasoning items sent back between tool rounds, and kept nowhere else.
 */
import assert from "node:assert/strict";
import {
  CONFIG_PATH,
  historyTest,
  json,
  KEY,
  pieces,
  run,
  savedTurns,
  type Seen,
  type Setup,
  tempFolder,
  USAGE_SAVED,
} from "../testdata/harness.ts";
import { ANSWER, apiError, completion } from "../testdata/fixtures.ts";
import {
  assertOpenAIRequest,
  assertResponsesRequest,
} from "../testdata/openai.ts";
import {
  callItem,
  callStream,
  ENCRYPTED,
  errorStream,
  failedStream,
  messageItem,
  REASONED,
  reasoningItem,
  reasoningStream,
  response,
  textStream,
} from "../testdata/responses.ts";
import { testWith } from "../testdata/permissions.ts";
import { DENO_NETWORK_ENV } from "../src/launch/permissions.ts";

const SYSTEM = { role: "system", content: "You are a helpful assistant." };
const BASE = "https://api.openai.com/v1";

/** A Responses API server: each request held to the schema, answered by `answer`. */
function responses(
  answer: (seen: Seen) => Response = (seen) =>
    seen.body.stream
      ? pieces([textStream(["A case ", "reaches it."])])
      : json(response()),
): (seen: Seen) => Response {
  return (seen) => {
    assert.equal(seen.url, `${BASE}/responses`);
    assertResponsesRequest(seen.body);
    return answer(seen);
  };
}

Deno.test("--api responses asks POST /responses with the conversation as input, stateless, and prints the answer", async () => {
  const { code, stdout, stderr, requests } = await run(
    ["--api", "responses", "--max-tokens", "64", "-o", "temperature=0.2", "Hi"],
    { reply: responses() },
  );
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: `${ANSWER}\n`,
    stderr: "",
  });
  assert.deepEqual(requests.map((seen) => seen.body), [{
    model: "gpt-4o",
    input: [SYSTEM, { role: "user", content: "Hi" }],
    temperature: 0.2,
    max_output_tokens: 64,
    store: false,
  }]);
});

Deno.test('a provider\'s api = "responses" asks through Responses; --api chat over it asks chat completions', async () => {
  const config = `
[providers.work]
base_url = "${BASE}"
key_env = "GPT4O_WORK_KEY"
model = "gpt-4o"
api = "responses"
`;
  const env = { GPT4O_WORK_KEY: KEY, GPT4O_CONFIG: CONFIG_PATH };
  const viaConfig = await run(["-m", "work:", "Hi"], {
    env,
    config,
    reply: responses(),
  });
  assert.deepEqual([viaConfig.code, viaConfig.stdout], [0, `${ANSWER}\n`]);
  assert.equal(viaConfig.requests.length, 1);
  const chat = await run(["-m", "work:", "--api", "chat", "Hi"], {
    env,
    config,
  });
  assert.deepEqual(
    [chat.code, chat.requests.map((seen) => seen.url)],
    [0, [`${BASE}/chat/completions`]],
  );
});

Deno.test("--stream through Responses prints each text delta as it comes", async () => {
  const chunks: string[] = [];
  const { code, stderr, requests } = await run(
    ["--api", "responses", "--stream", "Hi"],
    {
      stdout: (text) => void chunks.push(text),
      reply: responses(() =>
        pieces([textStream(["A case ", "reaches ", "the Court."])])
      ),
    },
  );
  assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
  assert.equal(chunks.join(""), "A case reaches the Court.\n");
  assert.deepEqual(requests[0].body, {
    model: "gpt-4o",
    input: [SYSTEM, { role: "user", content: "Hi" }],
    store: false,
    stream: true,
  });
});

Deno.test("a reasoning summary streamed through Responses goes to stderr, the answer to stdout", async () => {
  const { code, stdout, stderr, requests } = await run(
    [
      "--api",
      "responses",
      "--stream",
      "--reasoning",
      "-o",
      "reasoning_effort=low",
      "Hi",
    ],
    {
      reply: responses(() =>
        pieces([
          reasoningStream(["The user ", "greets me."], ["Hello", "!"]),
        ])
      ),
    },
  );
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "Hello!\n",
    stderr: "The user greets me.\n\n",
  });
  assert.deepEqual(requests[0].body.reasoning, {
    effort: "low",
    summary: "auto",
  });
});

Deno.test("a whole response's reasoning summary is shown like streamed reasoning", async () => {
  const { code, stdout, stderr } = await run(
    ["--api", "responses", "--reasoning", "Hi"],
    {
      reply: responses(() =>
        json(response([reasoningItem("Thinking."), messageItem("Hello!")]))
      ),
    },
  );
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: "Hello!\n",
    stderr: "Thinking.\n\n",
  });
});

/** Tests that send the fixtures: the program reads them. */
const reading = testWith({ name: "read", path: "testdata" });

reading(
  "attachments go as input_image with a data URL or a URL, and a PDF as input_file",
  async () => {
    const PNG = Deno.readFileSync("testdata/attachments/pixel.png");
    const PDF = Deno.readFileSync("testdata/attachments/tiny.pdf");
    const { code, stderr, requests } = await run([
      "--api",
      "responses",
      "-a",
      "testdata/attachments/pixel.png",
      "-a",
      "testdata/attachments/tiny.pdf",
      "-a",
      "https://example.com/cat.png",
      "What are these?",
    ], { reply: responses() });
    assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
    assert.deepEqual(requests[0].body.input, [SYSTEM, {
      role: "user",
      content: [
        { type: "input_text", text: "What are these?" },
        {
          type: "input_image",
          image_url: `data:image/png;base64,${PNG.toBase64()}`,
          detail: "auto",
        },
        {
          type: "input_file",
          filename: "tiny.pdf",
          file_data: `data:application/pdf;base64,${PDF.toBase64()}`,
        },
        {
          type: "input_image",
          image_url: "https://example.com/cat.png",
          detail: "auto",
        },
      ],
    }]);
  },
);

Deno.test("--schema asks for text.format json_schema and prints the JSON once it follows the schema", async () => {
  const schema = {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  };
  const { code, stdout, stderr, requests } = await run(
    ["--api", "responses", "--schema", JSON.stringify(schema), "Capital?"],
    {
      reply: responses(() => json(response([messageItem('{"city":"Paris"}')]))),
    },
  );
  assert.deepEqual({ code, stdout, stderr }, {
    code: 0,
    stdout: '{"city":"Paris"}\n',
    stderr: "",
  });
  assert.deepEqual(requests[0].body.text, {
    format: { type: "json_schema", name: "answer", schema, strict: true },
  });
});

Deno.test("--json prints the response object itself", async () => {
  const { code, stdout, stderr } = await run(
    ["--api", "responses", "--json", "Hi"],
    { reply: responses() },
  );
  assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
  // The SDK adds output_text, the message's text, to the response.
  assert.deepEqual(JSON.parse(stdout), { ...response(), output_text: ANSWER });
});

Deno.test("-v tells the response's model and tokens as for chat completions, and the history keeps them in chat's names", async () => {
  const { code, stderr } = await run(
    ["--api", "responses", "-v", "Hi"],
    { reply: responses() },
  );
  assert.equal(code, 0);
  assert.match(
    stderr,
    /^model gpt-4o-2024-08-06, tokens 27 in \+ 18 out = 45, \d+ ms\n$/,
  );
});

historyTest(
  "the history saves an exchange through Responses like a chat exchange, usage in chat's names",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const { code } = await run(["--api", "responses", "Hi"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      reply: responses(() =>
        json(response(undefined, {
          usage: {
            input_tokens: 27,
            input_tokens_details: { cached_tokens: 3 },
            output_tokens: 18,
            output_tokens_details: { reasoning_tokens: 5 },
            total_tokens: 45,
          },
        }))
      ),
    });
    assert.equal(code, 0);
    const [turn] = savedTurns(path, 1)!;
    assert.deepEqual(
      [turn.prompt, turn.answer, turn.outcome, turn.model, turn.endpoint],
      ["Hi", ANSWER, "answered", "gpt-4o", "api.openai.com/v1"],
    );
    assert.deepEqual(turn.usage, {
      ...USAGE_SAVED,
      reasoning_tokens: 5,
      cached_tokens: 3,
    });
  },
);

Deno.test("a response that fails, whole or streamed, keeps what was printed, says why and exits 1", async (t) => {
  const cases: [string, string[], () => Response, string, string][] = [
    [
      "response.failed in a stream",
      ["--stream"],
      () => pieces([failedStream(["A case "])]),
      "A case \n",
      "the server reported an error: The model failed to generate a response.\n",
    ],
    [
      "an error event in a stream",
      ["--stream"],
      () => pieces([errorStream(["A case "])]),
      "A case \n",
      "the server reported an error: Rate limit reached for gpt-4o on tokens per min (TPM).\n",
    ],
    [
      "a stream that ends before the response does",
      ["--stream"],
      () =>
        pieces([textStream(["A case "]).split("event: response.completed")[0]]),
      "A case \n",
      "the answer was cut off: the stream ended before the server finished it\n",
    ],
    [
      "a failed response sent whole",
      [],
      () =>
        json(response([], {
          status: "failed",
          error: { code: "server_error", message: "The model failed." },
        })),
      "",
      "the server reported an error: The model failed.\n",
    ],
    [
      "a max_output_tokens stop",
      [],
      () =>
        json(response(undefined, {
          status: "incomplete",
          incomplete_details: { reason: "max_output_tokens" },
        })),
      `${ANSWER}\n`,
      "the answer was cut off at the model's token limit (finish_reason: length)\n",
    ],
  ];
  for (const [name, args, answer, stdout, stderr] of cases) {
    await t.step(name, async () => {
      const outcome = await run(["--api", "responses", ...args, "Hi"], {
        reply: responses(answer),
      });
      assert.deepEqual(
        { code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr },
        { code: name.includes("max_output") ? 0 : 1, stdout, stderr },
      );
    });
  }
});

Deno.test("options Responses does not take are left out, said once; those it names otherwise are converted", async () => {
  const { code, stderr, requests } = await run([
    "--api",
    "responses",
    "-o",
    "seed=7",
    "-o",
    "stop=END",
    "-o",
    "top_p=0.9",
    "-o",
    "verbosity=low",
    "-o",
    "user=ada",
    "Hi",
  ], { reply: responses() });
  assert.deepEqual({ code, stderr }, {
    code: 0,
    stderr: "seed, stop: the Responses API takes no such option, not sent\n",
  });
  const { model: _, input: __, ...rest } = requests[0].body;
  assert.deepEqual(rest, {
    top_p: 0.9,
    user: "ada",
    text: { verbosity: "low" },
    store: false,
  });
});

const ONLY_RESPONSES = apiError(
  "This model is only supported in v1/responses and not in v1/chat/completions.",
  "invalid_request_error",
);

/**
 * A server like OpenAI's for a model served only through Responses: chat
 * completions answer 404 saying so.
 */
const onlyResponses: NonNullable<Setup["reply"]> = (seen) => {
  if (seen.url.endsWith("/chat/completions")) {
    assertOpenAIRequest(seen.body);
    return json(ONLY_RESPONSES, 404);
  }
  return responses()(seen);
};

historyTest(
  "auto: a model only served by Responses is asked again there, and the next run goes there at once",
  async () => {
    await using tmp = await tempFolder();
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: `${tmp.dir}/h.db` };
    const first = await run(["-m", "o1-pro", "Hi"], {
      env,
      reply: onlyResponses,
    });
    assert.deepEqual(
      {
        code: first.code,
        stdout: first.stdout,
        stderr: first.stderr,
        urls: first.requests.map((seen) => seen.url),
      },
      {
        code: 0,
        stdout: `${ANSWER}\n`,
        stderr: "",
        urls: [`${BASE}/chat/completions`, `${BASE}/responses`],
      },
    );
    assert.deepEqual(first.requests[1].body.input, [SYSTEM, {
      role: "user",
      content: "Hi",
    }]);
    const next = await run(["-m", "o1-pro", "Again"], {
      env,
      reply: onlyResponses,
    });
    assert.deepEqual(
      [next.code, next.requests.map((seen) => seen.url)],
      [0, [`${BASE}/responses`]],
    );
    // Another model at the same server is asked through chat completions.
    const other = await run(["-m", "gpt-4o", "Hi"], { env });
    assert.deepEqual(
      [other.code, other.requests.map((seen) => seen.url)],
      [0, [`${BASE}/chat/completions`]],
    );
  },
);

Deno.test("auto without a history falls back to Responses each run, remembering nothing; --api chat does not", async () => {
  for (let i = 0; i < 2; i++) {
    const { code, requests } = await run(["-m", "o1-pro", "Hi"], {
      reply: onlyResponses,
    });
    assert.deepEqual(
      [code, requests.map((seen) => seen.url)],
      [0, [`${BASE}/chat/completions`, `${BASE}/responses`]],
    );
  }
  const chat = await run(["--api", "chat", "-m", "o1-pro", "Hi"], {
    reply: onlyResponses,
  });
  assert.equal(chat.code, 1);
  assert.equal(chat.requests.length, 1);
});

const LOCAL = "http://127.0.0.1:1337/v1";

/** A server with chat completions and no Responses API: `/responses` answers `missing`. */
function chatOnly(missing: () => Response): NonNullable<Setup["reply"]> {
  return (seen) => {
    if (seen.url.endsWith("/responses")) {
      assertResponsesRequest(seen.body);
      return missing();
    }
    assertOpenAIRequest(seen.body);
    return json(completion());
  };
}

Deno.test("--api responses at a server without it asks chat completions once, with one line", async (t) => {
  const missing: [string, () => Response][] = [
    ["404 with FastAPI's detail", () => json({ detail: "Not Found" }, 404)],
    [
      "404 as a text page",
      () => new Response("404 page not found", { status: 404 }),
    ],
    ["405", () => new Response("Method Not Allowed", { status: 405 })],
  ];
  for (const [name, answer] of missing) {
    await t.step(name, async () => {
      const { code, stdout, stderr, requests } = await run(
        ["--api", "responses", "Hi"],
        { env: { OPENAI_BASE_URL: LOCAL }, reply: chatOnly(answer) },
      );
      assert.deepEqual(
        { code, stdout, stderr, urls: requests.map((seen) => seen.url) },
        {
          code: 0,
          stdout: `${ANSWER}\n`,
          stderr: `gpt-4o: ${LOCAL} has no Responses API: asking through ` +
            "chat completions\n",
          urls: [`${LOCAL}/responses`, `${LOCAL}/chat/completions`],
        },
      );
      // A model not asked to reason is not asked for its reasoning.
      assert.equal("include" in requests[0].body, false);
      assert.deepEqual(requests[1].body, {
        model: "gpt-4o",
        messages: [SYSTEM, { role: "user", content: "Hi" }],
      });
    });
  }
  await t.step(
    "a 404 for the model is told, and not asked through chat completions (only the models it lists, to name the nearest)",
    async () => {
      const { code, stderr, requests } = await run(
        ["--api", "responses", "-m", "gpt-9", "Hi"],
        {
          env: { OPENAI_BASE_URL: LOCAL },
          reply: chatOnly(() =>
            json(
              apiError(
                "The model `gpt-9` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
              ),
              404,
            )
          ),
        },
      );
      assert.deepEqual(
        { code, urls: requests.map((seen) => `${seen.method} ${seen.url}`) },
        {
          code: 1,
          urls: [`POST ${LOCAL}/responses`, `GET ${LOCAL}/models`],
        },
      );
      assert.match(
        stderr,
        /^the model "gpt-9" was not found at 127\.0\.0\.1:1337 \(404\)/,
      );
    },
  );
});

historyTest(
  "a server found without Responses is asked through chat completions at once the next run, saying so",
  async () => {
    await using tmp = await tempFolder();
    const env = { OPENAI_BASE_URL: LOCAL, GPT4O_HISTORY: `${tmp.dir}/h.db` };
    const reply = chatOnly(() => json({ detail: "Not Found" }, 404));
    const first = await run(["--api", "responses", "Hi"], { env, reply });
    assert.equal(first.requests.length, 2);
    const next = await run(["--api", "responses", "Hi"], { env, reply });
    assert.deepEqual(
      {
        code: next.code,
        stderr: next.stderr,
        urls: next.requests.map((seen) => seen.url),
      },
      {
        code: 0,
        stderr: `gpt-4o: ${LOCAL} has no Responses API (as an earlier run ` +
          "found): asking through chat completions\n",
        urls: [`${LOCAL}/chat/completions`],
      },
    );
    // --no-history saves nothing, and still reads what was found.
    const unsaved = await run(["--api", "responses", "--no-history", "Hi"], {
      env,
      reply,
    });
    assert.equal(unsaved.requests.length, 1);
  },
);

historyTest(
  "-c goes on across the two APIs: the history keeps chat's messages, sent as input items to Responses",
  async () => {
    await using tmp = await tempFolder();
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: `${tmp.dir}/h.db` };
    const reply: NonNullable<Setup["reply"]> = (seen) =>
      seen.url.endsWith("/responses")
        ? responses(() => json(response([messageItem("Through Responses.")])))(
          seen,
        )
        : json(completion("Through chat."));
    const first = await run(["Hi"], { env, reply });
    const second = await run(["-c", "--api", "responses", "And?"], {
      env,
      reply,
    });
    const third = await run(["-c", "Last?"], { env, reply });
    assert.deepEqual(
      [first.stdout, second.stdout, third.stdout],
      ["Through chat.\n", "Through Responses.\n", "Through chat.\n"],
    );
    assert.deepEqual(second.requests[0].body.input, [
      SYSTEM,
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Through chat." },
      { role: "user", content: "And?" },
    ]);
    assertOpenAIRequest(third.requests[0].body);
    assert.deepEqual(third.requests[0].body.messages, [
      SYSTEM,
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Through chat." },
      { role: "user", content: "And?" },
      { role: "assistant", content: "Through Responses." },
      { role: "user", content: "Last?" },
    ]);
  },
);

const TOOL_SERVER = new URL("../testdata/mcp_server.ts", import.meta.url)
  .pathname;

/** What Deno needs to find its cache and reach the network, to start the tool server. */
const DENO_ENV = Object.fromEntries(
  ["HOME", "DENO_DIR", "XDG_CACHE_HOME", ...DENO_NETWORK_ENV].flatMap(
    (name) => {
      const value = Deno.permissions.querySync({ name: "env", variable: name })
          .state === "granted"
        ? Deno.env.get(name)
        : undefined;
      return value === undefined ? [] : [[name, value]];
    },
  ),
);

/**
 * A model through Responses that calls `echo` once, then answers with what
 * the calls' outputs said; streamed when asked.
 */
const echoModel = responses((seen) => {
  const input = seen.body.input as { type?: string; output?: string }[];
  const outputs = input.filter((item) => item.type === "function_call_output");
  if (outputs.length === 0) {
    const call = {
      callId: "call_1",
      name: "echo",
      arguments: '{"text":"hi there"}',
    };
    return seen.body.stream
      ? pieces([callStream([call])])
      : json(response([callItem(call.callId, call.name, call.arguments)]));
  }
  const text = `The tools said: ${
    outputs.map((each) => each.output).join(" | ")
  }`;
  return seen.body.stream
    ? pieces([textStream([text.slice(0, 10), text.slice(10)])])
    : json(response([messageItem(text)]));
});

testWith({ name: "run", command: "deno" }, { name: "read", path: "." })(
  "tools through Responses: flat function tools, the call run, its output sent back as function_call_output",
  async (t) => {
    for (const args of [[], ["--stream"]]) {
      await t.step(args.length ? "streamed" : "whole", async () => {
        const { code, stdout, requests } = await run(
          ["--api", "responses", "-T", "t", "--yes", ...args, "Echo"],
          {
            config: `[mcp.t]\nmodule = ${JSON.stringify(TOOL_SERVER)}\n`,
            env: {
              OPENAI_API_KEY: KEY,
              GPT4O_CONFIG: CONFIG_PATH,
              ...DENO_ENV,
            },
            reply: echoModel,
          },
        );
        assert.deepEqual([code, stdout], [0, "The tools said: hi there\n"]);
        assert.deepEqual((requests[0].body.tools as unknown[])[0], {
          type: "function",
          name: "echo",
          description: "Says the text back.\nA second line.",
          parameters: {
            type: "object",
            properties: { text: { type: "string" } },
            required: ["text"],
          },
          strict: false,
        });
        assert.deepEqual((requests[1].body.input as unknown[]).slice(2), [
          {
            type: "function_call",
            call_id: "call_1",
            name: "echo",
            arguments: '{"text":"hi there"}',
          },
          {
            type: "function_call_output",
            call_id: "call_1",
            output: "hi there",
          },
        ]);
      });
    }
  },
);

const THOUGHT = "The user wants an echo: call echo.";
const ECHO_CALL = {
  callId: "call_1",
  name: "echo",
  arguments: '{"text":"hi there"}',
};

/**
 * A reasoning model through Responses: its first response reasons (the
 * summary and {@linkcode ENCRYPTED}) and calls `echo`, whole or streamed;
 * once the call's output is in, it answers. Every request is held to the
 * schema; `chat` answers chat completions (held to theirs) when given.
 */
function reasoningModel(
  chat?: () => Response,
): (seen: Seen) => Response {
  const model = responses((seen) => {
    const input = seen.body.input as { type?: string }[];
    if (!input.some((item) => item.type === "function_call_output")) {
      return seen.body.stream
        ? pieces([
          callStream([ECHO_CALL], {
            thinking: [THOUGHT.slice(0, 9), THOUGHT.slice(9)],
            encrypted: ENCRYPTED,
          }),
        ])
        : json(response([
          reasoningItem(THOUGHT, ENCRYPTED),
          callItem(ECHO_CALL.callId, ECHO_CALL.name, ECHO_CALL.arguments),
        ], REASONED));
    }
    return seen.body.stream
      ? pieces([textStream(["Echoed: ", "hi there"])])
      : json(response([messageItem("Echoed: hi there")], REASONED));
  });
  return (seen) => {
    if (chat && seen.url.endsWith("/chat/completions")) {
      assertOpenAIRequest(seen.body);
      return chat();
    }
    return model(seen);
  };
}

/** The round's messages as chat completions keep them, and the history saves them. */
const ECHO_ROUND = [
  {
    role: "assistant",
    content: null,
    tool_calls: [{
      id: "call_1",
      type: "function",
      function: { name: "echo", arguments: '{"text":"hi there"}' },
    }],
  },
  { role: "tool", tool_call_id: "call_1", content: "hi there" },
];

/** The program with the test tool server as `[mcp.t]`, its history at `history`. */
function withEchoTool(
  args: string[],
  reply: NonNullable<Setup["reply"]>,
  history = "off",
  lines?: string[],
) {
  return run(["-T", "t", "--yes", ...args], {
    ...(lines ? { lines } : {}),
    config: `[mcp.t]\nmodule = ${JSON.stringify(TOOL_SERVER)}\n`,
    env: {
      OPENAI_API_KEY: KEY,
      GPT4O_CONFIG: CONFIG_PATH,
      GPT4O_HISTORY: history,
      ...DENO_ENV,
    },
    reply,
  });
}

testWith(
  { name: "run", command: "deno" },
  { name: "read", path: "." },
  { name: "write", path: ".tmp" },
)(
  "a reasoning model's reasoning items go back, encrypted_content and all, right before the calls they led to; the history keeps none of them",
  async (t) => {
    for (const stream of [false, true]) {
      await t.step(stream ? "streamed" : "whole", async () => {
        await using tmp = await tempFolder();
        const path = `${tmp.dir}/h.db`;
        const { code, stdout, requests } = await withEchoTool(
          [
            "--api",
            "responses",
            stream ? "--stream" : "--no-stream",
            "-o",
            "reasoning_effort=low",
            "Echo",
          ],
          reasoningModel(),
          path,
        );
        assert.deepEqual([code, stdout], [0, "Echoed: hi there\n"]);
        assert.equal(requests.length, 2);
        const [first, second] = requests.map((seen) => seen.body);
        assert.deepEqual(first.include, ["reasoning.encrypted_content"]);
        const { tools, ...rest } = second;
        assert.deepEqual(tools, first.tools);
        assert.deepEqual(rest, {
          model: "gpt-4o",
          input: [
            SYSTEM,
            { role: "user", content: "Echo" },
            {
              id: "rs_67ccd3a9da748190baa7f1570bd0e4d7",
              type: "reasoning",
              summary: [{ type: "summary_text", text: THOUGHT }],
              encrypted_content: ENCRYPTED,
            },
            {
              type: "function_call",
              call_id: "call_1",
              name: "echo",
              arguments: '{"text":"hi there"}',
            },
            {
              type: "function_call_output",
              call_id: "call_1",
              output: "hi there",
            },
          ],
          reasoning: { effort: "low" },
          store: false,
          include: ["reasoning.encrypted_content"],
          ...(stream ? { stream: true } : {}),
        });
        // The history keeps the round as chat completions do: no reasoning.
        const [turn] = savedTurns(path, 1)!;
        assert.deepEqual(turn.toolMessages, ECHO_ROUND);
        const saved = new TextDecoder().decode(Deno.readFileSync(path));
        for (const text of [ENCRYPTED, "encrypted_content", "rs_67ccd3a9"]) {
          assert.ok(!JSON.stringify(turn).includes(text), text);
          assert.ok(!saved.includes(text), `${text} in the database file`);
        }
        // -c through chat completions sends the round as it was saved.
        const next = await run(["-c", "--api", "chat", "And?"], {
          env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
          reply: (seen) => {
            assertOpenAIRequest(seen.body);
            return json(completion("Through chat."));
          },
        });
        assert.deepEqual([next.code, next.stdout], [0, "Through chat.\n"]);
        assert.deepEqual(next.requests[0].body, {
          model: "gpt-4o",
          messages: [
            SYSTEM,
            { role: "user", content: "Echo" },
            ...ECHO_ROUND,
            { role: "assistant", content: "Echoed: hi there" },
            { role: "user", content: "And?" },
          ],
          // The conversation's options go on with it; its reasoning not.
          reasoning_effort: "low",
        });
      });
    }
  },
);

testWith({ name: "run", command: "deno" }, { name: "read", path: "." })(
  "--json's tool_messages are the rounds as chat keeps them, without the reasoning sent back",
  async () => {
    const { code, stdout, requests } = await withEchoTool(
      ["--api", "responses", "-o", "reasoning_effort=low", "--json", "Echo"],
      reasoningModel(),
    );
    assert.equal(code, 0);
    assert.equal(
      (requests[1].body.input as { type?: string }[])[2].type,
      "reasoning",
    );
    const printed = JSON.parse(stdout);
    assert.deepEqual(printed.tool_messages, ECHO_ROUND);
    assert.deepEqual(printed.output, [messageItem("Echoed: hi there")]);
    assert.ok(!stdout.includes(ENCRYPTED));
  },
);

testWith({ name: "run", command: "deno" }, { name: "read", path: "." })(
  "in a chat, a later turn sends no earlier turn's reasoning, through Responses or a fallback to chat completions, which has no include either",
  async () => {
    let asked = 0;
    const model = reasoningModel(() => json(completion("Through chat.")));
    const { code, stdout, requests } = await withEchoTool(
      ["--api", "responses", "-o", "reasoning_effort=low", "--chat"],
      (seen) => {
        // The first turn asks Responses twice, the second once; at the
        // third, the server has none.
        if (seen.url.endsWith("/responses") && ++asked === 4) {
          return json({ detail: "Not Found" }, 404);
        }
        return model(seen);
      },
      "off",
      ["Echo", "Again", "Last"],
    );
    assert.deepEqual([code, stdout], [
      0,
      "Echoed: hi there\n\nEchoed: hi there\n\nThrough chat.\n",
    ]);
    assert.deepEqual(
      requests.map((seen) => seen.url.slice(BASE.length)),
      [
        "/responses",
        "/responses",
        "/responses",
        "/responses",
        "/chat/completions",
      ],
    );
    const earlier = [
      SYSTEM,
      { role: "user", content: "Echo" },
      {
        type: "function_call",
        call_id: "call_1",
        name: "echo",
        arguments: '{"text":"hi there"}',
      },
      { type: "function_call_output", call_id: "call_1", output: "hi there" },
      { role: "assistant", content: "Echoed: hi there" },
    ];
    assert.deepEqual(requests[2].body.input, [
      ...earlier,
      { role: "user", content: "Again" },
    ]);
    const chat = requests[4].body;
    assert.equal("include" in chat, false);
    assert.deepEqual(chat.messages, [
      SYSTEM,
      { role: "user", content: "Echo" },
      ...ECHO_ROUND,
      { role: "assistant", content: "Echoed: hi there" },
      { role: "user", content: "Again" },
      { role: "assistant", content: "Echoed: hi there" },
      { role: "user", content: "Last" },
    ]);
    assert.ok(!JSON.stringify(chat).includes(ENCRYPTED));
    assert.ok(!JSON.stringify(chat).includes('"type":"reasoning"'));
  },
);
