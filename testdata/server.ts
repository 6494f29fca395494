/**
 * A scripted OpenAI-compatible server on 127.0.0.1 for the end-to-end tests
 * and the benchmark. The first path segment of the base URL picks the
 * scenario and an optional second one its size, e.g.
 * `http://127.0.0.1:PORT/stream-chunks/20000/v1`; the Responses API's
 * scenarios are in `responses_server.ts`.
 *
 * @module
 */
import {
  ANSWER,
  apiError,
  chunk,
  completion,
  sse,
  streamOf,
  toolCallStream,
} from "./fixtures.ts";
import { RESPONSES_SCENARIOS } from "./responses_server.ts";
import { Script } from "./scripted.ts";

const encoder = new TextEncoder();
/** Milliseconds since the epoch, with a fraction: comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a scenario gets: the request, its JSON body and the size segment. */
interface Call {
  request: Request;
  body: {
    stream?: boolean;
    stream_options?: unknown;
    model?: string;
    messages?: unknown[];
    /** A Responses API request's conversation. */
    input?: unknown[];
    tools?: unknown[];
  };
  size: number;
  /** Aborts when the server shuts down, so that no handler outlives it. */
  closing: AbortSignal;
  /** Records that the client went away in the middle of the body. */
  cancelled: () => void;
  /** The answers of the `scripted` scenario, which the test writes. */
  script: Script;
}

function json(body: unknown, status = 200, headers = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function events(body: ReadableStream<Uint8Array> | string): Response {
  return new Response(body, {
    headers: { "content-type": "text/event-stream" },
  });
}

type Piece = string | Uint8Array | undefined;

/** A body made by `next` piece by piece, so that memory stays flat. */
function generated(
  next: (index: number) => Promise<Piece> | Piece,
  cancel?: () => void,
): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    cancel,
    async pull(controller) {
      const piece = await next(index++);
      if (piece === undefined) controller.close();
      else {
        controller.enqueue(
          typeof piece === "string" ? encoder.encode(piece) : piece,
        );
      }
    },
  });
}

/** `count` content deltas of `piece`, then a finish chunk and [DONE]. */
function deltaStream(count: number, piece: string) {
  const event = sse([chunk({ content: piece })]);
  const batch = 256; // events per write: the server must not be the bottleneck
  let left = count;
  return generated((i) => {
    if (i === 0) return sse([chunk({ role: "assistant", content: "" })]);
    if (left > 0) {
      const n = Math.min(batch, left);
      left -= n;
      return event.repeat(n);
    }
    if (left-- === 0) return sse([chunk({}, "stop")]) + "data: [DONE]\n\n";
  });
}

/** The piece that big answers are made of: 64 bytes with multi-byte text. */
export const PIECE = "Certiorari — the Court decides which cases it hears. ¶ ";

/** How many pieces make an answer of about `bytes` bytes (default 5 MiB). */
export function bigCount(bytes = 0): number {
  return Math.ceil((bytes || 5 * 1024 * 1024) / PIECE.length);
}

/** Splits `text` at the byte offsets where parsers tend to break. */
export function awkwardSplit(text: string): Uint8Array[] {
  const bytes = encoder.encode(text);
  const cuts = new Set<number>();
  for (let i = 1; i < bytes.length; i++) {
    const inCharacter = (bytes[i] & 0xc0) === 0x80; // a UTF-8 continuation
    const inCrlf = bytes[i - 1] === 0x0d && bytes[i] === 0x0a;
    const inData = bytes[i - 2] === 0x64 && bytes[i - 1] === 0x61; // "da|ta:"
    if (inCharacter || inCrlf || inData) cuts.add(i);
  }
  const pieces = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.subarray(start, cut));
    start = cut;
  }
  return pieces;
}

/** The stream that `awkward` sends, with CRLF line ends and comments. */
export const AWKWARD_TEXT = "Größe 🏛️ 最高裁 data: done";
function awkwardBody(): string {
  return (": keep-alive\n\n" +
    streamOf(["Größe ", "🏛️ ", "最高裁", " data: done"])).replaceAll(
      "\n",
      "\r\n",
    );
}

/** How the `shell` scenario describes a command. */
export const DESCRIBED = "It prints a line, then ends.";

