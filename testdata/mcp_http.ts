/**
 * A tool server over Streamable HTTP on 127.0.0.1, for the tests of `url`
 * servers. Its tools: `whoami`, that answers with the request's
 * `Authorization` header as the server saw it, and `big {bytes}`, a result
 * of that many bytes. It answers with JSON, or with server-sent events when
 * `sse` is set.
 *
 * @module
 */
// The same server SDK as the stdio test server's, which runs with no config.
// deno-lint-ignore-file no-import-prefix
import {
  Server,
  WebStandardStreamableHTTPServerTransport,
} from "npm:@modelcontextprotocol/server@2.4.0";

/** A running HTTP tool server: its URL, and what it saw. */
export interface HttpToolServer extends AsyncDisposable {
  url: string;
  /** The `Authorization` header of each request. */
  authorizations: (string | null)[];
}

/** Starts the server on a free port of 127.0.0.1. */
export function startHttpToolServer(
  { sse = false }: { sse?: boolean } = {},
): HttpToolServer {
  const authorizations: (string | null)[] = [];
  let last: string | null = null;
  const server = new Server(
    { name: "http-tools", version: "1.0.0" },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler("tools/list", () => ({
    tools: [{
      name: "whoami",
      description: "Says which Authorization header came.",
      inputSchema: {
        type: "object",
        properties: {} as Record<string, { type: string }>,
      },
    }, {
      name: "big",
      description: "Answers with many bytes.",
      inputSchema: {
        type: "object",
        properties: { bytes: { type: "number" } },
      },
    }],
  }));
  server.setRequestHandler("tools/call", (request) => ({
    content: [{
      type: "text",
      text: request.params.name === "big"
        ? "b".repeat(Number(request.params.arguments?.bytes))
        : `you sent ${last ?? "no header"}`,
    }],
  }));
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
    enableJsonResponse: !sse,
  });
  const connected = server.connect(transport);
  const http = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      await connected;
      last = request.headers.get("authorization");
      authorizations.push(last);
      return await transport.handleRequest(request);
    },
  );
  return {
    url: `http://127.0.0.1:${http.addr.port}/mcp`,
    authorizations,
    async [Symbol.asyncDispose]() {
      await server.close();
      await http.shutdown();
    },
  };
}
