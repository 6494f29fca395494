/**
 * `gpt4o --serve` in-process, on a free port, against the scripted
 * upstream (`testdata/server.ts`), with OpenAI's own SDK as the client:
 * what it relays and how, what it refuses, and how it stops. The page's
 * API on the history is in `tests/serve_history_test.ts`.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { chunk, completion } from "../testdata/fixtures.ts";
import { type FakeServer, startServer } from "../testdata/server.ts";
import { KEY } from "../testdata/harness.ts";
import {
  clientOf,
  eventsOf,
  raw,
  type Running,
  serveTest,
  startServe,
} from "../testdata/serve.ts";

/** Runs `fn` with an upstream and a server on it, its base URL the scenario's. */
function withServer(
  name: string,
  scenario: string,
  fn: (running: Running, upstream: FakeServer) => Promise<void>,
  { args = [], env = {}, config, size }: {
    args?: string[];
    env?: Record<string, string>;
    config?: string;
    /** The scenario's size. */
    size?: number;
  } = {},
) {
  serveTest(name, async () => {
    await using upstream = startServer();
    await using running = await startServe(args, {
      env: {
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: upstream.url(scenario, size),
        ...env,
      },
      ...(config ? { config } : {}),
    });
    await fn(running, upstream);
  });
}

const QUESTION = [{ role: "user" as const, content: "Who decides?" }];

