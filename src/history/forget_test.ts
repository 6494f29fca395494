import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { createHash } from "node:crypto";
import { testWith } from "../../testdata/permissions.ts";
import { History } from "./store.ts";
import type { Exchange } from "./conversation.ts";
import type { Attachment } from "../files/kinds.ts";

const TMP = new URL("../../.tmp/", import.meta.url).pathname;
const inTemp = testWith(
  { name: "write", path: ".tmp" },
  { name: "read", path: "." },
);

/** A test with a history file in a temporary folder, removed after. */
function withFile(name: string, fn: (path: string) => void) {
  inTemp(name, async () => {
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "forget-" });
    try {
      fn(`${dir}/history.db`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

function turn(prompt: string, answer: string, at = 0): Exchange {
  const when = new Date(Date.UTC(2026, 0, 1) + at * 86_400_000);
  return {
    system: "You are a helpful assistant.",
    prompt,
    model: "gpt-4o",
    endpoint: "api.openai.com/v1",
    answer,
    outcome: "answered",
    started: when,
    finished: when,
  };
}

function image(fill: number): Attachment {
  const bytes = new Uint8Array(3000).fill(fill);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return {
    name: `image-${fill}.png`,
    kind: "png",
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

/** Whether the file's bytes hold `text`, as UTF-8. */
function holds(path: string, text: string): boolean {
  const bytes = Deno.readFileSync(path);
  const wanted = new TextEncoder().encode(text);
  outer: for (let i = 0; i <= bytes.length - wanted.length; i++) {
    for (let j = 0; j < wanted.length; j++) {
      if (bytes[i + j] !== wanted[j]) continue outer;
    }
    return true;
  }
  return false;
}

withFile(
  "forget() deletes conversations, their turns and their words for good: not in the file's bytes, no journal left",
  (path) => {
    const secret = "zebrafish-sentinel-4821";
    const kept = "okapi-keeper-7730";
    {
      using history = History.open(path);
      const gone = history.save(turn(`my ${secret} question`, "an answer"));
      history.save(turn("and then?", `the ${secret} answer`), gone);
      history.rename(gone, `${secret} notes`);
      history.save(turn(`the ${kept} question`, "kept"));
      assert.ok(holds(path, secret), "the text is in the file before");
      assert.deepEqual(history.forget([gone]), {
        conversations: 1,
        turns: 2,
        attachments: 0,
      });
      assert.deepEqual(history.search(secret), []);
      assert.deepEqual(history.search(kept).map((hit) => hit.id), [2]);
      assert.equal(history.get(gone), undefined);
    }
    assert.equal(holds(path, secret), false, "the deleted text is in the file");
    assert.equal(holds(path, "zebrafish"), false, "a word of it is indexed");
    assert.ok(holds(path, kept));
    assert.throws(() => Deno.statSync(`${path}-journal`), Deno.errors.NotFound);
  },
);

withFile(
  "forget() deletes the attachments no other conversation uses, and keeps those one still does",
  (path) => {
    using history = History.open(path);
    const [shared, own] = [image(1), image(2)];
    const first = history.save({
      ...turn("two images", "seen"),
      attachments: [shared, own],
    });
    const second = history.save({
      ...turn("one image", "seen"),
      attachments: [shared],
    });
    assert.deepEqual(history.forget([first]), {
      conversations: 1,
      turns: 1,
      attachments: 1,
    });
    assert.deepEqual(
      history.get(second)!.turns[0].attachments!.map((each) => each.bytes),
      [shared.bytes],
    );
    const db = new DatabaseSync(path, { readOnly: true });
    assert.deepEqual(
      db.prepare("SELECT sha256 FROM attachments").all().map((row) =>
        row.sha256
      ),
      [shared.sha256],
    );
    assert.deepEqual(
      db.prepare("SELECT DISTINCT sha256 FROM attachment_chunks").all().map((
        row,
      ) => row.sha256),
      [shared.sha256],
    );
    db.close();
  },
);

withFile(
  "forget() gives the freed space back: the file shrinks",
  (path) => {
    const big = "lorem ipsum dolor ".repeat(20_000);
    using history = History.open(path);
    const ids = [1, 2, 3, 4].map((i) =>
      history.save(turn(`question ${i}`, big))
    );
    const before = Deno.statSync(path).size;
    history.forget(ids.slice(0, 3));
    const after = Deno.statSync(path).size;
    assert.ok(after < before / 2, `${after} bytes after, ${before} before`);
    history.forget(ids.slice(3));
    // At least half goes (the tables' own first pages stay).
    const last = Deno.statSync(path).size;
    assert.ok(last <= after / 2, `${last} bytes at last, ${after} before`);
  },
);

withFile(
  "forget() in a history made without incremental vacuuming zeroes what it deletes, and later saves reuse the space",
  (path) => {
    Deno.copyFileSync(
      new URL("../../testdata/history/v3.db", import.meta.url),
      path,
    );
    using history = History.open(path);
    assert.ok(holds(path, "certiorari"));
    history.forget([1]);
    assert.equal(holds(path, "certiorari"), false);
    const size = Deno.statSync(path).size;
    history.save(turn("a new question", "a new answer"));
    assert.equal(Deno.statSync(path).size, size);
  },
);

Deno.test("unusedSince() gives the conversations last used before a date, oldest first", () => {
  using history = History.open(":memory:");
  const old = history.save(turn("old", "a", 0));
  const newer = history.save(turn("newer", "b", 10));
  history.save(turn("recent", "c", 40));
  history.save(turn("old, followed up", "d", 35), old);
  assert.deepEqual(
    history.unusedSince(new Date(Date.UTC(2026, 0, 1) + 36 * 86_400_000)),
    [{ id: newer, title: "newer" }, { id: old, title: "old" }],
  );
  assert.deepEqual(history.unusedSince(new Date(Date.UTC(2025, 0, 1))), []);
});