/** Text that would set a terminal's title, clear it and hide what follows. */
export const HOSTILE = "\x1b]0;pwned\x07Hi\x1b[2J\x1b[8mhidden\x1b[0m";

/**
 * Markdown as models write it, block after block, to about `bytes` bytes:
 * headings, emphasis, links, nested lists, tables and highlighted code.
 */
export function markdownDocument(bytes: number): string {
  const block = (i: number) =>
    `## Section ${i}\n\n` +
    `A paragraph with **bold**, *italic*, \`code\` and a [link](https://example.com/${i}) ` +
    "that goes on for a while, so that it wraps at eighty columns.\n\n" +
    "- first item\n- second item with `code`\n  - a nested item\n\n" +
    `| name | value | note |\n|---|---:|---|\n| alpha | ${i} | first |\n` +
    `| beta | ${2 * i} | second |\n\n` +
    `\`\`\`ts\nconst value: number = ${i}; // a comment\n` +
    'console.log("value", value);\n```\n\n';
  let text = "";
  for (let i = 0; text.length < bytes; i++) text += block(i);
  return text;
}

/**
 * The lines of a markdown answer, `i` from 0, each carrying `stamp`: every
 * kind a model writes, tables and code included.
 */
export function stampedMarkdownLine(i: number, stamp: string): string {
  const kinds = [
    `## Part ${stamp}`,
    "",
    `${stamp} is when this **paragraph** with \`code\` and *emphasis* left.`,
    "",
    `- ${stamp} an item`,
    `  - ${stamp} a nested item`,
    "",
    "| sent | note |",
    "|---|---|",
    `| ${stamp} | a row |`,
    `| ${stamp} | another |`,
    "",
    "```ts",
    `const sent = ${stamp}; // a comment`,
    "```",
    "",
    `> ${stamp} a quote`,
    "",
  ];
  return `${kinds[i % kinds.length]}\n`;
}

/** The markdown answer that `markdown` streams. */
export const MARKDOWN_TEXT =
  "## Steps\n\n1. **File** a petition.\n2. Wait.\n\n" +
  "| Court | Time |\n|---|---:|\n| Circuit | 1 year |\n\n" +
  "```sh\ngh issue list\n```\n\nThen `review`.";

/** Never answers; lets go when the server stops. */
function hang({ closing }: Call): Promise<Response> {
  return new Promise((resolve) =>
    closing.addEventListener(
      "abort",
      () => resolve(new Response(null, { status: 499 })),
    )
  );
}

/**
 * What the `tools` scenario's model does: the user's prompt is JSON naming
 * the calls to make, `{"calls": [{"name": "…", "arguments": {…}}], "rounds": 1}`;
 * once the results are in (as many rounds as `rounds` says, `forever` for a
 * model that never stops), it answers with what each `tool` message said;
 * offered no tools, it answers at once.
 */
export function toolModel(body: Call["body"]): Response {
  const messages = (body.messages ?? []) as {
    role: string;
    content: unknown;
  }[];
  const prompt = messages.findLast((each) => each.role === "user")?.content;
  const plan = JSON.parse(typeof prompt === "string" ? prompt : "{}") as {
    calls?: { name: string; arguments: unknown }[];
    rounds?: number | "forever";
  };
  const after = messages.slice(
    messages.findLastIndex((each) => each.role === "user") + 1,
  );
  const done = after.filter((each) => each.role === "assistant").length;
  const rounds = plan.rounds ?? 1;
  // Offered no tools, it answers at once.
  if (body.tools?.length && (rounds === "forever" || done < rounds)) {
    const calls = (plan.calls ?? []).map((call, i) => ({
      id: `call_${done}_${i}`,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
    }));
    if (!body.stream) {
      return json({
        ...completion(null, { finish_reason: "tool_calls" }),
        choices: [{
          index: 0,
          message: {
            role: "assistant",
            content: null,
            refusal: null,
            annotations: [],
            tool_calls: calls.map((call) => ({
              id: call.id,
              type: "function",
              function: { name: call.name, arguments: call.arguments },
            })),
          },
          logprobs: null,
          finish_reason: "tool_calls",
        }],
      });
    }
    return events(toolCallStream(calls));
  }
  const results = after.filter((each) => each.role === "tool")
    .map((each) => String(each.content));
  const text = `The tools said: ${results.join(" | ")}`;
  return body.stream
    ? events(streamOf([text.slice(0, 10), text.slice(10)]))
    : json(completion(text));
}

