import assert from "node:assert/strict";
import { BODY_LIMIT, Guard, isLoopback, readJSON, Slots } from "./guard.ts";
import { ServeError } from "./replies.ts";

/** A request to `path` with these headers. */
function request(
  headers: Record<string, string>,
  init: RequestInit = {},
  path = "/v1/models",
): Request {
  return new Request(`http://127.0.0.1:1337${path}`, { ...init, headers });
}

/** The status `check` throws, or 0 when it passes. */
function statusOf(check: () => void): number {
  try {
    check();
    return 0;
  } catch (error) {
    assert.ok(error instanceof ServeError);
    return error.status;
  }
}

Deno.test("checkHost() takes the address served by name or IP and port, and refuses any other (DNS rebinding)", async (t) => {
  const cases: [
    string,
    ConstructorParameters<typeof Guard>[0],
    string,
    number,
  ][] = [
    [
      "loopback by localhost",
      { host: "127.0.0.1", port: 1337 },
      "localhost:1337",
      0,
    ],
    [
      "loopback by its IP",
      { host: "127.0.0.1", port: 1337 },
      "127.0.0.1:1337",
      0,
    ],
    ["loopback by IPv6", { host: "127.0.0.1", port: 1337 }, "[::1]:1337", 0],
    [
      "loopback, name in capitals",
      { host: "localhost", port: 1337 },
      "LOCALHOST:1337",
      0,
    ],
    [
      "loopback, another port",
      { host: "127.0.0.1", port: 1337 },
      "127.0.0.1:1338",
      421,
    ],
    ["loopback, no port", { host: "127.0.0.1", port: 1337 }, "127.0.0.1", 421],
    [
      "loopback, port 80 left out",
      { host: "127.0.0.1", port: 80 },
      "localhost",
      0,
    ],
    [
      "loopback, a rebinding name",
      { host: "127.0.0.1", port: 1337 },
      "evil.example:1337",
      421,
    ],
    [
      "loopback, another IP",
      { host: "127.0.0.1", port: 1337 },
      "192.168.1.5:1337",
      421,
    ],
    ["loopback, no Host", { host: "127.0.0.1", port: 1337 }, "", 421],
    [
      "loopback, a Host with a path",
      { host: "127.0.0.1", port: 1337 },
      "localhost:1337/x",
      421,
    ],
    [
      "every address, by IP",
      { host: "0.0.0.0", port: 1337 },
      "192.168.1.5:1337",
      0,
    ],
    ["every address, by IPv6", { host: "::", port: 1337 }, "[fe80::1]:1337", 0],
    [
      "every address, by localhost",
      { host: "0.0.0.0", port: 1337 },
      "localhost:1337",
      0,
    ],
    [
      "every address, a name",
      { host: "0.0.0.0", port: 1337 },
      "evil.example:1337",
      421,
    ],
    [
      "a name",
      { host: "box.lan", port: 1337, bound: "10.0.0.5" },
      "box.lan:1337",
      0,
    ],
    [
      "a name, by its IP",
      { host: "box.lan", port: 1337, bound: "10.0.0.5" },
      "10.0.0.5:1337",
      0,
    ],
    [
      "a name, by localhost",
      { host: "box.lan", port: 1337, bound: "10.0.0.5" },
      "localhost:1337",
      421,
    ],
    ["an IPv6 address", { host: "fd00::5", port: 1337 }, "[fd00::5]:1337", 0],
  ];
  for (const [name, guarded, host, status] of cases) {
    await t.step(name, () => {
      const guard = new Guard(guarded);
      assert.equal(statusOf(() => guard.checkHost(request({ host }))), status);
    });
  }
  await t.step("the refusal names the address to use", () => {
    const guard = new Guard({ host: "::1", port: 8080 });
    assert.throws(
      () => guard.checkHost(request({ host: "evil.example:8080" })),
      {
        message: "this server answers requests to [::1]:8080, not to " +
          '"evil.example:8080": open it by that address',
        code: "misdirected_request",
      },
    );
  });
});

Deno.test("checkOrigin() lets in the server's own pages and --cors' origin, and no other", async (t) => {
  const cases: [string | undefined, string | undefined, number][] = [
    [undefined, undefined, 0],
    ["http://127.0.0.1:1337", undefined, 0],
    ["HTTP://127.0.0.1:1337", undefined, 0],
    ["https://app.example", "https://app.example", 0],
    ["https://app.example", undefined, 403],
    ["http://127.0.0.1:1338", undefined, 403],
    ["null", undefined, 403],
    ["https://evil.example", "https://app.example", 403],
  ];
  for (const [origin, cors, status] of cases) {
    await t.step(`${origin} with --cors ${cors}`, () => {
      const guard = new Guard({
        host: "127.0.0.1",
        port: 1337,
        ...(cors ? { cors } : {}),
      });
      const headers: Record<string, string> = { host: "127.0.0.1:1337" };
      if (origin) headers.origin = origin;
      assert.equal(statusOf(() => guard.checkOrigin(request(headers))), status);
    });
  }
});