/** POSTs `body` as JSON to the server's `path`. */
function post(
  running: Running,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${running.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** The upstream's port, as failures name its host. */
const hostOf = (upstream: FakeServer) => new URL(upstream.url("ok")).host;

withServer(
  "a streamed request is relayed chunk by chunk, each as the upstream sent it, then [DONE]",
  "ok",
  async (running, upstream) => {
    const stream = await clientOf(running).chat.completions.create({
      model: "gpt-4o",
      messages: QUESTION,
      stream: true,
    });
    const chunks = [];
    for await (const each of stream) chunks.push(each);
    assert.deepEqual(chunks, [
      chunk({ role: "assistant", content: "", refusal: null }),
      chunk({ content: "A case " }),
      chunk({ content: "reaches " }),
      chunk({ content: "the Court." }),
      chunk({}, "stop"),
    ]);
    assert.deepEqual(upstream.requests.get("ok"), [{
      model: "gpt-4o",
      messages: QUESTION,
      stream: true,
    }]);
    // The wire itself: each chunk one event, [DONE] last.
    const response = await post(running, "v1/chat/completions", {
      messages: QUESTION,
      stream: true,
    });
    assert.equal(
      response.headers.get("content-type"),
      "text/event-stream; charset=utf-8",
    );
    assert.deepEqual(await eventsOf(response), [
      ...chunks.map((each) => [undefined, JSON.stringify(each)]),
      [undefined, "[DONE]"],
    ]);
  },
);

withServer(
  "every delta of a long stream arrives, in order",
  "stream-endless",
  async (running) => {
    const stream = await clientOf(running).chat.completions.create({
      model: "gpt-4o",
      messages: QUESTION,
      stream: true,
    });
    const deltas = [];
    for await (const each of stream) deltas.push(each.choices[0].delta.content);
    assert.deepEqual(deltas, [
      "",
      ...Array.from({ length: 100 }, (_, i) => `${i + 1} `),
      undefined,
    ]);
  },
  { size: 100 },
);

withServer(
  "a request that is not streamed gets the upstream's completion exactly, its options sent as that server takes them",
  "ok",
  async (running, upstream) => {
    const response = await post(running, "v1/chat/completions", {
      model: "gpt-4o",
      messages: QUESTION,
      temperature: 0.2,
      max_completion_tokens: 100,
      top_k: 40,
      seed: null,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.deepEqual(await response.json(), completion());
    assert.deepEqual(upstream.requests.get("ok"), [{
      model: "gpt-4o",
      messages: QUESTION,
      temperature: 0.2,
      max_tokens: 100,
      top_k: 40,
      stream: false,
    }]);
  },
);

withServer(
  "the client's tools and tool_choice go upstream as they are, and the model's tool calls come back",
  "tools",
  async (running, upstream) => {
    const tools = [{
      type: "function" as const,
      function: {
        name: "lookup",
        description: "Looks a case up.",
        parameters: {
          type: "object",
          properties: { docket: { type: "string" } },
          required: ["docket"],
        },
      },
    }];
    const tool_choice = {
      type: "function" as const,
      function: { name: "lookup" },
    };
    const messages = [{
      role: "user" as const,
      content: JSON.stringify({
        calls: [{ name: "lookup", arguments: { docket: "23-719" } }],
      }),
    }];
    const answer = await clientOf(running).chat.completions.create({
      model: "gpt-4o",
      messages,
      tools,
      tool_choice,
      parallel_tool_calls: false,
    });
    assert.deepEqual(answer.choices[0].message.tool_calls, [{
      id: "call_0_0",
      type: "function",
      function: { name: "lookup", arguments: '{"docket":"23-719"}' },
    }]);
    assert.deepEqual(upstream.requests.get("tools"), [{
      model: "gpt-4o",
      messages,
      tools,
      tool_choice,
      parallel_tool_calls: false,
      stream: false,
    }]);
  },
);

/** A port nothing listens on. */
function refusingPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

serveTest(
  "a fallback list asks the next target when the first cannot answer, saying so",
  async (t) => {
    await using upstream = startServer();
    const config =
      `[providers.down]\nbase_url = "http://127.0.0.1:${refusingPort()}/v1"\n` +
      `[aliases]\nsafe = ["down:x", "gpt-4o"]\n`;
    await using running = await startServe([], {
      env: {
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: upstream.url("ok"),
        GPT4O_CONFIG: "/config/gpt4o/config.toml",
      },
      config,
    });
    for (const model of ["down:x,gpt-4o", "safe"]) {
      await t.step(`${model}, not streamed`, async () => {
        const answer = await clientOf(running).chat.completions.create({
          model,
          messages: QUESTION,
        });
        assert.deepEqual(answer, completion());
      });
    }
    await t.step("streamed", async () => {
      const stream = await clientOf(running).chat.completions.create({
        model: "down:x,gpt-4o",
        messages: QUESTION,
        stream: true,
      });
      let text = "";
      for await (const each of stream) {
        text += each.choices[0].delta.content ?? "";
      }
      assert.equal(text, "A case reaches the Court.");
    });
    assert.equal(
      running.stderr().split("\n").filter((line) =>
        line.includes("cannot answer")
      )
        .join("\n"),
      Array(3).fill(
        "gpt4o: x (down) cannot answer (connection refused): asking gpt-4o",
      ).join("\n"),
    );
    assert.equal(upstream.requests.get("ok")?.length, 3);
  },
);

withServer(
  "role:NAME sends the role's system message first and its options, under the client's",
  "ok",
  async (running, upstream) => {
    const answer = await clientOf(running).chat.completions.create({
      model: "role:lawyer",
      messages: [{ role: "system", content: "Be brief." }, ...QUESTION],
      max_tokens: 50,
    });
    assert.deepEqual(answer, completion());
    assert.deepEqual(upstream.requests.get("ok"), [{
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "You are a careful lawyer." },
        { role: "system", content: "Be brief." },
        ...QUESTION,
      ],
      temperature: 0,
      max_tokens: 50,
      stream: false,
    }]);
    const unknown = await post(running, "v1/chat/completions", {
      model: "role:judge",
      messages: QUESTION,
    });
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), {
      error: {
        message: "there is no role judge in /config/gpt4o/config.toml: " +
          "GET /v1/models lists the models and roles",
        type: "invalid_request_error",
        code: "model_not_found",
      },
    });
  },
  {
    env: { GPT4O_CONFIG: "/config/gpt4o/config.toml" },
    config: '[roles.lawyer]\nsystem = "You are a careful lawyer."\n' +
      'model = "gpt-4o-mini"\noptions = { temperature = 0, max_tokens = 800 }\n',
  },
);

