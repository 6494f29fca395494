import assert from "node:assert/strict";
import { run } from "../../testdata/harness.ts";
import { testWith } from "../../testdata/permissions.ts";

Deno.test("--serve on an address other machines reach needs GPT4O_SERVE_TOKEN: without it, exit 2 and one line", async (t) => {
  for (const host of ["0.0.0.0", "192.168.1.5", "::"]) {
    await t.step(host, async () => {
      const { code, stdout, stderr, requests } = await run([
        "--serve",
        "--host",
        host,
      ]);
      assert.deepEqual({ code, stdout, stderr, requests }, {
        code: 2,
        stdout: "",
        stderr:
          `--host ${host} lets other machines reach the server and your ` +
          "keys: set GPT4O_SERVE_TOKEN to a long random secret first, which " +
          "every request must then carry (see --help)\n",
        requests: [],
      });
    });
  }
});

Deno.test("--serve refuses, before it listens, a token that cannot travel in a header and a default model it cannot ask", async (t) => {
  const cases: [Record<string, string>, string[], string][] = [
    [
      {
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        GPT4O_SERVE_TOKEN: "two words",
      },
      [],
      "GPT4O_SERVE_TOKEN contains a character that cannot be sent in an HTTP header (a space, a line break, a non-ASCII one): choose another (it is not shown here)\n",
    ],
    [
      {},
      [],
      "OPENAI_API_KEY is not set: export it, or put OPENAI_API_KEY=... in a .env file here (a server set in OPENAI_BASE_URL may need none)\n",
    ],
    [
      { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
      ["-r", "judge"],
      "there is no role judge: roles are set in the config file (see --help)\n",
    ],
  ];
  for (const [env, args, line] of cases) {
    await t.step(line, async () => {
      const { code, stderr } = await run(["--serve", ...args], { env });
      assert.deepEqual({ code, stderr }, { code: 2, stderr: line });
    });
  }
});

testWith({ name: "net", host: "127.0.0.1" })(
  "--serve on a port in use says so in one line and exits 1",
  async () => {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr;
    const { code, stderr } = await run(["--serve", "--port", String(port)], {
      env: { OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
    });
    assert.deepEqual({ code, stderr }, {
      code: 1,
      stderr: `could not listen on 127.0.0.1:${port}: the port is in use ` +
        "(another server?): choose another with --port\n",
    });
  },
);
