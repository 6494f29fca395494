import assert from "node:assert/strict";
import { terminalOutput } from "../io/terminal.ts";
import { reasoningOf, ReasoningPrinter, showReasoning } from "./reasoning.ts";

function recorder() {
  const writes: string[] = [];
  return { writes, out: { write: (text: string) => void writes.push(text) } };
}

Deno.test("reasoningOf() reads DeepSeek's reasoning_content in a streamed delta", () => {
  // Shaped like a deepseek-reasoner chunk: reasoning first, content empty.
  const delta = { role: "assistant", content: "", reasoning_content: "Let me" };
  assert.equal(reasoningOf(delta), "Let me");
});

Deno.test("reasoningOf() reads OpenRouter's and Ollama's reasoning in a streamed delta", () => {
  // Shaped like an OpenRouter chunk, with reasoning_details beside it.
  const delta = {
    role: "assistant",
    content: "",
    reasoning: "**Retr",
    reasoning_details: [{ type: "reasoning.summary", summary: "**Retr" }],
  };
  assert.equal(reasoningOf(delta), "**Retr");
});

Deno.test("reasoningOf() reads both field names in a whole message", () => {
  assert.equal(
    reasoningOf({
      role: "assistant",
      content: "9.8",
      reasoning_content: "9.80 > 9.11",
    }),
    "9.80 > 9.11",
  );
  assert.equal(
    reasoningOf({
      role: "assistant",
      content: "9.8",
      reasoning: "9.80 > 9.11",
    }),
    "9.80 > 9.11",
  );
});

Deno.test("reasoningOf() takes one field when a server sends the same text in both", () => {
  assert.equal(reasoningOf({ reasoning_content: "a", reasoning: "a" }), "a");
  assert.equal(reasoningOf({ reasoning_content: "", reasoning: "b" }), "b");
});

Deno.test("reasoningOf() is empty for answers, nulls and things that are not objects", () => {
  const parts: unknown[] = [
    { role: "assistant", content: "Paris" },
    { content: "", reasoning: null, reasoning_content: null },
    { reasoning: { text: "not a string" } },
    { reasoning_content: 42 },
    null,
    undefined,
    "reasoning",
    [],
  ];
  for (const part of parts) assert.equal(reasoningOf(part), "", String(part));
});

Deno.test("showReasoning() obeys the flag, else shows it only on a terminal", () => {
  const table = [
    [undefined, true, true],
    [undefined, false, false],
    [true, true, true],
    [true, false, true],
    [false, true, false],
    [false, false, false],
  ] as const;
  for (const [flag, terminal, expected] of table) {
    assert.equal(
      showReasoning(flag, terminal),
      expected,
      `${flag} ${terminal}`,
    );
  }
});

Deno.test("ReasoningPrinter dims the reasoning and ends it with a blank line", () => {
  const { writes, out } = recorder();
  const printer = new ReasoningPrinter(out);
  printer.write("Let me");
  printer.write(" think.");
  printer.end();
  assert.deepEqual(writes, [
    "\x1b[2m",
    "Let me",
    " think.",
    "\x1b[22m",
    "\n\n",
  ]);
});

Deno.test("ReasoningPrinter styles through the output's style(), so a terminal shows the server's escapes, not its own", () => {
  let shown = "";
  const printer = new ReasoningPrinter(
    terminalOutput({ write: (text) => void (shown += text) }),
  );
  printer.write("think \x1b]0;title\x07\x1b[8mhidden");
  printer.end();
  assert.equal(shown, "\x1b[2mthink ␛]0;title␇␛[8mhidden\x1b[22m\n\n");
});

Deno.test("ReasoningPrinter stops, and lets the answer go on, when stderr cannot be written", () => {
  let writes = 0;
  const printer = new ReasoningPrinter({
    write: () => {
      writes++;
      throw new Error("Broken pipe (os error 32)");
    },
  }, { color: false });
  printer.write("one");
  printer.write("two");
  printer.end();
  assert.equal(writes, 1);
});

Deno.test("ReasoningPrinter writes plain text without color", () => {
  const { writes, out } = recorder();
  const printer = new ReasoningPrinter(out, { color: false });
  printer.write("Let me");
  printer.write(" think.");
  printer.end();
  assert.equal(writes.join(""), "Let me think.\n\n");
});

Deno.test("ReasoningPrinter adds no second newline after reasoning that ends a line", () => {
  const color = recorder();
  const printer = new ReasoningPrinter(color.out);
  printer.write("Done.\n");
  printer.end();
  assert.equal(color.writes.join(""), "\x1b[2mDone.\n\x1b[22m\n");

  const plain = recorder();
  const plainPrinter = new ReasoningPrinter(plain.out, { color: false });
  plainPrinter.write("Done.\n");
  plainPrinter.end();
  assert.equal(plain.writes.join(""), "Done.\n\n");
});

Deno.test("ReasoningPrinter.end() writes once, and nothing when nothing was written", () => {
  const { writes, out } = recorder();
  const printer = new ReasoningPrinter(out);
  printer.end();
  printer.write("");
  printer.end();
  assert.deepEqual(writes, []);
  printer.write("x");
  printer.end();
  printer.end();
  assert.deepEqual(writes, ["\x1b[2m", "x", "\x1b[22m", "\n\n"]);
});

Deno.test("ReasoningPrinter opens a new dim block for reasoning after end()", () => {
  const { writes, out } = recorder();
  const printer = new ReasoningPrinter(out);
  printer.write("first");
  printer.end();
  printer.write("second");
  printer.end();
  assert.equal(
    writes.join(""),
    "\x1b[2mfirst\x1b[22m\n\n\x1b[2msecond\x1b[22m\n\n",
  );
});
