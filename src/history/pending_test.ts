import assert from "node:assert/strict";
import { History } from "./store.ts";
import { type Exchange, messagesOf } from "./conversation.ts";
import { ConversationGoneError } from "./errors.ts";

/** An exchange begun at 10:00 (UTC) on 2026-12-01, its answer not in. */
function pending(fields: Partial<Exchange> = {}): Exchange {
  const started = new Date(Date.UTC(2026, 11, 1, 10, 0, 0));
  return {
    system: "Be brief.",
    prompt: "What is certiorari?",
    model: "groq:openai/gpt-oss-120b",
    endpoint: "api.groq.com/openai/v1",
    answer: "",
    outcome: "interrupted",
    started,
    finished: started,
    ...fields,
  };
}

/** The same exchange as it ended: answered by the second target of a fallback. */
function finished(fields: Partial<Exchange> = {}): Exchange {
  return pending({
    model: "gpt-4o",
    endpoint: "127.0.0.1:1337/v1",
    answer: "A writ by which the Supreme Court takes a case.",
    outcome: "answered",
    usage: { prompt_tokens: 27, completion_tokens: 18, total_tokens: 45 },
    cost: { usd: 0.5, source: "server" },
    finished: new Date(Date.UTC(2026, 11, 1, 10, 0, 3)),
    ...fields,
  });
}

Deno.test("begin() saves the prompt with no answer, which a follow-up does not send; finish() completes it in place", () => {
  using history = History.open(":memory:");
  const begun = history.begin(pending());
  assert.deepEqual(begun, { conversationId: 1, exchangeId: 1 });
  const before = history.get(1)!;
  assert.deepEqual(before.turns.map((turn) => [turn.outcome, turn.answer]), [
    ["interrupted", ""],
  ]);
  assert.deepEqual(messagesOf(before), [
    { role: "system", content: "Be brief." },
  ]);
  history.finish(begun, finished());
  const after = history.get(1)!;
  assert.equal(after.model, "gpt-4o");
  assert.equal(after.updated, "2026-12-01T10:00:03.000Z");
  assert.deepEqual(after.turns, [{
    ...finished(),
    usage: {
      prompt_tokens: 27,
      completion_tokens: 18,
      total_tokens: 45,
    },
  }]);
  assert.deepEqual(
    history.list().map(({ id, turns, model, title }) => ({
      id,
      turns,
      model,
      title,
    })),
    [{ id: 1, turns: 1, model: "gpt-4o", title: "What is certiorari?" }],
  );
});

Deno.test("finish() puts the answer's words in the search index, and the prompt's stay", () => {
  using history = History.open(":memory:");
  const begun = history.begin(pending());
  assert.deepEqual(history.search("writ"), []);
  history.finish(begun, finished());
  assert.deepEqual(history.search("writ").map(({ id }) => id), [1]);
  assert.deepEqual(history.search("certiorari").map(({ id }) => id), [1]);
  // The index holds each word once: a second finish leaves no stale row.
  history.finish(begun, finished({ answer: "Another answer." }));
  assert.deepEqual(history.search("writ"), []);
  assert.deepEqual(history.search("another").map(({ id }) => id), [1]);
});

Deno.test("begin() follows up a conversation; finish() leaves its model to a later turn", () => {
  using history = History.open(":memory:");
  const first = history.save(finished());
  const begun = history.begin(pending(), first);
  assert.deepEqual(begun, { conversationId: first, exchangeId: 2 });
  // A terminal's follow-up comes while the answer streams.
  history.save(finished({ model: "ollama:llama3.2" }), first);
  history.finish(begun, finished());
  const conversation = history.get(first)!;
  assert.equal(conversation.model, "ollama:llama3.2");
  assert.deepEqual(conversation.turns.map((turn) => turn.model), [
    "gpt-4o",
    "gpt-4o",
    "ollama:llama3.2",
  ]);
  assert.equal(history.list()[0].turns, 3);
});

Deno.test("finish() of an exchange deleted meanwhile throws ConversationGoneError", () => {
  using history = History.open(":memory:");
  const begun = history.begin(pending());
  history.forget([begun.conversationId]);
  assert.throws(
    () => history.finish(begun, finished()),
    (error) =>
      error instanceof ConversationGoneError &&
      error.message === "there is no conversation 1 in the history at :memory:",
  );
});

Deno.test("summaries() gives the conversations asked for, in that order, leaving out one that is gone", () => {
  using history = History.open(":memory:");
  const a = history.save(finished({ prompt: "First" }));
  const b = history.save(finished({ prompt: "Second" }));
  assert.deepEqual(
    history.summaries([b, 99, a]).map(({ id, title }) => [id, title]),
    [[b, "Second"], [a, "First"]],
  );
  assert.deepEqual(history.summaries([]), []);
});
