/**
 * `gpt4o --serve`'s API for the chat page, in-process against the scripted
 * upstream: `POST /api/chat` streamed and saved in the history the
 * terminal uses (and followed up from either), `/api/conversations` read
 * back from it, the failures and a client that goes away.
 */
import assert from "node:assert/strict";
import { chunk } from "../testdata/fixtures.ts";
import { type FakeServer, startServer } from "../testdata/server.ts";
import {
  answering,
  KEY,
  run,
  savedTurns,
  tempFolder,
} from "../testdata/harness.ts";
import {
  eventsOf,
  type Running,
  serveTest,
  startServe,
} from "../testdata/serve.ts";
import { DEFAULT_SYSTEM } from "../src/cli/options.ts";

/** A 1×1 PNG. */
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==";

/** An upstream, a history and a server that keeps the page's chats there. */
function withHistory(
  name: string,
  scenario: string,
  fn: (
    running: Running,
    upstream: FakeServer,
    path: string,
  ) => Promise<void>,
) {
  serveTest(name, async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    await using upstream = startServer();
    await using running = await startServe([], {
      env: {
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: upstream.url(scenario),
        GPT4O_HISTORY: path,
      },
    });
    await fn(running, upstream, path);
  });
}

function chat(
  running: Running,
  body: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${running.url}api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

async function get(running: Running, path: string): Promise<unknown> {
  const response = await fetch(`${running.url}${path}`);
  assert.equal(response.status, 200, path);
  return await response.json();
}

withHistory(
  "POST /api/chat names the conversation, streams the chunks as OpenAI does, ends in [DONE] and saves the turn",
  "ok",
  async (running, upstream, path) => {
    const response = await chat(running, { prompt: "Who decides?" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.deepEqual(await eventsOf(response), [
      ["conversation", '{"id":1}'],
      [
        undefined,
        JSON.stringify(
          chunk({ role: "assistant", content: "", refusal: null }),
        ),
      ],
      [undefined, JSON.stringify(chunk({ content: "A case " }))],
      [undefined, JSON.stringify(chunk({ content: "reaches " }))],
      [undefined, JSON.stringify(chunk({ content: "the Court." }))],
      [undefined, JSON.stringify(chunk({}, "stop"))],
      [undefined, "[DONE]"],
    ]);
    assert.deepEqual(upstream.requests.get("ok"), [{
      model: "gpt-4o",
      messages: [
        { role: "system", content: DEFAULT_SYSTEM },
        { role: "user", content: "Who decides?" },
      ],
      stream: true,
      stream_options: { include_usage: true },
    }]);
    assert.deepEqual(savedTurns(path, 1), [{
      system: DEFAULT_SYSTEM,
      prompt: "Who decides?",
      model: "gpt-4o",
      endpoint: new URL(upstream.url("ok")).host + "/ok/v1",
      answer: "A case reaches the Court.",
      outcome: "answered",
    }]);
    const listed = await get(running, "api/conversations") as {
      data: Record<string, unknown>[];
    };
    assert.deepEqual(
      listed.data.map(({ updated, ...rest }) => {
        assert.match(String(updated), /^\d{4}-\d\d-\d\dT/);
        return rest;
      }),
      [{ id: 1, title: "Who decides?", model: "gpt-4o", turns: 1 }],
    );
  },
);

withHistory(
  "a page's conversation and the terminal's -c follow each other up, each sending the turns before",
  "echo",
  async (running, upstream, path) => {
    const first = await chat(running, { prompt: "Who decides?" });
    assert.deepEqual((await eventsOf(first))[0], ["conversation", '{"id":1}']);
    // The terminal follows it up: the page's turn goes with the question.
    const terminal = await run(["-c", "And the terminal?"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      reply: answering("From the terminal."),
    });
    assert.equal(terminal.code, 0, terminal.stderr);
    assert.deepEqual(terminal.requests[0].body.messages, [
      { role: "system", content: DEFAULT_SYSTEM },
      { role: "user", content: "Who decides?" },
      { role: "assistant", content: "1: Who decides?" },
      { role: "user", content: "And the terminal?" },
    ]);
    // The page follows up both.
    const second = await chat(running, {
      conversation: 1,
      prompt: "And then?",
    });
    const events = await eventsOf(second);
    assert.deepEqual(events[0], ["conversation", '{"id":1}']);
    assert.deepEqual(upstream.requests.get("echo")?.[1].messages, [
      { role: "system", content: DEFAULT_SYSTEM },
      { role: "user", content: "Who decides?" },
      { role: "assistant", content: "1: Who decides?" },
      { role: "user", content: "And the terminal?" },
      { role: "assistant", content: "From the terminal." },
      { role: "user", content: "And then?" },
    ]);
    assert.deepEqual(await get(running, "api/conversations/1"), {
      id: 1,
      title: "Who decides?",
      model: "gpt-4o",
      system: DEFAULT_SYSTEM,
      messages: [
        { role: "user", content: "Who decides?" },
        { role: "assistant", content: "1: Who decides?" },
        { role: "user", content: "And the terminal?" },
        { role: "assistant", content: "From the terminal." },
        { role: "user", content: "And then?" },
        { role: "assistant", content: "3: And then?" },
      ],
    });
    assert.equal(savedTurns(path, 1)?.length, 3);
  },
);

withHistory(
  "/api/conversations finds conversations by their words, and limits the list",
  "echo",
  async (running) => {
    for (
      const prompt of ["About certiorari", "About juries", "Certiorari again"]
    ) {
      await (await chat(running, { prompt })).body?.cancel();
    }
    await waitSaved(running, 3);
    const titles = async (query: string) =>
      ((await get(running, `api/conversations${query}`)) as {
        data: { title: string }[];
      }).data.map(({ title }) => title);
    assert.deepEqual(await titles(""), [
      "Certiorari again",
      "About juries",
      "About certiorari",
    ]);
    assert.deepEqual(await titles("?limit=1"), ["Certiorari again"]);
    assert.deepEqual((await titles("?q=certiorari")).toSorted(), [
      "About certiorari",
      "Certiorari again",
    ]);
    assert.deepEqual(await titles("?q=nowhere"), []);
    const bad = await fetch(`${running.url}api/conversations?limit=0`);
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), {
      error: {
        message: "limit must be a whole number from 1 to 1000",
        type: "invalid_request_error",
        code: "invalid_value",
      },
    });
  },
);

/** Waits until the history lists `count` conversations whose turns are in. */
async function waitSaved(running: Running, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const listed = await get(running, "api/conversations") as {
      data: { id: number }[];
    };
    if (listed.data.length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`the history never listed ${count} conversations`);
}

withHistory(
  "an image sent with a prompt goes upstream as a data URL, is saved with the turn, and comes back with the conversation",
  "ok",
  async (running, upstream, path) => {
    const response = await chat(running, {
      prompt: "What is this?",
      attachments: [{ name: "pixel.png", media_type: "image/png", data: PNG }],
    });
    assert.equal((await eventsOf(response)).at(-1)?.[1], "[DONE]");
    const parts = [
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
    ];
    assert.deepEqual(upstream.requests.get("ok")?.[0].messages?.[1], {
      role: "user",
      content: parts,
    });
    const [turn] = savedTurns(path, 1)!;
    assert.deepEqual(turn.attachments?.map(({ name, kind }) => [name, kind]), [
      ["pixel.png", "png"],
    ]);
    const shown = await get(running, "api/conversations/1") as {
      messages: unknown[];
    };
    assert.deepEqual(shown.messages[0], { role: "user", content: parts });
  },
);

withHistory(
  "a page that goes away mid-answer stops the upstream request, and what came is saved as interrupted",
  "stream-endless",
  async (running, upstream, path) => {
    const response = await chat(running, { prompt: "Count." });
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes('"content":"2 "')) {
      text += new TextDecoder().decode((await reader.read()).value);
    }
    await reader.cancel();
    await until(() => upstream.cancelled.has("stream-endless"));
    await until(() =>
      savedTurns(path, 1)?.[0].outcome === "interrupted" &&
      savedTurns(path, 1)?.[0].error !== undefined
    );
    const [turn] = savedTurns(path, 1)!;
    assert.equal(turn.error, "interrupted: the page went away");
    assert.match(turn.answer, /^1 2 /);
  },
);

