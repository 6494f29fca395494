import assert from "node:assert/strict";
import { testWith } from "../../testdata/permissions.ts";
import { DatabaseSync } from "node:sqlite";
import { createHash } from "node:crypto";
import { BUSY_TIMEOUT_MS, History } from "./store.ts";
import {
  type Conversation,
  endpointOf,
  type Exchange,
  messagesOf,
} from "./conversation.ts";
import { ConversationGoneError, HistoryError } from "./errors.ts";
import { checkVersion, SCHEMA_VERSION } from "./migrations.ts";

const TMP = new URL("../../.tmp/", import.meta.url).pathname;
const WRITER = new URL("../../testdata/history_writer.ts", import.meta.url)
  .pathname;

/** The hash a save keeps of an attachment's bytes. */
const sha256Of = (bytes: Uint8Array) =>
  createHash("sha256").update(bytes).digest("hex");

const inTemp = testWith({ name: "write", path: ".tmp" });

/** A test that needs a temporary folder; it gets one and removes it after. */
function withFolder(name: string, fn: (dir: string) => Promise<void> | void) {
  inTemp(name, async () => {
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "history-" });
    try {
      await fn(dir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

/** An exchange at local time 2026-11-27 23:14 plus `minutes`. */
function exchange(
  minutes: number,
  fields: Partial<Exchange> = {},
): Exchange {
  return {
    system: "You are a helpful assistant.",
    prompt: "how does a court case get to the Supreme Court?",
    model: "gpt-4o",
    endpoint: "api.openai.com/v1",
    answer: "Through appeals.",
    outcome: "answered",
    started: new Date(2026, 10, 27, 23, 14 + minutes, 0),
    finished: new Date(2026, 10, 27, 23, 14 + minutes, 30),
    ...fields,
  };
}

// endpointOf

Deno.test("endpointOf() keeps host and path, never credentials or query", () => {
  assert.equal(endpointOf("https://api.openai.com/v1"), "api.openai.com/v1");
  assert.equal(endpointOf("http://127.0.0.1:1337/v1/"), "127.0.0.1:1337/v1");
  assert.equal(endpointOf("http://localhost:11434"), "localhost:11434");
  assert.equal(
    endpointOf("https://user:sk-secret@proxy.example/openai/v1?api-key=sk-q#f"),
    "proxy.example/openai/v1",
  );
});

// messagesOf

Deno.test("messagesOf() sends the system message, then every turn in order", () => {
  const conversation: Conversation = {
    id: 1,
    title: "t",
    created: "2026-11-01T10:00:00.000Z",
    updated: "2026-11-01T10:00:00.000Z",
    model: "gpt-4o",
    system: "Be brief.",
    turns: [
      exchange(0, { prompt: "one", answer: "1", system: "Old system." }),
      exchange(1, {
        prompt: "two",
        answer: "2 so f",
        outcome: "interrupted",
        error: "interrupted",
      }),
      exchange(2, {
        prompt: "three",
        answer: "",
        outcome: "failed",
        error: "connection refused",
      }),
      exchange(3, { prompt: "four", answer: "4", system: "Be brief." }),
    ],
  };
  const turns = [
    { role: "user", content: "one" },
    { role: "assistant", content: "1" },
    { role: "user", content: "two" },
    { role: "assistant", content: "2 so f" },
    { role: "user", content: "four" },
    { role: "assistant", content: "4" },
  ];
  assert.deepEqual(messagesOf(conversation), [
    { role: "system", content: "Be brief." },
    ...turns,
  ]);
  assert.deepEqual(messagesOf(conversation, "Be verbose."), [
    { role: "system", content: "Be verbose." },
    ...turns,
  ]);
});

// History: files and permissions

withFolder("open() creates the folder 0700 and the file 0600", (dir) => {
  const path = `${dir}/new/deeper/history.db`;
  History.open(path).close();
  assert.equal(Deno.statSync(`${dir}/new`).mode! & 0o777, 0o700);
  assert.equal(Deno.statSync(`${dir}/new/deeper`).mode! & 0o777, 0o700);
  assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  // Saved and closed, the history is that one file.
  using history = History.open(path);
  history.save(exchange(0));
  history.close();
  assert.deepEqual(
    [...Deno.readDirSync(`${dir}/new/deeper`)].map((entry) => entry.name),
    ["history.db"],
  );
});

withFolder(
  "open() makes a history others may read private: the file 0600, its own folder 0700",
  (dir) => {
    const own = `${dir}/gpt4o`;
    Deno.mkdirSync(own, { mode: 0o777 });
    Deno.chmodSync(own, 0o777);
    Deno.writeFileSync(`${own}/history.db`, new Uint8Array());
    Deno.chmodSync(`${own}/history.db`, 0o666);
    History.open(`${own}/history.db`, { ownFolder: true }).close();
    assert.equal(Deno.statSync(own).mode! & 0o777, 0o700);
    assert.equal(Deno.statSync(`${own}/history.db`).mode! & 0o777, 0o600);
    // A folder GPT4O_HISTORY names is the user's: it is left as it is.
    const theirs = `${dir}/shared`;
    Deno.mkdirSync(theirs);
    Deno.chmodSync(theirs, 0o755);
    using history = History.open(`${theirs}/h.db`);
    history.save(exchange(0));
    assert.equal(Deno.statSync(theirs).mode! & 0o777, 0o755);
    assert.equal(Deno.statSync(`${theirs}/h.db`).mode! & 0o777, 0o600);
  },
);

const canLink =
  (await Deno.permissions.query({ name: "run", command: "sh" })).state ===
    "granted" && Deno.build.os !== "windows";

withFolder(
  "open() creates the file a dangling symbolic link names, 0600" +
    (canLink ? "" : " (not checked: needs sh to make the link)"),
  async (dir) => {
    if (!canLink) return;
    // Deno makes links only with unscoped permissions: sh makes this one.
    await new Deno.Command("sh", {
      args: ["-c", 'ln -s target.db "$1"', "sh", `${dir}/history.db`],
    }).output();
    using history = History.open(`${dir}/history.db`);
    history.save(exchange(0));
    assert.equal(Deno.statSync(`${dir}/target.db`).mode! & 0o777, 0o600);
    assert.equal(history.list().length, 1);
  },
);

withFolder(
  "open() leaves another program's database unchanged: still not in WAL mode",
  (dir) => {
    const path = `${dir}/theirs.db`;
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE notes (text TEXT)");
    db.close();
    const before = Deno.readFileSync(path);
    assert.throws(
      () => History.open(path),
      new HistoryError(
        `the history at ${path} is a database of another program (it has ` +
          "tables but no schema version): set GPT4O_HISTORY to another file",
      ),
    );
    assert.deepEqual(Deno.readFileSync(path), before);
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((entry) => entry.name),
      ["theirs.db"],
    );
  },
);

withFolder(
  "open() to read only reads, creating nothing; a missing file reads as empty",
  (dir) => {
    using missing = History.open(`${dir}/none.db`, { readOnly: true });
    assert.deepEqual(missing.list(), []);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    History.open(`${dir}/h.db`).close();
    using history = History.open(`${dir}/h.db`, { readOnly: true });
    assert.deepEqual(history.list(), []);
    assert.throws(() => history.save(exchange(0)), HistoryError);
  },
);

withFolder("a NUL in a prompt or answer reads back whole", (dir) => {
  using history = History.open(`${dir}/h.db`);
  const id = history.save(
    exchange(0, { prompt: "be\0fore", answer: "a\0b", system: "s\0t" }),
  );
  const [turn] = history.get(id)!.turns;
  assert.deepEqual([turn.prompt, turn.answer, turn.system], [
    "be\0fore",
    "a\0b",
    "s\0t",
  ]);
});

Deno.test("save() keeps no control character in a title: C0, DEL and C1 become spaces", async (t) => {
  const cases: [string, string][] = [
    [
      "\x1b]8;;https://evil.test\x07Click\x1b]8;;\x07",
      "]8;;https://evil.test Click ]8;;",
    ],
    ["del\x7fete", "del ete"],
    ["c1\x9b31mred\x9d0;title\x9c", "c1 31mred 0;title"],
    ["\n\t  \r\nsecond line first\nthird", "second line first"],
  ];
  for (const [prompt, title] of cases) {
    await t.step(JSON.stringify(prompt), () => {
      using history = History.open(":memory:");
      history.save(exchange(0, { prompt }));
      assert.equal(history.list()[0].title, title);
    });
  }
});

Deno.test("save() cuts the title of a long first prompt to 200 characters", () => {
  using history = History.open(":memory:");
  history.save(exchange(0, { prompt: "x".repeat(10_000_000) }));
  assert.equal(history.list()[0].title, `${"x".repeat(199)}…`);
});

withFolder(
  "open() keeps the history in one file (a rollback journal, synced) and versions the schema",
  (dir) => {
    const path = `${dir}/history.db`;
    // A history that an earlier version kept in WAL mode is brought over.
    const old = new DatabaseSync(path);
    old.exec("PRAGMA journal_mode = WAL");
    old.close();
    History.open(path).close();
    const db = new DatabaseSync(path);
    assert.deepEqual(
      { ...db.prepare("PRAGMA journal_mode").get() },
      { journal_mode: "delete" },
    );
    assert.deepEqual(
      { ...db.prepare("PRAGMA user_version").get() },
      { user_version: SCHEMA_VERSION },
    );
    db.close();
    // Opening again keeps what is there.
    using history = History.open(path);
    assert.deepEqual(history.list(), []);
  },
);

withFolder(
  "open() fails with one sentence on a file that is not a database",
  (dir) => {
    const path = `${dir}/history.db`;
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    Deno.writeFileSync(path, garbage);
    assert.throws(
      () => History.open(path),
      new HistoryError(
        `cannot open the history at ${path}: it is not a SQLite database, or ` +
          "it is damaged (move it away, or set GPT4O_HISTORY to another file)",
      ),
    );
    // It is left as it was.
    assert.deepEqual(Deno.readFileSync(path), garbage);
  },
);

withFolder(
  "open() refuses a schema newer than it knows, naming its version",
  (dir) => {
    const path = `${dir}/history.db`;
    History.open(path).close();
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 41}`);
    db.close();
    assert.throws(
      () => History.open(path),
      new HistoryError(
        `the history at ${path} has schema version ${SCHEMA_VERSION + 41}, ` +
          `newer than this program knows (${SCHEMA_VERSION}): update the ` +
          "program, or set GPT4O_HISTORY to another file",
      ),
    );
  },
);

withFolder("open() refuses a database of another program", (dir) => {
  const path = `${dir}/other.db`;
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE conversations (x)");
  db.close();
  assert.throws(
    () => History.open(path),
    new HistoryError(
      `the history at ${path} is a database of another program (it has ` +
        "tables but no schema version): set GPT4O_HISTORY to another file",
    ),
  );
});

withFolder(
  "a schema another run commits while this one looks is not another program's database",
  (dir) => {
    const path = `${dir}/history.db`;
    const db = new DatabaseSync(path);
    let committed = false;
    // After this run's first read, another run creates the schema: what the
    // file is must be read at one moment, not half before and half after.
    const racing = new Proxy(db, {
      get(target, key) {
        if (key !== "prepare") {
          const value = Reflect.get(target, key);
          return typeof value === "function" ? value.bind(target) : value;
        }
        return (sql: string) => {
          const statement = target.prepare(sql);
          return {
            get: () => {
              const row = statement.get();
              if (!committed) {
                committed = true;
                History.open(path).close();
              }
              return row;
            },
          };
        };
      },
    });
    assert.equal(checkVersion(racing, path), 0);
    assert.ok(committed);
    db.close();
    const history = History.open(path);
    history.close();
  },
);

Deno.test("open() explains a path Deno may not write, and a folder no flag can grant", () => {
  const folder = new URL("../../not-allowed", import.meta.url).pathname;
  const path = `${folder}/history.db`;
  assert.throws(
    () => History.open(path),
    new HistoryError(
      `cannot open the history at ${path}: this run may not write its ` +
        "folder: set GPT4O_HISTORY in the environment, not in .env (gpt4o " +
        "and deno task start grant the folder it names), or give deno run " +
        `--allow-read=${folder} --allow-write=${folder}`,
    ),
  );
  assert.throws(
    () => History.open("/home/c,d/history.db"),
    new HistoryError(
      "cannot open the history at /home/c,d/history.db: its folder's path " +
        "holds a comma, which Deno's permission flags cannot name: set " +
        "GPT4O_HISTORY to a file in a folder without one",
    ),
  );
  const readable = Deno.permissions.querySync({ name: "read", path }).state;
  if (readable === "granted") {
    assert.throws(() => Deno.statSync(path), Deno.errors.NotFound);
  }
});

withFolder(
  "open() explains a folder the user may not write (not as root)",
  (dir) => {
    Deno.mkdirSync(`${dir}/locked`, { mode: 0o500 });
    Deno.chmodSync(`${dir}/locked`, 0o500);
    const path = `${dir}/locked/history.db`;
    let privileged = false;
    try {
      Deno.writeFileSync(`${dir}/locked/probe`, new Uint8Array());
      privileged = true; // root ignores file modes
    } catch (error) {
      assert.ok(error instanceof Deno.errors.PermissionDenied);
    }
    if (!privileged) {
      assert.throws(
        () => History.open(path),
        new HistoryError(
          `cannot open the history at ${path}: permission denied (check the ` +
            "permissions of the file and its folder)",
        ),
      );
    }
    Deno.chmodSync(`${dir}/locked`, 0o700);
  },
);

// History: round trips

Deno.test("save() and get() round-trip every field", () => {
  using history = History.open(":memory:");
  const full = exchange(0, {
    system: "Be brief.\nVery.",
    prompt: "line one\nline two",
    answer: "partial ans",
    outcome: "interrupted",
    error: "interrupted",
    usage: {
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
      reasoning_tokens: 2,
      cached_tokens: 8,
    },
    cost: { usd: 0.00042, source: "server" },
  });
  const bare = exchange(1, { usage: null });
  const some = exchange(2, {
    usage: { total_tokens: 9 },
    model: "gpt-4o-mini",
    cost: {
      usd: 0.0000135,
      source: "prices",
      price: { input: 0.15, output: 0.6, cached_input: 0.075 },
    },
  });
  const priced = exchange(3, {
    cost: { usd: 1, source: "prices", price: { input: 2.5, output: 10 } },
  });
  const id = history.save(full);
  assert.equal(history.save(bare, id), id);
  assert.equal(history.save(some, id), id);
  assert.equal(history.save(priced, id), id);
  const { usage: _, ...withoutUsage } = bare;
  assert.deepEqual(history.get(id), {
    id,
    title: "line one",
    created: full.started.toISOString(),
    updated: priced.finished.toISOString(),
    model: "gpt-4o",
    system: "You are a helpful assistant.",
    turns: [full, withoutUsage, some, priced],
  });
  assert.equal(history.get(id + 1), undefined);
});

Deno.test("save() starts a new conversation without an id, with short ids", () => {
  using history = History.open(":memory:");
  assert.equal(history.latest(), undefined);
  assert.equal(history.save(exchange(0, { prompt: "a" })), 1);
  assert.equal(history.save(exchange(1, { prompt: "b" })), 2);
  assert.equal(history.save(exchange(2, { prompt: "a2" }), 1), 1);
  assert.deepEqual(history.get(1)?.turns.map((turn) => turn.prompt), [
    "a",
    "a2",
  ]);
  assert.deepEqual(history.get(2)?.turns.map((turn) => turn.prompt), ["b"]);
});

Deno.test("latest() is the conversation updated last, not the one created last", () => {
  using history = History.open(":memory:");
  const first = history.save(exchange(0, { prompt: "first" }));
  const second = history.save(exchange(1, { prompt: "second" }));
  assert.equal(history.latest()?.id, second);
  history.save(exchange(2, { prompt: "follow-up" }), first);
  const latest = history.latest();
  assert.equal(latest?.id, first);
  assert.deepEqual(messagesOf(latest!), [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "first" },
    { role: "assistant", content: "Through appeals." },
    { role: "user", content: "follow-up" },
    { role: "assistant", content: "Through appeals." },
  ]);
});

Deno.test("save() keeps a conversation's last update when a slower run saves an earlier exchange after it", () => {
  using history = History.open(":memory:");
  const id = history.save(exchange(0));
  history.save(exchange(10), id); // finished at 23:24:30
  history.save(exchange(5), id); // a concurrent run that finished earlier
  assert.equal(
    history.list()[0].updated,
    new Date(2026, 10, 27, 23, 24, 30).toISOString(),
  );
});

Deno.test("list() is newest first by last update, 20 by default", () => {
  using history = History.open(":memory:");
  for (let i = 0; i < 25; i++) {
    history.save(
      exchange(i, { prompt: `\n  question ${i}  \nmore`, model: "m" }),
    );
  }
  // Conversation 3 gets a second turn, later than all others.
  history.save(exchange(30, { model: "gpt-4o-mini" }), 3);
  const list = history.list();
  assert.equal(list.length, 20);
  assert.deepEqual(list[0], {
    id: 3,
    created: new Date(2026, 10, 27, 23, 16).toISOString(),
    updated: new Date(2026, 10, 27, 23, 44, 30).toISOString(),
    model: "gpt-4o-mini",
    turns: 2,
    title: "question 2",
  });
  assert.deepEqual(
    list.slice(1).map((summary) => summary.id),
    [25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7],
  );
  assert.deepEqual(list[1], {
    id: 25,
    created: new Date(2026, 10, 27, 23, 38).toISOString(),
    updated: new Date(2026, 10, 27, 23, 38, 30).toISOString(),
    model: "m",
    turns: 1,
    title: "question 24",
  });
  assert.deepEqual(history.list(2).map((summary) => summary.id), [3, 25]);
  assert.equal(history.list(100).length, 25);
});

Deno.test("list() orders conversations updated at the same time by id", () => {
  using history = History.open(":memory:");
  history.save(exchange(0));
  history.save(exchange(0));
  assert.deepEqual(history.list().map((summary) => summary.id), [2, 1]);
});

Deno.test("save() to an unknown conversation saves nothing", () => {
  using history = History.open(":memory:");
  history.save(exchange(0));
  assert.throws(
    () => history.save(exchange(1), 42),
    new ConversationGoneError(":memory:", 42),
  );

  assert.deepEqual(history.list().map((summary) => summary.turns), [1]);
  // The failed save left no transaction open.
  assert.equal(history.save(exchange(2)), 2);
});

Deno.test("save() refuses an invalid exchange and saves nothing", () => {
  using history = History.open(":memory:");
  assert.throws(
    () => history.save(exchange(0, { started: new Date(NaN) })),
    new HistoryError(
      "cannot save to the history at :memory:: Invalid time value",
    ),
  );
  assert.throws(
    () => history.save(exchange(0, { outcome: "maybe" as "failed" })),
    new HistoryError(
      'cannot save to the history at :memory:: unknown outcome "maybe"',
    ),
  );
  assert.deepEqual(history.list(), []);
});

withFolder(
  "save() and reads turn a database failure into one sentence",
  (dir) => {
    const path = `${dir}/history.db`;
    using history = History.open(path);
    history.save(exchange(0));
    const db = new DatabaseSync(path);
    db.exec("DROP TABLE exchanges; DROP TABLE conversations");
    db.close();
    assert.throws(
      () => history.save(exchange(1)),
      new HistoryError(
        `cannot save to the history at ${path}: no such table: conversations`,
      ),
    );
    assert.throws(
      () => history.latest(),
      new HistoryError(
        `cannot read the history at ${path}: no such table: conversations`,
      ),
    );
    assert.throws(
      () => history.get(1),
      new HistoryError(
        `cannot read the history at ${path}: no such table: exchanges`,
      ),
    );
  },
);

Deno.test("close() can be called twice", () => {
  const history = History.open(":memory:");
  history.close();
  history.close();
  assert.throws(() => history.list(), HistoryError);
});

// History: locks and concurrency

withFolder(
  "save() waits for another writer, then fails past the wait",
  (dir) => {
    const path = `${dir}/history.db`;
    History.open(path).close();
    const holder = new DatabaseSync(path);
    holder.exec("BEGIN IMMEDIATE");
    try {
      // Readers are not blocked by a writer that has not begun to commit.
      using history = History.open(path, { timeout: 100 });
      assert.deepEqual(history.list(), []);
      const started = performance.now();
      assert.throws(
        () => history.save(exchange(0)),
        new HistoryError(
          `cannot save to the history at ${path}: another process kept it ` +
            "locked for more than 100 ms (try again)",
        ),
      );
      assert.ok(performance.now() - started >= 90, "it did not wait");
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
  },
);

withFolder(
  "open() of a new file waits for a writer, then fails past the wait",
  (dir) => {
    const path = `${dir}/history.db`;
    const holder = new DatabaseSync(path);
    holder.exec("BEGIN IMMEDIATE");
    try {
      assert.throws(
        () => History.open(path, { timeout: 100 }),
        new HistoryError(
          `cannot open the history at ${path}: another process kept it ` +
            "locked for more than 100 ms (try again)",
        ),
      );
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    using history = History.open(path);
    assert.deepEqual(history.list(), []);
  },
);

/** Deno flags for a child process that may use only `dir`. */
const childFlags = (dir: string) => [
  "run",
  "--no-lock",
  `--allow-read=${dir}`,
  `--allow-write=${dir}`,
  WRITER,
];

/** What deno itself needs from the environment. */
const childEnv = () =>
  Object.fromEntries(
    ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "SystemRoot", "LOCALAPPDATA"]
      .flatMap((name) => {
        const value = Deno.env.get(name);
        return value === undefined ? [] : [[name, value]];
      }),
  );

withFolder(
  "save() waits while another process holds the lock, then saves",
  async (dir) => {
    const path = `${dir}/history.db`;
    History.open(path).close();
    const child = new Deno.Command("deno", {
      args: [...childFlags(dir), "hold", path, "400"],
      clearEnv: true,
      env: childEnv(),
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    assert.equal((await reader.read()).value, "locked\n");
    using history = History.open(path);
    const started = performance.now();
    assert.equal(history.save(exchange(0)), 1);
    const waited = performance.now() - started;
    assert.ok(waited >= 100 && waited < BUSY_TIMEOUT_MS, `waited ${waited} ms`);
    assert.equal((await reader.read()).done, true);
    assert.equal((await child.status).code, 0);
  },
);

withFolder(
  "processes saving at once into a new file lose nothing",
  async (dir) => {
    const path = `${dir}/history.db`;
    const names = ["a", "b", "c", "d"];
    const statuses = await Promise.all(
      names.map((name) =>
        new Deno.Command("deno", {
          args: [...childFlags(dir), "save", path, name, "10"],
          clearEnv: true,
          env: childEnv(),
          stdout: "inherit",
          stderr: "inherit",
        }).output()
      ),
    );
    assert.deepEqual(
      statuses.map(({ code }) => code),
      [0, 0, 0, 0],
    );
    using history = History.open(path);
    const list = history.list(100);
    assert.equal(list.length, 40);
    assert.deepEqual(
      list.map((summary) => summary.title).sort(),
      names.flatMap((name) =>
        Array.from({ length: 10 }, (_, i) => `${name} ${i + 1}`)
      ).sort(),
    );
    assert.deepEqual(
      list.map((summary) => summary.id).sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  },
);

// Formatting

withFolder(
  "open() brings a version 1 history up to date, keeping its conversations",
  (dir) => {
    const path = `${dir}/history.db`;
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE conversations (
      id INTEGER PRIMARY KEY, created TEXT NOT NULL, updated TEXT NOT NULL,
      model TEXT NOT NULL, turns INTEGER NOT NULL, title TEXT NOT NULL);
    CREATE TABLE exchanges (
      id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL,
      system TEXT NOT NULL, prompt TEXT NOT NULL, model TEXT NOT NULL,
      endpoint TEXT NOT NULL, answer TEXT NOT NULL, outcome TEXT NOT NULL,
      error TEXT, prompt_tokens INTEGER, completion_tokens INTEGER,
      total_tokens INTEGER, started TEXT NOT NULL, finished TEXT NOT NULL);
    INSERT INTO conversations VALUES (1, '2026-11-27T22:14:00.000Z',
      '2026-11-27T22:14:30.000Z', 'gpt-4o', 1, 'hi');
    INSERT INTO exchanges VALUES (1, 1, 'Be brief.', 'hi', 'gpt-4o',
      'api.openai.com/v1', 'Hello!', 'answered', NULL, NULL, NULL, NULL,
      '2026-11-27T22:14:00.000Z', '2026-11-27T22:14:30.000Z');
    PRAGMA user_version = 1;`);
    old.close();
    using history = History.open(path);
    const turn = history.get(1)!.turns[0];
    assert.deepEqual(
      [
        turn.prompt,
        turn.answer,
        turn.attachments,
        turn.options,
        turn.toolMessages,
      ],
      ["hi", "Hello!", undefined, undefined, undefined],
    );
  },
);

Deno.test("save() keeps an exchange's tool rounds, which messagesOf() sends between its prompt and its answer", () => {
  using history = History.open(":memory:");
  const toolMessages = [
    {
      role: "assistant" as const,
      content: null,
      tool_calls: [{
        id: "call_1",
        type: "function" as const,
        function: { name: "read", arguments: '{"path":"a.txt"}' },
      }],
    },
    { role: "tool" as const, tool_call_id: "call_1", content: "A\u0000B" },
  ];
  const id = history.save({
    system: "S",
    prompt: "read a.txt",
    model: "gpt-4o",
    endpoint: "api.openai.com/v1",
    answer: "It says A.",
    outcome: "answered",
    started: new Date(),
    finished: new Date(),
    toolMessages,
  });
  const conversation = history.get(id)!;
  assert.deepEqual(conversation.turns[0].toolMessages, toolMessages);
  assert.deepEqual(messagesOf(conversation), [
    { role: "system", content: "S" },
    { role: "user", content: "read a.txt" },
    ...toolMessages,
    { role: "assistant", content: "It says A." },
  ]);
});

Deno.test("save() keeps each attachment once by its content, in order, and the options as sent", () => {
  using history = History.open(":memory:");
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  const image = {
    name: "cat.png",
    kind: "png" as const,
    bytes: png,
    sha256: sha256Of(png),
  };
  const url = {
    name: "https://example.com/dog.png",
    kind: "url" as const,
    url: "https://example.com/dog.png",
  };
  const id = history.save(
    exchange(0, { attachments: [image, url], options: { temperature: 0.2 } }),
  );
  history.save(
    exchange(1, { attachments: [{ ...image, name: "again.png" }] }),
    id,
  );
  const [first, second] = history.get(id)!.turns;
  assert.deepEqual(first.attachments, [image, url]);
  assert.deepEqual(first.options, { temperature: 0.2 });
  assert.deepEqual(second.attachments, [{ ...image, name: "again.png" }]);
  assert.equal(second.options, undefined);
  assert.deepEqual(messagesOf(history.get(id)!)[1], {
    role: "user",
    content: [
      { type: "text", text: "how does a court case get to the Supreme Court?" },
      {
        type: "image_url",
        image_url: { url: `data:image/png;base64,${png.toBase64()}` },
      },
      { type: "image_url", image_url: { url: "https://example.com/dog.png" } },
    ],
  });
});

Deno.test("save() keeps a large attachment in chunks and get() puts it back whole, once for every turn that sent it", () => {
  using history = History.open(":memory:");
  const bytes = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => i % 251);
  const image = {
    name: "big.png",
    kind: "png" as const,
    bytes,
    sha256: sha256Of(bytes),
  };
  const empty = {
    name: "empty.gif",
    kind: "gif" as const,
    bytes: new Uint8Array(),
    sha256: sha256Of(new Uint8Array()),
  };
  const id = history.save(exchange(0, { attachments: [image, empty] }));
  history.save(exchange(1, { attachments: [image] }), id);
  const [first, second] = history.get(id)!.turns;
  assert.deepEqual(first.attachments, [image, empty]);
  assert.equal(
    first.attachments![0].bytes,
    second.attachments![0].bytes,
    "one copy in memory for both turns",
  );
});

inTemp(
  "get() refuses what no save writes, in one sentence, before reading a byte too many",
  async (t) => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const image = {
      name: "cat.png",
      kind: "png" as const,
      bytes: png,
      sha256: sha256Of(png),
    };
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "history-" });
    const path = `${dir}/history.db`;
    const damaged = (what: string) =>
      new HistoryError(
        `the history at ${path} is damaged: conversation 1 has ${what}; ` +
          "start a new conversation, or set GPT4O_HISTORY to another file",
      );
    const cases: [string, string, HistoryError][] = [
      [
        "an attachment whose size says 4,000,000,000",
        "UPDATE attachments SET size = 4000000000",
        damaged("an attachment whose size (4000000000) no png sent can have"),
      ],
      [
        "a negative size",
        "UPDATE attachments SET size = -1",
        damaged("an attachment whose size (-1) no png sent can have"),
      ],
      [
        "a size larger than its chunks",
        "UPDATE attachments SET size = 8",
        damaged("an attachment with 7 of its 8 bytes"),
      ],
      [
        "a size smaller than its chunks",
        "UPDATE attachments SET size = 6",
        damaged("an attachment with 0 of its 6 bytes"),
      ],
      [
        "bytes changed",
        "UPDATE attachment_chunks SET bytes = X'89504E47010204'",
        damaged("an attachment whose bytes do not match their hash"),
      ],
      [
        "an unknown kind",
        "UPDATE attachments SET kind = 'exe'",
        damaged('an attachment of an unknown kind ("exe")'),
      ],
      [
        "no chunks table",
        "DROP TABLE attachment_chunks",
        new HistoryError(
          `cannot read the history at ${path}: no such table: attachment_chunks`,
        ),
      ],
      [
        "a null among the tool messages",
        "UPDATE exchanges SET tool_messages = '[null]'",
        damaged("tool messages that are not the ones chat completions take"),
      ],
      [
        "tool messages that are not JSON",
        "UPDATE exchanges SET tool_messages = '[{'",
        damaged("tool messages that are not the ones chat completions take"),
      ],
      [
        "a tool call of no type",
        `UPDATE exchanges SET tool_messages = '[{"role":"assistant","content":null,"tool_calls":[{"id":"c","function":{"name":"f","arguments":"{}"}}]}]'`,
        damaged("tool messages that are not the ones chat completions take"),
      ],
      [
        "options that are not JSON",
        "UPDATE exchanges SET options = '{'",
        damaged("options that are not a JSON object"),
      ],
      [
        "an unknown outcome",
        "UPDATE exchanges SET outcome = 'won'",
        damaged('a turn of an unknown outcome ("won")'),
      ],
    ];
    for (const [name, sql, error] of cases) {
      await t.step(name, () => {
        const id = History.open(path).save(
          exchange(0, { attachments: [image] }),
        );
        // The file changed by hand, or damaged on disk.
        const db = new DatabaseSync(path);
        db.exec(sql);
        db.close();
        using history = History.open(path, { readOnly: true });
        assert.throws(() => history.get(id), error);
        Deno.removeSync(path);
      });
    }
    await Deno.remove(dir, { recursive: true });
  },
);