serveTest(
  "an upstream failure comes back in OpenAI's shape with the status it means and its words, never a key",
  async (t) => {
    await using upstream = startServer();
    const host = hostOf(upstream);
    const cases: [string, number, Record<string, unknown>][] = [
      ["unauthorized", 401, {
        message: `${host} rejected the API key (401): check OPENAI_API_KEY ` +
          "(it said: Incorrect API key provided.)",
        type: "invalid_request_error",
      }],
      ["no-model", 404, {
        message: `the model "gpt-4o" was not found at ${host} (404): choose ` +
          "another with --model (it said: The model `gpt-4o` does not exist " +
          "or you do not have access to it.)",
        type: "invalid_request_error",
        code: "model_not_found",
      }],
      ["echo-key", 403, {
        message: `${host} denied access (403): key Bearer [redacted] is not ` +
          "allowed here",
        type: "invalid_request_error",
      }],
      ["server-error", 502, {
        message: `${host} failed (500), still after retries: The server had ` +
          "an error.",
        type: "server_error",
      }],
      ["html-502", 502, {
        message: `${host} failed (502), still after retries: it answered ` +
          "with an HTML page, not JSON (a proxy or gateway in the way?)",
        type: "server_error",
      }],
    ];
    for (const [scenario, status, error] of cases) {
      await t.step(scenario, async () => {
        await using running = await startServe([], {
          env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: upstream.url(scenario) },
        });
        for (const stream of [false, true]) {
          const response = await post(running, "v1/chat/completions", {
            model: "gpt-4o",
            messages: QUESTION,
            stream,
          });
          assert.equal(response.status, status);
          assert.deepEqual(await response.json(), { error });
        }
        assert.equal(
          running.stderr().split("\n").filter((line) =>
            line.startsWith("gpt4o: gpt-4o: ")
          ).length,
          2,
        );
        // The SDK reads it as the API's own error.
        const failed = await clientOf(running).chat.completions.create({
          model: "gpt-4o",
          messages: QUESTION,
        }).catch((error) => error);
        assert.ok(failed instanceof OpenAI.APIError);
        assert.equal(failed.status, status);
        assert.equal(
          failed.error && (failed.error as { message: string }).message,
          error.message,
        );
      });
    }
  },
);

withServer(
  "a stream that fails on the way ends with OpenAI's error event, and no [DONE]",
  "stream-cut",
  async (running) => {
    const response = await post(running, "v1/chat/completions", {
      messages: QUESTION,
      stream: true,
    });
    assert.equal(response.status, 200);
    const events = await eventsOf(response);
    assert.deepEqual(events.slice(-1).map(([, data]) => JSON.parse(data)), [{
      error: {
        message: "the answer was cut off: the stream ended before the " +
          "server finished it",
        type: "server_error",
        code: "upstream_invalid",
      },
    }]);
    assert.equal(events.length, 3);
  },
);

withServer(
  "the run's keys are masked in what the upstream answers, a key split across deltas too",
  "echo-answer",
  async (running) => {
    const whole = await clientOf(running).chat.completions.create({
      model: "gpt-4o",
      messages: QUESTION,
    });
    assert.equal(whole.choices[0].message.content, "Your key: [redacted]");
    const stream = await clientOf(running).chat.completions.create({
      model: "gpt-4o",
      messages: QUESTION,
      stream: true,
    });
    const deltas = [];
    for await (const each of stream) deltas.push(each.choices[0].delta.content);
    assert.deepEqual(deltas, [
      "",
      "Your key: ",
      KEY.slice(0, 10),
      "[redacted]",
      undefined,
    ]);
  },
);

withServer(
  "the client's Authorization and headers never go upstream: the server's own key does",
  "auth",
  async (running, upstream) => {
    const answer = await clientOf(running, "sk-client-XXXXXXXXXXXXXXXXXXXXXXXX")
      .chat.completions.create({ model: "gpt-4o", messages: QUESTION }, {
        headers: { "x-team": "law" },
      });
    assert.equal(answer.choices[0].message.content, `key …${KEY.slice(-4)}`);
    assert.equal(upstream.requests.get("auth")?.length, 1);
  },
);

