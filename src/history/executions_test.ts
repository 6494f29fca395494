import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { testWith } from "../../testdata/permissions.ts";
import { History } from "./store.ts";
import type { Exchange } from "./conversation.ts";
import type { Execution } from "./executions.ts";
import { HistoryError } from "./errors.ts";
import { formatTranscript } from "./transcript.ts";

const TMP = new URL("../../.tmp/", import.meta.url).pathname;
const VERSION_3 = new URL("../../testdata/history/v3.db", import.meta.url);

const inTemp = testWith(
  { name: "write", path: ".tmp" },
  { name: "read", path: "." },
);

/** A test with a history file of its own (a copy of `from`), removed after. */
function withFile(
  name: string,
  fn: (path: string) => Promise<void> | void,
  from?: URL,
) {
  inTemp(name, async () => {
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "executions-" });
    try {
      const path = `${dir}/history.db`;
      if (from) Deno.copyFileSync(from, path);
      await fn(path);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

const at = new Date("2026-05-01T12:00:00Z");

function proposal(prompt: string, answer: string): Exchange {
  return {
    system: "You turn a task into a shell command.",
    prompt,
    model: "gpt-4o",
    endpoint: "api.openai.com/v1",
    answer,
    outcome: "answered",
    started: at,
    finished: at,
  };
}

const LIST: Execution = {
  command: "ls -la",
  shell: "bash",
  danger: [],
  decision: "executed",
  exitCode: 0,
  at,
};
const REMOVE: Execution = {
  command: "rm -rf build",
  shell: "bash",
  danger: ["removes files (rm)"],
  decision: "aborted",
  at,
};

Deno.test("saveExecution() keeps each decision under the exchange that proposed the command, in order, and get() gives them back", () => {
  using history = History.open(":memory:");
  assert.equal(history.lastExchange, undefined);
  const id = history.save(proposal("list the files", "ls -la"));
  const listed = history.lastExchange!;
  history.save(proposal("clean up", "rm -rf build"), id);
  const removed = history.lastExchange!;
  assert.equal(removed, listed + 1);
  history.saveExecution(removed, REMOVE);
  history.saveExecution(listed, { ...LIST, decision: "described" });
  history.saveExecution(listed, LIST);
  const [first, second] = history.get(id)!.turns;
  assert.deepEqual(first.executions, [
    { ...LIST, decision: "described" },
    LIST,
  ]);
  assert.deepEqual(second.executions, [REMOVE]);
  assert.equal(
    formatTranscript(history.get(id)!).split("\n").filter((line) =>
      line.startsWith("$")
    ).join("\n"),
    "$ ls -la  (described)\n$ ls -la  (executed, exit 0)\n" +
      "$ rm -rf build  (aborted; ⚠ removes files (rm))",
  );
});

Deno.test("saveExecution() of an exchange no longer saved keeps nothing", () => {
  using history = History.open(":memory:");
  const id = history.save(proposal("list the files", "ls -la"));
  const exchange = history.lastExchange!;
  history.forget([id]);
  history.saveExecution(exchange, LIST);
  const again = history.save(proposal("list the files", "ls -la"));
  assert.equal(history.get(again)!.turns[0].executions, undefined);
});

withFile(
  "forget() deletes the decisions about a conversation's commands with it",
  (path) => {
    using history = History.open(path);
    const gone = history.save(proposal("clean up", "rm -rf build"));
    history.saveExecution(history.lastExchange!, REMOVE);
    const kept = history.save(proposal("list the files", "ls -la"));
    history.saveExecution(history.lastExchange!, LIST);
    history.forget([gone]);
    const db = new DatabaseSync(path, { readOnly: true });
    assert.deepEqual(
      db.prepare("SELECT command, decision FROM executions").all().map((
        row,
      ) => ({ ...row })),
      [{ command: "ls -la", decision: "executed" }],
    );
    db.close();
    assert.deepEqual(history.get(kept)!.turns[0].executions, [LIST]);
  },
);

withFile(
  "a version 3 history brought up to date keeps the decisions about a command proposed in an old conversation",
  (path) => {
    {
      using history = History.open(path);
      history.save(proposal("list the files", "ls -la"), 5);
      history.saveExecution(history.lastExchange!, LIST);
    }
    using history = History.open(path, { readOnly: true });
    const turns = history.get(5)!.turns;
    assert.deepEqual(turns.map((turn) => turn.executions), [undefined, [LIST]]);
  },
  VERSION_3,
);

inTemp(
  "get() refuses a decision no save writes, in one sentence",
  async (t) => {
    Deno.mkdirSync(TMP, { recursive: true });
    const damaged = (what: string) => (path: string) =>
      new HistoryError(
        `the history at ${path} is damaged: conversation 1 has ${what}; ` +
          "start a new conversation, or set GPT4O_HISTORY to another file",
      );
    const cases: [string, string, (path: string) => HistoryError][] = [
      [
        "an unknown decision",
        "UPDATE executions SET decision = 'run'",
        damaged('a command decided in an unknown way ("run")'),
      ],
      [
        "danger that is not JSON",
        "UPDATE executions SET danger = 'rm'",
        damaged("a command whose danger is not a list of reasons"),
      ],
      [
        "danger that is no list of texts",
        "UPDATE executions SET danger = '[1]'",
        damaged("a command whose danger is not a list of reasons"),
      ],
      [
        "a time that is none",
        "UPDATE executions SET at = 'soon'",
        damaged("a command with a time or an exit code no run gives"),
      ],
      [
        "an exit code that is no number",
        "UPDATE executions SET exit_code = 1.5",
        damaged("a command with a time or an exit code no run gives"),
      ],
    ];
    for (const [name, change, error] of cases) {
      await t.step(name, async () => {
        const dir = await Deno.makeTempDir({ dir: TMP, prefix: "damaged-" });
        const path = `${dir}/history.db`;
        try {
          {
            using history = History.open(path);
            history.save(proposal("list the files", "ls -la"));
            history.saveExecution(history.lastExchange!, LIST);
          }
          const db = new DatabaseSync(path);
          db.exec(change);
          db.close();
          using history = History.open(path, { readOnly: true });
          assert.throws(() => history.get(1), error(path));
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      });
    }
  },
);