Deno.test("corsHeaders() and preflight() answer the --cors origin alone", () => {
  const guard = new Guard({
    host: "127.0.0.1",
    port: 1337,
    cors: "https://app.example",
  });
  assert.deepEqual(
    guard.corsHeaders(request({ origin: "https://evil.example" })),
    {},
  );
  assert.deepEqual(guard.corsHeaders(request({})), {});
  const preflight = guard.preflight(request({
    origin: "https://app.example",
    "access-control-request-headers": "x-a;b",
  }, { method: "OPTIONS" }));
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-headers"), null);
  assert.equal(
    statusOf(() =>
      guard.preflight(request({ origin: "https://evil.example" }))
    ),
    405,
  );
  const off = new Guard({ host: "127.0.0.1", port: 1337 });
  assert.equal(
    statusOf(() => off.preflight(request({ origin: "https://app.example" }))),
    405,
  );
});

Deno.test("checkToken() takes the token as a bearer, and refuses none or another with token_required", async (t) => {
  const token = "serve-token-0123456789abcdef";
  const guard = new Guard({ host: "127.0.0.1", port: 1337, token });
  const cases: [string | undefined, number][] = [
    [`Bearer ${token}`, 0],
    [`bearer  ${token} `, 0],
    [undefined, 401],
    [`Bearer ${token}x`, 401],
    [`Bearer ${token.slice(0, -1)}`, 401],
    [token, 401],
    ["Basic dXNlcjpwYXNz", 401],
  ];
  for (const [authorization, status] of cases) {
    await t.step(String(authorization), () => {
      const headers: Record<string, string> = authorization
        ? { authorization }
        : {};
      assert.equal(statusOf(() => guard.checkToken(request(headers))), status);
    });
  }
  await t.step("no token: every request passes", () => {
    const open = new Guard({ host: "127.0.0.1", port: 1337 });
    assert.equal(statusOf(() => open.checkToken(request({}))), 0);
  });
});

/** A request whose body arrives in `pieces`, with no Content-Length. */
function streamed(pieces: string[], headers: Record<string, string> = {}) {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces.shift();
      if (piece === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(piece));
    },
    cancel: () => void (cancelled = true),
  });
  return {
    request: new Request("http://127.0.0.1:1337/v1/chat/completions", {
      method: "POST",
      body,
      headers,
    }),
    cancelled: () => cancelled,
  };
}

Deno.test("readJSON() reads a body as a JSON object, no further than the limit whatever it claims", async (t) => {
  await t.step("a JSON object in pieces", async () => {
    const { request } = streamed(['{"model":', '"gpt-4o"}']);
    assert.deepEqual(await readJSON(request, 20), { model: "gpt-4o" });
  });
  await t.step(
    "a body that grows past the limit: 413, and the rest is not read",
    async () => {
      const { request, cancelled } = streamed([
        "0123456789",
        "0123456789",
        "0",
      ]);
      await assert.rejects(readJSON(request, 20), {
        status: 413,
        message: "the request's body is over the 20 bytes limit",
        code: "request_too_large",
      });
      assert.equal(cancelled(), true);
    },
  );
  await t.step("a Content-Length past the limit: 413 at once", async () => {
    const { request } = streamed(["{}"], { "content-length": "21" });
    await assert.rejects(readJSON(request, 20), { status: 413 });
  });
  for (
    const [text, message] of [
      ["{", /^the request's body is not JSON \(/],
      ["[1]", /^the request's body is not a JSON object$/],
      ["", /^the request's body is not JSON/],
    ] as const
  ) {
    await t.step(JSON.stringify(text), async () => {
      const { request } = streamed(text ? [text] : []);
      await assert.rejects(readJSON(request, 20), {
        status: 400,
        message,
        code: "invalid_json",
      });
    });
  }
  assert.equal(BODY_LIMIT, 70_953_644); // 67.7 MiB
});

Deno.test("isLoopback() knows this machine's loopback addresses", () => {
  assert.deepEqual(
    [
      "127.0.0.1",
      "127.1.2.3",
      "::1",
      "localhost",
      "0.0.0.0",
      "::",
      "10.0.0.1",
      "localhost.evil",
    ]
      .map(isLoopback),
    [true, true, true, true, false, false, false, false],
  );
});

Deno.test("Slots gives at most its size at once, each back once however often disposed", () => {
  const slots = new Slots(2);
  const a = slots.take();
  slots.take();
  assert.throws(() => slots.take(), {
    status: 429,
    message: "the server is answering 2 requests, as many as --concurrency " +
      "lets it: try again in a moment",
    headers: { "retry-after": "1" },
  });
  a[Symbol.dispose]();
  a[Symbol.dispose]();
  slots.take();
  assert.throws(() => slots.take(), { status: 429 });
});
