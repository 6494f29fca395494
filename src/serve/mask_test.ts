import assert from "node:assert/strict";
import { Secrets } from "../io/redact.ts";
import { ChunkMask, maskedOutgoing } from "./mask.ts";

const KEY = "sk-proj-Q7vX2mLk9PzRw4YhN8cVa1sUeT3bJ6gF";

function secrets(...values: string[]): Secrets {
  const secrets = new Secrets();
  secrets.add(...values);
  return secrets;
}

/** A chunk whose choices say `contents`, by index. */
const chunkOf = (...contents: [number, string][]) => ({
  id: "chatcmpl-1",
  choices: contents.map(([index, content]) => ({
    index,
    delta: { content },
    finish_reason: null,
  })),
});

Deno.test("ChunkMask masks a key split across the deltas of a choice, each piece in its place", () => {
  const mask = new ChunkMask(secrets(KEY));
  const pieces = [
    "Key: ",
    KEY.slice(0, 6),
    KEY.slice(6, 14),
    KEY.slice(14),
    " ok",
  ];
  assert.deepEqual(
    pieces.map((piece) =>
      mask.mask(chunkOf([0, piece])).choices[0].delta.content
    ),
    ["Key: ", KEY.slice(0, 6), "[redacted]", "[redacted]", " ok"],
  );
});

Deno.test("ChunkMask follows each choice and each tool call by its index, not its place", () => {
  const mask = new ChunkMask(secrets(KEY));
  mask.mask(chunkOf([0, "a"], [1, KEY.slice(0, 10)]));
  // Choice 1 comes first now: its text goes on from its own.
  assert.deepEqual(
    mask.mask(chunkOf([1, KEY.slice(10, 20)], [0, KEY.slice(10, 20)])),
    chunkOf([1, "[redacted]"], [0, KEY.slice(10, 20)]),
  );
  const call = (index: number, text: string) => ({
    choices: [{
      index: 0,
      delta: { tool_calls: [{ index, function: { arguments: text } }] },
    }],
  });
  mask.mask(call(0, `{"k":"${KEY.slice(0, 10)}`));
  assert.deepEqual(mask.mask(call(0, KEY.slice(10))), call(0, "[redacted]"));
  assert.deepEqual(mask.mask(call(1, KEY.slice(10))), call(1, "[redacted]"));
});

Deno.test("ChunkMask keeps what is not text, and every field's text it need not mask", () => {
  const mask = new ChunkMask(secrets(KEY, "pass1234"));
  const chunk = {
    id: "x",
    created: 1790000001,
    usage: null,
    choices: [{
      index: 0,
      delta: { content: "the pass1234 word" },
      logprobs: null,
      finish_reason: "stop",
    }],
    list: [1, true, "plain"],
  };
  assert.deepEqual(mask.mask(chunk), {
    ...chunk,
    choices: [{
      ...chunk.choices[0],
      delta: { content: "the [redacted] word" },
    }],
  });
  assert.deepEqual(new ChunkMask(new Secrets()).mask(chunk), chunk);
});

Deno.test("maskedOutgoing() masks the text of messages, and leaves a data URL's bytes as they are", () => {
  const image = `data:image/png;base64,${KEY}AAAA`;
  assert.deepEqual(
    maskedOutgoing([
      { role: "system", content: `key ${KEY}` },
      {
        role: "user",
        content: [
          { type: "text", text: `data: ${KEY}` },
          { type: "image_url", image_url: { url: image } },
          {
            type: "image_url",
            image_url: { url: `https://x.example/?k=${KEY}` },
          },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c", function: { arguments: `"${KEY}"` } }],
      },
    ], secrets(KEY)),
    [
      { role: "system", content: "key [redacted]" },
      {
        role: "user",
        content: [
          { type: "text", text: "data: [redacted]" },
          { type: "image_url", image_url: { url: image } },
          {
            type: "image_url",
            image_url: { url: "https://x.example/?k=[redacted]" },
          },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c", function: { arguments: '"[redacted]"' } }],
      },
    ],
  );
});
