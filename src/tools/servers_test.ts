import assert from "node:assert/strict";
import {
  Client,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import {
  connect,
  grantAdvice,
  reasonOf,
  sandboxArgs,
  serverEnv,
} from "./servers.ts";
import { idAtEnd, idAtStart, ProcessTransport, readLines } from "./stdio.ts";
import { boundedFetch } from "./bounded_fetch.ts";
import { testWith } from "../../testdata/permissions.ts";
import { startHttpToolServer } from "../../testdata/mcp_http.ts";
import type { ToolServer } from "../config/file.ts";
import { ConfigError } from "../config/connection.ts";

const SERVER: ToolServer = {
  name: "s",
  kind: "module",
  target: "npm:server@1",
  args: ["--root", "/notes"],
  grants: {
    read: ["/notes", "/docs"],
    write: ["/notes"],
    net: ["api.example.com:443"],
    env: ["NOTES_TOKEN"],
    run: ["git"],
  },
  env: {},
  headers: {},
  allow: [],
};

Deno.test("sandboxArgs() runs the module with no prompt, no config, no variable it was not granted, and only its grants", () => {
  assert.deepEqual(sandboxArgs(SERVER), [
    "run",
    "--no-prompt",
    "--no-config",
    "--quiet",
    "--ignore-env",
    "--cached-only",
    "--no-remote",
    "--allow-read=/notes,/docs",
    "--allow-write=/notes",
    "--allow-net=api.example.com:443",
    "--allow-env=NOTES_TOKEN",
    "--allow-run=git",
    "npm:server@1",
    "--root",
    "/notes",
  ]);
});

Deno.test("sandboxArgs() lets a module import from the network only what it is made of", () => {
  const imports = (target: string) =>
    sandboxArgs({ ...SERVER, target }).filter((flag) =>
      /^--(no-remote|allow-import)/.test(flag)
    );
  assert.deepEqual(imports("npm:server@1"), ["--no-remote"]);
  assert.deepEqual(imports("/home/me/server.ts"), ["--no-remote"]);
  assert.deepEqual(imports("jsr:@me/server"), ["--allow-import=jsr.io:443"]);
  assert.deepEqual(imports("https://example.com/s.ts"), [
    "--allow-import=example.com:443",
  ]);
});

Deno.test("serverEnv() passes on only what the server needs and was given, never a key nor the network settings", () => {
  const env = (name: string) => {
    if (name === "SECRET_ONE") throw new Deno.errors.NotCapable("no");
    return ({
      HOME: "/home/ada",
      PATH: "/usr/bin",
      DENO_DIR: "/cache/deno",
      OPENAI_API_KEY: "sk-not-passed",
      NODE_EXTRA_CA_CERTS: "/etc/ca.pem",
      HTTPS_PROXY: "http://proxy:3128",
      NOTES_TOKEN: "from-env",
    } as Record<string, string>)[name];
  };
  assert.deepEqual(serverEnv(SERVER, env), {
    NO_COLOR: "1",
    HOME: "/home/ada",
    DENO_DIR: "/cache/deno",
    NOTES_TOKEN: "from-env",
  });
  assert.deepEqual(
    serverEnv({
      ...SERVER,
      kind: "command",
      target: "uvx",
      grants: { ...SERVER.grants, env: ["SECRET_ONE", "NOTES_TOKEN"] },
      env: { NOTES_TOKEN: "from-config" },
    }, env),
    {
      NO_COLOR: "1",
      PATH: "/usr/bin",
      HOME: "/home/ada",
      NOTES_TOKEN: "from-config",
    },
  );
});

Deno.test("reasonOf() names the program that is not there, and how to point at it", () => {
  const missing = new Deno.errors.NotFound(
    "Failed to spawn 'uvx': No such file or directory (os error 2)",
  );
  assert.equal(
    reasonOf(missing, "", { ...SERVER, kind: "command", target: "uvx" }),
    "uvx was not found: install it, or give its full path as command in " +
      "[mcp.s] of the config file",
  );
  assert.equal(
    reasonOf(missing, "", SERVER),
    "deno was not found: put it on PATH",
  );
  assert.equal(reasonOf(missing), "the program was not found");
  // A server's own "not found" is no missing program.
  assert.equal(
    reasonOf(new Error("MCP error -32602: Tool nope not found"), "", SERVER),
    "Tool nope not found",
  );
});

Deno.test("connect() says in one line why a url server did not start, its first request the 2026 handshake's probe or not", async (t) => {
  const cases: [string, typeof fetch, string][] = [
    [
      "an HTTP error",
      () => Promise.resolve(new Response("boom", { status: 500 })),
      "it answered HTTP 500",
    ],
    [
      "JSON that is no JSON-RPC",
      () => Promise.resolve(Response.json({ hello: 1 })),
      "it answered in a shape the protocol does not allow",
    ],
    [
      "no server",
      () => Promise.reject(new TypeError("error sending request")),
      "error sending request",
    ],
  ];
  for (const [name, fetch, reason] of cases) {
    await t.step(name, async () => {
      await assert.rejects(
        connect({ ...SERVER, name: "r", kind: "url", target: "http://h/mcp" }, {
          env: () => undefined,
          denoPath: "deno",
          fetch,
        }),
        new ConfigError(`tool server r did not start: ${reason}`),
      );
    });
  }
});

Deno.test("reasonOf() says why a server failed in one line, with its own last words", () => {
  assert.equal(
    reasonOf(new Error("MCP error -32001: Request timed out")),
    "it did not answer in time",
  );
  assert.equal(
    reasonOf(
      new Error("MCP error -32000: Connection closed"),
      "warming up\nerror: boom\n\n",
    ),
    "it exited (it said: error: boom)",
  );
  assert.equal(
    reasonOf(
      new Error("MCP error -32000: MCP error -32000: Connection closed"),
      "Error: boom\n    at main (file:///s.ts:5:72)\n    at <anonymous>\n",
    ),
    "it exited (it said: Error: boom)",
  );
  assert.equal(
    reasonOf(
      new Error(
        'Invalid tools/call result: [\n  {\n    "code": "invalid_type"',
      ),
    ),
    "it answered in a shape the protocol does not allow",
  );
  assert.equal(
    reasonOf(new Error("MCP error -32603: list failed")),
    "list failed",
  );
  assert.match(
    reasonOf(new Deno.errors.NotCapable('Requires run access to "deno"')),
    /^this run may not start programs/,
  );
});

Deno.test("a module server's refusals by Deno name the config's fix, not Deno's flag", async (t) => {
  for (
    const [kind, what, fix] of [
      [
        "read",
        '"/etc/hostname"',
        ": add it to allow_read in [mcp.s] of the config file",
      ],
      [
        "write",
        '"/notes/a.md"',
        ": add it to allow_write in [mcp.s] of the config file",
      ],
      [
        "net",
        '"example.com:443"',
        ": add it to allow_net in [mcp.s] of the config file",
      ],
      [
        "env",
        '"NOTES_TOKEN"',
        ": add it to allow_env in [mcp.s] of the config file",
      ],
      ["run", '"git"', ": add it to allow_run in [mcp.s] of the config file"],
      ["sys", '"hostname"', ", which a module server is never granted"],
      ["ffi", '"/lib/x.so"', ", which a module server is never granted"],
      [
        "import",
        '"deno.land:443"',
        ": a module server may import code only from its own host",
      ],
    ]
  ) {
    await t.step(kind, () => {
      const denied = `Requires ${kind} access to ${what}`;
      assert.equal(
        grantAdvice(
          `Error: ${denied}, run again with the --allow-${kind} flag`,
          SERVER,
        ),
        `Error: ${denied}${fix}`,
      );
    });
  }
  await t.step("in a server's last words, for a module only", () => {
    const said =
      'error: Uncaught NotCapable: Requires write access to "/notes/a.md", ' +
      "run again with the --allow-write flag";
    const closed = new Error("MCP error -32000: Connection closed");
    assert.equal(
      reasonOf(closed, said, SERVER),
      'it exited (it said: error: Uncaught NotCapable: Requires write access to "/notes/a.md": ' +
        "add it to allow_write in [mcp.s] of the config file)",
    );
    // A program runs with flags of its own: Deno's advice stands.
    assert.equal(
      reasonOf(closed, said, { ...SERVER, kind: "command", target: "deno" }),
      `it exited (it said: ${said})`,
    );
  });
  await t.step("text that only looks like it", () => {
    const text = "Requires read access, run again with the --allow-write flag";
    assert.equal(grantAdvice(text, SERVER), text);
  });
});

Deno.test("readLines() gives each line whole however it is cut, and drops a line over the limit whole, telling its ends, reading on", async (t) => {
  const read = async (chunks: string[]) => {
    const lines: string[] = [];
    const dropped: string[] = [];
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    await readLines(
      ReadableStream.from(chunks.map((each) => new TextEncoder().encode(each))),
      10,
      (line) => lines.push(line.toString()),
      (head, tail) =>
        dropped.push(tail === undefined ? text(head) : `…${text(tail)}`),
    );
    return { lines, dropped };
  };
  const cases: [string, string[], string[], string[]][] = [
    [
      "several lines in one piece",
      ["a\nb\r\nc\n"],
      ["a\n", "b\r\n", "c\n"],
      [],
    ],
    ["a line in many pieces", ["ab", "c", "", "d\ne"], ["abcd\n"], []],
    ["exactly the limit", ["123456789\n"], ["123456789\n"], []],
    [
      "over the limit in one piece",
      ["1234567890\nok\n"],
      ["ok\n"],
      ["1234567890\n", "…1234567890\n"],
    ],
    [
      "over the limit across pieces, its end in a later one",
      ["12345", "678901", "234", "5\nok\n"],
      ["ok\n"],
      ["12345678901", "…123456789012345\n"],
    ],
    [
      "over the limit, never ending",
      ["ok\n12345", "678901", "234"],
      ["ok\n"],
      ["12345678901"],
    ],
    ["no line break at the end", ["ok\npartial"], ["ok\n"], []],
  ];
  for (const [name, chunks, lines, dropped] of cases) {
    await t.step(name, async () => {
      assert.deepEqual(await read(chunks), { lines, dropped });
    });
  }
  await t.step(
    "a long line's ends are its first and last 256 bytes",
    async () => {
      const line = `{"id":1,${"x".repeat(3000)}"end":2}\n`;
      const heard: [Uint8Array, Uint8Array | undefined][] = [];
      await readLines(
        ReadableStream.from(
          [line.slice(0, 100), line.slice(100, 2000), line.slice(2000), "ok\n"]
            .map((each) => new TextEncoder().encode(each)),
        ),
        1000,
        () => {},
        (head, tail) =>
          heard.push([new Uint8Array(head), tail && new Uint8Array(tail)]),
      );
      const bytes = new TextEncoder().encode(line);
      assert.deepEqual(heard, [
        [bytes.subarray(0, 256), undefined],
        [bytes.subarray(0, 256), bytes.subarray(-256)],
      ]);
    },
  );
});

Deno.test("idAtStart() and idAtEnd() find a message's id only where it is the message's own", () => {
  assert.equal(idAtStart('  {"id":"x\\"y","jsonrpc":"2.0","result":{'), 'x"y');
  assert.equal(idAtStart('{"jsonrpc":"2.0","id":-3,"result"'), -3);
  assert.equal(idAtStart('{"result":{"id":4,"content":[{"text":"'), undefined);
  assert.equal(
    idAtStart('{"jsonrpc":"2.0","method":"notifications/m'),
    undefined,
  );
  assert.equal(idAtEnd('aaa"}]},"jsonrpc":"2.0","id":12}\r\n'), 12);
  assert.equal(idAtEnd('aaa"}]},"id":12,"jsonrpc":"2.0"}\n'), 12);
  // Inside a string, or a member of the result: not the message's.
  assert.equal(idAtEnd('aaa \\"id\\":12}"}]}}\n'), undefined);
  assert.equal(idAtEnd('"structuredContent":{"id":12}}}\n'), undefined);
});

/** The test tool server, run as a module server is, with nothing granted. */
function testServer(lineLimit: number): ProcessTransport {
  return new ProcessTransport(
    "deno",
    sandboxArgs({
      ...SERVER,
      target: new URL("../../testdata/mcp_server.ts", import.meta.url).pathname,
      args: [],
      grants: { read: [], write: [], net: [], env: [], run: [] },
    }),
    serverEnv(SERVER, (name) => Deno.env.get(name)),
    { lineLimit },
  );
}

testWith(
  { name: "run", command: "deno" },
  { name: "read", path: "." },
  { name: "env", variable: "HOME" },
)(
  "a result over the line limit fails its call at once, saying so, and the server answers the next",
  async () => {
    const client = new Client({ name: "t", version: "1" });
    await client.connect(testServer(100_000));
    await using _ = { [Symbol.asyncDispose]: () => client.close() };
    const started = Date.now();
    await assert.rejects(
      client.callTool({ name: "big", arguments: { bytes: 2_000_000 } }, {
        timeout: 20_000,
      }),
      (error: Error) => {
        assert.equal(
          error.message,
          "its answer was over 100000 bytes, the most one message may hold",
        );
        return true;
      },
    );
    // Not its timeout: the answer's end came, and with it the call's id.
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual(
      await client.callTool({ name: "echo", arguments: { text: "next" } }),
      { content: [{ type: "text", text: "next" }] },
    );
  },
);

testWith({ name: "net", host: "127.0.0.1" })(
  "a url server's answer over the limit fails its call at once, saying so, as JSON or as an event, and the server answers the next",
  async (t) => {
    for (const sse of [false, true]) {
      await t.step(sse ? "server-sent events" : "JSON", async () => {
        await using http = startHttpToolServer({ sse });
        const client = new Client({ name: "t", version: "1" });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(http.url), {
            fetch: boundedFetch(fetch, 100_000),
          }),
        );
        await using _ = { [Symbol.asyncDispose]: () => client.close() };
        await assert.rejects(
          client.callTool({ name: "big", arguments: { bytes: 2_000_000 } }, {
            timeout: 20_000,
          }),
          (error: Error) => {
            assert.equal(
              error.message.replace(/^MCP error -32603: /, ""),
              "its answer was over 100000 bytes, the most one message may hold",
            );
            return true;
          },
        );
        assert.deepEqual(
          await client.callTool({ name: "big", arguments: { bytes: 5 } }),
          { content: [{ type: "text", text: "bbbbb" }] },
        );
      });
    }
  },
);

