import assert from "node:assert/strict";
import { parseOptions } from "./options.ts";
import { UsageError } from "./usage_error.ts";

Deno.test("--serve listens on 127.0.0.1:1337 with 16 requests at a time unless told", () => {
  assert.deepEqual(parseOptions(["--serve"]).serve, {
    port: 1337,
    host: "127.0.0.1",
    concurrency: 16,
  });
  assert.equal(parseOptions(["Hi"]).serve, undefined);
});

Deno.test("--serve takes --port, --host, --cors and --concurrency", async (t) => {
  const cases: [string[], Record<string, unknown>][] = [
    [["--port", "0"], { port: 0 }],
    [["--port=65535"], { port: 65535 }],
    [["--host", "0.0.0.0"], { host: "0.0.0.0" }],
    [["--host", "::1"], { host: "::1" }],
    [["--host", "[::1]"], { host: "::1" }],
    [["--host", "My-Box.lan"], { host: "my-box.lan" }],
    [["--cors", "https://app.example"], { cors: "https://app.example" }],
    [["--cors", "http://localhost:5173/"], { cors: "http://localhost:5173" }],
    [["--concurrency", "100"], { concurrency: 100 }],
    [["-m", "groq:", "-r", "lawyer", "-o", "temperature=0"], {}],
  ];
  for (const [args, expected] of cases) {
    await t.step(args.join(" "), () => {
      assert.deepEqual(parseOptions(["--serve", ...args]).serve, {
        port: 1337,
        host: "127.0.0.1",
        concurrency: 16,
        ...expected,
      });
    });
  }
});

Deno.test("--serve's options refuse a value they do not take, in one line", async (t) => {
  const cases: [string[], string][] = [
    [
      ["--port", "65536"],
      '--port takes a port from 0 to 65535 (0: a free one), not "65536"',
    ],
    [
      ["--port=-1"],
      '--port takes a port from 0 to 65535 (0: a free one), not "-1"',
    ],
    [
      ["--port", "80a"],
      '--port takes a port from 0 to 65535 (0: a free one), not "80a"',
    ],
    [
      ["--host", "http://0.0.0.0"],
      "--host takes the address to listen on, such as 127.0.0.1, ::1 or " +
      '0.0.0.0, not "http://0.0.0.0"',
    ],
    [
      ["--host", "127.0.0.1:80"],
      "--host takes the address to listen on, such as 127.0.0.1, ::1 or " +
      '0.0.0.0, not "127.0.0.1:80"',
    ],
    [
      ["--host", ""],
      "--host takes the address to listen on, such as 127.0.0.1, ::1 or " +
      '0.0.0.0, not ""',
    ],
    [
      ["--cors", "*"],
      "--cors takes the one origin whose pages may call the API, such as " +
      'https://app.example or http://localhost:5173, not "*": any page ' +
      "could use your keys",
    ],
    [
      ["--cors", "https://app.example/chat"],
      "--cors takes the one origin whose pages may call the API, such as " +
      'https://app.example or http://localhost:5173, not "https://app.example/chat"',
    ],
    [
      ["--cors", "file:///tmp/a.html"],
      "--cors takes the one origin whose pages may call the API, such as " +
      'https://app.example or http://localhost:5173, not "file:///tmp/a.html"',
    ],
    [
      ["--concurrency", "0"],
      "--concurrency takes how many requests go on at once, from 1 to " +
      '10000, not "0"',
    ],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), () => {
      assert.throws(
        () => parseOptions(["--serve", ...args]),
        new UsageError(message),
      );
    });
  }
});

Deno.test("--serve with a prompt, the chat, a history command or another run's option is a usage error", async (t) => {
  const cases: [string[], string][] = [
    [["Hi"], "--serve answers questions sent over HTTP: give it no prompt"],
    [["--chat"], "--serve answers questions sent over HTTP: not with --chat"],
    [["-c"], "--serve answers questions sent over HTTP: not with -c"],
    [
      ["--history"],
      "--serve answers questions sent over HTTP: not with --history",
    ],
    [
      ["--search", "court"],
      "--serve answers questions sent over HTTP: give it no prompt",
    ],
    [["--usage"], "--serve answers questions sent over HTTP: not with --usage"],
    [
      ["--no-history"],
      "--serve answers questions sent over HTTP: not with --no-history",
    ],
    [["-T", "files"], "--serve answers questions sent over HTTP: not with -T"],
    [["--json"], "--serve answers questions sent over HTTP: not with --json"],
    [
      ["--api", "responses"],
      "--serve relays chat completions: not with --api responses",
    ],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), () => {
      assert.throws(
        () => parseOptions(["--serve", ...args]),
        new UsageError(message),
      );
    });
  }
});

Deno.test("--port, --host, --cors and --concurrency go with --serve alone", async (t) => {
  for (const flag of ["--port", "--host", "--cors", "--concurrency"]) {
    await t.step(flag, () => {
      assert.throws(
        () => parseOptions([flag, "1", "Hi"]),
        new UsageError(`${flag} goes with --serve`),
      );
    });
  }
});
