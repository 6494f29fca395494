/**
 * A small fake of `gpt4o --serve` for the chat page's browser tests, built on
 * `Deno.serve` (127.0.0.1, a free port), answering as the server does: the
 * page's files and `/api/highlight` by the real `pageResponse()` and
 * `highlightResponse()`, `/v1/models`,
 * `/api/conversations*` from an in-memory list, and `POST /api/chat` as a
 * stream of chat-completion chunks that the test writes (or a queue of
 * answers streamed at once), saved to the list as the history would. With
 * `token`, every `/v1/*` and `/api/*` request needs `Authorization: Bearer`.
 *
 * @module
 */
import { pageResponse } from "../src/serve/page.ts";
import { highlightResponse } from "../src/serve/highlight.ts";

/** A message as `/api/conversations/ID` gives it. */
export interface FakeMessage {
  role: "user" | "assistant" | "system" | "tool";
  content: string | Record<string, unknown>[] | null;
}

/** A conversation of the fake history. */
export interface FakeConversation {
  id: string;
  title: string;
  model: string;
  /** Milliseconds since the epoch; newest first in the list. */
  updated: number;
  system?: string;
  messages: FakeMessage[];
}

/** What the page sent to `POST /api/chat`. */
export interface ChatBody {
  conversation?: string;
  model?: string;
  prompt: string;
  attachments?: { name: string; media_type: string; data: string }[];
}

/** One `POST /api/chat` that the test answers, piece by piece. */
export interface Chat {
  body: ChatBody;
  /** The conversation it is saved in. */
  id: string;
  /** Streams a chunk whose delta is `text`. */
  send(text: string): void;
  /** Ends the answer: a last chunk, then `data: [DONE]`. */
  finish(): void;
  /** Ends it with `event: error`. */
  fail(message: string): void;
  /** Resolves when the page went away from the stream (its fetch aborted). */
  aborted: Promise<void>;
  /** Whether it was. */
  wasAborted(): boolean;
}

/** A request as the fake saw it. */
export interface SeenRequest {
  method: string;
  /** The path and query. */
  path: string;
  authorization: string | null;
}

/** The running fake. */
export interface PageServer {
  origin: string;
  /** Every request, in order. */
  requests: SeenRequest[];
  /** The history, as it is now. */
  conversations: FakeConversation[];
  /**
   * How the next chats answer, first first: each an answer's pieces,
   * streamed at once. A chat that finds the queue empty waits for the test:
   * {@linkcode PageServer.nextChat}.
   */
  answers: string[][];
  /** The next chat the test answers itself. */
  nextChat(): Promise<Chat>;
  close(): Promise<void>;
}

/** The fake's models, the default first. */
export const FAKE_MODELS = [
  "gpt-4o",
  "mini",
  "role:reviewer",
  "groq:llama-3.3-70b",
];