Deno.test("boundedFetch() bounds each event of a stream, not the stream, and fails a stream that answers no request", async (t) => {
  const events = (text: string, body?: string) =>
    boundedFetch(() =>
      Promise.resolve(
        new Response(text, {
          headers: { "content-type": "text/event-stream; charset=utf-8" },
        }),
      ), 20)("http://127.0.0.1/", body === undefined ? {} : { body });
  await t.step("many short events, however lines end", async () => {
    const text = "data: 0123456789\n\n".repeat(5) +
      "data: 0123456789\r\n\r\ndata: 012\rdata: 345\r\r";
    assert.equal(await (await events(text)).text(), text);
  });
  await t.step("one event too long: an answer to each request", async () => {
    const answer = (id: number) =>
      `event: message\ndata: {"jsonrpc":"2.0","id":${id},"error":{"code":-32603,` +
      `"message":"its answer was over 20 bytes, the most one message may hold"}}\n\n`;
    assert.equal(
      await (await events(
        "data: 0123456789\ndata: 0123456789\n\n",
        JSON.stringify([
          { jsonrpc: "2.0", id: 4, method: "tools/call" },
          { jsonrpc: "2.0", method: "notifications/x" },
          { jsonrpc: "2.0", id: 5, method: "tools/call" },
        ]),
      )).text(),
      `data: 0123456789\ndata\n\n${answer(4)}${answer(5)}`,
    );
  });
  await t.step("one event too long in a stream that answers none", async () => {
    await assert.rejects(
      (await events("data: 0123456789\ndata: 0123456789\n\n")).text(),
      new Error("its answer was over 20 bytes, the most one message may hold"),
    );
  });
  await t.step("a body of JSON is bounded whole", async () => {
    const json = (text: string) =>
      boundedFetch(() => Promise.resolve(Response.json(text)), 20)(
        "http://127.0.0.1/",
      );
    assert.equal(await (await json("0123456789")).json(), "0123456789");
    await assert.rejects(
      (await json("01234567890123456789")).json(),
      new Error("its answer was over 20 bytes, the most one message may hold"),
    );
  });
});
