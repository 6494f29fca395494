/** End to end: the history, follow-ups, and chat from a pipe. */
import assert from "node:assert/strict";
import {
  e2e,
  freshHistory,
  HISTORY,
  KEY,
  listed,
  program,
  seen,
  TMP,
} from "../testdata/e2e.ts";

e2e(
  "start saves each exchange; -c follows up on it; --show --json gives its messages",
  async (server) => {
    await freshHistory();
    const echo = { baseURL: server.url("echo") };
    const first = await program(["Who", "decides?"], echo);
    const second = await program(["-c", "And then?"], echo);
    assert.deepEqual([seen(first), seen(second)], [
      { code: 0, stdout: "1: Who decides?\n", stderr: "" },
      { code: 0, stdout: "2: And then?\n", stderr: "" },
    ]);
    assert.deepEqual(
      (await listed(server)).map(({ id, turns, title }) => ({
        id,
        turns,
        title,
      })),
      [{ id: 1, turns: 2, title: "Who decides?" }],
    );
    const show = await program(["--show", "1", "--json"], echo);
    assert.deepEqual(JSON.parse(show.stdout), {
      id: 1,
      model: "gpt-4o",
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "Who decides?" },
        { role: "assistant", content: "1: Who decides?" },
        { role: "user", content: "And then?" },
        { role: "assistant", content: "2: And then?" },
      ],
    });
    const mode = (path: string) => Deno.statSync(path).mode! & 0o777;
    assert.deepEqual(
      [mode(HISTORY), mode(`${HISTORY}/history.db`)],
      [0o700, 0o600],
    );
    const bytes = await Deno.readFile(`${HISTORY}/history.db`);
    assert.ok(!new TextDecoder().decode(bytes).includes(KEY));
  },
);

e2e("concurrent runs each save their exchange", async (server) => {
  await freshHistory();
  const prompts = Array.from({ length: 6 }, (_, i) => `question ${i}`);
  const runs = await Promise.all(
    prompts.map((prompt) => program([prompt], { baseURL: server.url("echo") })),
  );
  assert.deepEqual(
    runs.map(seen),
    prompts.map((prompt) => ({
      code: 0,
      stdout: `1: ${prompt}\n`,
      stderr: "",
    })),
  );
  const titles = (await listed(server)).map(({ title }) => title).sort();
  assert.deepEqual(titles, prompts);
});

e2e(
  "start prints the answer when the history cannot be saved, with one warning",
  async (server) => {
    await freshHistory();
    await Deno.mkdir(HISTORY, { recursive: true });
    await Deno.writeTextFile(
      `${HISTORY}/history.db`,
      "not a database\n".repeat(100),
    );
    const run = await program(["Hi"], { baseURL: server.url("echo") });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, "1: Hi\n");
    assert.match(run.stderr, /^history not saved: [^\n]+\n$/);
    const followUp = await program(["-c", "More"], {
      baseURL: server.url("echo"),
    });
    assert.equal(followUp.code, 2);
    assert.equal(followUp.stdout, "");
    assert.equal(server.requests.get("echo")?.length, 1, "-c sent nothing");
    await freshHistory();
  },
);

e2e(
  "--chat answers each piped line in order as one conversation, and -c resumes it",
  async (server) => {
    await freshHistory();
    const chat = await program(["--chat"], {
      baseURL: server.url("echo"),
      stdin: "first\nsecond\n/model gpt-4o-mini\nthird\n",
    });
    assert.deepEqual(seen(chat), {
      code: 0,
      stdout: "1: first\n\n2: second\n\n3: third\n",
      stderr: "model: gpt-4o-mini\n",
    });
    assert.deepEqual(
      server.requests.get("echo")?.map((body) => body.model),
      ["gpt-4o", "gpt-4o", "gpt-4o-mini"],
    );
    const resumed = await program(["--chat", "-c"], {
      baseURL: server.url("echo"),
      stdin: "fourth\n",
    });
    assert.deepEqual(seen(resumed), {
      code: 0,
      stdout: "4: fourth\n",
      stderr: "",
    });
    const [conversation] = await listed(server);
    assert.deepEqual([conversation.turns, conversation.model], [
      4,
      "gpt-4o-mini",
    ]);
  },
);

e2e(
  "--export of one history, --import into another (a file the command line names), then --search and --delete there",
  async (server) => {
    await freshHistory();
    const echo = { baseURL: server.url("echo") };
    await program(["--title", "writs", "What is certiorari?"], echo);
    await program(["Best pasta?"], echo);
    const exported = await program(["--export"], echo);
    assert.equal(exported.code, 0, exported.stderr);
    const file = await Deno.makeTempFile({ dir: TMP, suffix: ".json" });
    await Deno.writeTextFile(file, exported.stdout);
    await freshHistory();
    const imported = await program(["--import", file], echo);
    assert.deepEqual(seen(imported), {
      code: 0,
      stdout: "imported 2 conversations (ids 1–2)\n",
      stderr: "",
    });
    const found = await program(["--search", "certiorari", "--json"], echo);
    assert.deepEqual(
      JSON.parse(found.stdout).map((hit: { id: number; title: string }) => [
        hit.id,
        hit.title,
      ]),
      [[1, "writs"]],
    );
    const deleted = await program(["--delete", "writs", "--yes"], echo);
    assert.deepEqual(seen(deleted), {
      code: 0,
      stdout: "deleted 1 conversation (1 turn)\n",
      stderr: "",
    });
    const bytes = await Deno.readFile(`${HISTORY}/history.db`);
    assert.ok(!new TextDecoder().decode(bytes).includes("certiorari"));
    await Deno.remove(file);
  },
);