withServer(
  "a messages' key is masked before it goes upstream; an image's data goes as it is",
  "ok",
  async (running, upstream) => {
    const image = "data:image/png;base64,iVBORw0KGgo=";
    await clientOf(running).chat.completions.create({
      model: "gpt-4o",
      messages: [{
        role: "user",
        content: [
          { type: "text", text: `Is ${KEY} a key?` },
          { type: "image_url", image_url: { url: image } },
        ],
      }],
    });
    assert.deepEqual(upstream.requests.get("ok")?.[0].messages, [{
      role: "user",
      content: [
        { type: "text", text: "Is [redacted] a key?" },
        { type: "image_url", image_url: { url: image } },
      ],
    }]);
  },
);

const TOKEN = "serve-token-0123456789abcdef";

withServer(
  "with GPT4O_SERVE_TOKEN, every API request must carry it; the page needs none",
  "ok",
  async (running) => {
    const refused = {
      missing: {
        message: "this server wants its token: send Authorization: Bearer " +
          "and GPT4O_SERVE_TOKEN's value (an SDK's API key)",
        type: "invalid_request_error",
        code: "token_required",
      },
      wrong: {
        message: "the token is not this server's: send GPT4O_SERVE_TOKEN's " +
          "value",
        type: "invalid_request_error",
        code: "token_required",
      },
    };
    for (const path of ["v1/models", "api/conversations"]) {
      const missing = await fetch(`${running.url}${path}`);
      assert.equal(missing.status, 401);
      assert.equal(missing.headers.get("www-authenticate"), "Bearer");
      assert.deepEqual(await missing.json(), { error: refused.missing });
      const wrong = await fetch(`${running.url}${path}`, {
        headers: { authorization: `Bearer ${TOKEN}x` },
      });
      assert.equal(wrong.status, 401);
      assert.deepEqual(await wrong.json(), { error: refused.wrong });
    }
    const failed = await clientOf(running).chat.completions.create({
      model: "gpt-4o",
      messages: QUESTION,
    }).catch((error) => error);
    assert.ok(failed instanceof OpenAI.AuthenticationError);
    const answer = await clientOf(running, TOKEN).chat.completions.create({
      model: "gpt-4o",
      messages: QUESTION,
    });
    assert.deepEqual(answer, completion());
    const page = await fetch(running.url);
    assert.equal(page.status, 200);
    await page.body?.cancel();
  },
  { env: { GPT4O_SERVE_TOKEN: TOKEN } },
);

withServer(
  "a request to another Host than the address served is refused (DNS rebinding); localhost and [::1] are this one",
  "ok",
  async (running) => {
    const { port } = new URL(running.url);
    for (
      const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]
    ) {
      const { status } = await raw(running.url, "GET /v1/models", host);
      assert.equal(status, 200, host);
    }
    for (
      const host of [
        "evil.example:" + port,
        `127.0.0.1:${Number(port) + 1}`,
        "localhost",
      ]
    ) {
      const { status, body } = await raw(running.url, "GET /v1/models", host);
      assert.equal(status, 421, host);
      assert.deepEqual(JSON.parse(body), {
        error: {
          message: `this server answers requests to 127.0.0.1:${port}, not ` +
            `to ${JSON.stringify(host)}: open it by that address`,
          type: "invalid_request_error",
          code: "misdirected_request",
        },
      });
    }
  },
);