withHistory(
  "an upstream failure is an error event after the conversation's, and is saved as the terminal saves it",
  "unauthorized",
  async (running, upstream, path) => {
    const host = new URL(upstream.url("ok")).host;
    const message = `${host} rejected the API key (401): check ` +
      "OPENAI_API_KEY (it said: Incorrect API key provided.)";
    assert.deepEqual(await eventsOf(await chat(running, { prompt: "Hi" })), [
      ["conversation", '{"id":1}'],
      [
        "error",
        JSON.stringify({
          error: { message, type: "invalid_request_error" },
        }),
      ],
    ]);
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ outcome, error }) => ({
        outcome,
        error,
      })),
      [{ outcome: "failed", error: message }],
    );
  },
);

withHistory(
  "a body /api/chat cannot ask, or a conversation it does not have, is refused before anything is saved",
  "ok",
  async (running, _, path) => {
    const cases: [unknown, number, string, string][] = [
      [{}, 400, "prompt must be a text", "invalid_value"],
      [
        { prompt: " " },
        400,
        "prompt is empty: there is nothing to ask",
        "invalid_value",
      ],
      [
        { prompt: "Hi", conversation: "x" },
        400,
        "conversation must be the id of a conversation, such as 3",
        "invalid_value",
      ],
      [
        { prompt: "Hi", conversation: 7 },
        404,
        'there is no conversation "7" in the history: GET /api/conversations lists them',
        "not_found",
      ],
      [
        { prompt: "Hi", model: "role:judge" },
        404,
        "there is no role judge: roles are set in the config file (see --help): GET /v1/models lists the models and roles",
        "model_not_found",
      ],
      [
        {
          prompt: "Hi",
          attachments: [{
            name: "notes.txt",
            media_type: "text/plain",
            data: btoa("notes"),
          }],
        },
        400,
        "notes.txt is no image (PNG, JPEG, WebP, GIF) or PDF, which is all a prompt can carry",
        "invalid_value",
      ],
      [
        {
          prompt: "Hi",
          attachments: [{ name: "x.png", data: "not base64!" }],
        },
        400,
        "x.png: data must be the file's bytes in base64",
        "invalid_value",
      ],
    ];
    for (const [body, status, message, code] of cases) {
      const response = await chat(running, body);
      assert.equal(response.status, status, message);
      assert.deepEqual(await response.json(), {
        error: { message, type: "invalid_request_error", code },
      });
    }
    const missing = await fetch(`${running.url}api/conversations/99`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    assert.equal(savedTurns(path, 1), undefined);
  },
);

serveTest("with history off, the page's API says so with 409", async () => {
  await using upstream = startServer();
  await using running = await startServe([], {
    env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: upstream.url("ok") },
  });
  for (
    const [path, init] of [
      ["api/conversations", {}],
      ["api/chat", { method: "POST", body: '{"prompt":"Hi"}' }],
    ] as const
  ) {
    const response = await fetch(`${running.url}${path}`, init);
    assert.equal(response.status, 409);
    assert.deepEqual(await response.json(), {
      error: {
        message: "history is off (GPT4O_HISTORY=off), and the page's " +
          "conversations are kept there: unset GPT4O_HISTORY and start the " +
          "server again",
        type: "invalid_request_error",
        code: "history_off",
      },
    });
  }
  assert.equal(upstream.requests.size, 0);
});