const scenarios: Record<string, (call: Call) => Response | Promise<Response>> =
  {
    /** A model that calls tools: see {@linkcode toolModel}. */
    tools: ({ body }) => toolModel(body),
    /** Streams what the test writes: see `scripted.ts`. */
    scripted: ({ body, script }) => script.respond(body),
    ok: ({ body }) =>
      body.stream
        ? events(streamOf(["A case ", "reaches ", "the Court."]))
        : json(completion()),
    g4f: ({ body }) =>
      body.stream
        ? events(
          sse([{ ...chunk({ content: "Hi" }), provider: "Copilot" }]) +
            sse([{ ...chunk({}, "stop"), provider: "Copilot" }]),
        )
        : json(completion(ANSWER, { provider: "Copilot" })),
    /** Says which key arrived, by its last four characters only. */
    auth: ({ request }) => {
      const token = request.headers.get("authorization")?.replace(
        /^Bearer /,
        "",
      ) ?? "";
      return json(
        completion(token === "secret" ? "no key" : `key …${token.slice(-4)}`),
      );
    },
    /** Echoes the bearer token in an error, as a careless proxy might. */
    "echo-key": ({ request }) =>
      json(
        apiError(
          `key ${request.headers.get("authorization")} is not allowed here`,
          "invalid_request_error",
        ),
        403,
      ),
    /** Answers with the bearer token, split across deltas when streaming. */
    "echo-answer": ({ request, body }) => {
      const token = request.headers.get("authorization")?.replace(
        /^Bearer /,
        "",
      ) ?? "";
      return body.stream
        ? events(streamOf(["Your key: ", token.slice(0, 10), token.slice(10)]))
        : json(completion(`Your key: ${token}`));
    },
    /** A JSON answer, as a model asked for a schema gives one; streamed when asked. */
    person: ({ body }) => {
      const text = '{"name":"Ada","age":36}';
      return body.stream
        ? events(streamOf(['{"name":', '"Ada","age":36}']))
        : json(completion(text));
    },
    /**
     * Answers with how many user messages came and the last one, so a test
     * sees that a follow-up carried the earlier turns.
     */
    echo: ({ body }) => {
      const users = (body.messages ?? []).filter((message) =>
        (message as { role?: string }).role === "user"
      ) as { content: string }[];
      const text = `${users.length}: ${users.at(-1)?.content ?? ""}`;
      return body.stream ? events(streamOf([text])) : json(completion(text));
    },
    /**
     * A model asked for shell commands (`-e`): it proposes the task itself
     * as the command, in a fence, and describes any command as
     * {@linkcode DESCRIBED}.
     */
    shell: ({ body }) => {
      const messages = (body.messages ?? []) as {
        role: string;
        content: string;
      }[];
      const describing = /^You explain/.test(messages[0]?.content ?? "");
      const task = messages.filter((each) => each.role === "user").at(-1);
      const text = describing
        ? DESCRIBED
        : `\`\`\`sh\n${task?.content ?? ""}\n\`\`\``;
      return body.stream
        ? events(streamOf([text.slice(0, 4), text.slice(4)]))
        : json(completion(text));
    },
    /**
     * Streams what `echo` answers one character every 20 ms, so that a test
     * can type while the answer is still arriving.
     */
    "slow-echo": ({ body }) => {
      const users = (body.messages ?? []).filter((message) =>
        (message as { role?: string }).role === "user"
      ) as { content: string }[];
      const text = [...`${users.length}: ${users.at(-1)?.content ?? ""}`];
      return events(generated(async (i) => {
        if (i === 0) return sse([chunk({ role: "assistant", content: "" })]);
        if (i <= text.length) {
          await delay(20);
          return sse([chunk({ content: text[i - 1] })]);
        }
        if (i === text.length + 1) {
          return sse([chunk({}, "stop")]) + "data: [DONE]\n\n";
        }
      }));
    },
    /**
     * A reasoning model: `size` pieces of thinking (default 200), 2 ms apart,
     * then the answer `The Court.`
     */
    reasoning: ({ size }) =>
      events(generated(async (i) => {
        const thoughts = size || 200;
        if (i === 0) return sse([chunk({ role: "assistant", content: "" })]);
        if (i <= thoughts) {
          await delay(2);
          return sse([
            chunk({ content: null, reasoning_content: `step ${i}. ` }),
          ]);
        }
        if (i === thoughts + 1) {
          return sse([
            chunk({ content: "The ", reasoning_content: null }),
            chunk({ content: "Court." }),
            chunk({}, "stop"),
          ]) + "data: [DONE]\n\n";
        }
      })),
    /** Streams {@linkcode MARKDOWN_TEXT} five characters every 5 ms. */
    markdown: ({ body }) => {
      const pieces = MARKDOWN_TEXT.match(/[^]{1,5}/g)!;
      if (!body.stream) return json(completion(MARKDOWN_TEXT));
      return events(generated(async (i) => {
        if (i === 0) return sse([chunk({ role: "assistant", content: "" })]);
        if (i <= pieces.length) {
          await delay(5);
          return sse([chunk({ content: pieces[i - 1] })]);
        }
        if (i === pieces.length + 1) {
          return sse([chunk({}, "stop")]) + "data: [DONE]\n\n";
        }
      }));
    },
    /**
     * A `size`-line markdown answer (default 2,000): the first line 300 ms
     * after the request, as a model's first token comes, then a line every
     * 2 ms, each with the time it was sent when it has text (see
     * {@linkcode stampedMarkdownLine}).
     */
    "markdown-timed": ({ size }) =>
      events(generated(async (i) => {
        const lines = size || 2_000;
        if (i === 0) {
          await delay(300);
          return sse([chunk({ role: "assistant", content: "" })]);
        }
        if (i <= lines) {
          await delay(2);
          return sse([
            chunk({ content: stampedMarkdownLine(i - 1, now().toFixed(3)) }),
          ]);
        }
        if (i === lines + 1) {
          return sse([chunk({}, "stop")]) + "data: [DONE]\n\n";
        }
      })),
    /**
     * {@linkcode markdownDocument} of `size` bytes (default 1 MiB) in deltas
     * of 5 characters, as models send them, at once.
     */
    "markdown-big": ({ size }) => {
      const text = markdownDocument(size || 1024 * 1024);
      let at = 0;
      let finished = false;
      return events(generated((i) => {
        if (i === 0) return sse([chunk({ role: "assistant", content: "" })]);
        if (at < text.length) {
          const events = [];
          for (let n = 0; n < 256 && at < text.length; n++, at += 5) {
            events.push(chunk({ content: text.slice(at, at + 5) }));
          }
          return sse(events);
        }
        if (!finished) {
          finished = true;
          return sse([chunk({}, "stop")]) + "data: [DONE]\n\n";
        }
      }));
    },
    /** Answers with escape sequences that would retitle and clear a terminal. */
    hostile: ({ body }) =>
      body.stream
        ? events(streamOf([HOSTILE.slice(0, 5), HOSTILE.slice(5)]))
        : json(completion(HOSTILE)),
    /** Answers with the User-Agent the request came with. */
    "user-agent": ({ request }) =>
      json(completion(request.headers.get("user-agent") ?? "none")),
    /** Answers with the names of the `x-` headers it got, the SDK's own left out. */
    headers: ({ request }) => {
      const names = [...request.headers.keys()]
        .filter((name) =>
          name.startsWith("x-") && !name.startsWith("x-stainless")
        );
      return json(completion(`headers: ${names.join(", ") || "none"}`));
    },
    unauthorized: () =>
      json(
        apiError("Incorrect API key provided.", "invalid_request_error"),
        401,
      ),
    "no-model": ({ body }) =>
      json(
        apiError(
          `The model \`${body.model}\` does not exist or you do not have access to it.`,
          "invalid_request_error",
          "model_not_found",
        ),
        404,
      ),
    "rate-limited": () =>
      json(
        apiError(
          "Rate limit reached for gpt-4o.",
          "tokens",
          "rate_limit_exceeded",
        ),
        429,
        { "retry-after-ms": "10" },
      ),
    "server-error": () =>
      json(apiError("The server had an error.", "server_error"), 500, {
        "retry-after-ms": "10",
      }),
    "html-502": () =>
      new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", {
        status: 502,
        headers: { "content-type": "text/html", "retry-after-ms": "10" },
      }),
    truncated: () =>
      new Response(JSON.stringify(completion()).slice(0, 100), {
        headers: { "content-type": "application/json" },
      }),
    "empty-choices": () => json({ ...completion(), choices: [] }),
    refusal: () =>
      json(completion(null, { refusal: "I'm sorry, I can't help with that." })),
    "null-content": () => json(completion(null)),
    /** g4f's way: an error with status 200. */
    "error-200": () => json({ error: { message: "Model not supported" } }),
    "error-text": () => json({ error: "Invalid model" }, 400),
    /** RFC 9457 problem details. */
    problem: () =>
      json(
        {
          type: "about:blank",
          title: "Unprocessable Entity",
          status: 422,
          detail: "messages must not be empty",
        },
        422,
        { "content-type": "application/problem+json" },
      ),
    /** Answers one JSON completion even when asked to stream. */
    "no-stream": () => json(completion()),
    hang,
    /** A non-streaming answer of `size` bytes (default 5 MiB). */
    big: ({ body, size }) => {
      const count = bigCount(size);
      return body.stream
        ? events(deltaStream(count, PIECE))
        : json(completion(PIECE.repeat(count)));
    },
    /** `size` deltas of one short word each. */
    "stream-chunks": ({ size }) => events(deltaStream(size || 20_000, "word ")),
    /** `size` deltas, 25 ms apart, each the time it was sent and a newline. */
    "stream-timed": ({ size }) =>
      events(generated(async (i) => {
        if (i === 0) return sse([chunk({ role: "assistant", content: "" })]);
        if (i <= (size || 40)) {
          await delay(25);
          return sse([chunk({ content: `${now().toFixed(3)}\n` })]);
        }
        if (i === (size || 40) + 1) {
          return sse([chunk({}, "stop")]) + "data: [DONE]\n\n";
        }
      })),
    /** `size` deltas (default 500), 10 ms apart; records a client that leaves. */
    "stream-endless": ({ size, cancelled }) =>
      events(generated(async (i) => {
        if (i === 0) return sse([chunk({ role: "assistant", content: "" })]);
        if (i <= (size || 500)) {
          await delay(10);
          return sse([chunk({ content: `${i} ` })]);
        }
        if (i === (size || 500) + 1) {
          return sse([chunk({}, "stop")]) + "data: [DONE]\n\n";
        }
      }, cancelled)),
    "stream-cut": () =>
      events(
        sse([chunk({ content: "A case " }), chunk({ content: "reaches" })]),
      ),
    "stream-length": () => events(streamOf(["A case"], { finish: "length" })),
    "stream-error": () =>
      events(
        sse([chunk({ content: "A case " })]) +
          sse([{
            ...chunk({ content: "" }),
            error: { code: 400, message: "Token limit reached" },
          }]) +
          "data: [DONE]\n\n",
      ),
    "stream-stall": (call) =>
      events(
        generated((i) =>
          i === 0
            ? sse([chunk({ content: "A case" })])
            : hang(call).then(() => undefined)
        ),
      ),
    awkward: () => {
      const pieces = awkwardSplit(awkwardBody());
      return events(generated(async (i) => {
        if (i >= pieces.length) return undefined;
        await delay(1);
        return pieces[i];
      }));
    },
  };