/** Starts the fake; `token` asks every API request for it. */
export function startPageServer(
  options: { token?: string; conversations?: FakeConversation[] } = {},
): PageServer {
  const requests: SeenRequest[] = [];
  const conversations = structuredClone(options.conversations ?? []);
  const answers: string[][] = [];
  const waiting: Chat[] = [];
  const takers: ((chat: Chat) => void)[] = [];
  let clock = Math.max(0, ...conversations.map((each) => each.updated));
  let made = 0;
  const openStreams = new Set<() => void>();

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      path: url.pathname + url.search,
      authorization: request.headers.get("authorization"),
    });
    const api = url.pathname.startsWith("/v1/") ||
      url.pathname.startsWith("/api/");
    if (!api) {
      return pageResponse(request) ?? failure(404, "not_found", "no such page");
    }
    if (
      options.token !== undefined &&
      request.headers.get("authorization") !== `Bearer ${options.token}`
    ) {
      return failure(401, "token_required", "this server needs its token");
    }
    const route = `${request.method} ${url.pathname}`;
    if (route === "GET /v1/models") {
      return Response.json({
        object: "list",
        data: FAKE_MODELS.map((id) => ({
          id,
          object: "model",
          created: 0,
          owned_by: "gpt4o",
        })),
      });
    }
    if (route === "GET /api/conversations") {
      const words = (url.searchParams.get("q") ?? "").toLowerCase().split(/\s+/)
        .filter(Boolean);
      const limit = Number(url.searchParams.get("limit") ?? 50);
      const found = conversations
        .filter((each) => words.every((word) => textOf(each).includes(word)))
        .sort((a, b) => b.updated - a.updated)
        .slice(0, limit)
        .map(({ id, title, model, updated, messages }) => ({
          id,
          title,
          model,
          updated,
          turns: messages.filter((message) => message.role === "user").length,
        }));
      return Response.json({ data: found });
    }
    const one = url.pathname.match(/^\/api\/conversations\/([^/]+)$/);
    if (request.method === "GET" && one) {
      const found = conversations.find((each) =>
        each.id === decodeURIComponent(one[1])
      );
      if (!found) return failure(404, "not_found", "no such conversation");
      const { id, title, model, system, messages } = found;
      return Response.json({ id, title, model, system, messages });
    }
    if (route === "POST /api/highlight") {
      return highlightResponse(await request.json());
    }
    if (route === "POST /api/chat") {
      return chat((await request.json()) as ChatBody);
    }
    return failure(404, "not_found", `no route ${route}`);
  };

  function chat(body: ChatBody): Response {
    let conversation = conversations.find((each) =>
      each.id === body.conversation
    );
    if (!conversation) {
      conversation = {
        id: `conv-${++made}`,
        title: body.prompt.split("\n")[0].slice(0, 60),
        model: body.model ?? FAKE_MODELS[0],
        updated: ++clock,
        messages: [],
      };
      conversations.push(conversation);
    }
    const saved = conversation;
    let answer = "";
    let stream!: ReadableStreamDefaultController<Uint8Array>;
    let open = true;
    let markAborted!: () => void;
    let aborted = false;
    const abortedPromise = new Promise<void>((resolve) => {
      markAborted = () => {
        if (aborted) return;
        aborted = true;
        save(" [interrupted]");
        resolve();
      };
    });
    const encoder = new TextEncoder();
    const write = (text: string) => {
      if (open) stream.enqueue(encoder.encode(text));
    };
    const end = () => {
      openStreams.delete(end);
      if (!open) return;
      open = false;
      stream.close();
    };
    openStreams.add(end);
    const save = (suffix = "") => {
      saved.messages.push(
        {
          role: "user",
          content: body.attachments?.length
            ? [
              { type: "text", text: body.prompt },
              ...body.attachments.map((each) => ({
                type: "image_url",
                image_url: {
                  url: `data:${each.media_type};base64,${each.data}`,
                },
              })),
            ]
            : body.prompt,
        },
        { role: "assistant", content: answer + suffix },
      );
      saved.updated = ++clock;
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${
        JSON.stringify({
          id: "chatcmpl-page",
          object: "chat.completion.chunk",
          created: 0,
          model: body.model ?? FAKE_MODELS[0],
          choices: [{ index: 0, delta, finish_reason: finish }],
        })
      }\n\n`;
    const handle: Chat = {
      body,
      id: saved.id,
      send(text) {
        answer += text;
        write(chunk({ content: text }, null));
      },
      finish() {
        write(chunk({}, "stop"));
        write("data: [DONE]\n\n");
        save();
        end();
      },
      fail(message) {
        write(
          `event: error\ndata: ${
            JSON.stringify({ error: { message, type: "server_error" } })
          }\n\n`,
        );
        end();
      },
      aborted: abortedPromise,
      wasAborted: () => aborted,
    };
    const body$ = new ReadableStream<Uint8Array>({
      start(controller) {
        stream = controller;
        write(
          `event: conversation\ndata: ${JSON.stringify({ id: saved.id })}\n\n`,
        );
        write(chunk({ role: "assistant", content: "" }, null));
      },
      cancel() {
        if (open) markAborted();
        open = false;
      },
    });
    const queued = answers.shift();
    if (queued) {
      for (const piece of queued) handle.send(piece);
      handle.finish();
    } else {
      const taker = takers.shift();
      if (taker) taker(handle);
      else waiting.push(handle);
    }
    return new Response(body$, {
      headers: {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
      },
    });
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    handler,
  );
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    requests,
    conversations,
    answers,
    nextChat() {
      const ready = waiting.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => takers.push(resolve));
    },
    async close() {
      for (const end of [...openStreams]) end();
      await server.shutdown();
    },
  };
}

function textOf(conversation: FakeConversation): string {
  const parts = conversation.messages.flatMap((message) =>
    typeof message.content === "string"
      ? [message.content]
      : (message.content ?? []).map((part) => String(part.text ?? ""))
  );
  return [conversation.title, ...parts].join("\n").toLowerCase();
}

function failure(status: number, code: string, message: string): Response {
  return Response.json(
    { error: { message, type: "invalid_request_error", code } },
    { status },
  );
}