withServer(
  "without --cors no CORS header is sent, a page of another origin is refused, and so is a preflight",
  "ok",
  async (running) => {
    const own = running.url.slice(0, -1);
    const same = await fetch(`${running.url}v1/models`, {
      headers: { origin: own },
    });
    assert.equal(same.status, 200);
    assert.equal(same.headers.get("access-control-allow-origin"), null);
    await same.body?.cancel();
    const other = await post(running, "v1/chat/completions", {
      messages: QUESTION,
    }, { origin: "https://evil.example" });
    assert.equal(other.status, 403);
    assert.deepEqual(await other.json(), {
      error: {
        message: 'the pages of "https://evil.example" may not call this ' +
          "server: start it with --cors and that origin to let them",
        type: "invalid_request_error",
        code: "origin_not_allowed",
      },
    });
    const preflight = await fetch(`${running.url}v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        origin: own,
        "access-control-request-method": "POST",
      },
    });
    assert.equal(preflight.status, 405);
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
    await preflight.body?.cancel();
  },
);

withServer(
  "with --cors ORIGIN, that origin alone gets CORS headers and its preflight answered",
  "ok",
  async (running) => {
    const origin = "https://app.example";
    const preflight = await fetch(`${running.url}v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers":
          "authorization, content-type, x-stainless-os",
      },
    });
    assert.equal(preflight.status, 204);
    const { date: _, ...headers } = Object.fromEntries(preflight.headers);
    assert.deepEqual(headers, {
      "access-control-allow-headers":
        "authorization, content-type, x-stainless-os",
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-origin": origin,
      "access-control-expose-headers": "retry-after",
      "access-control-max-age": "600",
      vary: "Origin",
    });
    const answer = await post(running, "v1/chat/completions", {
      messages: QUESTION,
    }, { origin });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("access-control-allow-origin"), origin);
    assert.equal(answer.headers.get("vary"), "Origin");
    assert.deepEqual(await answer.json(), completion());
    const other = await fetch(`${running.url}v1/models`, {
      headers: { origin: "https://evil.example" },
    });
    assert.equal(other.status, 403);
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    await other.body?.cancel();
  },
  { args: ["--cors", "https://app.example"] },
);

withServer(
  "a body over the limit is refused with 413 before it is read, whatever it claims",
  "ok",
  async (running) => {
    const { status, body } = await raw(
      running.url,
      "POST /v1/chat/completions",
      new URL(running.url).host,
      "content-type: application/json\r\ncontent-length: 99999999999\r\n",
    );
    assert.equal(status, 413);
    assert.deepEqual(JSON.parse(body), {
      error: {
        message: "the request's body is over the 67.7 MiB limit",
        type: "invalid_request_error",
        code: "request_too_large",
      },
    });
  },
);

withServer(
  "past --concurrency, a request is answered 429 with Retry-After: 1",
  "stream-endless",
  async (running, upstream) => {
    const first = await post(running, "v1/chat/completions", {
      messages: QUESTION,
      stream: true,
    });
    const second = await post(running, "v1/chat/completions", {
      messages: QUESTION,
    });
    assert.equal(second.status, 429);
    assert.equal(second.headers.get("retry-after"), "1");
    assert.deepEqual(await second.json(), {
      error: {
        message: "the server is answering 1 requests, as many as " +
          "--concurrency lets it: try again in a moment",
        type: "requests",
        code: "rate_limit_exceeded",
      },
    });
    await first.body?.cancel();
    // Its slot is free again once the client leaves.
    await until(() => upstream.cancelled.has("stream-endless"));
    const third = await fetch(`${running.url}v1/models`);
    assert.equal(third.status, 200);
    await third.body?.cancel();
  },
  { args: ["--concurrency", "1"] },
);

withServer(
  "a client that goes away mid-stream stops the upstream request at once",
  "stream-endless",
  async (running, upstream) => {
    const response = await post(running, "v1/chat/completions", {
      messages: QUESTION,
      stream: true,
    });
    const reader = response.body!.getReader();
    await reader.read();
    const left = Date.now();
    await reader.cancel();
    await until(() => upstream.cancelled.has("stream-endless"));
    assert.ok(upstream.cancelled.get("stream-endless")! - left < 1000);
  },
);

serveTest(
  "a client that goes away before a whole answer stops its upstream request",
  async () => {
    await using upstream = startServer();
    let aborted = false;
    await using running = await startServe([], {
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: upstream.url("hang") },
      fetch: (input, init) => {
        init?.signal?.addEventListener("abort", () => aborted = true);
        return fetch(input, init);
      },
    });
    const client = new AbortController();
    const asked = post(
      running,
      "v1/chat/completions",
      {
        messages: QUESTION,
      },
      {},
      client.signal,
    ).catch((error) => error);
    await until(() => upstream.requests.has("hang"));
    assert.equal(aborted, false);
    client.abort();
    assert.equal((await asked).name, "AbortError");
    await until(() => aborted);
  },
);

