/**
 * A tool server over Streamable HTTP on 127.0.0.1, for the tests of `url`
 * servers. Its tools: `whoami`, that answers with the request's
 * `Authorization` header as the server saw it, and `big {bytes}`, a result
 * of that many bytes. It answers with JSON, or with server-sent events when
 * `sse` is set. It speaks MCP of 2025-11-25 (`initialize`, then a session),
 * or with `era: "2026-07-28"` only that revision's (`server/discover`, each
 * request on its own).
 *
 * @module
 */
// The same server SDK as the stdio test server's, which runs with no config.
// deno-lint-ignore-file no-import-prefix
import {
  createMcpHandler,
  Server,
  WebStandardStreamableHTTPServerTransport,
} from "npm:@modelcontextprotocol/server@2.4.0";

/** A running HTTP tool server: its URL, and what it saw. */
export interface HttpToolServer extends AsyncDisposable {
  url: string;
  /** The `Authorization` header of each request. */
  authorizations: (string | null)[];
  /**
   * Each POST: its JSON-RPC method and its `MCP-Protocol-Version` header
   * (`"tools/list 2025-11-25"`, or the method alone without the header).
   */
  posts: string[];
}

/** The revisions of MCP the server may speak. */
export type Era = "2025-11-25" | "2026-07-28";

/** A tool as a listing gives it. */
export interface ListedTool {
  name: string;
  description?: string;
  inputSchema: {
    type: "object";
    properties?: Record<string, Record<string, string>>;
  };
}

/** Starts the server on a free port of 127.0.0.1, `more` listed after its tools. */
export function startHttpToolServer(
  { sse = false, era = "2025-11-25", more = [] }: {
    sse?: boolean;
    era?: Era;
    more?: ListedTool[];
  } = {},
): HttpToolServer {
  const authorizations: (string | null)[] = [];
  const posts: string[] = [];
  let last: string | null = null;
  const tools = () => {
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
      }, ...more],
    }));
    server.setRequestHandler("tools/call", (request) => ({
      content: [{
        type: "text",
        text: request.params.name === "big"
          ? "b".repeat(Number(request.params.arguments?.bytes))
          : `you sent ${last ?? "no header"}`,
      }],
    }));
    return server;
  };
  // 2025-11-25: one server, its session kept by the transport.
  const server = tools();
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
    enableJsonResponse: !sse,
  });
  const connected = era === "2025-11-25" ? server.connect(transport) : null;
  // 2026-07-28 alone: a server for each request, the 2025 handshake refused.
  const modern = era === "2026-07-28"
    ? createMcpHandler(tools, {
      legacy: "reject",
      ...sse ? { responseMode: "sse" } : {},
    })
    : null;
  const http = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      await connected;
      last = request.headers.get("authorization");
      authorizations.push(last);
      if (request.method === "POST") {
        // Read here and handed on in a request of its own: no signal tied
        // to Deno's, whose end Deno warns of when the SDK listens to it.
        const body = await request.text();
        const version = request.headers.get("mcp-protocol-version");
        const { method } = JSON.parse(body) as { method?: string };
        posts.push(version ? `${method} ${version}` : String(method));
        request = new Request(request.url, {
          method: "POST",
          headers: request.headers,
          body,
        });
      }
      return era === "2025-11-25"
        ? await transport.handleRequest(request)
        : await modern!.fetch(request);
    },
  );
  return {
    url: `http://127.0.0.1:${http.addr.port}/mcp`,
    authorizations,
    posts,
    async [Symbol.asyncDispose]() {
      await server.close();
      await modern?.close();
      await http.shutdown();
    },
  };
}