/**
 * The `stream-reset` scenario, on a raw TCP listener: it answers 200 with one
 * chunk of a stream, then closes the connection in the middle of the chunked
 * body, as a crashing server or a dropped connection does.
 */
function startBreaker() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const event = encoder.encode(sse([chunk({ content: "A case" })]));
  const serve = async (conn: Deno.Conn) => {
    await readRequest(conn);
    await conn.write(encoder.encode(
      "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" +
        `transfer-encoding: chunked\r\n\r\n${event.length.toString(16)}\r\n`,
    ));
    await conn.write(event);
    await conn.write(encoder.encode("\r\n"));
    await delay(20);
    conn.close(); // no terminating zero-length chunk: the body breaks off
  };
  (async () => {
    for await (const conn of listener) serve(conn).catch(() => conn.close());
  })().catch(() => {}); // the listener was closed
  return {
    url: `http://127.0.0.1:${listener.addr.port}/stream-reset/v1`,
    close: () => listener.close(),
  };
}

/** Reads one HTTP request with a content-length body, and drops it. */
async function readRequest(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(1 << 16);
  let text = "";
  let read;
  while ((read = await conn.read(buffer)) !== null) {
    text += new TextDecoder().decode(buffer.subarray(0, read));
    const end = text.indexOf("\r\n\r\n");
    const length = Number(text.match(/content-length: *(\d+)/i)?.[1] ?? 0);
    if (end >= 0 && encoder.encode(text.slice(end + 4)).length >= length) {
      return;
    }
  }
}

