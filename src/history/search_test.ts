import assert from "node:assert/strict";
import { History } from "./store.ts";
import type { Exchange } from "./conversation.ts";
import { MARK, matchQuery } from "./search.ts";

/** An exchange finished at 2026-11-27 23:00 UTC plus `minutes`. */
function turn(
  minutes: number,
  prompt: string,
  answer = "Noted.",
): Exchange {
  const at = new Date(Date.UTC(2026, 10, 27, 23, minutes));
  return {
    system: "You are a helpful assistant.",
    prompt,
    model: "gpt-4o",
    endpoint: "api.openai.com/v1",
    answer,
    outcome: "answered",
    started: at,
    finished: at,
  };
}

Deno.test("matchQuery() makes every word a string to find, and nothing FTS5 syntax", async (t) => {
  const cases: [string, string, string | undefined][] = [
    ["words, all of them", "supreme court", `"supreme" "court"`],
    ["a phrase in quotes", `"supreme court" case`, `"supreme court" "case"`],
    ["a prefix", "cert*", `"cert" *`],
    ["a phrase left open", `say "hi there`, `"say" "hi there"`],
    [
      "FTS5's operators as words",
      "a OR b NOT c NEAR",
      `"a" "OR" "b" "NOT" "c" "NEAR"`,
    ],
    ["column filters and signs", "prompt:x -y ^z", `"prompt:x" "-y" "^z"`],
    ["a quote inside a word", `it"s`, `"it" "s"`],
    ["letters of any script", "Québec суд δίκη", `"Québec" "суд" "δίκη"`],
    ["no letters or digits", `* - "" ::`, undefined],
    ["nothing", "   ", undefined],
  ];
  for (const [name, text, query] of cases) {
    await t.step(name, () => assert.equal(matchQuery(text), query));
  }
});

Deno.test("search() finds a conversation by a turn or its title that holds every word, in its prompt or answer", () => {
  using history = History.open(":memory:");
  const court = history.save(turn(0, "How does a case reach the court?"));
  history.save(turn(1, "And then?", "Through a writ of certiorari."), court);
  const other = history.save(turn(2, "Best pasta recipe", "Boil water."));
  assert.deepEqual(history.search("court").map((hit) => hit.id), [court]);
  assert.deepEqual(history.search("writ certiorari").map((hit) => hit.id), [
    court,
  ]);
  assert.deepEqual(history.search("pasta water").map((hit) => hit.id), [other]);
  assert.deepEqual(history.search("pasta court"), []);
  assert.deepEqual(history.search("   "), []);
});

Deno.test("search() ranks a match in a prompt or a title above one in answers alone, then the newest first", () => {
  using history = History.open(":memory:");
  const answerOnly = history.save(
    turn(9, "Tell me about Rome", "The senate met in the curia."),
  );
  const older = history.save(turn(0, "What did the senate do?"));
  const newer = history.save(turn(5, "What did the senate do?"));
  const named = history.save(turn(1, "Tell me about Athens"));
  history.rename(named, "senate notes");
  const hits = history.search("senate");
  assert.deepEqual(hits.map((hit) => hit.id), [
    newer,
    older,
    named,
    answerOnly,
  ]);
  assert.ok(hits.slice(0, 3).every((hit) => hit.score >= 1), "first tier");
  assert.ok(hits[3].score > 0 && hits[3].score < 1, "answers alone");
});

Deno.test("search() gives each conversation's id, title, dates and a snippet with the match marked", () => {
  using history = History.open(":memory:");
  const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
  const id = history.save(
    turn(0, "Summarize this", `${words} certiorari ${words}`),
  );
  const [hit] = history.search("certiorari");
  assert.deepEqual(hit, {
    id,
    title: "Summarize this",
    created: "2026-11-27T23:00:00.000Z",
    updated: "2026-11-27T23:00:00.000Z",
    snippet:
      `…word35 word36 word37 word38 word39 ${MARK.open}certiorari${MARK.close} word0 word1 word2 word3 word4 word5…`,
    score: hit.score,
  });
  // A conversation found by its title alone shows the title, marked.
  const named = history.save(turn(1, "Unrelated"));
  history.rename(named, "Appeals, step by step");
  assert.deepEqual(history.search("appeals").map((each) => each.snippet), [
    `${MARK.open}Appeals${MARK.close}, step by step`,
  ]);
});

Deno.test("search() takes phrases, prefixes and any script's letters, diacritics or not", async (t) => {
  using history = History.open(":memory:");
  const phrase = history.save(turn(0, "the supreme court decided"));
  const apart = history.save(turn(1, "the court was supreme"));
  const cyrillic = history.save(turn(2, "Как дело попадает в Верховный суд?"));
  const accents = history.save(turn(3, "La Cour suprême du Québec"));
  const greek = history.save(turn(4, "Τι είναι η δίκη;"));
  const cases: [string, string, number[]][] = [
    ["a phrase, in order", `"supreme court"`, [phrase]],
    ["the same words in any order", "supreme court", [apart, phrase]],
    ["a prefix", "decid*", [phrase]],
    ["Cyrillic, any case", "ВЕРХОВНЫЙ", [cyrillic]],
    ["Cyrillic, a prefix", "верхов*", [cyrillic]],
    ["without the diacritics", "supreme quebec", [accents]],
    ["with them, which match without as well", "suprême", [
      apart,
      phrase,
      accents,
    ]],
    ["Greek", "δίκη", [greek]],
  ];
  for (const [name, words, ids] of cases) {
    await t.step(
      name,
      () => assert.deepEqual(history.search(words).map((hit) => hit.id), ids),
    );
  }
});

Deno.test("search() finds a conversation by its new name, not its old title", () => {
  using history = History.open(":memory:");
  const id = history.save(turn(0, "first question"));
  history.rename(id, "tax return 2026");
  assert.deepEqual(history.search("tax").map((hit) => hit.title), [
    "tax return 2026",
  ]);
  assert.deepEqual(history.search("first").map((hit) => hit.id), [id]);
  history.rename(id, "budget");
  assert.deepEqual(history.search("tax"), []);
});

Deno.test("search() returns at most the limit", () => {
  using history = History.open(":memory:");
  for (let i = 0; i < 30; i++) history.save(turn(i, `question ${i} court`));
  assert.equal(history.search("court").length, 20);
  assert.equal(history.search("court", 5).length, 5);
});

Deno.test("search() ranks the newest matching turns it scans, so that a word in every turn costs no more than a rare one", () => {
  using history = History.open(":memory:");
  const oldest = history.save(turn(0, "tell me", "court, court and court"));
  for (let i = 1; i <= 30; i++) {
    history.save(turn(i, "tell me", `a court ${i}`));
  }
  assert.equal(history.search("court", 50).length, 31);
  assert.equal(history.search("court", 50).at(0)?.id, oldest);
  const scanned = history.search("court", 50, 10);
  assert.deepEqual(scanned.map((hit) => hit.id), [
    31,
    30,
    29,
    28,
    27,
    26,
    25,
    24,
    23,
    22,
  ]);
});
