import assert from "node:assert/strict";
import { maskedMessage } from "./turns.ts";
import type { Message } from "../history/conversation.ts";
import { Secrets } from "../io/redact.ts";

const SECRET = "sk-turns-0123456789abcdef";

Deno.test("maskedMessage() masks all of a message's text, and leaves files' data as it is", async (t) => {
  const secrets = new Secrets();
  secrets.add(SECRET);
  const redact = (text: string) => secrets.redact(text);
  const data = `data:image/png;base64,${SECRET}`;
  const cases: [string, Message, Message][] = [
    [
      "a system message",
      { role: "system", content: `key ${SECRET}` },
      { role: "system", content: "key [redacted]" },
    ],
    [
      "a prompt",
      { role: "user", content: `key ${SECRET}` },
      { role: "user", content: "key [redacted]" },
    ],
    [
      "an answer",
      { role: "assistant", content: `It is ${SECRET}.` },
      { role: "assistant", content: "It is [redacted]." },
    ],
    [
      "a prompt's parts: the text and an image's URL, not a file's data",
      {
        role: "user",
        content: [
          { type: "text", text: `key ${SECRET}` },
          {
            type: "image_url",
            image_url: { url: `https://x.example/${SECRET}.png` },
          },
          { type: "image_url", image_url: { url: data } },
          { type: "file", file: { filename: "a.pdf", file_data: data } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "key [redacted]" },
          {
            type: "image_url",
            image_url: { url: "https://x.example/[redacted].png" },
          },
          { type: "image_url", image_url: { url: data } },
          { type: "file", file: { filename: "a.pdf", file_data: data } },
        ],
      },
    ],
    [
      "tool calls",
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "c1",
          type: "function",
          function: { name: "echo", arguments: `{"text":"${SECRET}"}` },
        }],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "c1",
          type: "function",
          function: { name: "echo", arguments: '{"text":"[redacted]"}' },
        }],
      },
    ],
    [
      "a tool's result",
      { role: "tool", tool_call_id: "c1", content: SECRET },
      { role: "tool", tool_call_id: "c1", content: "[redacted]" },
    ],
  ];
  for (const [name, message, sent] of cases) {
    await t.step(name, () => {
      assert.deepEqual(maskedMessage(message, redact), sent);
    });
  }
});
