import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { createHash } from "node:crypto";
import { testWith } from "../../testdata/permissions.ts";
import { History } from "./store.ts";
import { SCHEMA_VERSION } from "./migrations.ts";

const TMP = new URL("../../.tmp/", import.meta.url).pathname;
/** A history the program wrote at schema version 3, before names, usage and search. */
const VERSION_3 = new URL("../../testdata/history/v3.db", import.meta.url);

const inTemp = testWith(
  { name: "write", path: ".tmp" },
  { name: "read", path: "." },
);

/** A copy of the version 3 history in a temporary folder, removed after. */
function withVersion3(name: string, fn: (path: string) => void) {
  inTemp(name, async () => {
    Deno.mkdirSync(TMP, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: TMP, prefix: "migrate-" });
    try {
      const path = `${dir}/history.db`;
      Deno.copyFileSync(VERSION_3, path);
      fn(path);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

withVersion3(
  "open() brings a version 3 history up to date, and every conversation reads back as it was written",
  (path) => {
    using history = History.open(path);
    assert.equal(
      new DatabaseSync(path).prepare("PRAGMA user_version").get()
        ?.user_version,
      SCHEMA_VERSION,
    );
    assert.deepEqual(
      history.list().map(({ id, title, turns, model }) => ({
        id,
        title,
        turns,
        model,
      })),
      [
        { id: 5, title: "hello world", turns: 1, model: "gpt-4o" },
        {
          id: 4,
          title: "Write a long essay about juries",
          turns: 1,
          model: "gpt-4o",
        },
        {
          id: 3,
          title: "Which notes mention the court?",
          turns: 1,
          model: "gpt-4o",
        },
        {
          id: 2,
          title: "What is in this picture?",
          turns: 1,
          model: "openai/gpt-4o",
        },
        {
          id: 1,
          title: "how does a court case get to the Supreme Court?",
          turns: 2,
          model: "gpt-4o",
        },
      ],
    );
    const first = history.get(1)!;
    assert.deepEqual(
      first.turns.map((turn) => [turn.prompt, turn.usage, turn.options]),
      [
        [
          "how does a court case get to the Supreme Court?",
          { prompt_tokens: 27, completion_tokens: 14, total_tokens: 41 },
          { temperature: 0.2 },
        ],
        [
          "And what is certiorari?",
          { prompt_tokens: 60, completion_tokens: 15, total_tokens: 75 },
          undefined,
        ],
      ],
    );
    assert.deepEqual(
      [first.created, first.updated, first.turns[0].cost],
      ["2026-11-01T10:00:00.000Z", "2026-11-01T10:01:02.000Z", undefined],
    );
    const [image, url] = history.get(2)!.turns[0].attachments!;
    const pixel = Deno.readFileSync(
      new URL("../../testdata/attachments/pixel.png", import.meta.url),
    );
    assert.deepEqual(
      [image.name, image.kind, image.bytes, image.sha256, url],
      [
        "pixel.png",
        "png",
        pixel,
        createHash("sha256").update(pixel).digest("hex"),
        {
          name: "https://example.com/a.png",
          kind: "url",
          url: "https://example.com/a.png",
        },
      ],
    );
    assert.deepEqual(history.get(3)!.turns[0].toolMessages, [
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "call_1",
          type: "function",
          function: { name: "search_files", arguments: '{"pattern":"court"}' },
        }],
      },
      { role: "tool", tool_call_id: "call_1", content: "court.md\nappeal.md" },
    ]);
    assert.deepEqual(
      history.get(4)!.turns[0].outcome + " " + history.get(5)!.turns[0].prompt,
      "interrupted hello\u0000world",
    );
  },
);

withVersion3(
  "open() indexes what a version 3 history holds: a search finds its prompts, answers and titles",
  (path) => {
    using history = History.open(path);
    assert.deepEqual(history.search("certiorari").map((hit) => hit.id), [1]);
    assert.deepEqual(history.search("court").map((hit) => hit.id), [1, 3]);
    assert.deepEqual(history.search("pixel").map((hit) => hit.id), [2]);
  },
);

withVersion3(
  "a version 3 history brought up to date keeps what the older program wrote when the newer one adds to it",
  (path) => {
    {
      using history = History.open(path);
      history.save({
        system: "Be brief.",
        prompt: "And mandamus?",
        model: "gpt-4o",
        endpoint: "api.openai.com/v1",
        answer: "An order to act.",
        outcome: "answered",
        started: new Date("2026-12-01T10:00:00Z"),
        finished: new Date("2026-12-01T10:00:01Z"),
      }, 1);
    }
    using history = History.open(path);
    assert.deepEqual(history.get(1)!.turns.map((turn) => turn.prompt), [
      "how does a court case get to the Supreme Court?",
      "And what is certiorari?",
      "And mandamus?",
    ]);
    assert.deepEqual(history.search("mandamus").map((hit) => hit.id), [1]);
  },
);

withVersion3(
  "open() brings a version 3 history up to date, where the API a run found is kept",
  (path) => {
    {
      using history = History.open(path);
      assert.deepEqual(
        history.rememberedApi("https://api.openai.com/v1", "o1-pro"),
        {},
      );
      history.rememberApi("https://api.openai.com/v1", "o1-pro", "responses");
    }
    assert.equal(SCHEMA_VERSION, 6);
    using history = History.open(path, { readOnly: true });
    assert.deepEqual(
      history.rememberedApi("https://api.openai.com/v1", "o1-pro"),
      { model: "responses" },
    );
  },
);