/** A running scripted server. */
export interface FakeServer extends AsyncDisposable {
  /** The base URL to put in OPENAI_BASE_URL for a scenario. */
  url(scenario: string, size?: number): string;
  /** The JSON bodies of the requests served so far, by scenario. */
  requests: Map<string, Call["body"][]>;
  /** The method and path of each request so far, in order, by scenario. */
  paths: Map<string, string[]>;
  /** When (by {@linkcode now}) each of those requests had arrived whole, by scenario. */
  arrived: Map<string, number[]>;
  /** When (by {@linkcode now}) a client left in the middle of a body, by scenario. */
  cancelled: Map<string, number>;
  /** The `scripted` scenario's answers, which the test writes. */
  script: Script;
}

/**
 * Starts the server on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startServer } from "./server.ts";
 * // It listens on 127.0.0.1: with the network allowed there (deno task test).
 * const net = await Deno.permissions.query({ name: "net", host: "127.0.0.1" });
 * if (net.state === "granted") {
 *   await using server = startServer();
 *   assert.match(server.url("ok"), /^http:\/\/127\.0\.0\.1:\d+\/ok\/v1$/);
 * }
 * ```
 */
export function startServer(): FakeServer {
  const requests = new Map<string, Call["body"][]>();
  const paths = new Map<string, string[]>();
  const arrived = new Map<string, number[]>();
  const cancelled = new Map<string, number>();
  const closing = new AbortController();
  const script = new Script();
  const breaker = startBreaker();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const [name, second] = new URL(request.url).pathname.split("/").slice(1);
      const scenario = scenarios[name] ?? RESPONSES_SCENARIOS[name];
      if (!scenario) return json(apiError(`no scenario ${name}`, "test"), 400);
      paths.set(name, [
        ...paths.get(name) ?? [],
        `${request.method} ${new URL(request.url).pathname}`,
      ]);
      if (request.method === "GET") {
        // Every scenario lists the same models, in no order.
        if (!request.url.endsWith("/v1/models")) {
          return json(apiError("not found", "test"), 404);
        }
        requests.set(name, [...requests.get(name) ?? [], {}]);
        return json({
          object: "list",
          data: ["gpt-4o-mini", "gpt-4o", "o4-mini"].map((id) => ({
            id,
            object: "model",
            created: 1_715_367_049,
            owned_by: "system",
          })),
        });
      }
      const body = await request.json();
      arrived.set(name, [...arrived.get(name) ?? [], now()]);
      requests.set(name, [...requests.get(name) ?? [], body]);
      return await scenario({
        request,
        body,
        size: Number(second) || 0,
        closing: closing.signal,
        cancelled: () => void cancelled.set(name, now()),
        script,
      });
    },
  );
  return {
    url: (scenario, size) =>
      scenario === "stream-reset"
        ? breaker.url
        : `http://127.0.0.1:${server.addr.port}/${scenario}${
          size ? `/${size}` : ""
        }/v1`,
    requests,
    paths,
    arrived,
    cancelled,
    script,
    async [Symbol.asyncDispose]() {
      closing.abort();
      script.close();
      breaker.close();
      await server.shutdown();
    },
  };
}
