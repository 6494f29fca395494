import assert from "node:assert/strict";
import type { Exchange, Turns } from "./conversation.ts";
import { formatList, formatTranscript } from "./transcript.ts";

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

Deno.test("formatList() aligns its columns and cuts long titles", () => {
  const at = (minutes: number) =>
    new Date(2026, 10, 27, 23, 14 + minutes).toISOString();
  const long = "how does a court case get to the Supreme Court of the " +
    "United States, step by step?";
  assert.equal(
    formatList([
      {
        id: 12,
        created: at(0),
        updated: at(0),
        model: "gpt-4o",
        turns: 3,
        title: long,
      },
      {
        id: 9,
        created: at(0),
        updated: at(-60 * 24 * 40),
        model: "gpt-4o-mini",
        turns: 1,
        title: "tabs\tand\x1b[31mescapes",
      },
      {
        id: 100,
        created: at(0),
        updated: at(-1),
        model: "o1",
        turns: 10,
        title: "",
      },
    ]),
    [
      " 12  2026-11-27 23:14  gpt-4o        3 turns  how does a court case get to the Supreme Court of the Unite…",
      "  9  2026-10-18 23:14  gpt-4o-mini    1 turn  tabs and [31mescapes",
      "100  2026-11-27 23:13  o1           10 turns",
    ].join("\n"),
  );
  const [line] = formatList([
    {
      id: 1,
      created: at(0),
      updated: at(0),
      model: "m",
      turns: 1,
      title: long.slice(0, 60),
    },
  ]).split("\n");
  assert.ok(line.endsWith(long.slice(0, 60)), "a 60-character title is cut");
});

Deno.test("formatList() says when there are no conversations", () => {
  assert.equal(formatList([]), "no conversations yet");
});

Deno.test("formatTranscript() shows every turn, how it ended and its usage", () => {
  const conversation: Turns = {
    id: 12,
    model: "gpt-4o-mini",
    system: "Be brief.",
    turns: [
      exchange(0, {
        system: "Be brief.",
        prompt: "how does a court case\nget to the Supreme Court?",
        answer: "Through appeals.\nThen certiorari.",
        usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 },
      }),
      exchange(2, {
        system: "Be brief.",
        prompt: "and then?",
        answer: "The Court",
        outcome: "interrupted",
        error: "interrupted",
      }),
      exchange(3, {
        system: "Be brief.",
        prompt: "again",
        answer: "",
        outcome: "failed",
        error: "connection refused",
        endpoint: "127.0.0.1:1337/v1",
      }),
      exchange(65, {
        system: "Be very brief.",
        prompt: "once more",
        answer: "Appeals.",
        outcome: "cut off",
        model: "gpt-4o-mini",
        usage: { total_tokens: 5 },
      }),
    ],
  };
  assert.equal(
    formatTranscript(conversation),
    [
      "conversation 12  gpt-4o-mini  api.openai.com/v1  2026-11-27 23:14 – 2026-11-28 00:19",
      "system: Be brief.",
      "(gpt-4o  api.openai.com/v1)",
      "",
      "> how does a court case",
      "> get to the Supreme Court?",
      "",
      "Through appeals.",
      "Then certiorari.",
      "[tokens: 20 prompt, 8 completion, 28 total]",
      "",
      "> and then?",
      "",
      "The Court",
      "[interrupted]",
      "(gpt-4o  127.0.0.1:1337/v1)",
      "",
      "> again",
      "",
      "[failed: connection refused]",
      "system: Be very brief.",
      "(gpt-4o-mini  api.openai.com/v1)",
      "",
      "> once more",
      "",
      "Appeals.",
      "[cut off]",
      "[tokens: 5 total]",
    ].join("\n"),
  );
});

Deno.test("formatTranscript() names each turn's attachments and options", () => {
  const text = formatTranscript({
    id: 4,
    model: "gpt-4o",
    system: "Be brief.",
    turns: [exchange(0, {
      system: "Be brief.",
      prompt: "What is this?",
      answer: "A cat.",
      attachments: [
        {
          name: "cat.png",
          kind: "png",
          bytes: new Uint8Array(2048),
          sha256: "a".repeat(64),
        },
        {
          name: "https://x.test/d.png",
          kind: "url",
          url: "https://x.test/d.png",
        },
      ],
      options: { temperature: 0.2, stop: ["END"] },
    })],
  });
  assert.deepEqual(text.split("\n").slice(2), [
    "",
    "> What is this?",
    "> [attached: cat.png (PNG image, 2 KiB)]",
    "> [attached: https://x.test/d.png (image URL)]",
    "",
    '[options: temperature=0.2 stop=["END"]]',
    "A cat.",
  ]);
});

Deno.test("formatTranscript() shows a conversation without turns as such", () => {
  assert.equal(
    formatTranscript({ id: 3, model: "gpt-4o", system: "", turns: [] }),
    "conversation 3  gpt-4o  (no turns)",
  );
});
