/**
 * End to end through OpenAI's Responses API: the program as a process
 * against the scripted server's Responses scenarios
 * (`testdata/responses_server.ts`): a stream into a pipe, `--json`, `auto`
 * finding and remembering a model served only there, `-c` from chat
 * completions, and a stream that fails.
 */
import assert from "node:assert/strict";
import { ANSWER } from "../testdata/fixtures.ts";
import { assertResponsesRequest } from "../testdata/openai.ts";
import { response } from "../testdata/responses.ts";
import { STREAMED, THROUGH_CHAT } from "../testdata/responses_server.ts";
import { e2e, freshHistory, program, seen } from "../testdata/e2e.ts";

const SYSTEM = { role: "system", content: "You are a helpful assistant." };

e2e(
  "--api responses --stream into a pipe prints the streamed text exactly, asked at POST /v1/responses",
  async (server) => {
    const run = await program(["--api", "responses", "--stream", "Hi"], {
      baseURL: server.url("responses"),
    });
    assert.deepEqual(seen(run), {
      code: 0,
      stdout: `${STREAMED.join("")}\n`,
      stderr: "",
    });
    assert.deepEqual(server.paths.get("responses"), [
      "POST /responses/v1/responses",
    ]);
    const [body] = server.requests.get("responses")!;
    assertResponsesRequest(body);
    assert.deepEqual(body, {
      model: "gpt-4o",
      input: [SYSTEM, { role: "user", content: "Hi" }],
      store: false,
      stream: true,
    });
  },
);

e2e(
  "--api responses --json prints the response object the server sent",
  async (server) => {
    const run = await program(["--api", "responses", "--json", "Hi"], {
      baseURL: server.url("responses"),
    });
    assert.deepEqual([run.code, run.stderr], [0, ""]);
    // The SDK adds output_text, the message's text, to the response.
    assert.deepEqual(JSON.parse(run.stdout), {
      ...response(),
      output_text: ANSWER,
    });
    assertResponsesRequest(server.requests.get("responses")![0]);
  },
);

e2e(
  "--api auto: a model chat completions send to v1/responses is asked there and answers; the next run goes there at once",
  async (server) => {
    await freshHistory();
    const options = { baseURL: server.url("responses-only") };
    const first = await program(["-m", "o1-pro", "Hi"], options);
    assert.deepEqual(seen(first), {
      code: 0,
      stdout: `${ANSWER}\n`,
      stderr: "",
    });
    assert.deepEqual(server.paths.get("responses-only"), [
      "POST /responses-only/v1/chat/completions",
      "POST /responses-only/v1/responses",
    ]);
    const second = await program(["-m", "o1-pro", "Again"], options);
    assert.deepEqual(seen(second), {
      code: 0,
      stdout: `${ANSWER}\n`,
      stderr: "",
    });
    assert.deepEqual(server.paths.get("responses-only")!.slice(2), [
      "POST /responses-only/v1/responses",
    ]);
    const [, retried, next] = server.requests.get("responses-only")!;
    for (const body of [retried, next]) assertResponsesRequest(body);
    assert.deepEqual(next.input, [SYSTEM, { role: "user", content: "Again" }]);
  },
);

e2e(
  "-c goes on through Responses from a conversation begun through chat completions: the earlier turns as input",
  async (server) => {
    await freshHistory();
    const options = { baseURL: server.url("responses") };
    const first = await program(["Who", "decides?"], options);
    const second = await program(["-c", "--api", "responses", "And?"], options);
    assert.deepEqual([seen(first), seen(second)], [
      { code: 0, stdout: `${THROUGH_CHAT}\n`, stderr: "" },
      { code: 0, stdout: `${ANSWER}\n`, stderr: "" },
    ]);
    assert.deepEqual(server.paths.get("responses"), [
      "POST /responses/v1/chat/completions",
      "POST /responses/v1/responses",
    ]);
    const body = server.requests.get("responses")![1];
    assertResponsesRequest(body);
    assert.deepEqual(body.input, [
      SYSTEM,
      { role: "user", content: "Who decides?" },
      { role: "assistant", content: THROUGH_CHAT },
      { role: "user", content: "And?" },
    ]);
  },
);

e2e(
  "a Responses stream that ends in response.failed keeps the text printed, says why in one line and exits 1",
  async (server) => {
    const run = await program(["--api", "responses", "--stream", "Hi"], {
      baseURL: server.url("responses-failed"),
    });
    assert.deepEqual(seen(run), {
      code: 1,
      stdout: "A case \n",
      stderr: "the server reported an error: The model failed to generate " +
        "a response.\n",
    });
  },
);