withServer(
  "GET /v1/models lists the default model, the aliases, the roles and each provider that can be asked",
  "ok",
  async (running) => {
    const listed = await clientOf(running).models.list();
    const ids = [];
    for await (const model of listed) ids.push(model.id);
    assert.deepEqual(ids, [
      "groq:",
      "fast",
      "role:lawyer",
      "openai:gpt-4o",
      "g4f:gpt-4o",
      "ollama:llama3.2",
      "lmstudio:openai/gpt-oss-20b",
      "llamacpp:default",
      "groq:openai/gpt-oss-120b",
      "work:m",
    ]);
    const response = await fetch(`${running.url}v1/models`);
    assert.deepEqual((await response.json()).data[0], {
      id: "groq:",
      object: "model",
      created: 0,
      owned_by: "gpt4o",
    });
  },
  {
    args: ["-m", "groq:"],
    env: {
      GROQ_API_KEY: "gsk-0123456789abcdef",
      GPT4O_CONFIG: "/config/gpt4o/config.toml",
    },
    config:
      '[aliases]\nfast = ["groq:"]\n[roles.lawyer]\nsystem = "Careful."\n' +
      '[providers.work]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\n' +
      '[providers.bare]\nbase_url = "http://127.0.0.1:9/v1"\n',
  },
);

withServer(
  "a path of no route is 404 and a route's other method 405, in OpenAI's shape",
  "ok",
  async (running) => {
    const missing = await fetch(`${running.url}v1/embeddings`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), {
      error: {
        message: "there is nothing at /v1/embeddings: the API is at /v1 " +
          "(models, chat/completions)",
        type: "invalid_request_error",
        code: "not_found",
      },
    });
    const wrong = await fetch(`${running.url}v1/chat/completions`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST");
    await wrong.body?.cancel();
    const bad = await post(running, "v1/chat/completions", { messages: [] });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), {
      error: {
        message: "messages must be a list of messages, such as " +
          '[{"role": "user", "content": "Hi"}]',
        type: "invalid_request_error",
        code: "invalid_messages",
      },
    });
    const hot = await post(running, "v1/chat/completions", {
      messages: QUESTION,
      temperature: 3,
    });
    assert.equal(hot.status, 400);
    assert.deepEqual(await hot.json(), {
      error: {
        message: "temperature must be a number from 0 to 2, not 3",
        type: "invalid_request_error",
        code: "invalid_value",
      },
    });
  },
);

serveTest(
  "Ctrl-C or SIGTERM ends the streams under way with an error event, and the server exits 0",
  async (t) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      await t.step(signal, async () => {
        await using upstream = startServer();
        const running = await startServe([], {
          env: {
            OPENAI_API_KEY: KEY,
            OPENAI_BASE_URL: upstream.url("stream-endless"),
          },
        });
        const response = await post(running, "v1/chat/completions", {
          messages: QUESTION,
          stream: true,
        });
        const reader = response.body!.getReader();
        await reader.read();
        const code = running.stop(signal);
        let rest = "";
        for (let read; !(read = await reader.read()).done;) {
          rest += new TextDecoder().decode(read.value);
        }
        assert.equal(await code, 0);
        assert.ok(
          rest.endsWith(
            'data: {"error":{"message":"the server is stopping: the answer ' +
              'was not finished","type":"server_error","code":"server_stopping"}}\n\n',
          ),
          rest,
        );
        await until(() => upstream.cancelled.has("stream-endless"));
      });
    }
  },
);

/** Resolves once `condition` holds, checking every 5 ms; fails after 5 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    assert.ok(
      Date.now() < deadline,
      "waited 5 s for something that never came",
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

withServer(
  "--timeout gives up on an upstream that sends nothing: 504, and -v tells each request on stderr",
  "hang",
  async (running, upstream) => {
    const response = await post(running, "v1/chat/completions", {
      messages: QUESTION,
    });
    assert.equal(response.status, 504);
    assert.deepEqual(await response.json(), {
      error: {
        message: "no data arrived from the server for 0.2 s " +
          `(${hostOf(upstream)}): try again, or allow longer with --timeout`,
        type: "server_error",
        code: "upstream_timeout",
      },
    });
    assert.match(
      running.stderr(),
      /\ngpt4o: POST \/v1\/chat\/completions 504 \d+ ms\n$/,
    );
  },
  { args: ["--timeout", "0.2", "-v"] },
);
