/**
 * End to end: `gpt4o --serve` as a process, with the launcher's
 * permissions as they are: it serves on a free port and says where, relays
 * a request, stops on SIGTERM with the stream under way ended, and refuses
 * an address others reach without a token.
 */
import assert from "node:assert/strict";
import {
  collect,
  e2e,
  KEY,
  program,
  readUntil,
  seen,
  spawn,
} from "../testdata/e2e.ts";

e2e(
  "--serve --port 0 says where it serves, answers, and on SIGTERM ends the stream under way and exits 0",
  async (server) => {
    const child = spawn(["--serve", "--port", "0"], {
      baseURL: server.url("stream-endless"),
    });
    const stdout = collect(child.stdout);
    const { match, rest } = await readUntil(
      child.stderr,
      /^gpt4o: serving (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C stops\)\n/,
    );
    const url = match[1];
    const models = await fetch(`${url}v1/models`);
    assert.equal((await models.json()).data[0].id, "gpt-4o");
    const response = await fetch(`${url}v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        messages: [{ role: "user", content: "Count." }],
        stream: true,
      }),
    });
    const reader = response.body!.getReader();
    let events = new TextDecoder().decode((await reader.read()).value);
    child.kill("SIGTERM");
    for (let read; !(read = await reader.read()).done;) {
      events += new TextDecoder().decode(read.value);
    }
    const { code } = await child.status;
    assert.equal(code, 0);
    assert.ok(events.startsWith("data: {"), events);
    assert.ok(
      events.endsWith(
        'data: {"error":{"message":"the server is stopping: the answer was ' +
          'not finished","type":"server_error","code":"server_stopping"}}\n\n',
      ),
      events,
    );
    assert.equal(await stdout, "");
    const stderr = await rest;
    assert.equal(stderr, `gpt4o: serving ${url} (Ctrl-C stops)\n`);
    assert.ok(!stderr.includes(KEY));
    assert.ok(server.cancelled.has("stream-endless"));
  },
);

e2e(
  "--serve --host 0.0.0.0 without GPT4O_SERVE_TOKEN refuses to start: exit 2 and one line",
  async (server) => {
    const run = await program(["--serve", "--host", "0.0.0.0"], {
      baseURL: server.url("ok"),
    });
    assert.deepEqual(seen(run), {
      code: 2,
      stdout: "",
      stderr: "--host 0.0.0.0 lets other machines reach the server and your " +
        "keys: set GPT4O_SERVE_TOKEN to a long random secret first, which " +
        "every request must then carry (see --help)\n",
    });
  },
);
