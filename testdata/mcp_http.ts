/**
 * A tool server over Streamable HTTP on 127.0.0.1, for the tests of `url`
 * servers: one tool, `whoami`, that answers with the request's
 * `Authorization` header as the server saw it.
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
export function startHttpToolServer(): HttpToolServer {
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
      inputSchema: { type: "object", properties: {} },
    }],
  }));
  server.setRequestHandler("tools/call", () => ({
    content: [{ type: "text", text: `you sent ${last ?? "no header"}` }],
  }));
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
    enableJsonResponse: true,
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
