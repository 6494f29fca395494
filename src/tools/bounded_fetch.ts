/**
 * The `fetch` a `url` tool server is reached through, bounded like a stdio
 * server's lines: a response, or one server-sent event, over the limit is
 * cut off there, and each request it answered fails saying so.
 *
 * @module
 */
import { INTERNAL_ERROR } from "@modelcontextprotocol/client";
import { LINE_LIMIT, tooLongMessage } from "./limits.ts";

/**
 * The `fetch` a `url` server is reached through: a response's body, or one
 * event of a stream of server-sent events, over `limit` bytes is cut off
 * there. A stream that answers requests then says, as the server's answer
 * to each, that it was over the limit, and ends; any other body fails with
 * the same words.
 */
export function boundedFetch(
  fetch: typeof globalThis.fetch,
  limit = LINE_LIMIT,
): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (
      response.body === null ||
      (response.status >= 300 && response.status < 400)
    ) {
      return response;
    }
    const type = response.headers.get("content-type")?.split(";")[0].trim()
      .toLowerCase();
    const body = response.body.pipeThrough(
      type === "text/event-stream"
        ? eventsWithin(limit, requestIds(init?.body))
        : bytesWithin(limit),
    );
    const bounded = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(bounded, "url", { value: response.url });
    return bounded;
  };
}

/** A body of at most `limit` bytes: one beyond fails there. */
function bytesWithin(limit: number): TransformStream<Uint8Array, Uint8Array> {
  let size = 0;
  return new TransformStream({
    transform(chunk, controller) {
      size += chunk.length;
      if (size > limit) controller.error(new Error(tooLongMessage(limit)));
      else controller.enqueue(chunk);
    },
  });
}

/**
 * Server-sent events of at most `limit` bytes each (an event ends at a
 * blank line). At one beyond, the stream ends with an error answer to each
 * of `ids`, the requests it was to answer; with none, it fails.
 */
function eventsWithin(
  limit: number,
  ids: (string | number)[],
): TransformStream<Uint8Array, Uint8Array> {
  let size = 0; // of the event so far
  let line = 0; // of its line so far
  let pairedLf = false; // a line feed now would end the line with the CR before it
  return new TransformStream({
    transform(chunk, controller) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (pairedLf) {
          pairedLf = false;
          if (byte === 0x0a) continue;
        }
        if (byte === 0x0a || byte === 0x0d) {
          if (line === 0) size = 0;
          line = 0;
          pairedLf = byte === 0x0d;
          continue;
        }
        line++;
        if (++size <= limit) continue;
        if (ids.length === 0) {
          return controller.error(new Error(tooLongMessage(limit)));
        }
        controller.enqueue(chunk.subarray(0, i));
        const answers = ids.map((id) =>
          `event: message\ndata: ${
            JSON.stringify({
              jsonrpc: "2.0",
              id,
              error: { code: INTERNAL_ERROR, message: tooLongMessage(limit) },
            })
          }\n\n`
        );
        controller.enqueue(
          new TextEncoder().encode(`\n\n${answers.join("")}`),
        );
        return controller.terminate();
      }
      controller.enqueue(chunk);
    },
  });
}

/** The ids of the requests a POST's body holds (JSON-RPC, one or a batch). */
function requestIds(body: unknown): (string | number)[] {
  if (typeof body !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(body);
    return (Array.isArray(parsed) ? parsed : [parsed]).flatMap((each) => {
      const { method, id } = (each ?? {}) as { method?: unknown; id?: unknown };
      return typeof method === "string" &&
          (typeof id === "string" || typeof id === "number")
        ? [id]
        : [];
    });
  } catch {
    return [];
  }
}
