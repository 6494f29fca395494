/**
 * End to end with a config file, as a user keeps one: in the platform's
 * folder or where GPT4O_CONFIG says, with a provider of their own, a role,
 * an alias and a fallback list.
 */
import assert from "node:assert/strict";
import { e2e, PASSED_ENV, program, seen, TMP } from "../testdata/e2e.ts";
import type { FakeServer } from "../testdata/server.ts";

const WORK_KEY = "gw-work-key-0123456789WXYZ";
/** The platform's place for the config file, in the tests' home. */
const PLATFORM = `${PASSED_ENV.HOME}/.config/gpt4o/config.toml`;

/** A config file whose provider `work` is the test server's `scenario`. */
function configFor(server: FakeServer, scenario = "auth"): string {
  return `
model = "work:"
system = "You are terse."

[providers.work]
base_url = "${server.url(scenario)}"
key_env = "GPT4O_WORK_KEY"
model = "work-model"

[roles.echo]
system = "Repeat."
model = "plain:m"

[providers.plain]
base_url = "${server.url("echo")}"

[aliases]
both = ["down:x", "plain:m"]

[providers.down]
base_url = "http://127.0.0.1:${closedPort()}/v1"
`;
}

/** A port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Writes `text` at `path` (private), and removes it when disposed. */
function placed(path: string, text: string) {
  Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  Deno.writeTextFileSync(path, text, { mode: 0o600 });
  return { [Symbol.dispose]: () => Deno.removeSync(path) };
}

e2e(
  "a config file in the platform's folder gives the default model, through a provider of its own with the key its key_env names",
  async (server) => {
    using _ = placed(PLATFORM, configFor(server));
    const run = await program(["Hi"], {
      key: null,
      env: { GPT4O_WORK_KEY: WORK_KEY },
    });
    assert.deepEqual(seen(run), { code: 0, stdout: "key …WXYZ\n", stderr: "" });
    const [body] = server.requests.get("auth")!;
    assert.equal(body.model, "work-model");
    assert.deepEqual(body.messages?.[0], {
      role: "system",
      content: "You are terse.",
    });
  },
);

e2e(
  "GPT4O_CONFIG names a config file anywhere; -r takes its role; an alias falls back to its second model",
  async (server) => {
    const path = `${TMP}config-${crypto.randomUUID()}.toml`;
    using _ = placed(path, configFor(server));
    const env = { GPT4O_CONFIG: path, GPT4O_WORK_KEY: WORK_KEY };
    const role = await program(["-r", "echo", "Hi"], { key: null, env });
    assert.deepEqual(seen(role), { code: 0, stdout: "1: Hi\n", stderr: "" });
    assert.deepEqual(server.requests.get("echo")?.[0].messages?.[0], {
      role: "system",
      content: "Repeat.",
    });
    const alias = await program(["-m", "both", "Again"], { key: null, env });
    assert.deepEqual(seen(alias), {
      code: 0,
      stdout: "1: Again\n",
      stderr: "x (down) cannot answer (connection refused): asking m (plain)\n",
    });
  },
);

e2e(
  "a config file with a syntax error stops before anything is sent, naming the file and the line",
  async (server) => {
    using _ = placed(PLATFORM, 'model = "work:"\n[providers.work\n');
    const run = await program(["Hi"], { baseURL: server.url("ok") });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      new RegExp(
        `^${PLATFORM}:2: the table header \\[providers\\.work is not ` +
          "closed: write \\[providers\\.work\\]\\n$",
      ),
    );
    assert.equal(server.requests.size, 0);
  },
);
