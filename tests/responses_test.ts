/**
 * The whole program in-process through OpenAI's Responses API: `--api
 * responses` and a provider's `api`, the request's body (held to OpenAI's
 * schema) and what is printed, whole and streamed, reasoning, attachments,
 * `--schema`, `--json`, `-v`; the fallback between the two APIs and what
 * the history remembers of it; `-c` across them.
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
import {
  ANSWER,
  apiError,
  completion,
  QUESTION,
} from "../testdata/fixtures.ts";
import {
  assertOpenAIRequest,
  assertResponsesRequest,
} from "../testdata/openai.ts";
import {
  callItem,
  errorStream,
  failedStream,
  messageItem,
  reasoningItem,
  reasoningStream,
  response,
  textStream,
} from "../testdata/responses.ts";
import { testWith } from "../testdata/permissions.ts";

const SYSTEM = { role: "system", content: "You are a helpful assistant." };
const BASE = "https://api.openai.com/v1";

/** A Responses API server: each request held to the schema, answered by `answer`. */
function responses(
  answer: (seen: Seen) => Response = (seen) =>
    seen.body.stream
      ? pieces([textStream(["A case ", "reaches it."])])
      : json(response()),
): NonNullable<Setup["reply"]> {
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
