import assert from "node:assert/strict";
import { chatAskedOf } from "./chat_request.ts";

const PDF = btoa("%PDF-1.4\n%%EOF\n");

Deno.test("chatAskedOf() takes a conversation by id, a model, a prompt and files known by their bytes", async () => {
  const asked = await chatAskedOf({
    conversation: 3,
    model: "role:lawyer",
    prompt: "Read this.",
    attachments: [{ name: "brief\n.pdf", media_type: "image/png", data: PDF }],
  });
  assert.deepEqual(
    {
      ...asked,
      attachments: asked.attachments.map(({ name, kind }) => ({ name, kind })),
    },
    {
      conversation: 3,
      model: "role:lawyer",
      prompt: "Read this.",
      attachments: [{ name: "brief .pdf", kind: "pdf" }],
    },
  );
  assert.deepEqual(
    await chatAskedOf({
      prompt: "",
      model: "",
      conversation: null,
      attachments: [{ data: PDF }],
    }),
    {
      prompt: "",
      attachments:
        (await chatAskedOf({ prompt: "x", attachments: [{ data: PDF }] }))
          .attachments,
    },
  );
  assert.equal(
    (await chatAskedOf({ prompt: "x", attachments: [{ data: PDF }] }))
      .attachments[0].name,
    "attachment 1",
  );
});

Deno.test("chatAskedOf() refuses what cannot be asked, naming the field", async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ prompt: 3 }, "prompt must be a text"],
    [{ prompt: "x", model: 4 }, "model must be a text, such as gpt-4o"],
    [
      { prompt: "x", attachments: {} },
      'attachments must be a list of {"name", "media_type", "data"}',
    ],
    [
      { prompt: "x", attachments: [null] },
      "attachment 1: data must be the file's bytes in base64",
    ],
    [
      { prompt: "x", conversation: 0 },
      "conversation must be the id of a conversation, such as 3",
    ],
    [
      { prompt: "x", conversation: 1.5 },
      "conversation must be the id of a conversation, such as 3",
    ],
  ];
  for (const [body, message] of cases) {
    await t.step(message, async () => {
      await assert.rejects(chatAskedOf(body), { status: 400, message });
    });
  }
});