serveTest(
  "a page's answer under way when the server stops is saved as interrupted, its stream ended with an error event",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    await using upstream = startServer();
    const running = await startServe([], {
      env: {
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: upstream.url("stream-endless"),
        GPT4O_HISTORY: path,
      },
    });
    const response = await chat(running, { prompt: "Count." });
    const reader = response.body!.getReader();
    await reader.read();
    const code = running.stop("SIGTERM");
    let text = "";
    for (let read; !(read = await reader.read()).done;) {
      text += new TextDecoder().decode(read.value);
    }
    assert.equal(await code, 0);
    assert.ok(
      text.endsWith(
        'event: error\ndata: {"error":{"message":"the server is stopping: the ' +
          'answer was not finished","type":"server_error","code":"server_stopping"}}\n\n',
      ),
      text,
    );
    assert.deepEqual(
      savedTurns(path, 1)?.map(({ outcome, error }) => ({
        outcome,
        error,
      })),
      [{
        outcome: "interrupted",
        error: "the server is stopping: the answer was not finished",
      }],
    );
  },
);

serveTest("POST /api/highlight answers the code's spans", async () => {
  await using upstream = startServer();
  await using running = await startServe([], {
    env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: upstream.url("ok") },
  });
  const response = await fetch(`${running.url}api/highlight`, {
    method: "POST",
    body: JSON.stringify({ code: "let x = 1;", language: "ts" }),
  });
  const { spans } = await response.json() as { spans: { text: string }[] };
  assert.equal(spans.map(({ text }) => text).join(""), "let x = 1;");
});

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
